"""``netstat -rn`` (and ``-r``, ``-nr``, ``-rnl``, ``-rn -f inet6``): the routing tables.

A real table (seed 000: ZeroTier's loopback default above the Wi-Fi default)::

    Internet:
    Destination        Gateway            Flags               Netif Expire
    default            127.0.0.1          UGScg            feth4868
    default            10.68.255.254      UGScIg                en0

gives two ``routes`` rows, both ``is_default``, ``rank`` 0 and 1: macOS lists the defaults of a
table in the order it prefers them, so the first one wins unless a socket is scoped (``I``).

The format, from Apple's ``network_cmds`` ``netstat.tproj/route.c``: ``pr_rthdr`` prints the
header with the Destination and Gateway columns 18 characters wide, or 39 for IPv6 with ``-n``
or ``-l``; ``p_sockaddr`` prints a destination ``%-*s`` with ``-n`` (never cut) but ``%-*.*s``
without it (**cut to the column**: ``fe80::aede:48ff:fe`` for a longer address); ``-l`` adds
``Refs Use Mtu`` (older releases print ``Refs Use`` without ``-l``), an Mtu of 0 prints blank.
Destinations: IPv4 networks as ``netname`` writes them (``10.244/14``, ``127`` = 127.0.0.0/8,
``222.66.117`` = /24, no ``/N`` for a classful mask), hosts (``H``) in full; IPv6 networks by
``netname6``, which appends ``/N`` **only with** ``-n`` — without it ``fe80::%en1 UC`` and
``ff02:: UmC`` are networks of an unprinted prefix (``cidr`` missing, not a /128 host) — and
hosts (``H``) by ``routename6`` without a prefix (/128). Gateways: an address, ``link#N``, a
colon MAC (IFT_ETHER), another link-layer address by ``link_ntoa`` with dots
(``ff.ff.ff.ff.ff.ff``: ``mac`` too, not an IP), or an interface name.

How it is read: the structure lines (``Routing tables``, ``Internet:``/``Internet6:``, the header,
other netstat displays) are read one by one and set the state (family, numeric columns, column
width) of the rows under them; all route lines are split into fields at once with Arrow compute,
destinations, gateways and flags decoded with Arrow kernels or once per distinct value.

Odd cases handled: an empty ``Expire`` column, ``!`` kept as written; fragments without headers
(the family is inferred from the destination, or for ``default`` from the gateway; numbers are
read as Refs, Use, Mtu); host names of ``netstat -r`` stay in ``destination``/``gateway``
(``cidr`` missing); a destination or gateway as long as an 18-wide column (``netstat -r``
without ``-n``) may have been cut: a warning per table, ``cidr`` missing for such destinations
unless they are IPv4 numbers (which always fit); other displays (``-i``, sockets of ``-An``)
are skipped with one warning each; CRLF, tabs, the capture prefix ``2025-12-28T02:15:27Z<TAB>``.

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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._schema import Column, Schema, arrow_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "FLAG_NAMES", "parse"]

SCHEMAS = {
    "routes": Schema("routes", [
        Column("family", "string", "inet or inet6: from the Internet:/Internet6: header, else inferred"),
        Column("destination", "string", "destination as written (default, 10.244/16, fe80::%en0/64, a name)"),
        Column("cidr", "string", "normalized destination: 10.244/16 -> 10.244.0.0/16, 127 -> 127.0.0.0/8, "
                                 "222.66.117 -> 222.66.117.0/24, default -> 0.0.0.0/0 or ::/0, host -> /32 or "
                                 "/128, fe80::%en0/64 -> fe80::/64; NA for host names, IPv6 networks printed "
                                 "without their prefix and destinations cut to the column (netstat -r without -n)"),
        Column("dest_scope", "string", "the %scope of an inet6 destination (fe80::%en0/64 -> en0)"),
        Column("gateway", "string", "gateway as written"),
        Column("gateway_kind", "string", "ip (address, with %scope too, or a host name), link (link#N), "
                                         "mac (link-layer address, colon or dotted), interface (a name, e.g. utun6)"),
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
    "on every shared field; jc names refs `route_refs` and netif `iface`. jc does not notice that this "
    "table's 18-wide columns cut names and IPv6 addresses (`fe80::aede:48ff:fe`); we warn and leave "
    "`cidr` missing for them.",
]

FLAG_NAMES = {
    "1": "PROTO1", "2": "PROTO2", "3": "PROTO3", "B": "BLACKHOLE", "b": "BROADCAST", "C": "CLONING",
    "c": "PRCLONING", "D": "DYNAMIC", "G": "GATEWAY", "H": "HOST", "I": "IFSCOPE", "i": "IFREF",
    "L": "LLINFO", "M": "MODIFIED", "m": "MULTICAST", "R": "REJECT", "r": "ROUTER", "S": "STATIC",
    "U": "UP", "W": "WASCLONED", "X": "XRESOLVE", "Y": "PROXY", "g": "GLOBAL",
}
_NUMERIC_COLS = ("refs", "use", "mtu")
_FLAG_CHARS = frozenset(FLAG_NAMES) | frozenset("ABEFKNOPQTVZadefhjklnopqstuvwxyz0456789")
_NARROW = 18  # the Destination/Gateway width of netstat -r (and of every IPv4 table)
_PREFIX = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t"
# structure lines: the header, other netstat displays (and section titles: one word ending in ':')
_STRUCTURE = r"^\s*(?:Destination\s|Routing\s+tables|Active\s|Name\s|Registered\s|Proto\s)"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_V4 = rf"^(?P<addr>{_OCTET}(?:\.{_OCTET}){{0,3}})(?:/(?P<plen>3[0-2]|[12]?\d))?$"
_HEX = r"[0-9a-f]{1,4}"
_V6 = (rf"^(?P<addr>(?:{_HEX}:){{7}}{_HEX}|(?:{_HEX}(?::{_HEX}){{0,6}})?::(?:{_HEX}(?::{_HEX}){{0,6}})?)"
       r"(?:%[^/]*)?(?:/(?P<plen>\d{1,3}))?$")
# a destination's parts, once _V4/_V6 said it is one (RE2 takes these apart in one pass)
_V4_PARTS = r"^(?P<addr>[\d.]+)(?:/(?P<plen>\d{1,2}))?$"
_V6_PARTS = r"^(?P<addr>[0-9a-f:]+)(?:%[^/]*)?(?:/(?P<plen>\d{1,3}))?$"
_MAC = r"^[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2}){5}$|^[0-9a-fA-F]{1,2}(?:\.[0-9a-fA-F]{1,2}){4,}$"
_IFNAME = r"^[a-z]+[0-9]+$"
_STR = pa.large_string()
_PAD = pa.array([".0.0.0", ".0.0", ".0", ""], _STR)  # by the number of dots of a shortened IPv4 network
_BY_DOTS = pa.array(["8", "16", "24", "32"], _STR)


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``netstat -r`` output into the ``routes`` frame."""
    lines = arrow_lines(text)
    if "Z\t" in text:  # the capture prefix
        lines = pc.replace_substring_regex(lines, _PREFIX, "", max_replacements=1)
    trimmed = pc.ascii_trim_whitespace(lines)
    title = _numpy(pc.ends_with(trimmed, ":"))
    title[title] = _numpy(pc.match_substring_regex(trimmed.filter(title), r"^\S+:$"))
    structure = np.flatnonzero(_numpy(pc.match_substring_regex(lines, _STRUCTURE)) | title)
    states = _states(lines.take(structure).to_pylist(), structure + 1, warnings)
    blank = _numpy(pc.equal(trimmed, ""))
    # every other line under a routing table is a route line: its fields, split at blanks all at once
    states = _by_key(states + [_DEFAULT_STATE])
    under = np.searchsorted(structure, np.arange(len(lines)), "right") - 1  # -1 (the default): none above
    at = np.flatnonzero(~blank & ~np.isin(np.arange(len(lines)), structure) & ~states["skipping"][under].astype(bool))
    row = {key: v[under[at]] for key, v in states.items()}
    cols, ok = _fields(trimmed.take(at), at, warnings)
    return _rows(cols, at[ok], {key: v[ok] for key, v in row.items()}, warnings)


