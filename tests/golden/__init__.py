"""Golden tests, after jc's ``tests/fixtures``: every parser's expected output committed beside
its input, both owned by the project, so a user's clone checks the parsers without ``../shared``.

Layout: ``tests/golden/<parser>/<name>.out`` is the command's text exactly as the command prints
it (written from Apple's printing code, or copied from a fake-Mac scenario in ``tests/scenarios/``;
``tests/golden/SOURCES.md`` says which, per file). Beside it, ``<name>.json`` holds what
``nettrace.parsers.<parser>.parse`` returns::

    {"frames": {"<frame>": [{"column": value, ...}, ...]}, "warnings": [[line, "message"], ...]}

Values are JSON: missing values are ``null``, timestamps ISO 8601 strings, lists stay lists.

``tests/test_golden.py`` discovers every pair and compares. After a deliberate change to a
parser, regenerate its expectations and review the diff by hand before committing::

    python -m tests.golden --update            # every pair
    python -m tests.golden --update ps lsof    # the pairs of these parsers
    python -m tests.golden                     # list the pairs that differ (exit 1 if any)
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from nettrace.parsers import parse_as_frames

GOLDEN = Path(__file__).resolve().parent


def pairs(parsers: list[str] | None = None) -> list[tuple[str, Path]]:
    """``(parser, input path)`` of every golden input (of *parsers* only, when given), sorted."""
    out = []
    for path in sorted(GOLDEN.glob("*/*.out")):
        if not parsers or path.parent.name in parsers:
            out.append((path.parent.name, path))
    return out


def _value(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, (list, tuple)) or hasattr(v, "tolist") and not isinstance(v, (str, bytes)):
        v = v.tolist() if hasattr(v, "tolist") else v
        return [_value(x) for x in v] if isinstance(v, (list, tuple)) else _value(v)
    if hasattr(v, "item"):  # numpy scalar
        return _value(v.item())
    return v


def frames_json(frames: dict[str, pd.DataFrame]) -> dict:
    """The frames as JSON-ready records (see the module docstring)."""
    return {name: [{k: _value(v) for k, v in rec.items()} for rec in df.astype(object).to_dict("records")]
            for name, df in frames.items()}


def actual(parser: str, path: Path) -> dict:
    """What the parser makes of the golden input *path* now, in the ``.json`` shape."""
    warnings: list = []
    frames = parse_as_frames(parser, path.read_text(encoding="utf-8"), warnings)
    return {"frames": frames_json(frames), "warnings": [[line, msg] for line, msg in warnings]}


def expected_path(path: Path) -> Path:
    return path.with_suffix(".json")


def expected(path: Path) -> dict:
    return json.loads(expected_path(path).read_text(encoding="utf-8"))


def dump(data: dict) -> str:
    """The ``.json`` text: one record per line, so a review diff shows the rows that changed."""
    parts = []
    for name, records in data["frames"].items():
        rows = ",\n".join("   " + json.dumps(r, ensure_ascii=False) for r in records)
        parts.append(f"  {json.dumps(name)}: [\n{rows}\n  ]" if records else f"  {json.dumps(name)}: []")
    warnings = ",\n".join("  " + json.dumps(w, ensure_ascii=False) for w in data["warnings"])
    frames = "{\n" + ",\n".join(parts) + "\n }"
    return ('{"frames": ' + frames + ',\n "warnings": ['
            + (f"\n{warnings}\n ]" if warnings else "]") + "\n}\n")
