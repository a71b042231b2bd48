"""The catalog (nettrace/data/catalog.tsv) and the copy the capture script embeds."""
from __future__ import annotations

import subprocess
import sys

import pytest

import nettrace.capture as capture
from nettrace.catalog import BEGIN_MARK, END_MARK, _parse_rows, embedded_block, get, load_catalog
from tests.conftest import ROOT

# the evidence issue 2 asks for, with exactly these argv
REQUIRED = {
    "sw_vers", "uname -a", "sysctl kern.boottime", "ifconfig -a", "netstat -rn", "route -n get default",
    "route -n get -inet6 default", "arp -an", "ndp -an", "scutil --dns", "scutil --nwi", "scutil --proxy",
    "networksetup -listallhardwareports", "networksetup -listnetworkserviceorder",
    "ps -axww -o pid,ppid,uid,user,lstart,command", "lsof -nP -w", "pfctl -s all", "systemextensionsctl list",
    "launchctl list", "route -n monitor", "ping -c 3 -t 5 {host}", "route -n get {host}",
    "traceroute -n -m 8 -w 1 -q 1 {host}", "dig +time=2 +tries=1 {name}",
}


def test_script_embeds_the_catalog_verbatim():
    text = capture.script_text()
    assert text.count(BEGIN_MARK) == 1 and text.count(END_MARK) == 1
    assert embedded_block() in text
    assert capture.is_in_sync()


def test_check_exits_1_on_a_stale_copy_and_sync_repairs_it(tmp_path, monkeypatch):
    stale = tmp_path / "nettrace-capture.sh"
    stale.write_text(capture.script_text().replace("netstat -rn\n", "netstat -rnW\n", 1))
    monkeypatch.setattr(capture, "script_path", lambda: stale)
    from nettrace.capture.__main__ import main

    assert main(["--check"]) == 1
    assert main(["--sync"]) == 0
    assert stale.read_text() == capture.script_text() and "\tnetstat -rn\n" in stale.read_text()
    assert main(["--check"]) == 0


def test_check_of_the_shipped_script_passes():
    proc = subprocess.run([sys.executable, "-m", "nettrace.capture", "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_required_commands_and_root_modes():
    commands = {spec.command for spec in load_catalog()}
    assert REQUIRED <= commands
    assert {s.name for s in load_catalog() if s.needs_root} == {"lsof", "pfctl"}
    assert {s.name for s in load_catalog() if s.root == "both"} == {"probe_ping", "probe_route_get", "probe_traceroute"}
    assert {s.name for s in load_catalog() if "periodic" in s.phases} == {"ifconfig", "netstat_routes"}
    assert get("route_monitor").timeout == 0 and get("lsof").timeout == 90


def test_every_catalog_command_has_a_fake_mac_stub():
    stubs = {p.name for p in (ROOT / "tests" / "fakemac" / "bin").iterdir()}
    assert {spec.argv[0] for spec in load_catalog()} <= stubs


@pytest.mark.parametrize("line,message", [
    ("a\tsnapshot\tstart\tno\t10\tp", "expected 7"),
    ("a\tdaemon\tstart\tno\t10\tp\tx", "unknown kind"),
    ("a\tsnapshot\tstart\tsometimes\t10\tp\tx", "unknown root mode"),
    ("a\tsnapshot\tstart\tno\t10\t\tx", "field 6 is empty"),  # the shell's tab splitting would drop it
])
def test_malformed_rows_are_rejected(line, message):
    with pytest.raises(ValueError, match=message):
        _parse_rows(line + "\n")
