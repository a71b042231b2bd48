"""``log show --style ndjson``: unified-log events, one JSON object per line → frame ``logs``.

Each event is one line (abridged here; real lines also carry ``traceID``, ``threadID``,
``backtrace``, UUIDs…), and ``log`` ends with a summary object::

    {"messageType":"Default","eventType":"logEvent","subsystem":"com.apple.coreaudio","category":"ac",
     "processImagePath":"\\/System\\/…\\/RemotePlayerService","timestamp":"2026-07-26 18:11:22.348728+1200",
     "eventMessage":"…","processID":99240,…}
    {"count":2,"finished":1}

One row per event object. ``time`` is ``timestamp`` (local time with its UTC offset) converted to
UTC; ``process`` is the last path component of ``processImagePath``; empty ``subsystem`` /
``category`` strings become NA. The trailing ``{"count":…,"finished":…}`` summary is skipped
silently. Lines that are not JSON — the ``Filtering the log data using …`` banner, a last line cut
in half — and JSON values that are not objects are skipped with a warning; an unreadable
timestamp gives ``time`` NA with a warning.

>>> df = parse('{"timestamp":"2025-12-28 10:15:27.123456+0800","processImagePath":"\\\\/usr\\\\/libexec\\\\/configd",'
...            '"processID":382,"subsystem":"com.apple.SystemConfiguration","category":"IPMonitor",'
...            '"messageType":"Default","eventMessage":"network changed"}')
>>> print(df[["time", "process", "pid", "message"]].to_string(index=False))
                            time process  pid         message
2025-12-28 02:15:27.123456+00:00 configd  382 network changed
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pandas as pd

from ._schema import Column, Schema, text_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse", "brief"]

SCHEMAS = {
    "logs": Schema("logs", [
        Column("time", "datetime", "event time (`timestamp`, converted to UTC)"),
        Column("process", "string", "process name: last component of `processImagePath`"),
        Column("process_path", "string", "`processImagePath`"),
        Column("pid", "Int64", "`processID`"),
        Column("subsystem", "string", "`subsystem`, e.g. `com.apple.SystemConfiguration`; NA if empty"),
        Column("category", "string", "`category`; NA if empty"),
        Column("message_type", "string", "`messageType`: Default, Info, Debug, Error, Fault"),
        Column("message", "string", "`eventMessage`"),
        Column("sender", "string", "last component of `senderImagePath` (library or binary that logged)"),
        Column("event_type", "string", "`eventType`, e.g. `logEvent`, `activityCreateEvent`"),
        Column("line", "Int64", "1-based line number"),
    ], doc="Unified-log events from `log show --style ndjson`: one row per event."),
}

JC_NOTES: list[str] = []

_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S%z")


def _time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(value, fmt).astimezone(timezone.utc)
        except ValueError:
            continue
    return None


def _text(value) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _basename(value) -> str | None:
    path = _text(value)
    return path.rstrip("/").rsplit("/", 1)[-1] or None if path else None


def brief(line: str, when=None) -> str:
    """One ndjson record as ``timestamp  process[pid]  message`` for quoting as evidence (the raw
    record is ~1 KB of trace ids and UUIDs); a line that is not a JSON object comes back as is.
    *when* formats the record's timestamp (e.g. into the capture's offset); default: as written.

    >>> brief('{"timestamp":"2025-07-19 13:40:40.046554+0800","processImagePath":"/opt/homebrew/sbin/openconnect",'
    ...       '"processID":44718,"eventMessage":"Failed to send DPD request. Need to disconnect","traceID":1}')
    '2025-07-19 13:40:40.046554+0800  openconnect[44718]  Failed to send DPD request. Need to disconnect'
    """
    try:
        rec = json.loads(line)
    except ValueError:
        return line
    if not isinstance(rec, dict):
        return line
    pid = rec.get("processID")
    pid = f"[{pid}]" if isinstance(pid, int) and not isinstance(pid, bool) else ""
    message = rec.get("eventMessage") if isinstance(rec.get("eventMessage"), str) else ""
    stamp = _text(rec.get("timestamp"))
    stamp = (when(stamp) if when and stamp else stamp) or "?"
    return f"{stamp}  {_basename(rec.get('processImagePath')) or '?'}{pid}  {message}"


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``log show --style ndjson`` output into the ``logs`` frame (see ``SCHEMAS``)."""
    cols: dict[str, list] = {c.name: [] for c in SCHEMAS["logs"].columns}
    for n, line in text_lines(text):
        try:
            event = json.loads(line)
        except ValueError:
            warn(warnings, n, f"log_show: not JSON: {line[:80]!r}")
            continue
        if not isinstance(event, dict):
            warn(warnings, n, f"log_show: JSON {type(event).__name__}, not an object")
            continue
        if "finished" in event and "eventMessage" not in event and "timestamp" not in event:
            continue
        time = _time(event.get("timestamp"))
        if time is None:
            warn(warnings, n, f"log_show: unreadable timestamp {event.get('timestamp')!r}")
        pid, message = event.get("processID"), event.get("eventMessage")
        SCHEMAS["logs"].add_row(
            cols, time=time, process=_basename(event.get("processImagePath")),
            process_path=_text(event.get("processImagePath")),
            pid=pid if isinstance(pid, int) and not isinstance(pid, bool) else None,
            subsystem=_text(event.get("subsystem")), category=_text(event.get("category")),
            message_type=_text(event.get("messageType")),
            message=message if isinstance(message, str) else None,
            sender=_basename(event.get("senderImagePath")), event_type=_text(event.get("eventType")), line=n)
    return SCHEMAS["logs"].frame(cols, length=len(cols["line"]), warnings=warnings)
