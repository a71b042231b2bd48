"""The fleet overview: DataFrames and figures over a fleet dataset, and the blocks of its report.

``nettrace fleet report FLEET_DIR -o OUT`` runs ``notebooks/fleet.ipynb`` with papermill through
the postmortem's machinery (:func:`nettrace.report.render.execute`, the in-process engine, the
same offline HTML page and escaping); every cell is one call here. Query functions take a DuckDB
connection (:func:`nettrace.fleet.connect`) and return pandas DataFrames; figure functions return
:class:`nettrace.report.figures.Chart` (a ``matplotlib.figure.Figure``, no pyplot) drawn with the
report's fonts, so Chinese labels get the CJK font the postmortem uses.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from matplotlib.ticker import MaxNLocator

from nettrace.i18n import t
from nettrace.report import doc
from nettrace.report.context import Section
from nettrace.report.figures import Chart, _lang, _rc, png_base64

__all__ = ["bundles_by_day", "findings_by_class", "products", "macos_versions", "critical_macs",
           "figure_bundles", "figure_findings", "Overview", "open_overview", "render_fleet_report"]

SEVERITIES = ("critical", "warning", "info")


def bundles_by_day(con) -> pd.DataFrame:
    """``day, bundles, with_critical``: captures per UTC day of their start."""
    return con.execute(
        "SELECT CAST(started_at AS DATE) AS day, count(*) AS bundles, "
        "count(*) FILTER (WHERE worst_severity = 'critical') AS with_critical "
        "FROM bundles WHERE started_at IS NOT NULL GROUP BY 1 ORDER BY 1").df()


def findings_by_class(con) -> pd.DataFrame:
    """``id, severity, findings, macs``: findings per class (rule id) and severity."""
    return con.execute(
        "SELECT id, severity, count(*) AS findings, count(DISTINCT bundle_id) AS macs FROM findings "
        "GROUP BY 1, 2 ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, "
        "findings DESC, id").df()


def products(con) -> pd.DataFrame:
    """``product, product_version, executable, severity, findings, macs``: the culprits of findings."""
    return con.execute(
        "SELECT product, product_version, executable, severity, count(*) AS findings, "
        "count(DISTINCT bundle_id) AS macs FROM findings WHERE product IS NOT NULL GROUP BY 1, 2, 3, 4 "
        "ORDER BY macs DESC, findings DESC, 1, 2 NULLS LAST, 3").df()


def macos_versions(con) -> pd.DataFrame:
    """``macos_version, macos_build, bundles, with_critical``."""
    return con.execute(
        "SELECT coalesce(macos_version, '?') AS macos_version, coalesce(macos_build, '?') AS macos_build, "
        "count(*) AS bundles, count(*) FILTER (WHERE worst_severity = 'critical') AS with_critical "
        "FROM bundles GROUP BY 1, 2 ORDER BY bundles DESC, 1, 2").df()


def critical_macs(con) -> pd.DataFrame:
    """``bundle_id, file, host, macos_version, started_at, findings, products, now, now_at``: bundles
    with a critical finding (its ids and culprit products joined by ', '), newest first. ``now`` says
    whether the fix reached that Mac, from the newest capture of the same ``machine``: ``latest``
    (this is its newest capture: broken as far as the fleet knows), ``still`` (a later capture is
    critical too), ``fixed`` (a later capture has no critical finding), null (machine unknown);
    ``now_at`` is that newest capture's start."""
    return con.execute(
        "WITH newest AS (SELECT machine, max(started_at) AS now_at, "
        "  arg_max(coalesce(worst_severity, 'none'), started_at) AS now_severity "
        "  FROM bundles WHERE machine IS NOT NULL GROUP BY 1) "
        "SELECT b.bundle_id, b.file, b.host, b.macos_version, b.started_at, "
        "string_agg(DISTINCT f.id, ', ' ORDER BY f.id) AS findings, "
        "string_agg(DISTINCT f.product, ', ' ORDER BY f.product) AS products, "
        "CASE WHEN n.machine IS NULL THEN NULL WHEN n.now_at <= b.started_at THEN 'latest' "
        "  WHEN n.now_severity = 'critical' THEN 'still' ELSE 'fixed' END AS now, n.now_at "
        "FROM bundles b JOIN findings f USING (bundle_id) LEFT JOIN newest n USING (machine) "
        "WHERE f.severity = 'critical' "
        "GROUP BY b.bundle_id, b.file, b.host, b.macos_version, b.started_at, n.machine, n.now_at, n.now_severity "
        "ORDER BY b.started_at DESC NULLS LAST, b.host").df()


def _l(key: str, lang: str, **kw) -> str:
    return t(f"fleet.figure.{key}", _lang(lang), **kw)