def _fields(lines: pa.Array, at: np.ndarray, warnings) -> tuple[dict, np.ndarray]:
    """The columns of route *lines* split at blanks: Destination Gateway Flags, the numbers the
    header names (Refs Use Mtu; a blank Mtu prints nothing), Netif, an optional Expire."""
    tokens = pc.ascii_split_whitespace(lines)
    flat = pc.list_flatten(tokens)
    start = tokens.offsets.to_numpy()[:-1]
    count = pc.list_value_length(tokens).to_numpy(zero_copy_only=False)

    def field(offset, rows):  # the token at *offset* (one number, or one per line) of the lines *rows*
        return flat.take(start[rows] + (offset[rows] if isinstance(offset, np.ndarray) else offset))

    flag_ok = np.zeros(len(at), bool)
    long_enough = count >= 4
    enc = pc.dictionary_encode(field(2, long_enough))
    flag_ok[long_enough] = np.array([set(f) <= _FLAG_CHARS for f in enc.dictionary.to_pylist()] + [False],
                                    bool)[enc.indices.to_numpy(zero_copy_only=False)]
    # numbers: the decimal tokens after Flags (an interface name is never one)
    numbers = np.zeros(len(at), np.int64)
    going = flag_ok.copy()
    while going.any():
        going &= 3 + numbers < count - 1
        going[going] = _numpy(pc.ascii_is_decimal(flat.take(start[going] + 3 + numbers[going])))
        numbers += going
    ok = flag_ok & (count >= 4 + numbers)
    for i in np.flatnonzero(~ok).tolist():
        line = lines[i].as_py()
        what = ("short route line" if count[i] < 4 else "not a route line" if not flag_ok[i]
                else "route line without an interface")
        warn(warnings, int(at[i]) + 1, f"{what}: {line[:60]!r}")
    for i in np.flatnonzero(ok & (count > 5 + numbers)).tolist():
        extra = flat[int(start[i] + 5 + numbers[i]):int(start[i] + count[i])].to_pylist()
        warn(warnings, int(at[i]) + 1, f"extra fields ignored: {' '.join(extra)[:40]!r}")
    cols = {"destination": field(0, ok), "gateway": field(1, ok), "flags": field(2, ok),
            "netif": field(3 + numbers, ok)}
    has_expire = ok & (count > 4 + numbers)
    expire = np.full(len(at), -1, np.int64)
    expire[has_expire] = start[has_expire] + 4 + numbers[has_expire]
    cols["expire"] = flat.take(pa.array(expire[ok], mask=expire[ok] < 0))
    with_numbers = np.flatnonzero(numbers[ok])
    rows = np.flatnonzero(ok)[with_numbers]
    cols["numbers"] = (with_numbers, [flat[int(start[i]) + 3:int(start[i] + 3 + numbers[i])].to_pylist() for i in rows])
    return cols, ok


