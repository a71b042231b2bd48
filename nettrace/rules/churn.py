"""Route churn: the same route added and deleted again and again (seed 000's "drops every few
minutes"), who wrote it, and whether the ping loops lost replies at the same moments."""
from __future__ import annotations

import pandas as pd

from nettrace import graph as g
from nettrace.findings import Finding, Remedy
from nettrace.rules import Context, rule
from nettrace.rules.routing import chain_evidence, remedy_for

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


@rule("route-churn", requires=["route_events"], optional=["pings", "processes"])
def route_churn(ctx: Context):
    ev = ctx.frame("route_events")
    changes = ev[ev["type"].isin(CHANGE_TYPES)].copy()
    if changes.empty:
        return []
    changes["where"] = _where(changes)
    changes["dst"] = changes["dst"].astype("object").fillna("?").astype(str)
    # count per route first (vectorised); only churning routes get the per-route work below
    counts = pd.crosstab([changes["dst"], changes["where"]], changes["type"]).reindex(columns=list(CHANGE_TYPES), fill_value=0)
    adds_n, dels_n, chg_n = counts["RTM_ADD"], counts["RTM_DELETE"], counts["RTM_CHANGE"]
    churning = counts.index[((adds_n >= 2) & (dels_n >= 1)) | ((adds_n + dels_n + chg_n >= 4) & (adds_n > 0) & (dels_n > 0))]
    if churning.empty:
        return []
    changes = changes[pd.MultiIndex.from_frame(changes[["dst", "where"]]).isin(churning)]
    findings = []
    windows = loss_windows(ctx.frame("pings"))
    for key, grp in changes.groupby(["dst", "where"], sort=False):
        dst, where = key
        adds, deletes = int(adds_n[key]), int(dels_n[key])
        pids = [int(p) for p in grp["pid"].dropna().unique()]
        writer_names = []
        for pid in pids:
            node = g.node_id("process", pid)
            a = ctx.graph.nodes.get(node, {}) if node in ctx.graph else {}
            writer_names.append(f"{a.get('name') or '?'} (pid {pid})")
        # the route's interface owner, when there is one, is the real author
        iface = grp["interface"].dropna()
        chain = g.Chain([])
        if len(iface):
            chain = g.culprit_chain(ctx.graph, g.node_id("interface", iface.iloc[0]))
        culprit = g.culprit_of(ctx.graph, chain) if chain else None
        # match against ping loss windows
        times = grp["time"].dropna()
        matched = []
        for _, w in windows.iterrows():
            if pd.isna(w["start"]):
                continue
            near = times[(times >= w["start"] - WINDOW_SLACK) & (times <= w["end"] + WINDOW_SLACK)]
            if len(near):
                matched.append(w)
        evidence = ctx.evidence_rows(grp, 6)
        pings = ctx.frame("pings")
        for w in matched[:3]:
            e = ctx.evidence(pings.loc[w["first"]])
            if e:
                evidence.append(e)
        evidence += [e for e in chain_evidence(ctx, chain)[1:] if e not in evidence] if chain else []
        is_default = dst == "default"
        severity = "critical" if (matched and is_default) else "warning"
        span = (times.max() - times.min()) if len(times) > 1 else pd.Timedelta(0)
        findings.append(Finding(
            "route-churn", severity,
            params={"route": {"en": f"{dst} on {where}", "zh": f"{where} 上的 {dst}"}, "adds": adds, "deletes": deletes, "writers": ", ".join(writer_names) or "-",
                    "seconds": int(span.total_seconds()), "loss_windows": len(matched),
                    "product": culprit.product if culprit and culprit.product else "-"},
            culprit=culprit, evidence=evidence, chain=chain.nodes if chain else [],
            remedy=remedy_for(ctx, chain) + [Remedy("route -n monitor", False, "remedy.route_monitor")]))
    return findings
