"""``traceroute -n -m 8 -w 1 -q 1 HOST`` (also ``traceroute6``) → frames ``probes`` and ``traceroute_hops``.

A header, then one line per hop (several probes per hop; ``*`` is a probe without answer)::

    traceroute to 223.5.5.5 (223.5.5.5), 64 hops max, 40 byte packets
    1  ikuaios (192.168.3.1)  0.864 ms  1.069 ms  1.165 ms
    2  111.13.101.1 (111.13.101.1)  5.011 ms  3.290 ms  6.292 ms
    3  * * *

Errors come alone: ``traceroute: findsaddr: write: No such process`` (seen as a user while
``sudo traceroute`` worked), ``traceroute: unknown host NAME``. ``traceroute: Warning: NAME has
multiple addresses; using ADDR`` is not an error. Odd cases: with ``-n`` a hop has no name; with
``-a`` hops start with ``[AS123]``; a hop may list several responders (``address`` is the first
one, ``rtts`` has every time); ``!H``/``!N``/``!P`` annotations are kept in ``annotation``; hop lines
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
        Column("address", "string", "first responding address; NA when every probe timed out"),
        Column("name", "string", "reverse name of that address; NA with -n"),
        Column("asn", "Int64", "AS number with -a (`[AS7018]`); NA otherwise"),
        Column("rtt_ms", "float64", "first round-trip time, ms; NaN if none"),
        Column("rtts", "object", "every round-trip time of the hop, ms (list of floats)"),
        Column("timeout", "boolean", "every probe of the hop was `*`"),
        Column("annotation", "string", "ICMP annotation such as `!H`, `!N`, `!Z`; NA if none"),
        Column("probe_line", "Int64", "`line` of the run (probes frame) this hop belongs to"),
        Column("line", "Int64", "1-based line number of the hop"),
    ], doc="One row per hop line of a traceroute."),
}

JC_NOTES = [
    "jc gives a hop of `* * *` an empty probe list; we give one row with timeout True, address NA "
    "and rtts [] (jc-osx-10.14.6-traceroute hop 3).",
    "jc repeats name/ip per probe; we keep the first responder per hop (its rtts in `rtts`). On "
    "every corpus file each hop has one responder, so address/name/rtts agree with jc.",
    "jc-osx-10.14.6-traceroute-mult-addresses ends with a cut hop `3  * *`: jc and we both read a "
    "timed-out hop 3.",
]

_HEAD = re.compile(r"^traceroute6? to (\S+) \(([^)]*)\)")
_HOP = re.compile(r"^(\d+)\s+(.*)$")
_TOKEN = re.compile(r"\[AS(\d+)\]|(\*)|([\d.]+) ms|(![A-Za-z]?\d*)|\(([^)]*)\)|(\S+)")


def parse(text: str, warnings: list | None = None) -> dict[str, pd.DataFrame]:
    """Parse traceroute output into ``{"probes", "traceroute_hops"}`` (see ``SCHEMAS``)."""
    runs: list[dict] = []
    hops: dict[str, list] = {c.name: [] for c in SCHEMAS["traceroute_hops"].columns}
    run: dict | None = None

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
            continue
        if line.startswith("traceroute"):
            if "Warning:" in line:
                continue
            if run is None or run["hops"]:
                run = new_run(n)
            run.setdefault("error", line)
            continue
        h = _HOP.match(line)
        if not h:
            warn(warnings, n, f"traceroute: unknown line: {line[:80]!r}")
            continue
        if run is None:
            run = new_run(n)
        addr = name = asn = note = None
        rtts: list[float] = []
        stars = 0
        pending = None  # a bare word: a name (followed by "(addr)") or an address (-n)
        for t in _TOKEN.finditer(h[2]):
            if t[1]:
                asn = asn if asn is not None else int(t[1])
            elif t[2]:
                stars += 1
            elif t[3]:
                rtts.append(float(t[3]))
            elif t[4]:
                note = note or t[4]
            elif t[5] is not None:
                run["seen"].add(t[5])
                if addr is None:
                    addr, name = t[5], pending
                pending = None
            else:
                if pending is not None and addr is None:
                    addr = pending
                pending = t[6]
                run["seen"].add(t[6])
        if pending is not None and addr is None:
            addr = pending
        run["hops"] += 1
        hops["hop"].append(int(h[1]))
        hops["address"].append(addr)
        hops["name"].append(name)
        hops["asn"].append(asn)
        hops["rtt_ms"].append(rtts[0] if rtts else None)
        hops["rtts"].append(rtts)
        hops["timeout"].append(not rtts and addr is None and stars > 0)
        hops["annotation"].append(note)
        hops["probe_line"].append(run["line"])
        hops["line"].append(n)
    names = [c.name for c in SCHEMAS["probes"].columns]
    cols = {k: [r.get(k) for r in runs] for k in names}
    cols["ok"] = [r.get("address") is not None and r["address"] in r["seen"] for r in runs]
    return {"probes": SCHEMAS["probes"].frame(cols),
            "traceroute_hops": SCHEMAS["traceroute_hops"].frame(hops)}