def figure_bundles(df: pd.DataFrame, lang: str = "en") -> Chart:
    """Bars of bundles per day, the part with a critical finding drawn over them."""
    fig = Chart(figsize=(8, 2.6), rc=_rc(lang))
    ax = fig.subplots()
    x = [str(d)[:10] for d in df["day"]] if len(df) else []
    ax.bar(x, df["bundles"] if len(df) else [], color="#9ab", label=_l("bundles", lang))
    ax.bar(x, df["with_critical"] if len(df) else [], color="#c33", label=_l("with_critical", lang))
    ax.set_ylabel(_l("bundles", lang))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    return fig


def figure_findings(df: pd.DataFrame, lang: str = "en") -> Chart:
    """Horizontal bars of Macs per finding class, stacked by severity."""
    ids = list(dict.fromkeys(df["id"])) if len(df) else []
    fig = Chart(figsize=(8, 0.8 + 0.3 * max(len(ids), 1)), rc=_rc(lang))
    ax = fig.subplots()
    colors = {"critical": "#c33", "warning": "#e93", "info": "#7a9"}
    left = [0] * len(ids)
    for sev in SEVERITIES:
        part = df[df["severity"] == sev].set_index("id")["macs"] if len(df) else pd.Series(dtype=int)
        vals = [int(part.get(i, 0)) for i in ids]
        ax.barh(ids, vals, left=left, color=colors[sev], label=t(f"severity.{sev}", _lang(lang)))
        left = [a + b for a, b in zip(left, vals)]
    ax.invert_yaxis()
    ax.set_xlabel(_l("macs", lang))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="lower right", fontsize=7, frameon=False)
    return fig


class Overview:
    """The dataset opened once for the notebook's cells."""

    def __init__(self, fleet_dir: str, lang: str = "en", postmortems: str = "", out_dir: str = "."):
        from nettrace.fleet import connect

        self.fleet_dir, self.lang, self.out_dir = str(fleet_dir), lang, str(out_dir or ".")
        self.postmortems = str(postmortems or "")
        self.con = connect(self.fleet_dir)

    def t(self, key: str, **kw) -> str:
        return t(f"fleet.{key}", self.lang, **kw)

    def postmortem_link(self, file: str | None) -> str | None:
        """The path, relative to the report, of ``POSTMORTEMS/<bundle stem>/postmortem[.zh].html``."""
        if not self.postmortems or not file:
            return None
        stem = Path(str(file)).name.removesuffix(".tar.gz").removesuffix(".tgz")
        folder = Path(self.postmortems) / stem
        for name in ((f"postmortem.{self.lang}.html",) if self.lang != "en" else ()) + ("postmortem.html",):
            if (folder / name).is_file():
                return os.path.relpath(folder / name, self.out_dir)
        return None


def open_overview(fleet_dir: str, lang: str = "en", postmortems: str = "", output_dir: str = ".") -> Overview:
    return Overview(fleet_dir, lang, postmortems, output_dir)


def _h(level: int, text_: str) -> dict:
    return {"type": "h", "level": level, "spans": [doc.text(text_)], "id": doc.slug(text_)}


def _table(o: Overview, df: pd.DataFrame, columns: dict[str, str], code_cols=()) -> dict:
    if not len(df):
        return {"type": "p", "spans": [doc.text(o.t("none"))]}
    header = [[doc.text(o.t(f"col.{c}"))] for c in columns]
    rows = []
    for rec in df.to_dict("records"):
        row = []
        for c in columns:
            v = rec.get(c)
            v = "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            row.append([doc.code(v) if c in code_cols else doc.text(v)])
        rows.append(row)
    return {"type": "table", "header": header, "rows": rows}


def _figure(name: str, fig: Chart, alt: str) -> dict:
    return {"type": "figure", "name": name, "png": png_base64(fig), "alt": alt, "caption": [doc.text(alt)]}


def summary(o: Overview) -> Section:
    n = o.con.execute("SELECT count(*), count(*) FILTER (WHERE worst_severity = 'critical') FROM bundles").fetchone()
    errors = o.con.execute("SELECT count(*) FROM errors").fetchone()[0]
    title = o.t("title")
    return Section([{"type": "meta", "front_matter": {"title": title, "description": o.t("description")}},
                    {"type": "h", "level": 1, "spans": [doc.text(title)], "id": "fleet"},
                    {"type": "p", "spans": [doc.text(o.t("summary", bundles=n[0], critical=n[1], errors=errors))]}])


def over_time(o: Overview) -> Section:
    df = bundles_by_day(o.con)
    return Section([_h(2, o.t("h.time")), _figure("bundles", figure_bundles(df, o.lang), o.t("alt.time"))])


