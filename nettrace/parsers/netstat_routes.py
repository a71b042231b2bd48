"""``netstat -rn`` (and ``-r``, ``-nr``, ``-rnl``, ``-rn -f inet6``): the routing tables.

A real table (seed 000: ZeroTier's loopback default above the Wi-Fi default)::

    Internet:
    Destination        Gateway            Flags               Netif Expire
    default            127.0.0.1          UGScg            feth4868
    default            10.68.255.254      UGScIg                en0

gives two ``routes`` rows, both ``is_default``, ``rank`` 0 and 1: macOS lists the defaults of a
table in the order it prefers them, so the first one wins unless a socket is scoped (``I``).

Odd cases handled:

- the older layouts with ``Refs Use`` and ``-l``'s ``Mtu`` columns (numeric columns are placed by
  the header; without a header they are read as Refs, Use, Mtu in that order);
- an empty ``Expire`` column, ``!`` (no expiry) kept as written;
- fragments without ``Routing tables``/``Internet:``/header lines (the family is then inferred
  from the destination, or for ``default`` from the gateway);
- ``netstat -r`` without ``-n``: host names (truncated to the column) stay in ``destination``
  and ``gateway``, ``cidr`` is then missing;
- other ``netstat`` displays (``-i``, sockets of ``-An``/plain ``netstat``) are not routing
  tables: their sections are skipped with one warning each, no rows;
- CRLF line ends, tabs, the capture prefix ``2025-12-28T02:15:27Z<TAB>``.

Examples
--------
>>> df = parse("Internet:\\n"
...            "Destination        Gateway            Flags               Netif Expire\\n"
...            "10.244/14          10.9.0.1           UGSc                utun4\\n"
...            "169.254            link#11            UCS                   en0      !\\n")
>>> df[["cidr", "gateway_kind", "netif", "expire", "line"]].values.tolist()
[['10.244.0.0/14', 'ip', 'utun4', <NA>, 3], ['169.254.0.0/16', 'link', 'en0', '!', 4]]
>>> list(df.loc[0, "flag_names"])
['UP', 'GATEWAY', 'STATIC', 'PRCLONING']
"""
from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

import pandas as pd

from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "FLAG_NAMES", "parse", "normalize_destination", "gateway_kind"]

SCHEMAS = {
    "routes": Schema("routes", [
        Column("family", "string", "inet or inet6: from the Internet:/Internet6: header, else inferred"),
        Column("destination", "string", "destination as written (default, 10.244/16, fe80::%en0/64, a name)"),
        Column("cidr", "string", "normalized destination: 10.244/16 -> 10.244.0.0/16, 127 -> 127.0.0.0/8, "
                                 "222.66.117 -> 222.66.117.0/24, default -> 0.0.0.0/0 or ::/0, host -> /32 or "
                                 "/128, fe80::%en0/64 -> fe80::/64; NA for host names (netstat -r without -n)"),
        Column("dest_scope", "string", "the %scope of an inet6 destination (fe80::%en0/64 -> en0)"),
        Column("gateway", "string", "gateway as written"),
        Column("gateway_kind", "string", "ip (address, with %scope too, or a host name), link (link#N), "
                                         "mac (link-layer address), interface (an interface name, e.g. utun6)"),
        Column("gateway_index", "Int64", "N of a link#N gateway (the interface index)"),
        Column("flags", "string", "flag letters as written, e.g. UGScg"),
        Column("flag_names", "object", "flag letters decoded as in netstat(1), e.g. ['UP', 'GATEWAY', ...]"),
        Column("netif", "string", "interface the route sends on"),
        Column("expire", "string", "Expire column as written (seconds, or ! for none); NA when empty"),
        Column("ifscope", "boolean", "the I flag: the route is scoped to its interface"),
        Column("is_default", "boolean", "destination is default"),
        Column("rank", "Int64", "0-based order of the row within its family table (the first default is "
                                "the preferred one)"),
        Column("refs", "Int64", "Refs column (older layouts)"),
        Column("use", "Int64", "Use column (older layouts)"),
        Column("mtu", "Int64", "Mtu column (netstat -l)"),
        Column("line", "Int64", "1-based line of the row"),
    ], doc="One row per route of netstat -r."),
}

