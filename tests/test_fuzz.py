"""Fuzzing the untrusted surface (issue 8): every parser and the bundle loader.

Invariant: no exception escapes; parsers return frames that conform to their SCHEMAS and report
odd input as ``(line | None, message)`` warnings; ``load`` either raises a one-line BundleError or
returns a Bundle whose findings_of() runs too.

CI runs >= 20 000 generated parser inputs (derandomized, so a failure reproduces);
``make fuzz`` sets NETTRACE_FUZZ_EXAMPLES=200000 for a long run.
"""
from __future__ import annotations

import copy
import gzip
import io
import json
import math
import os
import signal
import tarfile
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nettrace
from nettrace.bundle import BundleError, Limits
from nettrace.parsers import PARSER_NAMES, get_parser
from nettrace.render_findings import as_text
from nettrace.rules import skipped_of
from tests import fuzzkit
from tests.bundlekit import manifest_for, seed000_files

ROOT = Path(__file__).resolve().parents[1]
TOTAL = int(os.environ.get("NETTRACE_FUZZ_EXAMPLES") or 20_000)  # generated parser inputs, all parsers together
# parsers that cost 2-4 ms an input (two frames, big seeds) get a smaller share of the budget
HEAVY = {"ifconfig", "route_monitor", "lsof", "dig", "traceroute", "netstat_routes"}
_WEIGHT = {n: 0.6 if n in HEAVY else 1.0 for n in PARSER_NAMES}
PER_PARSER = {n: math.ceil(TOTAL * w / sum(_WEIGHT.values())) for n, w in _WEIGHT.items()}
RUN: dict[str, int] = {}  # parser → inputs actually run this session
PASSED: set[str] = set()
SLOWEST: list = []  # (seconds, parser, pattern) of the 1 MB line test

FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None, print_blob=True,
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

    @settings(FUZZ, max_examples=PER_PARSER[name])
    @given(fuzzkit.inputs(name))
    def run(text):
        RUN[name] += 1
        check_parse(name, text)

    run()
    PASSED.add(name)


def _alarm(signum, frame):
    raise TimeoutError("parser still running after 20 s on a 1 MB line (catastrophic regex backtracking?)")


