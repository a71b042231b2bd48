"""The report: document escaping, catalog parity, story sections on a hand-made bundle, figures,
the HTML page and the Markdown post; end-to-end renders of real bundles are in
``tests/test_report_e2e.py``."""
from __future__ import annotations

import json
import re
from pathlib import Path

import mistune
import networkx as nx
import pandas as pd
import pytest

import nettrace
from tests import bundlekit as bk
from nettrace.report import doc, figures, routes, story
from nettrace.report.post import markdown_post
from nettrace.report.render import collect_blocks, html_page

MESSAGES = Path(__file__).resolve().parents[1] / "nettrace" / "data" / "messages"
UTC = "UTC"


def _stamped(t0: str, lines: list[str]) -> str:
    """Capture lines with the capture's ``TIME<TAB>`` prefix."""
    return "".join(f"2025-12-28T{t0}Z\t{line}\n" for line in lines)


START_NETSTAT = bk.NETSTAT.replace("default            127.0.0.1          UGScg            feth4868 \n", "")
MONITOR_TXT = (
    _stamped("02:15:10", ["got message of size 176 on Sun Dec 28 10:15:10 2025",   # the Wi-Fi reconnect
                          "RTM_ADD: Add Route: len 176, pid: 382, seq 1950, errno 0, flags:<UP,GATEWAY,DONE,STATIC>",
                          "locks:  inits: ", "sockaddrs: <DST,GATEWAY,NETMASK,IFP,IFA>",
                          " default 10.68.255.254 default en0:bc.d0.74.30.e.71 10.68.1.20", ""])
    + bk.MONITOR)


def _pings(target: str, failing: bool) -> str:
    out = _stamped("02:15:20", [f"PING {target} ({target}): 56 data bytes",
                                f"64 bytes from {target}: icmp_seq=0 ttl=50 time=17.2 ms"])
    out += _stamped("02:15:21", [f"64 bytes from {target}: icmp_seq=1 ttl=50 time=17.4 ms"])
    if failing:
        return out + _stamped("02:15:29", ["Request timeout for icmp_seq 2"]) + \
            _stamped("02:15:30", ["Request timeout for icmp_seq 3"])
    return out + _stamped("02:15:29", [f"64 bytes from {target}: icmp_seq=2 ttl=50 time=17.1 ms"])


def seedlike(tmp_path: Path, name: str = "seed", process_name: str = "MacEthernetTapAgent", args: str = "",
             healthy: bool = False):
    """A small real bundle of seed 000's lines (tests/bundlekit.py): en0's default at the start,
    feth4868's in front of it at the end (``healthy``: no feth at all), a Wi-Fi reconnect before
    configd's RTM_ADD of the black-hole default, ping loops to 1.1.1.1 (failing after the add)
    and the gateway. *process_name* and *args* replace the culprit's command line in ``ps``."""
    ps = bk.PS.replace("/MacEthernetTapAgent 4868 d6:8b:8e:3b:53:14 2800 5000",
                       f"/{process_name} 4868 d6:8b:8e:3b:53:14 2800 5000{args}")
    files = {"start/netstat_routes.out": START_NETSTAT, "ps": ps, "monitor": MONITOR_TXT,
             "stream/ping_stream@1.1.1.1.out": _pings("1.1.1.1", not healthy),
             "stream/ping_stream@10.68.255.254.out": _pings("10.68.255.254", False)}
    if healthy:
        files.update({"netstat": START_NETSTAT, "monitor": MONITOR_TXT.split("\n\n")[0] + "\n", "lsof": None})
        files["ifconfig"] = bk.IFCONFIG.split("feth4868:")[0]
        files["start/netstat_routes.out"] = files["netstat"] = "".join(
            ln for ln in START_NETSTAT.splitlines(True) if "feth4868" not in ln)
    return bk.host(tmp_path, name, files=files)


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bundles")
    return lambda name="seed", **kw: seedlike(folder, name, **kw)


SECTION_MODULES = ("context", "cause", "machine", "symptoms", "investigation", "fix", "appendix")
SECTIONS = ("headline", "machine", "symptoms", "routing_table", "route_events", "interface_owner",
            "process_product", "root_cause", "fix", "prevention", "questions", "appendix")


def all_blocks(s) -> list[dict]:
    return [b for fn in SECTIONS for b in getattr(story, fn)(s).blocks]


@pytest.fixture(scope="module")
def zerotier_en(bundles):
    return all_blocks(story.open_story(bundles(), lang="en"))


