"""The routes figure: how the routing table changed over the capture.

:func:`route_changes` is the data (one row per route, one rank column per drawn snapshot) and
:func:`routes_figure` draws it: the table at the start beside the table at the end, with the
periodic snapshots in between when they differ; routes that appeared, vanished or moved rank
marked; the route Internet traffic takes highlighted in each snapshot; interface-scoped (``I``)
routes told apart from global ones; the routes the findings cite always drawn.

Which route Internet traffic takes is a fact (:func:`nettrace.facts_of`: the unscoped
longest-prefix match of public addresses, at the end of the capture). For the earlier snapshots
the figure highlights the first unscoped route to the same destination(s) — or the first
unscoped default when that destination is not in the table yet.

>>> import pandas as pd
>>> r = pd.DataFrame({"snapshot": ["start", "start", "end", "end"], "family": "inet",
...     "destination": "default", "cidr": "0.0.0.0/0", "gateway": ["10.0.0.1", "10.0.0.1", "127.0.0.1", "10.0.0.1"],
...     "netif": ["en0", "en0", "feth1", "en0"], "ifscope": [False, True, False, True],
...     "file": "x", "line": [1, 2, 1, 2]})
>>> ch = route_changes(r, internet=["0.0.0.0/0"])
>>> list(zip(ch["netif"], ch["scoped"], ch["status"], ch["internet@start"], ch["internet@end"]))
[('en0', False, 'vanished', True, False), ('en0', True, 'kept', False, False), ('feth1', False, 'appeared', False, True)]
"""
from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.patches import FancyBboxPatch, Patch

__all__ = ["route_changes", "drawn_snapshots", "routes_figure", "inputs", "STATUSES"]

COLUMNS = ["snapshot", "family", "destination", "cidr", "gateway", "netif", "ifscope", "flags", "file", "line",
           "captured_at"]
# status -> (colour, mark)
STATUSES = {"appeared": ("#1B7837", "+"), "vanished": ("#C0392B", "−"), "reranked": ("#B35806", "↕"),
            "transient": ("#7B3294", "±"), "kept": ("#444444", " ")}
_INTERNET = "#2166AC"
_PRESENT = "#D9D9D9"


def _order(snap: str) -> tuple:
    if snap == "start":
        return (0, 0)
    if snap == "end":
        return (2, 0)
    digits = "".join(ch for ch in str(snap) if ch.isdigit())
    return (1, int(digits) if digits else 0)


def _key(r: dict) -> tuple:
    return (str(r["family"]), str(r["destination"]), str(r["gateway"]), str(r["netif"]), r["ifscope"] is True)


def _tables(routes: pd.DataFrame) -> dict[str, dict[tuple, dict]]:
    """``{snapshot: {route key: row + rank}}`` in snapshot order; rank is the route's place among
    the routes to the same destination in that table (1 = the one the kernel meets first)."""
    df = routes.reindex(columns=list(dict.fromkeys([*routes.columns, *COLUMNS])))
    df = df[df["snapshot"].notna()]
    out: dict[str, dict[tuple, dict]] = {}
    for snap in sorted(df["snapshot"].astype(str).unique(), key=_order):
        seen: dict[tuple, int] = {}
        table: dict[tuple, dict] = {}
        for r in df[df["snapshot"].astype(str) == snap].to_dict("records"):
            r["ifscope"] = bool(r["ifscope"]) if not pd.isna(r["ifscope"]) else False
            dest = (str(r["family"]), str(r["destination"]), r["ifscope"])
            seen[dest] = seen.get(dest, 0) + 1
            table.setdefault(_key(r), {**r, "rank": seen[dest]})
        out[snap] = table
    return out


def drawn_snapshots(tables: dict[str, dict]) -> list[str]:
    """Start and end, and each periodic snapshot whose table differs from the one drawn before."""
    snaps = list(tables)
    if len(snaps) <= 2:
        return snaps
    drawn = [snaps[0]]
    sig = (lambda s: {k: v["rank"] for k, v in tables[s].items()})
    for snap in snaps[1:-1]:
        if sig(snap) != sig(drawn[-1]):
            drawn.append(snap)
    return drawn + [snaps[-1]]


