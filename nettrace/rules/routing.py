"""Where Internet traffic goes (seed 000): the route an unscoped lookup of a public address takes
(``Facts.internet``) points into a black hole, or into a tunnel nothing alive holds.

Severity from harm:

- critical — the Internet route's gateway is loopback, an address of this Mac on another interface,
  or the route is marked reject/blackhole: Internet traffic never leaves the Mac
  (``default-route-black-hole``); or it goes into an interface that no longer exists or that lsof
  shows no process holding (``default-route-hijacked``);
- info — it goes through a tunnel a running process holds (a full-tunnel VPN, a TUN proxy), or lsof
  was not captured so nobody can say (``default-route-virtual``).

Apple's own interfaces and hardware ports carrying the Internet are normal and yield nothing.
Interface-scoped routes (flag ``I``) never capture unscoped traffic and are never considered.
"""
from __future__ import annotations

import ipaddress

from nettrace import graph as g
from nettrace.findings import Finding, Remedy
from nettrace.i18n import LANGS, t
from nettrace.rules import Context, rule

EMITS = ("default-route-black-hole", "default-route-hijacked", "default-route-virtual")


def _black_hole(ctx: Context, route) -> str | None:
    """Why *route* goes nowhere (a ``hole.*`` message key), or None.

    A tunnel whose gateway is its own point-to-point address (a TUN proxy's 198.18.0.1 on its
    utun) is normal: the kernel hands the packet to the interface, and the proxy reads it there.
    """
    if "R" in route.flags or "B" in route.flags:
        return "hole.reject"
    gw = (route.gateway or "").split("%", 1)[0]
    if gw == "localhost":
        return "hole.loopback"
    try:
        ip = ipaddress.ip_address(gw)
    except ValueError:
        return None
    if ip.is_loopback:
        return "hole.loopback"
    holders = ctx.facts.interfaces_with_address(gw)
    if holders and route.netif not in holders:
        return "hole.own_address"
    return None


def _physical(ctx: Context, family: str):
    """The unscoped default of a hardware port (what the Mac would use without the capture)."""
    rows = [r for r in ctx.facts.defaults(family) if ctx.facts.interface(r.netif) is not None
            and ctx.facts.interface(r.netif).kind == "hardware"]
    return rows[0] if rows else None


@rule("default-route", emits=EMITS, requires=["routes"], facts=["internet", "interfaces"],
      optional=["route_events", "open_files", "processes", "probes", "pings"])
def default_route(ctx: Context):
    findings = []
    for family in ("inet", "inet6"):
        top = ctx.facts.internet.get(family)
        if top is None:
            continue
        iface = ctx.facts.interface(top.netif)
        hole = _black_hole(ctx, top)
        if not hole and (iface is None or iface.apple):
            continue  # the Internet through en0, Wi-Fi, Apple's own interfaces: normal
        chain = g.culprit_chain(ctx.graph, top.node)
        culprit = g.culprit_of(ctx.graph, chain)
        physical = _physical(ctx, family)
        refs = [f"internet:{family}", top.ref] + ([iface.ref] if iface else [])
        failed = ctx.failed_probes(how=("loss", "no_route", "unreachable"))
        failed = failed[[ctx.facts.route_for(str(t_)) == top for t_ in failed["target"]]] if len(failed) else failed
        refs += ctx.probe_refs(failed.head(4))
        base = {"family": family, "gateway": top.gateway, "netif": top.netif, "destination": ctx.route_label(top),
                "physical": physical.netif if physical else "",
                "physical_gateway": physical.gateway if physical else ""}
        if not hole and iface.exists and (iface.owner is not None or not ctx.facts.lsof):
            who = iface.owner.product or iface.owner.name if iface.owner else None
            findings.append(Finding(
                "default-route-virtual", "info",
                params={**base, "product": {lang: who or t("who.unseen", lang) for lang in LANGS}},
                culprit=culprit, evidence=[e for e in [ctx.evidence(top)] if e], chain=chain.nodes,
                severity_reason="why.tunnel_live_owner" if iface.owner else "why.tunnel_owner_unseen",
                reason_params={"owner": who or ""}, facts=refs))
            continue
        evidence = [e for e in [ctx.evidence(top)] if e]
        if physical is not None and physical.netif != top.netif:
            e = ctx.evidence(physical)
            if e:
                evidence.append(e)
        wev, wnames = ctx.writers(top.node)
        evidence.extend(wev[:4])
        evidence.extend(e for e in ctx.chain_evidence(chain) if e not in evidence)
        evidence.extend(e for e in ctx.evidence_rows(failed, 2) if e not in evidence)
        if hole:
            rid, why = "default-route-black-hole", "why.black_hole"
        else:
            rid, why = "default-route-hijacked", ("why.into_missing_interface" if not iface.exists
                                                  else "why.into_ownerless_tunnel")
        params = {**base,
                  "hole": {lang: t(hole, lang) for lang in LANGS} if hole else "",
                  "writers": ", ".join(wnames) or {lang: t("who.no_writer", lang) for lang in LANGS},
                  "chain": {lang: chain.sentence(lang) for lang in LANGS},
                  "second": {lang: t("part.physical_second", lang, physical=physical.netif,
                                     physical_gateway=physical.gateway) if physical else "" for lang in LANGS}}
        # stopping the product is safe advice when the chain shows who holds the interface
        remedy = ctx.product_remedy(chain, "remedy.safe.owner_chain" if culprit is not None else None) + [
            Remedy("netstat -rn -f inet" if family == "inet" else "netstat -rn -f inet6", False,
                   "remedy.check_routes"),
            Remedy(f"route -n get {'1.1.1.1' if family == 'inet' else '-inet6 2606:4700:4700::1111'}", False,
                   "remedy.route_get_default"),
        ]
        if top.netif and top.netif.startswith("feth"):
            peer = next((n.split(":", 1)[1] for n in chain.nodes[2:3] if n.startswith("interface:")), top.netif)
            remedy.append(Remedy(f"sudo lsof -nP | grep {peer}", False, "remedy.lsof_interface", {"interface": peer}))
        findings.append(Finding(rid, "critical", params=params, culprit=culprit, evidence=evidence, remedy=remedy,
                                chain=chain.nodes, severity_reason=why, facts=refs))
    return findings
