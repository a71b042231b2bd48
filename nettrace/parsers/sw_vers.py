"""``sw_vers``: the macOS product name, version and build → frame ``sw_vers`` (one row).

``Key:`` then tabs (macOS 11+) or spaces (older ``Mac OS X``)::

    ProductName:		macOS
    ProductVersion:		15.7.9
    BuildVersion:		24G830

    ProductName:    Mac OS X
    ProductVersion: 10.12.6
    BuildVersion:   16G29

``ProductVersionExtra`` (a Rapid Security Response such as ``(a)``) goes to its own column.
``line`` is the first recognised line. Empty input gives an empty frame; unknown keys and lines
without ``:`` are skipped with a warning, and no recognised key at all gives an empty frame.

>>> print(parse("ProductName:\\t\\tmacOS\\nProductVersion:\\t\\t26.6.2\\nBuildVersion:\\t\\t25G83\\n").to_string(index=False))
product_name product_version build_version product_version_extra  line
       macOS          26.6.2         25G83                  <NA>     1
"""
from __future__ import annotations

import pandas as pd

from ._schema import Column, Schema, text_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "sw_vers": Schema("sw_vers", [
        Column("product_name", "string", "`ProductName`, e.g. `macOS` or `Mac OS X`"),
        Column("product_version", "string", "`ProductVersion`, e.g. `15.7.9`"),
        Column("build_version", "string", "`BuildVersion`, e.g. `24G830`"),
        Column("product_version_extra", "string", "`ProductVersionExtra` (Rapid Security Response), e.g. `(a)`"),
        Column("line", "Int64", "1-based line number of the first recognised key"),
    ], doc="The macOS version from `sw_vers`: one row."),
}

JC_NOTES: list[str] = []

_KEYS = {"ProductName": "product_name", "ProductVersion": "product_version",
         "BuildVersion": "build_version", "ProductVersionExtra": "product_version_extra"}


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``sw_vers`` output into the one-row ``sw_vers`` frame (see ``SCHEMAS``)."""
    row: dict = {}
    for n, line in text_lines(text):
        key, sep, value = line.partition(":")
        column = _KEYS.get(key.strip())
        if not sep or column is None:
            warn(warnings, n, f"sw_vers: unknown line: {line[:80]!r}")
            continue
        row.setdefault("line", n)
        row[column] = value.strip() or None
    schema = SCHEMAS["sw_vers"]
    if not row:
        return schema.empty()
    return schema.frame({name: [row.get(name)] for name in schema.names}, length=1, warnings=warnings)
