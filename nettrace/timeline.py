"""One UTC clock for everything that happened during the capture.

:func:`build_timeline` merges route-change events (with the writing process), ping outcomes
(changes of state only: the first reply after losses, the first loss after replies), interface
changes between snapshots, the snapshots themselves, probes and log lines.

Columns: ``time`` (UTC), ``source`` (route_event | ping | interface | snapshot | probe | log),
``kind`` (RTM type, ping outcome, …), ``summary`` (one line), ``actor`` (the writer as
``name (pid)``), ``pid``, ``target``, ``outcome``, ``file``, ``line``.
"""
from __future__ import annotations

import pandas as pd

__all__ = ["timeline_of", "build_timeline", "COLUMNS"]

COLUMNS = ["time", "source", "kind", "summary", "actor", "pid", "target", "outcome", "file", "line"]


def _names(bundle) -> dict[int, str]:
    procs = bundle.frame("processes")
    if procs.empty:
        return {}
    return {int(p): str(n) for p, n in zip(procs["pid"], procs["name"]) if pd.notna(p) and pd.notna(n)}


def _route_events(bundle, names) -> pd.DataFrame:
    ev = bundle.frame("route_events")
    if ev.empty:
        return pd.DataFrame(columns=COLUMNS)
    actor = [f"{names.get(int(p), '?')} ({int(p)})" if pd.notna(p) else None for p in ev["pid"]]
    where = ev["interface"].astype("object").fillna(ev["ifp"].astype("object")).fillna("")
    summary = (ev["type"].fillna("?").astype(str) + " " + ev["dst"].fillna("").astype(str) + " "
               + ev["gateway"].fillna("").astype(str) + " " + where.astype(str)).str.strip()
    return pd.DataFrame({
        "time": ev["time"], "source": "route_event", "kind": ev["type"], "summary": summary, "actor": actor,
        "pid": ev["pid"], "target": ev["dst"], "outcome": None, "file": ev["file"], "line": ev["line"]})


def _pings(bundle) -> pd.DataFrame:
    p = bundle.frame("pings")
    if p.empty:
        return pd.DataFrame(columns=COLUMNS)
    p = p[p["outcome"].notna()].copy()
    p["tgt"] = p["target"].astype("object").fillna(p["destination"].astype("object"))
    rows = []
    for tgt, grp in p.groupby("tgt", sort=False):
        changed = grp["outcome"] != grp["outcome"].shift()
        rows.append(grp[changed])
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    ch = pd.concat(rows)
    return pd.DataFrame({
        "time": ch["captured_at"], "source": "ping", "kind": ch["outcome"],
        "summary": "ping " + ch["tgt"].fillna("?").astype(str) + ": " + ch["outcome"].astype(str),
        "actor": None, "pid": pd.NA, "target": ch["tgt"], "outcome": ch["outcome"], "file": ch["file"],
        "line": ch["line"]})


def _interfaces(bundle) -> pd.DataFrame:
    ifs = bundle.frame("interfaces")
    if ifs.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows = []
    prev = None
    for snap, grp in ifs.groupby("captured_at", sort=True):
        state = {n: (s, tuple(f) if isinstance(f, list) else ()) for n, s, f in zip(grp["name"], grp["status"], grp["flags"])}
        if prev is not None:
            for name in sorted(set(state) | set(prev)):
                if name not in prev:
                    kind, text = "appeared", f"interface {name} appeared"
                elif name not in state:
                    kind, text = "vanished", f"interface {name} vanished"
                elif state[name] != prev[name]:
                    kind, text = "changed", f"interface {name} changed ({prev[name][0]} → {state[name][0]})"
                else:
                    continue
                row = grp[grp["name"] == name]
                src = row.iloc[0] if len(row) else None
                rows.append({"time": snap, "source": "interface", "kind": kind, "summary": text, "actor": None,
                             "pid": pd.NA, "target": name, "outcome": None,
                             "file": src["file"] if src is not None else None,
                             "line": src["line"] if src is not None else pd.NA})
        prev = state
    return pd.DataFrame(rows, columns=COLUMNS)


def _snapshots(bundle) -> pd.DataFrame:
    rows = []
    for c in bundle.manifest.get("commands", []):
        if c.get("kind") == "snapshot" and c.get("name") == "netstat_routes" and c.get("started_at"):
            label = c.get("phase") if c.get("phase") != "periodic" else f"periodic {c.get('seq')}"
            rows.append({"time": pd.Timestamp(c["started_at"]), "source": "snapshot", "kind": label,
                         "summary": f"snapshot {label}", "actor": None, "pid": pd.NA, "target": None,
                         "outcome": None, "file": c.get("output"), "line": pd.NA})
    return pd.DataFrame(rows, columns=COLUMNS)


def _probes(bundle) -> pd.DataFrame:
    p = bundle.frame("probes")
    if p.empty:
        return pd.DataFrame(columns=COLUMNS)
    outcome = p["ok"].map(lambda ok: "ok" if ok is True else ("failed" if ok is False else None))
    summary = (p["tool"].astype(str) + " " + p["target"].astype("object").fillna(p["destination"]).astype(str)
               + " as " + p["as"].fillna("?").astype(str) + ": " + outcome.fillna("?").astype(str)
               + p["error"].fillna("").map(lambda e: f" ({e})" if e else ""))
    return pd.DataFrame({
        "time": p["captured_at"], "source": "probe", "kind": p["tool"], "summary": summary, "actor": p["as"],
        "pid": pd.NA, "target": p["target"], "outcome": outcome, "file": p["file"], "line": p["line"]})


def _logs(bundle) -> pd.DataFrame:
    lg = bundle.frame("logs")
    if lg.empty:
        return pd.DataFrame(columns=COLUMNS)
    actor = [f"{n} ({int(p)})" if pd.notna(p) else n for n, p in zip(lg["process"], lg["pid"])]
    return pd.DataFrame({
        "time": lg["time"], "source": "log", "kind": lg["message_type"], "summary": lg["message"].fillna("").astype(str).str.slice(0, 200),
        "actor": actor, "pid": lg["pid"], "target": None, "outcome": None, "file": lg["file"], "line": lg["line"]})


def timeline_of(bundle) -> pd.DataFrame:
    """The timeline of *bundle*, built once (:func:`build_timeline`, memoised in the bundle)."""
    from nettrace.bundle import memo

    return memo(bundle, "timeline", build_timeline)


def build_timeline(bundle) -> pd.DataFrame:
    """All events of *bundle* on one UTC clock, oldest first."""
    names = _names(bundle)
    parts = [_route_events(bundle, names), _pings(bundle), _interfaces(bundle), _snapshots(bundle),
             _probes(bundle), _logs(bundle)]
    parts = [p for p in parts if len(p)]
    if not parts:
        out = pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
        out["time"] = pd.Series(dtype="datetime64[ns, UTC]")
        return out
    out = pd.concat(parts, ignore_index=True)
    out["time"] = pd.to_datetime(out["time"], utc=True, errors="coerce")
    out["pid"] = pd.array(out["pid"], dtype="Int64")
    out["line"] = pd.array(out["line"], dtype="Int64")
    return out.sort_values("time", kind="stable", na_position="last").reset_index(drop=True)
