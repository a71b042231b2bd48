"""``sysctl kern.boottime`` (and any ``key: value`` sysctl lines) → frame ``sysctl``.

macOS prints the boot time as a ``timeval`` then the same instant as local time (the local part
depends on the Mac's time zone; the ``sec``/``usec`` pair does not)::

    kern.boottime: { sec = 1634047554, usec = 237429 } Tue Oct 12 08:05:54 2021

One row per line: ``key`` and ``value`` (the rest of the line as printed). ``boottime`` is the UTC
instant of ``{ sec = S, usec = U }`` wherever a value holds one. Lines as ``sysctl -n`` prints
them (value only) give ``key`` NA; ``key = value`` (old BSD style) is accepted too. Lines with
neither form are skipped with a warning.

>>> df = parse("kern.boottime: { sec = 1634047554, usec = 237429 } Tue Oct 12 08:05:54 2021")
>>> df.loc[0, "key"], str(df.loc[0, "boottime"])
('kern.boottime', '2021-10-12 14:05:54.237429+00:00')
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pandas as pd

from ._schema import Column, Schema, text_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "sysctl": Schema("sysctl", [
        Column("key", "string", "sysctl name, e.g. `kern.boottime`; NA for value-only (`-n`) lines"),
        Column("value", "string", "value as printed"),
        Column("boottime", "datetime", "UTC instant of a `{ sec = S, usec = U }` value (kern.boottime)"),
        Column("line", "Int64", "1-based line number"),
    ], doc="sysctl values (kern.boottime gives the boot instant): one row per line."),
}

JC_NOTES: list[str] = []

_KEY = re.compile(r"^([A-Za-z][\w.\-]*)\s*(?::|\s=)\s*(.*)$")
_TIMEVAL = re.compile(r"\{\s*sec\s*=\s*(\d+),\s*usec\s*=\s*(\d+)\s*\}")


def _boottime(value: str) -> datetime | None:
    m = _TIMEVAL.search(value)
    return datetime.fromtimestamp(int(m[1]), tz=UTC) + timedelta(microseconds=int(m[2])) if m else None


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse sysctl output into the ``sysctl`` frame (see ``SCHEMAS``)."""
    cols: dict[str, list] = {c.name: [] for c in SCHEMAS["sysctl"].columns}
    for n, line in text_lines(text):
        m = _KEY.match(line)
        if m:
            key, value = m.group(1), m.group(2).strip()
        elif _TIMEVAL.search(line):
            key, value = None, line
        else:
            warn(warnings, n, f"sysctl: not a `key: value` line: {line[:80]!r}")
            continue
        SCHEMAS["sysctl"].add_row(cols, key=key, value=value, boottime=_boottime(value), line=n)
    return SCHEMAS["sysctl"].frame(cols, length=len(cols["line"]), warnings=warnings)
