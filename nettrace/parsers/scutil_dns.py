"""``scutil --dns``: the resolver configuration macOS actually uses → frame ``dns_resolvers``.

The output is a header per part, then numbered resolver blocks of ``key : value`` lines::

    DNS configuration

    resolver #1
      nameserver[0] : 75.75.75.75
      if_index : 15 (en0)
      flags    : Request A records
      reach    : 0x00000002 (Reachable)

    DNS configuration (for scoped queries)

    resolver #1
      nameserver[0] : 192.168.1.1
      if_index : 4 (en0)
      flags    : Scoped, Request A records

One row per ``resolver #N`` block. ``section`` comes from the header above it: ``DNS configuration``
→ ``general``, ``… (for scoped queries)`` → ``scoped``, any other ``DNS configuration (…)`` header
→ ``other``; NA in a fragment that starts without a header. Odd cases handled:

- three ``reach`` formats: ``reach    : 0x00000002 (Reachable)`` (configd 963 and later,
  dnsinfo_logging.h: hex, then the flag names of ``__SCNetworkReachability_flags_string``);
  the flag names alone (``reach    : Reachable,Directly Reachable Address``: configd 453's
  scutil ``showResolver``, and a 2017 Sierra output); and on some releases around High Sierra
  (Tunnelblick PR #452, 2018) a bare, unindented ``Reachable`` / ``Not Reachable`` line in the
  block, without the ``reach :`` key. ``reachable`` is True when the reach text names
  ``Reachable`` (``Not Reachable`` is False) or, without text, when bit 0x2 of the hex is set;
- link-local IPv6 nameservers keep their scope (``fe80::8e3b:adff:fead:7bf6%en0``);
- redacted values (``REDACTED-TAILNET-NAME.ts.net``) are kept as text;
- keys this frame has no column for (``sortaddr[0]``, ``service_identifier``…) go to ``extra``.

Key lines outside a resolver block and lines that are not ``key : value`` are skipped with a
warning; a number that does not parse becomes NA with a warning.

>>> df = parse("resolver #2\\n  domain   : local\\n  options  : mdns\\n  timeout  : 5\\n"
...            "  reach    : 0x00000000 (Not Reachable)\\n  order    : 300000\\n")
>>> print(df[["resolver", "domain", "options", "timeout", "reachable", "order"]].to_string(index=False))
 resolver domain options  timeout  reachable  order
        2  local    mdns        5      False 300000
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "dns_resolvers": Schema("dns_resolvers", [
        Column("section", "string", "`general` (DNS configuration), `scoped` (… for scoped queries), "
                                    "`other` (any other header); NA in a fragment without a header"),
        Column("resolver", "Int64", "N of `resolver #N` (numbering restarts in each section)"),
        Column("domain", "string", "`domain` (supplemental match domain); NA for the default resolver"),
        Column("search", "object", "list of `search domain[n]` values, in order"),
        Column("nameservers", "object", "list of `nameserver[n]` values in order, IPv6 scope kept (`fe80::1%en0`)"),
        Column("if_index", "Int64", "interface index of `if_index : 15 (en0)`"),
        Column("interface", "string", "interface name of `if_index : 15 (en0)`"),
        Column("flags", "string", "`flags` as written, e.g. `Scoped, Request A records`"),
        Column("reach", "string", "`reach` as written, e.g. `0x00000002 (Reachable)`"),
        Column("reachable", "boolean", "reach says Reachable (not `Not Reachable`); NA without a reach line"),
        Column("order", "Int64", "`order` (lower is tried first among supplemental resolvers)"),
        Column("options", "string", "`options`, e.g. `mdns`, `pdns`"),
        Column("timeout", "Int64", "`timeout` in seconds"),
        Column("port", "Int64", "`port` when not 53"),
        Column("extra", "object", "dict of the block's other keys (e.g. `sortaddr[0]`) to their values"),
        Column("line", "Int64", "1-based line number of `resolver #N`"),
    ], doc="DNS resolvers from `scutil --dns`: one row per resolver block."),
}

JC_NOTES: list[str] = []

_RESOLVER = re.compile(r"^resolver\s*#(\d+)\s*$")
_KEY = re.compile(r"^\s+([A-Za-z_][A-Za-z_ ]*?(?:\[\d+\])?)\s*:\s?(.*)$")
_IF_INDEX = re.compile(r"^(\d+)(?:\s*\(([^)]*)\))?")
_INDEXED = re.compile(r"^(search domain|nameserver)\[\d+\]$")
_SCALAR = {"domain", "flags", "reach", "options"}
_INTEGER = {"order", "timeout", "port"}
_SECTIONS = {"DNS configuration": "general", "DNS configuration (for scoped queries)": "scoped"}  # else other
# the names __SCNetworkReachability_flags_string prints (SCNetworkReachabilityLogging.h)
_REACH_FLAG = (r"(?:Not Reachable|Reachable|Transient Connection|Connection Required|Automatic Connection On "
               r"(?:Traffic|Demand)|Intervention Required|Local Address|Directly Reachable Address|WWAN|0x[0-9a-fA-F]+)")
_BARE_REACH = re.compile(rf"^{_REACH_FLAG}(?:,{_REACH_FLAG})*$")


def _reachable(reach: str) -> bool | None:
    """``0x00000002 (Reachable)`` → True; ``… (Not Reachable)`` → False; ``0x2`` alone → bit 0x2."""
    hexval, inner, rest = re.match(r"^\s*(0x[0-9a-fA-F]+)?\s*(?:\((.*)\))?\s*(.*)$", reach).groups()
    tokens = [t.strip() for t in (rest if inner is None else inner).split(",") if t.strip()]
    if tokens:
        return "Reachable" in tokens
    return bool(int(hexval, 16) & 0x2) if hexval else None


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``scutil --dns`` output into the ``dns_resolvers`` frame (see ``SCHEMAS``)."""
    schema = SCHEMAS["dns_resolvers"]
    rows: list[dict] = []
    section: str | None = None
    current: dict | None = None
    for n, raw in enumerate(text.split("\n"), 1):
        line, stripped = raw.rstrip(), raw.strip()
        if not stripped:
            continue
        m = _RESOLVER.match(stripped)
        if m:
            current = {"section": section, "resolver": int(m.group(1)), "search": [],
                       "nameservers": [], "extra": {}, "line": n}
            rows.append(current)
            continue
        if current is not None and _BARE_REACH.match(stripped):  # High Sierra: the reach flags alone
            current["reach"] = stripped
            continue
        if not line[0].isspace():
            if stripped.startswith("DNS configuration"):
                section = _SECTIONS.get(" ".join(stripped.split()), "other")
                current = None
            else:
                warn(warnings, n, f"scutil_dns: unknown header: {stripped[:80]!r}")
            continue
        km = _KEY.match(line)
        if not km:
            warn(warnings, n, f"scutil_dns: not a `key : value` line: {stripped[:80]!r}")
            continue
        if current is None:
            warn(warnings, n, f"scutil_dns: key outside a resolver block: {stripped[:80]!r}")
            continue
        key, value = km.group(1).strip(), km.group(2).strip()
        if _INDEXED.match(key):
            current["search" if key.startswith("search") else "nameservers"].append(value)
        elif key == "if_index":
            im = _IF_INDEX.match(value)
            if im:
                current["if_index"] = int(im.group(1))
                current["interface"] = im.group(2) or None
            else:
                warn(warnings, n, f"scutil_dns: unreadable if_index {value!r}")
        elif key in _SCALAR:
            current[key] = value
        elif key in _INTEGER:
            if value.isdecimal():
                current[key] = int(value)
            else:
                warn(warnings, n, f"scutil_dns: {key} is not a number: {value!r}")
        else:
            current["extra"][key] = value
    for row in rows:
        row["reachable"] = _reachable(row["reach"]) if "reach" in row else None
    cols = {name: [row.get(name) for row in rows] for name in schema.names}
    return schema.frame(cols, length=len(rows), warnings=warnings)
