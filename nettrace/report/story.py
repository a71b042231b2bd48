"""The postmortem as a story: one function per section, each returning a display object.

The notebook ``notebooks/postmortem.ipynb`` calls these, one per cell::

    s = story.open_story(bundle, lang="zh")
    story.headline(s)          # title and TL;DR
    story.machine(s)           # macOS version, hardware ports, services
    ...

Each function returns a :class:`Section`: a list of document blocks (:mod:`nettrace.report.doc`)
shown as HTML in JupyterLab and carried as JSON (``application/vnd.nettrace.doc+json``) in the
executed notebook, from which :mod:`nettrace.report.render` writes the HTML page and the Markdown
post. No parsing or rule logic lives here: the facts come from ``bundle.frames``, findings, the
graph and the timeline; every sentence comes from the message catalog (``report.*`` keys).
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pandas as pd

from nettrace.bundle import split_prefix
from nettrace.i18n import t
from nettrace.report import doc
from nettrace.report.doc import code, fmt, text

__all__ = ["MIME", "Section", "Story", "open_story", "headline", "machine", "symptoms",
           "routing_table", "route_events", "interface_owner", "process_product", "root_cause",
           "fix", "prevention", "questions", "appendix", "SYSTEM_WRITERS"]

MIME = "application/vnd.nettrace.doc+json"

# processes that write routes on behalf of others (route monitor names them, not the culprit)
SYSTEM_WRITERS = frozenset({"configd", "ipconfigd", "nehelper", "nesessionmanager", "neagent",
                            "mDNSResponder", "networkd", "kernel_task", "launchd"})


class Section:
    """Blocks of the document, displayable in a notebook."""

    def __init__(self, blocks: list[dict]):
        self.blocks = [b for b in blocks if b]

    def _repr_mimebundle_(self, include=None, exclude=None):
        plain = "\n".join(doc.plain(b.get("spans", [])) for b in self.blocks if b.get("spans"))
        return {MIME: {"blocks": self.blocks}, "text/html": doc.to_html(self.blocks),
                "text/plain": plain or "(section)"}

    def html(self) -> str:
        return doc.to_html(self.blocks)

    def markdown(self) -> str:
        return doc.to_markdown(self.blocks)


# ---------------------------------------------------------------------------------- the context

def _empty() -> pd.DataFrame:
    return pd.DataFrame()


def _na(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _s(v) -> str:
    return "" if _na(v) else str(v)


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
    timeline: pd.DataFrame = field(default_factory=_empty)

    # -- small helpers ------------------------------------------------------------------------
    def t(self, key: str, **kw) -> str:
        return t(f"report.{key}", self.lang, **kw)

    def f(self, key: str, **kw) -> list:
        """Catalog sentence as spans (parameters given as spans stay code)."""
        return fmt(t(f"report.{key}", self.lang), **kw)

    def r(self, s: Any) -> str:
        """Redact host and user names when asked."""
        s = _s(s)
        if self.redact:
            m = self.bundle.manifest
            for value, token in ((m.get("user"), "<user>"), (m.get("host"), "<host>")):
                if value and len(str(value)) > 2:
                    s = s.replace(str(value), token)
        return s

    def rel(self, relation: str) -> str:
        """A graph relation in words (``holds`` → "held by")."""
        try:
            return t(f"report.rel.{relation}", self.lang)
        except KeyError:
            return relation

    def c(self, s: Any) -> list:
        return code(self.r(s))

    def frame(self, name: str) -> pd.DataFrame:
        df = self.bundle.frames.get(name)
        return df if isinstance(df, pd.DataFrame) else _empty()

    @property
    def tz(self) -> str | None:
        return self.bundle.manifest.get("timezone")

    def when(self, ts: Any) -> str:
        """A UTC time as the Mac's local time, e.g. ``2025-12-28 10:15:27 +0800``."""
        if _na(ts) or ts == "":
            return ""
        from nettrace.report.figures import parse_offset

        stamp = pd.Timestamp(ts)
        if stamp.tzinfo is None:
            stamp = stamp.tz_localize("UTC")
        local = stamp.tz_convert(parse_offset(self.tz))
        return local.strftime("%Y-%m-%d %H:%M:%S ") + (self.tz or "UTC")

    def command_of(self, file: str) -> dict:
        for c in self.bundle.manifest.get("commands", []) or []:
            if file and file in (c.get("output"), c.get("stderr")):
                return c
        return {}

    def command_line(self, file: str) -> str:
        c = self.command_of(file)
        argv = c.get("argv") or []
        if not argv:
            return ""
        line = shlex.join(str(a) for a in argv)
        return ("sudo " if c.get("as") == "root" else "") + line

    def raw_lines(self, file: str) -> list[str]:
        try:
            return self.bundle.raw(file).split("\n")
        except Exception:  # noqa: BLE001 - a missing member only loses the quote
            return []

    def quote(self, file: str, lines: list[int], header: int | None = None, time: Any = None,
              block: str | None = None) -> dict | None:
        """An evidence block: the given 1-based *lines* of *file* (gaps shown as ``...``), an
        optional *header* line first, the command that wrote the file and a timestamp.
        ``block="ifconfig"`` extends the first line to its whole indented stanza;
        ``block="monitor"`` to its ``got message`` … message."""
        raw = self.raw_lines(file)
        lines = sorted({int(n) for n in lines if not _na(n) and 1 <= int(n) <= len(raw)})
        if not lines:
            return None
        if block == "ifconfig":
            first = lines[0]
            last = first
            while last < len(raw) and raw[last][:1] in (" ", "\t") and raw[last].strip():
                last += 1
            lines = list(range(first, last + 1))
        elif block == "monitor":
            first = lines[0]
            start = first
            while start > 1 and start > first - 3 and "got message" not in split_prefix(raw[start - 1])[1]:
                start -= 1
            if "got message" not in split_prefix(raw[start - 1])[1]:
                start = first
            end = first
            while (end < len(raw) and end < first + 5 and split_prefix(raw[end])[1].strip()
                   and "got message" not in split_prefix(raw[end])[1]):
                end += 1
            lines = list(range(start, end + 1))
        out, prev, stamp = [], None, None
        if header and header not in lines and 1 <= header <= len(raw):
            out.append(split_prefix(raw[header - 1])[1])
            prev = header if header == lines[0] - 1 else -10
        for n in lines:
            ts, body = split_prefix(raw[n - 1])
            stamp = stamp or ts
            if prev is not None and n != prev + 1:
                out.append("...")
            out.append(body)
            prev = n
        when = self.when(time) if not _na(time) and time not in ("", None) else (
            self.when(stamp) if stamp else self.when(self.command_of(file).get("started_at")))
        return {"type": "evidence", "command": self.r(self.command_line(file)), "file": file,
                "line": lines[0], "time": when, "text": self.r("\n".join(out))}

    def node(self, node: str) -> dict:
        if self.G is None or node not in self.G:
            return {}
        attrs = dict(self.G.nodes[node])
        row = attrs.get("row")
        if isinstance(row, dict):
            attrs = {**row, **attrs}
        elif isinstance(row, pd.Series):
            attrs = {**row.to_dict(), **attrs}
        return attrs

    def chain_nodes(self, kind: str) -> list[str]:
        if self.chain is None:
            return []
        return [n for n in self.chain.nodes if (self.node(n).get("kind") or n.split(":", 1)[0]) == kind]

    def label(self, node: str) -> str:
        return _s(self.node(node).get("label")) or node.split(":", 1)[-1]

    def fig(self, name: str, figure, alt: str, caption: list) -> dict:
        from nettrace.report.figures import png_base64

        from nettrace.report.figures import missing_font

        if missing_font(self.lang):  # the labels fell back to English: say so under the figure
            caption = doc._merge(list(caption) + [text(self.t("figure.font_missing"))])
        return {"type": "figure", "name": name, "png": png_base64(figure), "alt": self.r(alt),
                "caption": caption, "font": getattr(figure, "font", None)}


