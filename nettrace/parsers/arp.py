"""``arp -an`` / ``arp -a`` / ``arp -a -i IF``: the IPv4 neighbour (ARP) cache → frame ``arp``.

One entry per line (macOS ``arp.c`` prints ``%s (%s) at %s on %s[ ifscope][ permanent|expires in N
seconds][ published][ [%s]]``)::

    ikuaios (192.168.3.1) at e4:3a:6e:31:72:34 on en0 ifscope [ethernet]
    ? (192.168.1.18) at (incomplete) on en0 ifscope [ethernet]
    ? (224.0.0.251) at 1:0:5e:0:0:fb on en0 ifscope permanent [ethernet]

Odd cases: ``?`` (no name, always with ``-n``) gives ``hostname`` NA; ``(incomplete)`` gives ``mac``
NA and ``incomplete`` True; MAC octets are kept as printed (macOS drops leading zeros:
``0:c:29:75:1b:a0``). Lines that do not look like an entry (e.g. ``arp: 10.0.0.9: no entry``) are
skipped with a warning.

>>> df = parse("ikuaios (192.168.3.1) at e4:3a:6e:31:72:34 on en0 ifscope [ethernet]")
>>> df[["hostname", "ip", "mac", "interface", "ifscope", "link_type"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'hostname': 'ikuaios', 'ip': '192.168.3.1', 'mac': 'e4:3a:6e:31:72:34', 'interface': 'en0', 'ifscope': True,
  'link_type': 'ethernet'}]
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, text_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "arp": Schema("arp", [
        Column("hostname", "string", "reverse-resolved name; NA when printed as `?` (e.g. with -n)"),
        Column("ip", "string", "IPv4 address of the neighbour"),
        Column("mac", "string", "link-layer address as printed (leading zeros dropped); NA if incomplete"),
        Column("incomplete", "boolean", "`(incomplete)`: resolution pending or failed"),
        Column("interface", "string", "interface after `on`"),
        Column("ifscope", "boolean", "the entry is scoped to its interface (`ifscope`)"),
        Column("permanent", "boolean", "static entry (`permanent`)"),
        Column("expire", "string", "expiry text as printed, e.g. `expires in 1130 seconds`; NA if none"),
        Column("published", "boolean", "proxy-ARP entry (`published`)"),
        Column("link_type", "string", "link type in brackets, e.g. `ethernet`"),
        Column("line", "Int64", "1-based line number of the entry"),
    ], doc="The ARP cache: one row per neighbour entry."),
}

JC_NOTES = [
    "jc's `arp` parser drops `ifscope` and `expires in N seconds` on macOS; we keep both "
    "(`ifscope` matters for scoped routes such as the ZeroTier feth entries).",
    "jc names the fields name/address/hwaddress/iface/hwtype; on every field both have "
    "(jc-osx-10.11.6-arp-a, jc-osx-10.14.6-arp-a, jc-osx-10.14.6-arp-a2) the values agree, "
    "including `?` → null and `permanent`.",
]

_ENTRY = re.compile(
    r"^(?P<host>\S+) \((?P<ip>[^)]*)\) at (?P<mac>\(incomplete\)|\S+)"
    r"(?: on (?P<iface>\S+))?(?P<rest>.*)$"
)
_EXPIRE = re.compile(r"(expired|expires in \d+ seconds)")
_LINK = re.compile(r"\[([^\]]*)\]\s*$")


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``arp -a`` output into the ``arp`` frame (see ``SCHEMAS``)."""
    cols: dict[str, list] = {c.name: [] for c in SCHEMAS["arp"].columns}
    for n, line in text_lines(text):
        m = _ENTRY.match(" ".join(line.split()))
        if not m:
            warn(warnings, n, f"arp: not an entry: {line[:80]!r}")
            continue
        host, mac, rest = m["host"], m["mac"], m["rest"]
        incomplete = mac == "(incomplete)"
        expire = _EXPIRE.search(rest)
        link = _LINK.search(rest)
        words = rest.split()
        SCHEMAS["arp"].add_row(
            cols, hostname=None if host == "?" else host, ip=m["ip"], mac=None if incomplete else mac,
            incomplete=incomplete, interface=m["iface"], ifscope="ifscope" in words,
            permanent="permanent" in words, expire=expire[1] if expire else None,
            published="published" in words, link_type=link[1] if link else None, line=n)
    return SCHEMAS["arp"].frame(cols, warnings=warnings)
