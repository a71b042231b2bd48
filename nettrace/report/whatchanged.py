"""The postmortem's "What changed" section: a :class:`~nettrace.diff.Diff` as document blocks
(:mod:`nettrace.report.doc`), with a figure of the two routing tables side by side.

``nettrace diff --format markdown`` prints the same blocks as Markdown (without the figure), so
its output drops into the postmortem unchanged. In the notebook::

    whatchanged.section(s, baseline)      # s: the story of AFTER; baseline: BEFORE's path ("" = none)

Every string from a bundle goes out as a code span or escaped prose (doc's renderers escape).
"""
from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from nettrace.diff import AREAS, Diff, diff
from nettrace.diff.compare import SAME
from nettrace.diff.render import mode_line, rows, sentence, summary_line, warning_texts
from nettrace.i18n import t
from nettrace.report import doc

__all__ = ["blocks", "section", "routes_figure", "markdown"]

_RED, _GREEN, _ORANGE, _GREY = "#C0392B", "#2E8B57", "#D68910", "#7F7F7F"


def _h(level: int, s: str) -> dict:
    return {"type": "h", "level": min(level, 6), "spans": [doc.text(s)], "id": "diff-" + doc.slug(s)}


def _cite_spans(row: dict, lang: str) -> list:
    spans = []
    for side in ("before", "after"):
        f = row.get(f"{side}_file")
        if f is None or (not isinstance(f, str) and pd.isna(f)):
            continue
        line = row.get(f"{side}_line")
        where = f"{f}:{'' if line is None or pd.isna(line) else int(line)}"
        text_ = " ".join(str(row.get(f"{side}_text") or "").split())
        value = " ".join(str(row.get(side) or "").split())
        spans += [doc.text(f" · {t('diff.' + side, lang)} "), doc.code(where)]
        if text_ and not (value and text_.startswith(value)):  # the line, unless the sentence already quotes it
            spans += [doc.text(" "), doc.code(text_)]
    return spans


def blocks(d: Diff, lang: str = "en", level: int = 2, figure: bool = True, intro: list | None = None) -> list[dict]:
    """The section's blocks: heading, what was compared, warnings, summary, the routing tables
    figure, then one sub-heading and list per area that changed."""
    out = [_h(level, t("diff.title", lang))]
    if intro:
        out.append({"type": "p", "spans": intro})
    out.append({"type": "p", "spans": [doc.text(mode_line(d, lang))]})
    warns = warning_texts(d, lang)
    if warns:
        out.append({"type": "list", "items": [[doc.text("⚠ " + w)] for w in warns]})
    out.append({"type": "quote", "spans": [doc.text(summary_line(d, lang))]})
    if figure and d.routes_before is not None and d.routes_after is not None:
        fig = routes_figure(d, lang)
        from nettrace.report.figures import png_base64

        out.append({"type": "figure", "name": "diff-routes", "png": png_base64(fig), "alt": t("diff.figure.alt", lang),
                    "caption": [doc.text(t("diff.figure.caption", lang, before=d.before.get("name"),
                                           after=d.after.get("name")))]})
    for area in AREAS:
        items = []
        minor = []
        for r, pair in rows(d, area):
            if r["change"] in SAME and area not in ("internet_route", "findings"):
                continue
            if r.get("minor") is True:
                minor.append(str(r["subject"]))
                continue
            mark = {"unchanged": "= "}.get(r["change"], "")
            items.append([doc.text(mark + sentence(d, r, lang, pair))] + _cite_spans(r, lang))
        if minor:
            items.append([doc.text(t("diff.cache_summary", lang, n=len(minor),
                                     subjects=", ".join(dict.fromkeys(minor))))])
        if items:
            out.append(_h(level + 1, t(f"diff.area.{area}", lang)))
            out.append({"type": "list", "items": items})
    return out


def markdown(d: Diff, lang: str = "en", level: int = 2) -> str:
    """The section as Markdown (no figure: it has no file to live in)."""
    return doc.to_markdown(blocks(d, lang, level, figure=False)) + "\n"


# ------------------------------------------------------------------------------------ figure


def _table(routes: pd.DataFrame) -> list[dict]:
    if routes is None or routes.empty:
        return []
    r = routes[(routes["family"] == "inet")]
    flags = r["flags"].fillna("")
    r = r[~(flags.str.contains("W") | flags.str.contains("L"))]
    return r.sort_values("rank", kind="stable").to_dict("records")


