"""What every section of the postmortem shares: the :class:`Story` (the bundle, its findings,
graph, timeline and facts, opened once), the display object :class:`Section`, and the quoting of
evidence.

Every section module (:mod:`~nettrace.report.machine`, :mod:`~nettrace.report.symptoms`,
:mod:`~nettrace.report.investigation`, :mod:`~nettrace.report.cause`, :mod:`~nettrace.report.fix`,
:mod:`~nettrace.report.appendix`) reads the same :class:`Story`: the main finding
(:func:`main_finding`) and the facts (:func:`nettrace.facts_of`) are chosen here once, so the
title, the TL;DR, the steps, the root cause and the fix cannot disagree about them.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

import nettrace
from nettrace.bundle import split_prefix
from nettrace.i18n import t
from nettrace.report import doc
from nettrace.report.doc import code, fmt, text

__all__ = ["MIME", "Section", "Story", "open_story", "main_finding", "h", "p", "prose", "na", "s_"]

MIME = "application/vnd.nettrace.doc+json"
MONITOR_FILE = "stream/route_monitor.out"
WIDE = 92  # an excerpt line longer than this is cut around its deciding columns
# columns left out of wide excerpts: (header word where the cut starts, word where it ends)
CUTS = {"ps": ("STARTED", "COMMAND"), "lsof": ("DEVICE", "NAME")}


class Section:
    """Blocks of the document, displayable in a notebook (HTML) and carried as JSON."""

    def __init__(self, blocks: list[dict]):
        self.blocks = [b for b in blocks if b]

    def _repr_mimebundle_(self, include=None, exclude=None):
        plain = "\n".join(doc.plain(b.get("spans", [])) for b in self.blocks if b.get("spans"))
        return {MIME: {"blocks": self.blocks}, "text/html": doc.to_html(self.blocks),
                "text/plain": plain or "(section)"}


def na(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def s_(v) -> str:
    return "" if na(v) else str(v)


def h(level: int, text_: str, id_: str | None = None) -> dict:
    return {"type": "h", "level": level, "spans": [text(text_)], "id": id_ or doc.slug(text_)}


def p(spans: list) -> dict:
    return {"type": "p", "spans": spans}


def prose(sentence: str) -> list:
    """A catalog sentence that marks identifiers with backticks (the findings' texts) as spans:
    ```no `I` flag``` → text, code ``I``, text — never literal backticks on the page."""
    parts = re.split(r"`([^`]+)`", sentence)
    return doc._merge([code(x) if i % 2 else text(x) for i, x in enumerate(parts)])


def main_finding(findings) -> Any:
    """The finding the postmortem is about: the first critical/warning one with a culprit, else
    the first critical/warning one, else None (a healthy capture). Findings come most severe
    first, so the title, TL;DR, steps and fix all follow the same one."""
    problems = [f for f in findings if f.severity in ("critical", "warning")]
    return next((f for f in problems if f.culprit is not None), problems[0] if problems else None)


@dataclass
class Story:
    bundle: Any
    lang: str = "en"
    title: str | None = None
    author: str | None = None
    incident_start: Any = None
    incident_end: Any = None
    redact: bool = False
    findings: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    main: Any = None
    G: Any = None
    chain: Any = None
    facts: Any = None
    timeline: pd.DataFrame | None = None

    # -- words -------------------------------------------------------------------------------
    def t(self, key: str, **kw) -> str:
        return t(f"report.{key}", self.lang, **kw)

    def f(self, key: str, **kw) -> list:
        """Catalog sentence as spans (parameters given as spans stay code)."""
        return fmt(t(f"report.{key}", self.lang), **kw)

    def r(self, v: Any) -> str:
        """Redact host and user names when asked."""
        out = s_(v)
        if self.redact:
            m = self.bundle.manifest
            for value, token in ((m.get("user"), "<user>"), (m.get("host"), "<host>")):
                if value and len(str(value)) > 2:
                    out = out.replace(str(value), token)
        return out

    def c(self, v: Any) -> list:
        return code(self.r(v))

    def rel(self, relation: str) -> str:
        """A graph relation in words (``held_by`` → "held by")."""
        key = f"report.rel.{relation}"
        return t(key, self.lang) if key in _keys(self.lang) else relation

    @property
    def culprit(self) -> str:
        c = self.main.culprit if self.main is not None else None
        return self.r(c.label()) if c is not None else ""

    @property
    def product(self) -> str:
        c = self.main.culprit if self.main is not None else None
        return self.r(c.product or c.name or c.executable or "") if c is not None else ""

    # -- time --------------------------------------------------------------------------------
    @property
    def tz(self) -> str | None:
        return self.bundle.manifest.get("timezone")

    def when(self, ts: Any) -> str:
        """A UTC time as the Mac's local time, e.g. ``2025-12-28 10:15:27 +0800``."""
        from nettrace.i18n import local_time

        return "" if na(ts) or ts == "" else local_time(ts, self.tz)

    # -- the graph ---------------------------------------------------------------------------
    def node(self, node: str) -> dict:
        if node not in self.G:
            return {}
        attrs = dict(self.G.nodes[node])
        return {**(attrs.get("row") or {}), **attrs}

    def chain_nodes(self, kind: str) -> list[str]:
        if self.chain is None:
            return []
        return [n for n in self.chain.nodes if (self.node(n).get("kind") or n.split(":", 1)[0]) == kind]

    def label(self, node: str) -> str:
        return s_(self.node(node).get("label")) or node.split(":", 1)[-1]

    # -- evidence ----------------------------------------------------------------------------
    def command_of(self, file: str) -> dict:
        return next((c for c in self.bundle.manifest.get("commands") or []
                     if file and file in (c.get("output"), c.get("stderr"))), {})

    def command_line(self, file: str, short: bool = False) -> str:
        """The command that wrote *file*, as a shell line; *short*: an argument of over 60
        characters (log show's predicate) as ``'…'``; the bundle's manifest keeps it whole."""
        c = self.command_of(file)
        if not c.get("argv"):
            return ""
        argv = [str(a) for a in c["argv"]]
        line = shlex.join(argv)
        if short and any(len(a) > 60 for a in argv):
            line = " ".join("'…'" if len(a) > 60 else shlex.quote(a) for a in argv)
        return ("sudo " if c.get("as") == "root" else "") + line

    def raw_lines(self, file: str) -> list[str]:
        try:
            return self.bundle.raw(file).split("\n")
        except KeyError:  # a member the bundle does not hold: only the quote is lost
            return []

    def quote(self, file: str, lines: list, header: int | None = None, time: Any = None,
              block: str | None = None) -> dict | None:
        """An evidence block: 1-based *lines* of *file* (gaps shown as ``...``), an optional
        *header* line first, the command that wrote the file and the time in the capture's
        offset. ``block="ifconfig"`` extends the first line to its stanza, ``"monitor"`` to its
        ``got message`` … message. Log lines (NDJSON) are shown as time, process, message; wide
        ``ps``/``lsof`` lines lose the columns that decide nothing, the cut marked ``…``."""
        raw = self.raw_lines(file)
        lines = sorted({int(n) for n in lines if not na(n) and 1 <= int(n) <= len(raw)})
        if not lines:
            return None
        if block == "ifconfig":
            last = lines[0]
            while last < len(raw) and raw[last][:1] in (" ", "\t") and raw[last].strip():
                last += 1
            lines = list(range(lines[0], last + 1))
        elif block == "monitor":
            lines = _monitor_message(raw, lines[0])
        out, prev, stamp = [], None, None
        if header and header not in lines and 1 <= header <= len(raw):
            out.append(split_prefix(raw[header - 1])[1])
            prev = header if header == lines[0] - 1 else -10
        for n in lines:
            ts, body = split_prefix(raw[n - 1])
            stamp = stamp or ts
            if prev is not None and n != prev + 1:
                out.append("...")
            out.append(self._log_line(body) if file.endswith(".ndjson") else body)
            prev = n
        cmd = self.command_of(file).get("name", "")
        out, cut = _cut(out, CUTS.get(cmd)) if header else (out, "")
        if not na(time) and time != "":
            when = self.when(time)
        else:
            when = self.when(stamp) if stamp else self.when(self.command_of(file).get("started_at"))
        return {"type": "evidence", "command": self.r(self.command_line(file, short=True)), "file": file,
                "line": lines[0], "time": when, "text": self.r("\n".join(out)),
                "note": self.t("evidence.cut", columns=cut) if cut else "", "wrap": file.endswith(".ndjson")}

    def _log_line(self, body: str) -> str:
        """One ``log show --style ndjson`` record as ``time  process[pid]  message``."""
        from nettrace.parsers.log_show import brief

        return brief(body, self.when)

    def fig(self, name: str, figure, alt: str, caption: list) -> dict:
        from nettrace.report.figures import missing_font, png_base64

        if missing_font(self.lang):  # the labels fell back to English: say so under the figure
            caption = doc._merge(list(caption) + [text(self.t("figure.font_missing"))])
        return {"type": "figure", "name": name, "png": png_base64(figure), "alt": self.r(alt),
                "caption": caption, "font": getattr(figure, "font", None)}


def _monitor_message(raw: list[str], first: int) -> list[int]:
    """The lines of the ``route monitor`` message around line *first*: ``got message`` … blank."""
    body = (lambda n: split_prefix(raw[n - 1])[1])
    start = first
    while start > 1 and start > first - 3 and "got message" not in body(start):
        start -= 1
    if "got message" not in body(start):
        start = first
    end = first
    while end < len(raw) and end < first + 5 and body(end + 1).strip() and "got message" not in body(end + 1):
        end += 1
    return list(range(start, end + 1))


def _cut(lines: list[str], cols: tuple[str, str] | None) -> tuple[list[str], str]:
    """Drop the header's columns *cols* ``(from, up to)`` from every line when a line is wider
    than :data:`WIDE`; the cut is marked ``…``. Returns the lines and the columns left out."""
    if cols is None or not lines or max(map(len, lines)) <= WIDE:
        return lines, ""
    head = lines[0]
    if cols[0] not in head or cols[1] not in head:
        return lines, ""
    words = head.split()
    left = " ".join(words[words.index(cols[0]):words.index(cols[1])])
    if cols[0] == "DEVICE":  # lsof pads each row its own way: cut by fields, NAME after the last wide gap
        cut = (lambda ln: " ".join(ln.split()[:5]) + " … " + re.split(r"\s{2,}", ln.strip())[-1])
    else:                    # ps pads every row to the header's columns
        a, b = head.index(cols[0]), head.index(cols[1])
        cut = (lambda ln: ln[:a].rstrip() + " … " + ln[b:])
    out = [head.split()[0] + " " + " ".join(words[1:words.index(cols[0])]) + " … " + cols[1]
           if cols[0] == "DEVICE" else cut(head)]
    out += [ln if ln == "..." else cut(ln) for ln in lines[1:]]
    return [ln if len(ln) <= WIDE * 2 else ln[:WIDE * 2 - 1] + "…" for ln in out], left


def _keys(lang: str) -> frozenset:
    from nettrace.i18n import messages

    return frozenset(messages(lang))


def _chain(G, nodes: list[str]):
    """The main finding's chain with each link's relation, as the figure draws it."""
    from types import SimpleNamespace

    edges = []
    for u, v in zip(nodes, nodes[1:]):
        data = G.get_edge_data(u, v) or G.get_edge_data(v, u) if u in G and v in G else None
        edges.append((u, v, next(iter(data.values())).get("relation", "") if data else ""))
    return SimpleNamespace(nodes=list(nodes), edges=edges)


def window(df: pd.DataFrame, start, end) -> pd.DataFrame:
    """Rows of *df* whose ``time`` lies in the incident window (UTC; open ends allowed)."""
    keep = pd.Series(True, index=df.index)
    times = pd.to_datetime(df["time"], utc=True)
    for bound, op in ((start, times.__ge__), (end, times.__le__)):
        if bound not in (None, ""):
            stamp = pd.Timestamp(bound)
            keep &= op(stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp)
    return df[keep]


def open_story(bundle, lang: str = "en", title: str | None = None, author: str | None = None,
               incident_start=None, incident_end=None, redact: bool = False) -> Story:
    """Load what the story needs from *bundle* (a path or a loaded bundle) once."""
    from nettrace.i18n import LANGS

    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    if isinstance(bundle, (str, bytes)) or hasattr(bundle, "__fspath__"):
        from nettrace.report.explore import load

        bundle = load(bundle)
    s = Story(bundle=bundle, lang=lang, title=title or None, author=author or None,
              incident_start=incident_start or None, incident_end=incident_end or None, redact=bool(redact))
    s.findings = list(nettrace.findings_of(bundle))
    s.problems = [f for f in s.findings if f.severity in ("critical", "warning")]
    s.main = main_finding(s.findings)
    s.G = nettrace.graph_of(bundle)
    s.facts = nettrace.facts_of(bundle)
    if s.main is not None and s.main.chain:
        s.chain = _chain(s.G, s.main.chain)
    s.timeline = window(nettrace.timeline_of(bundle), s.incident_start, s.incident_end)
    return s
