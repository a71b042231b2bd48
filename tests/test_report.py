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
from nettrace.findings import Culprit, Evidence, Finding, Remedy
from nettrace.report import doc, figures, story
from nettrace.report.post import markdown_post
from nettrace.report.render import collect_blocks, html_page

MESSAGES = Path(__file__).resolve().parents[1] / "nettrace" / "data" / "messages"
UTC = "UTC"

ROUTES_TXT = ("Routing tables\n\nInternet:\n"
              "Destination        Gateway            Flags               Netif Expire\n"
              "default            127.0.0.1          UGScg            feth4868       \n"
              "default            10.68.255.254      UGScIg                en0       \n")
MONITOR_TXT = ("2025-12-28T02:15:27Z\tgot message of size 176 on Sun Dec 28 10:15:27 2025\n"
               "2025-12-28T02:15:27Z\tRTM_ADD: Add Route: len 176, pid: 382, seq 1954, errno 0, "
               "flags:<UP,GATEWAY,DONE,STATIC>\n"
               "2025-12-28T02:15:27Z\tlocks:  inits: \n"
               "2025-12-28T02:15:27Z\tsockaddrs: <DST,GATEWAY,NETMASK,IFP,IFA>\n"
               "2025-12-28T02:15:27Z\t default localhost default index: 25  172.27.5.101\n")
IFCONFIG_TXT = ("feth4868: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 5000 mtu 2800\n"
                "\tether d6:8b:8e:3b:53:14\n\tpeer: feth9868\n\tstatus: active\n"
                "feth9868: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 2800\n"
                "\tpeer: feth4868\n")
LSOF_TXT = ("COMMAND    PID   USER    FD   TYPE  DEVICE SIZE/OFF NODE NAME\n"
            "MacEthern  647   root    3u   ndrv  0xa74f6360b3f2d7bc 0t0 -> feth9868\n")
PS_TXT = ("  PID  PPID   UID USER  STARTED COMMAND\n"
          "  535     1     0 root  Sun Dec 28 09:00:00 2025 /Library/Application Support/ZeroTier/One/zerotier-one\n"
          "  647   535     0 root  Sun Dec 28 09:00:01 2025 /Library/Application Support/ZeroTier/One/"
          "MacEthernetTapAgent 4868 d6:8b:8e:3b:53:14 2800 5000\n")


