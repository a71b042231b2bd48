"""The investigation, step by step: (1) the routing table, (2) the route events and who wrote
them, (3) the interface and its owner, (4) the process and its product.

Each step reads the shared facts: the route Internet traffic takes (:func:`nettrace.facts_of`),
the writers of the culprit's route (:func:`nettrace.graph.writers`), the Apple processes that
write routes for others (:func:`nettrace.products.system_proxies`), interface owners, and the
main finding's chain and culprit — the same ones the title, TL;DR and fix name.
"""
from __future__ import annotations

from nettrace import graph as g
from nettrace.bundle import split_prefix
from nettrace.products import product_version, system_proxies
from nettrace.report.context import MONITOR_FILE, Section, Story, h, na, p, s_
from nettrace.report.doc import code, text
from nettrace.report.symptoms import route_events as events_of

__all__ = ["routing_table", "route_events", "interface_owner", "process_product", "key_event", "writer"]


def _route(s: Story, r) -> list:
    dest = r.destination if r.destination == "default" else (r.cidr or r.destination)
    return s.f("route", dest=s.c(dest), gateway=s.c(r.gateway), netif=s.c(r.netif))


def _header_line(raw: list[str], first: int) -> int | None:
    return next((n for n in range(first - 1, 0, -1)
                 if n <= len(raw) and split_prefix(raw[n - 1])[1].lstrip().startswith("Destination")), None)


def routing_table(s: Story) -> Section:
    """Step 1: the route Internet traffic took at the start and takes at the end, quoted from
    netstat with the route lines the findings cite, and the routes figure."""
    from nettrace.report import routes as routes_fig
    from nettrace.report.figures import routes_diff_figure

    intro = "investigation.intro" if s.main is not None else "investigation.intro_healthy"
    blocks = [h(2, s.t("investigation.h")), p(s.f(intro)), h(3, s.t("routes.h"))]
    table = s.bundle.frame("routes")
    if table.empty:
        blocks.append(p(s.f("routes.none")))
        return Section(blocks)
    fig = routes_diff_figure(table, s.lang, tz=s.tz, **routes_fig.inputs(s.bundle, s.problems))
    drawn = fig.data
    snaps = drawn.attrs.get("snapshots", [])
    end = s.facts.internet["inet"]
    if len(snaps) > 1 and drawn[f"internet@{snaps[0]}"].any():
        first = drawn[drawn[f"internet@{snaps[0]}"]].iloc[0]
        same = end is not None and (first["netif"], first["gateway"]) == (end.netif, end.gateway)
        blocks.append(p(s.f("routes.start_same" if same else "routes.start", route=_route(s, first))))
    if end is not None:
        cited = {n for n in s.main.chain if n.startswith("route:")} if s.main is not None else set()
        bad = end.node in cited or not s.facts.is_apple(end.netif)
        blocks.append(p(s.f("routes.end_bad" if bad else "routes.end", route=_route(s, end))))
        lines = {end.line} | {e.line for f in s.problems for e in f.evidence if e.file == end.file and e.line}
        rows = s.bundle.latest("routes")
        same = (rows["destination"] == end.destination) & (rows["family"] == end.family) & (rows["file"] == end.file)
        lines |= set(rows[same]["line"].dropna())
        raw = s.raw_lines(end.file)
        q = s.quote(end.file, sorted(lines), header=_header_line(raw, min(lines)))
        if q:
            blocks.append(q)
    suspect = s.chain_nodes("route")
    if suspect:
        a = s.node(suspect[0])
        default = s_(a.get("destination")) in ("default", "")
        blocks.append(p(s.f("routes.suspect" if default else "routes.suspect_specific",
                            route=s.c(s.label(suspect[0])), cidr=s.c(a.get("cidr")))))
    blocks.append(s.fig("routes", fig, s.t("figure.routes_alt"), routes_caption(s, fig)))
    return Section(blocks)


def routes_caption(s: Story, fig) -> list:
    """What the routes figure draws: which snapshots, what the marks mean, what is left out."""
    from nettrace.report import doc

    snaps = list(fig.data.attrs.get("snapshots", [])) if len(fig.data) else []
    names = [s.t("figure.start") if x == "start" else s.t("figure.end") if x == "end" else
             s.t("figure.periodic", n=x.split()[-1]) for x in snaps]
    spans = s.f("figure.routes_caption", snapshots=s.t("figure.snapshot_list_sep").join(names))
    if fig.hidden:
        spans += s.f("figure.routes_caption_hidden", n=fig.hidden)
    return doc._merge(spans)