def _internet_of(table: dict[tuple, dict], cidrs: list[str], prefer: tuple | None) -> tuple | None:
    if prefer in table:
        return prefer
    unscoped = [(k, r) for k, r in table.items() if not r["ifscope"]]
    for cidr in cidrs:
        hit = next((k for k, r in unscoped if str(r["cidr"]) == cidr), None)
        if hit is not None:
            return hit
    return next((k for k, r in unscoped if str(r["destination"]) == "default" and str(r["family"]) == "inet"), None)


def route_changes(routes: pd.DataFrame | None, internet: list[str] | tuple = (), cited=(),
                  internet_end: tuple | None = None) -> pd.DataFrame:
    """One row per route of any drawn snapshot: ``family, destination, cidr, gateway, netif,
    scoped, status`` (appeared | vanished | reranked | transient | kept), ``cited`` and, per drawn
    snapshot ``S``, ``rank@S`` (NA where absent) and ``internet@S``.

    *internet*: the CIDRs of the routes Internet traffic takes (facts); *internet_end*: the key of
    that route at the end, when known exactly; *cited*: ``(file, line)`` pairs the findings cite.
    """
    base = ["family", "destination", "cidr", "gateway", "netif", "scoped", "status", "cited", "is_default"]
    if routes is None or routes.empty:
        return pd.DataFrame(columns=base)
    tables = _tables(routes)
    snaps = drawn_snapshots(tables)
    cited = {(str(f), int(n)) for f, n in cited if n is not None}
    keys = list(dict.fromkeys(k for s in snaps for k in tables[s]))
    rows = []
    for k in keys:
        ranks = [tables[s][k]["rank"] if k in tables[s] else None for s in snaps]
        first, last = ranks[0], ranks[-1]
        status = ("transient" if first is None and last is None else "appeared" if first is None else
                  "vanished" if last is None else "reranked" if first != last else "kept")
        row = next(tables[s][k] for s in snaps if k in tables[s])
        hits = any((str(tables[s][k]["file"]), int(tables[s][k]["line"])) in cited
                   for s in snaps if k in tables[s] and not pd.isna(tables[s][k]["line"]))
        rows.append({"family": k[0], "destination": k[1], "cidr": row["cidr"], "gateway": k[2], "netif": k[3],
                     "scoped": k[4], "status": status, "cited": hits, "is_default": k[1] == "default",
                     **{f"rank@{s}": r for s, r in zip(snaps, ranks)}})
    df = pd.DataFrame(rows)
    for s in snaps:
        pick = _internet_of(tables[s], list(internet), internet_end)
        df[f"internet@{s}"] = [k == pick for k in keys]
        df[f"rank@{s}"] = df[f"rank@{s}"].astype("Int64")
    df.attrs["snapshots"] = snaps
    df.attrs["times"] = {s: next((r["captured_at"] for r in tables[s].values()), None) for s in snaps}
    return df


def inputs(bundle, findings) -> dict:
    """The facts the figure needs, as keyword arguments of :func:`route_changes`: the CIDRs and
    the exact route Internet traffic takes (:func:`nettrace.facts_of`) and the netstat lines the
    *findings* cite."""
    import nettrace

    facts = nettrace.facts_of(bundle)
    end = facts.internet["inet"]
    key = None if end is None else (end.family, str(end.destination), str(end.gateway), str(end.netif), bool(end.scoped))
    cited = [(e.file, e.line) for f in findings for e in f.evidence if e.line and "netstat_routes" in e.file]
    return {"internet": [r.cidr for r in facts.internet_routes["inet"]], "cited": cited, "internet_end": key}


def _shown(df: pd.DataFrame, max_rows: int) -> pd.DataFrame:
    """The rows worth drawing, most telling first: cited or Internet routes, changes, defaults."""
    snaps = df.attrs["snapshots"]
    net = df[[f"internet@{s}" for s in snaps]].any(axis=1)
    changed = df["status"] != "kept"
    default4 = df["is_default"] & (df["family"] == "inet")
    prio = (~(df["cited"] | net)).astype(int) * 4 + (~changed).astype(int) * 2 + (~default4).astype(int)
    keep = df[df["cited"] | net | changed | default4].assign(_p=prio).sort_values("_p", kind="stable").head(max_rows)
    order = keep.assign(_f=(keep["family"] != "inet").astype(int), _d=(~keep["is_default"]).astype(int),
                        _s=keep["scoped"].astype(int))
    return order.sort_values(["_f", "_d", "_s"], kind="stable").drop(columns=["_p", "_f", "_d", "_s"])


