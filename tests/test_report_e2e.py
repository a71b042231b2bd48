"""End to end: ``render_report`` on the real sample bundles (papermill, kernel, HTML, Markdown).

Every sample of ``data/samples/`` (``make samples``) is rendered once per test session by
:func:`rendered` (shared with ``tests/test_browser.py``), two at a time. The seed-000 sample must
tell the ZeroTier story in English and Chinese; healthy samples must read as healthy. Without
samples, a capture of the minimal fake-Mac scenario still proves the pipeline works.
"""
from __future__ import annotations

import atexit
import functools
import multiprocessing
import os
import re
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest

from nettrace.i18n import t
from nettrace.report import doc
from nettrace.report.render import collect_blocks, render_report
from tests.conftest import SAMPLES, SCENARIOS

pytestmark = pytest.mark.slow

SAMPLE_000 = "000-zerotier-loopback-default"
HEALTHY = ("healthy-fulltunnel-vpn", "healthy-wifi-only")


def sample_names() -> list[str]:
    return sorted(p.name.removesuffix(".tar.gz") for p in SAMPLES.glob("*.tar.gz"))


def _render(job: tuple[str, str, str]) -> dict:
    bundle, out, lang = job
    return render_report(bundle, out, lang=lang, formats=("html", "md"))


def _cjk_font() -> None:
    """Chinese figures need a CJK font: install Noto CJK when root and fontconfig knows none."""
    import subprocess

    from tests.sysdeps import apt_install

    has = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True) if shutil.which("fc-list") else None
    if has is not None and not has.stdout.strip():
        apt_install("fonts-noto-cjk")


@functools.cache
def rendered() -> dict[tuple[str, str], dict]:
    """``{(sample, lang): render_report(...) result}`` for every sample in English and Chinese,
    rendered once per process into a temporary folder, two at a time, by workers that start
    from an empty matplotlib cache (``MPLCONFIGDIR``): a font installed after matplotlib first
    ran must still be found."""
    out = Path(tempfile.mkdtemp(prefix="nettrace-reports-"))
    atexit.register(shutil.rmtree, out, True)
    _cjk_font()
    jobs = [(name, lang) for name in sample_names() for lang in ("en", "zh")]
    old = os.environ.get("MPLCONFIGDIR")
    os.environ["MPLCONFIGDIR"] = str(out / "mplconfig")     # inherited by the spawned workers
    try:
        with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = pool.map(_render, [(str(SAMPLES / f"{n}.tar.gz"), str(out / n), lang) for n, lang in jobs])
            return dict(zip(jobs, results))
    finally:
        if old is None:
            os.environ.pop("MPLCONFIGDIR", None)
        else:
            os.environ["MPLCONFIGDIR"] = old


@pytest.fixture(scope="module")
def minimal_report(tmp_path_factory):
    from tests.fakemac.harness import run_capture

    work = tmp_path_factory.mktemp("minimal")
    cap = run_capture(SCENARIOS / "minimal", args=["--duration", "2"], workdir=work)
    assert cap.returncode == 0 and cap.bundle_path, cap.stderr
    return render_report(cap.bundle_path, work / "report", lang="en", formats=("html", "md"))


@pytest.fixture(scope="module")
def zerotier():
    if SAMPLE_000 not in sample_names():
        pytest.skip("data/samples/000-zerotier-loopback-default.tar.gz missing (run `make samples`)")
    r = rendered()
    return {"en": r[(SAMPLE_000, "en")], "zh": r[(SAMPLE_000, "zh")]}


def _offline(html: str) -> None:
    assert "<script" not in html and "<link" not in html
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    assert not re.search(r"https?://", html)
    assert "/tmp/" not in html


def _blocks(result: dict) -> list[dict]:
    return collect_blocks(nbformat.read(result["ipynb"], as_version=4))


def _prose(blocks: list[dict], skip: tuple[str, ...] = ()) -> list[str]:
    """Every non-code piece of text the reader sees, block by block."""
    out = []
    for b in blocks:
        groups = [b.get("spans", [])] + b.get("items", []) + b.get("header", []) + [
            c for row in b.get("rows", []) for c in row] + [b.get("caption") or []]
        text = " ".join(v for g in groups for k, v in g if k != "code")
        if text.strip() and not any(s in text for s in skip):
            out.append(text)
    return out


