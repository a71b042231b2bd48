"""``scutil --nwi``: the network information macOS uses to pick the primary interface → frame
``network_order``.

One section per address family, interfaces in the order the system ranks them, then a summary::

    Network information

    IPv4 network interface information
         en0 : flags      : 0x5 (IPv4,DNS)
               address    : 192.168.13.10
               reach      : 0x00000002 (Reachable)
       utun2 : flags      : 0x7 (IPv4,IPv6,DNS)
               address    : 172.31.250.118
               reach      : 0x00000002 (Reachable)

       REACH : flags 0x00000002 (Reachable)

    IPv6 network interface information
       utun2 : flags      : 0x7 (IPv4,IPv6,DNS)
    ...
    Network interfaces: en0 utun2

One row per interface per family section (``source`` = ``nwi``, ``family`` = ``inet``/``inet6``,
``rank`` = 0-based position within the section). When the output has no per-family interface
rows at all (a fragment, or a Mac with no state), the ``Network interfaces:`` summary line becomes
the rows instead: one per name, ``rank`` = position on that line, ``family`` NA. Otherwise the
summary line adds nothing (every name on it already has its family rows).

Odd cases: the old (2016) format without ``:`` separators (``en0 : flags 0x5 (IPv4,DNS)``,
``reach 0x00000002 (Reachable)``) and its ``Signature Hash`` / ``generation`` lines (skipped);
``No IPv6 states found``; the per-family ``REACH : flags …`` summary (not an interface, skipped);
a VPN interface's ``VPN server : 45.76.183.20`` line (between ``address`` and ``reach``).
Attribute lines before any interface and unknown lines are skipped with a warning.

>>> df = parse("IPv4 network interface information\\n     en0 : flags      : 0x5 (IPv4,DNS)\\n"
...            "           address    : 192.168.1.25\\n")
>>> print(df[["source", "rank", "family", "interface", "address", "flags"]].to_string(index=False))
source  rank family interface      address          flags
   nwi     0   inet       en0 192.168.1.25 0x5 (IPv4,DNS)
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, text_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "NETWORK_ORDER", "parse"]

NETWORK_ORDER = Schema("network_order", [
    Column("source", "string", "`nwi` (scutil --nwi) or `networksetup` (-listnetworkserviceorder)"),
    Column("rank", "Int64", "0-based order: nwi — position within its family section (or on the "
                            "`Network interfaces:` line); networksetup — service `(n)` → n-1, "
                            "disabled `(*)` services keep their position in the listing"),
    Column("family", "string", "nwi: `inet` / `inet6` from the section; NA from the summary line "
                               "and for networksetup"),
    Column("interface", "string", "BSD interface name (nwi interface, networksetup `Device:`)"),
    Column("service", "string", "networksetup service name, e.g. `USB 10/100/1000 LAN 2`"),
    Column("hardware_port", "string", "networksetup `Hardware Port:`, e.g. `Wi-Fi`"),
    Column("address", "string", "nwi `address` of the interface in that family"),
    Column("flags", "string", "nwi interface flags as written, e.g. `0x5 (IPv4,DNS)`"),
    Column("reach", "string", "nwi `reach` as written, e.g. `0x00000002 (Reachable)`"),
    Column("vpn_server", "string", "nwi `VPN server` of a VPN interface (the tunnel's far end), e.g. `45.76.183.20`"),
    Column("enabled", "boolean", "networksetup: False for services marked `(*)`; NA for nwi"),
    Column("line", "Int64", "1-based line number of the interface / service line"),
], doc="Interface or service order as the system ranks it (scutil --nwi, networksetup).")

SCHEMAS = {"network_order": NETWORK_ORDER}

JC_NOTES: list[str] = []

_FAMILY = re.compile(r"^IPv([46]) network interface information$")
_IFACE = re.compile(r"^(\S+)\s*:\s*flags\s*:?\s*(.*)$")
_ATTR = re.compile(r"^(address|reach|VPN server)\s*:?\s*(.*)$")
_IGNORED = re.compile(r"^(Network information|No IPv[46] states found|Signature Hash\b|generation\b|REACH\s*:)")
_SUMMARY = "Network interfaces:"


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``scutil --nwi`` output into the ``network_order`` frame (see ``SCHEMAS``)."""
    rows: list[dict] = []
    summary: list[dict] = []
    family: str | None = None
    rank = 0
    current: dict | None = None
    for n, line in text_lines(text):
        fm = _FAMILY.match(line)
        if fm:
            family, rank, current = ("inet" if fm.group(1) == "4" else "inet6"), 0, None
            continue
        if line.startswith(_SUMMARY):
            summary = [{"source": "nwi", "rank": i, "interface": name, "line": n}
                       for i, name in enumerate(line[len(_SUMMARY):].split())]
            continue
        if _IGNORED.match(line):
            continue
        im = _IFACE.match(line)
        if im:
            current = {"source": "nwi", "rank": rank, "family": family, "interface": im.group(1),
                       "flags": im.group(2).strip() or None, "line": n}
            rows.append(current)
            rank += 1
            continue
        am = _ATTR.match(line)
        if am and current is not None:
            current[am.group(1).lower().replace(" ", "_")] = am.group(2).strip()
            continue
        warn(warnings, n, f"scutil_nwi: unknown line: {line[:80]!r}")
    if not rows:
        rows = summary
    cols = {name: [row.get(name) for row in rows] for name in NETWORK_ORDER.names}
    return NETWORK_ORDER.frame(cols, length=len(rows), warnings=warnings)
