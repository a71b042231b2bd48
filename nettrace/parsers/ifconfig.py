"""``ifconfig -a`` (also ``ifconfig <name>``, ``ifconfig -v``): interfaces and their addresses.

A real block (seed 000, ZeroTier's address-carrying half of a fake-Ethernet pair)::

    feth4868: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 5000 mtu 2800
              options=8<VLAN_HWTAGGING>
              ether d6:8b:8e:3b:53:14
              inet 172.27.5.101 netmask 0xffff0000 broadcast 172.27.255.255
              peer: feth9868
              media: autoselect (10Gbase-T <full-duplex>)
              status: active

gives one ``interfaces`` row (``kind`` "feth", ``peer`` "feth9868", ``metric`` 5000, ``mtu`` 2800)
and one ``addresses`` row (``prefixlen`` 16 from the hex netmask).

Odd cases handled:

- a block starts at any line ``<name>: flags=<hex><...>``, indented or not (pasted outputs lose
  their tabs; seed 001 has no indentation at all), body lines may be indented with tabs or spaces;
- point-to-point ``inet 10.1.27.2 --> 10.1.27.2 netmask 0xffff0000`` (utun, ipsec; ``af_inet.c``)
  and ``inet6 fd00::1 --> fd00::2 prefixlen 128`` (``af_inet6.c`` ``in6_status`` prints the
  destination of an IFF_POINTOPOINT interface before the prefix): ``destination`` either way;
- ``inet6 fe80::1%lo0 prefixlen 64 scopeid 0x1``: the ``%scope`` is dropped from ``address``, the
  scope id gives the interface ``index`` (``ifconfig -v`` prints ``index N`` on the header line,
  which wins); ``ifconfig -f inet6:cidr``'s ``inet6 fe80::1%lo0/64`` gives the prefix length;
- the media status: on its own ``status: active`` line from network_cmds-328 (Mac OS X 10.6) on,
  at the end of the media line (``media: autoselect (100baseTX <full-duplex>) status: active``)
  in network_cmds-245 (Mac OS X 10.4) and earlier (``ifmedia.c`` ``media_status``);
- the link-level address: ``ether`` for Ethernet-like interfaces, ``lladdr`` for the others
  (FireWire ``fw0``'s 8-byte EUI-64; ``af_link.c`` ``link_status``): both go to ``ether``;
- bridge ``Configuration:`` lines, member detail lines and the learned addresses under ``Address
  cache:`` (``dc:a6:32:5e:90:1b Vlan1 en7 1190 flags=0<>``) are known and skipped silently;
  ``ifconfig -v`` detail lines (``generation id:``, ``agent ...``, ``scheduler: ...``), gif/stf
  ``tunnel inet A --> B`` and ``ifconfig -m``'s ``supported media:`` list too;
- CRLF line ends and the capture prefix ``2025-12-28T02:15:27Z<TAB>``.

Anything else is skipped with a warning.

>>> frames = parse("lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> mtu 16384\\n"
...                "\\tinet 127.0.0.1 netmask 0xff000000\\n"
...                "\\tinet6 fe80::1%lo0 prefixlen 64 scopeid 0x1\\n")
>>> row = frames["interfaces"].iloc[0]
>>> row["name"], row["kind"], int(row["index"]), int(row["mtu"]), bool(row["up"])
('lo0', 'loopback', 1, 16384, True)
>>> frames["addresses"][["address", "prefixlen", "line"]].values.tolist()
[['127.0.0.1', 8, 2], ['fe80::1', 64, 3]]
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse", "interface_kind"]

SCHEMAS = {
    "interfaces": Schema("interfaces", [
        Column("name", "string", "interface name, e.g. en0, feth4868, utun8"),
        Column("index", "Int64", "interface index: `index N` of the header (ifconfig -v), else the "
                                 "`scopeid 0x..` of its inet6 addresses; NA when neither is printed"),
        Column("flags", "object", "interface flags as listed, e.g. ['UP', 'BROADCAST', 'RUNNING']"),
        Column("flags_value", "Int64", "the hex flags value (flags=8843 -> 0x8843)"),
        Column("eflags", "object", "extended flags (ifconfig -v `eflags=...<...>`), names; NA when absent"),
        Column("xflags", "object", "more flags (ifconfig -v `xflags=...<...>`), names; NA when absent"),
        Column("mtu", "Int64", "MTU from the header line"),
        Column("metric", "Int64", "`metric N` from the header line (ZeroTier sets 5000); NA when absent"),
        Column("ether", "string", "link-level address from the `ether` line (`lladdr` for other link types, "
                                  "e.g. FireWire)"),
        Column("peer", "string", "the other half of a feth pair (`peer: feth9868`)"),
        Column("status", "string", "`status:` line (or the end of the media line before Mac OS X 10.6): active "
                                   "or inactive"),
        Column("media", "string", "`media:` line as written, e.g. 'autoselect (10Gbase-T <full-duplex>)'"),
        Column("options", "object", "`options=...<...>` names, e.g. ['TSO4', 'TSO6']"),
        Column("nd6_options", "object", "`nd6 options=...<...>` names, e.g. ['PERFORMNUD', 'DAD']"),
        Column("kind", "string", "from the name prefix: physical (en*), loopback (lo*), utun, feth, bridge, "
                                 "awdl, llw, gif, stf, anpi, ipsec, ppp, ap, vmenet, else other"),
        Column("members", "object", "bridge member interfaces (`member: en1 flags=...` lines)"),
        Column("up", "boolean", "UP is among the flags"),
        Column("running", "boolean", "RUNNING is among the flags"),
        Column("line", "Int64", "1-based line of the `<name>: flags=` header"),
    ], doc="One row per interface block of ifconfig."),
    "addresses": Schema("addresses", [
        Column("interface", "string", "interface the address is configured on"),
        Column("family", "string", "inet or inet6"),
        Column("address", "string", "the address; inet6 without its %scope suffix"),
        Column("prefixlen", "Int64", "prefix length (inet: counted from the hex netmask)"),
        Column("netmask", "string", "inet netmask as written, e.g. 0xffff0000"),
        Column("broadcast", "string", "inet broadcast address"),
        Column("scopeid", "Int64", "inet6 `scopeid 0x..` as a number (the interface index)"),
        Column("destination", "string", "point-to-point peer (`inet 10.0.0.2 --> 10.0.0.1`, "
                                        "`inet6 fd00::1 --> fd00::2`)"),
        Column("flags", "object", "inet6 address flags, e.g. ['autoconf', 'secured']"),
        Column("secured", "boolean", "inet6 `secured` (stable privacy address)"),
        Column("temporary", "boolean", "inet6 `temporary` (privacy extension address)"),
        Column("line", "Int64", "1-based line of the `inet`/`inet6` line"),
    ], doc="One row per inet/inet6 line of ifconfig."),
}

JC_NOTES = [
    "jc drops the feth `peer:` line (zerotier-issue-999: feth4017 <-> feth9017): we keep it in `peer`; "
    "it is the only link between the two halves of a ZeroTier pair.",
    "jc drops bridge `member:` lines (jc-osx-10.14.6-ifconfig: bridge0 members en1..en4): we list them in `members`.",
    "jc drops a bare `media: autoselect` and `media: <unknown type>` (jc-osx-10.14.6-ifconfig2 ap1, bridge0) "
    "and cuts `media: autoselect (100baseTX <full-duplex>)` into media 'autoselect (100baseTX' plus "
    "media_flags ['full-duplex'] (en5). We keep the line as written in `media`: every form stays readable.",
    "jc gives `flags=8863` as the integer 8863, reading hex digits as decimal; `flags_value` is the real "
    "value 0x8863 = 34915. Same for jc's `nd6_options` (201 for 0x201).",
    "jc gives inet netmasks dotted (255.255.255.0); we keep the hex as written in `netmask` and the "
    "prefix length in `prefixlen`. jc's inet6 `scope` '0x8' is our numeric `scopeid` 8 (the interface index).",
    "jc drops inet6 address flags (`autoconf secured`, `temporary`, `deprecated`, `dynamic`) and the "
    "point-to-point destination of `inet 10.1.27.2 --> 10.1.27.2` (globalprotect-notes ipsec0): we keep "
    "both (`flags`, `secured`, `temporary`, `destination`).",
]

# Interface-name prefix -> kind; names are matched after stripping their trailing digits.
_KINDS = {
    "lo": "loopback", "en": "physical", "utun": "utun", "feth": "feth", "bridge": "bridge",
    "awdl": "awdl", "llw": "llw", "gif": "gif", "stf": "stf", "anpi": "anpi", "ipsec": "ipsec",
    "ppp": "ppp", "ap": "ap", "vmenet": "vmenet",
}

_PREFIX_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t")
_HEADER_RE = re.compile(r"^\s*([^\s:]+): flags=([0-9a-fA-F]+)<([^>]*)>(.*)$")
_BITS_RE = re.compile(r"=([0-9a-fA-F]+)<([^>]*)>")
# a bridge's learned address under ``Address cache:`` (ifbridge.c, bridge_addresses: MAC, Vlan N,
# member, expiry, flags), known and not read
_CACHE_RE = re.compile(r"^[0-9a-fA-F:]+ Vlan\d+ \S+ \d+ flags=")

# Lines that are known and deliberately not read (bridge configuration, ifconfig -v details).
_SKIP_PREFIXES = (
    "Configuration:", "id ", "maxage ", "root id ", "ipfilter ", "ifmaxaddr ", "generation id:",
    "agent ", "state availability:", "scheduler:", "qosmarking ", "low power mode:", "multi layer ",
    "routermode4:", "routermode6:", "type:", "netif:", "link quality:", "effective interface:",
    "link rate:", "uplink rate:", "downlink rate:", "timestamp:", "desc:", "flowswitch:",
    "thread ", "Address cache:", "Nexus ", "nat64 ", "clat46 ", "ecn ", "inet6 options",
    "dhcp ", "bandwidth ", "latency ", "interface ", "vlan:", "bond ", "tunnel inet", "supported media:",
    "media ",
)


def interface_kind(name: str) -> str:
    """The interface kind from its name prefix.

    >>> interface_kind("feth4868"), interface_kind("en0"), interface_kind("vmnet8")
    ('feth', 'physical', 'other')
    """
    return _KINDS.get(name.rstrip("0123456789"), "other")


def _names(spec: str) -> list[str]:
    return [s for s in spec.split(",") if s]


def parse(text: str, warnings: list | None = None) -> dict[str, pd.DataFrame]:
    """Parse ``ifconfig`` output into ``{"interfaces": ..., "addresses": ...}``."""
    icols = {c.name: [] for c in SCHEMAS["interfaces"].columns}
    acols = {c.name: [] for c in SCHEMAS["addresses"].columns}
    # per-interface scalar fields filled while reading the block
    cur: dict | None = None
    scope_index = None

    def close() -> None:
        if cur is not None:
            if cur["index"] is None:
                cur["index"] = scope_index
            SCHEMAS["interfaces"].add_row(icols, **cur, kind=interface_kind(cur["name"]),
                                          up="UP" in cur["flags"], running="RUNNING" in cur["flags"])

    def address(n: int, family: str, addr: str, flags: list, **fields) -> None:
        SCHEMAS["addresses"].add_row(acols, interface=cur["name"], family=family, address=addr, line=n,
                                     flags=flags, secured="secured" in flags, temporary="temporary" in flags,
                                     **fields)

    for n, raw in enumerate(text.splitlines(), 1):
        if raw[19:21] == "Z\t" and _PREFIX_RE.match(raw):
            raw = raw[21:]
        s = raw.strip()
        if not s:
            continue
        if _CACHE_RE.match(s):
            continue
        if " flags=" in s and not s.startswith("member:"):
            m = _HEADER_RE.match(s)
            if m:
                close()
                name, value, flags, rest = m.groups()
                cur = {"name": name, "flags": _names(flags), "flags_value": int(value, 16),
                       "eflags": None, "xflags": None, "mtu": None, "metric": None, "index": None,
                       "ether": None, "peer": None, "status": None, "media": None, "options": [],
                       "nd6_options": [], "members": [], "line": n}
                scope_index = None
                toks = rest.split()
                for key, val in zip(toks, toks[1:]):
                    if key in ("mtu", "metric", "index") and val.isdecimal():
                        cur[key] = int(val)
                continue
        if cur is None:
            warn(warnings, n, f"line outside any interface block: {s[:60]!r}")
            continue
        if s.startswith("inet6 "):
            toks = s.split()  # s is stripped: an address follows
            addr, _, cidr = toks[1].partition("/")
            addr = addr.partition("%")[0]
            prefixlen = int(cidr) if cidr.isdecimal() else None
            scopeid = dest = None
            aflags = []
            i = 2
            if toks[2:3] == ["-->"] and len(toks) > 3:
                dest, i = toks[3], 4
            while i < len(toks):
                t = toks[i]
                if t == "prefixlen" and i + 1 < len(toks):
                    prefixlen = int(toks[i + 1]) if toks[i + 1].isdecimal() else None
                    i += 2
                elif t == "scopeid" and i + 1 < len(toks):
                    try:
                        scopeid = int(toks[i + 1], 16)
                    except ValueError:
                        warn(warnings, n, f"bad scopeid {toks[i + 1]!r}")
                    i += 2
                else:
                    aflags.append(t)
                    i += 1
            scope_index = scopeid if scope_index is None else scope_index  # the first scope id
            address(n, "inet6", addr, aflags, prefixlen=prefixlen, scopeid=scopeid, destination=dest)
        elif s.startswith("inet "):
            toks = s.split()
            netmask = broadcast = dest = prefixlen = None
            for key, val in zip(toks[2::2], toks[3::2]):
                if key == "netmask":
                    netmask = val
                    try:
                        prefixlen = bin(int(val, 16)).count("1")
                    except ValueError:
                        warn(warnings, n, f"bad netmask {val!r}")
                elif key == "broadcast":
                    broadcast = val
                elif key == "-->":
                    dest = val
            address(n, "inet", toks[1], [], prefixlen=prefixlen, netmask=netmask, broadcast=broadcast,
                    destination=dest)
        elif s.startswith(("ether ", "lladdr ")):
            cur["ether"] = s.split(None, 1)[1]
        elif s.startswith(("options=", "nd6 options=", "eflags=", "xflags=")):
            m = _BITS_RE.search(s)  # options, nd6_options, eflags, xflags
            cur[s.partition("=")[0].replace(" ", "_")] = _names(m.group(2)) if m else []
        elif s.startswith("media:"):
            media, sep, status = s[6:].partition(" status: ")
            cur["media"] = media.strip()
            if sep:
                cur["status"] = status.strip()
        elif s.startswith("status:"):
            cur["status"] = s[7:].strip()
        elif s.startswith("peer:"):
            cur["peer"] = s[5:].strip()
        elif s.startswith("member:"):
            toks = s.split()
            if len(toks) > 1:
                cur["members"].append(toks[1])
        elif s.startswith(_SKIP_PREFIXES):
            continue
        else:
            warn(warnings, n, f"unknown ifconfig line: {s[:60]!r}")
    close()
    return {"interfaces": SCHEMAS["interfaces"].frame(icols), "addresses": SCHEMAS["addresses"].frame(acols)}
