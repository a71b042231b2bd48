"""``ping -n -i 1 HOST`` run as a stream: one row per reply, timeout or error → frame ``pings``.

The capture prefixes every line with its UTC time and a TAB and merges stderr, so a gateway that
flips to "No route to host" shows when it happened::

    2025-12-28T02:15:27Z<TAB>PING 192.168.3.1 (192.168.3.1): 56 data bytes
    2025-12-28T02:15:27Z<TAB>64 bytes from 192.168.3.1: icmp_seq=0 ttl=64 time=1.226 ms
    2025-12-28T02:15:29Z<TAB>ping: sendto: No route to host
    2025-12-28T02:15:29Z<TAB>Request timeout for icmp_seq 1

Outcomes: ``reply`` (``N bytes from ADDR: icmp_seq=.. ttl=.. time=.. ms``, also ping6's
``hlim=``), ``timeout`` (``Request timeout for icmp_seq N``), ``no_route`` (``ping: sendto: No
route to host``), ``host_down`` (``ping: sendto: Host is down``), ``unreachable`` (``... Destination
Host Unreachable`` and other ICMP unreachable replies), ``error`` (any other ``ping:`` line) and
``other`` (anything else, e.g. ``16 bytes from ::1, strange error``). Header, statistics and ICMP
dump lines (``Vr HL TOS ...``) are not rows and raise no warning, nor is the ``^C`` that ends a run
pasted from a terminal (the tty's echo, so never in a capture; ping.c's ``finish()`` then prints a
newline and the statistics). Lines without the prefix (the corpus) give ``captured_at`` NaT. A
capture cut at its size cap ends with ``[nettrace: truncated at N bytes]``: not a row, one warning.

>>> df = parse("2025-12-28T02:15:29Z\\tping: sendto: No route to host")
>>> df.loc[0, "outcome"], str(df.loc[0, "captured_at"])
('no_route', '2025-12-28 02:15:29+00:00')
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "OUTCOMES", "parse"]

OUTCOMES = ("reply", "timeout", "no_route", "host_down", "unreachable", "error", "other")

SCHEMAS = {
    "pings": Schema("pings", [
        Column("captured_at", "datetime", "capture-side UTC time from the line prefix; NaT if none"),
        Column("destination", "string", "target from the latest PING header; NA before any header"),
        Column("icmp_seq", "Int64", "ICMP sequence number when the line names one"),
        Column("outcome", "string", "one of " + ", ".join(OUTCOMES)),
        Column("rtt_ms", "float64", "round-trip time of a reply, ms"),
        Column("ttl", "Int64", "TTL (IPv4) or hop limit (IPv6) of a reply"),
        Column("source", "string", "address the reply (or ICMP error) came from"),
        Column("text", "string", "the line as written, without the capture prefix"),
        Column("line", "Int64", "1-based line number"),
    ], doc="A continuous ping: one row per reply, timeout or error line."),
}

JC_NOTES = [
    "jc (ping, `-s` streaming) calls `Destination Network Unreachable` and `Weird error message` "
    "replies unparsable (jc-osx-10.14.6-ping-ip-unknown-errors); we classify every "
    "`Destination ... Unreachable` reply as `unreachable` and keep the rest as `other`.",
    "jc counts the ICMP dump lines as part of the unreachable response; so do we (they are not rows).",
]

_PREFIX = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\t")
_REPLY = re.compile(r"^\d+ bytes from (\S+?)[:,] icmp_seq=(\d+) (?:ttl|hlim)=(\d+) time=([\d.]+) ms")
_TIMEOUT = re.compile(r"^Request timeout for icmp_seq (\d+)")
_UNREACH = re.compile(r"^\d+ bytes from (?:\S+ \((?P<a>[^)]*)\)|(?P<b>\S+?)):? .*Unreachable", re.I)
_FROM = re.compile(r"^\d+ bytes from (?:\S+ \(([^)]*)\)|(\S+?))[:,]")
_HEAD = re.compile(r"^PING (\S+) \(|^PING6\([^)]*\) \S+ --> (\S+)")
_NOT_ROWS = ("---", "round-trip", "Vr HL TOS", "PATTERN:", "^C")
_STATS = re.compile(r"^\d+ packets transmitted|^\s*\d+\s+\d+\s+[0-9a-f]{2}\s+[0-9a-f]{4}\s")


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse a (prefixed or plain) ping stream into the ``pings`` frame (see ``SCHEMAS``)."""
    cols: dict[str, list] = {c.name: [] for c in SCHEMAS["pings"].columns}
    dest = None
    for n, raw in enumerate(text.split("\n"), 1):
        at = None
        p = _PREFIX.match(raw)
        if p:
            at, raw = p[1], raw[p.end():]
        line = raw.rstrip("\r\n")
        body = line.strip()
        if not body:
            continue
        h = _HEAD.match(body)
        if h:
            dest = h[1] or h[2]
            continue
        if body.startswith(_NOT_ROWS) or _STATS.match(line):
            continue
        if body.startswith("[nettrace: truncated"):
            warn(warnings, n, "pings: stream truncated by the capture")
            continue
        seq = rtt = ttl = src = None
        m = _REPLY.match(body)
        if m:
            outcome, src, seq, ttl, rtt = "reply", m[1], int(m[2]), int(m[3]), float(m[4])
        elif (t := _TIMEOUT.match(body)):
            outcome, seq = "timeout", int(t[1])
        elif body.startswith("ping"):
            low = body.lower()
            outcome = ("no_route" if "no route to host" in low else
                       "host_down" if "host is down" in low else "error")
        elif (u := _UNREACH.match(body)):
            outcome, src = "unreachable", u["a"] or u["b"]
        else:
            outcome = "other"
            f = _FROM.match(body)
            if f:
                src = f[1] or f[2]
        SCHEMAS["pings"].add_row(cols, captured_at=at, destination=dest, icmp_seq=seq, outcome=outcome,
                                 rtt_ms=rtt, ttl=ttl, source=src, text=line, line=n)
    return SCHEMAS["pings"].frame(cols, warnings=warnings)
