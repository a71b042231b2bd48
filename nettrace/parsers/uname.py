"""``uname -a``: kernel name, host, release, version string and machine → frame ``uname``.

One line (jc fixture, OS X 10.14.6)::

    Darwin kbrazil-mac 18.7.0 Darwin Kernel Version 18.7.0: Sun Dec  1 18:59:03 PST 2019; root:xnu-4903.278.19~1/RELEASE_X86_64 x86_64

The first three words are kernel name, node name and release, the last is the machine
(``x86_64``, ``arm64``), and everything between is ``kernel_version`` exactly as printed (double
spaces kept). Plain ``uname`` (one word, ``Darwin``) fills ``kernel_name`` only. A line of two to
four words cannot be split reliably: its words fill kernel name, node name and release in order,
with a warning. One row per non-blank line.

>>> df = parse("Darwin Kellys-Air.attlocal.net 15.6.0 Darwin Kernel Version 15.6.0: "
...            "Thu Jun 21 20:07:40 PDT 2018; root:xnu-3248.73.11~1/RELEASE_X86_64 x86_64")
>>> print(df[["kernel_name", "node_name", "kernel_release", "machine"]].to_string(index=False))
kernel_name               node_name kernel_release machine
     Darwin Kellys-Air.attlocal.net         15.6.0  x86_64
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, text_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "uname": Schema("uname", [
        Column("kernel_name", "string", "e.g. `Darwin`"),
        Column("node_name", "string", "host name, e.g. `kbrazil-mac`"),
        Column("kernel_release", "string", "e.g. `18.7.0`"),
        Column("kernel_version", "string", "the version string as printed, e.g. "
                                           "`Darwin Kernel Version 18.7.0: Sun Dec  1 …/RELEASE_X86_64`"),
        Column("machine", "string", "hardware, e.g. `x86_64`, `arm64`"),
        Column("line", "Int64", "1-based line number"),
    ], doc="Kernel identification from `uname -a`: one row per line."),
}

JC_NOTES = [
    "jc's `uname` parser collapses runs of spaces inside kernel_version "
    "(`Sun Dec 1 18:59:03` for `Sun Dec  1 18:59:03` in jc-osx-10.14.6-uname-a); we keep the "
    "string as printed, which is what `uname -v` returns. All other fields agree on both jc "
    "fixtures (osx-10.11.6, osx-10.14.6).",
]

_FULL = re.compile(r"^(\S+)\s+(\S+)\s+(\S+)\s+(.*\S)\s+(\S+)$")
_NAMES = ("kernel_name", "node_name", "kernel_release", "kernel_version", "machine")


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``uname -a`` output into the ``uname`` frame (see ``SCHEMAS``)."""
    cols: dict[str, list] = {c.name: [] for c in SCHEMAS["uname"].columns}
    for n, line in text_lines(text):
        m = _FULL.match(line)
        if m:
            values = list(m.groups())
        else:
            words = line.split()
            if len(words) > 1:
                warn(warnings, n, f"uname: {len(words)} words, not `uname -a`: {line[:80]!r}")
            values = words + [None] * (5 - len(words))
        SCHEMAS["uname"].add_row(cols, **dict(zip(_NAMES, values)), line=n)
    return SCHEMAS["uname"].frame(cols, length=len(cols["line"]), warnings=warnings)