def test_minimal_pipeline(minimal_report):
    html = minimal_report["html"].read_text(encoding="utf-8")
    _offline(html)
    assert html.count("data:image/png;base64,") >= 2           # connectivity, routes (+ chain if any)
    assert "<h1 id=\"top\">" in html and "MacBook-Pro" in html and "Symptoms" in html
    md = minimal_report["md"].read_text(encoding="utf-8")
    assert md.startswith("---\ntitle: ") and "<table" not in md
    assert {"postmortem-connectivity.png", "postmortem-routes.png"} <= {p.name for p in minimal_report["figures"]}
    assert minimal_report["ipynb"].is_file()


def test_000_names_zerotier_pid_chain_monitor_and_lsof(zerotier):
    html = zerotier["en"]["html"].read_text(encoding="utf-8")
    _offline(html)
    assert "<script src" not in html
    assert "ZeroTier" in html
    assert "647 → 535" in html
    assert "RTM_ADD: Add Route: len 176, pid: 382, seq 1954" in html      # the key event, not RTM_NEWADDR
    assert "-&gt; feth9868" in html
    assert html.count("data:image/png;base64,") == 3
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t", html)        # capture prefixes stripped
    assert "pid </code>" not in html and "`pid `" not in zerotier["en"]["md"].read_text(encoding="utf-8")


def test_000_story_details(zerotier):
    blocks = _blocks(zerotier["en"])
    text = "\n".join(doc.plain(b.get("spans", [])) for b in blocks)
    tldr = next(doc.plain(b["spans"]) for b in blocks if b["type"] == "quote")
    assert tldr == ("TL;DR The route Internet traffic takes points into a black hole (127.0.0.1 on feth4868); the culprit is "
                    "ZeroTier (MacEthernetTapAgent, pid 647). To fix it, run "
                    "sudo \"/Library/Application Support/ZeroTier/One/uninstall.sh\".")
    assert ("The key event is the RTM_ADD at 2025-12-28 10:15:27 +0800 that put default → 127.0.0.1 "
            "(feth4868) in place, written by configd (382)") in text
    key = next(b for b in blocks if b["type"] == "evidence" and b["file"] == "stream/route_monitor.out")
    assert key["line"] == 28 and key["text"].splitlines()[1].startswith("RTM_ADD: Add Route: len 176, pid: 382, seq 1954")
    events = next(b for b in blocks if b["type"] == "table" and doc.plain(b["header"][-1]) == "Written by")
    writers = [doc.plain(r[3]) for r in events["rows"]]
    assert writers == ["the kernel", "configd (382)", "the kernel", "configd (382)", "configd (382)", "configd (382)"]
    assert ("The executable /Library/Application Support/ZeroTier/One/MacEthernetTapAgent belongs to ZeroTier."
            in text)
    appendix = [(b["file"], b["line"]) for b in blocks[[b.get("id") for b in blocks].index("appendix"):]
                if b["type"] == "evidence"]
    cited = {(e.file, e.line) for f in _findings(SAMPLE_000) for e in f.evidence if e.line}
    assert len(appendix) == len(set(appendix)) == len(cited) >= 10        # each cited line once


def test_000_chinese(zerotier):
    html = zerotier["zh"]["html"].read_text(encoding="utf-8")
    _offline(html)
    assert '<html lang="zh-CN">' in html and "根本原因" in html and "ZeroTier" in html
    assert "647 → 535" in html and "pid: 382, seq 1954" in html and "-&gt; feth9868" in html
    assert html.count("data:image/png;base64,") == 3
    md = Path(zerotier["zh"]["md"]).read_text(encoding="utf-8")
    assert "image:\n  path: \"postmortem.zh-culprit-chain.png\"" in md


ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'’-]+[A-Za-z]{2,}){2,}")   # three English words in a row


def test_000_chinese_story_sentences_have_no_english(zerotier):
    """The report's own sentences (not the findings' and products' texts it quotes)."""
    blocks = _blocks(zerotier["zh"])
    quoted = [x for f in _findings(SAMPLE_000) for x in (f.summary("zh"), f.title("zh"))]
    prose = [p for p in _prose(blocks) if not any(q[:12] in p for q in quoted)]
    prose = [p for p in prose if "[会修改系统]" not in p and "[只读]" not in p]
    english = [m.group(0) for p in prose for m in ENGLISH.finditer(p)]
    assert english == [], english


