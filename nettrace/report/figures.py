"""The report's three figures, drawn with matplotlib's Agg canvas (no pyplot, no Graphviz).

Every function returns a :class:`matplotlib.figure.Figure`; :func:`png_base64` turns one into the
base64 PNG the report embeds. Labels come from the message catalog; Chinese labels are used only
when a CJK font is installed (otherwise the English ones, so no figure shows empty boxes).

>>> import pandas as pd
>>> tl = pd.DataFrame({"time": pd.to_datetime(["2025-12-28T02:15:20Z", "2025-12-28T02:15:27Z"]),
...     "source": ["ping", "route_event"], "kind": ["reply", "RTM_ADD"], "summary": ["", ""],
...     "actor": [None, "configd (pid 382)"], "pid": [None, 382], "target": ["1.1.1.1", "default"],
...     "outcome": ["reply", None], "file": ["", ""], "line": [1, 2]})
>>> fig = connectivity_figure(tl)
>>> len(fig.axes)
1
"""
from __future__ import annotations

import base64
import io
import textwrap
from functools import lru_cache

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
import matplotlib.dates as mdates
import pandas as pd

from nettrace.i18n import t, parse_offset

__all__ = ["connectivity_figure", "routes_diff_figure", "draw_chain", "png_base64", "Chart",
           "KIND_COLORS", "parse_offset", "font_for", "missing_font"]

# one colour per graph node kind (culprit chain)
KIND_COLORS = {
    "route": "#4C72B0", "interface": "#55A868", "address": "#8172B2", "process": "#DD8452",
    "executable": "#C44E52", "product": "#937860", "event": "#64B5CD", "neighbor": "#8C8C8C",
    "resolver": "#CCB974",
}
_OK = "#2E8B57"
_BAD = "#C0392B"
_GREY = "#9A9A9A"
_WRITER_COLORS = ["#7B3294", "#E66101", "#1B7837", "#2166AC", "#B2182B", "#5E3C99", "#A6611A"]
_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
              "WenQuanYi Micro Hei", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
              "SimHei", "AR PL UMing CN")


# what to install when no font covers a language's figure text: (Debian/Ubuntu, macOS)
FONT_HINTS = {"zh": ("fonts-noto-cjk", "brew install --cask font-noto-sans-cjk-sc")}


