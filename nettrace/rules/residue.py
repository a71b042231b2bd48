"""VPN residue (seed 004): routes through a tunnel that no live process holds or that no longer
exists, a host route to a VPN server through a gateway on no current subnet, and third-party
tunnel interfaces left without an owner."""
from __future__ import annotations

import ipaddress
import re

import pandas as pd

from nettrace import graph as g
from nettrace import products as prod
from nettrace.findings import Culprit, Finding, Remedy
from nettrace.rules import Context, rule

TUNNEL_RE = re.compile(r"^(utun|feth|ipsec|ppp|gpd|tun|tap)\d+$")


def _held(ctx: Context, interface: str) -> bool:
    return len(g.owner(ctx.graph, interface).nodes) > 1


def _meaningful(row) -> bool:
    """Routes that carry traffic: not link-local / multicast scaffolding every interface has."""
    cidr = str(row["cidr"]) if pd.notna(row["cidr"]) else ""
    return not (cidr.startswith(("fe80:", "ff0", "ff01:", "ff02:", "224.0.0", "255.255.255.255")))


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


@rule("vpn-residue", requires=["routes"], optional=["interfaces", "open_files", "logs"])
def vpn_residue(ctx: Context):
    routes = ctx.latest("routes")
    lsof = ctx.lsof_captured()
    dead_routes = []  # (row, reason)
    for _, row in routes.iterrows():
        netif = row["netif"]
        if pd.isna(netif) or not TUNNEL_RE.match(str(netif)) or not _meaningful(row):
            continue
        if not ctx.interface_exists(str(netif)):
            dead_routes.append((row, "missing"))
        elif lsof and not _held(ctx, str(netif)):
            dead_routes.append((row, "ownerless"))
    stale_hosts = []
    for _, row in routes.iterrows():
        flags = str(row["flags"]) if pd.notna(row["flags"]) else ""
        if "H" not in flags or "G" not in flags or row["gateway_kind"] != "ip":
            continue
        gw = str(row["gateway"]).split("%", 1)[0]
        try:
            if ipaddress.ip_address(gw).is_loopback:
                continue
        except ValueError:
            continue
        if not ctx.on_local_subnet(gw):
            stale_hosts.append(row)
    orphans = []
    if lsof:
        ifs = ctx.latest("interfaces")
        for _, row in ifs.iterrows():
            name = str(row["name"])
            if row["kind"] in ("utun", "feth") and not _held(ctx, name):
                addrs = ctx.latest("addresses")
                mine = addrs[addrs["interface"] == name]
                carries = bool(len(mine[mine["family"] == "inet"])) or bool(
                    len(routes[(routes["netif"] == name) & routes.apply(_meaningful, axis=1)])) if len(routes) else False
                orphans.append((row, carries))
    if not dead_routes and not stale_hosts and not [o for o in orphans if o[1]]:
        if orphans and len(orphans) >= 4:
            names = [str(r["name"]) for r, _ in orphans]
            return [Finding("tunnel-interfaces-idle", "info", params={"count": len(names), "interfaces": ", ".join(names)},
                            evidence=ctx.evidence_rows(pd.DataFrame([r for r, _ in orphans]), 8),
                            remedy=[Remedy("ifconfig -a | grep -A3 '^utun'", False, "remedy.list_utun")])]
        return []
    needles = [str(r["destination"]) for r in stale_hosts] + [str(r["netif"]) for r, _ in dead_routes]
    culprit, log_rows = _log_culprit(ctx, needles)
    evidence = []
    for row, _ in dead_routes[:6]:
        e = ctx.evidence(row)
        if e:
            evidence.append(e)
    evidence += [e for e in (ctx.evidence(r) for r in stale_hosts[:3]) if e]
    evidence += [e for e in (ctx.evidence(r) for r, carries in orphans[:4]) if e]
    evidence += [e for e in (ctx.evidence(r) for r in log_rows) if e]
    remedy = [Remedy("netstat -rn -f inet", False, "remedy.check_routes")]
    for row, _ in dead_routes[:8]:
        cidr = str(row["cidr"])
        host = cidr.endswith("/32") or cidr.endswith("/128")
        target = cidr.rsplit("/", 1)[0] if host else cidr
        remedy.append(Remedy(f"sudo route -n delete {'-host' if host else '-net'} {target}", True,
                             "remedy.delete_residue_route", {"netif": row["netif"]}))
    for row in stale_hosts[:3]:
        remedy.append(Remedy(f"sudo route -n delete -host {row['destination']}", True,
                             "remedy.delete_stale_host", {"gateway": row["gateway"]}))
    missing = sorted({str(r["netif"]) for r, why in dead_routes if why == "missing"})
    ownerless = sorted({str(r["netif"]) for r, why in dead_routes if why == "ownerless"})
    default_dead = any(bool(r["is_default"]) for r, _ in dead_routes)
    severity = "critical" if default_dead else "warning"
    params = {
        "routes": len(dead_routes), "missing": ", ".join(missing) or "-", "ownerless": ", ".join(ownerless) or "-",
        "stale_hosts": ", ".join(f"{r['destination']} via {r['gateway']}" for r in stale_hosts) or "-",
        "orphans": ", ".join(str(r["name"]) for r, _ in orphans) or "-",
        "product": culprit.product if culprit else "-",
    }
    return [Finding("vpn-residue", severity, params=params, culprit=culprit, evidence=evidence, remedy=remedy)]
