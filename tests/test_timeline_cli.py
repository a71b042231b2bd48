"""The timeline frame and the analysis sub-commands on the sample bundles."""
from __future__ import annotations

import json

import pandas as pd

import nettrace
from nettrace.cli import main
from tests.test_samples import SAMPLES, sample

S000 = str(SAMPLES / "000-zerotier-loopback-default.tar.gz")


def test_timeline_merges_sources_on_one_utc_clock():
    tl = nettrace.timeline_of(sample("000-zerotier-loopback-default"))
    assert str(tl["time"].dtype) == "datetime64[ns, UTC]"
    assert tl["time"].is_monotonic_increasing
    assert {"route_event", "ping", "snapshot", "probe"} <= set(tl["source"])
    add = tl[(tl["kind"] == "RTM_ADD") & (tl["pid"] == 382)]
    # the seed's message "Sun Dec 28 10:15:27 2025" at +0800
    assert pd.Timestamp("2025-12-28T02:15:27Z") in set(add["time"])
    assert set(add["actor"]) == {"configd (382)"}
    loss = tl[(tl["source"] == "ping") & (tl["target"] == "1.1.1.1") & (tl["outcome"] == "timeout")]
    assert len(loss) == 1 and loss.iloc[0]["time"] >= add["time"].min()


def test_timeline_of_logs_and_probes():
    tl = nettrace.timeline_of(sample("004-openconnect-residue"))
    logs = tl[tl["source"] == "log"]
    assert logs["summary"].str.contains("CSTP reconnect failed", regex=False).any()
    probes = tl[tl["source"] == "probe"]
    assert set(probes["actor"]) <= {"user", "root"} and len(probes) > 0


def test_explain_json_gives_the_chain(capsys, tmp_path):
    assert main(["explain", S000, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [n["id"] for n in out["chain"]["nodes"]][-3:] == ["process:647", "process:535", "product:ZeroTier"]
    assert out["culprit"] == {"pid": 647, "name": "MacEthernetTapAgent",
                              "executable": "/Library/Application Support/ZeroTier/One/MacEthernetTapAgent",
                              "product": "ZeroTier"}
    assert main(["explain", S000, "--interface", "feth9868"]) == 0
    assert "held by MacEthernetTapAgent (647)" in capsys.readouterr().out
    png = tmp_path / "chain.png"
    assert main(["explain", S000, "--figure", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert capsys.readouterr().out.rstrip().endswith(str(png))
    assert main(["explain", S000, "--route", "203.0.113.0/24"]) == 1
    assert "not in this bundle" in capsys.readouterr().err


def test_analyze_formats(capsys, tmp_path):
    assert main(["analyze", S000]) == 0
    text = capsys.readouterr().out
    assert text.index("CRITICAL") < text.index("culprit: ZeroTier")
    assert main(["analyze", S000, "--format", "json", "--lang", "zh"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"bundle", "findings"} <= set(data)  # skipped and facts were added
    f = data["findings"][0]
    assert {"id", "severity", "title", "summary", "culprit", "evidence", "remedy"} <= set(f)  # fields added: ok
    assert set(f["evidence"][0]) == {"file", "line", "timestamp", "text"}
    assert {"command", "changes_system", "why"} <= set(f["remedy"][0])  # safe_because was added
    assert "黑洞" in f["title"]
    out = tmp_path / "findings.md"
    assert main(["analyze", S000, "--format", "markdown", "-o", str(out)]) == 0
    assert out.read_text().startswith("# 000-zerotier-loopback-default")


def test_frames_and_verify(capsys):
    assert main(["frames", S000]) == 0
    listing = capsys.readouterr().out
    assert "route_events" in listing and "open_files" in listing
    assert main(["frames", S000, "route_events", "--format", "csv"]) == 0
    csv = capsys.readouterr().out
    assert "RTM_ADD" in csv and ",382," in csv
    assert main(["frames", S000, "nosuchframe"]) == 1
    assert main(["verify", S000]) == 0
    assert "0 problem(s)" in capsys.readouterr().out
