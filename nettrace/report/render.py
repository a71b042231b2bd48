"""Run the postmortem notebook with papermill and write it as an offline HTML page and a Jekyll
Markdown post.

:func:`render_report` is the whole pipeline (``nettrace report`` and ``make bench`` call it):

1. check the bundle path and the language;
2. execute ``notebooks/postmortem.ipynb`` with papermill, in this process
   (:mod:`nettrace.report.engine`: the imports are already warm) or, with ``kernel=True``, on a
   Jupyter kernel started from *this* interpreter (:class:`HereKernelManager`: no
   ``ipykernel install`` needed in a fresh venv);
3. read the document blocks each cell displayed (``application/vnd.nettrace.doc+json``) from the
   executed notebook — streams, warnings and code are never shown;
4. write the HTML page (figures as data URIs, a table of contents, no scripts, no remote
   resources) and the Markdown post (front matter, pipe tables, figures as PNG files beside it),
   all in this process.
"""
from __future__ import annotations

import html
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

from nettrace.report import doc

__all__ = ["render_report", "notebook_path", "collect_blocks", "html_page", "HereKernelManager", "execute"]

MIME = "application/vnd.nettrace.doc+json"
STEPS = 5


def notebook_path(name: str = "postmortem.ipynb") -> Path:
    """The notebook shipped with nettrace (the repo's ``notebooks/`` or the installed copy)."""
    here = Path(__file__).resolve()
    for cand in (here.parents[2] / "notebooks" / name, here.parents[1] / "notebooks" / name):
        if cand.is_file():
            return cand
    raise FileNotFoundError(f"notebook {name} not found next to the nettrace package")


def _kernel_manager_class():
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class HereKernelManager(AsyncKernelManager):
        """Starts ``sys.executable -m ipykernel_launcher``: the environment nettrace runs in,
        whatever kernels are (or are not) registered."""

        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    display_name="Python (nettrace)", language="python",
                    env={"MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
            return self._kernel_spec

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            # the kernel's own chatter (TCP warning, shutdown notices) is not the user's business;
            # a failing cell still reaches us as a papermill error
            kw["stdout"] = subprocess.DEVNULL
            kw["stderr"] = subprocess.DEVNULL
            return await super()._async_launch_kernel(kernel_cmd, **kw)

        _launch_kernel = _async_launch_kernel

    return HereKernelManager


def __getattr__(name):
    if name == "HereKernelManager":
        return _kernel_manager_class()
    raise AttributeError(name)


def execute(notebook: Path, output: Path, parameters: dict, cwd: Path | None = None, kernel: bool = True):
    """Execute *notebook* into *output* with papermill; returns the executed notebook node.

    ``kernel=True`` runs it on a Jupyter kernel started from this interpreter
    (:class:`HereKernelManager`), ``False`` in this process (:mod:`nettrace.report.engine`).
    """
    import logging

    import papermill

    logging.getLogger("papermill").setLevel(logging.ERROR)
    common = dict(parameters=parameters, kernel_name="python3", progress_bar=False, log_output=False,
                  report_mode=True, cwd=str(cwd) if cwd else None)
    if not kernel:
        from nettrace.report.engine import ENGINE

        return papermill.execute_notebook(str(notebook), str(output), engine_name=ENGINE, **common)
    return papermill.execute_notebook(
        str(notebook), str(output), kernel_manager_class=_kernel_manager_class(),
        shutdown_kernel="immediate", **common)


def collect_blocks(nb) -> list[dict]:
    """Every document block the executed notebook's cells displayed, in order."""
    blocks: list[dict] = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = out.get("data") or {}
            if MIME in data:
                payload = data[MIME]
                if isinstance(payload, str):
                    payload = json.loads(payload)
                blocks.extend(payload.get("blocks", []))
    return blocks


def _css() -> str:
    return resources.files("nettrace.report").joinpath("templates/report.css").read_text(encoding="utf-8")


def html_page(blocks: list[dict], lang: str = "en", footer: str = "") -> str:
    """One self-contained HTML page: inline CSS, figures as data URIs, no scripts."""
    from nettrace.i18n import t

    meta = next((b["front_matter"] for b in blocks if b["type"] == "meta"), {})
    title = meta.get("title") or "nettrace"
    toc = [b for b in blocks if b["type"] == "h" and b.get("level") in (2, 3)]
    toc_html = "".join(
        f'<li class="l{b["level"]}"><a href="#{html.escape(b["id"], quote=True)}">'
        f"{doc.spans_html(b['spans'])}</a></li>" for b in toc)
    body = doc.to_html(blocks)
    desc = html.escape(meta.get("description", ""), quote=True)
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
        f'<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="description" content="{desc}">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{_css()}\n</style>\n</head>\n<body>\n"
        f'<nav class="toc"><h2>{html.escape(t("report.toc", lang))}</h2><ul>{toc_html}</ul></nav>\n'
        f'<main class="post">\n{body}\n<footer>{html.escape(footer)}</footer>\n</main>\n</body>\n</html>\n')


