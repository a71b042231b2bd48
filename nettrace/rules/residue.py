"""VPN residue (seed 004): traffic routes into a third-party tunnel that no longer exists or that no
live process holds, a host route to a VPN server through a gateway on no current subnet, and
third-party tunnel interfaces left without an owner.

Only routes that carry traffic count (``Facts.routes`` role ``traffic``): link-local, multicast,
broadcast and cloned host routes are scaffolding every interface has, and interface-scoped routes
(flag ``I``) never capture unscoped traffic. Apple's own interfaces (``utun0-3`` with link-local
IPv6 only, awdl, llw …; ``nettrace/data/macos.json``) are never leftovers.

Severity from harm: critical when a dead route carries Internet traffic (it is the Internet route
or covers public space); warning when dead routes carry other traffic, or a host route pins a
server to an unreachable gateway (the next VPN connection to it fails); info for idle third-party
tunnels that carry nothing.
"""
from __future__ import annotations

import ipaddress

import pandas as pd

from nettrace import products as prod
from nettrace.findings import Culprit, Finding, Remedy
from nettrace.i18n import LANGS, t
from nettrace.rules import Context, rule

EMITS = ("vpn-residue", "tunnel-interfaces-idle")
TUNNEL_KINDS = ("tunnel", "overlay")


def _log_culprit(ctx: Context, needles: list[str]):
    """A product named by the logs (the process that left the residue may be gone)."""
    logs = ctx.frame("logs")
    if logs.empty:
        return None, []
    hits = []
    for i, row in logs.iterrows():
        msg = str(row.get("message") or "")
        product = prod.match(row.get("process_path") if pd.notna(row.get("process_path")) else None,
                             row.get("process") if pd.notna(row.get("process")) else None)
        if product.name and product.name != "macOS":
            hits.append((i, product, row))
        elif any(n and n in msg for n in needles):
            hits.append((i, None, row))
    named = [(i, p, r) for i, p, r in hits if p is not None]
    if not named:
        return None, [r for _, _, r in hits[:4]]
    i, p, r = named[0]
    culprit = Culprit(pid=int(r["pid"]) if pd.notna(r.get("pid")) else None, name=r.get("process"),
                      executable=r.get("process_path") if pd.notna(r.get("process_path")) else None,
                      product=p.name)
    return culprit, [r for _, _, r in named[:4]]


def _dead_routes(ctx: Context) -> list[tuple]:
    """(route, why) for traffic routes into a missing or ownerless third-party tunnel."""
    out = []
    for r in ctx.facts.all_routes("traffic"):
        iface = ctx.facts.interface(r.netif)
        if iface is None or iface.apple or iface.kind not in TUNNEL_KINDS + ("other",):
            continue
        if not iface.exists:
            out.append((r, "missing"))
        elif ctx.facts.lsof and iface.owner is None and iface.kind in TUNNEL_KINDS:
            out.append((r, "ownerless"))
    return out


def _stale_hosts(ctx: Context) -> list:
    out = []
    for r in ctx.facts.all_routes("traffic"):
        if "H" not in r.flags or "G" not in r.flags or r.gateway_kind != "ip":
            continue
        gw = (r.gateway or "").split("%", 1)[0]
        try:
            if ipaddress.ip_address(gw).is_loopback:
                continue
        except ValueError:
            continue
        if not ctx.facts.on_local_subnet(gw) and gw not in ctx.facts.local_addresses:
            out.append(r)
    return out


def _idle(ctx: Context, dead: list) -> list:
    """Third-party tunnels nobody holds that carry no traffic route (lsof captured)."""
    if not ctx.facts.lsof:
        return []
    dead_ifs = {r.netif for r, _ in dead}
    return [i for i in ctx.facts.interfaces_of(*TUNNEL_KINDS)
            if i.exists and i.owner is None and i.name not in dead_ifs and not ctx.facts.routes_via(i.name, "traffic")]


def _list(lang: str, key: str, items: list[str], **kw) -> str:
    return t(key, lang, items=", ".join(items), **kw) if items else ""