def routes_figure(changes: pd.DataFrame, label, when, rc: dict, max_rows: int = 24):
    """Draw :func:`route_changes`. *label(key, **kw)* gives the figure's words (message catalog),
    *when(time)* a snapshot time in the capture's offset, *rc* the figure's style."""
    from nettrace.report.figures import Chart, _short

    with matplotlib.rc_context(rc):
        snaps = changes.attrs.get("snapshots", []) if len(changes) else []
        shown = _shown(changes, max_rows) if len(changes) else changes
        hidden = len(changes) - len(shown)
        n = max(len(shown), 1)
        fig = Chart(figsize=(8.6, 1.5 + 0.3 * (n + (1 if hidden else 0))), rc=rc)
        fig.data = shown
        fig.hidden = hidden
        ax = fig.add_subplot(1, 1, 1)
        ax.set_axis_off()
        left, col = 4.9, 1.3
        ax.set_xlim(-0.1, left + col * max(len(snaps), 2))
        ax.set_ylim(n + (1 if hidden else 0) + 0.1, -1.6)
        for j, s in enumerate(snaps):
            name = label("start") if s == "start" else label("end") if s == "end" else label("periodic", n=s.split()[-1])
            ax.text(left + col * j + col / 2, -1.05, f"{name}\n{when(changes.attrs['times'].get(s))}",
                    ha="center", va="center", fontsize=8, fontweight="bold", linespacing=1.2)
        for i, r in enumerate(shown.to_dict("records")):
            color, mark = STATUSES[r["status"]]
            dest = r["destination"] if r["destination"] == "default" else (r["cidr"] or r["destination"])
            text = f"{mark} {_short(dest, 20)} → {_short(r['gateway'], 20)} ({r['netif']})"
            ax.text(0, i, text, va="center", fontsize=8.5, color=color, family="DejaVu Sans Mono",
                    fontweight="bold" if r["status"] != "kept" else "normal")
            tags = ([label("scoped")] if r["scoped"] else []) + ([label("cited")] if r["cited"] else [])
            if tags:
                ax.text(left - 0.1, i, " · ".join(tags), va="center", ha="right", fontsize=7,
                        color="#B35806" if r["cited"] else "#666666", style="italic")
            for j, s in enumerate(snaps):
                rank = r[f"rank@{s}"]
                x = left + col * j + 0.2
                if pd.isna(rank):
                    ax.text(x + (col - 0.4) / 2, i, "·", ha="center", va="center", color="#BBBBBB")
                    continue
                net = bool(r[f"internet@{s}"])
                ax.add_patch(FancyBboxPatch((x, i - 0.32), col - 0.4, 0.64, boxstyle="round,pad=0.02,rounding_size=0.1",
                                            facecolor=_INTERNET if net else _PRESENT, edgecolor="none"))
                ax.text(x + (col - 0.4) / 2, i, f"#{int(rank)}", ha="center", va="center", fontsize=7.5,
                        color="white" if net else "#333333", fontweight="bold" if net else "normal")
        if not len(shown):
            ax.text(0, 0, label("no_routes"), va="center", color="#9A9A9A")
        if hidden:
            ax.text(0, n, label("unchanged", n=hidden), va="center", color="#9A9A9A", fontsize=8.5)
        handles = [Patch(facecolor=_INTERNET, label=label("internet")), Patch(facecolor=_PRESENT, label=label("present"))]
        handles += [Patch(facecolor="none", edgecolor="none", label=f"{STATUSES[k][1]} {label(k)}")
                    for k in ("appeared", "vanished", "reranked")]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=5, frameon=False, fontsize=7.5,
                  handlelength=1.2)
        fig.subplots_adjust(left=0.02, right=0.98, top=0.97, bottom=0.12)
        return fig
