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

Big tables take a vectorized path (``_vector``, helpers in ``_arrow``): on plain ASCII text the
lines are split into fields by Arrow kernels; route lines of 4-5 fields under a header without
numeric columns are read at once, destinations, gateways and flags once per distinct value. All
other lines (headers, sections, older layouts, bad lines) go through the line-by-line reader
``_Reader`` in order, and text with tabs, CR or non-ASCII characters is read line by line.

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
import socket
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._arrow import BINARY, STRING, Lines, int_series, scatter_strings, string_buffers, string_series
from ._netaddr import _row_totals, v4_networks, v6_networks
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
        fast = _v6_network(addr, int(plen) if plen else 128)
        if fast is not None:
            return fast, scope or None
        try:
            net = ipaddress.IPv6Network(f"{addr}/{plen or 128}", strict=False)
        except ValueError:
            return None, scope or None
        return str(net), scope or None
    parts = addr.split(".")
    if not 1 <= len(parts) <= 4:
        return None, None
    for p in parts:  # (a loop, not all(<genexpr>): this runs once per distinct destination)
        if not p.isdecimal() or int(p) > 255:
            return None, None
    prefix = int(plen) if plen else 8 * len(parts)
    if prefix > 32:
        return None, None
    return ".".join(parts + ["0"] * (4 - len(parts))) + f"/{prefix}", None


_V4_SHAPE = r"^[0-9]{1,3}(?:\.[0-9]{1,3}){0,3}(?:/[0-9]{1,2})?$"
_V4_PAD = pa.array(["", ".0.0.0", ".0.0", ".0", ""], pa.string())


def _normalize_many(dests: list[str], inet6: np.ndarray) -> list[tuple[str | None, str | None]]:
    """:func:`normalize_destination` of each of *dests* (distinct values): plain-ASCII IPv4 forms
    (``10.162/16``, ``192.168.1``, ``127``) with Arrow kernels at once, the rest one by one.

    >>> _normalize_many(["59.78.176/20", "127", "10.0.0.1", "300.1", "fe80::%en0/64"],
    ...                 np.array([False, False, False, False, True]))
    [('59.78.176.0/20', None), ('127.0.0.0/8', None), ('10.0.0.1/32', None), (None, None), ('fe80::/64', 'en0')]
    """
    out: list = [None] * len(dests)
    v4 = np.flatnonzero(~inet6)
    if len(v4) >= 64:
        arr = pa.array([dests[i] for i in v4.tolist()], pa.string())
        shaped = pc.match_substring_regex(arr, _V4_SHAPE).to_numpy(zero_copy_only=False)
        rows = v4[shaped]
        if len(rows):
            parts = pc.extract_regex(arr.filter(pa.array(shaped)), r"^(?P<a>[0-9.]+)(?:/(?P<p>[0-9]+))?$")
            addr, plen = parts.field("a"), parts.field("p")
            octs = pc.split_pattern(addr, ".")
            n = pc.list_value_length(octs).to_numpy()
            values = pc.cast(pc.list_flatten(octs), pa.int64()).to_numpy()
            bad = np.zeros(len(rows), bool)
            bad[pc.list_parent_indices(octs).to_numpy()[values > 255]] = True
            has_p = pc.not_equal(plen, "").to_numpy(zero_copy_only=False)
            prefix = 8 * n
            if has_p.any():
                prefix[has_p] = pc.cast(plen.filter(pa.array(has_p)), pa.int64()).to_numpy()
            bad |= prefix > 32
            cidr = pc.binary_join_element_wise(addr, _V4_PAD.take(pa.array(n)), "/",
                                               pc.cast(pa.array(prefix), pa.string()), "").to_pylist()
            for i, c, b in zip(rows.tolist(), cidr, bad.tolist()):
                out[i] = (None, None) if b else (c, None)
    for i, d in enumerate(dests):
        if out[i] is None:
            out[i] = normalize_destination(d, "inet6" if inet6[i] else "inet")
    return out


