"""``nettrace verify BUNDLE``: is this bundle whole and what it claims to be?

Checks the manifest against the JSON Schema (``nettrace/data/bundle.schema.json``), every file's
size and sha256 against the manifest, files listed but missing, files present but unlisted, and
everything the safe reader refused (links, ``..`` paths, oversized members) — see
:func:`nettrace.bundle.integrity_problems` — and, for a bundle that says it is redacted, what the
redaction left (:func:`nettrace.capture.redaction.leftovers`: MACs, public IPs, user and host
names, members not recorded as redacted). Prints one line per problem; exit 0 when there is
none, 1 otherwise.
"""
from __future__ import annotations

from nettrace.cli import common

HELP = ("check a bundle's integrity (sha256, sizes, schema, refused members) and, if it says it is redacted, "
        "what the redaction left; exit 1 on any problem")


def add_arguments(p) -> None:
    common.add_bundle(p)
    common.add_output(p)


def run(args) -> int:
    from nettrace.bundle import integrity_problems
    from nettrace.capture.redaction import bundle_leftovers

    bundle = common.open_bundle(args.bundle)
    found = integrity_problems(bundle) + bundle_leftovers(bundle)
    checked = len(bundle.integrity)
    with common.output(args.output) as fh:
        for line in found:
            fh.write(line + "\n")
        ok = sum(1 for s in bundle.integrity["status"] if s == "ok")
        fh.write(f"{bundle.name}: {ok}/{checked} files match the manifest; "
                 f"{len(found)} problem(s)\n")
    return 1 if found else 0