def _chain_from(G, nodes: list[str]):
    edges = []
    for u, v in zip(nodes, nodes[1:]):
        rel = ""
        for a, b in ((u, v), (v, u)):
            data = G.get_edge_data(a, b) if G is not None and G.has_node(a) and G.has_node(b) else None
            if data:
                rel = next(iter(data.values())).get("relation", "")
                break
        edges.append((u, v, rel))
    return SimpleNamespace(nodes=list(nodes), edges=edges)


def _window(df: pd.DataFrame, start, end) -> pd.DataFrame:
    if df.empty or "time" not in df:
        return df
    times = pd.to_datetime(df["time"], utc=True)
    keep = pd.Series(True, index=df.index)
    if start not in (None, ""):
        keep &= times >= pd.Timestamp(start, tz="UTC") if pd.Timestamp(start).tzinfo is None else times >= pd.Timestamp(start)
    if end not in (None, ""):
        keep &= times <= pd.Timestamp(end, tz="UTC") if pd.Timestamp(end).tzinfo is None else times <= pd.Timestamp(end)
    return df[keep]


def main_finding(findings) -> Any:
    """The finding the postmortem is about: the first critical/warning one with a culprit, else
    the first critical/warning one, else None (a healthy capture). Findings come most severe
    first, so the title, TL;DR, steps and fix all follow the same one."""
    problems = [f for f in findings if f.severity in ("critical", "warning")]
    return next((f for f in problems if f.culprit is not None), problems[0] if problems else None)


def open_story(bundle, lang: str = "en", title: str | None = None, author: str | None = None,
               incident_start=None, incident_end=None, redact: bool = False) -> Story:
    """Load what the story needs from *bundle* (a path or a loaded bundle) once."""
    from nettrace.i18n import LANGS

    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    import nettrace

    if isinstance(bundle, (str, bytes)) or hasattr(bundle, "__fspath__"):
        from nettrace.report.explore import load

        bundle = load(bundle)
    s = Story(bundle=bundle, lang=lang, title=title or None, author=author or None,
              incident_start=incident_start or None, incident_end=incident_end or None,
              redact=bool(redact))
    s.findings = list(nettrace.findings_of(bundle))
    s.problems = [f for f in s.findings if f.severity in ("critical", "warning")]
    s.main = main_finding(s.findings)
    try:
        s.G = nettrace.graph_of(bundle)
    except Exception:  # noqa: BLE001 - the story still tells what the frames show
        s.G = None
    if s.main is not None and s.main.chain:
        s.chain = _chain_from(s.G, s.main.chain)
    try:
        s.timeline = _window(nettrace.timeline_of(bundle), s.incident_start, s.incident_end)
    except Exception:  # noqa: BLE001
        s.timeline = _empty()
    return s


