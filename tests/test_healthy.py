"""Healthy Macs are first-class test cases (#14): a normal Mac is not an incident.

Every ``tests/scenarios/healthy-*/`` is a working Mac built from real outputs of
``../shared/corpus/`` where they exist (its ``SOURCES.md`` says which lines are real). ``make
samples`` turns each into ``data/samples/<case>.tar.gz`` with the real capture script; the tests
here read those committed samples (running the capture takes ~8 s a case) and check:

- the sample is up to date with its scenario: every command output in the bundle is the byte-exact
  reply of the scenario's file for that command (manifest sha256 against the file; no capture run);
- ``nettrace analyze SAMPLE --format json`` reports nothing above info on it, and no finding offers a
  command that changes the system;
- every line SOURCES.md calls real is, byte for byte, the corpus file's line (skipped without
  ``../shared/``);
- the seeds (000-004) still name their finding class and culprit through the same JSON.

Where today's rules still misjudge a healthy Mac the case is marked ``xfail(strict=True)`` with the
rule and what it gets wrong, so the suite stays green and the fix shows up as an XPASS failure.
"""
from __future__ import annotations

import fnmatch
import hashlib
import io
import json
import re
from contextlib import redirect_stdout
from functools import lru_cache
from pathlib import Path

import pytest

from nettrace.cli import main as nettrace_main
from tests.conftest import CORPUS, SAMPLES, SCENARIOS
from tests.fakemac import make_samples
from tests.fakemac.harness import read_bundle

HEALTHY = sorted(p.parent.name for p in SCENARIOS.glob("healthy-*/scenario.env"))

# (case, check) -> what today's rules or facts get wrong on it; check is "severity", "remedy", "facts"
# (test_healthy_mac_is_understood) or "basis" (test_every_finding_on_a_healthy_mac_says_what_it_rests_on)
KNOWN: dict[tuple[str, str], str] = {
    # none left: #14's rules and facts (h-facts) judge every healthy Mac here right
}


def _cases(check: str):
    return [pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=KNOWN[(c, check)]))
            if (c, check) in KNOWN else c for c in HEALTHY]


@lru_cache(maxsize=None)
def analyze_json(path: Path) -> dict:
    """What `nettrace analyze PATH --format json` prints, parsed (run in-process: same code path)."""
    out = io.StringIO()
    with redirect_stdout(out):
        rc = nettrace_main(["analyze", str(path), "--format", "json"])
    assert rc == 0, f"nettrace analyze {path.name} exited {rc}"
    return json.loads(out.getvalue())


def sample_path(case: str) -> Path:
    path = SAMPLES / f"{case}.tar.gz"
    assert path.is_file(), f"{path} is missing: run `make samples` (python -m tests.fakemac.make_samples {case})"
    return path


def test_at_least_eight_healthy_scenarios():
    assert len(HEALTHY) >= 8, HEALTHY


def test_every_healthy_sample_has_its_scenario():
    samples = sorted(p.name[: -len(".tar.gz")] for p in SAMPLES.glob("healthy*.tar.gz"))
    assert samples == HEALTHY


def test_make_samples_can_rebuild_only_the_healthy_macs():
    """`make samples CASES='healthy-*'` touches no seed sample (those are others' to regenerate)."""
    assert [p.name for p in make_samples.scenarios(["healthy-*"])] == HEALTHY
    assert [p.name for p in make_samples.scenarios(["healthy-wifi-only"])] == ["healthy-wifi-only"]


# ---- the sample is what `make samples` makes of the scenario today --------------------------------

def _key(argv: list[str]) -> str:
    """fakecmd's file key: argv joined by '_' (spaces -> '_', '/' -> '%'), cut to 120 characters."""
    return "_".join(a.replace(" ", "_").replace("/", "%") for a in argv)[:120]


def _replies(scenario: Path, key: str, as_root: bool) -> list[tuple[bytes, bytes]]:
    """Every (stdout, stderr) the fake command may give for *key* (numbered calls, .root variants)."""
    bases = [p.name[: -len(".out")] for p in scenario.glob(f"{glob_escape(key)}.*out")]
    bases += [p.name[: -len(".err")] for p in scenario.glob(f"{glob_escape(key)}.*err")]
    bases += [p.name[: -len(".rc")] for p in scenario.glob(f"{glob_escape(key)}.*rc")]
    variants = set()
    for base in bases or [key]:
        rest = base[len(key):]
        if re.fullmatch(r"(\.\d+)?(\.root)?", rest) and (as_root or not rest.endswith(".root")):
            variants.add(base)

    def read(p: Path) -> bytes:
        return p.read_bytes() if p.is_file() else b""
    return [(read(scenario / f"{b}.out"), read(scenario / f"{b}.err")) for b in sorted(variants)]


def glob_escape(s: str) -> str:
    return re.sub(r"([\[\]*?])", r"[\1]", s)


