"""DNS through a dead path: a resolver reached only through a missing or ownerless interface, or
one on loopback with nothing listening on port 53."""
from __future__ import annotations

import ipaddress

import pandas as pd

from nettrace.findings import Finding, Remedy
from nettrace.rules import Context, rule


def _listening_53(ctx: Context) -> bool:
    of = ctx.latest("open_files")
    return bool(len(of)) and bool((of["local_port"] == 53).any())


@rule("dns-dead-path", requires=["dns_resolvers"], optional=["routes", "interfaces", "open_files", "probes"])
def dns_dead_path(ctx: Context):
    res = ctx.latest("dns_resolvers")
    routes = ctx.latest("routes")
    lsof = ctx.lsof_captured()
    findings = []
    seen = set()
    for _, r in res.iterrows():
        servers = r["nameservers"] if isinstance(r["nameservers"], list) else []
        for ns in servers:
            if ns in seen:
                continue
            seen.add(ns)
            try:
                ip = ipaddress.ip_address(str(ns).split("%", 1)[0])
            except ValueError:
                continue
            reason, route = None, None
            if ip.is_loopback:
                if lsof and not _listening_53(ctx):
                    reason = "loopback"
            elif len(routes):
                route = ctx.facts.route_for(str(ns))
                if route is None:
                    reason = "no-route"
                else:
                    iface = ctx.facts.interface(route.netif)
                    if not ctx.interface_exists(route.netif):
                        reason = "missing"
                    elif iface and iface.kind in ("tunnel", "overlay") and lsof and iface.owner is None:
                        reason = "ownerless"
            if not reason:
                continue
            evidence = [e for e in [ctx.evidence(r)] if e]
            if route is not None:
                e = ctx.evidence(route)
                if e:
                    evidence.append(e)
            probes = ctx.frame("probes")
            if len(probes):
                evidence += ctx.evidence_rows(probes[(probes["tool"] == "dig") & (probes["ok"] == False)], 2)  # noqa: E712
            findings.append(Finding(
                "dns-dead-path", "warning",
                params={"nameserver": ns, "reason": reason,
                        "netif": route.netif if route is not None else "-",
                        "domain": r["domain"] if pd.notna(r["domain"]) else "-"},
                evidence=evidence,
                remedy=[Remedy("scutil --dns", False, "remedy.scutil_dns"),
                        Remedy(f"dig @{ns} apple.com +time=2 +tries=1", False, "remedy.dig_server", {"nameserver": ns})]))
    return findings
