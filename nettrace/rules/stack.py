"""Local stack inconsistency (seed 003): the gateway has a complete ARP entry, yet sending to it
fails locally with "No route to host"; root succeeds where the user fails.

Severity from harm: critical — it only fires when probes show traffic to the gateway failing
before a packet left the Mac (``Facts.failed_probes`` with ``how`` ``no_route``) while the ARP
cache says the gateway is known. The ARP remedies change the system and cite that evidence.
"""
from __future__ import annotations

import pandas as pd

from nettrace.findings import Finding, Remedy
from nettrace.i18n import LANGS, t
from nettrace.rules import Context, rule

EMITS = ("local-stack-inconsistency",)


def _gateway(ctx: Context) -> str | None:
    gw = ctx.bundle.manifest.get("default_gateway")
    if gw:
        return str(gw)
    d = [r for r in ctx.facts.defaults("inet") if r.gateway_kind == "ip"]
    return d[0].gateway if d else None


@rule("local-stack-inconsistency", emits=EMITS, requires=["arp"], facts=["failed_probes"], optional=["routes"])
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
    tools = ", ".join(sorted(set(user_fail["tool"]))) if len(user_fail) else ""
    params = {"gateway": gw, "mac": mac, "interface": iface if pd.notna(iface) else "",
              "no_route": int(len(gw_no_route) + len(probe_no_route)),
              "user_fails_root_ok": "yes" if len(user_fail) else "no", "tools": tools,
              "root_note": {lang: t("part.root_ok", lang, tools=tools) if len(user_fail) else "" for lang in LANGS}}
    remedy = [
        Remedy(f"route -n get {gw}", False, "remedy.route_get_gateway", {"gateway": gw}),
        Remedy(f"arp -an -i {iface}" if pd.notna(iface) else "arp -an", False, "remedy.arp_show"),
        Remedy(f"sudo arp -d {gw}", True, "remedy.arp_delete_one", {"gateway": gw},
               safe_because="remedy.safe.arp_relearned"),
        Remedy("sudo arp -d -a", True, "remedy.arp_flush_all", safe_because="remedy.safe.arp_relearned"),
    ]
    cited = [x for x in (gw_no_route, probe_no_route, user_fail) if len(x)]
    refs = ([f"interface:{iface}"] if pd.notna(iface) else []) + (
        ctx.probe_refs(pd.concat(cited).head(6)) if cited else [])
    return [Finding("local-stack-inconsistency", "critical", params=params, evidence=evidence, remedy=remedy,
                    severity_reason="why.stack_no_route", facts=refs)]