_STATE = ("family", "numeric", "skipping", "width", "table")  # what a structure line sets for the rows below
_DEFAULT_STATE = (None, _NUMERIC_COLS, False, None, 0)


def _states(lines: list[str], numbers: np.ndarray, warnings) -> list:
    """The state each structure line leaves for the rows under it: (family, numeric columns,
    skipping a non-routing display, column width from the header, table number)."""
    family, numeric, skipping, width, table = _DEFAULT_STATE
    states = []
    for n, line in zip(numbers.tolist(), lines):
        toks = line.split()
        if toks[0] == "Destination":
            numeric = tuple(t.lower() for t in toks[3:] if t.lower() in _NUMERIC_COLS)
            width = line.index("Gateway") - line.index("Destination") - 1 if "Gateway" in toks else None
            skipping = False
        elif toks[0] == "Routing":
            skipping = False
        elif len(toks) == 1 and toks[0].endswith(":"):
            family = {"Internet:": "inet", "Internet6:": "inet6"}.get(toks[0])
            if family is None:
                warn(warnings, n, f"not a routing table ({toks[0]}): skipped")
            skipping, width, table = family is None, None, table + 1
        elif toks[0] != "Proto" or not skipping:  # Active ..., Name ..., a Proto header
            if not skipping:
                warn(warnings, n, f"not a routing table ({line.strip()[:40]!r}): skipped")
            skipping = True
        states.append((family, numeric, skipping, width, table))
    return states


def _by_key(states: list) -> dict:
    """The states as one object array per key of ``_STATE``."""
    out = {key: np.empty(len(states), object) for key in _STATE}
    for j, st in enumerate(states):
        for key, value in zip(_STATE, st):
            out[key][j] = value
    return out


