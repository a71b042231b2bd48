"""Route churn: the same route added and deleted again and again (seed 000's "drops every few
minutes"), who wrote it, and whether the ping loops lost replies at the same moments.

Severity from harm: critical when ping loss coincides with churn of a route that carries Internet
traffic (a default, or a route covering public space); warning when loss coincides with churn of
another traffic route; info when nothing was lost (Wi-Fi roaming and VPN reconnects churn routes
too). Scaffolding (link-local, multicast, cloned ARP/NDP host routes — AWDL churns these all day)
is not counted, and only unscoped changes can make churn critical (a scoped route never captures
unscoped traffic).
"""
from __future__ import annotations

import pandas as pd

import ipaddress

from nettrace import graph as g
from nettrace.findings import Finding, Remedy
from nettrace.i18n import LANGS, t
from nettrace.rules import Context, rule

EMITS = ("route-churn",)

CHANGE_TYPES = ("RTM_ADD", "RTM_DELETE", "RTM_CHANGE")
WINDOW_SLACK = pd.Timedelta(seconds=15)


def loss_windows(pings: pd.DataFrame) -> pd.DataFrame:
    """Runs of consecutive non-reply ping lines per target: target, start, end, lines, first row index."""
    rows = []
    if pings.empty:
        return pd.DataFrame(columns=["target", "start", "end", "count", "first"])
    p = pings[pings["outcome"].notna() & pings["captured_at"].notna()]
    for target, grp in p.groupby(p["target"].fillna(p["destination"]), sort=False):
        # numpy booleans: with pyarrow installed a string comparison gives bool[pyarrow], which has no cumsum
        bad = pd.Series(grp["outcome"].to_numpy(dtype=object) != "reply", index=grp.index)
        run_id = (bad != bad.shift()).cumsum()
        for _, run in grp[bad].groupby(run_id[bad]):
            rows.append((target, run["captured_at"].min(), run["captured_at"].max(), len(run), run.index[0]))
    return pd.DataFrame(rows, columns=["target", "start", "end", "count", "first"])


def _where(ev: pd.DataFrame) -> pd.Series:
    """The interface a change is on (its gateway when the interface is unknown)."""
    return ev["interface"].astype("object").fillna(ev["gateway"].astype("object")).fillna("?").astype(str)


def _scaffolding(dst: str, flags) -> bool:
    """Link-local / multicast / broadcast destinations and cloned or link-layer host routes."""
    names = set(flags) if isinstance(flags, (list, tuple)) else set()
    if names & {"WASCLONED", "LLINFO", "MULTICAST", "BROADCAST"}:
        return True
    try:
        a = ipaddress.ip_address(dst.split("%", 1)[0])
    except ValueError:
        return False
    return a.is_link_local or a.is_multicast or a == ipaddress.ip_address("255.255.255.255")


def _internet_like(dst: str) -> bool:
    return dst == "default" or dst in ("0.0.0.0", "::")


