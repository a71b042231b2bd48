"""Address confusion (seed 001): besides the primary address, the Mac holds IPv4 addresses on
virtual interfaces (feth, utun, bridge) that a program asking "what is my IP?" may pick instead."""
from __future__ import annotations

import ipaddress

import pandas as pd

from nettrace import graph as g
from nettrace.findings import Finding, Remedy
from nettrace.rules import Context, rule
from nettrace.rules.routing import chain_evidence

VIRTUAL = ("feth", "utun", "bridge", "vmenet", "ipsec", "ppp", "other")


def _primary(ctx: Context) -> tuple[str | None, str | None]:
    order = ctx.latest("network_order")
    nwi = order[(order["source"] == "nwi") & (order["family"] == "inet")] if len(order) else order
    if len(nwi):
        top = nwi.sort_values("rank").iloc[0]
        return (top["interface"] if pd.notna(top["interface"]) else None,
                top["address"] if pd.notna(top["address"]) else None)
    return None, None


@rule("address-confusion", requires=["addresses", "interfaces"], optional=["network_order", "open_files"])
def address_confusion(ctx: Context):
    addrs = ctx.latest("addresses")
    ifs = ctx.latest("interfaces")
    kinds = dict(zip(ifs["name"], ifs["kind"]))
    v4 = addrs[(addrs["family"] == "inet")]
    v4 = v4[[not ipaddress.ip_address(str(a)).is_loopback and not ipaddress.ip_address(str(a)).is_link_local
             for a in v4["address"]]] if len(v4) else v4
    if len(v4) < 2:
        return []
    virtual = v4[[kinds.get(i) in VIRTUAL for i in v4["interface"]]]
    if virtual.empty:
        return []
    primary_if, primary_addr = _primary(ctx)
    if primary_if is None:
        phys = v4[[kinds.get(i) == "physical" for i in v4["interface"]]]
        if len(phys):
            primary_if, primary_addr = phys.iloc[0]["interface"], phys.iloc[0]["address"]
    internet = ctx.internet_route("inet")
    carrier = str(internet["netif"]) if internet is not None else None
    of = ctx.latest("open_files")
    findings = []
    for _, vrow in virtual.iterrows():
        if vrow["interface"] in (carrier, primary_if):
            continue  # the tunnel carrying the Internet (a VPN) is meant to be the source address
        chain = g.culprit_chain(ctx.graph, g.node_id("interface", vrow["interface"]))
        culprit = g.culprit_of(ctx.graph, chain)
        owners = {int(n.split(":", 1)[1]) for n in chain.nodes if n.startswith("process:")}
        # other programs that use the virtual address as their own (a service announcing it)
        these = of[(of["local_address"] == vrow["address"]) & ~of["pid"].isin(owners)] if len(of) else of
        evidence = [e for e in [ctx.evidence(vrow)] if e]
        evidence += ctx.evidence_rows(these, 4)
        evidence += [e for e in chain_evidence(ctx, chain)[1:] if e not in evidence]
        programs = sorted({f"{r['command']} (pid {r['pid']})" for _, r in these.iterrows()})
        severity = "warning" if len(these) else "info"
        findings.append(Finding(
            "address-confusion", severity,
            params={"address": vrow["address"], "interface": vrow["interface"], "count": len(v4),
                    "primary": primary_addr or "-", "primary_if": primary_if or "-",
                    "programs": ", ".join(programs) or "-",
                    "product": culprit.product if culprit and culprit.product else "-"},
            culprit=culprit, evidence=evidence, chain=chain.nodes,
            remedy=[Remedy("scutil --nwi", False, "remedy.nwi"),
                    Remedy(f"ifconfig {vrow['interface']}", False, "remedy.ifconfig_one",
                           {"interface": vrow["interface"]}),
                    Remedy(f"lsof -nP -i@{vrow['address']}", False, "remedy.lsof_address",
                           {"address": vrow["address"]}),
                    Remedy("", True, "remedy.pin_address", {"primary": primary_addr or "-"})]))
    return findings
