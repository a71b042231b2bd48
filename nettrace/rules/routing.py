"""Default-route rules: a black-hole or virtual default above the physical one (seed 000), and a TUN
default that also captures traffic bound to en0 because the physical interface has no scoped
default (seed 002)."""
from __future__ import annotations

import ipaddress

import pandas as pd

from nettrace import graph as g
from nettrace import products as prod
from nettrace.findings import Finding, Remedy
from nettrace.i18n import LANGS
from nettrace.rules import Context, rule

VIRTUAL_KINDS = {"utun", "feth", "bridge", "gif", "stf", "ipsec", "ppp", "other", "vmenet"}


def _defaults(ctx: Context, family: str = "inet") -> pd.DataFrame:
    routes = ctx.latest("routes")
    if routes.empty:
        return routes
    d = routes[(routes["family"] == family) & routes["is_default"].fillna(False)]
    return d.sort_values("rank", kind="stable")


def _if_kind(ctx: Context, name) -> str | None:
    ifs = ctx.frame("interfaces")
    if pd.isna(name) or ifs.empty:
        return None
    kinds = ifs.loc[ifs["name"] == name, "kind"].dropna()
    if len(kinds):
        return str(kinds.iloc[-1])
    # an interface missing from ifconfig: classify by name
    for prefix in ("utun", "feth", "bridge", "ipsec", "ppp", "gif", "stf"):
        if str(name).startswith(prefix):
            return prefix
    return "physical" if str(name).startswith("en") else "other"


def _black_hole(ctx: Context, gateway, netif=None) -> str | None:
    """Why a default gateway goes nowhere: loopback, or an address of the Mac on another interface.

    A tunnel whose gateway is its own point-to-point address (a TUN proxy's 198.18.0.1 on its
    utun) is normal: the kernel hands the packet to the interface, and the proxy reads it there.
    """
    if pd.isna(gateway):
        return None
    gw = str(gateway).split("%", 1)[0]
    if gw == "localhost":
        return "loopback"
    try:
        ip = ipaddress.ip_address(gw)
    except ValueError:
        return None
    if ip.is_loopback:
        return "loopback"
    addrs = ctx.latest("addresses")
    holders = set(addrs.loc[addrs["address"] == gw, "interface"].dropna()) if len(addrs) else set()
    if holders and (netif is None or netif not in holders):
        return "own-address"
    return None


def chain_evidence(ctx: Context, chain: g.Chain) -> list:
    """Evidence for each hop of a culprit chain (routes, interfaces, holders, processes)."""
    out = []
    G = ctx.graph
    for u, v, rel in [(None, chain.nodes[0], "start")] + list(chain.edges):
        if rel == "held_by":
            # cite the lsof line of the holding socket
            for d in (G.get_edge_data(v, u) or {}).values():
                ev = ctx.evidence({"file": d.get("file"), "line": d.get("line"), "captured_at": d.get("captured_at")})
                if ev:
                    out.append(ev)
                    break
        ev = ctx.node_evidence(v)
        if ev and ev not in out:
            out.append(ev)
    return out


def remedy_for(ctx: Context, chain: g.Chain) -> list[Remedy]:
    product = next((n.split(":", 1)[1] for n in chain.nodes if n.startswith("product:")), None)
    out = []
    if product:
        entry = next((e for e in prod.products() if e["name"] == product), None)
        if entry and (entry.get("command") or entry.get("remove")):
            advice = {"en": entry.get("remove", ""), "zh": entry.get("remove_zh") or entry.get("remove", "")}
            # a GUI product has no command: the remedy is the advice itself (command left empty)
            out.append(Remedy(entry.get("command", ""), True, "remedy.product", {"product": product, "advice": advice}))
    return out


def _writer_evidence(ctx: Context, route_node: str) -> tuple[list, list[str]]:
    evs, names = [], []
    for w in g.writers(ctx.graph, route_node):
        ev_node, proc = w.nodes[1], w.nodes[2]
        e = ctx.node_evidence(ev_node)
        if e and e not in evs:
            evs.append(e)
        a = ctx.graph.nodes[proc]
        name = f"{a.get('name') or '?'} (pid {a.get('pid') or proc.split(':')[1]})"
        if name not in names:
            names.append(name)
    return evs, names


def _internet(ctx: Context, family: str):
    """The route Internet traffic takes, and the default rows (rank order)."""
    defaults = _defaults(ctx, family)
    top = ctx.internet_route(family)
    if top is None and len(defaults):
        top = defaults.iloc[0]
    return top, defaults


def _physical_defaults(ctx: Context, defaults: pd.DataFrame) -> pd.DataFrame:
    physical = defaults[[_if_kind(ctx, n) == "physical" for n in defaults["netif"]]]
    return physical.sort_values(["ifscope", "rank"], kind="stable")  # the unscoped row first