# --------------------------------------------------------------------------- catalog

def test_catalog_key_and_placeholder_parity():
    en = json.loads((MESSAGES / "report.en.json").read_text(encoding="utf-8"))
    zh = json.loads((MESSAGES / "report.zh.json").read_text(encoding="utf-8"))
    assert set(en) == set(zh) and len(en) > 80
    assert all(k.startswith("report.") for k in en)
    fields = lambda s: sorted(re.findall(r"{(\w+)", s))  # noqa: E731
    assert {k: fields(v) for k, v in en.items()} == {k: fields(v) for k, v in zh.items()}


def test_every_key_the_code_uses_exists():
    folder = Path(story.__file__).parent
    en = json.loads((MESSAGES / "report.en.json").read_text(encoding="utf-8"))
    story_src = "".join((folder / f"{m}.py").read_text() for m in SECTION_MODULES)
    used = {f"report.{k}" for k in re.findall(r'\bs\.[tf]\("([a-z_.]+)"', story_src)}
    used |= {f"report.figure.{k}" for k in re.findall(r'_l\("([a-z_]+)"', (folder / "figures.py").read_text())}
    used |= set(re.findall(r't\("(report\.[a-z_.]+)"', (folder / "render.py").read_text()))
    assert len(used) > 60
    assert sorted(used - set(en)) == []


# --------------------------------------------------------------------------- escaping

def test_html_escapes_bundle_strings(bundles):
    s = story.open_story(bundles("script", process_name="<script>alert(1)</script>"), lang="en")
    page = html_page(all_blocks(s), "en")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_markdown_never_makes_links_or_html_from_bundle_strings(bundles):
    s = story.open_story(bundles("img", process_name="<img_src=x_onerror=alert(1)>",
                                 args=" [click](http://evil)"), lang="en")
    md, _ = markdown_post(all_blocks(s), lambda name: f"p-{name}.png")
    assert "[click](http://evil)" in md.replace("\\[", "[").replace("\\]", "]").replace("&#58;", ":")
    rendered = mistune.html(md.split("---\n", 2)[2])
    assert 'href="http://evil"' not in rendered and "<img src=x" not in rendered
    assert "<a " not in rendered


def test_md_code_span_survives_backticks_and_pipes():
    assert doc.md_code("a`b") == "``a`b``"
    assert doc.md_code("`x`") == "`` `x` ``"
    assert doc.md_code("a|b", in_table=True) == "`a\\|b`"


# --------------------------------------------------------------------------- the story

def test_zerotier_story_walks_the_chain(zerotier_en):
    html = doc.to_html(zerotier_en)
    assert "ZeroTier" in html
    assert "RTM_ADD: Add Route: len 176, pid: 382" in html            # route monitor, prefix stripped
    assert "MacEthern  647   root    3u   ndrv" in html and "-&gt; feth9868" in html
    assert "end/lsof.out:2" in html and "$ sudo lsof -nP -w" in html
    assert "2025-12-28 10:15:27 +0800" in html                          # local time of the event
    assert "647 → 535" in html                                          # pid chain
    figs = [b["name"] for b in zerotier_en if b["type"] == "figure"]
    assert figs == ["connectivity", "routes", "culprit-chain"]
    heads = [doc.plain(b["spans"]) for b in zerotier_en if b["type"] == "h"]
    assert heads.index("Symptoms") < heads.index("1. The routing table") < heads.index("Root cause") \
        < heads.index("The fix") < heads.index("Appendix")


def test_fix_marks_read_only_before_changes(zerotier_en):
    codes = [b for b in zerotier_en if b["type"] == "code"]
    flags = [c["changes_system"] for c in codes]
    assert flags == sorted(flags) and flags[0] is False and flags[-1] is True
    assert doc.plain(codes[0]["caption"]).startswith("[read-only]")
    assert doc.plain(codes[-1]["caption"]).startswith("[changes the system]")


def test_questions_only_where_data_answers(zerotier_en):
    qs = [doc.plain(b["spans"]) for b in zerotier_en if b["type"] == "h" and b["level"] == 4]
    assert "Why did reconnecting Wi-Fi help for a while?" in qs
    assert "Why did route monitor name a system process instead of the culprit?" in qs
    assert "Why do other devices work on the same network?" in qs
    assert "Why does the bad route come back after I delete it?" not in qs   # added once only


