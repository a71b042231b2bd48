"""The loader: frames from a real-format bundle, integrity checks, partial and odd bundles."""
from __future__ import annotations

import json

import pandas as pd
import pytest

import nettrace
from nettrace.bundle import BundleError, EXTRA_COLUMNS
from nettrace.parsers import get_parser
from tests.bundlekit import manifest_for, seed000_files, write_bundle


@pytest.fixture
def b0(tmp_path):
    return nettrace.load(write_bundle(tmp_path / "b.tar.gz"))


def test_frames_show_the_seed_000_walk(b0):
    routes = b0.latest("routes")
    defaults = routes[routes["is_default"]].sort_values("rank")
    top = defaults.iloc[0]
    assert (top["gateway"], top["netif"], top["flags"]) == ("127.0.0.1", "feth4868", "UGScg")
    assert defaults.iloc[1]["netif"] == "en0"
    ev = b0.frame("route_events").iloc[0]
    assert (ev["type"], ev["pid"], ev["seq"], ev["ifa"]) == ("RTM_ADD", 382, 1954, "172.27.5.101")
    assert ev["interface"] == "feth4868"  # index 25 resolved through netstat's link#25
    assert ev["time"] == pd.Timestamp("2025-12-28T02:15:27Z")  # 10:15:27 at +0800
    ifs = b0.latest("interfaces").set_index("name")
    assert ifs.loc["feth4868", "peer"] == "feth9868"
    of = b0.frame("open_files").iloc[0]
    assert (of["pid"], of["type"], of["interface"]) == (647, "ndrv", "feth9868")


def test_every_frame_carries_file_snapshot_and_capture_time(b0):
    for name, df in b0.frames.items():
        assert set(EXTRA_COLUMNS) <= set(df.columns), name
        assert df["file"].notna().all(), name
    routes = b0.frame("routes")
    assert set(routes["snapshot"]) == {"end"}
    assert set(routes["file"]) == {"end/netstat_routes.out"}
    assert routes["captured_at"].iloc[0] == pd.Timestamp("2025-12-28T02:16:00Z")
    # the route monitor keeps its own per-line capture times
    assert b0.frame("route_events")["snapshot"].iloc[0] == "stream"


def test_raw_and_line_give_back_the_cited_text(b0):
    ev = b0.frame("route_events").iloc[0]
    assert b0.line(ev["file"], ev["line"]) == "got message of size 176 on Sun Dec 28 10:15:27 2025"
    assert "feth4868" in b0.raw("end/netstat_routes.out")
    with pytest.raises(KeyError):
        b0.raw("end/nothing.out")


def test_folder_and_tarball_load_the_same(tmp_path):
    tar = nettrace.load(write_bundle(tmp_path / "b.tar.gz"))
    folder = tmp_path / "unpacked"
    for name, data in seed000_files().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / "manifest.json").write_text(json.dumps(manifest_for(seed000_files())))
    fol = nettrace.load(folder)
    assert sorted(tar.frames) == sorted(fol.frames)
    pd.testing.assert_frame_equal(tar.frames["routes"], fol.frames["routes"])
    assert fol.warnings.empty and tar.warnings.empty


def test_missing_frames_are_empty_with_their_schema(b0):
    arp = b0.frame("arp")
    assert arp.empty
    assert list(arp.columns) == list(get_parser("arp").SCHEMAS["arp"].names) + list(EXTRA_COLUMNS)


def test_altered_file_is_reported_and_still_parsed(tmp_path):
    files = seed000_files()
    manifest = manifest_for(files)
    files["end/ps.out"] = files["end/ps.out"].replace(b"647", b"648")
    b = nettrace.load(write_bundle(tmp_path / "b.tar.gz", files, manifest))
    msgs = b.warnings[b.warnings["file"] == "end/ps.out"]["message"].tolist()
    assert any("sha256 does not match" in m for m in msgs)
    assert 648 in set(b.frame("processes")["pid"])
    assert b.integrity.set_index("file").loc["end/ps.out", "status"] == "sha256 mismatch"


def test_listed_but_missing_and_unlisted_files(tmp_path):
    files = seed000_files()
    manifest = manifest_for(files)
    del files["end/lsof.out"]
    files["end/arp.out"] = b"? (10.68.255.254) at 0:0:5e:0:1:1 on en0 ifscope [ethernet]\n"
    b = nettrace.load(write_bundle(tmp_path / "b.tar.gz", files, manifest))
    w = dict(zip(b.warnings["file"], b.warnings["message"]))
    assert "missing from the bundle" in w["end/lsof.out"]
    assert "not listed in the manifest" in w["end/arp.out"]
    assert b.frame("arp").iloc[0]["ip"] == "10.68.255.254"
    assert b.frame("open_files").empty


def test_no_manifest_still_loads_by_file_names(tmp_path):
    b = nettrace.load(write_bundle(tmp_path / "b.tar.gz", manifest=False))
    assert b.manifest.get("inferred") is True
    assert len(b.frame("routes")) == 7
    assert "missing" in b.warnings.iloc[0]["message"]


def test_unknown_schema_version_is_a_warning(tmp_path):
    files = seed000_files()
    manifest = manifest_for(files)
    manifest["schema_version"] = 99
    b = nettrace.load(write_bundle(tmp_path / "b.tar.gz", files, manifest))
    assert any("unknown schema_version 99" in m for m in b.warnings["message"])
    assert len(b.frame("routes")) == 7


def test_non_utf8_bytes_are_replaced_and_warned(tmp_path):
    files = seed000_files()
    files["end/ps.out"] = files["end/ps.out"].replace(b"configd", b"config\xff\xfe")
    b = nettrace.load(write_bundle(tmp_path / "b.tar.gz", files, manifest_for(files)))
    assert any("non-UTF-8" in m for m in b.warnings["message"])
    assert "config\ufffd\ufffd" in set(b.frame("processes")["executable"].str.rsplit("/", n=1).str[-1])


@pytest.mark.parametrize("content", [b"", b"hello, not a tarball\n", b"\x1f\x8b\x08\x00garbage"])
def test_not_a_bundle_is_one_clear_error(tmp_path, content):
    p = tmp_path / "x.tar.gz"
    p.write_bytes(content)
    with pytest.raises(BundleError) as exc:
        nettrace.load(p)
    assert "\n" not in str(exc.value) and "x.tar.gz" in str(exc.value)


def test_truncated_archive_keeps_what_it_holds(tmp_path):
    files = {**seed000_files(), "end/zz_padding.out": bytes(range(256)) * 4000}
    p = write_bundle(tmp_path / "b.tar.gz", files)
    data = p.read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(data[: int(len(data) * 0.8)])
    b = nettrace.load(cut)
    assert any("truncated or corrupt" in m for m in b.warnings["message"])
    assert len(b.frames) >= 3  # what came before the damage


def test_cli_exit_codes(tmp_path, capsys):
    from nettrace.cli import main

    good = write_bundle(tmp_path / "b.tar.gz")
    assert main(["analyze", str(good), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["findings"][0]["culprit"]["product"] == "ZeroTier"
    assert main(["analyze", str(tmp_path / "nope.tar.gz")]) == 1
    assert "no such file" in capsys.readouterr().err