JC_NOTES = [
    "jc returns one flat list of routes without the Internet:/Internet6: table they came from "
    "(jc-osx-10.14.6-netstat-rnl: 89 rows, no family); we keep `family` and rank rows per table.",
    "jc's flag map has no `g` (RTF_GLOBAL, printed by macOS 11.3+ in UGScg) and silently drops it from "
    "route_flags_pretty; we decode it as GLOBAL (netstat(1) flag table). No jc-*.json in the corpus has a "
    "`g`, so this is checked against jc's own flag table only.",
    "jc leaves destinations as written (`127`, `192.168.1`); we keep them and add `cidr`.",
    "On jc-osx-10.14.6-netstat-r (no -n), whose Internet6 table has no Refs/Use columns, jc and we agree "
    "on every shared field; jc names refs `route_refs` and netif `iface`.",
]

FLAG_NAMES = {
    "1": "PROTO1", "2": "PROTO2", "3": "PROTO3", "B": "BLACKHOLE", "b": "BROADCAST", "C": "CLONING",
    "c": "PRCLONING", "D": "DYNAMIC", "G": "GATEWAY", "H": "HOST", "I": "IFSCOPE", "i": "IFREF",
    "L": "LLINFO", "M": "MODIFIED", "m": "MULTICAST", "R": "REJECT", "r": "ROUTER", "S": "STATIC",
    "U": "UP", "W": "WASCLONED", "X": "XRESOLVE", "Y": "PROXY", "g": "GLOBAL",
}
_FLAG_CHARS = frozenset(FLAG_NAMES) | frozenset("ABEFKNOPQTVZadefhjklnopqstuvwxyz0456789")
_PREFIX_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t")
_MAC_RE = re.compile(r"^[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2}){5}$")
_IFNAME_RE = re.compile(r"^[a-z]+[0-9]+$")
_NUMERIC_COLS = ("refs", "use", "mtu")


@lru_cache(maxsize=4096)
def _flag_names(flags: str) -> tuple[str, ...]:
    return tuple(FLAG_NAMES[c] for c in flags if c in FLAG_NAMES)


@lru_cache(maxsize=65536)
def normalize_destination(dest: str, family: str) -> tuple[str | None, str | None]:
    """``(cidr, scope)`` for a netstat destination of *family*.

    >>> normalize_destination("59.78.176/20", "inet"), normalize_destination("127", "inet")
    (('59.78.176.0/20', None), ('127.0.0.0/8', None))
    >>> normalize_destination("fe80::%en0/64", "inet6"), normalize_destination("default", "inet6")
    (('fe80::/64', 'en0'), ('::/0', None))
    """
    if dest == "default":
        return ("0.0.0.0/0" if family == "inet" else "::/0"), None
    addr, _, plen = dest.partition("/")
    if plen and not plen.isdecimal():
        return None, None
    if family == "inet6":
        addr, _, scope = addr.partition("%")
        try:
            net = ipaddress.IPv6Network(f"{addr}/{plen or 128}", strict=False)
        except ValueError:
            return None, scope or None
        return str(net), scope or None
    parts = addr.split(".")
    if not 1 <= len(parts) <= 4 or not all(p.isdecimal() and int(p) < 256 for p in parts):
        return None, None
    prefix = int(plen) if plen else 8 * len(parts)
    if prefix > 32:
        return None, None
    return ".".join(parts + ["0"] * (4 - len(parts))) + f"/{prefix}", None


def gateway_kind(gateway: str) -> str:
    """ip, link, mac or interface.

    >>> [gateway_kind(g) for g in ("link#28", "c6:52:4f:cc:a7:64", "utun6", "fe80::%utun0", "10.51.0.1")]
    ['link', 'mac', 'interface', 'ip', 'ip']
    """
    if gateway.startswith("link#"):
        return "link"
    if _MAC_RE.match(gateway):
        return "mac"
    if _IFNAME_RE.match(gateway):
        return "interface"
    return "ip"


