"""``launchctl list``: launchd jobs of the caller's domain → frame ``launchd_jobs``.

A header, then ``PID<TAB>Status<TAB>Label``; ``-`` for a job that is not running
(sosedoff/lunchy-go#7, OS X 10.11)::

    PID	Status	Label
    -	0	com.apple.CoreAuthentication.daemon
    279	0	com.apple.Finder

One row per job. ``pid`` and ``status`` are NA for ``-``; a negative status is the signal that
ended the last run (``-9``). Rows whose tabs became spaces are split on whitespace (the label
itself has no spaces). Lines with fewer than three fields or a non-numeric PID/status are skipped
with a warning.

>>> df = parse("PID\\tStatus\\tLabel\\n-\\t0\\tcom.apple.quicklook\\n279\\t0\\tcom.apple.Finder\\n")
>>> print(df.to_string(index=False))
 pid  status               label  line
<NA>       0 com.apple.quicklook     2
 279       0    com.apple.Finder     3
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, text_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "launchd_jobs": Schema("launchd_jobs", [
        Column("pid", "Int64", "process ID; NA (`-`) when the job is not running"),
        Column("status", "Int64", "last exit status; negative = signal; NA for `-`"),
        Column("label", "string", "job label, e.g. `com.tailscale.tailscaled`"),
        Column("line", "Int64", "1-based line number"),
    ], doc="launchd jobs from `launchctl list`: one row per job."),
}

JC_NOTES: list[str] = []

_NUMBER = re.compile(r"^-?\d+$")


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``launchctl list`` output into the ``launchd_jobs`` frame (see ``SCHEMAS``)."""
    cols: dict[str, list] = {c.name: [] for c in SCHEMAS["launchd_jobs"].columns}
    for n, line in text_lines(text):
        fields = [f.strip() for f in (line.split("\t", 2) if "\t" in line else line.split(None, 2))]
        if fields[:3] == ["PID", "Status", "Label"]:
            continue
        if len(fields) < 3 or not fields[2]:
            warn(warnings, n, f"launchctl: not a `PID Status Label` row: {line[:80]!r}")
            continue
        if not all(f == "-" or _NUMBER.match(f) for f in fields[:2]):
            warn(warnings, n, f"launchctl: PID/status not a number: {line[:80]!r}")
            continue
        pid, status = (None if f == "-" else int(f) for f in fields[:2])  # `-`: not running
        SCHEMAS["launchd_jobs"].add_row(cols, pid=pid, status=status, label=fields[2], line=n)
    return SCHEMAS["launchd_jobs"].frame(cols, length=len(cols["line"]), warnings=warnings)