def writer(s: Story, r: dict) -> list:
    """Who wrote an event: the process, or the kernel for messages without a pid."""
    if s_(r.get("actor")):
        return s.c(r["actor"])
    return text(s.t("events.kernel"))


def _target(r: dict) -> str:
    if s_(r.get("target")):
        return s_(r["target"])
    summary, kind = s_(r.get("summary")), s_(r.get("kind"))
    return summary[len(kind):].strip() if summary.startswith(kind) else ""


def writes(s: Story) -> list[dict]:
    """The route-monitor events that wrote the main finding's route (graph: route ← event ← process),
    oldest first, as rows of the event nodes."""
    routes = s.chain_nodes("route")
    if not routes:
        return []
    rows = [s.node(c.nodes[1]) for c in g.writers(s.G, routes[0])]
    return [r for r in rows if s_(r.get("file")) in ("", MONITOR_FILE)]


def key_event(s: Story) -> dict | None:
    """The event behind the culprit's route: its last add (it made the state the capture ends with)."""
    adds = [r for r in writes(s) if r.get("type") in ("RTM_ADD", "RTM_CHANGE")]
    return (adds or writes(s) or [None])[-1]


def route_events(s: Story) -> Section:
    """Step 2: route events from ``route monitor`` and the processes that wrote them."""
    blocks = [h(3, s.t("events.h"))]
    ev = events_of(s)
    if ev.empty:
        blocks.append(p(s.f("events.none")))
        return Section(blocks)
    blocks.append(p(s.f("events.p_one" if len(ev) == 1 else "events.p", n=len(ev))))
    shown = ev.head(40).to_dict("records")
    blocks.append({"type": "table", "header": [[text(s.t("col.time"))], [text(s.t("col.event"))],
                                               [text(s.t("col.target"))], [text(s.t("col.writer"))]],
                   "rows": [[[text(s.when(r["time"]))], [s.c(r["kind"])], [s.c(_target(r))], [writer(s, r)]]
                            for r in shown]})
    if len(ev) > 40:
        blocks.append(p(s.f("events.more", n=len(ev) - 40)))
    if any(not s_(r.get("actor")) for r in shown):
        blocks.append(p(s.f("events.kernel_note")))
    e = key_event(s)
    if e is not None:
        n_adds = sum(r.get("type") in ("RTM_ADD", "RTM_CHANGE") for r in writes(s))
        actor = next((r["actor"] for r in ev.to_dict("records") if r["line"] == e.get("line")), None)
        params = dict(time=s.c(s.when(e.get("time"))), kind=s.c(e.get("type")),
                      actor=s.c(actor) if actor else text(s.t("events.kernel")),
                      route=s.c(s.label(s.chain_nodes("route")[0])), n=n_adds)
        blocks.append(p(s.f("events.key" if n_adds > 1 else "events.key_once", **params)))
        q = s.quote(s_(e.get("file")) or MONITOR_FILE, [e.get("line")], block="monitor", time=e.get("time"))
        if q:
            blocks.append(q)
        if s_(actor).split(" ")[0] in system_proxies() and s.chain_nodes("process"):
            blocks.append(p(s.f("events.proxy", actor=s.c(actor))))
    return Section(blocks)


def _cited(s: Story, pred) -> list:
    """Evidence items of the problems (main finding first) that satisfy *pred*."""
    order = [s.main] + [f for f in s.problems if f is not s.main] if s.main is not None else []
    return [e for f in order for e in f.evidence if pred(e)]


