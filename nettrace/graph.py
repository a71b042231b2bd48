"""The evidence graph: processes, executables, products, interfaces, addresses, routes, neighbours,
resolvers and route-change events, linked by what the bundle shows.

:func:`build_graph` turns a loaded bundle into a ``networkx.MultiDiGraph``. Node ids are
``kind:key`` strings and every node carries ``kind``, ``label`` and ``row`` (its frame row as a
dict, with ``file``/``line`` for citing it). Edges carry ``relation``:

==============  ==========================================  ================================
relation        from → to                                    evidence
==============  ==========================================  ================================
child_of        process → parent process                     ps ppid
runs            process → executable                         ps command
part_of         executable → app, executable/app → product   products.json
holds           process → interface                          lsof ndrv / utun control socket
peer            interface ↔ interface                        ifconfig ``peer:`` (both ways)
has_address     interface → address                          ifconfig inet/inet6
via_interface   route → interface                            netstat Netif
via_gateway     route → address | neighbor                   netstat Gateway
wrote           event → process                              route monitor pid
affects         event → route | interface | address          route monitor dst/ifp/ifa
neighbor_on     neighbor → interface                         arp / ndp
resolver_on     resolver → interface                         scutil --dns scoped resolvers
==============  ==========================================  ================================

Analyses are free functions taking the graph first (networkx style): :func:`owner`,
:func:`writers`, :func:`culprit_chain`; each returns a :class:`Chain` — the path as data and as a
sentence.

Examples
--------
>>> import nettrace
>>> G = nettrace.graph_of(nettrace.load("data/samples/000-zerotier-loopback-default.tar.gz"))
>>> chain = culprit_chain(G, default_route(G))
>>> chain.nodes[-1]
'product:ZeroTier'
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from nettrace import products as prod
from nettrace.i18n import t

__all__ = ["graph_of", "build_graph", "route_id", "Chain", "owner", "writers", "culprit_chain", "default_route", "route_nodes",
           "node_id", "culprit_of", "route_snapshots", "records"]

ROUTE_SNAPSHOTS = ("start", "end")
# what an event node keeps of its row (a long route-monitor stream has many events)
EVENT_COLUMNS = ["time", "type", "pid", "seq", "errno", "flags", "ifscope", "dst", "gateway", "netmask", "ifp",
                 "ifa", "index", "interface", "file", "line", "captured_at"]


def node_id(kind: str, key) -> str:
    return f"{kind}:{key}"


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def records(df: pd.DataFrame, columns: list[str] | None = None) -> list[dict]:
    """The rows of *df* (its *columns* that exist) as dicts, every missing value None: the attributes
    of the graph's nodes and edges, and the rows the facts layer reads as the graph does."""
    if df.empty:
        return []
    if columns is not None:
        df = df[[c for c in columns if c in df.columns]]
    # every missing value (pd.NA, NaN, NaT) becomes None, in whole columns; the object frame's rows keep
    # the values' Python types (int, str, bool, Timestamp, the parsers' lists) as to_dict would give them
    values = df.astype(object).where(df.notna(), None)
    names = df.columns.tolist()  # a plain list: iterating the (Arrow string) Index per row is slow
    return [dict(zip(names, row)) for row in values.to_numpy().tolist()]


def route_id(snapshot: str, row) -> str:
    """Node id of a ``routes`` row (a dict or Series): ``route:<snapshot>:<family>:<cidr>:<gateway>:<netif>``,
    plus ``:ifscope`` for interface-scoped rows, which would otherwise share the unscoped row's id.

    >>> route_id("end", {"family": "inet", "cidr": "0.0.0.0/0", "gateway": "127.0.0.1", "netif": "feth4868",
    ...                  "ifscope": False})
    'route:end:inet:0.0.0.0/0:127.0.0.1:feth4868'
    """
    key = f"route:{snapshot}:{row.get('family')}:{row.get('cidr')}:{row.get('gateway')}:{row.get('netif')}"
    scoped = row.get("ifscope")
    return key + ":ifscope" if scoped is not None and not _isna(scoped) and bool(scoped) else key


