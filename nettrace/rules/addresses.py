"""Address confusion (seed 001): a service announces the address of a virtual interface (ZeroTier's
feth, a VPN's utun) to peers that can only reach the physical one — a Spring service registering
10.147.20.93 with its registry instead of the Wi-Fi address.

"Announces" is what the bundle can show: a program (not the interface's owner) that listens for
connections — it is a service — and is connected *from* the virtual address to a service registry
(Nacos, Eureka, Consul, ZooKeeper, etcd: ``service_registries`` in products.json). That is a
warning. A program talking to a peer from the virtual address is otherwise exactly right (ssh to a
Tailscale peer from the tailnet address, a ZeroTier member talking to another), and a tunnel that
carries the Internet is meant to be the source address: neither is a finding.
"""
from __future__ import annotations

import ipaddress

import pandas as pd

from nettrace import graph as g
from nettrace import products as prod
from nettrace.findings import Finding, Remedy
from nettrace.i18n import LANGS, t
from nettrace.rules import Context, rule

EMITS = ("address-confusion",)
VIRTUAL_KINDS = ("tunnel", "overlay", "vm-bridge", "other")


def _primary(ctx: Context) -> tuple[str | None, str | None]:
    order = ctx.latest("network_order")
    nwi = order[(order["source"] == "nwi") & (order["family"] == "inet")] if len(order) else order
    if len(nwi):
        top = nwi.sort_values("rank").iloc[0]
        return (top["interface"] if pd.notna(top["interface"]) else None,
                top["address"] if pd.notna(top["address"]) else None)
    internet = ctx.facts.internet.get("inet")
    iface = ctx.facts.interface(internet.netif) if internet is not None else None
    if iface is not None and iface.kind == "hardware":
        v4 = [a for a in iface.addresses if ":" not in a]
        return iface.name, v4[0] if v4 else None
    return None, None


def _virtual_v4(ctx: Context):
    for iface in ctx.facts.interfaces_of(*VIRTUAL_KINDS):
        for a in iface.addresses:
            try:
                ip = ipaddress.ip_address(a)
            except ValueError:
                continue
            if ip.version == 4 and not ip.is_loopback and not ip.is_link_local:
                yield iface, a


@rule("address-confusion", emits=EMITS, requires=["addresses", "interfaces"], facts=["interfaces", "owners"],
      optional=["network_order"])
def address_confusion(ctx: Context):
    of = ctx.latest("open_files")
    internet = ctx.facts.internet.get("inet")
    carrier = internet.netif if internet is not None else None
    primary_if, primary_addr = _primary(ctx)
    registries = prod.service_registries()
    findings = []
    for iface, addr in _virtual_v4(ctx):
        if iface.name in (carrier, primary_if):
            continue  # the tunnel carrying the Internet (a VPN) is meant to be the source address
        chain = g.culprit_chain(ctx.graph, g.node_id("interface", iface.name))
        culprit = g.culprit_of(ctx.graph, chain)
        owners = {int(n.split(":", 1)[1]) for n in chain.nodes if n.startswith("process:")}
        held = _is(of["local_address"], addr) & ~of["pid"].isin(owners).fillna(False).astype(bool)
        if not held.any():
            continue  # nobody else has a socket on the address (and no lsof row slice of every column)
        mine = of[held]
        announcing = []
        for pid, grp in mine.groupby("pid"):
            to_registry = grp[grp["remote_port"].isin(list(registries))]
            listens = of[_is(of["pid"], pid) & _is(of["state"], "LISTEN")]
            if len(to_registry) and len(listens):
                announcing.append((to_registry, listens))
        if not announcing:
            continue
        these = pd.concat([r for r, _ in announcing])
        listens = pd.concat([lst for _, lst in announcing])
        evidence = [e for e in [ctx.evidence(_addr_row(ctx, iface.name, addr))] if e]
        evidence += ctx.evidence_rows(these, 4) + ctx.evidence_rows(listens, 2)
        evidence += [e for e in ctx.chain_evidence(chain) if e not in evidence]
        programs = sorted({f"{r['command']} (pid {r['pid']})" for _, r in these.iterrows()})
        names = sorted({registries[int(p)] for p in these["remote_port"].dropna()})
        findings.append(Finding(
            "address-confusion", "warning",
            params={"address": addr, "interface": iface.name, "primary": primary_addr or "",
                    "primary_if": primary_if or "", "programs": ", ".join(programs),
                    "registries": ", ".join(names), "product": culprit.product if culprit and culprit.product else "",
                    "owner_note": {lang: t("part.owner", lang, product=culprit.product)
                                   if culprit and culprit.product else "" for lang in LANGS},
                    "primary_note": {lang: t("part.primary", lang, primary=primary_addr, primary_if=primary_if)
                                     if primary_addr and primary_if else "" for lang in LANGS}},
            culprit=culprit, evidence=evidence, chain=chain.nodes,
            severity_reason="why.announces_virtual_address", facts=[iface.ref] + (
                [f"interface:{primary_if}"] if primary_if else []),
            remedy=[Remedy("scutil --nwi", False, "remedy.nwi"),
                    Remedy(f"ifconfig {iface.name}", False, "remedy.ifconfig_one", {"interface": iface.name}),
                    Remedy(f"lsof -nP -i@{addr}", False, "remedy.lsof_address", {"address": addr}),
                    Remedy("", True, "remedy.pin_address",
                           {"primary": primary_addr or {lang: t("who.physical_address", lang) for lang in LANGS}},
                           safe_because="remedy.safe.announces")]))
    return findings


def _is(col: pd.Series, value) -> pd.Series:
    """``col == value`` with missing cells as False (lsof columns are nullable)."""
    return (col == value).fillna(False).astype(bool)


def _addr_row(ctx: Context, interface: str, address: str):
    addrs = ctx.latest("addresses")
    rows = addrs[(addrs["interface"] == interface) & (addrs["address"] == address)]
    return rows.iloc[0] if len(rows) else {}