# ---------------------------------------------------------------------------------- sections

def _h(level: int, text_: str, id_: str | None = None) -> dict:
    return {"type": "h", "level": level, "spans": [text(text_)], "id": id_ or doc.slug(text_)}


def _p(spans: list) -> dict:
    return {"type": "p", "spans": spans}


def _culprit_label(s: Story) -> str:
    c = s.main.culprit if s.main is not None else None
    return s.r(c.label()) if c is not None else ""


def _product(s: Story) -> str:
    c = s.main.culprit if s.main is not None else None
    if c is None:
        return ""
    return s.r(c.product or c.name or c.executable or "")


def default_title(s: Story) -> str:
    if s.main is not None and _product(s):
        return s.t("title.culprit", product=_product(s))
    if s.main is not None:
        return s.t("title.problem", finding=s.main.title(s.lang))
    return s.t("title.healthy", host=s.r(s.bundle.manifest.get("host", s.bundle.name)))


def _is_command(r) -> bool:
    """A remedy whose "command" is advice in words (a product's removal hint) is not a command."""
    cmd = (r.command or "").strip()
    return bool(cmd) and cmd not in {str(v).strip() for v in (r.params or {}).values()}


def _first_remedy(s: Story):
    """The remedy the TL;DR names: the first that changes the system, else the first."""
    if s.main is None:
        return None
    fixes = [r for r in s.main.remedy if r.changes_system] or list(s.main.remedy)
    return fixes[0] if fixes else None


def tldr(s: Story) -> list:
    """Two sentences: what is wrong and who did it; the first thing to run."""
    if s.main is None:
        return s.f("tldr.healthy", host=s.c(s.bundle.manifest.get("host", "")))
    if s.main.culprit is not None:
        spans = s.f("tldr.cause", finding=s.main.title(s.lang), culprit=s.c(_culprit_label(s)))
    else:
        spans = s.f("tldr.cause_unknown", finding=s.main.title(s.lang))
    r = _first_remedy(s)
    gap = [text("" if s.lang == "zh" else " ")]
    if r is not None:
        if _is_command(r):
            spans += gap + s.f("tldr.fix", command=s.c(r.command))
        else:
            advice = r.command or r.rendered_params(s.lang).get("advice") or r.text(s.lang)
            spans += gap + s.f("tldr.fix_advice", advice=s.r(str(advice).rstrip(".。")))
    return doc._merge(spans)


def headline(s: Story) -> Section:
    """Title, the TL;DR (culprit and fix in two sentences) and the front matter."""
    title = s.title or default_title(s)
    m = s.bundle.manifest
    tags = ["macOS"] + ([_product(s)] if _product(s) else []) + (
        [s.main.id] if s.main is not None else [])
    front = {"title": title, "description": doc.plain(tldr(s)), "author": s.author or "",
             "date": s.when(m.get("ended_at") or m.get("started_at")),
             "categories": ["macOS", s.t("category")], "tags": tags, "lang": s.lang}
    return Section([{"type": "meta", "front_matter": front}, _h(1, title, "top"),
                    {"type": "quote", "spans": [strong_(s.t("tldr.label"))] + [text(" ")] + tldr(s)}])


def strong_(x: str) -> list:
    return ["strong", x]


def machine(s: Story) -> Section:
    """The machine: macOS version, capture window, hardware ports and service order."""
    m = s.bundle.manifest
    mac = m.get("macos") or {}
    blocks = [_h(2, s.t("machine.h"))]
    blocks.append(_p(s.f("machine.p", host=s.c(m.get("host", "")),
                         version=s.c(f"{mac.get('product_name', 'macOS')} {mac.get('product_version', '?')}"),
                         build=s.c(mac.get("build_version", "?")),
                         start=s.c(s.when(m.get("started_at"))), end=s.c(s.when(m.get("ended_at"))),
                         user=s.c(m.get("user", "?")),
                         root=s.t("yes") if m.get("root") else s.t("no"))))
    ports = s.frame("hardware_ports")
    if not ports.empty:
        ports = _snap(ports)
        blocks.append(_p(s.f("machine.ports", n=len(ports))))
        blocks.append({"type": "table", "header": [[text(s.t("col.port"))], [text(s.t("col.device"))],
                                                   [text(s.t("col.ether"))]],
                       "rows": [[[s.c(r.get("port"))], [s.c(r.get("device"))], [s.c(r.get("ether"))]]
                                for r in ports.to_dict("records")]})
    order = s.frame("network_order")
    if not order.empty:
        order = _snap(order)
        if "source" in order and (order["source"] == "networksetup").any():
            order = order[order["source"] == "networksetup"]
        blocks.append(_p(s.f("machine.services")))
        blocks.append({"type": "table",
                       "header": [[text(s.t("col.rank"))], [text(s.t("col.service"))],
                                  [text(s.t("col.device"))], [text(s.t("col.enabled"))]],
                       "rows": [[[text(_s(int(r["rank"]) + 1 if not _na(r.get("rank")) else ""))],
                                 [s.c(r.get("service"))], [s.c(r.get("interface"))],
                                 [text(s.t("no") if r.get("enabled") is False else s.t("yes"))]]
                                for r in order.to_dict("records")]})
    return Section(blocks)


