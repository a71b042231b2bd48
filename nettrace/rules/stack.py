"""Local stack inconsistency (seed 003): the gateway has a complete ARP entry, yet sending to it
fails locally with "No route to host"; root succeeds where the user fails."""
from __future__ import annotations

import pandas as pd

from nettrace.findings import Finding, Remedy
from nettrace.rules import Context, rule


def _gateway(ctx: Context) -> str | None:
    gw = ctx.bundle.manifest.get("default_gateway")
    if gw:
        return str(gw)
    routes = ctx.latest("routes")
    if len(routes):
        d = routes[routes["is_default"].fillna(False) & (routes["gateway_kind"] == "ip")].sort_values("rank")
        if len(d):
            return str(d.iloc[0]["gateway"])
    return None


@rule("local-stack-inconsistency", requires=["arp"], optional=["pings", "probes"])
def local_stack_inconsistency(ctx: Context):
    gw = _gateway(ctx)
    if not gw:
        return []
    arp = ctx.frame("arp")
    entry = arp[(arp["ip"] == gw) & ~arp["incomplete"].fillna(False) & arp["mac"].notna()]
    if entry.empty:
        return []
    pings = ctx.frame("pings")
    no_route = pings[(pings["outcome"] == "no_route")] if len(pings) else pings
    gw_no_route = no_route[no_route["target"].fillna(no_route["destination"]) == gw] if len(no_route) else no_route
    probes = ctx.frame("probes")
    user_fail, root_ok = pd.DataFrame(), pd.DataFrame()
    probe_no_route = pd.DataFrame()
    if len(probes):
        err = probes["error"].fillna("")
        probe_no_route = probes[err.str.contains("No route to host", regex=False)]
        failed = probes["error"].notna()  # an error line, not just a short traceroute
        worked = probes["error"].isna() & ((probes["ok"] == True) | (probes["hops"].fillna(0) > 0))  # noqa: E712
        for (tool, target), grp in probes.groupby(["tool", "target"], dropna=True):
            u = grp[(grp["as"] == "user") & failed[grp.index]]
            r = grp[(grp["as"] == "root") & worked[grp.index]]
            if len(u) and len(r):
                user_fail = pd.concat([user_fail, u])
                root_ok = pd.concat([root_ok, r])
    if gw_no_route.empty and probe_no_route.empty and user_fail.empty:
        return []
    if gw_no_route.empty and user_fail.empty:
        # "No route to host" elsewhere only: not this pattern unless the gateway is among them
        if not (probe_no_route["target"] == gw).any():
            return []
    evidence = ctx.evidence_rows(entry, 1)
    evidence += ctx.evidence_rows(gw_no_route, 3)
    evidence += ctx.evidence_rows(probe_no_route, 2)
    evidence += ctx.evidence_rows(user_fail, 2)
    evidence += ctx.evidence_rows(root_ok, 2)
    iface = entry.iloc[0]["interface"]
    mac = entry.iloc[0]["mac"]
    params = {"gateway": gw, "mac": mac, "interface": iface if pd.notna(iface) else "-",
              "no_route": int(len(gw_no_route) + len(probe_no_route)),
              "user_fails_root_ok": "yes" if len(user_fail) else "no",
              "tools": ", ".join(sorted(set(user_fail["tool"]))) if len(user_fail) else "-"}
    remedy = [
        Remedy(f"route -n get {gw}", False, "remedy.route_get_gateway", {"gateway": gw}),
        Remedy(f"arp -an -i {params['interface']}", False, "remedy.arp_show"),
        Remedy(f"sudo arp -d {gw}", True, "remedy.arp_delete_one", {"gateway": gw}),
        Remedy("sudo arp -d -a", True, "remedy.arp_flush_all"),
    ]
    return [Finding("local-stack-inconsistency", "critical", params=params, evidence=evidence, remedy=remedy)]