@pytest.mark.parametrize("name", PARSER_NAMES)
def test_one_megabyte_line(name):
    """Regex cost on pathological lines: a 1 MB line of several shapes, each parsed in well under
    20 s (measured: the slowest, traceroute on its own header repeated, takes ~0.15 s)."""
    mb = 1 << 20
    first = next((ln for s in fuzzkit.seeds()[name] for ln in s.splitlines() if ln.strip()), "x")
    shapes = {"seed line": (first + " ") * (mb // (len(first) + 1)), "words": "a " * (mb // 2),
              "blanks": " " * mb + "x", "dots": "1." * (mb // 2), "colons": "a: " * (mb // 3),
              "prefixed": fuzzkit.STREAM_PREFIX + "<" * mb}
    old = signal.signal(signal.SIGALRM, _alarm)
    try:
        for shape, text in shapes.items():
            signal.setitimer(signal.ITIMER_REAL, 20)
            t0 = time.perf_counter()
            check_parse(name, text)
            signal.setitimer(signal.ITIMER_REAL, 0)
            SLOWEST.append((time.perf_counter() - t0, name, shape))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# --------------------------------------------------------------------------- the loader


LOADER = max(50, TOTAL // 400)  # examples per loader test (a load + findings costs ~60 ms)
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
    nettrace.findings_of(b)
    nettrace.timeline_of(b)
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
    ``macos`` or an unparseable time crashed load(), summary() and timeline_of()."""
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
    # the netstat output lost its name, so no route rule can run; the rest of the analysis still works
    nettrace.findings_of(b)
    assert len(nettrace.timeline_of(b)) and nettrace.facts_of(b).owner("feth4868").product == "ZeroTier"
    assert any(s.rule == "default-route" and "routes" in s.missing for s in skipped_of(b))


def test_manifest_times_beyond_what_a_frame_holds_are_ignored(tmp_path):
    """Regression: a manifest time pandas reads but a nanosecond column cannot hold (year 3000,
    year 1600) raised OutOfBoundsDatetime out of load(). It is dropped with a warning, like any
    unreadable time, and the rows it would have dated are undated."""
    files = seed000_files()
    manifest = manifest_for(files)
    manifest["started_at"] = "3000-01-01T00:00:00Z"
    for c in manifest["commands"]:
        c["started_at"] = "1600-01-01T00:00:00Z"
    b = nettrace.load(_write(tmp_path, _tar(_seed_members(files, manifest))))
    messages = set(b.warnings["message"].astype(str))
    assert "started_at is not a readable time ('3000-01-01T00:00:00Z'); ignored" in messages
    assert "commands[0].started_at is not a readable time ('1600-01-01T00:00:00Z'); ignored" in messages
    assert len(b.frame("routes")) and b.frame("routes")["captured_at"].isna().all()
    assert nettrace.facts_of(b).owner("feth4868").product == "ZeroTier"


@pytest.mark.parametrize("tz", ["+99:99", "+2400", "Europe/Berlin", "-", 800])
def test_manifest_timezones_that_are_not_offsets_fall_back_to_utc(tmp_path, tz):
    """Regression: a manifest timezone shaped like an offset but past 23:59 (``+99:99``) raised
    ValueError out of load(); a zone name was printed as the label of times left in UTC. Neither
    is what ``date +%z`` writes: route times come from the capture's own UTC stamps, not the Mac's
    wall clock read as UTC (8 hours off here), and every output says UTC."""
    files = seed000_files()
    manifest = manifest_for(files)
    manifest["timezone"] = tz
    b = nettrace.load(_write(tmp_path, _tar(_seed_members(files, manifest))))
    ev = b.frame("route_events")
    assert len(ev) and ev["captured_at"].notna().all() and (ev["time"] == ev["captured_at"]).all()
    out = as_text(b, nettrace.findings_of(b))
    assert " UTC]" in out and f" {tz}]" not in out


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


def test_zz_fuzz_budget(record_property):
    """Runs last: at least 20 000 generated parser inputs in CI (NETTRACE_FUZZ_EXAMPLES scales it)."""
    if PASSED != set(PARSER_NAMES):
        pytest.skip("the parser fuzz did not run (or pass) for every parser in this session")
    total = sum(RUN.values())
    slow = sorted(SLOWEST, reverse=True)[:3]
    summary = {"parser_inputs": total, "per_parser": RUN, "loader_inputs_per_test": LOADER,
               "slowest_1mb_line": [f"{p} ({shape}): {t:.3f} s" for t, p, shape in slow]}
    record_property("fuzz_parser_inputs", total)
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "fuzz.json").write_text(json.dumps(summary, indent=1))
    print(f"\nfuzz: {total} parser inputs; slowest 1 MB line: {summary['slowest_1mb_line'][:1]}")
    assert total >= TOTAL >= (20_000 if not os.environ.get("NETTRACE_FUZZ_EXAMPLES") else 1)


def test_dollar_signs_from_a_bundle_do_not_break_the_figures():
    """Regression: matplotlib reads ``$…$`` in a label as mathtext, so a process or route called
    ``$\\zz$`` raised ValueError and `nettrace report` failed (fix: ``text.parse_math`` off)."""
    import networkx as nx

    from nettrace.report import figures

    evil = "Mac$\\zz$Agent"
    routes = pd.DataFrame({"snapshot": ["start", "end"], "destination": [evil, evil], "gateway": ["$x^{^}$", "g"],
                           "netif": ["en0", "en0"], "is_default": [False, False], "flags": ["UGS", "UGS"]})
    G = nx.MultiDiGraph()
    G.add_node("process:647", kind="process", label=evil)
    for fig in (figures.routes_diff_figure(routes), figures.draw_chain(G, ["process:647"])):
        assert figures.png_base64(fig)