def _v6_network(addr: str, plen: int) -> str | None:
    """``str(ipaddress.IPv6Network(f"{addr}/{plen}", strict=False))`` without ipaddress's
    pure-Python parsing (about 5x faster); None when it cannot say for sure (ipaddress decides).

    >>> _v6_network("fe80::", 64), _v6_network("2001:db8:0:0:1:0:0:1", 128), _v6_network("ff02::fb", 8)
    ('fe80::/64', '2001:db8::1:0:0:1/128', 'ff00::/8')
    """
    if plen > 128 or "." in addr or not addr or len(addr) > 39:
        return None
    try:
        n = int.from_bytes(socket.inet_pton(socket.AF_INET6, addr), "big")
    except (OSError, ValueError):
        return None
    n &= ((1 << 128) - 1) ^ ((1 << (128 - plen)) - 1)
    # ipaddress's _compress_hextets: the longest run of two or more zero hextets becomes "::"
    hextets = [f"{(n >> s) & 0xFFFF:x}" for s in range(112, -1, -16)]
    best_start, best_len, start = -1, 0, -1
    for i, h in enumerate(hextets):
        if h == "0":
            if start < 0:
                start = i
            if i - start + 1 > best_len:
                best_start, best_len = start, i - start + 1
        else:
            start = -1
    if best_len > 1:
        end = best_start + best_len
        hextets[best_start:end] = [""]
        if best_start == 0:
            hextets.insert(0, "")
        if end == 8:
            hextets.append("")
    return ":".join(hextets) + f"/{plen}"


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
    if len(text) >= _VECTOR_MIN:
        df = _vector(text, warnings)
        if df is not None:
            return df
    return SCHEMAS["routes"].frame(_Reader(warnings).feed(enumerate(text.splitlines(), 1)).finish())


class _Reader:
    """The line-by-line reader; its state (family, numeric columns, skipping, ranks) carries over
    between ``feed`` calls so the vectorized path can hand it the lines it does not read itself."""

    def __init__(self, warnings: list | None) -> None:
        self.warnings = warnings
        self.cols = {c.name: [] for c in SCHEMAS["routes"].columns}
        self.family = None          # from the last Internet:/Internet6: line
        self.numeric = _NUMERIC_COLS  # numeric columns between Flags and Netif, in order
        self.skipping = False       # inside a non-routing netstat section
        self.ranks: dict[str, int] = {}
        self.unknown_flags: set[str] = set()

    def finish(self) -> dict:
        if self.unknown_flags:
            warn(self.warnings, None, f"unknown route flag letters kept undecoded: {''.join(sorted(self.unknown_flags))}")
        return self.cols

    def feed(self, numbered) -> "_Reader":
        warnings, cols, ranks, unknown_flags = self.warnings, self.cols, self.ranks, self.unknown_flags
        family, numeric, skipping = self.family, self.numeric, self.skipping
        c_family, c_dest, c_cidr, c_scope = cols["family"], cols["destination"], cols["cidr"], cols["dest_scope"]
        c_gw, c_gwk, c_gwi, c_flags, c_names = (cols["gateway"], cols["gateway_kind"], cols["gateway_index"],
                                                cols["flags"], cols["flag_names"])
        c_netif, c_exp, c_ifs, c_def, c_rank = (cols["netif"], cols["expire"], cols["ifscope"], cols["is_default"],
                                                cols["rank"])
        c_num = {k: cols[k] for k in _NUMERIC_COLS}
        c_line = cols["line"]

        for n, raw in numbered:
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
        self.family, self.numeric, self.skipping = family, numeric, skipping
        return self


# ----------------------------------------------------------------------------- vectorized path

_VECTOR_MIN = 1
_STRUCT_WORDS = pa.array(["Destination", "Routing", "Active", "Name", "Registered", "Proto"], STRING)
_STRUCT_FIRST = np.frombuffer(b"DRANP", np.uint8)  # first letters of the words above
_FAMILIES = pa.array(["inet", "inet6"], STRING)
_DEFAULTS = pa.array(["0.0.0.0/0", "::/0"], STRING)