def findings(o: Overview) -> Section:
    df = findings_by_class(o.con)
    blocks = [_h(2, o.t("h.findings"))]
    if len(df):
        blocks.append(_figure("findings", figure_findings(df, o.lang), o.t("alt.findings")))
    df = df.assign(severity=[t(f"severity.{s}", o.lang) if s in SEVERITIES else s for s in df["severity"]])
    blocks.append(_table(o, df, {"id": 0, "severity": 0, "findings": 0, "macs": 0}, code_cols=("id",)))
    return Section(blocks)


def culprits(o: Overview) -> Section:
    df = products(o.con)
    df = df.assign(severity=[t(f"severity.{s}", o.lang) if s in SEVERITIES else s for s in df["severity"]])
    return Section([_h(2, o.t("h.products")), {"type": "p", "spans": [doc.text(o.t("products.note"))]},
                    _table(o, df, {"product": 0, "product_version": 0, "severity": 0, "findings": 0, "macs": 0, "executable": 0},
                           code_cols=("executable",))])


def macos(o: Overview) -> Section:
    return Section([_h(2, o.t("h.macos")),
                    _table(o, macos_versions(o.con), {"macos_version": 0, "macos_build": 0, "bundles": 0,
                                                      "with_critical": 0})])


def critical(o: Overview) -> Section:
    df = critical_macs(o.con)
    blocks = [_h(2, o.t("h.critical"))]
    if not len(df):
        return Section(blocks + [{"type": "p", "spans": [doc.text(o.t("none"))]}])
    blocks.append({"type": "p", "spans": [doc.text(o.t("critical.note"))]})
    header = [[doc.text(o.t(f"col.{c}"))] for c in ("host", "started_at", "now", "findings", "products",
                                                      "macos_version", "file")]
    rows = []
    for r in df.to_dict("records"):
        link = o.postmortem_link(r["file"])
        file_cell = [doc.link(r["file"], link)] if link else [doc.code(r["file"])]
        now = "" if pd.isna(r["now"]) else o.t(f"now.{r['now']}", at=str(r["now_at"])[:10])
        rows.append([[doc.text(r["host"] or "?")],
                     [doc.text(str(r["started_at"])[:19] if not pd.isna(r["started_at"]) else "?")],
                     [doc.text(now)], [doc.code(r["findings"])],
                     [doc.text("" if pd.isna(r["products"]) else r["products"])],
                     [doc.text(r["macos_version"] or "?")], file_cell])
    return Section(blocks + [{"type": "table", "header": header, "rows": rows}])


def render_fleet_report(fleet_dir, out_dir, lang: str = "en", postmortems: str | None = None,
                        kernel: bool = False) -> Path:
    """Run ``notebooks/fleet.ipynb`` and write ``fleet.html`` (``fleet.zh.html``) and its executed
    notebook into *out_dir*; returns the HTML path. Problems are one-line NettraceErrors."""
    import shutil
    import tempfile

    from nettrace import __version__
    from nettrace.errors import NettraceError
    from nettrace.report import checks
    from nettrace.report.render import collect_blocks, execute, html_page, notebook_path

    lang = checks.language(lang)
    from nettrace.fleet.store import is_dataset

    fleet_dir = str(fleet_dir) if "://" in str(fleet_dir) else Path(fleet_dir).resolve()
    if not is_dataset(str(fleet_dir)):
        raise NettraceError(f"{fleet_dir}: no fleet dataset; create it with `nettrace fleet ingest PATH -o {fleet_dir}`")
    if postmortems and not Path(postmortems).is_dir():
        raise NettraceError(f"--postmortems {postmortems}: no such folder")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = "fleet" if lang == "en" else f"fleet.{lang}"
    staging = Path(tempfile.mkdtemp(prefix=".nettrace-fleet-", dir=out))
    try:
        params = {"fleet_dir": str(fleet_dir), "lang": lang, "output_dir": str(out.resolve()),
                  "postmortems": str(Path(postmortems).resolve()) if postmortems else ""}
        try:
            nb = execute(notebook_path("fleet.ipynb"), staging / f"{stem}.ipynb", params, cwd=staging, kernel=kernel)
        except Exception as exc:  # papermill's execution error: one line
            first = (str(getattr(exc, "evalue", "") or exc).strip().splitlines() or ["no message"])[0]
            raise NettraceError(f"the fleet notebook failed: {first}") from None
        footer = t("fleet.generated", lang, version=__version__)
        (staging / f"{stem}.html").write_text(html_page(collect_blocks(nb), lang, footer), encoding="utf-8")
        for name in (f"{stem}.ipynb", f"{stem}.html"):
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out / f"{stem}.html"
