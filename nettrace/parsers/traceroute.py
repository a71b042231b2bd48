"""``traceroute -n -m 8 -w 1 -q 1 HOST`` (also ``traceroute6``) → frames ``probes`` and ``traceroute_hops``.

A header (on stderr, captured beside stdout), then one line per hop (``*`` is a probe without
answer). When another router answers a later probe of the same hop, traceroute.c (network_cmds,
the probe loop: ``printf("\\n   ")`` before ``print()``) starts an indented continuation line
with that router and its times::

    traceroute to 223.5.5.5 (223.5.5.5), 64 hops max, 40 byte packets
     1  ikuaios (192.168.3.1)  0.864 ms  1.069 ms  1.165 ms
     2  111.13.101.1 (111.13.101.1)  5.011 ms
        111.13.101.5 (111.13.101.5)  3.290 ms  6.292 ms
     3  * * *

The line grammar (``_HEAD``, ``_HOP``, a continuation line: indented, not a hop; ``_TOKEN`` within
a hop): each responder — a name and ``(address)``, or a bare address with ``-n`` — and the times
that follow it is one row of ``traceroute_hops``; a hop without any is one timeout row. Errors come
alone: ``traceroute: findsaddr: write: No such process`` (seen as a user while ``sudo
traceroute`` worked), ``traceroute: unknown host NAME``. ``traceroute: Warning: NAME has multiple
addresses; using ADDR`` is not an error. With ``-a`` responders start with ``[AS123]``; ``!H``,
``!N``, ``!F-1500``, ``!<13>`` annotations are kept in ``annotation``; ``(ecn=…)`` and ``(N% loss)``
notes are skipped; a time that is not a number (``1.2.3 ms``) is left out with a warning. Hop lines
without a header (a fragment) still give hops and one probe row with NA destination.

>>> out = parse("traceroute to 192.168.3.1 (192.168.3.1), 64 hops max, 40 byte packets\\n"
...             "1  ikuaios (192.168.3.1)  1.226 ms  0.583 ms  1.095 ms")
>>> out["probes"][["destination", "address", "ok", "hops"]].to_dict("records")
[{'destination': '192.168.3.1', 'address': '192.168.3.1', 'ok': True, 'hops': 1}]
>>> out["traceroute_hops"].loc[0, "rtts"]
[1.226, 0.583, 1.095]
"""
from __future__ import annotations

import re

import pandas as pd

from ._probes import PROBES
from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "probes": PROBES,
    "traceroute_hops": Schema("traceroute_hops", [
        Column("hop", "Int64", "hop number (TTL)"),
        Column("responder", "Int64", "1 for the hop's first responder (or its timeout row), 2, 3… for the others"),
        Column("address", "string", "responding address; NA when every probe of the hop timed out"),
        Column("name", "string", "reverse name of that address; NA with -n"),
        Column("asn", "Int64", "AS number with -a (`[AS7018]`); NA otherwise"),
        Column("rtt_ms", "float64", "first round-trip time of this responder, ms; NaN if none"),
        Column("rtts", "object", "every round-trip time of this responder, ms (list of floats)"),
        Column("timeout", "boolean", "every probe of the hop was `*`"),
        Column("annotation", "string", "ICMP annotation such as `!H`, `!N`, `!Z`; NA if none"),
        Column("probe_line", "Int64", "`line` of the run (probes frame) this hop belongs to"),
        Column("line", "Int64", "1-based line number of the responder (a continuation line has its own)"),
    ], doc="One row per responder of a hop (one timeout row for a hop nobody answered)."),
}

JC_NOTES = [
    "jc gives a hop of `* * *` an empty probe list; we give one row with timeout True, address NA "
    "and rtts [] (jc-osx-10.14.6-traceroute hop 3).",
    "jc repeats name/ip per probe; we give one row per responder (its times in `rtts`). On "
    "every corpus file each hop has one responder, so address/name/rtts agree with jc.",
    "jc-osx-10.14.6-traceroute-mult-addresses ends with a cut hop `3  * *`: jc and we both read a "
    "timed-out hop 3.",
]

