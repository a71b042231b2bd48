"""``nettrace verify BUNDLE``: is this bundle whole and what it claims to be?

Checks the manifest against the JSON Schema (``nettrace/data/bundle.schema.json``), every file's
size and sha256 against the manifest, files listed but missing, files present but unlisted, and
everything the safe reader refused (links, ``..`` paths, oversized members). Prints one line per
problem; exit 0 when there is none, 1 otherwise.
"""
from __future__ import annotations

import json
from importlib import resources

import pandas as pd

from nettrace.clitools import add_bundle_argument, open_bundle, output

HELP = "check a bundle's integrity (sha256, sizes, schema, refused members); exit 1 on any problem"


def schema_problems(manifest: dict) -> list[str]:
    """Where *manifest* breaks the bundle JSON Schema (empty when valid)."""
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - jsonschema is a dependency
        return []
    try:
        schema = json.loads(resources.files("nettrace").joinpath("data/bundle.schema.json").read_text("utf-8"))
    except FileNotFoundError:
        return []
    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for err in sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        out.append(f"manifest.json: {where}: {err.message}")
    return out


def problems(bundle) -> list[str]:
    out = []
    if bundle.manifest.get("inferred"):
        out.append("manifest.json: missing or unreadable")
    else:
        out.extend(schema_problems({k: v for k, v in bundle.manifest.items()}))
    for _, row in bundle.warnings[bundle.warnings["kind"] == "integrity"].iterrows():
        if row["file"] == "manifest.json" and bundle.manifest.get("inferred"):
            continue  # said once above
        line = "" if pd.isna(row["line"]) else f":{int(row['line'])}"
        out.append(f"{row['file']}{line}: {row['message']}")
    return list(dict.fromkeys(out))


def add_arguments(p) -> None:
    add_bundle_argument(p)
    p.add_argument("-o", "--output", metavar="FILE")


def run(args) -> int:
    bundle = open_bundle(args.bundle)
    found = problems(bundle)
    checked = len(bundle.integrity)
    with output(args.output) as fh:
        for line in found:
            fh.write(line + "\n")
        ok = sum(1 for s in bundle.integrity["status"] if s == "ok")
        fh.write(f"{bundle.name}: {ok}/{checked} files match the manifest; "
                 f"{len(found)} problem(s)\n")
    return 1 if found else 0