def test_000_chinese_narrative_has_no_english(zerotier):
    english = [m.group(0) for p in _prose(_blocks(zerotier["zh"])) for m in ENGLISH.finditer(p)]
    assert english == [], english


@functools.cache
def _findings(name: str):
    import nettrace

    return tuple(nettrace.findings_of(nettrace.load(SAMPLES / f"{name}.tar.gz")))


@pytest.mark.parametrize("name", HEALTHY)
def test_healthy_samples_read_as_healthy(name):
    if name not in sample_names():
        pytest.skip(f"data/samples/{name}.tar.gz missing (run `make samples`)")
    r = rendered()[(name, "en")]
    html = r["html"].read_text(encoding="utf-8")
    _offline(html)
    blocks = _blocks(r)
    text = "\n".join(doc.plain(b.get("spans", [])) for b in blocks)
    assert "nothing wrong found" in blocks[1]["spans"][0][1]
    assert "shows a healthy network" in text and "names no culprit" in text and "Nothing needs fixing." in text
    assert "culprit is" not in text and "The key event" not in text
    assert not any(b["type"] == "figure" and b["name"] == "culprit-chain" for b in blocks)
    heads = [doc.plain(b["spans"]) for b in blocks if b["type"] == "h"]
    assert "3. The interface and its owner" not in heads and "Questions you may have" not in heads
    assert html.count("data:image/png;base64,") == 2


def test_every_sample_renders_without_placeholders():
    names = sample_names()
    if not names:
        pytest.skip("no samples (run `make samples`)")
    for (name, lang), r in rendered().items():
        md = r["md"].read_text(encoding="utf-8")
        assert not re.search(r"\{[a-z_]+\}", md), (name, lang)             # no unfilled catalog field
        assert "`?`" not in md and "`pid `" not in md and "nan" not in md.split(), (name, lang)
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t", md), (name, lang)


def _streams(result: dict) -> str:
    nb = nbformat.read(result["ipynb"], as_version=4)
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                   if o.get("output_type") == "stream")


def test_every_zh_report_has_chinese_figures_and_no_missing_glyph():
    """From a fresh font cache (the workers' MPLCONFIGDIR): no figure falls back to English and
    matplotlib warns of no missing glyph."""
    from nettrace.report.figures import font_for

    if not sample_names():
        pytest.skip("no samples (run `make samples`)")
    if font_for("zh") is None:
        pytest.skip("no CJK font installed (fonts-noto-cjk) and not root to install it")
    for (name, lang), r in rendered().items():
        assert "missing from font" not in _streams(r), (name, lang)
        figs = [b for b in _blocks(r) if b["type"] == "figure"]
        assert figs and all(b.get("font") == font_for(lang) for b in figs), (name, lang, [b.get("font") for b in figs])
        assert not any("fonts-noto-cjk" in doc.plain(b["caption"]) for b in figs), (name, lang)


def test_zh_figures_from_a_fresh_font_cache_have_no_missing_glyphs(tmp_path):
    """The three zh figures of seed 000 drawn in a new process with an empty MPLCONFIGDIR, every
    missing-glyph warning an error; their text is Chinese, drawn with the CJK font."""
    import subprocess
    import sys

    if SAMPLE_000 not in sample_names():
        pytest.skip("data/samples/000-zerotier-loopback-default.tar.gz missing (run `make samples`)")
    _cjk_font()
    code = (
        "import re, sys, warnings\n"
        "warnings.filterwarnings('error', message='.*missing from font')\n"
        "from nettrace.report import explore, figures, story\n"
        "if figures.font_for('zh') is None: sys.exit(77)\n"
        "s = story.open_story(sys.argv[1], lang='zh')\n"
        "figs = [figures.routes_diff_figure(s.bundle.frames['routes'], 'zh'), explore.connectivity(s.bundle, 'zh'),\n"
        "        figures.draw_chain(s.G, s.chain, 'zh')]\n"
        "for f in figs:\n"
        "    f.png()\n"
        "    texts = [t for ax in f.axes for t in list(ax.texts) + [ax.xaxis.label]\n"
        "             + (list(ax.get_legend().get_texts()) if ax.get_legend() else [])]\n"
        "    zh = [t for t in texts if re.search('[\\u4e00-\\u9fff]', t.get_text())]\n"
        "    assert zh, [t.get_text() for t in texts]\n"
        "    assert all(figures.font_for('zh') in t.get_fontfamily() for t in zh), zh[0].get_fontfamily()\n"
        "print('ok', len(figs))\n")
    env = dict(os.environ, MPLCONFIGDIR=str(tmp_path / "mpl"))
    r = subprocess.run([sys.executable, "-c", code, str(SAMPLES / f"{SAMPLE_000}.tar.gz")], capture_output=True,
                       text=True, timeout=300, env=env)
    if r.returncode == 77:
        pytest.skip("no CJK font installed (fonts-noto-cjk) and not root to install it")
    assert r.returncode == 0 and "ok 3" in r.stdout, r.stderr[-1500:]