_HEAD = re.compile(r"^traceroute6? to (\S+) \(([^)]*)\)")
_HOP = re.compile(r"^\s*(\d+)\s+(.*)$")
_TOKEN = re.compile(r"\[AS(?P<asn>\d+)\]|(?P<star>\*)|(?P<rtt>\d+(?:\.\d+)?) ms|(?P<bad_rtt>\S+) ms"
                    r"|(?P<note>!(?:[A-Z](?:-\d+)?|<\d+>)?)|\((?:ecn=\w+|\d+% loss)\)|\((?P<addr>[^)]*)\)|(?P<word>\S+)")


def parse(text: str, warnings: list | None = None) -> dict[str, pd.DataFrame]:
    """Parse traceroute output into ``{"probes", "traceroute_hops"}`` (see ``SCHEMAS``)."""
    runs: list[dict] = []
    rows: list[dict] = []
    run: dict | None = None
    hop = None  # the hop of the last hop line: a continuation line adds responders to it

    def new_run(n: int) -> dict:
        r = {"tool": "traceroute", "line": n, "hops": 0, "seen": set()}
        runs.append(r)
        return r

    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        m = _HEAD.match(line)
        if m:
            if run is None or run["hops"] or "destination" in run:
                run = new_run(n)
            run["destination"], run["address"] = m[1], m[2]
            hop = None
            continue
        if line.startswith("traceroute"):
            if "Warning:" in line:
                continue
            if run is None or run["hops"]:
                run = new_run(n)
            run.setdefault("error", line)
            hop = None
            continue
        h = _HOP.match(line)
        if h:
            if run is None:
                run = new_run(n)
            run["hops"] += 1
            hop, rest, first = int(h[1]), h[2], 1
        elif raw[:1].isspace() and hop is not None:
            rest, first = line, sum(r["hop"] == hop and r["probe_line"] == run["line"] for r in rows) + 1
        else:
            warn(warnings, n, f"traceroute: unknown line: {line[:80]!r}")
            continue
        found = _responders(rest, n, warnings)
        for i, r in enumerate(found):
            if r["address"] is not None:
                run["seen"].add(r["address"])
            rows.append({**r, "hop": hop, "responder": first + i, "probe_line": run["line"], "line": n,
                         "rtt_ms": r["rtts"][0] if r["rtts"] else None,
                         "timeout": h is not None and len(found) == 1 and r["address"] is None and r["stars"] > 0})
    hops = {c: [r.get(c) for r in rows] for c in SCHEMAS["traceroute_hops"].names}
    cols = {k: [r.get(k) for r in runs] for k in PROBES.names}
    cols["ok"] = [r.get("address") is not None and r["address"] in r["seen"] for r in runs]
    return {"probes": SCHEMAS["probes"].frame(cols, warnings=warnings),
            "traceroute_hops": SCHEMAS["traceroute_hops"].frame(hops, warnings=warnings)}


def _responders(text: str, n: int, warnings: list | None) -> list[dict]:
    """The responders of one hop line (after the hop number) or continuation line. A responder
    begins at a bare word (its name, or its address with -n) or ``[ASn]`` unless the current one
    has neither times nor an address yet (stars before the first responder stay with it), and owns
    the times and annotations that follow. A line of stars only gives one responder without address."""
    out: list[dict] = []
    cur: dict | None = None
    pending = None  # a bare word: a name (when "(addr)" follows) or an address (-n)

    def settle() -> None:
        nonlocal pending
        if cur is not None and pending is not None and cur["address"] is None:
            cur["address"] = pending
        pending = None

    for t in _TOKEN.finditer(text):
        kind = t.lastgroup
        if cur is None or kind in ("word", "asn") and (cur["rtts"] or cur["address"] is not None or pending):
            settle()
            cur = {"address": None, "name": None, "asn": None, "rtts": [], "annotation": None, "stars": 0}
            out.append(cur)
        if kind == "asn":
            cur["asn"] = int(t["asn"])
        elif kind == "star":
            cur["stars"] += 1
        elif kind == "rtt":
            settle()
            cur["rtts"].append(float(t["rtt"]))
        elif kind == "bad_rtt":
            warn(warnings, n, f"traceroute: not a round-trip time: {t['bad_rtt'][:40]!r}")
        elif kind == "note":
            cur["annotation"] = cur["annotation"] or t["note"]
        elif kind == "addr" and cur["address"] is None:
            cur["address"], cur["name"], pending = t["addr"], pending, None
        elif kind == "word":
            pending = t["word"]
    settle()
    return out or [{"address": None, "name": None, "asn": None, "rtts": [], "annotation": None, "stars": 0}]