def _snap(df: pd.DataFrame, which: str = "end") -> pd.DataFrame:
    """Rows of one snapshot (``end`` by default, else the last there is)."""
    if "snapshot" not in df or df.empty:
        return df
    snaps = list(dict.fromkeys(df["snapshot"].astype(str)))
    pick = which if which in snaps else ("start" if "start" in snaps else snaps[-1])
    return df[df["snapshot"].astype(str) == pick]


def _pings(s: Story) -> pd.DataFrame:
    """Every ping of the ping loops as timeline-like rows (the timeline keeps only changes)."""
    from nettrace.report.figures import ping_rows

    return _window(ping_rows(s.frame("pings")), s.incident_start, s.incident_end)


def _ping_stats(s: Story) -> pd.DataFrame:
    p = _pings(s)
    if p.empty:
        return pd.DataFrame(columns=["target", "replies", "failures", "first_failure"])
    rows = []
    for target, g in p.groupby(p["target"].astype(str), sort=False):
        ok = g["outcome"].astype(str) == "reply"
        bad = g[~ok]
        rows.append({"target": target, "replies": int(ok.sum()), "failures": int((~ok).sum()),
                     "first_failure": bad["time"].min() if len(bad) else None,
                     "first_kind": _s(bad["outcome"].iloc[0]) if len(bad) else ""})
    return pd.DataFrame(rows)


def symptoms(s: Story) -> Section:
    """Symptoms: what the ping loops saw, on one time axis with the route events."""
    from nettrace.report.figures import connectivity_figure

    blocks = [_h(2, s.t("symptoms.h"))]
    stats = _ping_stats(s)
    if stats.empty:
        blocks.append(_p(s.f("symptoms.none")))
        return Section(blocks)
    items = []
    for r in stats.to_dict("records"):
        if r["failures"]:
            items.append(s.f("symptoms.target_bad", target=s.c(r["target"]), ok=r["replies"],
                             bad=r["failures"], first=s.c(s.when(r["first_failure"])),
                             kind=s.c(r["first_kind"])))
        else:
            items.append(s.f("symptoms.target_ok", target=s.c(r["target"]), ok=r["replies"]))
    bad = int((stats["failures"] > 0).sum())
    blocks.append(_p(s.f("symptoms.p_bad" if bad else "symptoms.p_ok", n=len(stats), bad=bad)))
    blocks.append({"type": "list", "items": items})
    ev = _route_events(s)
    fig = connectivity_figure(pd.concat([_pings(s), ev[["time", "source", "kind", "actor", "target"]]]
                                        if not ev.empty else [_pings(s)], ignore_index=True), s.lang, s.tz)
    blocks.append(s.fig("connectivity", fig, s.t("figure.connectivity_alt"), s.f("figure.connectivity_caption")))
    return Section(blocks)


def _defaults(s: Story, snapshot: str) -> pd.DataFrame:
    """The IPv4 default routes of one snapshot, in table order (the Internet's route)."""
    routes = s.frame("routes")
    if routes.empty:
        return routes
    r = routes[routes["snapshot"].astype(str) == snapshot] if "snapshot" in routes else routes
    if "is_default" in r:
        r = r[r["is_default"].fillna(False).astype(bool)]
    else:
        r = r[r["destination"].astype(str) == "default"]
    if "family" in r and (r["family"].astype(str) == "inet").any():
        r = r[r["family"].astype(str) == "inet"]
    return r


def _route_str(s: Story, r: dict) -> list:
    return s.f("route", dest=s.c(r.get("destination")), gateway=s.c(r.get("gateway")),
               netif=s.c(r.get("netif")))


def _header_line(raw: list[str], first_line: int) -> int | None:
    return next((n for n in range(first_line - 1, 0, -1)
                 if n <= len(raw) and split_prefix(raw[n - 1])[1].lstrip().startswith("Destination")), None)


