"""DNS through a dead path: a resolver reached only through a missing or ownerless tunnel, one no
route leads to, or one on loopback with nothing listening on port 53.

A resolver bound to an interface (``scutil --dns`` ``if_index``, or a link-local server with its
``%scope``) is checked on that interface; the others by the unscoped route to them
(``Facts.route_for``). Apple's interfaces and hardware ports are never a dead path by name.

Severity from harm: warning when queries cannot succeed and no DNS probe was answered (or one
failed); info when dig probes were answered anyway (another resolver carries the load).
"""
from __future__ import annotations

import ipaddress

import pandas as pd

from nettrace.findings import Finding, Remedy
from nettrace.i18n import LANGS, t
from nettrace.rules import Context, rule

EMITS = ("dns-dead-path",)


def _listening_53(ctx: Context) -> bool:
    of = ctx.latest("open_files")
    return bool(len(of)) and bool((of["local_port"] == 53).any())


def _dead(ctx: Context, iface_name: str | None) -> str | None:
    iface = ctx.facts.interface(iface_name)
    if iface is None or not iface.exists:
        return "missing"
    if iface.kind in ("tunnel", "overlay") and ctx.facts.lsof and iface.owner is None:
        return "ownerless"
    return None


@rule("dns-dead-path", emits=EMITS, requires=["dns_resolvers"], facts=["routes", "interfaces"],
      optional=["open_files", "probes"])
def dns_dead_path(ctx: Context):
    res = ctx.latest("dns_resolvers")
    lsof = ctx.lsof_captured()
    probes = ctx.frame("probes")
    digs = probes[probes["tool"] == "dig"] if len(probes) else probes
    answered = bool(len(digs)) and bool((digs["ok"] == True).any())  # noqa: E712
    dig_failed = ctx.failed_probes(how="dns")
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
            reason, route, netif = None, None, None
            bound = str(ns).split("%", 1)[1] if "%" in str(ns) else (
                r["interface"] if pd.notna(r["interface"]) else None)
            if ip.is_loopback:
                if lsof and not _listening_53(ctx):
                    reason = "loopback"
            elif bound:
                netif = str(bound)
                reason = _dead(ctx, netif)
            else:
                route = ctx.facts.route_for(str(ns))
                if route is None:
                    reason = "no_route"
                else:
                    netif = route.netif
                    reason = _dead(ctx, netif)
            if not reason:
                continue
            evidence = [e for e in [ctx.evidence(r)] if e]
            if route is not None:
                e = ctx.evidence(route)
                if e:
                    evidence.append(e)
            evidence += ctx.evidence_rows(dig_failed, 2)
            harmed = len(dig_failed) > 0 or not answered
            domain = r["domain"] if pd.notna(r["domain"]) else None
            findings.append(Finding(
                "dns-dead-path", "warning" if harmed else "info",
                params={"nameserver": ns, "netif": netif or "",
                        "reason": {lang: t(f"dns.reason.{reason}", lang, netif=netif or "") for lang in LANGS},
                        "domain": {lang: t("part.dns_domain", lang, domain=domain) if domain else ""
                                   for lang in LANGS}},
                evidence=evidence,
                severity_reason="why.dns_failed" if len(dig_failed) else (
                    "why.dns_unprobed" if not answered else "why.dns_answered"),
                facts=([route.ref] if route is not None else []) + ([f"interface:{netif}"] if netif else [])
                + ctx.probe_refs(dig_failed.head(4)),
                remedy=[Remedy("scutil --dns", False, "remedy.scutil_dns"),
                        Remedy(f"dig @{ns} apple.com +time=2 +tries=1", False, "remedy.dig_server", {"nameserver": ns})]))
    return findings