@rule("route-churn", emits=EMITS, requires=["route_events"], facts=["interfaces"], optional=["pings", "processes"])
def route_churn(ctx: Context):
    ev = ctx.frame("route_events")
    changes = ev[ev["type"].isin(CHANGE_TYPES)].copy()
    if len(changes):
        keep = [not _scaffolding(str(d), f) for d, f in zip(changes["dst"].astype("object").fillna(""),
                                                            changes["flags"])]
        changes = changes[keep]
    if changes.empty:
        return []
    changes["where"] = _where(changes)
    changes["dst"] = changes["dst"].astype("object").fillna("?").astype(str)
    # count per route first (vectorised); only churning routes get the per-route work below
    counts = (changes.groupby(["dst", "where", "type"]).size().unstack("type", fill_value=0)
              .reindex(columns=list(CHANGE_TYPES), fill_value=0))  # crosstab's counts, without its per-cell len()
    adds_n, dels_n, chg_n = counts["RTM_ADD"], counts["RTM_DELETE"], counts["RTM_CHANGE"]
    churning = counts.index[((adds_n >= 2) & (dels_n >= 1)) | ((adds_n + dels_n + chg_n >= 4) & (adds_n > 0) & (dels_n > 0))]
    if churning.empty:
        return []
    changes = changes[pd.MultiIndex.from_frame(changes[["dst", "where"]]).isin(churning)]
    # each churning route's changes as plain rows, routes in order of first appearance (as a
    # groupby(sort=False)): a few list passes per route instead of a frame slice and its Series
    by_route: dict[tuple[str, str], list[dict]] = {}
    for r in changes[["dst", "where", "pid", "interface", "time", "ifscope", "file", "line",
                      "captured_at"]].to_dict("records"):
        by_route.setdefault((r["dst"], r["where"]), []).append(r)
    findings = []
    windows = loss_windows(ctx.frame("pings"))
    for key, rows in by_route.items():
        dst, where = key
        adds, deletes = int(adds_n[key]), int(dels_n[key])
        pids = [int(p) for p in dict.fromkeys(r["pid"] for r in rows if not pd.isna(r["pid"]))]
        writer_names = []
        for pid in pids:
            node = g.node_id("process", pid)
            a = ctx.graph.nodes.get(node, {}) if node in ctx.graph else {}
            writer_names.append(f"{a.get('name') or '?'} (pid {pid})")
        # the route's interface owner, when there is one, is the real author
        iface = [r["interface"] for r in rows if not pd.isna(r["interface"])]
        chain = g.Chain([])
        if iface:
            chain = g.culprit_chain(ctx.graph, g.node_id("interface", iface[0]))
        culprit = g.culprit_of(ctx.graph, chain) if chain else None
        # match against ping loss windows
        times = [r["time"] for r in rows if not pd.isna(r["time"])]
        matched = []
        for _, w in windows.iterrows():
            if pd.isna(w["start"]):
                continue
            if any(w["start"] - WINDOW_SLACK <= t <= w["end"] + WINDOW_SLACK for t in times):
                matched.append(w)
        evidence = [e for e in (ctx.evidence(r) for r in rows[:6]) if e is not None]
        pings = ctx.frame("pings")
        for w in matched[:3]:
            e = ctx.evidence(pings.loc[w["first"]])
            if e:
                evidence.append(e)
        evidence += [e for e in ctx.chain_evidence(chain) if e not in evidence] if chain else []
        # an interface-scoped route never captures unscoped traffic: only unscoped changes can cut the Internet
        unscoped = any(pd.isna(r["ifscope"]) for r in rows)
        internet = unscoped and _internet_like(dst)
        if unscoped and not internet:
            r = ctx.facts.route_for(dst) if dst != "?" else None
            internet = bool(r is not None and r.covers_internet and r.destination == dst)
        apple = ctx.facts.is_apple(where)
        if matched and internet and not apple:
            severity, why = "critical", "why.churn_internet_loss"
        elif matched and not apple:
            severity, why = "warning", "why.churn_loss"
        else:
            severity, why = "info", "why.churn_no_loss" if not matched else "why.churn_apple"
        span = (max(times) - min(times)) if len(times) > 1 else pd.Timedelta(0)
        refs = [f"interface:{where}"]
        if matched:
            refs += ctx.probe_refs(pings.loc[[w["first"] for w in matched[:4]]])
        product = culprit.product if culprit and culprit.product else None
        findings.append(Finding(
            "route-churn", severity,
            params={"route": {"en": f"{dst} on {where}", "zh": f"{where} 上的 {dst}"}, "adds": adds,
                    "deletes": deletes,
                    "writers": ", ".join(writer_names) or {lang: t("who.no_writer", lang) for lang in LANGS},
                    "seconds": int(span.total_seconds()), "loss_windows": len(matched),
                    "behind": {lang: t("part.product_behind", lang, product=product) if product else ""
                               for lang in LANGS}},
            culprit=culprit, evidence=evidence, chain=chain.nodes if chain else [],
            severity_reason=why, reason_params={"windows": len(matched)}, facts=refs,
            remedy=(ctx.product_remedy(chain, "remedy.safe.churn_loss") if severity != "info" else [])
            + [Remedy("route -n monitor", False, "remedy.route_monitor")]))
    return findings
