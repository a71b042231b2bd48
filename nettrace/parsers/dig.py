"""``dig +time=2 +tries=1 NAME`` → frames ``probes`` (one row per query) and ``dns_answers``.

A response block starts at ``;; Got answer:``; its header line gives the status, the
question section the name, then answer/authority/additional records, query time and server::

    ;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 41369
    ;; QUESTION SECTION:
    ;www.google.com.			IN	AAAA
    ;; ANSWER SECTION:
    www.google.com.		197	IN	AAAA	2607:f8b0:4000:817::2004
    ;; Query time: 30 msec
    ;; SERVER: 2600:1700:bab0:d40::1#53(2600:1700:bab0:d40::1)

Odd cases: a query that got no answer prints only ``;; connection timed out; no servers could
be reached`` (one row with ``error``, the name taken from the ``; <<>> DiG ... <<>> ARGS`` line);
``dig NAME1 NAME2`` gives one row per ``Got answer``; ``+noall +answer`` and AXFR output carry
records without section headers (they count as ``answer``, one row for the whole text, status NA).
Unknown lines are skipped with a warning.

>>> out = parse(";; connection timed out; no servers could be reached")
>>> out["probes"][["tool", "ok", "error"]].to_dict("records")
[{'tool': 'dig', 'ok': False, 'error': ';; connection timed out; no servers could be reached'}]
"""
from __future__ import annotations

import re

import pandas as pd

from ._probes import PROBES
from ._schema import Column, Schema, text_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "probes": PROBES,
    "dns_answers": Schema("dns_answers", [
        Column("name", "string", "owner name as printed (with trailing dot)"),
        Column("ttl", "Int64", "time to live, seconds"),
        Column("class", "string", "record class (IN)"),
        Column("type", "string", "record type (A, AAAA, CNAME, ...)"),
        Column("data", "string", "record data as printed"),
        Column("section", "string", "answer, authority or additional"),
        Column("probe_line", "Int64", "`line` of the query (probes frame) the record belongs to"),
        Column("line", "Int64", "1-based line number of the record"),
    ], doc="DNS records from dig output, one row per record."),
}

JC_NOTES = [
    "jc keeps `server` as printed (`2600:1700:bab0:d40::1#53(2600:1700:bab0:d40::1)`); we keep "
    "the address only (jc-osx-10.14.6-dig and the other corpus files).",
    "jc keeps the question name with its trailing dot; our probe `destination` drops it so it "
    "matches the probe target. Records keep it, and agree with jc's answer/axfr records on "
    "name, ttl, class, type and data for every corpus file.",
]

_RECORD = re.compile(r"^(\S+)\s+(\d+)\s+(IN|CH|HS|CLASS\d+)\s+(\S+)\s*(.*)$")
_HEADER = re.compile(r"status: (\w+)")
_QUESTION = re.compile(r"^;(\S+)\s+(?:IN|CH|HS|CLASS\d+)\s+(\S+)")
_SECTION = {";; ANSWER SECTION:": "answer", ";; AUTHORITY SECTION:": "authority",
            ";; ADDITIONAL SECTION:": "additional"}
_ERRORS = (";; connection timed out", ";; no servers could be reached", ";; communications error",
           ";; connection refused", ";; ERROR", ";; network unreachable")


def _args_name(line: str) -> str | None:
    """The first query name among dig's arguments on a ``; <<>> DiG v <<>> ARGS`` line."""
    args = line.split("<<>>", 2)[-1].split()
    return next((a for a in args if not a.startswith(("+", "-", "@")) and a.upper() not in _TYPES), None)


_TYPES = {"A", "AAAA", "ANY", "AXFR", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT", "IN", "HTTPS"}


def parse(text: str, warnings: list | None = None) -> dict[str, pd.DataFrame]:
    """Parse dig output into ``{"probes", "dns_answers"}`` (see ``SCHEMAS``)."""
    queries: list[dict] = []
    recs: dict[str, list] = {c.name: [] for c in SCHEMAS["dns_answers"].columns}
    q: dict | None = None
    args_name = None
    section = "answer"

    def new_query(n: int) -> dict:
        d = {"tool": "dig", "line": n, "answers": 0, "destination": args_name.rstrip(".") if args_name else None}
        queries.append(d)
        return d

    for n, line in text_lines(text):
        if line.startswith(";"):
            if line.startswith("; <<>> DiG"):
                args_name, q = _args_name(line), None
            elif line == ";; Got answer:":
                q, section = new_query(n), "answer"
            elif line in _SECTION:
                section = _SECTION[line]
            elif line.startswith(";; ->>HEADER<<-"):
                s = _HEADER.search(line)
                q = q or new_query(n)
                q["status"] = s[1] if s else None
            elif line.startswith(";; Query time:"):
                q = q or new_query(n)
                digits = line.split(":", 1)[1].split()
                q["query_time_ms"] = int(digits[0]) if digits and digits[0].isdecimal() else None
            elif line.startswith(";; SERVER:"):
                q = q or new_query(n)
                q["server"] = line.split(":", 1)[1].strip().split("#")[0]
            elif line.startswith(_ERRORS):
                if q is None or "status" in q or "server" in q:
                    q = new_query(n)
                q.setdefault("error", line)
            elif q is not None and section == "answer" and "qtype" not in q and (m := _QUESTION.match(line)):
                q["destination"], q["qtype"] = m[1].rstrip(".") or m[1], m[2]
            continue
        if line.startswith("dig:"):
            q = new_query(n) if q is None or "server" in q else q
            q.setdefault("error", line)
            continue
        r = _RECORD.match(line)
        if not r:
            warn(warnings, n, f"dig: unknown line: {line[:80]!r}")
            continue
        if q is None:
            q = new_query(n)
        if section == "answer":
            q["answers"] += 1
        for key, val in zip(("name", "ttl", "class", "type", "data"), r.groups()):
            recs[key].append(int(val) if key == "ttl" else val)
        recs["section"].append(section)
        recs["probe_line"].append(q["line"])
        recs["line"].append(n)
    cols = {k: [d.get(k) for d in queries] for k in PROBES.names}
    cols["ok"] = [d.get("status", "NOERROR") == "NOERROR" and d["answers"] > 0 and "error" not in d
                  for d in queries]
    return {"probes": SCHEMAS["probes"].frame(cols, warnings=warnings),
            "dns_answers": SCHEMAS["dns_answers"].frame(recs, warnings=warnings)}
