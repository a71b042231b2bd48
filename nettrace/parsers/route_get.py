"""``route -n get <destination>`` (``route -n get default``, ``route -n get -inet6 default``): one route lookup.

A real answer (getmac's macOS 10.12.6 sample)::

       route to: default
    destination: default
           mask: default
        gateway: 10.0.2.2
      interface: en0
          flags: <UP,GATEWAY,DONE,STATIC,PRCLONING>
     recvpipe  sendpipe  ssthresh  rtt,msec    rttvar  hopcount      mtu     expire
           0         0         0         0         0         0      1500         0

gives one ``route_lookups`` row. A failed lookup prints only ``route: writing to routing socket:
not in table`` (seed 004): a row whose ``error`` is the message, its other fields missing.

Odd cases handled: several lookups in one text (a new one starts at ``route to:``, or at a key
already seen), IPv6 values containing colons (keys end at the first ``": "``), the metrics table
whose header names the values below it, CRLF and the capture prefix. Unknown lines are warned about.

>>> df = parse("   route to: 1.1.1.1\\ndestination: default\\n    gateway: 10.0.2.2\\n  interface: en0\\n"
...            "      flags: <UP,GATEWAY,DONE,STATIC,PRCLONING>\\n")
>>> df.loc[0, "gateway"], df.loc[0, "interface"], list(df.loc[0, "flags"])[:2], int(df.loc[0, "line"])
('10.0.2.2', 'en0', ['UP', 'GATEWAY'], 1)
>>> parse("route: writing to routing socket: not in table\\n").loc[0, "error"]
'route: writing to routing socket: not in table'
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "route_lookups": Schema("route_lookups", [
        Column("route_to", "string", "the address asked about (`route to:`)"),
        Column("destination", "string", "destination of the matching route (`default` for the default route)"),
        Column("mask", "string", "its mask as printed"),
        Column("gateway", "string", "its gateway (printed only for RTF_GATEWAY routes)"),
        Column("interface", "string", "the interface it sends on"),
        Column("if_address", "string", "the interface address (`if address:` when printed)"),
        Column("flags", "object", "route flags, e.g. ['UP', 'GATEWAY', 'DONE', 'STATIC', 'PRCLONING']"),
        Column("recvpipe", "Int64", "metrics table: recvpipe"),
        Column("sendpipe", "Int64", "metrics table: sendpipe"),
        Column("ssthresh", "Int64", "metrics table: ssthresh"),
        Column("rtt_msec", "Int64", "metrics table: rtt,msec"),
        Column("rttvar", "Int64", "metrics table: rttvar"),
        Column("hopcount", "Int64", "metrics table: hopcount"),
        Column("mtu", "Int64", "metrics table: mtu"),
        Column("expire", "Int64", "metrics table: expire (seconds, 0 = never)"),
        Column("error", "string", "the error route printed instead of an answer, e.g. "
                                  "'route: writing to routing socket: not in table'"),
        Column("line", "Int64", "1-based line where the lookup (or the error) starts"),
    ], doc="One row per route lookup or lookup error."),
}

JC_NOTES = [
    "jc has no parser for macOS `route get` (jc 1.26's `route` reads Linux `route -n`, `route_print` "
    "Windows), and the corpus has no jc-*.json for it: nothing to compare.",
]

_PREFIX_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t")
_KEYS = {"route to": "route_to", "destination": "destination", "mask": "mask", "gateway": "gateway",
         "interface": "interface", "if address": "if_address", "ifa": "if_address", "flags": "flags"}
_METRICS = {"recvpipe": "recvpipe", "sendpipe": "sendpipe", "ssthresh": "ssthresh", "rtt,msec": "rtt_msec",
            "rttvar": "rttvar", "hopcount": "hopcount", "mtu": "mtu", "expire": "expire"}
_INT_RE = re.compile(r"-?\d+")


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``route -n get`` output into the ``route_lookups`` frame."""
    schema = SCHEMAS["route_lookups"]
    rows: list[dict] = []
    cur: dict | None = None
    metric_names: list[str] | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        if raw[19:21] == "Z\t" and _PREFIX_RE.match(raw):
            raw = raw[21:]
        s = raw.strip()
        if not s:
            continue
        if s.startswith("route:") or s.endswith("not in table"):
            rows.append({"error": s, "line": n})
            cur, metric_names = None, None
            continue
        key, sep, value = s.partition(": ")
        if not sep and s.endswith(":"):
            key, sep, value = s[:-1], ":", ""
        col = _KEYS.get(key) if sep else None
        if col:
            if cur is None or col == "route_to" or col in cur:
                cur = {"line": n}
                rows.append(cur)
                metric_names = None
            value = value.strip()
            cur[col] = [f for f in value.strip("<>").split(",") if f] if col == "flags" else value
            continue
        toks = s.split()
        if toks[0] in _METRICS:
            metric_names = [_METRICS.get(t) for t in toks]
            continue
        if metric_names and cur is not None and len(toks) == len(metric_names):
            for name, tok in zip(metric_names, toks):
                m = _INT_RE.match(tok)
                if name and m:
                    cur[name] = int(m.group())
            metric_names = None
            continue
        warn(warnings, n, f"unknown route get line: {s[:60]!r}")
    cols = {c.name: [r.get(c.name) for r in rows] for c in schema.columns}
    return schema.frame(cols, length=len(rows), warnings=warnings)