@rule("vpn-residue", emits=EMITS, requires=["routes"], facts=["routes", "interfaces"],
      optional=["open_files", "logs", "processes"])
def vpn_residue(ctx: Context):
    dead = _dead_routes(ctx)
    stale = _stale_hosts(ctx)
    idle = _idle(ctx, dead)
    if not dead and not stale:
        if not idle:
            return []
        names = [i.name for i in idle]
        return [Finding("tunnel-interfaces-idle", "info", params={"count": len(names), "interfaces": ", ".join(names)},
                        evidence=[e for e in (ctx.evidence(i) for i in idle[:8]) if e],
                        severity_reason="why.idle_tunnels", facts=[i.ref for i in idle],
                        remedy=[Remedy("ifconfig -a | grep -A3 '^utun'", False, "remedy.list_utun")])]
    needles = [str(r.destination) for r in stale] + [str(r.netif) for r, _ in dead]
    culprit, log_rows = _log_culprit(ctx, needles)
    evidence = [e for e in (ctx.evidence(r) for r, _ in dead[:6]) if e]
    evidence += [e for e in (ctx.evidence(r) for r in stale[:3]) if e]
    evidence += [e for e in (ctx.evidence(i) for i in idle[:4]) if e]
    evidence += [e for e in (ctx.evidence(r) for r in log_rows) if e]
    remedy = [Remedy("netstat -rn -f inet", False, "remedy.check_routes")]
    for r, why in dead[:8]:
        host = r.cidr and (r.cidr.endswith("/32") or r.cidr.endswith("/128"))
        target = r.cidr.rsplit("/", 1)[0] if host else r.cidr
        remedy.append(Remedy(f"sudo route -n delete {'-host' if host else '-net'} {target}", True,
                             "remedy.delete_residue_route", {"netif": r.netif},
                             safe_because=f"remedy.safe.residue_{why}"))
    for r in stale[:3]:
        remedy.append(Remedy(f"sudo route -n delete -host {r.destination}", True, "remedy.delete_stale_host",
                             {"gateway": r.gateway}, safe_because="remedy.safe.stale_host"))
    missing = sorted({r.netif for r, why in dead if why == "missing"})
    ownerless = sorted({r.netif for r, why in dead if why == "ownerless"})
    internet_nodes = {x.node for rs in ctx.facts.internet_routes.values() for x in rs}
    internet = [r for r, _ in dead if r.covers_internet or r.node in internet_nodes]
    if internet:
        severity, why = "critical", "why.residue_internet"
    elif dead:
        severity, why = "warning", "why.residue_routes"
    else:
        severity, why = "warning", "why.stale_host"
    stale_text = [f"{r.destination} via {r.gateway}" for r in stale]
    params = {
        "routes": len(dead), "missing": ", ".join(missing), "ownerless": ", ".join(ownerless),
        "stale_hosts": ", ".join(stale_text), "orphans": ", ".join(i.name for i in idle),
        "product": culprit.product if culprit else "",
        "details": {lang: ("" if lang == "zh" else " ").join(p for p in (
            _list(lang, "part.residue_missing", missing, n=len([1 for _, w in dead if w == "missing"])),
            _list(lang, "part.residue_ownerless", ownerless, n=len([1 for _, w in dead if w == "ownerless"])),
            _list(lang, "part.residue_stale", stale_text),
            _list(lang, "part.residue_idle", [i.name for i in idle]),
            t("part.left_by", lang, product=culprit.product) if culprit and culprit.product else "") if p)
            for lang in LANGS},
    }
    refs = [r.ref for r, _ in dead] + [r.ref for r in stale] + [f"interface:{n}" for n in missing + ownerless]
    refs += [i.ref for i in idle]
    return [Finding("vpn-residue", severity, params=params, culprit=culprit, evidence=evidence, remedy=remedy,
                    severity_reason=why, reason_params={"routes": ", ".join(r.destination or "" for r in internet)},
                    facts=refs)]