def _analyze_json(name: str, lang: str = "en") -> dict:
    import contextlib
    import io
    import json

    from nettrace.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["analyze", str(SAMPLES / f"{name}.tar.gz"), "--format", "json", "--lang", lang]) in (0, 1)
    return json.loads(out.getvalue())


def test_no_report_contradicts_analyze_json():
    """Title subject, TL;DR culprit and fix commands of every sample's report (both languages)
    are those of ``nettrace analyze --format json``: the main finding is the first critical or
    warning one with a culprit; the fix lists every remedy once, read-only first; the TL;DR names
    every system-changing command, in the fix's order."""
    if not sample_names():
        pytest.skip("no samples (run `make samples`)")
    for (name, lang), r in rendered().items():
        data = _analyze_json(name, lang)
        problems = [f for f in data["findings"] if f["severity"] in ("critical", "warning")]
        main = next((f for f in problems if f["culprit"]), problems[0] if problems else None)
        blocks = _blocks(r)
        title = doc.plain(next(b for b in blocks if b["type"] == "h" and b["level"] == 1)["spans"])
        tldr = doc.plain(next(b for b in blocks if b["type"] == "quote")["spans"])
        fix_at = [b.get("id") for b in blocks].index(doc.slug(t("report.fix.h", lang)))
        codes = [b for b in blocks[fix_at:] if b["type"] == "code"]
        want: list = []
        for f in problems:
            want += [x for x in f["remedy"] if x["command"] and x["command"] not in [w["command"] for w in want]]
        want.sort(key=lambda x: x["changes_system"])
        if main is None:
            assert codes == [] and "the culprit is" not in tldr and "元凶是" not in tldr, (name, lang)
            continue
        if main["culprit"]:
            c = main["culprit"]
            assert c["product"] in title, (name, lang, title)
            assert all(str(v) in tldr for v in (c["product"], c["name"], c["pid"]) if v), (name, lang, tldr)
        assert main["title"].split(" (")[0].replace("`", "")[:20] in title + tldr, (name, lang, title)
        assert [b["text"] for b in codes] == [x["command"] for x in want if x["command"] in [b["text"] for b in codes]]
        commands = {b["text"] for b in codes}
        changing = [x["command"] for x in want if x["changes_system"] and x["command"] in commands]
        at = [tldr.index(cmd) for cmd in changing]
        assert at == sorted(at) and len(at) == len(changing), (name, lang, tldr, changing)


def test_prose_has_no_raw_codes_or_markdown():
    """No literal backticks, unfilled fields, "1 times", doubled read-only marks or raw NDJSON."""
    if not sample_names():
        pytest.skip("no samples (run `make samples`)")
    for (name, lang), r in rendered().items():
        html = r["html"].read_text(encoding="utf-8")
        body = html[html.index("<main"):]
        prose = re.sub(r"<(pre|code)[^>]*>.*?</\1>", "", body, flags=re.S)
        assert "`" not in prose, (name, lang, prose[prose.index("`") - 80:prose.index("`") + 40])
        assert not re.search(r"\(-\)|\{[a-z_]+\}|\b1 times\b", prose), (name, lang)
        assert prose.count("(read-only)") == 0 and "（只读）" not in prose, (name, lang)
        assert '{"traceID"' not in body, (name, lang)          # log lines as time, process, message