def _vector(text: str, warnings: list | None) -> pd.DataFrame | None:
    """The routes frame, or None when the text has tabs, CR, other control or non-ASCII characters.

    The fields of every line are found with numpy over the bytes (runs of bytes above the blank).
    Route lines of 4 or 5 fields (destination, gateway, flags, netif[, expire]) under a header
    without numeric columns and a known family are read at once (``_vector_rows``); every other
    line (headers, sections, other layouts, odd lines) goes through the line-by-line reader in
    order, so its state, ranks and warnings are those of the line-by-line reader.
    """
    if not text.isascii():
        return None
    data = text.encode()
    lines = Lines(data, True)
    if len(lines.odd):
        return None
    n, a = lines.n, lines.a
    # fields: runs of bytes > 32; field i is bytes [edges[2i], edges[2i + 1])
    solid = a > 32
    edges = np.flatnonzero(solid[1:] != solid[:-1]) + 1
    if len(a) and solid[0]:
        edges = np.concatenate([[0], edges])
    if len(a) and solid[-1]:
        edges = np.concatenate([edges, [len(a)]])
    fields = pa.LargeBinaryArray.from_buffers(BINARY, max(len(edges) - 1, 0),
                                              [None, pa.py_buffer(edges.astype(np.int64)), pa.py_buffer(data)])
    f_start = edges[0::2]
    f_line = np.searchsorted(lines.starts, f_start, "right") - 1
    cnt = np.bincount(f_line, minlength=n)
    first = np.cumsum(cnt) - cnt  # index of each line's first field

    def field(idx: np.ndarray) -> pa.Array:
        return fields.take(pa.array(2 * idx)).view(STRING)

    simple = (cnt == 4) | (cnt == 5)
    cand = np.flatnonzero(simple)
    struct = np.isin(a[f_start[first[cand]]], _STRUCT_FIRST)
    if struct.any():
        at = np.flatnonzero(struct)
        struct[at] = pc.is_in(field(first[cand[at]]), value_set=_STRUCT_WORDS).to_numpy(zero_copy_only=False)
    enc = pc.dictionary_encode(field(first[cand] + 2))
    uflags = enc.dictionary.to_pylist()
    flag_ok = np.array([_FLAG_CHARS.issuperset(f) for f in uflags], bool)
    fidx = enc.indices.to_numpy()
    simple[cand[struct | ~flag_ok[fidx]]] = False
    flag_of = np.full(n, -1, np.int64)
    flag_of[cand] = fidx

    reader = _Reader(warnings)
    segments = []  # (first row, end row, family, first rank)
    prev = 0
    for i in np.flatnonzero(~simple).tolist() + [n]:
        if i > prev and not reader.skipping:
            if reader.numeric == () and reader.family is not None:
                fam = reader.family
                rank = reader.ranks.get(fam, 0)
                reader.ranks[fam] = rank + (i - prev)
                segments.append((prev, i, fam, rank))
            else:
                reader.feed((j + 1, lines.text(j)) for j in range(prev, i))
        if i < n:
            reader.feed([(i + 1, lines.text(i))])
        prev = i + 1
    rows = np.concatenate([np.arange(a, b) for a, b, _, _ in segments] or [np.zeros(0, np.int64)])
    used = np.zeros(len(uflags), bool)
    used[flag_of[rows]] = True
    for f, u in zip(uflags, used.tolist()):
        if u and len(_flag_names(f)) != len(f):
            reader.unknown_flags.update(c for c in f if c not in FLAG_NAMES)
    o = first[rows]
    vec = _vector_rows(rows, segments, field(o), field(o + 1), enc.dictionary, uflags, flag_of[rows], field(o + 3),
                       cnt[rows] == 5, lambda sel: field(o[sel] + 4))
    cols = reader.finish()
    if not cols["line"]:
        return vec
    df = pd.concat([vec, SCHEMAS["routes"].frame(cols)], ignore_index=True)
    return df.iloc[np.argsort(df["line"].to_numpy(np.int64), kind="stable")].reset_index(drop=True)


def _vector_rows(rows, segments, dest, gw, flag_dict, uflags, fidx, netif, five, expire) -> pd.DataFrame:
    """The frame of the route lines *rows* read at once: their destination, gateway and netif
    fields, flags as indices into *flag_dict*, *five* where an expire field follows (*expire*
    gives those)."""
    k = len(rows)
    fam6 = np.zeros(k, bool)
    ranks = np.zeros(k, np.int64)
    pos = 0
    for a, b, fam, rank in segments:
        fam6[pos:pos + b - a] = fam == "inet6"
        ranks[pos:pos + b - a] = np.arange(rank, rank + b - a)
        pos += b - a
    isdef = pc.equal(dest, "default").to_numpy(zero_copy_only=False)
    cidr, scope = _cidrs(dest, fam6, isdef)
    kinds, gwi, gwi_miss = _gateways(gw)
    names = [_flag_names(f) for f in uflags]
    cols = {
        "family": _FAMILIES.take(pa.array(fam6.view(np.int8))),
        "destination": dest,
        "cidr": cidr,
        "dest_scope": scope,
        "gateway": gw,
        "gateway_kind": kinds,
        "flags": flag_dict.take(pa.array(fidx)),
        "netif": netif,
        "expire": scatter_strings(k, five, expire(five)),
    }
    out = {key: string_series(v) for key, v in cols.items()}
    out["gateway_index"] = int_series(gwi[:k], gwi_miss[:k])
    shared = np.empty(len(names), object)  # one list per distinct flags string, shared by its rows
    for i, nm in enumerate(names):
        shared[i] = list(nm)
    out["flag_names"] = pd.Series(shared[fidx], dtype=object, copy=False)
    ifs = np.array(["I" in f for f in uflags] + [False], bool)[fidx]
    out["ifscope"] = pd.Series(pd.arrays.BooleanArray(ifs, np.zeros(k, bool)), copy=False)
    out["is_default"] = pd.Series(pd.arrays.BooleanArray(isdef, np.zeros(k, bool)), copy=False)
    out["rank"] = int_series(ranks)
    for key in _NUMERIC_COLS:
        out[key] = int_series(np.zeros(k, np.int64), np.ones(k, bool))
    out["line"] = int_series(rows + 1)
    return SCHEMAS["routes"].frame(out, length=k)