def _progress(enabled: bool) -> Callable[[int, str], None]:
    def say(step: int, msg: str) -> None:
        if enabled:
            print(f"[{step}/{STEPS}] {msg}…", file=sys.stderr, flush=True)
    return say


def render_report(bundle_path, out_dir, lang: str = "en", formats: Iterable[str] = ("html", "md"),
                  title: str | None = None, author: str | None = None, incident_start=None,
                  incident_end=None, redact: bool = False, progress: bool | None = None,
                  kernel: bool = False, post: bool = False, asset_url: str | None = None,
                  force: bool = False, warn: Callable[[str], None] | None = None, baseline=None) -> dict:
    """Render the postmortem of *bundle_path* into *out_dir*.

    The notebook runs in this process (:mod:`nettrace.report.engine`); ``kernel=True`` runs it on
    a Jupyter kernel started from this interpreter instead, as JupyterLab would.

    Default layout: ``{stem}.html``, ``{stem}.md`` with ``{stem}-<figure>.png`` beside it and the
    executed ``{stem}.ipynb`` (``stem`` is ``postmortem`` or ``postmortem.zh``). ``post=True``
    lays out a Jekyll site fragment instead (:mod:`nettrace.report.post`): ``_posts/DATE-SLUG.md``
    and its figures under ``assets/img/nettrace/SLUG/`` (or *asset_url*).

    Returns ``{"ipynb", "html", "md" | "post", "figures": [...]}`` (the paths written). Every
    problem is a :class:`nettrace.errors.NettraceError` with one line; bundle, parameter and
    output-folder problems are raised before the notebook starts, and nothing is left half
    written: files are moved into *out_dir* only once all of them exist. A folder that already
    holds this postmortem is refused unless *force*. *warn* (default: stderr) hears one line when
    no font covers the language's figure text. *baseline*: an earlier bundle of the same Mac; the
    postmortem then has a "What changed" section (:mod:`nettrace.report.whatchanged`).
    """
    import shutil
    import tempfile

    import nettrace
    from nettrace import __version__
    from nettrace.errors import NettraceError
    from nettrace.i18n import t
    from nettrace.report import checks
    from nettrace.report import post as posts

    lang = checks.language(lang)
    formats = ["md"] if post else checks.formats(formats)
    say = _progress(sys.stderr.isatty() if progress is None else progress)
    say(1, t("report.progress.check", lang))
    start, end = checks.window(incident_start, incident_end)
    baseline_path = str(Path(checks.bundle(baseline).path).resolve()) if baseline else ""
    bundle = checks.bundle(bundle_path)
    bundle_path = Path(bundle.path).resolve()
    stem = "postmortem" if lang == "en" else f"postmortem.{lang}"
    if post:
        from nettrace.report.context import Story

        slug = posts.post_slug(nettrace.findings_of(bundle), str(bundle.manifest.get("host") or ""), lang)
        date = Story(bundle=bundle, lang=lang).when(bundle.manifest.get("ended_at") or
                                                     bundle.manifest.get("started_at")) or "1970-01-01"
        asset_url, asset_dir = posts.asset_base(asset_url, slug)
        will = [posts.post_name(date, slug)]
    else:
        will = [f"{stem}.ipynb"] + [f"{stem}.{f}" for f in formats]
    out_dir, created = checks.output_folder(out_dir, will, force)
    hint = checks.font_warning(lang)
    if hint:
        (warn or (lambda m: print(f"warning: {m}", file=sys.stderr, flush=True)))(hint)
    staging = Path(tempfile.mkdtemp(prefix=".nettrace-report-", dir=out_dir))
    try:
        executed = staging / f"{stem}.ipynb"
        params = {"bundle": str(bundle_path), "title": title or "", "author": author or "", "lang": lang,
                  "incident_start": start, "incident_end": end, "redact": bool(redact),
                  "output_dir": str(out_dir), "baseline": baseline_path}
        say(2, t("report.progress.execute", lang))
        nb = _run(executed, params, staging, kernel)
        blocks = collect_blocks(nb)
        files: dict[str, bytes] = {}
        result: dict = {}
        if not post:
            files[f"{stem}.ipynb"] = executed.read_bytes()
            result["ipynb"] = out_dir / f"{stem}.ipynb"
        if "html" in formats:
            say(3, t("report.progress.html", lang))
            footer = t("report.page.generated", lang, version=__version__,
                       bundle=bundle_path.name.removesuffix(".tar.gz"))
            files[f"{stem}.html"] = html_page(blocks, lang, footer).encode("utf-8")
            result["html"] = out_dir / f"{stem}.html"
        if "md" in formats:
            say(4, t("report.progress.md", lang))
            if post:
                text_, figs = posts.markdown_post(blocks, lambda name: f"{asset_url}{name}.png", asset_url)
                names = {name: f"{asset_dir}{name}.png" for name in figs}
                md_name = posts.post_name(date, slug)
                result["post"] = out_dir / md_name
            else:
                text_, figs = posts.markdown_post(blocks, lambda name: f"{stem}-{name}.png")
                names = {name: f"{stem}-{name}.png" for name in figs}
                md_name = f"{stem}.md"
                result["md"] = out_dir / md_name
            files[md_name] = text_.encode("utf-8")
            files.update({names[n]: data for n, data in figs.items()})
            result["figures"] = [out_dir / names[n] for n in figs]
        _commit(files, staging, out_dir)
    except BaseException:
        if created:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    say(5, t("report.progress.done", lang))
    return result


def _run(executed: Path, params: dict, cwd: Path, kernel: bool):
    """Execute the postmortem notebook; a failing cell is one line naming the cell and what to do."""
    from nettrace.errors import NettraceError

    try:
        from papermill.exceptions import PapermillExecutionError
    except ImportError:  # pragma: no cover
        PapermillExecutionError = RuntimeError  # noqa: N806
    try:
        return execute(notebook_path(), executed, params, cwd=cwd, kernel=kernel)
    except PapermillExecutionError as exc:
        first = str(getattr(exc, "evalue", "") or exc).strip().splitlines()[:1] or ["no message"]
        cell = getattr(exc, "exec_count", None)
        raise NettraceError(f"the postmortem notebook failed{f' in cell {cell}' if cell else ''}: {first[0]}; "
                            f"check the bundle with `nettrace verify` and report the bug if it is intact"
                            ) from None


def _commit(files: dict[str, bytes], staging: Path, out_dir: Path) -> None:
    """Write every file into *staging*, then move them into *out_dir* (all or nothing so far)."""
    for rel, data in files.items():
        path = staging / "out" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for rel in files:
        dest = out_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / "out" / rel, dest)