def route_snapshots(bundle) -> list[str]:
    routes = bundle.frame("routes")
    if routes.empty:
        return []
    present = set(routes["snapshot"].dropna().unique())
    snaps = [s for s in ROUTE_SNAPSHOTS if s in present]
    if "end" not in present:  # interrupted capture: the last periodic snapshot stands for the end
        periodic = sorted((s for s in present if str(s).startswith("periodic")),
                          key=lambda s: int(str(s).split()[-1]))
        if periodic:
            snaps.append(periodic[-1])
    return snaps


def graph_of(bundle) -> nx.MultiDiGraph:
    """The evidence graph of *bundle*, built once (:func:`build_graph`, memoised in the bundle)."""
    from nettrace.bundle import memo

    return memo(bundle, "graph", build_graph)


def build_graph(bundle) -> nx.MultiDiGraph:
    """Build the evidence graph of *bundle* (see the module docstring for nodes and edges)."""
    G = nx.MultiDiGraph(name=bundle.name)
    nodes: dict[str, dict] = {}
    edges: list[tuple[str, str, dict]] = []

    def add(nid: str, kind: str, label: str, row: dict | None = None, **attrs):
        if nid not in nodes:
            nodes[nid] = {"kind": kind, "label": label, "row": row or {}, **attrs}
        elif row:
            nodes[nid]["row"] = row
            nodes[nid].update(attrs)

    def edge(u: str, v: str, relation: str, **attrs):
        edges.append((u, v, {"relation": relation, **attrs}))

    # processes (the last snapshot that has each pid wins), executables, apps, products
    procs = bundle.frame("processes")
    labels = {}
    jobs = bundle.latest("launchd_jobs")
    if not jobs.empty:
        labels = {int(p): str(lbl) for p, lbl in zip(jobs["pid"], jobs["label"]) if pd.notna(p) and pd.notna(lbl)}
    for r in records(procs):
        if r.get("pid") is None:
            continue
        pid = int(r["pid"])
        exe = r.get("executable") or r.get("command") or ""
        name = r.get("name") or exe.rsplit("/", 1)[-1]
        pnode = node_id("process", pid)
        add(pnode, "process", f"{name} ({pid})", r, pid=pid, name=name)
        if exe:
            enode = node_id("executable", exe)
            add(enode, "executable", exe.rsplit("/", 1)[-1] or exe, {"path": exe}, path=exe)
            edge(pnode, enode, "runs")
            product = prod.match(exe, name, labels.get(pid))
            owner_node = enode
            if r.get("app_bundle"):
                anode = node_id("app", r["app_bundle"])
                add(anode, "app", r["app_bundle"].rsplit("/", 1)[-1], {"path": r["app_bundle"]})
                edge(enode, anode, "part_of")
                owner_node = anode
            if product.name:
                prnode = node_id("product", product.name)
                add(prnode, "product", product.name, {"category": product.category}, category=product.category)
                edge(owner_node, prnode, "part_of")
        if r.get("ppid") is not None and int(r["ppid"]) != pid:
            edge(pnode, node_id("process", int(r["ppid"])), "child_of")

    # interfaces and their addresses (every snapshot; the latest row is kept on the node)
    for r in records(bundle.frame("interfaces")):
        name = r.get("name")
        if not name:
            continue
        inode = node_id("interface", name)
        add(inode, "interface", name, r, name=name, if_kind=r.get("kind"))
        if r.get("peer"):
            pnode = node_id("interface", r["peer"])
            add(pnode, "interface", r["peer"], None, name=r["peer"])
            edge(inode, pnode, "peer")
            edge(pnode, inode, "peer")
    for r in records(bundle.frame("addresses")):
        if not r.get("address") or not r.get("interface"):
            continue
        anode = node_id("address", r["address"])
        add(anode, "address", r["address"], r, address=r["address"])
        edge(node_id("interface", r["interface"]), anode, "has_address")

    # who holds which interface (lsof)
    of = bundle.frame("open_files")
    if not of.empty:
        held = of[of["interface"].notna()]
        for r in records(held, ["pid", "interface", "type", "fd", "file", "line", "captured_at"]):  # what an edge keeps
            if r.get("pid") is None:
                continue
            inode = node_id("interface", r["interface"])
            add(inode, "interface", r["interface"], None, name=r["interface"])
            edge(node_id("process", int(r["pid"])), inode, "holds", via=r.get("type"), file=r.get("file"),
                 line=r.get("line"), fd=r.get("fd"), captured_at=r.get("captured_at"))

    # routes of the start and end snapshots
    routes = bundle.frame("routes")
    local_addresses = {n.split(":", 1)[1] for n in nodes if n.startswith("address:")}
    for snap in route_snapshots(bundle):
        for r in records(routes[routes["snapshot"] == snap]):
            rnode = route_id(snap, r)
            label = f"{r.get('destination')} → {r.get('gateway')} ({r.get('netif')})"
            add(rnode, "route", label, r, snapshot=snap)
            if r.get("netif"):
                inode = node_id("interface", r["netif"])
                add(inode, "interface", r["netif"], None, name=r["netif"])
                edge(rnode, inode, "via_interface")
            if r.get("gateway_kind") == "ip" and r.get("gateway"):
                gw = str(r["gateway"]).split("%", 1)[0]
                gnode = node_id("address" if gw in local_addresses else "neighbor", gw)
                add(gnode, gnode.split(":", 1)[0], gw, None)
                edge(rnode, gnode, "via_gateway")

    # neighbours
    for frame, ipcol, ifcol in (("arp", "ip", "interface"), ("ndp", "neighbor", "netif")):
        for r in records(bundle.latest(frame)):
            if not r.get(ipcol):
                continue
            nnode = node_id("neighbor", r[ipcol])
            add(nnode, "neighbor", r[ipcol], r)
            if r.get(ifcol):
                edge(nnode, node_id("interface", r[ifcol]), "neighbor_on")

    # resolvers
    for r in records(bundle.latest("dns_resolvers")):
        key = f"{r.get('section')}#{r.get('resolver')}"
        rnode = node_id("resolver", key)
        add(rnode, "resolver", f"resolver {key}", r)
        if r.get("interface"):
            edge(rnode, node_id("interface", r["interface"]), "resolver_on")

    # route-change events
    ev = bundle.frame("route_events")
    end_routes = {}
    for n, a in nodes.items():
        if a["kind"] == "route":
            rr = a["row"]
            end_routes.setdefault((rr.get("cidr"), rr.get("netif"), rr.get("ifscope") is True), []).append(n)
    for i, r in enumerate(records(ev, EVENT_COLUMNS)):
        enode = node_id("event", i)
        add(enode, "event", f"{r.get('type')} ({r.get('pid')})", r, type=r.get("type"), pid=r.get("pid"))
        if r.get("pid") is not None:
            edge(enode, node_id("process", int(r["pid"])), "wrote")
        cidr = _event_cidr(r)
        if cidr and r.get("interface"):
            scoped = r.get("ifscope") is not None or "IFSCOPE" in (r.get("flags") or [])
            for rnode in end_routes.get((cidr, r["interface"], scoped), []):
                edge(enode, rnode, "affects")
        if r.get("interface"):
            edge(enode, node_id("interface", r["interface"]), "affects")
        if r.get("ifa") and node_id("address", r["ifa"]) in nodes:
            edge(enode, node_id("address", r["ifa"]), "affects")

    for nid, attrs in nodes.items():
        G.add_node(nid, **attrs)
    for u, v, attrs in edges:
        for n in (u, v):
            if n not in G:  # referenced but never described (a pid that exited, an interface gone)
                kind, key = n.split(":", 1)
                G.add_node(n, kind=kind, label=key, row={}, missing=True)
        G.add_edge(u, v, **attrs)
    return G