def _cidrs(dest: pa.Array, fam6: np.ndarray, isdef: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """``normalize_destination`` of every row: (cidr, dest_scope). ``default`` from the family,
    the usual IPv4 and IPv6 forms with numpy (``_netaddr``), the rest one by one."""
    k = len(dest)
    parts_c, parts_s = [_DEFAULTS], [pa.nulls(2, STRING)]
    where = fam6.astype(np.int64)  # default rows: item 0 or 1 of _DEFAULTS
    size = 2
    todo = ~isdef
    for six in (False, True):
        sel = np.flatnonzero(todo & (fam6 == six))
        if not len(sel):
            continue
        d = dest.take(pa.array(sel))
        if six:
            c, s, ok = v6_networks(d)
        else:
            (c, ok), s = v4_networks(d), pa.nulls(len(sel), STRING)
        parts_c.append(c)
        parts_s.append(s)
        where[sel] = size + np.arange(len(sel))
        size += len(sel)
        todo[sel[ok]] = False
    rest = np.flatnonzero(todo)
    if len(rest):
        got = [normalize_destination(d, "inet6" if f else "inet")
               for d, f in zip(dest.take(pa.array(rest)).to_pylist(), fam6[rest].tolist())]
        parts_c.append(pa.array([c for c, _ in got], STRING))
        parts_s.append(pa.array([s for _, s in got], STRING))
        where[rest] = size + np.arange(len(rest))
    idx = pa.array(where)
    return (pa.concat_arrays([p.cast(STRING) for p in parts_c]).take(idx),
            pa.concat_arrays([p.cast(STRING) for p in parts_s]).take(idx))


_KINDS = pa.array(["ip", "link", "mac", "interface"], STRING)


def _gateways(ugw: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """``gateway_kind`` and the link#N index of each gateway with numpy and Arrow kernels:
    (kinds, index values, index missing) — the index arrays have one extra missing item."""
    m = len(ugw)
    link = pc.starts_with(ugw, "link#").to_numpy(zero_copy_only=False)
    # the regular expressions run only where the bytes allow a match: five colons in at most 17
    # bytes (mac), no colon, dot or '#', a letter first and a digit last (interface)
    data, offs = string_buffers(ugw)
    size = np.diff(offs)
    colons = _row_totals(data == 58, offs)
    mac = (colons == 5) & (size <= 17)
    first = data[np.minimum(offs[:-1], max(len(data) - 1, 0))] if len(data) else np.zeros(m, np.uint8)
    last = data[np.maximum(offs[1:] - 1, 0)] if len(data) else np.zeros(m, np.uint8)
    ifn = ((colons == 0) & (size > 1) & (first >= 97) & (first <= 122) & (last >= 48) & (last <= 57)
           & (_row_totals((data == 46) | (data == 35), offs) == 0))
    for flag, pattern in ((mac, _MAC_RE.pattern), (ifn, _IFNAME_RE.pattern)):
        if flag.any():
            flag[flag] = pc.match_substring_regex(ugw.filter(pa.array(flag)), pattern).to_numpy(zero_copy_only=False)
    code = np.where(link, 1, np.where(mac, 2, np.where(ifn, 3, 0))).astype(np.int8)
    vals = np.zeros(m + 1, np.int64)
    miss = np.ones(m + 1, bool)
    if link.any():
        sel = pa.array(link)
        num = pc.binary_slice(ugw.filter(sel).view(pa.large_binary()), 5, 1 << 30).view(STRING)
        dec = pc.ascii_is_decimal(num).to_numpy(zero_copy_only=False)
        dec &= pc.binary_length(num).to_numpy(zero_copy_only=False) <= 18
        at = np.flatnonzero(link)
        if dec.any():
            vals[at[dec]] = pc.cast(num.filter(pa.array(dec)), pa.int64()).to_numpy()
            miss[at[dec]] = False
        for i in at[~dec].tolist():  # empty or not digits (missing), or too long for int64 (as before)
            g = ugw[i].as_py()
            if g[5:].isdecimal():
                vals[i], miss[i] = int(g[5:]), False
    return _KINDS.take(pa.array(code)), vals, miss
