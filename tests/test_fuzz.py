"""Fuzzing the untrusted surface (issue 8): every parser and the bundle loader.

Invariant: no exception escapes; parsers return frames that conform to their SCHEMAS and report
odd input as ``(line | None, message)`` warnings; ``load`` either raises a one-line BundleError or
returns a Bundle whose findings() run too.

CI runs >= 20 000 generated parser inputs (derandomized, so a failure reproduces);
``make fuzz`` sets NETTRACE_FUZZ_EXAMPLES=200000 for a long run.
"""
from __future__ import annotations

import math
import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nettrace.parsers import PARSER_NAMES, get_parser
from tests import fuzzkit

TOTAL = int(os.environ.get("NETTRACE_FUZZ_EXAMPLES") or 20_400)
PER_PARSER = math.ceil(TOTAL / len(PARSER_NAMES))
RUN: dict[str, int] = {}  # parser → examples actually run this session

FUZZ = settings(max_examples=PER_PARSER, deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=list(HealthCheck))


def check_parse(name: str, text: str) -> None:
    """Run parser *name* on *text* and assert the contract (raises AssertionError, or the parser's own error)."""
    mod = get_parser(name)
    warnings: list = []
    out = mod.parse(text, warnings=warnings)
    frames = {next(iter(mod.SCHEMAS)): out} if isinstance(out, pd.DataFrame) else out
    assert isinstance(frames, dict) and set(frames) == set(mod.SCHEMAS), f"{name}: frames {list(frames)}"
    n_lines = len(text.splitlines())
    for fname, schema in mod.SCHEMAS.items():
        df = frames[fname]
        assert isinstance(df, pd.DataFrame)
        assert schema.check(df) == [], schema.check(df)
        if "line" in df.columns and len(df):
            lines = df["line"].dropna()
            assert ((lines >= 1) & (lines <= n_lines)).all(), f"{fname}.line outside 1..{n_lines}: {list(lines)}"
    for w in warnings:
        assert isinstance(w, tuple) and len(w) == 2, w
        line, message = w
        assert line is None or (isinstance(line, int) and not isinstance(line, bool)), w
        assert line is None or 1 <= line <= n_lines + 1, f"warning line {line} outside 1..{n_lines + 1}"
        assert isinstance(message, str) and message, w


@pytest.mark.parametrize("name", PARSER_NAMES)
def test_parser_survives_hostile_text(name):
    RUN[name] = 0

    @FUZZ
    @given(fuzzkit.inputs(name))
    def run(text):
        RUN[name] += 1
        check_parse(name, text)

    run()


# --------------------------------------------------------------------------- the loader

import copy  # noqa: E402
import gzip  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import tarfile  # noqa: E402

import nettrace  # noqa: E402
from nettrace.bundle import BundleError, Limits  # noqa: E402
from tests.bundlekit import manifest_for, seed000_files  # noqa: E402

