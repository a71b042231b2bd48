"""Helpers for the exploration notebooks (``notebooks/explore_bundle.ipynb`` and friends): each
returns a DataFrame, a figure or a story section, so every notebook cell stays one call.
"""
from __future__ import annotations

import pandas as pd

__all__ = ["setup", "overview", "commands", "snapshot", "route_changes", "route_events",
           "chain_of", "chain_figure", "PANDAS_OPTIONS"]

# show whole cells: pandas cuts text at 50 characters by default
PANDAS_OPTIONS = {"display.max_colwidth": None, "display.max_rows": 500, "display.max_columns": None,
                  "display.width": None}


def setup() -> None:
    """Notebook-wide display options (no truncated paths or addresses)."""
    for key, value in PANDAS_OPTIONS.items():
        pd.set_option(key, value)


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
    """Routes that appeared or vanished between the start and end snapshots."""
    from nettrace.report.figures import routes_diff

    diff = routes_diff(bundle.frames.get("routes"))
    return diff[diff["status"] != "kept"].reset_index(drop=True)


def route_events(bundle) -> pd.DataFrame:
    """The timeline's route events (time, kind, target, writer)."""
    tl = bundle.timeline()
    return tl[tl["source"] == "route_event"].reset_index(drop=True)


def chain_of(bundle, node: str | None = None):
    """The culprit chain of *node* (default: the first finding's chain), as data."""
    from nettrace.graph import culprit_chain

    G = bundle.graph()
    if node is None:
        chained = [f for f in bundle.findings() if f.chain]
        if not chained:
            return None
        node = chained[0].chain[0]
    return culprit_chain(G, node)


def chain_figure(bundle, node: str | None = None):
    """The drawing of :func:`chain_of`."""
    from nettrace.report.figures import draw_chain

    chain = chain_of(bundle, node)
    return draw_chain(bundle.graph(), chain) if chain is not None else None
