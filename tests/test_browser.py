"""Headless Chromium opens every HTML report offline: no console errors, a screenshot each.

Chromium comes from ``/usr/bin/chromium``; when it is missing and the tests run as root, the setup
installs it with ``apt-get install -y chromium`` (and ``fonts-noto-cjk`` when no CJK font is there, so
the Chinese report shows no empty boxes), else the tests skip and say why. Screenshots go
to ``build/screenshots/<report>.png``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, SCENARIOS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = ROOT / "build" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if found:
            return found
    if os.geteuid() != 0:
        pytest.skip("headless Chromium not installed (/usr/bin/chromium) and not root to apt-get it")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    r = subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, text=True, env=env,
                       timeout=900)
    if r.returncode != 0 or not Path("/usr/bin/chromium").exists():
        pytest.skip(f"could not install chromium: {(r.stderr or r.stdout).strip().splitlines()[-1:]}")
    return "/usr/bin/chromium"


def _cjk_fonts() -> None:
    """Chinese reports need a CJK font; install Noto CJK when root and none is there."""
    has = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True) if shutil.which("fc-list") else None
    if (has is None or has.stdout.strip()) or os.geteuid() != 0:
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "install", "-y", "-q", "fonts-noto-cjk"], capture_output=True, env=env, timeout=900)


@pytest.fixture(scope="module")
def chromium():
    found = _chromium()
    _cjk_fonts()
    return found


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Every sample's HTML (and seed 000 in Chinese), rendered once per session with the e2e tests."""
    from tests.test_report_e2e import rendered, sample_names

    if sample_names():
        return {name + (f".{lang}" if lang != "en" else ""): r["html"] for (name, lang), r in rendered().items()}
    from nettrace.report.render import render_report
    from tests.fakemac.harness import run_capture

    out = tmp_path_factory.mktemp("browser")
    cap = run_capture(SCENARIOS / "minimal", args=["--duration", "2"], workdir=out)  # no samples yet
    return {"minimal": render_report(cap.bundle_path, out / "minimal", formats=("html",))["html"]}


def test_reports_render_without_console_errors(chromium, reports, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, html in reports.items():
        shot = SHOTS / f"{name}.png"
        shot.unlink(missing_ok=True)
        argv = [chromium, *FLAGS, f"--user-data-dir={tmp_path / name}", "--enable-logging=stderr", "--v=0",
                "--window-size=1280,2400", f"--screenshot={shot}", html.as_uri()]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        console = [ln for ln in r.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
        assert console == [], f"{name}: {console}"
        assert shot.is_file() and shot.stat().st_size > 10_000, f"{name}: no screenshot ({r.stderr[-300:]})"