def _status(d: Diff, side: str) -> dict[int, str]:
    """line -> removed | added | changed for one side's routes."""
    out: dict[int, str] = {}
    df = d.frame("routes")
    for r in df.to_dict("records"):
        line = r.get(f"{side}_line")
        if line is None or pd.isna(line):
            continue
        change = r["change"]
        out[int(line)] = change if change in ("added", "removed") else "changed"
    return out


def _short(s, width: int) -> str:
    s = "" if s is None or (not isinstance(s, str) and pd.isna(s)) else str(s)
    return s if len(s) <= width else s[: width - 1] + "…"


def routes_figure(d: Diff, lang: str = "en", max_rows: int = 26) -> Figure:
    """The IPv4 routing tables of both sides in two columns, in table order: removed rows red on
    the left, added green on the right, changed orange on both, the rest grey."""
    from nettrace.report.figures import _lang, _rc

    flang = _lang(lang)
    with matplotlib.rc_context(_rc(lang)):
        left, right = _table(d.routes_before), _table(d.routes_after)
        st_b, st_a = _status(d, "before"), _status(d, "after")
        n = max(min(max(len(left), len(right)), max_rows), 1)
        more = max(len(left), len(right)) > max_rows
        fig = Figure(figsize=(11, 1.0 + 0.27 * (n + (1 if more else 0))))
        ax = fig.add_subplot(1, 1, 1)
        ax.set_axis_off()
        ax.set_xlim(0, 2)
        ax.set_ylim(n + (1 if more else 0) + 0.2, -1.3)
        ax.text(0.01, -0.8, _short(f"{t('diff.before', flang)}: {d.before.get('name')}", 46),
                fontweight="bold", fontsize=9.5)
        ax.text(1.03, -0.8, _short(f"{t('diff.after', flang)}: {d.after.get('name')}", 46),
                fontweight="bold", fontsize=9.5)
        ax.plot([1.01, 1.01], [-1.1, n + 0.2], color="#DDDDDD", linewidth=1)
        colors = {"removed": _RED, "added": _GREEN, "changed": _ORANGE}
        for x, table, status, mark in ((0.01, left, st_b, {"removed": "− "}), (1.03, right, st_a, {"added": "+ "})):
            if not table:
                ax.text(x, 0, t("diff.figure.empty", flang), va="center", color=_GREY)
            for i, r in enumerate(table[:max_rows]):
                s = status.get(int(r["line"])) if pd.notna(r.get("line")) else None
                label = (f"{mark.get(s, '~ ' if s == 'changed' else '  ')}{_short(r.get('destination'), 18):<18} "
                         f"{_short(r.get('gateway'), 17):<17} {_short(r.get('flags'), 7):<7} {_short(r.get('netif'), 9)}")
                ax.text(x, i, label, va="center", family="DejaVu Sans Mono", fontsize=7.6,
                        color=colors.get(s, _GREY), fontweight="bold" if s else "normal")
            if len(table) > max_rows:
                ax.text(x, n, t("diff.figure.more", flang, n=len(table) - max_rows), va="center", color=_GREY,
                        fontsize=8)
        return fig


# ------------------------------------------------------------------------------------ report hook


def section(s, baseline=None, level: int = 2):
    """The "What changed" section of the story *s* (AFTER) against *baseline* (BEFORE: a path or a
    loaded bundle); an empty section when there is no baseline. A baseline that cannot be read
    gives one sentence saying so, never a failed report."""
    from nettrace.report.story import Section

    if baseline is None or (isinstance(baseline, str) and not baseline.strip()):
        return Section([])
    lang = s.lang
    try:
        if isinstance(baseline, (str, bytes)) or hasattr(baseline, "__fspath__"):
            from nettrace.bundle import load

            before = load(baseline)
        else:
            before = baseline
        d = diff(before, s.bundle)
    except Exception as exc:  # noqa: BLE001 - the postmortem still renders
        return Section([_h(level, t("diff.title", lang)),
                        {"type": "p", "spans": [doc.text(t("diff.report.baseline_error", lang,
                                                           baseline=str(baseline), why=str(exc)))]}])
    intro = [doc.text(t("diff.report.intro", lang, baseline=before.name))]
    return Section(blocks(d, lang, level, figure=True, intro=intro))