@pytest.mark.parametrize("case", HEALTHY)
def test_sample_is_up_to_date_with_its_scenario(case):
    scenario = SCENARIOS / case
    manifest, members = read_bundle(sample_path(case))
    checked = 0
    for cmd in manifest["commands"]:
        if cmd["kind"] == "stream" or cmd.get("skipped") or not cmd.get("output"):
            continue
        got = (members.get(cmd["output"], b""), members.get(cmd["stderr"], b""))
        replies = _replies(scenario, _key(cmd["argv"]), cmd["as"] == "root")
        assert got in replies, (
            f"{case}: {cmd['output']} is not what the scenario replies to `{' '.join(cmd['argv'])}`: "
            f"run `python -m tests.fakemac.make_samples {case}`")
        assert hashlib.sha256(got[0]).hexdigest() == cmd["sha256"]
        checked += 1
    assert checked >= 20, f"{case}: only {checked} command outputs compared"


# ---- nothing above info, nothing that changes the system -----------------------------------------

@pytest.mark.parametrize("case", _cases("severity"))
def test_healthy_mac_has_nothing_above_info(case):
    report = analyze_json(sample_path(case))
    loud = [f"{f['id']}:{f['severity']}" for f in report["findings"] if f["severity"] not in ("info",)]
    assert loud == [], f"{case} is a healthy Mac, yet: {loud}"


@pytest.mark.parametrize("case", _cases("remedy"))
def test_healthy_mac_is_offered_no_system_change(case):
    report = analyze_json(sample_path(case))
    changing = [(f["id"], r["command"]) for f in report["findings"] for r in f.get("remedy", []) if r["changes_system"]]
    assert changing == [], f"{case} is a healthy Mac, yet these remedies change it: {changing}"


# ---- ... and understood: the facts say what each scenario is ---------------------------------------
# From each SOURCES.md's story: where unscoped Internet traffic goes (inet, inet6; None = no IPv6
# service), which interfaces are macOS's own, and which product holds a third-party one.
UNDERSTOOD = {
    "healthy-apple-tunnels": ("en0", None, ["utun0", "utun1", "utun2", "utun3"], {}),
    "healthy-dualstack-wifi": ("en0", "en0", ["utun0", "utun1", "utun2", "utun3", "awdl0", "llw0"], {"utun0": "macOS"}),
    "healthy-fulltunnel-vpn": ("utun4", None, ["utun0", "utun1", "utun2", "utun3"], {"utun4": "WireGuard"}),
    "healthy-ikev2-vpn": ("ipsec0", None, ["ipsec0", "utun0", "utun1", "utun2", "utun3"], {}),
    "healthy-internet-sharing": ("en0", "en0", ["bridge100", "utun0", "utun1", "utun2", "utun3"], {}),
    "healthy-overlays-zerotier-tailscale": ("en0", "en0", ["utun0", "utun1", "utun2", "utun3"],
                                            {"feth4017": "ZeroTier", "utun4": "Tailscale"}),
    "healthy-split-tunnel-vpn": ("en0", None, ["utun0", "utun1", "utun2", "utun3"], {}),
    "healthy-tun-proxy": ("utun3", None, ["utun0", "utun1", "utun2"], {"utun3": "Stash"}),
    "healthy-vm-bridges": ("en0", "en0", ["utun0", "utun1", "utun2", "utun3"], {}),
    "healthy-wifi-only": ("en0", "en0", ["utun0", "utun1", "utun2", "utun3", "awdl0", "llw0", "bridge0"], {"utun0": "macOS"}),
}


def test_every_healthy_scenario_has_its_story_here():
    assert sorted(UNDERSTOOD) == HEALTHY


@pytest.mark.parametrize("case", _cases("facts"))
def test_healthy_mac_is_understood(case):
    inet, inet6, apple, owners = UNDERSTOOD[case]
    report = analyze_json(sample_path(case))
    facts = report["facts"]
    route = {fam: (facts["internet"].get(fam) or {}).get("netif") for fam in ("inet", "inet6")}
    assert route == {"inet": inet, "inet6": inet6}, (case, route)
    kinds = {i["name"]: i for i in facts["interfaces"]}
    assert {n: kinds[n]["kind"] for n in apple} == dict.fromkeys(apple, "apple"), case
    assert {n: ((kinds[n].get("owner") or {}).get("product")) for n in owners} == owners, case


@pytest.mark.parametrize("case", HEALTHY)
def test_explain_follows_the_route_internet_traffic_takes(case):
    """#14 point 6: `nettrace explain SAMPLE` with no option explains the Internet route from the facts
    (on the TUN proxy and the VPNs the tunnel, not en0)."""
    out = io.StringIO()
    with redirect_stdout(out):
        assert nettrace_main(["explain", str(sample_path(case)), "--format", "json"]) == 0
    chain = json.loads(out.getvalue())["chain"]["nodes"]
    assert chain[0]["kind"] == "route" and chain[1] == {"id": f"interface:{UNDERSTOOD[case][0]}", "kind": "interface",
                                                        "label": UNDERSTOOD[case][0]}, (case, chain[:2])