def _event_cidr(r: dict) -> str | None:
    dst = r.get("dst")
    if not dst:
        return None
    if dst == "default":
        return "::/0" if ":" in str(r.get("gateway") or "") else "0.0.0.0/0"
    mask = r.get("netmask")
    if mask in (None, "default") and "/" not in dst:
        return f"{dst}/128" if ":" in dst else f"{dst}/32"
    return None


# --------------------------------------------------------------------------- queries


@dataclass
class Chain:
    """A path through the graph, as data and as a sentence."""

    nodes: list[str]
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    graph: nx.MultiDiGraph | None = field(default=None, repr=False)

    def __bool__(self) -> bool:
        return bool(self.nodes)

    def labels(self) -> list[str]:
        return [self.graph.nodes[n].get("label", n) if self.graph is not None and n in self.graph else n
                for n in self.nodes]

    def to_dict(self) -> dict:
        return {"nodes": [{"id": n, "kind": n.split(":", 1)[0], "label": lbl}
                          for n, lbl in zip(self.nodes, self.labels())],
                "edges": [{"from": u, "to": v, "relation": rel} for u, v, rel in self.edges]}

    def sentence(self, lang: str = "en") -> str:
        if not self.nodes:
            return t("graph.chain.empty", lang)
        parts = [t("graph.chain.start", lang, what=self.labels()[0])]
        for (u, v, rel), label in zip(self.edges, self.labels()[1:]):
            parts.append(t(f"graph.relation.{rel}", lang, what=label))
        return t("graph.chain.join", lang).join(parts) + t("graph.chain.end", lang)


