"""Helpers for the exploration notebooks (``notebooks/explore_bundle.ipynb`` and friends): each
returns a DataFrame, a figure or a story section, so every notebook cell stays one call.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

import nettrace

__all__ = ["setup", "load", "resolve", "overview", "commands", "snapshot", "route_changes", "route_events",
           "chain_of", "chain_figure", "findings_table", "routes_figure", "connectivity", "PANDAS_OPTIONS"]

# show whole cells: pandas cuts text at 50 characters by default
PANDAS_OPTIONS = {"display.max_colwidth": None, "display.max_rows": 500, "display.max_columns": None,
                  "display.width": None}


def setup() -> None:
    """Notebook-wide display options (no truncated paths or addresses)."""
    for key, value in PANDAS_OPTIONS.items():
        pd.set_option(key, value)


def resolve(path) -> Path:
    """*path* as given when it exists, else relative to the repository root.

    The notebooks' default bundles are written from the root (``data/samples/…``), so a notebook
    finds them whether JupyterLab runs it in ``notebooks/`` (``make lab``) or in the root.

    >>> resolve("data/samples").name
    'samples'
    """
    p = Path(path).expanduser()
    if p.exists() or p.is_absolute():
        return p
    root = Path(__file__).resolve().parents[2]
    for base in (root, root / "notebooks"):
        if (base / p).exists():
            return base / p
    return p


_LOADED: dict = {}  # the last bundle loaded, by path and modification time


def load(path):
    """``nettrace.load`` of :func:`resolve` (*path*); the last bundle is kept, so the report's
    checks and its notebook (run in the same process) load it once."""
    p = resolve(path).resolve()
    try:
        st = p.stat()
        key = (str(p), st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    if key is not None and key in _LOADED:
        return _LOADED[key]
    bundle = nettrace.load(p)
    if key is not None:
        _LOADED.clear()
        _LOADED[key] = bundle
    return bundle


def overview(bundle) -> pd.DataFrame:
    """One row per frame: its rows and columns, largest first."""
    rows = [{"frame": name, "rows": len(df), "columns": len(df.columns)}
            for name, df in bundle.frames.items()]
    return pd.DataFrame(rows).sort_values("rows", ascending=False, ignore_index=True)


def commands(bundle) -> pd.DataFrame:
    """The manifest's command list: what ran, as whom, how it ended."""
    cols = ["name", "phase", "seq", "target", "as", "exit_code", "timed_out", "truncated", "bytes",
            "skipped", "output"]
    df = pd.DataFrame(bundle.manifest.get("commands", []))
    return df[[c for c in cols if c in df.columns]]


def snapshot(bundle, frame: str, which: str = "end") -> pd.DataFrame:
    """Rows of *frame* from one snapshot (``start``, ``end`` or ``periodic N``)."""
    df = bundle.frames[frame]
    return df[df["snapshot"].astype(str) == which] if "snapshot" in df else df


def route_changes(bundle) -> pd.DataFrame:
    """Routes that appeared, vanished or moved rank over the capture (the routes figure's data:
    one ``rank@SNAPSHOT`` column per snapshot drawn, ``internet@SNAPSHOT`` for the route
    Internet traffic takes)."""
    from nettrace.report import routes

    df = routes.route_changes(bundle.frame("routes"), **routes.inputs(bundle, nettrace.findings_of(bundle)))
    return df[df["status"] != "kept"].reset_index(drop=True)


def route_events(bundle) -> pd.DataFrame:
    """The timeline's route events (time, kind, target, writer)."""
    tl = nettrace.timeline_of(bundle)
    return tl[tl["source"] == "route_event"].reset_index(drop=True)


def chain_of(bundle, node: str | None = None):
    """The culprit chain of *node* (default: the first finding's chain), as data."""
    from nettrace.graph import culprit_chain

    G = nettrace.graph_of(bundle)
    if node is None:
        chained = [f for f in nettrace.findings_of(bundle) if f.chain]
        if not chained:
            return None
        node = chained[0].chain[0]
    return culprit_chain(G, node)


def chain_figure(bundle, node: str | None = None):
    """The drawing of :func:`chain_of`."""
    from nettrace.report.figures import draw_chain

    chain = chain_of(bundle, node)
    return draw_chain(nettrace.graph_of(bundle), chain) if chain is not None else None


def findings_table(bundle) -> pd.DataFrame:
    """One row per finding: severity, id, title, culprit, evidence lines, first remedy."""
    rows = [{"severity": f.severity, "id": f.id, "title": f.title("en"),
             "culprit": f.culprit.label() if f.culprit else None, "evidence": len(f.evidence),
             "remedy": f.remedy[0].command if f.remedy else None} for f in nettrace.findings_of(bundle)]
    return pd.DataFrame(rows, columns=["severity", "id", "title", "culprit", "evidence", "remedy"])


def routes_figure(bundle, lang: str = "en"):
    """The routing table's change over the capture (the report's routes figure)."""
    from nettrace.report import routes
    from nettrace.report.figures import routes_diff_figure

    return routes_diff_figure(bundle.frame("routes"), lang, tz=bundle.manifest.get("timezone"),
                              **routes.inputs(bundle, nettrace.findings_of(bundle)))


def connectivity(bundle, lang: str = "en"):
    """Ping replies and failures per target and the route events, on one local-time axis."""
    from nettrace.report.figures import connectivity_figure, ping_rows

    events = route_events(bundle)
    rows = pd.concat([ping_rows(bundle.frames.get("pings")), events[["time", "source", "kind", "actor", "target"]]],
                     ignore_index=True)
    return connectivity_figure(rows, lang, bundle.manifest.get("timezone"))