@pytest.mark.parametrize("case", _cases("basis"))
def test_every_finding_on_a_healthy_mac_says_what_it_rests_on(case):
    """#14: the JSON carries, for each finding, the facts it rests on and why its severity was chosen."""
    for f in analyze_json(sample_path(case))["findings"]:
        assert f["facts"] and f["severity_reason"]["text"], (case, f["id"], f["facts"])


# ---- SOURCES.md: what it calls real is real --------------------------------------------------------
# A row `| \`FILE\` | all or A-B | real: \`CORPUS-FILE\` [C-D] ... |` says those lines are the corpus lines
# byte for byte; `adapted: \`CORPUS-FILE\` [C-D] (what changed)` allows only the two edits an issue's
# renderer forces on an output: indentation (tabs shown as spaces) and the running number of
# `scutil --dns` resolvers (a fragment placed into a whole output).

ROW = re.compile(r"^\|\s*`(?P<file>[^`]+)`\s*\|\s*(?P<lines>all|\d+-\d+)\s*\|\s*(?P<kind>real|adapted):\s*`(?P<src>[^`]+)`"
                 r"(?:\s+(?P<src_lines>\d+-\d+))?")


def _corpus_rows(case: str) -> list[dict]:
    text = (SCENARIOS / case / "SOURCES.md").read_text(encoding="utf-8")
    return [m.groupdict() for m in map(ROW.match, text.splitlines()) if m]


def _span(lines: list[str], rng: str | None) -> list[str]:
    if rng in (None, "all"):
        return lines
    a, b = map(int, rng.split("-"))
    assert 1 <= a <= b <= len(lines), (rng, len(lines))
    return lines[a - 1:b]


def _adapted(line: str) -> str:
    return re.sub(r"^resolver #\d+$", "resolver #", line.strip())


@pytest.mark.parametrize("case", HEALTHY)
def test_sources_md_accounts_for_every_file(case):
    """The table names each output file (by name or a glob such as `ping_*`) and says where it comes from."""
    text = (SCENARIOS / case / "SOURCES.md").read_text(encoding="utf-8")
    assert "| file | lines | origin |" in text, f"{case}/SOURCES.md lacks the file/lines/origin table"
    named = [n for line in text.splitlines() if line.startswith("| `") for n in re.findall(r"`([^`]+)`", line.split("|")[1])]
    files = sorted(p.name for p in (SCENARIOS / case).iterdir() if p.name not in ("SOURCES.md", "scenario.env"))
    unnamed = [f for f in files if not any(fnmatch.fnmatchcase(f, n) for n in named)]
    assert unnamed == [], f"{case}/SOURCES.md does not say where these come from: {unnamed}"
    for row in _corpus_rows(case):
        assert (SCENARIOS / case / row["file"]).is_file(), (case, row["file"])


@pytest.mark.parametrize("case", HEALTHY)
def test_lines_sources_md_calls_real_are_the_corpus_lines(case):
    rows = _corpus_rows(case)
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus absent")
    for row in rows:
        mine = (SCENARIOS / case / row["file"]).read_bytes().decode("utf-8").split("\n")
        theirs = (CORPUS / row["src"]).read_bytes().decode("utf-8").split("\n")
        if row["lines"] == "all" and row["kind"] == "real":
            assert mine == theirs, f"{case}/{row['file']} is not byte for byte {row['src']}"
            continue
        if row["lines"] == "all":
            mine, theirs = [x[:-1] if x[-1:] == [""] else x for x in (mine, theirs)]
        a, b = _span(mine, row["lines"]), _span(theirs, row["src_lines"] or row["lines"])
        if row["kind"] == "adapted":
            a, b = list(map(_adapted, a)), list(map(_adapted, b))
        assert a == b, (case, row)


def test_most_healthy_scenarios_carry_real_lines():
    with_real = [c for c in HEALTHY if _corpus_rows(c)]
    assert len(with_real) >= len(HEALTHY) - 1, sorted(set(HEALTHY) - set(with_real))


# ---- the seeds still name their culprit, through the same JSON ------------------------------------

SEEDS = {
    "000-zerotier-loopback-default": ("default-route-black-hole", "ZeroTier"),
    "001-zerotier-feth-address": ("address-confusion", "ZeroTier"),
    "002-tun-proxy-over-en0": ("interface-binding-bypassed", "Clash Verge / mihomo"),
    "003-arp-stack-inconsistency": ("local-stack-inconsistency", None),
    "004-openconnect-residue": ("vpn-residue", "OpenConnect"),
}


@pytest.mark.parametrize("case", sorted(SEEDS))
def test_seed_json_names_its_finding_and_culprit(case):
    finding, product = SEEDS[case]
    found = {f["id"]: f for f in analyze_json(sample_path(case))["findings"]}
    assert finding in found, (case, sorted(found))
    assert found[finding]["severity"] in ("warning", "critical")
    assert ((found[finding]["culprit"] or {}).get("product")) == product