def routing_table(s: Story) -> Section:
    """Step 1: the routing table, the IPv4 default routes at start and end, quoted from netstat
    together with the route lines the findings cite."""
    from nettrace.report.figures import routes_diff_figure

    intro = "investigation.intro" if s.main is not None else "investigation.intro_healthy"
    blocks = [_h(2, s.t("investigation.h")), _p(s.f(intro)), _h(3, s.t("routes.h"))]
    routes = s.frame("routes")
    if routes.empty:
        blocks.append(_p(s.f("routes.none")))
        return Section(blocks)
    start, end = _defaults(s, "start"), _defaults(s, "end")
    if end.empty:
        end = _defaults(s, _snap(routes)["snapshot"].iloc[0]) if "snapshot" in routes else end
    if not start.empty:
        first = start.iloc[0].to_dict()
        blocks.append(_p(s.f("routes.start_one" if len(start) == 1 else "routes.start",
                             route=_route_str(s, first), n=len(start))))
    suspect = s.chain_nodes("route")
    if not end.empty:
        first = end.iloc[0].to_dict()
        bad = bool(suspect) and s.node(suspect[0]).get("snapshot", "end") == "end"
        key = ("routes.end_bad" if bad else "routes.end") + ("_one" if len(end) == 1 else "")
        blocks.append(_p(s.f(key, route=_route_str(s, first), n=len(end))))
        if "file" in end and "line" in end:
            file = _s(end["file"].iloc[0])
            lines = [int(n) for n in end["line"] if not _na(n)]
            for n in suspect:
                a = s.node(n)
                if _s(a.get("file")) == file and not _na(a.get("line")):
                    lines.append(int(a["line"]))
            cited = {int(e.line) for f in s.problems for e in f.evidence if e.file == file and e.line}
            lines = sorted(set(lines) | cited)
            q = s.quote(file, lines, header=_header_line(s.raw_lines(file), min(lines))) if lines else None
            if q:
                blocks.append(q)
    if suspect:
        a = s.node(suspect[0])
        is_default = _s(a.get("destination")) in ("default", "") or bool(a.get("is_default"))
        blocks.append(_p(s.f("routes.suspect" if is_default else "routes.suspect_specific",
                             route=s.c(_route_label(s, suspect[0])), cidr=s.c(a.get("cidr")))))
    from nettrace.report import routes as routes_fig

    fig = routes_diff_figure(routes, s.lang, tz=s.tz, **routes_fig.inputs(s.bundle, s.problems))
    blocks.append(s.fig("routes", fig, s.t("figure.routes_alt"), routes_caption(s, fig)))
    return Section(blocks)


def routes_caption(s: Story, fig) -> list:
    """What the routes figure draws: which snapshots, what the marks mean, what is left out."""
    snaps = list(fig.data.attrs.get("snapshots", [])) if len(fig.data) else []
    names = [s.t("figure.start") if x == "start" else s.t("figure.end") if x == "end" else
             s.t("figure.periodic", n=x.split()[-1]) for x in snaps]
    spans = s.f("figure.routes_caption", snapshots=s.t("figure.snapshot_list_sep").join(names))
    if fig.hidden:
        spans += s.f("figure.routes_caption_hidden", n=fig.hidden)
    return doc._merge(spans)


def _route_events(s: Story) -> pd.DataFrame:
    tl = s.timeline
    return tl[tl["source"] == "route_event"] if not tl.empty else tl


def _culprit_events(s: Story) -> pd.DataFrame:
    """Route events that touched the culprit's route or interface (text match; a fallback)."""
    ev = _route_events(s)
    if ev.empty:
        return ev
    marks = set()
    for n in s.chain_nodes("route"):
        a = s.node(n)
        for k in ("netif", "gateway"):
            if _s(a.get(k)) and _s(a.get(k)) not in ("default",):
                marks.add(_s(a.get(k)))
    for n in s.chain_nodes("interface")[:1]:
        marks.add(s.label(n))
    if not marks:
        return ev.iloc[0:0]
    hay = ev["target"].fillna("").astype(str) + " " + ev["summary"].fillna("").astype(str)
    keep = hay.apply(lambda h: any(m in h for m in marks))
    return ev[keep]


MONITOR_FILE = "stream/route_monitor.out"


def _writer_events(s: Story) -> pd.DataFrame:
    """The route-monitor events that wrote the culprit's route, oldest first.

    From the graph (``nettrace.graph.writers`` of the chain's route: event nodes carry the
    monitor line), else from the main finding's evidence in ``stream/route_monitor.out``, else
    by matching the route's interface in the event text."""
    ev = _route_events(s)
    if ev.empty or s.main is None:
        return ev.iloc[0:0] if not ev.empty else ev
    ev = ev[ev["file"].astype(str) == MONITOR_FILE] if "file" in ev else ev
    lines: set[int] = set()
    scoped: dict[int, bool] = {}
    routes = s.chain_nodes("route")
    if routes and s.G is not None:
        from nettrace.graph import writers

        want_scope = bool(s.node(routes[0]).get("ifscope") or False)
        try:
            chains = writers(s.G, routes[0])
        except Exception:  # noqa: BLE001 - a graph without event nodes
            chains = []
        for c in chains:
            row = s.node(c.nodes[1])
            if _s(row.get("file")) in ("", MONITOR_FILE) and not _na(row.get("line")):
                lines.add(int(row["line"]))
                scoped[int(row["line"])] = (not _na(row.get("ifscope"))) == want_scope
    if not lines:
        for f in [s.main] + [f for f in s.problems if f is not s.main]:
            lines |= {int(e.line) for e in f.evidence if e.file == MONITOR_FILE and e.line}
            if lines:
                break
    if lines:
        hit = ev[ev["line"].apply(lambda v: not _na(v) and int(v) in lines)].copy()
        # an interface-scoped twin of the route is a different route: mark the same-scope events
        hit["same_scope"] = hit["line"].apply(lambda v: scoped.get(int(v), True)) if any(
            scoped.values()) else True
        return hit
    return _culprit_events(s)


def _adds(ev: pd.DataFrame) -> pd.DataFrame:
    return ev[ev["kind"].astype(str).isin(["RTM_ADD", "RTM_CHANGE"])] if not ev.empty else ev