def _out(G, n, relation):
    return [v for _, v, d in G.out_edges(n, data=True) if d.get("relation") == relation]


def _in(G, n, relation):
    return [u for u, _, d in G.in_edges(n, data=True) if d.get("relation") == relation]


def route_nodes(G, snapshot: str | None = None, cidr: str | None = None) -> list[str]:
    """Route nodes, optionally of one snapshot and destination, in table order (rank)."""
    out = [n for n, a in G.nodes(data=True) if a.get("kind") == "route"
           and (snapshot is None or a.get("snapshot") == snapshot)
           and (cidr is None or a["row"].get("cidr") == cidr)]
    return sorted(out, key=lambda n: (G.nodes[n]["row"].get("rank") is None, G.nodes[n]["row"].get("rank") or 0))


def default_route(G, family: str = "inet") -> str | None:
    """The first-ranked ``default`` row of the latest snapshot (None when there is none).

    This is the table's row as written, not the route Internet traffic takes: that is
    ``nettrace.facts_of(b).internet[family]`` (longest prefix over unscoped routes; a TUN proxy's
    ``1/8 … 128.0/1`` or a scoped ``UGcIg`` row change the answer)."""
    cidr = "0.0.0.0/0" if family == "inet" else "::/0"
    snaps = [a.get("snapshot") for _, a in G.nodes(data=True) if a.get("kind") == "route"]
    latest = "end" if "end" in snaps else (snaps[-1] if snaps else None)
    found = route_nodes(G, latest, cidr)
    return found[0] if found else None


def owner(G, interface: str) -> Chain:
    """Who holds *interface*: the process holding it, or holding its feth peer.

    When several processes hold it, one that acts on its own behalf comes before a system proxy
    (nesessionmanager keeps a Network Extension VPN's utun control socket open beside the
    provider's: the provider is the owner), then the lowest pid."""
    inode = interface if interface.startswith("interface:") else node_id("interface", interface)
    if inode not in G:
        return Chain([], [], G)

    def ranked(nodes):
        return sorted(nodes, key=lambda n: (prod.is_system_proxy(G.nodes[n].get("name")), G.nodes[n].get("pid") or 0, n))

    holders = ranked(_in(G, inode, "holds"))
    if holders:
        return Chain([inode, holders[0]], [(inode, holders[0], "held_by")], G)
    for peer in sorted(_out(G, inode, "peer")):
        holders = ranked(_in(G, peer, "holds"))
        if holders:
            return Chain([inode, peer, holders[0]], [(inode, peer, "peer"), (peer, holders[0], "held_by")], G)
    return Chain([inode], [], G)