def _rows(cols: dict, at: np.ndarray, state: dict, warnings) -> pd.DataFrame:
    """The routes frame of the route lines *at* (0-based) under the structure *state* of each."""
    k = len(at)
    dest, gw, flags = cols["destination"], cols["gateway"], cols["flags"]
    # family: the table's, else from the destination (or a default's gateway)
    kind, gateway_index = _gateways(gw)
    is_default = _numpy(pc.equal(dest, "default"))
    inet6 = (state["family"] == "inet6").astype(bool)
    unknown = np.flatnonzero(state["family"] == None)  # noqa: E711
    inet6[unknown] = _numpy(pc.match_substring(dest.take(unknown), ":")) | (
        is_default[unknown] & _numpy(pc.match_substring(gw.take(unknown), ":")) & (kind[unknown] != _MAC_KIND))
    # flags, per distinct value
    fenc = pc.dictionary_encode(flags)
    distinct = fenc.dictionary.to_pylist()
    names = np.empty(len(distinct), object)
    for i, f in enumerate(distinct):
        names[i] = [FLAG_NAMES[c] for c in f if c in FLAG_NAMES]
    unread = {c for f in distinct for c in f if c not in FLAG_NAMES}
    fidx = fenc.indices.to_numpy(zero_copy_only=False)
    host = np.array(["H" in f for f in distinct], bool)[fidx] if k else np.zeros(0, bool)
    # cut values: as long as an 18-wide column (netstat -r) and not an IPv4 number, which always fits
    narrow = state["width"] == _NARROW
    cut_dest, cut_gw = _cut(dest, narrow), _cut(gw, narrow)
    for what, cut, values in (("destinations", cut_dest, dest), ("gateways", cut_gw, gw)):
        rows = np.flatnonzero(cut)
        for t in sorted(set(state["table"][rows])):
            mine = rows[state["table"][rows] == t]
            warn(warnings, int(at[mine[0]]) + 1, f"{len(mine)} {what} fill the 18-character column: probably "
                 f"cut by netstat -r without -n (first {values[mine[0]].as_py()!r})"
                 + ("; their cidr is left empty" if what == "destinations" else ""))
    cidr, scope = _cidrs(dest, inet6, host, cut_dest)
    numbers = _numbers(*cols["numbers"], state["numeric"], at, warnings)
    # rank: the row's place in its table among the rows of its family (tables never interleave)
    rank = np.zeros(k, np.int64)
    for six in (False, True):
        rows = np.flatnonzero(inet6 == six)
        table = state["table"][rows].astype(np.int64)
        rank[rows] = np.arange(len(rows)) - np.searchsorted(table, table)
    out = {
        "family": _FAMILIES.take(pa.array(inet6.astype(np.int8))), "destination": dest, "cidr": cidr,
        "dest_scope": scope, "gateway": gw, "gateway_kind": _KINDS.take(pa.array(kind)),
        "gateway_index": gateway_index,
        "flags": flags, "flag_names": names[fidx] if k else [], "netif": cols["netif"], "expire": cols["expire"],
        "ifscope": pa.array(np.array(["I" in f for f in distinct] + [False], bool)[fidx]),
        "is_default": pa.array(is_default), "rank": pa.array(rank), "line": pa.array(at + 1),
        **numbers,
    }
    df = SCHEMAS["routes"].frame(out, length=k)
    if unread:
        warn(warnings, None, f"unknown route flag letters kept undecoded: {''.join(sorted(unread))}")
    return df


def _cut(values: pa.Array, narrow: np.ndarray) -> np.ndarray:
    """Which *values* fill their column in a table of 18-wide columns and are not IPv4 numbers."""
    full = narrow & (pc.utf8_length(values).to_numpy(zero_copy_only=False) >= _NARROW)
    at = np.flatnonzero(full)
    full[at] = ~pc.match_substring_regex(values.take(at), _V4).to_numpy(zero_copy_only=False)
    return full


def _numbers(rows: np.ndarray, values: list, numeric: np.ndarray, at: np.ndarray, warnings) -> dict:
    """Refs/Use/Mtu: the numbers between Flags and Netif (*values* of *rows*), named by the header."""
    out = {c: pd.Series(pd.arrays.IntegerArray(np.zeros(len(numeric), np.int64), np.ones(len(numeric), bool)))
           for c in _NUMERIC_COLS}
    for i, row in zip(rows.tolist(), values):
        if len(row) > len(numeric[i]):
            warn(warnings, int(at[i]) + 1, f"numbers without a column ignored: {' '.join(row)[:40]!r}")
        for name, value in zip(numeric[i], row):
            if len(value) <= 18:
                out[name].iat[i] = int(value)
    return out