@lru_cache(maxsize=None)
def _cjk_font() -> str | None:
    """The first installed CJK font matplotlib can use, or None.

    matplotlib caches its font list once (``~/.cache/matplotlib``); a font installed after that
    is not in it. So when no CJK font is listed, the system's font files the cache does not know
    are added before giving up (a few milliseconds: only the new files are read)."""
    from matplotlib import font_manager

    def found():
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((n for n in _CJK_FONTS if n in names), None)

    name = found()
    if name is None:
        known = {f.fname for f in font_manager.fontManager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known:
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # an unreadable font file: skip it
                    continue
        name = found()
    return name


def font_for(lang: str) -> str | None:
    """The font figure text of *lang* is drawn with (None: no installed font covers it)."""
    return _cjk_font() if lang == "zh" else "DejaVu Sans"


def missing_font(lang: str) -> str | None:
    """One line saying what to install when no font covers *lang*'s figure text, else None.

    >>> missing_font("en") is None
    True
    """
    if font_for(lang) is not None or lang not in FONT_HINTS:
        return None
    debian, mac = FONT_HINTS[lang]
    return (f"no font for {lang} figure text: the figures use English labels; install one "
            f"(Debian/Ubuntu: sudo apt-get install {debian}; macOS: {mac}) and run again")


def _lang(lang: str) -> str:
    """The language figure labels are written in: zh only when a CJK font exists."""
    return "zh" if lang == "zh" and _cjk_font() else "en"


def _rc(lang: str) -> dict:
    # concrete family names, not the generic "sans-serif": a Text keeps its family from the
    # moment it is made, so a figure drawn later (IPython's inline formatter) finds the same font
    fam = [_cjk_font()] if _lang(lang) == "zh" else []
    return {"font.family": fam + ["DejaVu Sans"], "font.sans-serif": fam + ["DejaVu Sans"],
            "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
            "svg.fonttype": "path", "text.parse_math": False}  # a "$" from a bundle is text, not TeX


class Chart(Figure):
    """A :class:`~matplotlib.figure.Figure` that draws inside the style it was made in and shows
    itself as a PNG in JupyterLab, papermill and nbconvert (``_repr_png_``), with no pyplot and no
    backend switch. Every figure function here returns one.

    Ticks and other lazily made artists read matplotlib's settings when the figure is drawn, so
    drawing (``savefig``, a notebook's display, ``canvas.draw``) runs in the figure's own
    ``rc_context``: the CJK font chosen for a Chinese figure is the font it is saved with.
    """

    def __init__(self, *args, rc: dict | None = None, **kwargs):
        self._nettrace_rc = dict(rc or {})
        #: the font the figure's own text is drawn with (its first family)
        self.font = (self._nettrace_rc.get("font.family") or [None])[0]
        with matplotlib.rc_context(self._nettrace_rc):
            super().__init__(*args, **kwargs)

    def draw(self, renderer):
        with matplotlib.rc_context(self._nettrace_rc):
            return super().draw(renderer)

    def savefig(self, *args, **kwargs):
        with matplotlib.rc_context(self._nettrace_rc):
            return super().savefig(*args, **kwargs)

    def png(self, dpi: int = 110) -> bytes:
        """The figure as PNG bytes (tight box, white background)."""
        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
        return buf.getvalue()

    def _repr_png_(self) -> bytes:
        return self.png()


def png_base64(fig: Figure, dpi: int = 110) -> str:
    if isinstance(fig, Chart):
        return base64.b64encode(fig.png(dpi)).decode("ascii")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _l(key: str, lang: str, **kw) -> str:
    return t(f"report.figure.{key}", _lang(lang), **kw)


def _short(s, width: int = 34) -> str:
    s = "" if s is None or (isinstance(s, float) and pd.isna(s)) else str(s)
    return s if len(s) <= width else s[: width - 1] + "…"


# ------------------------------------------------------------------ (a) connectivity + route events

PING_COLUMNS = ["time", "source", "target", "outcome", "kind", "actor"]


def ping_rows(pings: pd.DataFrame | None) -> pd.DataFrame:
    """Every ping of the ping loops (the ``pings`` frame) as timeline-like rows for
    :func:`connectivity_figure` (the timeline itself keeps only changes)."""
    if pings is None or pings.empty:
        return pd.DataFrame(columns=PING_COLUMNS)
    p = pings[pings["outcome"].notna()]
    target = p["target"].astype("object").fillna(p["destination"].astype("object"))
    df = pd.DataFrame({"time": pd.to_datetime(p["captured_at"], utc=True), "source": "ping",
                       "target": target.astype(str), "outcome": p["outcome"].astype(str),
                       "kind": p["outcome"].astype(str), "actor": None})
    return df.dropna(subset=["time"])


def connectivity_figure(timeline: pd.DataFrame, lang: str = "en", tz: str | None = None) -> Figure:
    """Ping outcomes per target (one lane each) and route events (lines coloured by the process
    that wrote them) on one time axis."""
    with matplotlib.rc_context(_rc(lang)):
        tzinfo = parse_offset(tz)
        pings = timeline[timeline["source"] == "ping"].dropna(subset=["time"])
        events = timeline[timeline["source"] == "route_event"].dropna(subset=["time"])
        targets = list(dict.fromkeys(pings["target"].astype(str)))
        lanes = max(len(targets), 1)
        fig = Chart(figsize=(10, 1.6 + 0.45 * lanes), rc=_rc(lang))
        ax = fig.add_subplot(1, 1, 1)
        for i, target in enumerate(targets):
            rows = pings[pings["target"].astype(str) == target]
            ok = rows["outcome"].astype(str) == "reply"
            ax.scatter(rows.loc[ok, "time"], [i] * int(ok.sum()), marker="|", s=140, color=_OK,
                       linewidths=2)
            ax.scatter(rows.loc[~ok, "time"], [i] * int((~ok).sum()), marker="x", s=36, color=_BAD,
                       linewidths=1.5)
        kernel = _l("kernel", lang)  # RTM_IFINFO, RTM_NEWADDR: no pid, the kernel reports them
        writers = list(dict.fromkeys(events["actor"].fillna(kernel).astype(str)))
        colors = {w: _WRITER_COLORS[n % len(_WRITER_COLORS)] for n, w in enumerate(writers)}
        for _, ev in events.iterrows():
            w = kernel if pd.isna(ev["actor"]) else str(ev["actor"])
            ax.axvline(ev["time"], color=colors[w], alpha=0.75, linewidth=1.4,
                       linestyle="-" if "ADD" in str(ev["kind"]) else "--")
        ax.set_yticks(range(len(targets)))
        ax.set_yticklabels([_short(x, 28) for x in targets])
        ax.set_ylim(-0.7, lanes - 0.3)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S", tz=tzinfo))
        ax.set_xlabel(_l("time_axis", lang, tz=tz or "UTC"))
        handles = [matplotlib.lines.Line2D([], [], marker="|", color=_OK, linestyle="", markersize=10,
                                           label=_l("reply", lang)),
                   matplotlib.lines.Line2D([], [], marker="x", color=_BAD, linestyle="",
                                           label=_l("no_reply", lang))]
        handles += [matplotlib.lines.Line2D([], [], color=colors[w], label=_l("written_by", lang,
                                                                              writer=_short(w, 40)))
                    for w in writers]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.28 - 0.02 * lanes),
                  ncol=min(4, len(handles)), frameon=False, fontsize=8)
        ax.grid(axis="x", alpha=0.25)
        fig.tight_layout()
        return fig