LOADER = max(60, TOTAL // 300)  # examples per loader test
LOAD_FUZZ = settings(FUZZ, max_examples=LOADER)
TOP = "nettrace-fuzz-20251228T021450Z"
SMALL = Limits(max_member_bytes=1 << 20, max_total_bytes=4 << 20, max_members=200)


def _tar(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.GNU_FORMAT) as tf:
        for info, data in members:
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def _regular(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _seed_members(files: dict[str, bytes], manifest) -> list:
    members = [_regular(f"{TOP}/{k}", v) for k, v in files.items()]
    if manifest is not None:
        members.append(_regular(f"{TOP}/manifest.json", json.dumps(manifest).encode()))
    return members


def check_load(path, limits: Limits | None = None) -> None:
    """load() raises a one-line BundleError or returns a Bundle whose derived views all work."""
    try:
        b = nettrace.load(path, limits=limits or SMALL)
    except BundleError as exc:
        assert str(exc) and "\n" not in str(exc), repr(str(exc))
        return
    b.findings()
    b.timeline()
    b.summary()
    broken = [m for m in b.warnings["message"].astype(str) if " failed: " in m]
    assert not broken, broken  # a parser or rule crashed behind the loader's safety net


def _write(tmp, data: bytes):
    p = tmp / "fuzz.tar.gz"
    p.write_bytes(data)
    return p


@st.composite
def hostile_members(draw):
    """(with manifest?, [(position, name, kind, data, linkname)]) — readable when a case fails."""
    files = seed000_files()
    extra = []
    for _ in range(draw(st.integers(1, 6))):
        name = draw(st.one_of(fuzzkit.MEMBER_NAME, fuzzkit.MEMBER_NAME.map(lambda n: f"{TOP}/{n}")))
        kind = draw(st.sampled_from(("file", "file", "file", "sym", "lnk", "dir", "fifo", "chr")))
        data = link = None
        if kind == "file":
            data = draw(st.one_of(st.binary(max_size=300), st.sampled_from(list(files.values()))))
        else:
            link = draw(st.sampled_from(("/etc/passwd", "../../x", f"{TOP}/end/ps.out")))
        extra.append((draw(st.integers(0, len(files) + 1)), name, kind, data, link))
    return draw(st.booleans()), extra


KINDS = {"sym": tarfile.SYMTYPE, "lnk": tarfile.LNKTYPE, "dir": tarfile.DIRTYPE, "fifo": tarfile.FIFOTYPE,
         "chr": tarfile.CHRTYPE}


def test_load_survives_hostile_members(tmp_path):
    @LOAD_FUZZ
    @given(hostile_members())
    def run(case):
        with_manifest, extra = case
        files = seed000_files()
        members = _seed_members(files, manifest_for(files) if with_manifest else None)
        for pos, name, kind, data, link in extra:
            info = tarfile.TarInfo(name)
            if kind == "file":
                info.size = len(data)
            else:
                info.type, info.linkname = KINDS[kind], link
            members.insert(pos, (info, data))
        check_load(_write(tmp_path, _tar(members)))
        assert sorted(os.listdir(tmp_path)) == ["fuzz.tar.gz"]  # nothing was extracted

    run()


def _set_path(obj, path: list, value):
    """Replace the value at *path* (keys / indexes, taken modulo) inside *obj*."""
    for i, key in enumerate(path):
        if isinstance(obj, dict) and obj:
            k = sorted(obj, key=str)[key % len(obj)]
        elif isinstance(obj, list) and obj:
            k = key % len(obj)
        else:
            return
        if i == len(path) - 1 or not isinstance(obj[k], (dict, list)):
            obj[k] = value
            return
        obj = obj[k]


@st.composite
def lying_manifests(draw):
    manifest = copy.deepcopy(manifest_for(seed000_files()))
    for _ in range(draw(st.integers(1, 8))):
        path = draw(st.lists(st.integers(0, 40), min_size=1, max_size=3))
        value = draw(st.one_of(st.none(), st.text(max_size=12), st.lists(st.none(), max_size=2),
                               st.just({}), st.integers(-10, 10**20), fuzzkit.JSON_JUNK))
        _set_path(manifest, path, value)
    if draw(st.integers(0, 9)) == 0:
        manifest = draw(fuzzkit.JSON_JUNK)
    return manifest


def test_load_survives_lying_manifests(tmp_path):
    @LOAD_FUZZ
    @given(lying_manifests())
    def run(manifest):
        check_load(_write(tmp_path, _tar(_seed_members(seed000_files(), manifest))))

    run()


GOOD = None


def _good_bundle() -> bytes:
    global GOOD
    if GOOD is None:
        files = seed000_files()
        GOOD = _tar(_seed_members(files, manifest_for(files)))
    return GOOD


@st.composite
def damaged_archives(draw):
    data = bytearray(_good_bundle())
    how = draw(st.sampled_from(("truncate", "flip", "inner-truncate")))
    if how == "truncate":
        return bytes(data[:draw(st.integers(0, len(data) - 1))])
    if how == "flip":
        for _ in range(draw(st.integers(1, 6))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    raw = gzip.decompress(bytes(data))  # a complete gzip stream around a cut tar
    return gzip.compress(raw[:draw(st.integers(0, len(raw)))], mtime=0)


def test_load_survives_damaged_archives(tmp_path):
    @LOAD_FUZZ
    @given(damaged_archives())
    def run(data):
        check_load(_write(tmp_path, data))

    run()


def test_manifest_fields_of_the_wrong_type_are_ignored(tmp_path):
    """Regression (found by the fuzzer): a manifest with a list for a command name, a string for
    ``macos`` or an unparseable time crashed load(), summary() and timeline()."""
    files = seed000_files()
    manifest = manifest_for(files)
    manifest["macos"] = "26.2"
    manifest["commands"][0]["name"] = ["netstat_routes"]
    manifest["commands"][0]["started_at"] = "yesterday"
    manifest["commands"][1]["bytes"] = "12"
    b = nettrace.load(_write(tmp_path, _tar(_seed_members(files, manifest))))
    assert b.summary()["macos"] is None
    messages = set(b.warnings["message"].astype(str))
    assert {"macos has the wrong type (str); ignored", "commands[0].name has the wrong type (list); ignored",
            "commands[1].bytes has the wrong type (str); ignored"} <= messages
    assert len(b.timeline()) and b.findings()[0].culprit.product == "ZeroTier"


# Regressions found by the fuzzer: str.isdigit() is True for "¹"/"²", which int() refuses; a
# whitespace-only stream. Each input once raised out of parse().
FOUND = [
    ("dig", ";; Query time: ² msec\n"),
    ("ndp", "Neighbor Linklayer Address Netif Expire St Flgs Prbs\nfe80::1%en0 0:1:2:3:4:5 en0 23h59m58s S R ¹\n"),
    ("scutil_dns", "DNS configuration\n\nresolver #1\n  search_order : ¹\n"),
    ("ps", "¹ 0 0 root Sun Dec 28 09:41:07 2025 x\n"),
    ("lsof", "COMMAND    PID            USER  FD   TYPE             DEVICE SIZE/OFF                NODE NAME\n"
             "launchd      ¹            root cwd    DIR               1,17      640                   2 /\n"),
    ("netstat_routes", "Internet:\nDestination Gateway Flags Netif Expire\n¹0.68/16 link#15 UCS en0 !\n"),
    ("route_monitor", " "),
    ("route_monitor", "got message of size ¹"),
    ("route_monitor", "RTM_: len ¹"),
]


@pytest.mark.parametrize("name,text", FOUND, ids=[f"{n}-{i}" for i, (n, _) in enumerate(FOUND)])
def test_fuzz_regressions(name, text):
    check_parse(name, text)