def test_healthy_bundle_names_no_culprit(bundles):
    blocks = all_blocks(story.open_story(bundles("healthy", healthy=True), lang="en"))
    text = "\n".join(doc.plain(b.get("spans", [])) for b in blocks)
    assert "ZeroTier" not in text and "names no culprit" in text
    assert not any(b["type"] == "figure" and b["name"] == "culprit-chain" for b in blocks)
    assert "Questions you may have" not in text


def test_zh_narrative_has_no_english_sentences(bundles):
    """The report's own sentences (the findings' texts it quotes are the findings catalog's)."""
    s = story.open_story(bundles(), lang="zh")
    quoted = [x for f in s.findings for x in (f.summary("zh"), f.title("zh"))]
    prose = []
    for b in all_blocks(s):
        for group in [b.get("spans", [])] + b.get("items", []) + [c for row in b.get("rows", []) for c in row] \
                + b.get("header", []):
            prose += [v for k, v in group if k != "code" and not any(q[:12] in v for q in quoted)]
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9'._-]{2,}", " ".join(prose)))
    allowed = {"macOS", "Wi-Fi", "ZeroTier", "IPv4"}  # product and OS names
    assert words - allowed <= set(), words - allowed


def test_redact_hides_user_and_host(bundles):
    html = doc.to_html(all_blocks(story.open_story(bundles(), lang="en", redact=True)))
    assert "noblee.tung" not in html and "MacBook-Pro" not in html and "&lt;user&gt;" in html


def test_incident_window_limits_events(bundles):
    s = story.open_story(bundles(), incident_start="2025-12-28T02:15:20Z")
    assert list(s.timeline[s.timeline["source"] == "route_event"]["kind"]) == ["RTM_ADD"]
    assert story.open_story(bundles()).timeline["source"].eq("route_event").sum() == 2


# --------------------------------------------------------------------------- figures

def test_draw_chain_one_box_per_node_coloured_by_kind(bundles):
    b = bundles()
    chain = story._chain(nettrace.graph_of(b), nettrace.findings_of(b)[0].chain)
    fig = figures.draw_chain(nettrace.graph_of(b), chain)
    boxes = fig.axes[0].patches
    assert len(boxes) == 6
    assert [p.get_facecolor()[:3] for p in boxes][0] == pytest.approx(
        tuple(int(figures.KIND_COLORS["route"][i:i + 2], 16) / 255 for i in (1, 3, 5)))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "ZeroTier" in texts and "held by" in texts and "MacEthernetTapAgent\n(647)" in texts


def test_routes_figure_shows_the_default_replaced_and_the_cited_routes(bundles):
    """Start vs end: en0's global default vanished, feth4868's appeared and carries the Internet
    traffic; the scoped (I) en0 default is another route, kept; the netstat lines the finding
    cites are drawn; the caption names the snapshots drawn."""
    s = story.open_story(bundles())
    fig = figures.routes_diff_figure(s.bundle.frame("routes"), "en", **routes.inputs(s.bundle, s.problems))
    d = fig.data
    rows = {(r.netif, r.scoped): r for r in d.itertuples()}
    assert d.attrs["snapshots"] == ["start", "end"]
    # en0's global default is still there at the end, behind feth4868's: it moved from #1 to #2
    assert rows[("en0", False)].status == "reranked" and rows[("feth4868", False)].status == "appeared"
    assert (rows[("en0", False)][d.columns.get_loc("rank@start") + 1], rows[("en0", False)][d.columns.get_loc("rank@end") + 1]) == (1, 2)
    assert rows[("en0", True)].status == "kept"
    net = d[d["internet@start"]], d[d["internet@end"]]
    assert [(r.netif, r.scoped) for r in net[0].itertuples()] == [("en0", False)]
    assert [(r.netif, r.scoped) for r in net[1].itertuples()] == [("feth4868", False)]
    assert rows[("feth4868", False)].cited
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "+ default → 127.0.0.1 (feth4868)" in texts and "↕ default → 10.68.255.254 (en0)" in texts
    assert "scoped (I)" in texts
    caption = doc.plain(story.routes_caption(s, fig))
    assert caption.startswith("The routing table at start, end:") and "other routes did not change" in caption


def test_connectivity_figure_lanes_per_target(bundles):
    s = story.open_story(bundles())
    pings = story.pings(s)
    fig = figures.connectivity_figure(pd.concat([pings, s.timeline], ignore_index=True), tz="+0800")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1.1.1.1", "10.68.255.254"]
    assert len(ax.lines) == 2 and "+0800" in ax.get_xlabel()