def _key_event(s: Story) -> dict | None:
    """The event behind the culprit's route: the last add (it made the state the capture ends
    with), preferring the route's own scope."""
    hits = _writer_events(s)
    if hits.empty:
        return None
    adds = _adds(hits)
    pick = adds if not adds.empty else hits
    if "same_scope" in pick and pick["same_scope"].astype(bool).any():
        pick = pick[pick["same_scope"].astype(bool)]
    return pick.iloc[-1].to_dict()


def _writer(s: Story, r: dict) -> list:
    """Who wrote an event: the process, or the kernel for messages without a pid."""
    if not _na(r.get("actor")) and _s(r.get("actor")):
        return s.c(r.get("actor"))
    if not _na(r.get("pid")) and _s(r.get("pid")):
        return s.c(f"pid {_s(r.get('pid'))}")
    return text(s.t("events.kernel"))


def _event_target(r: dict) -> str:
    target = _s(r.get("target"))
    if target:
        return target
    summary, kind = _s(r.get("summary")), _s(r.get("kind"))
    return summary[len(kind):].strip() if summary.startswith(kind) else ""


def route_events(s: Story) -> Section:
    """Step 2: route events from ``route monitor`` and the processes that wrote them."""
    blocks = [_h(3, s.t("events.h"))]
    ev = _route_events(s)
    if ev.empty:
        blocks.append(_p(s.f("events.none")))
        return Section(blocks)
    blocks.append(_p(s.f("events.p_one" if len(ev) == 1 else "events.p", n=len(ev))))
    rows = []
    for r in ev.head(40).to_dict("records"):
        rows.append([[text(s.when(r.get("time")))], [s.c(r.get("kind"))], [s.c(_event_target(r))],
                     [_writer(s, r)]])
    blocks.append({"type": "table", "header": [[text(s.t("col.time"))], [text(s.t("col.event"))],
                                               [text(s.t("col.target"))], [text(s.t("col.writer"))]],
                   "rows": rows})
    if len(ev) > 40:
        blocks.append(_p(s.f("events.more", n=len(ev) - 40)))
    if any(_writer(s, r)[0] == "text" for r in ev.head(40).to_dict("records")):
        blocks.append(_p(s.f("events.kernel_note")))
    e = _key_event(s)
    if e is not None:
        route = s.chain_nodes("route")
        n_adds = len(_adds(_writer_events(s)))
        params = dict(time=s.c(s.when(e.get("time"))), kind=s.c(e.get("kind")), actor=_writer(s, e),
                      route=s.c(_route_label(s, route[0]) if route else _event_target(e)), n=n_adds)
        blocks.append(_p(s.f("events.key" if n_adds > 1 else "events.key_once", **params)))
        q = s.quote(_s(e.get("file")), [e.get("line")], block="monitor", time=e.get("time"))
        if q:
            blocks.append(q)
        name = _s(e.get("actor")).split(" ")[0]
        if name in SYSTEM_WRITERS and s.chain_nodes("process"):
            blocks.append(_p(s.f("events.proxy", actor=s.c(e.get("actor")))))
    return Section(blocks)


def _route_label(s: Story, node: str) -> str:
    """A route as netstat users read it: ``default → gw (netif)``; other destinations by CIDR."""
    a = s.node(node)
    dest = _s(a.get("destination"))
    if dest and dest != "default" and _s(a.get("cidr")):
        return s.r(f"{a.get('cidr')} → {_s(a.get('gateway'))} ({_s(a.get('netif'))})")
    return s.label(node)


def _cited(s: Story, pred) -> list:
    """Evidence items of the problems (main finding first) that satisfy *pred*."""
    out = []
    for f in [s.main] + [f for f in s.problems if f is not s.main] if s.main is not None else []:
        out += [e for e in f.evidence if pred(e)]
    return out


def interface_owner(s: Story) -> Section:
    """Step 3: the interface behind the route, its peer, and the process that holds it (lsof)."""
    if s.main is None:
        return Section([])
    blocks = [_h(3, s.t("interface.h"))]
    ifaces = s.chain_nodes("interface")
    if not ifaces:
        blocks.append(_p(s.f("interface.none")))
        return Section(blocks)
    frame = _snap(s.frame("interfaces"))
    shown: set[str] = set()
    for i, n in enumerate(ifaces):
        name = s.label(n)
        a = s.node(n)
        rows = frame[frame["name"].astype(str) == name] if not frame.empty and "name" in frame else frame
        file = _s(a.get("file")) or (_s(rows["file"].iloc[0]) if len(rows) and "file" in rows else "")
        line = a.get("line") if not _na(a.get("line")) else (rows["line"].iloc[0] if len(rows) else None)
        peer = _s(a.get("peer")) or (_s(rows["peer"].iloc[0]) if len(rows) and "peer" in rows else "")
        if i:
            key = "interface.next"
        else:
            key = "interface.first" if s.chain_nodes("route") else "interface.first_address"
        blocks.append(_p(s.f(key, iface=s.c(name))))
        q = s.quote(file, [line], block="ifconfig") if file and not _na(line) else None
        if q:
            blocks.append(q)
        if peer and peer not in shown:
            blocks.append(_p(s.f("interface.peer", iface=s.c(name), peer=s.c(peer))))
        shown.add(name)
    procs = s.chain_nodes("process")
    if procs:
        pid = procs[0].split(":", 1)[1]
        last_if = s.label(ifaces[-1])
        pa = s.node(procs[0])
        pname = _s(pa.get("name")) or s.label(procs[0])
        of = s.frame("open_files")
        hold = of[(of["pid"].astype(str) == pid) & of["name"].astype(str).str.contains(last_if, regex=False, na=False)] \
            if not of.empty and {"pid", "name"} <= set(of.columns) else of.iloc[0:0]
        q = None
        if len(hold) and "file" in hold:
            q = s.quote(_s(hold["file"].iloc[0]), [hold["line"].iloc[0]], header=1)
        if q is None:  # the line the finding cites (a utun is held through a kernel-control socket)
            ev = _cited(s, lambda e: "lsof" in e.file and (e.text or "").split()[1:2] == [pid])
            if ev:
                q = s.quote(ev[0].file, [ev[0].line], header=1, time=ev[0].timestamp)
        key = "interface.holder" if q else "interface.holder_graph"
        blocks.append(_p(s.f(key, iface=s.c(last_if), pid=s.c(pid), process=s.c(pname), cmd=code("lsof"))))
        if q:
            blocks.append(q)
    return Section(blocks)