# ------------------------------------------------------------------ (b) routes over the capture

def routes_diff_figure(routes: pd.DataFrame, lang: str = "en", internet=(), cited=(), internet_end=None,
                       tz: str | None = None, max_rows: int = 24) -> Figure:
    """How the routing table changed: :func:`nettrace.report.routes.routes_figure` of
    :func:`~nettrace.report.routes.route_changes` (*internet*: the CIDRs Internet traffic takes,
    *cited*: ``(file, line)`` the findings cite), labelled in *lang*, times in offset *tz*."""
    from nettrace.report.routes import route_changes, routes_figure

    tzinfo = parse_offset(tz)

    def when(ts) -> str:
        if ts is None or pd.isna(ts):
            return ""
        return pd.Timestamp(ts).tz_convert(tzinfo).strftime("%H:%M:%S")

    changes = route_changes(routes, internet, cited, internet_end)
    return routes_figure(changes, lambda key, **kw: _l(key, lang, **kw), when, _rc(lang), max_rows)


# ------------------------------------------------------------------ (c) the culprit chain

def _node_label(G, node) -> str:
    attrs = G.nodes[node] if node in G else {}
    label = attrs.get("label") or str(node).split(":", 1)[-1]
    return str(label)


def draw_chain(G, chain, lang: str = "en") -> Figure:
    """The culprit chain left to right: one box per node, coloured by its ``kind``, each arrow
    named by its relation. *chain* has ``.nodes`` and ``.edges`` [(u, v, relation)]."""
    with matplotlib.rc_context(_rc(lang)):
        nodes = list(getattr(chain, "nodes", chain) or [])
        rel = {(u, v): r for u, v, r in (getattr(chain, "edges", None) or [])}
        n = max(len(nodes), 1)
        per_row = 4 if n > 5 else n
        rows = (n + per_row - 1) // per_row
        fig = Chart(figsize=(min(12, 2.9 * per_row + 0.4), 1.9 * rows + 0.5), rc=_rc(lang))
        ax = fig.add_subplot(1, 1, 1)
        ax.set_axis_off()
        ax.set_xlim(-0.1, per_row * 3 - 0.6)
        ax.set_ylim(rows * 2 - 0.4, -0.9)
        pos = {}
        for i, node in enumerate(nodes):
            r, c = divmod(i, per_row)
            x, y = c * 3, r * 2
            pos[node] = (x, y)
            kind = (G.nodes[node].get("kind") if node in G else None) or str(node).split(":", 1)[0]
            color = KIND_COLORS.get(kind, "#777777")
            ax.add_patch(FancyBboxPatch((x, y - 0.55), 2.3, 1.1, boxstyle="round,pad=0.04,rounding_size=0.12",
                                        facecolor=color, edgecolor="none", alpha=0.92))
            ax.text(x + 1.15, y - 0.36, t(f"report.kind.{kind}", _lang(lang))
                    if f"report.kind.{kind}" in _kinds(_lang(lang)) else kind,
                    ha="center", va="center", fontsize=7.5, color="white", alpha=0.9)
            label = "\n".join(textwrap.wrap(_node_label(G, node), 22, break_on_hyphens=False)[:3])
            ax.text(x + 1.15, y + 0.08, label, ha="center", va="center", fontsize=8.5,
                    color="white", fontweight="bold", linespacing=1.15)
        for a, b in zip(nodes, nodes[1:]):
            (x0, y0), (x1, y1) = pos[a], pos[b]
            r = rel.get((a, b)) or rel.get((b, a)) or ""
            if f"report.rel.{r}" in _msgs(_lang(lang)):
                r = t(f"report.rel.{r}", _lang(lang))
            if y0 == y1:
                ax.annotate("", xy=(x1 - 0.03, y1), xytext=(x0 + 2.33, y0),
                            arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 1.4})
                ax.text((x0 + 2.3 + x1) / 2, y0 - 0.2, r, ha="center", va="bottom", fontsize=7,
                        color="#333333")
            else:  # wrap to the next row
                ax.annotate("", xy=(x1 + 1.15, y1 - 0.58), xytext=(x0 + 1.15, y0 + 0.58),
                            arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 1.4,
                                        "connectionstyle": "arc3,rad=0.0"})
                ax.text((x0 + x1) / 2 + 1.3, (y0 + y1) / 2, r, ha="center", va="center",
                        fontsize=7, color="#333333")
        return fig


@lru_cache(maxsize=None)
def _msgs(lang: str) -> frozenset:
    from nettrace.i18n import messages

    return frozenset(messages(lang))


@lru_cache(maxsize=None)
def _kinds(lang: str) -> frozenset:
    from nettrace.i18n import messages

    return frozenset(k for k in messages(lang) if k.startswith("report.kind."))