@rule("default-route-hijacked", requires=["routes"], optional=["route_events", "open_files", "processes"])
def default_route_hijacked(ctx: Context):
    findings = []
    for family in ("inet", "inet6"):
        top, defaults = _internet(ctx, family)
        if top is None:
            continue
        physical = _physical_defaults(ctx, defaults)
        hole = _black_hole(ctx, top["gateway"], top["netif"])
        kind = _if_kind(ctx, top["netif"])
        virtual_on_top = kind in VIRTUAL_KINDS and len(physical) > 0
        if not hole and not virtual_on_top:
            continue
        rnode = g.route_id(top["snapshot"], top)
        chain = g.culprit_chain(ctx.graph, rnode)
        culprit = g.culprit_of(ctx.graph, chain)
        if not hole:
            # a virtual default held by a live, known product is how a full-tunnel VPN works
            if culprit is not None and culprit.product and culprit.product != "macOS":
                findings.append(Finding(
                    "default-route-virtual", "info",
                    params={"netif": top["netif"], "gateway": top["gateway"], "product": culprit.product,
                            "destination": top["destination"]},
                    culprit=culprit, evidence=[e for e in [ctx.evidence(top)] if e], chain=chain.nodes))
                continue
        evidence = [e for e in [ctx.evidence(top)] if e]
        if len(physical) and physical.iloc[0]["netif"] != top["netif"]:
            e = ctx.evidence(physical.iloc[0])
            if e:
                evidence.append(e)
        wev, wnames = _writer_evidence(ctx, rnode)
        evidence.extend(wev[:4])
        evidence.extend(e for e in chain_evidence(ctx, chain)[1:] if e not in evidence)
        params = {
            "family": family, "gateway": top["gateway"], "netif": top["netif"],
            "destination": top["destination"],
            "physical": physical.iloc[0]["netif"] if len(physical) else "-",
            "physical_gateway": physical.iloc[0]["gateway"] if len(physical) else "-",
            "writers": ", ".join(wnames) or "-", "chain": {lang: chain.sentence(lang) for lang in LANGS},
            "reason": hole or "virtual",
        }
        remedy = remedy_for(ctx, chain) + [
            Remedy("netstat -rn -f inet" if family == "inet" else "netstat -rn -f inet6", False,
                   "remedy.check_routes"),
            Remedy(f"route -n get {'default' if family == 'inet' else '-inet6 default'}", False,
                   "remedy.route_get_default"),
        ]
        if top["netif"] and str(top["netif"]).startswith("feth"):
            peer = next((n.split(":", 1)[1] for n in chain.nodes[2:3] if n.startswith("interface:")), top["netif"])
            remedy.append(Remedy(f"sudo lsof -nP | grep {peer}", False, "remedy.lsof_interface",
                                 {"interface": peer}))
        rid = "default-route-black-hole" if hole else "default-route-hijacked"
        findings.append(Finding(rid, "critical", params=params, culprit=culprit, evidence=evidence,
                                remedy=remedy, chain=chain.nodes))
    return findings


@rule("interface-binding-bypassed", requires=["routes"], optional=["route_lookups", "open_files"])
def interface_binding_bypassed(ctx: Context):
    top, defaults = _internet(ctx, "inet")
    if top is None or _if_kind(ctx, top["netif"]) != "utun" or _black_hole(ctx, top["gateway"], top["netif"]):
        return []
    physical = _physical_defaults(ctx, defaults)
    if physical.empty:
        return []
    phys_if = physical.iloc[0]["netif"]
    scoped = physical[physical["ifscope"].fillna(False) & (physical["netif"] == phys_if)]
    if len(scoped):
        return []  # IP_BOUND_IF to en0 has its own default: binding works
    rnode = g.route_id(top["snapshot"], top)
    chain = g.culprit_chain(ctx.graph, rnode)
    culprit = g.culprit_of(ctx.graph, chain)
    evidence = [e for e in (ctx.evidence(top), ctx.evidence(physical.iloc[0])) if e]
    lookups = ctx.frame("route_lookups")
    if len(lookups):
        through = lookups[(lookups["interface"] == top["netif"])]
        evidence += ctx.evidence_rows(through, 2)
    evidence += [e for e in chain_evidence(ctx, chain)[1:] if e not in evidence]
    return [Finding(
        "interface-binding-bypassed", "warning",
        params={"tun": top["netif"], "physical": phys_if, "product": culprit.product if culprit else "-",
                "destination": top["destination"]},
        culprit=culprit, evidence=evidence, chain=chain.nodes,
        remedy=remedy_for(ctx, chain) + [
            Remedy("netstat -rn -f inet | grep default", False, "remedy.check_scoped_default",
                   {"physical": phys_if}),
            Remedy(f"route -n get -ifscope {phys_if} default", False, "remedy.route_get_scoped",
                   {"physical": phys_if}),
        ])]
