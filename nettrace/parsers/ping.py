"""``ping -c 3 -t 5 HOST`` (also ``ping6``): one summary row per run → frame ``probes``.

A run is the ``PING`` header, reply lines, then the statistics::

    PING 192.168.3.1 (192.168.3.1): 56 data bytes
    ping: sendto: No route to host
    Request timeout for icmp_seq 0
    --- 192.168.3.1 ping statistics ---
    2 packets transmitted, 0 packets received, 100.0% packet loss

The capture writes one run per file, but several runs in one text give several rows (each
starts at its ``PING``/``PING6`` header). Odd cases: ``ping6`` prints
``PING6(56=40+8+8 bytes) SRC --> DST`` (``address`` is DST, ``destination`` comes from the
``--- NAME ping6 statistics ---`` line); a name that does not resolve prints only
``ping: cannot resolve NAME: Unknown host`` (a row with ``error`` and no counts); a run cut before
its statistics keeps NA counts and ``ok`` comes from the replies seen. ICMP error dumps
(``Vr HL TOS ...``) are skipped; other unknown lines are skipped with a warning.

>>> df = parse("PING 223.5.5.5 (223.5.5.5): 56 data bytes\\n"
...            "64 bytes from 223.5.5.5: icmp_seq=0 ttl=117 time=7.383 ms\\n"
...            "--- 223.5.5.5 ping statistics ---\\n"
...            "1 packets transmitted, 1 packets received, 0.0% packet loss\\n"
...            "round-trip min/avg/max/stddev = 7.383/7.383/7.383/0.000 ms")
>>> df[["destination", "transmitted", "received", "rtt_avg", "ok"]].to_dict("records")
[{'destination': '223.5.5.5', 'transmitted': 1, 'received': 1, 'rtt_avg': 7.383, 'ok': True}]
"""
from __future__ import annotations

import re

import pandas as pd

from ._probes import PROBES
from ._schema import text_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {"probes": PROBES}

JC_NOTES = [
    "jc splits `92 bytes from fgt1.attlocal.net (192.168.1.220): Destination Host Unreachable` "
    "into ICMP dump fields and calls `Destination Network Unreachable` an unparsable line "
    "(jc-osx-10.14.6-ping-ip-unknown-errors); we keep only the run summary here (per-line outcomes "
    "are the `pings` parser's job), so nothing to disagree on.",
    "ping6: jc and we both take the destination name from the `--- cnn.com ping6 statistics ---` "
    "line and the address from `PING6(...) SRC --> DST` (jc-osx-10.14.6-ping6-hostname); agree.",
    "jc-osx-10.14.6-ping6-ip-unparsable claims `3 packets received` with 2 replies printed: both "
    "readings copy the statistics line, which is what ping itself counted.",
]

_HEAD = re.compile(r"^PING (\S+) \(([^)]*)\)")
_HEAD6 = re.compile(r"^PING6\([^)]*\) (\S+) --> (\S+)")
_STATS_NAME = re.compile(r"^--- (\S+) ping6? statistics ---")
_COUNTS = re.compile(r"^(\d+) packets transmitted, (\d+) (?:packets )?received"
                     r"(?:, \+(\d+) duplicates)?(?:, \+\d+ errors)?, ([\d.]+)% packet loss")
_RTT = re.compile(r"^round-trip min/avg/max/std-?dev = ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms")
_RESOLVE = re.compile(r"^ping6?: cannot resolve (\S+?):")
_QUIET = ("Vr HL TOS", "PATTERN:", "Request timeout for icmp_seq", "^C")


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ping output into the ``probes`` frame (see ``SCHEMAS``)."""
    rows: list[dict] = []
    run: dict | None = None
    for n, line in text_lines(text):
        m = _HEAD.match(line) or _HEAD6.match(line)
        if m:
            run = {"tool": "ping", "line": n, "replies": 0, "duplicates": 0}
            # PING6(...) SRC --> DST: DST until the statistics line names the destination
            run["destination"], run["address"] = m[2] if line.startswith("PING6") else m[1], m[2]
            rows.append(run)
            continue
        if line.startswith("ping"):
            if run is None or "transmitted" in run:
                run = {"tool": "ping", "line": n, "replies": 0, "duplicates": 0}
                rows.append(run)
            run.setdefault("error", line)
            r = _RESOLVE.match(line)
            if r:
                run.setdefault("destination", r[1])
            continue
        if run is None:
            if not line.startswith(_QUIET):
                warn(warnings, n, f"ping: line before any PING header: {line[:80]!r}")
            continue
        if " bytes from " in line:
            if "time=" in line:
                run["replies"] += 1
            continue
        if line.startswith("---"):
            s = _STATS_NAME.match(line)
            if s:
                run["destination"] = s[1]
            continue
        c = _COUNTS.match(line)
        if c:
            run["transmitted"], run["received"] = int(c[1]), int(c[2])
            run["duplicates"] = int(c[3] or 0)
            run["loss_pct"] = float(c[4])
            continue
        r = _RTT.match(line)
        if r:
            run["rtt_min"], run["rtt_avg"], run["rtt_max"], run["rtt_stddev"] = map(float, r.groups())
            continue
        if line.startswith(_QUIET) or line[0].isdecimal() and len(line.split()) >= 10:
            continue  # timeouts and the ICMP header dump of an error reply
        warn(warnings, n, f"ping: unknown line: {line[:80]!r}")
    cols: dict[str, list] = {k: [r.get(k) for r in rows] for k in PROBES.names}
    cols["ok"] = [(r["received"] > 0) if "received" in r else r["replies"] > 0 for r in rows]
    return SCHEMAS["probes"].frame(cols, warnings=warnings)
