"""Symptoms: what the ping loops saw, on one time axis with the route events."""
from __future__ import annotations

import pandas as pd

from nettrace.report.context import Section, Story, h, p, window

__all__ = ["symptoms", "pings", "ping_stats", "route_events"]


def route_events(s: Story) -> pd.DataFrame:
    """The timeline's route events (in the incident window)."""
    return s.timeline[s.timeline["source"] == "route_event"]


def pings(s: Story) -> pd.DataFrame:
    """Every ping of the ping loops as timeline-like rows (the timeline keeps only changes)."""
    from nettrace.report.figures import ping_rows

    return window(ping_rows(s.bundle.frame("pings")), s.incident_start, s.incident_end)


def ping_stats(s: Story) -> pd.DataFrame:
    """Per target: replies, failures, the first failure and how it failed."""
    rows = []
    pg = pings(s)
    for target, g in pg.groupby(pg["target"].astype(str), sort=False):
        ok = g["outcome"].astype(str) == "reply"
        bad = g[~ok]
        rows.append({"target": target, "replies": int(ok.sum()), "failures": int((~ok).sum()),
                     "first_failure": bad["time"].min() if len(bad) else None,
                     "first_kind": str(bad["outcome"].iloc[0]) if len(bad) else ""})
    return pd.DataFrame(rows, columns=["target", "replies", "failures", "first_failure", "first_kind"])


def symptoms(s: Story) -> Section:
    from nettrace.report.figures import connectivity_figure

    blocks = [h(2, s.t("symptoms.h"))]
    stats = ping_stats(s)
    if stats.empty:
        blocks.append(p(s.f("symptoms.none")))
        return Section(blocks)
    items = []
    for r in stats.to_dict("records"):
        if r["failures"]:
            items.append(s.f("symptoms.target_bad", target=s.c(r["target"]), ok=r["replies"], bad=r["failures"],
                             first=s.c(s.when(r["first_failure"])), kind=s.c(r["first_kind"])))
        else:
            items.append(s.f("symptoms.target_ok", target=s.c(r["target"]), ok=r["replies"]))
    bad = int((stats["failures"] > 0).sum())
    blocks.append(p(s.f("symptoms.p_bad" if bad else "symptoms.p_ok", n=len(stats), bad=bad)))
    blocks.append({"type": "list", "items": items})
    ev = route_events(s)[["time", "source", "kind", "actor", "target"]]
    rows = pd.concat([pings(s), ev], ignore_index=True) if len(ev) else pings(s)
    fig = connectivity_figure(rows, s.lang, s.tz)
    blocks.append(s.fig("connectivity", fig, s.t("figure.connectivity_alt"), s.f("figure.connectivity_caption")))
    return Section(blocks)
