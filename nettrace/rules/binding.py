"""Interface binding bypassed (seed 002): a tunnel a running product holds carries the Internet, and the
hardware port has no interface-scoped default (no ``I``-flag row), so a socket bound to en0 with
IP_BOUND_IF finds no route of its own and the tunnel's routes capture it (NTrace's ``--dev en0``).

Severity from harm: warning when a probe toward an address the tunnel carries failed or got no
reply (the diagnostic the seed's user ran, failing where the finding says); info otherwise — a
TUN proxy or full-tunnel VPN in normal operation routes this way by design.
"""
from __future__ import annotations

from nettrace import graph as g
from nettrace.findings import Finding, Remedy
from nettrace.i18n import LANGS, t
from nettrace.rules import Context, rule

EMITS = ("interface-binding-bypassed",)


@rule("interface-binding-bypassed", emits=EMITS, requires=["routes"], facts=["internet", "interfaces"],
      optional=["route_lookups", "open_files", "probes", "pings"])
def interface_binding_bypassed(ctx: Context):
    top = ctx.facts.internet.get("inet")
    iface = ctx.facts.interface(top.netif) if top is not None else None
    if iface is None or iface.kind not in ("tunnel", "overlay") or iface.owner is None or not iface.exists:
        return []  # a dead or ownerless tunnel is the default-route rule's; Apple's and en0 are normal
    physical = next((r for r in ctx.facts.defaults("inet") if not r.scoped and ctx.facts.interface(r.netif)
                     and ctx.facts.interface(r.netif).kind == "hardware"), None)
    if physical is None or ctx.facts.scoped_default(physical.netif) is not None:
        return []  # IP_BOUND_IF to en0 has its own default: binding works
    chain = g.culprit_chain(ctx.graph, top.node)
    culprit = g.culprit_of(ctx.graph, chain)
    # probes toward destinations the tunnel carries that failed, or traceroutes nobody answered
    fp = ctx.failed_probes()
    through = fp[[(lambda r: r is not None and r.netif == top.netif)(ctx.facts.route_for(str(a)))
                  for a in fp["target"].fillna(fp["destination"])]] if len(fp) else fp
    evidence = [e for e in (ctx.evidence(top), ctx.evidence(physical)) if e]
    lookups = ctx.frame("route_lookups")
    if len(lookups):
        evidence += ctx.evidence_rows(lookups[lookups["interface"] == top.netif], 2)
    evidence += ctx.evidence_rows(through, 4)
    evidence += [e for e in ctx.chain_evidence(chain) if e not in evidence]
    harmed = len(through) > 0
    probes = sorted({str(x) for x in through["target"].dropna()})
    refs = ["internet:inet", top.ref, iface.ref, f"interface:{physical.netif}", physical.ref]
    refs += ctx.probe_refs(through.head(4))
    return [Finding(
        "interface-binding-bypassed", "warning" if harmed else "info",
        params={"tun": top.netif, "physical": physical.netif, "destination": ctx.route_label(top),
                "product": culprit.product if culprit and culprit.product else
                {lang: t("who.unknown_product", lang) for lang in LANGS}},
        culprit=culprit, evidence=evidence, chain=chain.nodes,
        severity_reason="why.bound_probe_failed" if harmed else "why.bound_no_harm",
        reason_params={"probes": ", ".join(probes)}, facts=refs,
        remedy=[Remedy("netstat -rn -f inet | grep default", False, "remedy.check_scoped_default",
                       {"physical": physical.netif}),
                Remedy(f"route -n get -ifscope {physical.netif} 1.1.1.1", False, "remedy.route_get_scoped",
                       {"physical": physical.netif})]
        + (ctx.product_remedy(chain, "remedy.safe.bypass_probe_failed") if harmed else []))]