class FakeBundle:
    """The contract of nettrace.load(), filled by hand with seed 000's facts."""

    def __init__(self, process_name: str = "MacEthernetTapAgent", comment: str = "", healthy: bool = False):
        self.name = "nettrace-MacBook-Pro-20251228T021400Z"
        self.manifest = {
            "host": "MacBook-Pro", "user": "noblee.tung", "root": True, "timezone": "+0800",
            "macos": {"product_name": "macOS", "product_version": "26.2", "build_version": "25C56"},
            "started_at": "2025-12-28T02:14:00Z", "ended_at": "2025-12-28T02:16:05Z",
            "default_gateway": "10.68.255.254",
            "commands": [
                {"name": "netstat_routes", "output": "end/netstat_routes.out", "argv": ["netstat", "-rn"],
                 "as": "root", "started_at": "2025-12-28T02:16:01Z"},
                {"name": "route_monitor", "output": "stream/route_monitor.out",
                 "argv": ["route", "-n", "monitor"], "as": "root"},
                {"name": "ifconfig", "output": "end/ifconfig.out", "argv": ["ifconfig", "-a"], "as": "root",
                 "started_at": "2025-12-28T02:16:02Z"},
                {"name": "lsof", "output": "end/lsof.out", "argv": ["lsof", "-nP", "-w"], "as": "root",
                 "started_at": "2025-12-28T02:16:03Z"},
                {"name": "ps", "output": "end/ps.out", "argv": ["ps", "-axww"], "as": "root",
                 "started_at": "2025-12-28T02:16:03Z"}]}
        self._raw = {"end/netstat_routes.out": ROUTES_TXT, "stream/route_monitor.out": MONITOR_TXT,
                     "end/ifconfig.out": IFCONFIG_TXT, "end/lsof.out": LSOF_TXT, "end/ps.out": PS_TXT}
        routes = [("start", "default", "10.68.255.254", "en0", 5)]
        routes += [("end", "default", "10.68.255.254", "en0", 6)] if healthy else [
            ("end", "default", "127.0.0.1", "feth4868", 5), ("end", "default", "10.68.255.254", "en0", 6)]
        self.frames = {
            "routes": pd.DataFrame({"snapshot": [r[0] for r in routes], "family": "inet",
                                    "destination": [r[1] for r in routes], "gateway": [r[2] for r in routes],
                                    "netif": [r[3] for r in routes], "is_default": True,
                                    "file": "end/netstat_routes.out", "line": [r[4] for r in routes]}),
            "hardware_ports": pd.DataFrame({"snapshot": "end", "port": ["Wi-Fi"], "device": ["en0"],
                                            "ether": ["bc:d0:74:30:0e:71"], "file": "x", "line": [1]}),
            "network_order": pd.DataFrame({"snapshot": "end", "source": "networksetup", "rank": [0],
                                           "service": ["Wi-Fi"], "interface": ["en0"], "enabled": [True]}),
            "interfaces": pd.DataFrame({"snapshot": "end", "name": ["feth4868", "feth9868"],
                                        "peer": ["feth9868", "feth4868"], "file": "end/ifconfig.out",
                                        "line": [1, 5]}),
            "open_files": pd.DataFrame({"snapshot": "end", "pid": [647], "name": ["-> feth9868"],
                                        "file": "end/lsof.out", "line": [2]}),
            "processes": pd.DataFrame({"snapshot": "end", "pid": [535, 647], "ppid": [1, 535],
                                       "name": ["zerotier-one", process_name], "file": "end/ps.out",
                                       "line": [2, 3]}),
            "pings": pd.DataFrame({
                "captured_at": pd.to_datetime(["2025-12-28T02:15:20Z", "2025-12-28T02:15:21Z",
                                               "2025-12-28T02:15:29Z", "2025-12-28T02:15:30Z"], utc=True),
                "target": ["1.1.1.1", "10.68.255.254", "1.1.1.1", "10.68.255.254"],
                "destination": ["1.1.1.1", "10.68.255.254", "1.1.1.1", "10.68.255.254"],
                "outcome": ["reply", "reply", "no_route" if not healthy else "reply", "reply"],
                "file": "stream/ping_stream@1.1.1.1.out", "line": [1, 1, 2, 2]}),
        }
        self.warnings = pd.DataFrame(columns=["file", "line", "message"])
        self._timeline = pd.DataFrame({
            "time": pd.to_datetime(["2025-12-28T02:15:10Z", "2025-12-28T02:15:27Z"], utc=True),
            "source": "route_event", "kind": ["RTM_ADD", "RTM_ADD"],           # Wi-Fi reconnect, then the culprit
            "summary": ["RTM_ADD default 10.68.255.254 en0", "RTM_ADD default 127.0.0.1 feth4868"],
            "actor": ["configd (382)", f"configd (382)"], "pid": [382, 382],
            "target": ["default", "default"], "outcome": None, "file": "stream/route_monitor.out",
            "line": [2, 2]})
        G = nx.MultiDiGraph()
        nodes = [("route:end:inet:0.0.0.0/0:127.0.0.1:feth4868", "route", "default → 127.0.0.1 (feth4868)",
                  {"file": "end/netstat_routes.out", "line": 5, "netif": "feth4868", "gateway": "127.0.0.1"}),
                 ("interface:feth4868", "interface", "feth4868", {"file": "end/ifconfig.out", "line": 1}),
                 ("interface:feth9868", "interface", "feth9868", {"file": "end/ifconfig.out", "line": 5}),
                 ("process:647", "process", f"{process_name} (647)", {"pid": 647, "file": "end/ps.out", "line": 3}),
                 ("process:535", "process", "zerotier-one (535)", {"pid": 535, "file": "end/ps.out", "line": 2}),
                 ("product:ZeroTier", "product", "ZeroTier", {})]
        for nid, kind, label, row in nodes:
            G.add_node(nid, kind=kind, label=label, row=row)
        rels = ["via_interface", "peer", "holds", "child_of", "part_of"]
        for (u, *_), (v, *_), rel in zip(nodes, nodes[1:], rels):
            G.add_edge(u, v, relation=rel)
        self._G = G
        self._findings = [] if healthy else [Finding(
            "default-route-black-hole", "critical",
            params={"gateway": "127.0.0.1", "netif": "feth4868", "family": "inet",
                    "destination": {"en": "the default route", "zh": "默认路由"},
                    "hole": {"en": "a loopback address", "zh": "回环地址"}, "second": "",
                    "physical": "en0", "physical_gateway": "10.68.255.254", "writers": "configd (382)",
                    "chain": "feth4868 → ZeroTier" + comment},
            culprit=Culprit(647, process_name, "/Library/Application Support/ZeroTier/One/MacEthernetTapAgent",
                            "ZeroTier"),
            evidence=[Evidence("end/netstat_routes.out", 5, None, "default 127.0.0.1 UGScg feth4868")],
            remedy=[Remedy("netstat -rn -f inet", False, "remedy.check_routes"),
                    Remedy("sudo '/Library/Application Support/ZeroTier/One/uninstall.sh'", True,
                           "remedy.product", {"product": "ZeroTier", "advice": ""})],
            chain=[n[0] for n in nodes])]

        # what nettrace.graph_of / findings_of (and skipped_of) / timeline_of memoise in a real bundle
        self._cache = {"graph": self._G, "rules": (list(self._findings), []), "timeline": self._timeline}

    def raw(self, file):
        return self._raw[file]


