"""End to end: ``render_report`` on real bundles (papermill, kernel, HTML and Markdown).

Each bundle is rendered once per module. The seed-000 sample (``make samples``) must tell the
ZeroTier story; without samples, a capture of the minimal fake-Mac scenario still proves the
pipeline works.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from nettrace.report.render import render_report
from tests.conftest import SAMPLES, SCENARIOS

pytestmark = pytest.mark.slow

SAMPLE_000 = SAMPLES / "000-zerotier-loopback-default.tar.gz"


@pytest.fixture(scope="module")
def minimal_report(tmp_path_factory):
    from tests.fakemac.harness import run_capture

    work = tmp_path_factory.mktemp("minimal")
    cap = run_capture(SCENARIOS / "minimal", args=["--duration", "2"], workdir=work)
    assert cap.returncode == 0 and cap.bundle_path, cap.stderr
    return render_report(cap.bundle_path, work / "report", lang="en", formats=("html", "md"))


@pytest.fixture(scope="module")
def zerotier(tmp_path_factory):
    if not SAMPLE_000.is_file():
        pytest.skip("data/samples/000-zerotier-loopback-default.tar.gz missing (run `make samples`)")
    out = tmp_path_factory.mktemp("r000")
    return {lang: render_report(SAMPLE_000, out, lang=lang) for lang in ("en", "zh")}


def _offline(html: str) -> None:
    assert "<script" not in html and "<link" not in html
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    assert not re.search(r"https?://", html)
    assert "/tmp/" not in html


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
    assert "ZeroTier" in html
    assert re.search(r"647 → 535", html)
    assert re.search(r"RTM_ADD: Add Route: len \d+, pid: 382", html)
    assert "-&gt; feth9868" in html
    assert html.count("data:image/png;base64,") == 3


def test_000_chinese(zerotier):
    html = zerotier["zh"]["html"].read_text(encoding="utf-8")
    _offline(html)
    assert '<html lang="zh-CN">' in html and "根本原因" in html and "ZeroTier" in html
    assert html.count("data:image/png;base64,") == 3
    md = Path(zerotier["zh"]["md"]).read_text(encoding="utf-8")
    assert "image:\n  path: \"postmortem.zh-culprit-chain.png\"" in md
