"""``ndp -an``: the IPv6 neighbour cache → frame ``ndp``.

A header, then one entry per line (columns separated by blanks; ``Flgs`` and ``Prbs`` are often
empty)::

    Neighbor                                Linklayer Address  Netif Expire    St Flgs Prbs
    2602:ae:15a4:8001::1                    c:83:cc:fb:a1:7      en0 17s       R  R
    fe80::1%lo0                             (incomplete)         lo0 permanent R

Odd cases: the ``%scope`` suffix of link-local addresses is split into ``scope``;
``(incomplete)`` gives ``linklayer`` NA; a trailing number is the probe count. Lines with fewer
than five fields are skipped with a warning. Text without the header is read the same way.

>>> df = parse("fe80::e83:ccff:fefb:a107%en0            c:83:cc:fb:a1:7      en0 22s       R  R")
>>> df[["neighbor", "scope", "linklayer", "netif", "expire", "state", "flags"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'neighbor': 'fe80::e83:ccff:fefb:a107', 'scope': 'en0', 'linklayer': 'c:83:cc:fb:a1:7', 'netif': 'en0',
  'expire': '22s', 'state': 'R', 'flags': 'R'}]
"""
from __future__ import annotations

import pandas as pd

from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "ndp": Schema("ndp", [
        Column("neighbor", "string", "IPv6 address without the `%scope` suffix"),
        Column("scope", "string", "interface named by the `%scope` suffix (link-local); NA if none"),
        Column("linklayer", "string", "link-layer address as printed; NA when `(incomplete)`"),
        Column("netif", "string", "interface the entry is on"),
        Column("expire", "string", "`permanent`, `expired` or remaining time such as `17s`, `23h59m59s`"),
        Column("state", "string", "neighbour state letter: R reachable, S stale, D delay, P probe, I incomplete, W waitdelete, N nostate"),
        Column("flags", "string", "flag letters (R router, p proxy, s static...); NA if none"),
        Column("prbs", "Int64", "number of probes sent; NA if none"),
        Column("line", "Int64", "1-based line number of the entry"),
    ], doc="The IPv6 neighbour (NDP) cache: one row per entry."),
}

JC_NOTES: list[str] = []  # the corpus has no jc reading of ndp (jc has no ndp parser)


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``ndp -an`` output into the ``ndp`` frame (see ``SCHEMAS``)."""
    cols: dict[str, list] = {c.name: [] for c in SCHEMAS["ndp"].columns}
    for n, raw in enumerate(text.split("\n"), 1):
        f = raw.split()
        if not f or f[0] == "Neighbor":
            continue
        if len(f) < 5 or len(f) > 7 or ":" not in f[0]:
            warn(warnings, n, f"ndp: not an entry: {raw.strip()[:80]!r}")
            continue
        addr, _, scope = f[0].partition("%")
        extra = f[5:]
        prbs = int(extra.pop()) if extra and extra[-1].isdecimal() else None
        SCHEMAS["ndp"].add_row(cols, neighbor=addr, scope=scope or None,
                               linklayer=None if f[1] == "(incomplete)" else f[1], netif=f[2], expire=f[3],
                               state=f[4], flags=extra[0] if extra else None, prbs=prbs, line=n)
    return SCHEMAS["ndp"].frame(cols, warnings=warnings)