SECTIONS = ("headline", "machine", "symptoms", "routing_table", "route_events", "interface_owner",
            "process_product", "root_cause", "fix", "prevention", "questions", "appendix")


def all_blocks(s) -> list[dict]:
    return [b for fn in SECTIONS for b in getattr(story, fn)(s).blocks]


@pytest.fixture(scope="module")
def zerotier_en():
    return all_blocks(story.open_story(FakeBundle(), lang="en"))


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
    story_src = (folder / "story.py").read_text()
    used = {f"report.{k}" for k in re.findall(r'\bs\.[tf]\("([a-z_.]+)"', story_src)}
    used |= {f"report.figure.{k}" for k in re.findall(r'_l\("([a-z_]+)"', (folder / "figures.py").read_text())}
    used |= set(re.findall(r't\("(report\.[a-z_.]+)"', (folder / "render.py").read_text()))
    assert len(used) > 60
    assert sorted(used - set(en)) == []


# --------------------------------------------------------------------------- escaping

def test_html_escapes_bundle_strings():
    s = story.open_story(FakeBundle(process_name="<script>alert(1)</script>"), lang="en")
    page = html_page(all_blocks(s), "en")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_markdown_never_makes_links_or_html_from_bundle_strings(tmp_path):
    s = story.open_story(FakeBundle(process_name="<img src=x onerror=alert(1)>",
                                    comment=" [click](http://evil)"), lang="en")
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
    assert [c["changes_system"] for c in codes] == [False, True]
    assert doc.plain(codes[0]["caption"]).startswith("[read-only]")
    assert doc.plain(codes[1]["caption"]).startswith("[changes the system]")


def test_questions_only_where_data_answers(zerotier_en):
    qs = [doc.plain(b["spans"]) for b in zerotier_en if b["type"] == "h" and b["level"] == 4]
    assert "Why did reconnecting Wi-Fi help for a while?" in qs
    assert "Why did route monitor name a system process instead of the culprit?" in qs
    assert "Why do other devices work on the same network?" in qs
    assert "Why does the bad route come back after I delete it?" not in qs   # added once only


def test_healthy_bundle_names_no_culprit():
    blocks = all_blocks(story.open_story(FakeBundle(healthy=True), lang="en"))
    text = "\n".join(doc.plain(b.get("spans", [])) for b in blocks)
    assert "ZeroTier" not in text and "names no culprit" in text
    assert not any(b["type"] == "figure" and b["name"] == "culprit-chain" for b in blocks)
    assert "Questions you may have" not in text


def test_zh_narrative_has_no_english_sentences():
    blocks = all_blocks(story.open_story(FakeBundle(), lang="zh"))
    prose = []
    for b in blocks:
        for group in [b.get("spans", [])] + b.get("items", []) + [c for row in b.get("rows", []) for c in row] \
                + b.get("header", []):
            prose += [v for k, v in group if k != "code"]
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9'._-]{2,}", " ".join(prose)))
    # product and OS names; identifiers the findings catalog puts in its (Chinese) sentences
    allowed = {"macOS", "Wi-Fi", "ZeroTier", "feth4868", "configd", "inet", "loopback", "en0", "IPv4"}
    assert words - allowed <= set(), words - allowed


def test_redact_hides_user_and_host():
    html = doc.to_html(all_blocks(story.open_story(FakeBundle(), lang="en", redact=True)))
    assert "noblee.tung" not in html and "MacBook-Pro" not in html and "&lt;user&gt;" in html


def test_incident_window_limits_events():
    s = story.open_story(FakeBundle(), incident_start="2025-12-28T02:15:20Z")
    assert list(s.timeline["kind"]) == ["RTM_ADD"]


# --------------------------------------------------------------------------- figures

def test_draw_chain_one_box_per_node_coloured_by_kind():
    b = FakeBundle()
    chain = story._chain_from(nettrace.graph_of(b), nettrace.findings_of(b)[0].chain)
    fig = figures.draw_chain(nettrace.graph_of(b), chain)
    boxes = fig.axes[0].patches
    assert len(boxes) == 6
    assert [p.get_facecolor()[:3] for p in boxes][0] == pytest.approx(
        tuple(int(figures.KIND_COLORS["route"][i:i + 2], 16) / 255 for i in (1, 3, 5)))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "ZeroTier" in texts and "held by" in texts and "MacEthernetTapAgent\n(647)" in texts


def test_routes_diff():
    d = figures.routes_diff(FakeBundle().frames["routes"])
    assert list(zip(d["gateway"], d["status"])) == [("127.0.0.1", "appeared"), ("10.68.255.254", "kept")]


def test_connectivity_figure_lanes_per_target():
    b = FakeBundle()
    s = story.open_story(b)
    pings = story._pings(s)
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
    assert 'title: "ZeroTier and the default route: how the network broke"' in head
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