def writers(G, route: str) -> list[Chain]:
    """The processes that wrote *route*, per route-monitor events (event → process chains)."""
    out = []
    for ev in sorted(_in(G, route, "affects"), key=lambda n: int(n.split(":")[1])):
        for p in _out(G, ev, "wrote"):
            out.append(Chain([route, ev, p], [(route, ev, "written_by"), (ev, p, "wrote")], G))
    return out


def _climb(G, pnode: str, nodes: list[str], edges: list) -> str:
    """Walk up child_of while the parent is not launchd/the kernel; return the top process."""
    seen = {pnode}
    cur = pnode
    while True:
        parents = _out(G, cur, "child_of")
        if not parents:
            return cur
        parent = parents[0]
        pid = G.nodes[parent].get("pid")
        if parent in seen or pid in (0, 1, None) or G.nodes[parent].get("missing"):
            return cur
        if _product_of(G, parent) == "macOS":
            return cur
        nodes.append(parent)
        edges.append((cur, parent, "child_of"))
        seen.add(parent)
        cur = parent


def _product_of(G, pnode: str) -> str | None:
    for exe in _out(G, pnode, "runs"):
        frontier = [exe]
        while frontier:
            n = frontier.pop()
            for up in _out(G, n, "part_of"):
                if G.nodes[up].get("kind") == "product":
                    return up.split(":", 1)[1]
                frontier.append(up)
    return None


def _finish(G, nodes: list[str], edges: list) -> None:
    """From the last process in *nodes*, climb to its product node."""
    top = _climb(G, nodes[-1], nodes, edges)
    # the product: of the top process, else of any process on the way
    for p in [top] + [n for n in reversed(nodes) if n.startswith("process:")]:
        product = _product_of(G, p)
        if product:
            pnode = node_id("product", product)
            nodes.append(pnode)
            edges.append((top, pnode, "part_of"))
            return


def culprit_chain(G, target: str) -> Chain:
    """The walk from a route or interface to the product responsible for it.

    route → its interface → (the interface's feth peer) → the process holding it → up its
    ``child_of`` parents → the product. When no process holds the interface, the route's writer
    is used unless it is a system proxy (configd, nehelper, … write routes on others' behalf). A
    chain that stops at an interface means nothing alive holds it.
    """
    if target not in G:
        return Chain([], [], G)
    nodes, edges = [target], []
    kind = G.nodes[target].get("kind")
    inode = None
    if kind == "route":
        via = _out(G, target, "via_interface")
        if via:
            inode = via[0]
            nodes.append(inode)
            edges.append((target, inode, "via_interface"))
    elif kind == "interface":
        inode = target
    elif kind == "process":
        _finish(G, nodes, edges)
        return Chain(nodes, edges, G)
    if inode is not None:
        held = owner(G, inode)
        if len(held.nodes) > 1:
            for u, v, rel in held.edges:
                nodes.append(v)
                edges.append((u, v, rel))
            _finish(G, nodes, edges)
            return Chain(nodes, edges, G)
    if kind == "route":
        for w in writers(G, target):
            p = w.nodes[-1]
            if not prod.is_system_proxy(G.nodes[p].get("name")) and not G.nodes[p].get("missing"):
                nodes.append(p)
                edges.append((target, p, "written_by"))
                _finish(G, nodes, edges)
                break
    return Chain(nodes, edges, G)


def culprit_of(G, chain: Chain):
    """A :class:`nettrace.findings.Culprit` for a chain: its first process and its product."""
    from nettrace.findings import Culprit

    procs = [n for n in chain.nodes if n.startswith("process:")]
    if not procs:
        return None
    a = G.nodes[procs[0]]
    row = a.get("row") or {}
    product = next((n.split(":", 1)[1] for n in chain.nodes if n.startswith("product:")), None)
    return Culprit(pid=a.get("pid"), name=a.get("name"), executable=row.get("executable"), product=product)