_KINDS = pa.array(["ip", "link", "mac", "interface"], _STR)
_MAC_KIND = 2
_FAMILIES = pa.array(["inet", "inet6"], _STR)


def _gateways(gw: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Each gateway's kind (an index into ``_KINDS``) and the N of ``link#N``, with Arrow kernels
    once per distinct gateway."""
    enc = pc.dictionary_encode(gw)
    match = lambda p: pc.match_substring_regex(enc.dictionary, p).to_numpy(zero_copy_only=False)  # noqa: E731
    link = pc.starts_with(enc.dictionary, "link#").to_numpy(zero_copy_only=False)
    codes = np.select([link, match(_MAC), match(_IFNAME)], [1, _MAC_KIND, 3], 0).astype(np.int8)
    index = pc.struct_field(pc.extract_regex(enc.dictionary, r"^link#(?P<i>\d{1,18})$"), [0])
    return codes[enc.indices.to_numpy(zero_copy_only=False)], index.take(enc.indices)


def _cidrs(dest: pa.Array, inet6: np.ndarray, host: np.ndarray, cut: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """(cidr, dest_scope) of every destination, with Arrow kernels: IPv4 as ``netname`` shortens it
    (octets padded, the prefix from ``/N`` or the octet count); IPv6 as ``inet_ntop`` prints it
    (canonical and masked already) without its ``%scope``, with its ``/N`` or, for a host (``H``),
    /128 — ``netname6`` prints no ``/N`` without -n, so a network's prefix is then unknown;
    nothing for a destination cut to its column."""
    is_default = pc.equal(dest, "default").to_numpy(zero_copy_only=False)
    found = [(np.flatnonzero(is_default), pa.array(np.where(inet6[is_default], "::/0", "0.0.0.0/0"), _STR))]
    v4 = np.flatnonzero(~inet6 & ~is_default)
    v4 = v4[_numpy(pc.match_substring_regex(dest.take(v4), _V4))]
    parts = pc.extract_regex(dest.take(v4), _V4_PARTS)
    addr, plen = pc.struct_field(parts, [0]), pc.struct_field(parts, [1])
    dots = pc.count_substring(addr, ".")  # 127 -> 127.0.0.0/8, 10.244 -> 10.244.0.0/16, ...
    prefix = pc.if_else(pc.equal(plen, ""), _BY_DOTS.take(dots), plen)
    found.append((v4, _join(addr, _PAD.take(dots), "/", prefix)))
    v6 = np.flatnonzero(inet6 & ~is_default)
    lower = pc.utf8_lower(dest.take(v6))
    parts = pc.extract_regex(lower, _V6_PARTS)
    plen = pc.fill_null(pc.struct_field(parts, [1]), "")
    given = pc.not_equal(plen, "").to_numpy(zero_copy_only=False)
    bits = np.where(given, pc.cast(pc.if_else(given, plen, "0"), pa.int64()).to_numpy(), 128)
    ok = _numpy(pc.match_substring_regex(lower, _V6)) & ~cut[v6] & (given | host[v6]) & (bits <= 128)
    found.append((v6[ok], _join(pc.struct_field(parts, [0]).filter(ok), "/", pc.cast(pa.array(bits[ok]), _STR))))
    scope = pc.struct_field(pc.extract_regex(dest.take(v6), r"%(?P<scope>[^/]+)"), [0])
    return _scatter(len(dest), found), _scatter(len(dest), [(v6, scope)])


def _join(*parts) -> pa.Array:
    """The element-wise concatenation of Arrow string arrays and strings."""
    return pc.binary_join_element_wise(*[pa.scalar(p, _STR) if isinstance(p, str) else pc.cast(p, _STR)
                                         for p in parts], pa.scalar("", _STR))


def _scatter(n: int, found: list) -> pa.Array:
    """An array of *n* strings holding the values of each ``(rows, values)`` pair at its rows, null elsewhere."""
    where = np.full(n, -1, np.int64)
    start = 0
    for rows, values in found:
        where[rows] = start + np.arange(len(rows))
        start += len(rows)
    values = pa.concat_arrays([pc.cast(v, _STR) for _, v in found])
    return values.take(pa.array(where, mask=where < 0))


def _numpy(a: pa.Array) -> np.ndarray:
    return a.to_numpy(zero_copy_only=False)
