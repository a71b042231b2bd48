"""``nettrace fleet report``: the overview notebook over a small fleet, in English and Chinese.

Five samples are ingested (three with a critical finding, one healthy) and the report is rendered
once per module in each language, with a postmortems folder holding a page for one critical Mac.
The pages must show the figures (inline PNGs), the tables, every critical Mac and only those, the
link to the one postmortem that exists, escaped text from the bundles, and open in headless
Chromium without console errors (screenshots in build/screenshots/fleet.<lang>.png).
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.test_browser import SHOTS, browser, look  # noqa: F401 - the module's Chromium fixture

pytest.importorskip("duckdb")

SAMPLES = ["000-zerotier-loopback-default", "002-tun-proxy-over-en0", "003-arp-stack-inconsistency",
           "004-openconnect-residue", "healthy-wifi-only"]
MESSAGES = ROOT / "nettrace" / "data" / "messages"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    from nettrace import fleet
    from nettrace.fleet.overview import render_fleet_report

    paths = [ROOT / "data" / "samples" / f"{s}.tar.gz" for s in SAMPLES]
    if not all(p.is_file() for p in paths):
        pytest.skip("samples missing (run `make samples`)")
    base = tmp_path_factory.mktemp("fleetreport")
    fleet.ingest([str(p) for p in paths], str(base / "fleet"), jobs=1)
    pm = base / "pm" / "000-zerotier-loopback-default"
    pm.mkdir(parents=True)
    (pm / "postmortem.html").write_text("<!DOCTYPE html><title>pm</title>", encoding="utf-8")
    out = base / "out"
    pages = {lang: render_fleet_report(base / "fleet", out, lang=lang, postmortems=base / "pm")
             for lang in ("en", "zh")}
    critical = set(fleet.query(str(base / "fleet"),
                               "SELECT DISTINCT b.host FROM bundles b JOIN findings f USING (bundle_id) "
                               "WHERE f.severity = 'critical'")["host"])
    hosts = set(fleet.query(str(base / "fleet"), "SELECT host FROM bundles")["host"])
    return {"pages": pages, "critical": critical, "hosts": hosts, "base": base}


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    nxt = page.find("<h2", start)
    return page[start: nxt if nxt > 0 else None]


def test_catalog_parity():
    en = json.loads((MESSAGES / "fleet.en.json").read_text(encoding="utf-8"))
    zh = json.loads((MESSAGES / "fleet.zh.json").read_text(encoding="utf-8"))
    assert set(en) == set(zh) and all(k.startswith("fleet.") for k in en)
    fields = lambda s: sorted(re.findall(r"{(\w+)", s))  # noqa: E731
    assert {k: fields(v) for k, v in en.items()} == {k: fields(v) for k, v in zh.items()}
    src = (ROOT / "nettrace" / "fleet" / "overview.py").read_text(encoding="utf-8")
    used = {f"fleet.{k}" for k in re.findall(r'o\.t\("([a-z_.]+)"', src)}
    used |= {f"fleet.figure.{k}" for k in re.findall(r'_l\("([a-z_]+)"', src)}
    assert used and used <= set(en)


def test_notebook_is_thin_and_without_outputs():
    nb = json.loads((ROOT / "notebooks" / "fleet.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"]["tags"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert all(len("".join(c["source"]).splitlines()) <= 4 for c in code)


def test_pages_hold_figures_tables_and_the_critical_macs(rendered):
    assert rendered["critical"] == {"MacBook-Pro", "zhouyudeMacBook-Pro"}  # samples 000 and 003
    for lang, path in rendered["pages"].items():
        page = path.read_text(encoding="utf-8")
        assert page.count('<img src="data:image/png;base64,') == 2, lang
        assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
        crit = _section(page, "macs-with-a-critical-finding" if lang == "en" else "有严重发现的-mac")
        for host in rendered["hosts"]:
            assert (html.escape(host) in crit) == (host in rendered["critical"]), (lang, host)
        # the one postmortem that exists is linked, relative to the page; the others are not
        assert crit.count("<a href=") == 1
        assert 'href="../pm/000-zerotier-loopback-default/postmortem.html"' in crit
        assert ">nan<" not in page and "ZeroTier" in page and "default-route-black-hole" in page and "OpenConnect" in page
        assert (path.parent / path.name.replace(".html", ".ipynb")).is_file()
    zh = rendered["pages"]["zh"].read_text(encoding="utf-8")
    assert "设备群概览" in zh and "严重" in zh and 'lang="zh-CN"' in zh


def test_strings_from_bundles_are_escaped(rendered, tmp_path):
    """A host called <script> in the dataset stays text on the page."""
    import pyarrow.parquet as pq

    from nettrace.fleet.overview import render_fleet_report

    fleet = tmp_path / "fleet"
    shutil.copytree(rendered["base"] / "fleet", fleet)
    f = next((fleet / "bundles").glob("*.parquet"))
    t = pq.read_table(f)
    t = t.set_column(t.schema.get_field_index("host"), "host",
                     [["<script>alert(1)</script>"] * t.num_rows])
    pq.write_table(t, f)
    page = render_fleet_report(fleet, tmp_path / "out").read_text(encoding="utf-8")
    assert "<script>" not in page


def test_cli_report_prints_the_page_and_refuses_a_missing_dataset(rendered, tmp_path):
    env_py = [sys.executable, "-m", "nettrace", "fleet", "report"]
    bad = subprocess.run(env_py + [str(tmp_path / "nope"), "-o", str(tmp_path / "o")],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1 and "fleet ingest" in bad.stderr and "Traceback" not in bad.stderr


def test_chromium_opens_both_languages_without_console_errors(rendered, browser):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang, page in rendered["pages"].items():
        shot = SHOTS / f"fleet.{lang}.png"
        got = look(browser, page, 1280, shot)
        assert got["errors"] == [], (lang, got["errors"])
        assert got["over"] <= 0, (lang, got["worst"])
        assert shot.is_file() and shot.stat().st_size > 10_000
