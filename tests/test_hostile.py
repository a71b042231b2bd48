"""Hostile bundles: each ends in a clear message or a clean partial load, writes nothing, and
keeps memory bounded (peak RSS measured in a child process)."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import zlib
from pathlib import Path

import pytest

import nettrace
from nettrace.bundle import BundleError
from tests.bundlekit import manifest_for, seed000_files, write_bundle
from tests.rss import PRINT_PEAK_RSS

TOP = "nettrace-evil-20251228T021450Z"


def _info(name, **kw):
    info = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(info, k, v)
    return info


def _messages(b):
    return dict(zip(b.warnings["file"], b.warnings["message"]))


def test_path_escapes_links_and_devices_are_refused(tmp_path):
    passwd = b"root:x:0:0:root:/root:/bin/bash\n"
    extra = [
        (_info("/etc/nettrace-abs.out", size=len(passwd)), passwd),
        (_info(f"{TOP}/../../escape.out", size=len(passwd)), passwd),
        (_info(f"{TOP}/end/arp.out", type=tarfile.SYMTYPE, linkname="/etc/passwd"), None),
        (_info(f"{TOP}/end/ndp.out", type=tarfile.LNKTYPE, linkname="/etc/passwd"), None),
        (_info(f"{TOP}/dev0", type=tarfile.CHRTYPE, devmajor=1, devminor=3), None),
        (_info(f"{TOP}/fifo0", type=tarfile.FIFOTYPE), None),
    ]
    before = set(os.listdir(tmp_path))
    b = nettrace.load(write_bundle(tmp_path / "b.tar.gz", top=TOP, extra=extra))
    w = _messages(b)
    assert w["/etc/nettrace-abs.out"] == "refused: absolute path"
    assert "escapes the bundle" in w[f"{TOP}/../../escape.out"]
    assert "symbolic link" in w[f"{TOP}/end/arp.out"]
    assert "hard link" in w[f"{TOP}/end/ndp.out"]
    assert "device" in w[f"{TOP}/dev0"] and "FIFO" in w[f"{TOP}/fifo0"]
    assert b.frame("arp").empty  # the link was never followed to /etc/passwd
    assert len(b.frame("routes")) == 7  # the honest members still load
    assert set(os.listdir(tmp_path)) == before | {"b.tar.gz"}
    assert not Path("/etc/nettrace-abs.out").exists()


def test_folder_symlinks_are_not_followed(tmp_path):
    folder = tmp_path / "bundle"
    for name, data in seed000_files().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    (folder / "end" / "arp.out").symlink_to("/etc/passwd")
    b = nettrace.load(folder)
    assert "symbolic link" in _messages(b)["end/arp.out"]
    assert b.frame("arp").empty


def _zero_bomb(path: Path, size: int) -> Path:
    """A tar.gz whose one member is *size* zero bytes (compresses about 1000:1)."""
    header = tarfile.TarInfo(f"{TOP}/stream/route_monitor.out")
    header.size = size
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    with open(path, "wb") as fh:
        fh.write(comp.compress(header.tobuf(format=tarfile.GNU_FORMAT)))
        for _ in range(size >> 20):
            fh.write(comp.compress(chunk))
        fh.write(comp.compress(bytes(1024)))
        fh.write(comp.flush())
    return path


PEAK = """
import sys, nettrace
from nettrace.bundle import BundleError
try:
    b = nettrace.load(sys.argv[1])
    print(len(b.warnings), "|".join(b.warnings["message"].astype(str)))
except BundleError as e:
    print("ERROR", e)
