"""DNS through a dead path: a resolver reached only through a missing or ownerless interface, or
one on loopback with nothing listening on port 53."""
from __future__ import annotations

import ipaddress

import pandas as pd

from nettrace.findings import Finding, Remedy
from nettrace.rules import Context, rule
from nettrace.rules.residue import TUNNEL_RE, _held


def route_for(routes: pd.DataFrame, ip: str):
    """The row of *routes* an unscoped lookup of *ip* would use (longest prefix, then rank)."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return None
    best, best_key = None, None
    for _, r in routes.iterrows():
        if pd.isna(r["cidr"]) or bool(r["ifscope"]) is True:
            continue
        try:
            net = ipaddress.ip_network(str(r["cidr"]), strict=False)
        except ValueError:
            continue
        if net.version != addr.version or addr not in net:
            continue
        key = (net.prefixlen, -(r["rank"] if pd.notna(r["rank"]) else 0))
        if best_key is None or key > best_key:
            best, best_key = r, key
    return best


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
                route = route_for(routes, str(ns))
                if route is None:
                    reason = "no-route"
                else:
                    netif = str(route["netif"])
                    if not ctx.interface_exists(netif):
                        reason = "missing"
                    elif TUNNEL_RE.match(netif) and lsof and not _held(ctx, netif):
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
                        "netif": str(route["netif"]) if route is not None else "-",
                        "domain": r["domain"] if pd.notna(r["domain"]) else "-"},
                evidence=evidence,
                remedy=[Remedy("scutil --dns", False, "remedy.scutil_dns"),
                        Remedy(f"dig @{ns} apple.com +time=2 +tries=1", False, "remedy.dig_server", {"nameserver": ns})]))
    return findings
