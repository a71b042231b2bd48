"""Questions you may have (only those the data answers) and the appendix: every finding, then
the raw lines each one cites, once each."""
from __future__ import annotations

import pandas as pd

from nettrace.i18n import t
from nettrace.products import system_proxies
from nettrace.report.context import MONITOR_FILE, Section, Story, h, p, s_
from nettrace.report.investigation import key_event, writes
from nettrace.report.symptoms import ping_stats, route_events

__all__ = ["questions", "appendix"]


def questions(s: Story) -> Section:
    qs: list[tuple[str, list]] = []
    ev = route_events(s)
    key = key_event(s)
    adds = [r for r in writes(s) if r.get("type") in ("RTM_ADD", "RTM_CHANGE")]
    actor = {int(r["line"]): s_(r["actor"]) for r in ev.to_dict("records")}
    if key is not None and adds:
        # why did reconnecting Wi-Fi help for a while: a default on another interface was written
        # (the reconnect), then the culprit's route was added on top again
        culprit_ifs = {s.label(n) for n in s.chain_nodes("interface")}
        mine = {int(r["line"]) for r in writes(s)}
        before = ev[(ev["time"] < key["time"]) & ev["kind"].isin(["RTM_ADD", "RTM_CHANGE"])
                    & (ev["target"] == "default") & ~ev["line"].isin(mine)]
        before = before[~before["summary"].astype(str).map(lambda x: any(i in x.split() for i in culprit_ifs))]
        if len(before):
            o = before.iloc[-1]
            gap = (pd.Timestamp(key["time"]) - pd.Timestamp(o["time"])).total_seconds()
            qs.append(("q.reconnect", s.f("q.reconnect_a", t1=s.c(s.when(o["time"])), ev=s.c(o["kind"]),
                                          target=s.c(s_(o["summary"]).removeprefix(s_(o["kind"])).strip()),
                                          t2=s.c(s.when(key["time"])), gap=int(gap),
                                          product=s.c(s.product or actor.get(int(key["line"]), "")))))
    if len(adds) >= 2:
        qs.append(("q.comes_back", s.f("q.comes_back_a", n=len(adds), actor=s.c(actor.get(int(adds[0]["line"]), "")))))
    who = actor.get(int(key["line"]), "") if key is not None else ""
    if who.split(" ")[0] in system_proxies() and s.chain_nodes("process"):
        qs.append(("q.proxy", s.f("q.proxy_a", actor=s.c(who), pid=s.c(s.chain_nodes("process")[0].split(":", 1)[1]))))
    stats = ping_stats(s)
    gw = s_(s.bundle.manifest.get("default_gateway"))
    if gw and len(stats) and s.main is not None:
        g = stats[stats["target"] == gw]
        others = stats[(stats["target"] != gw) & (stats["failures"] > 0)]
        if len(g) and g["replies"].iloc[0] > 0 and len(others):
            qs.append(("q.other_devices", s.f("q.other_devices_a", gw=s.c(gw), n=int(g["replies"].iloc[0]),
                                              targets=s.c(", ".join(others["target"])))))
    if not qs:
        return Section([])
    blocks = [h(2, s.t("questions.h"))]
    for k, answer in qs:
        blocks += [h(4, s.t(k, product=s.product or "?")), p(answer)]
    return Section(blocks)


def appendix(s: Story) -> Section:
    """Every finding in a table, then the raw lines each one cites."""
    blocks = [h(2, s.t("appendix.h")), h(3, s.t("appendix.findings"))]
    if s.findings:
        blocks.append({"type": "table",
                       "header": [[["text", s.t("col.severity")]], [["text", s.t("col.finding")]],
                                  [["text", s.t("col.culprit")]], [["text", s.t("col.evidence")]]],
                       "rows": [[[["text", t(f"severity.{f.severity}", s.lang)]], [["text", f.title(s.lang)]],
                                 [s.c(f.culprit.label()) if f.culprit else ["text", "—"]],
                                 [["text", str(len(f.evidence))]]] for f in s.findings]})
    else:
        blocks.append(p(s.f("appendix.no_findings")))
    cited = [e for f in s.findings for e in f.evidence]
    if cited:
        blocks.append(h(3, s.t("appendix.raw")))
        seen: set = set()
        for e in cited:
            if (e.file, e.line) in seen or len(seen) >= 40:
                continue
            seen.add((e.file, e.line))
            q = s.quote(e.file, [e.line], time=e.timestamp, block="monitor" if e.file == MONITOR_FILE else None,
                        header=1 if e.file.endswith(("ps.out", "lsof.out")) else None) if e.line else None
            blocks.append(q or {"type": "evidence", "command": s.r(s.command_line(e.file)), "file": e.file,
                                "line": e.line, "time": s.when(e.timestamp) if e.timestamp else "",
                                "text": s.r(e.text)})
    if len(s.bundle.warnings):
        blocks.append(p(s.f("appendix.warnings", n=len(s.bundle.warnings))))
    return Section(blocks)