def process_product(s: Story) -> Section:
    """Step 4: the process, its parents (ps) and the product they belong to."""
    if s.main is None:
        return Section([])
    blocks = [_h(3, s.t("process.h"))]
    procs = s.chain_nodes("process")
    if not procs:
        blocks.append(_p(s.f("process.none")))
        return Section(blocks)
    ps = _snap(s.frame("processes"))
    lines, file, exe = [], "", ""
    for n in procs:
        pid = n.split(":", 1)[1]
        a = s.node(n)
        rows = ps[ps["pid"].astype(str) == pid] if not ps.empty and "pid" in ps else ps
        f = _s(a.get("file")) or (_s(rows["file"].iloc[0]) if len(rows) and "file" in rows else "")
        ln = a.get("line") if not _na(a.get("line")) else (rows["line"].iloc[0] if len(rows) else None)
        if f and not _na(ln):
            file = file or f
            if f == file:
                lines.append(int(ln))
        if not exe:
            exe = _s(a.get("executable")) or (
                _s(rows["executable"].iloc[0]) if len(rows) and "executable" in rows else "")
    pids = [n.split(":", 1)[1] for n in procs]
    blocks.append(_p(s.f("process.p" if len(pids) > 1 else "process.p_one", pids=s.c(" → ".join(pids)))))
    if file and lines:
        q = s.quote(file, lines, header=1)
        if q:
            blocks.append(q)
    exes = s.chain_nodes("executable")
    exe = exe or (_s(s.node(exes[0]).get("path")) or s.label(exes[0]) if exes else "")
    prod = s.chain_nodes("product")
    product = s.label(prod[0]) if prod else _product(s)
    if exe and product:
        blocks.append(_p(s.f("process.product", exe=s.c(exe), product=s.c(product))))
    elif product:
        blocks.append(_p(s.f("process.product_only", product=s.c(product))))
    return Section(blocks)


def _chain_sentence(s: Story) -> list:
    spans = []
    for i, n in enumerate(s.chain.nodes):
        if i:
            rel = s.chain.edges[i - 1][2]
            spans.append(text(f" —{s.rel(rel)}→ " if rel else " → "))
        spans.append(s.c(s.label(n)))
    return spans


def root_cause(s: Story) -> Section:
    """Root cause: the finding, the culprit and the drawing of the chain."""
    from nettrace.report.figures import draw_chain

    blocks = [_h(2, s.t("cause.h"))]
    if s.main is None:
        blocks.append(_p(s.f("cause.healthy")))
        return Section(blocks)
    blocks.append(_p(s.f("cause.p", finding=s.main.title(s.lang), summary=s.main.summary(s.lang))))
    if s.chain is not None and s.chain.nodes:
        if s.label(s.chain.nodes[-1]) not in s.main.summary(s.lang):  # the summary may walk it already
            blocks.append(_p(s.f("cause.chain", chain=_chain_sentence(s))))
        fig = draw_chain(s.G, s.chain, s.lang)
        blocks.append(s.fig("culprit-chain", fig, s.t("figure.chain_alt", culprit=_culprit_label(s)),
                            s.f("figure.chain_caption")))
    return Section(blocks)


def fix(s: Story) -> Section:
    """The fix: every remedy, marked read-only or changing the system."""
    blocks = [_h(2, s.t("fix.h"))]
    seen, items = set(), []
    for f in s.problems:
        for r in f.remedy:
            key = r.command or r.text(s.lang)
            if key in seen:
                continue
            seen.add(key)
            items.append(r)
    if not items:
        blocks.append(_p(s.f("fix.none")))
        return Section(blocks)
    items.sort(key=lambda r: r.changes_system)  # look first, then change
    blocks.append(_p(s.f("fix.p")))
    for r in items:
        mark = t("changes_system.yes" if r.changes_system else "changes_system.no", s.lang)
        caption = [["strong", f"[{mark}]"], text(" " + r.to_dict(s.lang)["why"])]
        if _is_command(r):
            blocks.append({"type": "code", "text": s.r(r.command), "changes_system": bool(r.changes_system),
                           "caption": caption})
        else:  # advice in words (no command to copy): the explanation says it all
            blocks.append(_p(caption))
    return Section(blocks)