def interface_owner(s: Story) -> Section:
    """Step 3: the interface behind the route, its peer, and the process that holds it (lsof);
    without a chain, the interfaces the finding cites and whether anything holds them."""
    if s.main is None:
        return Section([])
    blocks = [h(3, s.t("interface.h"))]
    ifaces = s.chain_nodes("interface")
    if not ifaces:
        cited = list(dict.fromkeys(e.file + f":{e.line}" for e in _cited(s, lambda e: "ifconfig" in e.file)))
        # made by software, not macOS's own hardware or tunnels: those have no owner to look for
        names = [ref.split(":", 1)[1] for ref in s.main.facts or []
                 if ref.startswith("interface:") and not s.facts.is_apple(ref.split(":", 1)[1])]
        cited = [c for c in cited if any(f"{n}:" in s.raw_lines(c.rsplit(":", 1)[0])[int(c.rsplit(":", 1)[1]) - 1]
                                         for n in names)]
        if names:
            held = [n for n in names if s.facts.owner(n) is not None]
            key = "interface.cited_held" if held else "interface.cited_nobody"
            blocks.append(p(s.f(key, ifaces=s.c(", ".join(names)), cmd=code("lsof"))))
            for ref in cited[:4]:
                file, line = ref.rsplit(":", 1)
                q = s.quote(file, [int(line)], block="ifconfig")
                if q:
                    blocks.append(q)
        else:
            blocks.append(p(s.f("interface.none")))
        return Section(blocks)
    shown: set[str] = set()
    for i, n in enumerate(ifaces):
        name, a = s.label(n), s.node(n)
        key = "interface.next" if i else ("interface.first" if s.chain_nodes("route") else "interface.first_address")
        blocks.append(p(s.f(key, iface=s.c(name))))
        q = s.quote(s_(a.get("file")), [a.get("line")], block="ifconfig") if not na(a.get("line")) else None
        if q:
            blocks.append(q)
        peer = s_(a.get("peer"))
        if peer and peer not in shown:
            blocks.append(p(s.f("interface.peer", iface=s.c(name), peer=s.c(peer))))
        shown.add(name)
    procs = s.chain_nodes("process")
    if procs:
        pid = procs[0].split(":", 1)[1]
        last_if = s.label(ifaces[-1])
        of = s.bundle.latest("open_files")
        hold = of[(of["pid"].astype(str) == pid) & of["name"].astype(str).str.contains(last_if, regex=False)]
        q = s.quote(s_(hold["file"].iloc[0]), [hold["line"].iloc[0]], header=1) if len(hold) else None
        if q is None:  # the line the finding cites (a utun is held through a kernel-control socket)
            ev = _cited(s, lambda e: "lsof" in e.file and (e.text or "").split()[1:2] == [pid])
            q = s.quote(ev[0].file, [ev[0].line], header=1, time=ev[0].timestamp) if ev else None
        pname = s_(s.node(procs[0]).get("name")) or s.label(procs[0])
        blocks.append(p(s.f("interface.holder" if q else "interface.holder_graph", iface=s.c(last_if),
                            pid=s.c(pid), process=s.c(pname), cmd=code("lsof"))))
        if q:
            blocks.append(q)
    return Section(blocks)


def process_product(s: Story) -> Section:
    """Step 4: the process, its parents (ps) and the product they belong to — the chain's, else
    the culprit the finding names."""
    if s.main is None:
        return Section([])
    blocks = [h(3, s.t("process.h"))]
    procs = s.chain_nodes("process")
    culprit = s.main.culprit
    pids = [n.split(":", 1)[1] for n in procs] or ([str(culprit.pid)] if culprit and culprit.pid else [])
    if not pids:
        blocks.append(p(s.f("process.none")))
        return Section(blocks)
    ps = s.bundle.latest("processes")
    rows = ps[ps["pid"].astype(str).isin(pids)]
    logs = _cited(s, lambda e: e.file.endswith(".ndjson") and bool(e.line))
    key = ("process.p" if len(pids) > 1 else "process.p_one") if procs else (
        "process.culprit" if len(rows) else "process.culprit_log" if logs else "process.culprit_gone")
    blocks.append(p(s.f(key, pids=s.c(" → ".join(pids)), culprit=s.c(s.culprit))))
    if not len(rows) and logs:  # seen only in the unified log: quote what it said
        q = s.quote(logs[0].file, [e.line for e in logs[:6] if e.file == logs[0].file])
        if q:
            blocks.append(q)
    if len(rows):
        file = s_(rows["file"].iloc[0])
        q = s.quote(file, [int(n) for n in rows[rows["file"] == file]["line"].dropna()], header=1)
        if q:
            blocks.append(q)
    first = rows[rows["pid"].astype(str) == pids[0]]
    exe = s_(first["executable"].iloc[0]) if len(first) else s_(culprit.executable if culprit else "")
    prod = s.chain_nodes("product")
    product = s.label(prod[0]) if prod else s.product
    if exe and product:
        spans = s.f("process.product", exe=s.c(exe), product=s.c(product))
        ext = s.bundle.latest("system_extensions")
        rows = ext[["bundle_id", "version"]].to_dict("records") if "version" in ext else []
        version = product_version(rows, product, exe)
        blocks.append(p(spans + (s.f(f"process.version_{version[1]}", version=s.c(version[0])) if version else [])))
    elif product:
        blocks.append(p(s.f("process.product_only", product=s.c(product))))
    return Section(blocks)