# --------------------------------------------------------------------------- page and post

def test_html_page_offline_with_toc(zerotier_en):
    page = html_page(zerotier_en, "en", "footer")
    assert page.count("data:image/png;base64,") == 3
    assert not re.search(r"<script|<link|https?://|src=\"/", page)
    assert '<a href="#symptoms">Symptoms</a>' in page
    assert "white-space: nowrap" in page and "overflow-wrap: anywhere" not in page


def test_markdown_post_front_matter_tables_and_figure_files(tmp_path, zerotier_en):
    md, figs = markdown_post(zerotier_en, lambda name: f"postmortem-{name}.png")
    head = md.split("---\n")[1]
    assert 'title: "ZeroTier: The route Internet traffic takes points into a black hole (127.0.0.1 on feth4868)"' in head
    assert 'path: "postmortem-culprit-chain.png"' in head and "date: \"2025-12-28 10:16:05 +0800\"" in head
    assert "| Time | Event | Route | Written by |" in md and "<table" not in md
    assert sorted(figs) == ["connectivity", "culprit-chain", "routes"]
    assert all(data[:4] == b"\x89PNG" for data in figs.values())
    assert "![Culprit chain ending at" in md


def test_collect_blocks_ignores_streams_and_errors():
    nb = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "stream", "name": "stderr", "text": "/tmp/xyz warning"},
        {"output_type": "display_data", "data": {story.MIME: {"blocks": [{"type": "p", "spans": [["text", "a"]]}]}}},
        {"output_type": "execute_result", "data": {"text/plain": "'x'"}}]}]}
    assert collect_blocks(nb) == [{"type": "p", "spans": [["text", "a"]]}]


def test_unknown_lang_and_missing_bundle_are_one_line_errors(tmp_path, capsys):
    from nettrace.cli import main

    assert main(["report", str(tmp_path / "nope.tar.gz"), "-o", str(tmp_path)]) == 1
    assert main(["report", str(tmp_path), "--lang", "fr", "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "no such bundle" in err[0] and "unknown language 'fr'" in err[1]


def test_figures_display_as_png_in_ipython_without_pyplot():
    """IPython's own display formatter (JupyterLab, papermill, nbconvert) shows a figure helper's
    result as a PNG, with no pyplot import and no backend switch (#21)."""
    import subprocess
    import sys

    # no pyplot in the process means no backend was switched (pyplot is what switches it)
    code = ("import sys\n"
            "from IPython.core.formatters import DisplayFormatter\n"
            "from nettrace.report import figures\n"
            "import networkx as nx; G = nx.MultiDiGraph(); G.add_nodes_from(['interface:feth4868', 'product:ZeroTier'])\n"
            "fig = figures.draw_chain(G, ['interface:feth4868', 'product:ZeroTier'])\n"
            "data, _ = DisplayFormatter().format(fig)\n"
            "assert data['image/png'][:8] == b'\\x89PNG\\r\\n\\x1a\\n', sorted(data)\n"
            "assert 'matplotlib.pyplot' not in sys.modules\n"
)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-800:]


def test_openconnect_story_names_its_homebrew_version_and_wraps_its_log_evidence():
    """Seed 004's culprit runs from /opt/homebrew/Cellar/openconnect/9.12_1/: the process step
    says which version that is; its unified-log lines wrap as prose, under a caption whose long
    predicate is elided (the manifest keeps the whole command)."""
    import nettrace
    from tests.conftest import SAMPLES

    s = story.open_story(nettrace.load(SAMPLES / "004-openconnect-residue.tar.gz"), lang="en")
    blocks = story.process_product(s).blocks
    prose = " ".join(doc.plain(b["spans"]) for b in blocks if b["type"] == "p")
    assert "belongs to OpenConnect. Its path is Homebrew's folder of version 9.12_1." in prose
    logs = [b for b in blocks if b["type"] == "evidence" and b["file"].endswith(".ndjson")]
    assert logs and all(b["wrap"] for b in logs)
    assert logs[0]["command"] == "sudo log show --style ndjson --last 30m --predicate '…'"
    assert 'class="evidence wrap"' in doc.block_html(logs[0])
    tables = [b for b in blocks if b["type"] == "evidence" and not b["file"].endswith(".ndjson")]
    assert all(not b["wrap"] for b in tables)
