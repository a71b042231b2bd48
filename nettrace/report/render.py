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

import base64
import html
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

from nettrace.report import doc

__all__ = ["render_report", "notebook_path", "collect_blocks", "html_page", "markdown_post",
           "HereKernelManager", "execute"]

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


def _yaml(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def markdown_post(blocks: list[dict], out_dir: Path, stem: str) -> tuple[str, list[Path]]:
    """The Markdown post (Jekyll front matter like seed 000) and the figure files it links."""
    meta = next((b["front_matter"] for b in blocks if b["type"] == "meta"), {})
    written: list[Path] = []

    def figure_path(b: dict) -> str:
        name = f"{stem}-{b['name']}.png"
        path = out_dir / name
        path.write_bytes(base64.b64decode(b["png"]))
        written.append(path)
        return name

    body = doc.to_markdown([b for b in blocks if not (b["type"] == "h" and b.get("level") == 1)],
                           figure_path)
    chain = next((b for b in blocks if b["type"] == "figure" and b["name"] == "culprit-chain"), None)
    lines = ["---"]
    for key in ("title", "description", "author", "date", "categories", "tags"):
        if meta.get(key) not in (None, "", []):
            lines.append(f"{key}: {_yaml(meta[key])}")
    if chain is not None:
        lines += ["image:", f"  path: {_yaml(f'{stem}-culprit-chain.png')}",
                  f"  alt: {_yaml(chain.get('alt', ''))}"]
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body + "\n", written


def _progress(enabled: bool) -> Callable[[int, str], None]:
    def say(step: int, msg: str) -> None:
        if enabled:
            print(f"[{step}/{STEPS}] {msg}…", file=sys.stderr, flush=True)
    return say


def render_report(bundle_path, out_dir, lang: str = "en", formats: Iterable[str] = ("html", "md"),
                  title: str | None = None, author: str | None = None, incident_start=None,
                  incident_end=None, redact: bool = False, progress: bool | None = None,
                  kernel: bool = False) -> dict:
    """Render the postmortem of *bundle_path* into *out_dir*.

    The notebook runs in this process (:mod:`nettrace.report.engine`); ``kernel=True`` runs it on
    a Jupyter kernel started from this interpreter instead, as JupyterLab would.

    Returns ``{"ipynb": Path, "html": Path, "md": Path, "figures": [Path, …]}`` (only the formats
    asked for). Raises :class:`nettrace.errors.NettraceError` with one line for an unreadable bundle,
    an unknown language or format, or a notebook that fails.
    """
    import tarfile

    from nettrace import __version__
    from nettrace.errors import NettraceError
    from nettrace.i18n import LANGS, t

    formats = [f.strip() for f in (formats.split(",") if isinstance(formats, str) else formats) if f.strip()]
    if lang not in LANGS:
        raise NettraceError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    bad = [f for f in formats if f not in ("html", "md")]
    if bad:
        raise NettraceError(f"unknown format {bad[0]!r}; choose html, md or both (html,md)")
    say = _progress(sys.stderr.isatty() if progress is None else progress)
    bundle_path = Path(bundle_path).expanduser().resolve()
    say(1, t("report.progress.check", lang))
    if not bundle_path.exists():
        raise NettraceError(f"{bundle_path}: no such bundle")
    if bundle_path.is_file():
        try:
            ok = tarfile.is_tarfile(bundle_path)
        except OSError as exc:
            raise NettraceError(f"{bundle_path}: cannot read: {exc.strerror or exc}") from None
        if not ok:
            raise NettraceError(f"{bundle_path}: not a bundle (expected a .tar.gz or a folder)")
    elif not os.access(bundle_path, os.R_OK | os.X_OK):
        raise NettraceError(f"{bundle_path}: cannot read the folder")
    out_dir = Path(out_dir).expanduser().resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "postmortem" if lang == "en" else f"postmortem.{lang}"
    executed = out_dir / f"{stem}.ipynb"
    params = {"bundle": str(bundle_path), "title": title or "", "author": author or "", "lang": lang,
              "incident_start": incident_start or "", "incident_end": incident_end or "",
              "redact": bool(redact), "output_dir": str(out_dir)}
    say(2, t("report.progress.execute", lang))
    try:
        from papermill.exceptions import PapermillExecutionError
    except ImportError:  # pragma: no cover
        PapermillExecutionError = RuntimeError  # noqa: N806
    try:
        nb = execute(notebook_path(), executed, params, cwd=out_dir, kernel=kernel)
    except PapermillExecutionError as exc:
        raise NettraceError(f"{bundle_path.name}: {exc.ename}: {str(exc.evalue).splitlines()[0] if exc.evalue else ''}"
                            ) from None
    blocks = collect_blocks(nb)
    bundle_name = bundle_path.name.removesuffix(".tar.gz")
    result: dict = {"ipynb": executed}
    if "html" in formats:
        say(3, t("report.progress.html", lang))
        path = out_dir / f"{stem}.html"
        footer = t("report.page.generated", lang, version=__version__, bundle=bundle_name)
        path.write_text(html_page(blocks, lang, footer), encoding="utf-8")
        result["html"] = path
    if "md" in formats:
        say(4, t("report.progress.md", lang))
        text_, figs = markdown_post(blocks, out_dir, stem)
        path = out_dir / f"{stem}.md"
        path.write_text(text_, encoding="utf-8")
        result["md"] = path
        result["figures"] = figs
    say(5, t("report.progress.done", lang))
    return result