def prevention(s: Story) -> Section:
    blocks = [_h(2, s.t("prevention.h"))]
    items = [s.f("prevention.check", cmd=code("netstat -rn -f inet"))]
    if _product(s):
        items.append(s.f("prevention.product", product=s.c(_product(s))))
    items.append(s.f("prevention.capture", cmd=code("sudo sh nettrace-capture.sh --duration 300")))
    blocks.append({"type": "list", "items": items})
    return Section(blocks)


def questions(s: Story) -> Section:
    """Questions you may have — only those the data answers."""
    qs: list[tuple[str, list]] = []
    ev = _route_events(s)
    hits = _writer_events(s)
    adds = _adds(hits)
    key = _key_event(s)
    # why did reconnecting Wi-Fi help for a while: a default on another interface was written
    # (the reconnect), then the culprit's route was added on top again
    if key is not None and not ev.empty and _adds(hits).shape[0]:
        t_add = key["time"]
        culprit_ifs = {s.label(n) for n in s.chain_nodes("interface")}
        before = _adds(ev[(ev["time"] < t_add) & ~ev.index.isin(hits.index)])
        before = before[before["target"].astype(str) == "default"] if not before.empty else before
        if not before.empty and "summary" in before:
            before = before[~before["summary"].astype(str).apply(lambda x: any(i in x.split() for i in culprit_ifs))]
        if len(before):
            o = before.iloc[-1]
            gap = (pd.Timestamp(t_add) - pd.Timestamp(o["time"])).total_seconds()
            qs.append(("q.reconnect", s.f("q.reconnect_a", t1=s.c(s.when(o["time"])), ev=s.c(o["kind"]),
                                          target=s.c(_s(o["summary"]).removeprefix(_s(o["kind"])).strip()),
                                          t2=s.c(s.when(t_add)), gap=int(gap),
                                          product=s.c(_product(s) or key.get("actor")))))
    if len(adds) >= 2:
        qs.append(("q.comes_back", s.f("q.comes_back_a", n=len(adds), actor=_writer(s, adds.iloc[0].to_dict()))))
    if key is not None and s.chain_nodes("process"):
        name = _s(key.get("actor")).split(" ")[0]
        if name in SYSTEM_WRITERS:
            qs.append(("q.proxy", s.f("q.proxy_a", actor=s.c(key.get("actor")),
                                      pid=s.c(s.chain_nodes("process")[0].split(":", 1)[1]))))
    stats = _ping_stats(s)
    gw = _s(s.bundle.manifest.get("default_gateway"))
    if gw and not stats.empty and s.main is not None:
        g = stats[stats["target"] == gw]
        others = stats[(stats["target"] != gw) & (stats["failures"] > 0)]
        if len(g) and g["replies"].iloc[0] > 0 and len(others):
            qs.append(("q.other_devices", s.f("q.other_devices_a", gw=s.c(gw), n=int(g["replies"].iloc[0]),
                                              targets=s.c(", ".join(others["target"])))))
    if not qs:
        return Section([])
    blocks = [_h(2, s.t("questions.h"))]
    for key, answer in qs:
        blocks.append(_h(4, s.t(key, product=_product(s) or "?")))
        blocks.append(_p(answer))
    return Section(blocks)


def appendix(s: Story) -> Section:
    """Appendix: every finding in a table, then the raw lines each one cites."""
    blocks = [_h(2, s.t("appendix.h")), _h(3, s.t("appendix.findings"))]
    if s.findings:
        blocks.append({"type": "table",
                       "header": [[text(s.t("col.severity"))], [text(s.t("col.finding"))],
                                  [text(s.t("col.culprit"))], [text(s.t("col.evidence"))]],
                       "rows": [[[text(t(f"severity.{f.severity}", s.lang))], [text(f.title(s.lang))],
                                 [s.c(f.culprit.label()) if f.culprit else text("—")],
                                 [text(str(len(f.evidence)))]] for f in s.findings]})
    else:
        blocks.append(_p(s.f("appendix.no_findings")))
    cited = [(f, e) for f in s.findings for e in f.evidence]
    if cited:
        blocks.append(_h(3, s.t("appendix.raw")))
        seen: set = set()
        for f, e in cited:
            if (e.file, e.line) in seen:
                continue
            seen.add((e.file, e.line))
            if len(seen) > 40:
                break
            block = "monitor" if e.file == MONITOR_FILE else None
            q = s.quote(e.file, [e.line], time=e.timestamp, block=block) if e.line else None
            blocks.append(q or {"type": "evidence", "command": s.r(s.command_line(e.file)), "file": e.file,
                                "line": e.line, "time": s.when(e.timestamp) if e.timestamp else "",
                                "text": s.r(e.text)})
    warnings = getattr(s.bundle, "warnings", None)
    if isinstance(warnings, pd.DataFrame) and len(warnings):
        blocks.append(_p(s.f("appendix.warnings", n=len(warnings))))
    return Section(blocks)
