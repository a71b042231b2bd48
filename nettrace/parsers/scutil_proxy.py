"""``scutil --proxy``: the system proxy settings in effect → frame ``proxy``.

A property-list dump of nested ``<dictionary>`` and ``<array>`` blocks::

    <dictionary> {
      ExceptionsList : <array> {
        0 : localhost
        1 : 127.0.0.1/8
      }
      HTTPEnable : 1
      HTTPPort : 9527
      HTTPProxy : localhost
      __SCOPED__ : <dictionary> {
        en0 : <dictionary> {
          HTTPEnable : 0
        }
      }
    }

One row per key with a value. Arrays are flattened: their items in order, joined with ``,``
(``ExceptionsList`` → ``localhost,127.0.0.1/8``), on the line of the key. Keys inside nested
dictionaries keep the path of the dictionaries above them in ``scope`` (``__SCOPED__/en0``);
top-level keys have ``scope`` NA. A fragment without the ``<dictionary> {`` opener reads the same.
Unmatched ``}``, blocks left open at the end (truncated output; an open array's items are still
emitted) and lines that are not ``key : value`` are reported as warnings.

>>> df = parse("<dictionary> {\\n  ExceptionsList : <array> {\\n    0 : *.local\\n    1 : 169.254/16\\n"
...            "  }\\n  HTTPEnable : 1\\n}\\n")
>>> print(df[["key", "value", "enabled", "line"]].to_string(index=False))
           key              value  enabled  line
ExceptionsList *.local,169.254/16     <NA>     2
    HTTPEnable                  1     True     6
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, text_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "proxy": Schema("proxy", [
        Column("scope", "string", "path of enclosing dictionaries, e.g. `__SCOPED__/en0`; NA at top level"),
        Column("key", "string", "setting name, e.g. `HTTPSProxy`, `ProxyAutoConfigURLString`"),
        Column("value", "string", "value as written; arrays as their items joined with `,`"),
        Column("enabled", "boolean", "for `*Enable` keys: value `1` → True, `0` → False; else NA"),
        Column("line", "Int64", "1-based line number of the key"),
    ], doc="System proxy settings from `scutil --proxy`: one row per key."),
}

JC_NOTES: list[str] = []

_KV = re.compile(r"^(\S+)\s*:\s?(.*)$")
_OPEN = re.compile(r"^<(dictionary|array)>\s*\{$")


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``scutil --proxy`` output into the ``proxy`` frame (see ``SCHEMAS``)."""
    cols: dict[str, list] = {c.name: [] for c in SCHEMAS["proxy"].columns}
    # open blocks, innermost last: [kind, key, line, items] (key None: the outermost `<dictionary> {`)
    stack: list[list] = []

    def scope() -> str | None:
        names = [frame[1] for frame in stack if frame[0] == "dictionary" and frame[1] is not None]
        return "/".join(names) or None

    def emit(key: str, value: str, n: int) -> None:
        enabled = value == "1" if key.endswith("Enable") and value in ("0", "1") else None
        SCHEMAS["proxy"].add_row(cols, scope=scope(), key=key, value=value, enabled=enabled, line=n)

    for n, line in text_lines(text):
        if line == "}":
            if not stack:
                warn(warnings, n, "scutil_proxy: unmatched `}`")
                continue
            kind, key, start, items = stack.pop()
            if kind == "array":
                emit(key, ",".join(items), start)
            continue
        om = _OPEN.match(line)
        if om:
            stack.append([om.group(1), None, n, []])
            continue
        m = _KV.match(line)
        if not m:
            warn(warnings, n, f"scutil_proxy: not a `key : value` line: {line[:80]!r}")
            continue
        key, value = m.group(1), m.group(2).strip()
        om = _OPEN.match(value)
        in_array = bool(stack) and stack[-1][0] == "array"
        if om:
            name = f"{stack[-1][1]}/{key}" if in_array else key
            stack.append([om.group(1), name, n, []])
        elif in_array:
            stack[-1][3].append(value)
        else:
            emit(key, value, n)
    if stack:
        warn(warnings, None, f"scutil_proxy: {len(stack)} block(s) not closed (truncated output?)")
        while stack:
            kind, key, start, items = stack.pop()
            if kind == "array":
                emit(key, ",".join(items), start)
    return SCHEMAS["proxy"].frame(cols, length=len(cols["line"]), warnings=warnings)