def _guess_family(dest: str, gateway: str) -> str:
    if ":" in dest:
        return "inet6"
    if dest == "default" and ":" in gateway and not _MAC_RE.match(gateway):
        return "inet6"
    return "inet"


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``netstat -r`` output into the ``routes`` frame."""
    cols = {c.name: [] for c in SCHEMAS["routes"].columns}
    family = None          # from the last Internet:/Internet6: line
    numeric = _NUMERIC_COLS  # numeric columns between Flags and Netif, in order
    skipping = False       # inside a non-routing netstat section
    ranks: dict[str, int] = {}
    unknown_flags: set[str] = set()
    c_family, c_dest, c_cidr, c_scope = cols["family"], cols["destination"], cols["cidr"], cols["dest_scope"]
    c_gw, c_gwk, c_gwi, c_flags, c_names = (cols["gateway"], cols["gateway_kind"], cols["gateway_index"],
                                            cols["flags"], cols["flag_names"])
    c_netif, c_exp, c_ifs, c_def, c_rank = (cols["netif"], cols["expire"], cols["ifscope"], cols["is_default"],
                                            cols["rank"])
    c_num = {k: cols[k] for k in _NUMERIC_COLS}
    c_line = cols["line"]

    for n, raw in enumerate(text.splitlines(), 1):
        if raw[19:21] == "Z\t" and _PREFIX_RE.match(raw):
            raw = raw[21:]
        toks = raw.split()
        if not toks:
            continue
        first = toks[0]
        if first == "Destination":
            names = [t.lower() for t in toks[3:]]
            numeric = tuple(t for t in names if t in _NUMERIC_COLS)
            skipping = False
            continue
        if len(toks) == 1 and first.endswith(":"):
            fam = {"Internet:": "inet", "Internet6:": "inet6"}.get(first)
            if fam is None:
                warn(warnings, n, f"not a routing table ({first}): skipped")
            family, skipping = fam, fam is None
            if fam:
                ranks[fam] = 0
            continue
        if first == "Routing" and toks[1:2] == ["tables"]:
            skipping = False
            continue
        if first in ("Active", "Name", "Registered") or (first == "Proto" and not skipping):
            if not skipping:
                warn(warnings, n, f"not a routing table ({raw.strip()[:40]!r}): skipped")
            skipping = True
            continue
        if skipping:
            continue
        if len(toks) < 4:
            warn(warnings, n, f"short route line: {raw.strip()[:60]!r}")
            continue
        dest, gw, flags = toks[0], toks[1], toks[2]
        if not _FLAG_CHARS.issuperset(flags):
            warn(warnings, n, f"not a route line: {raw.strip()[:60]!r}")
            continue
        rest = toks[3:]
        nums = [None, None, None]
        k = 0
        while k < len(rest) and k < len(numeric) and rest[k].isdecimal():
            nums[_NUMERIC_COLS.index(numeric[k])] = int(rest[k])
            k += 1
        if k >= len(rest):
            warn(warnings, n, f"route line without an interface: {raw.strip()[:60]!r}")
            continue
        netif = rest[k]
        expire = rest[k + 1] if k + 1 < len(rest) else None
        if k + 2 < len(rest):
            warn(warnings, n, f"extra fields ignored: {' '.join(rest[k + 2:])[:40]!r}")
        fam = family or _guess_family(dest, gw)
        cidr, scope = normalize_destination(dest, fam)
        kind = gateway_kind(gw)
        rank = ranks.get(fam, 0)
        ranks[fam] = rank + 1
        names = _flag_names(flags)
        if len(names) != len(flags):
            unknown_flags.update(c for c in flags if c not in FLAG_NAMES)
        c_family.append(fam); c_dest.append(dest); c_cidr.append(cidr); c_scope.append(scope)
        c_gw.append(gw); c_gwk.append(kind)
        c_gwi.append(int(gw[5:]) if kind == "link" and gw[5:].isdecimal() else None)
        c_flags.append(flags); c_names.append(list(names)); c_netif.append(netif); c_exp.append(expire)
        c_ifs.append("I" in flags); c_def.append(dest == "default"); c_rank.append(rank)
        c_num["refs"].append(nums[0]); c_num["use"].append(nums[1]); c_num["mtu"].append(nums[2])
        c_line.append(n)
    if unknown_flags:
        warn(warnings, None, f"unknown route flag letters kept undecoded: {''.join(sorted(unknown_flags))}")
    return SCHEMAS["routes"].frame(cols)