""" + PRINT_PEAK_RSS


def _load_in_child(path: Path) -> tuple[str, int]:
    out = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.strip().splitlines()
    return "\n".join(lines[:-1]), int(lines[-1])  # bytes, the child's own (tests/rss.py)


@pytest.mark.slow
def test_gzip_bomb_stops_fast_in_bounded_memory(tmp_path):
    bomb = _zero_bomb(tmp_path / "bomb.tar.gz", 1 << 30)  # 1 GiB of zeros, ~1 MB on disk
    assert bomb.stat().st_size < 4 << 20
    text, peak = _load_in_child(bomb)
    assert "decompression bomb" in text or "ERROR" in text
    assert peak < 500 << 20, f"peak RSS {peak >> 20} MiB"


@pytest.mark.slow
def test_hundred_thousand_empty_members(tmp_path):
    p = tmp_path / "many.tar.gz"
    with tarfile.open(p, "w:gz") as tf:
        for name, data in seed000_files().items():
            info = _info(f"{TOP}/{name}", size=len(data))
            tf.addfile(info, io.BytesIO(data))
        empty = tarfile.TarInfo()
        for i in range(100_000):
            empty.name = f"{TOP}/junk/{i}.out"
            tf.addfile(empty, io.BytesIO(b""))
    text, peak = _load_in_child(p)
    assert "more than 10000 members" in text
    assert peak < 500 << 20


def test_lying_manifest(tmp_path):
    files = seed000_files()
    manifest = manifest_for(files)
    manifest["commands"][0]["sha256"] = "0" * 64
    manifest["commands"][1]["bytes"] = 12
    manifest["commands"].append({"name": "arp", "output": "end/arp.out", "kind": "snapshot"})
    manifest["commands"].append("not an object")
    manifest["schema_version"] = "2"
    b = nettrace.load(write_bundle(tmp_path / "b.tar.gz", files, manifest))
    status = dict(zip(b.integrity["file"], b.integrity["status"]))
    assert status["end/netstat_routes.out"] == "sha256 mismatch"
    assert status["end/ifconfig.out"] == "size mismatch"
    assert status["end/arp.out"] == "missing"
    assert len(b.frame("routes")) == 7


def test_manifest_that_is_not_json(tmp_path):
    b = nettrace.load(write_bundle(tmp_path / "b.tar.gz", manifest={"x": 1}))
    assert len(b.frame("routes")) == 7
    p = tmp_path / "c.tar.gz"
    with tarfile.open(p, "w:gz") as tf:
        data = b"{not json"
        tf.addfile(_info(f"{TOP}/manifest.json", size=len(data)), io.BytesIO(data))
        for name, d in seed000_files().items():
            tf.addfile(_info(f"{TOP}/{name}", size=len(d)), io.BytesIO(d))
    b = nettrace.load(p)
    assert "unreadable" in _messages(b)["manifest.json"]
    assert nettrace.findings_of(b)[0].culprit.product == "ZeroTier"


def test_tar_of_unrelated_files_is_not_a_bundle(tmp_path):
    p = tmp_path / "photos.tar.gz"
    with tarfile.open(p, "w:gz") as tf:
        tf.addfile(_info("holiday.jpg", size=3), io.BytesIO(b"abc"))
    with pytest.raises(BundleError, match="not a nettrace bundle"):
        nettrace.load(p)


def test_process_name_with_markup_stays_inert_in_markdown(tmp_path):
    files = seed000_files()
    evil = "<script>alert(1)</script>"
    files["end/ps.out"] = files["end/ps.out"].replace(b"MacEthernetTapAgent 4868", f"{evil} 4868".encode())
    files["end/lsof.out"] = files["end/lsof.out"].replace(b"MacEthern", b"[x](http")
    from nettrace.render_findings import as_markdown

    b = nettrace.load(write_bundle(tmp_path / "b.tar.gz", files, manifest_for(files)))
    md = as_markdown(b, nettrace.findings_of(b))
    import re

    outside_code = re.sub(r"(`+)(?:(?!\1).)+\1", "", md)
    assert "<script>" in md  # the evidence is quoted…
    assert "<script>" not in outside_code  # …but only inside code spans or escaped
    assert "](http" not in outside_code


def test_verify_reports_integrity_warnings_not_content_ones(tmp_path, capsys):
    from nettrace.cli import main

    files = seed000_files()
    files["end/ps.out"] += b"\x00 not a ps line\n"  # listed correctly in the manifest: a content warning
    manifest = manifest_for(files)
    files["end/lsof.out"] = files["end/lsof.out"].replace(b"647", b"648")  # altered after: integrity
    p = write_bundle(tmp_path / "b.tar.gz", files, manifest)
    b = nettrace.load(p)
    kinds = dict(zip(b.warnings["message"], b.warnings["kind"]))
    assert set(b.warnings.loc[b.warnings["file"] == "end/ps.out", "kind"]) == {"content"}
    assert [m for m, k in kinds.items() if k == "integrity"] == [
        "sha256 does not match the manifest (file altered or corrupt); parsed anyway"]
    assert main(["verify", str(p)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("end/lsof.out: sha256 does not match") and "1 problem(s)" in out[-1]
