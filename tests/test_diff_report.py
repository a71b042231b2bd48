"""The postmortem's "What changed" section (nettrace/report/whatchanged.py): blocks, the routing
tables figure, escaping, and the hook a story calls with a baseline bundle."""
from __future__ import annotations

import base64

import pytest

import nettrace
from nettrace.diff import diff
from nettrace.report import doc, whatchanged
from tests.bundlekit import write_bundle

HEAD = "Routing tables\n\nInternet:\nDestination        Gateway            Flags               Netif Expire\n"


@pytest.fixture(scope="module")
def oc(diff_bundles):
    return diff(diff_bundles["openconnect_connected"], diff_bundles["openconnect_after"])


def test_blocks_cite_both_sides_and_draw_the_tables(oc):
    blocks = whatchanged.blocks(oc, "en")
    assert blocks[0] == {"type": "h", "level": 2, "spans": [["text", "What changed"]], "id": "diff-what-changed"}
    heads = [doc.plain(b["spans"]) for b in blocks if b["type"] == "h"]
    assert heads[1:] == ["The route Internet traffic takes", "Routes", "Interfaces", "Processes", "DNS resolvers",
                         "Packet filter (pf)", "Findings", "Reachability (ping loss)"]
    fig = next(b for b in blocks if b["type"] == "figure")
    assert base64.b64decode(fig["png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "openconnect" in doc.plain(fig["caption"]).lower() or oc.before["name"] in doc.plain(fig["caption"])
    md = doc.to_markdown(blocks)
    assert "- openconnect stopped (was pid 44718; holds utun6) \\[OpenConnect\\] · before `end/ps.out:161`" in md
    assert "`default 10.51.0.1 UGScg en0`" in md
    # the Markdown of `nettrace diff --format markdown` is these blocks without the figure
    assert whatchanged.markdown(oc, "en") == doc.to_markdown(whatchanged.blocks(oc, "en", figure=False)) + "\n"


def test_figure_colours_the_changed_rows(oc):
    fig = whatchanged.routes_figure(oc, "en")
    texts = {t.get_text().strip(): t.get_color() for t in fig.axes[0].texts}
    removed = next(k for k in texts if k.startswith("− 59.78.192/21"))
    kept = next(k for k in texts if k.startswith("59.78.176/20"))
    changed = [k for k in texts if k.startswith("~ default")]
    assert texts[removed] == "#C0392B" and texts[kept] == "#7F7F7F" and len(changed) == 2
    assert any(k.startswith("+ 172.20.10/28") for k in texts)


def test_bundle_strings_stay_inert(tmp_path):
    evil = HEAD + "default            10.0.0.1           UGScg                 en0       \n"
    worse = HEAD + "default            <img/src=x>        UGScg                 en0       \n"
    b = nettrace.load(write_bundle(tmp_path / "x.tar.gz", {"start/netstat_routes.out": evil.encode(),
                                                            "end/netstat_routes.out": worse.encode()}))
    blocks = whatchanged.blocks(diff(b), "en")
    html = doc.to_html(blocks)
    assert "<img/src=x>" not in html and "&lt;img/src=x&gt;" in html
    md = doc.to_markdown(blocks)
    assert "`default <img/src=x> UGScg en0`" in md and "→ &lt;img/src=x&gt;" in md


def test_section_hook(diff_bundles, tmp_path):
    from nettrace.report import story

    s = story.open_story(diff_bundles["zerotier_removed"], lang="zh")
    sec = whatchanged.section(s, str(diff_bundles["zerotier"].path))
    text = doc.plain([sp for b in sec.blocks for sp in b.get("spans", [])])
    assert sec.blocks[0]["spans"] == [["text", "变化"]]
    assert "与基线 000-zerotier-loopback-default 相比" in text
    assert "两次采集之间 Mac 重启过" in doc.to_html(sec.blocks)
    assert whatchanged.section(s, "").blocks == []
    bad = whatchanged.section(s, str(tmp_path / "missing.tar.gz"))
    assert len(bad.blocks) == 2 and "无法读取基线" in doc.plain(bad.blocks[1]["spans"])


@pytest.fixture(scope="module")
def rendered(diff_bundles, tmp_path_factory):
    """``nettrace report AFTER --baseline BEFORE`` rendered once (the ZeroTier Mac after the removal)."""
    from nettrace.cli import main

    out = tmp_path_factory.mktemp("report-baseline") / "pm"
    code = main(["report", str(diff_bundles["zerotier_removed"].path), "-o", str(out),
                 "--baseline", str(diff_bundles["zerotier"].path)])
    assert code == 0
    return out


def test_report_with_baseline_has_what_changed(rendered):
    md = (rendered / "postmortem.md").read_text(encoding="utf-8")
    assert "\n## What changed\n" in md
    assert "![The IPv4 routing table before (left) and after (right)" in md
    assert (rendered / "postmortem-diff-routes.png").read_bytes()[:4] == b"\x89PNG"
    assert "- feth4868 vanished (was overlay, peer feth9868, 172.27.5.101/16) \\[ZeroTier\\]" in md
    html = (rendered / "postmortem.html").read_text(encoding="utf-8")
    assert 'id="diff-what-changed"' in html and "MacEthernetTapAgent stopped" in html


def test_report_baseline_errors_in_one_line(diff_bundles, tmp_path, capsys):
    from nettrace.cli import main

    out = tmp_path / "pm"
    assert main(["report", str(diff_bundles["zerotier"].path), "-o", str(out),
                 "--baseline", str(tmp_path / "missing.tar.gz")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.tar.gz: no such bundle" in err
    assert not out.exists()
