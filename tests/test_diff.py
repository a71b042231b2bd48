"""``nettrace diff`` on scenario pairs captured with the fake Mac (tests/diffkit.py, captured once per
session by the ``diff_bundles`` fixture): the ZeroTier Mac of seed 000 before and after ZeroTier was
removed, seed 004's OpenConnect session connected and after the Wi-Fi switch, a healthy Mac against
itself — every area of the diff checked on concrete values — plus bad input and the JSON schema."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

import nettrace
from nettrace.cli import main
from nettrace.diff import AREAS, as_json, as_text, diff
from tests.bundlekit import write_bundle
from tests.conftest import ROOT, seed_text

MESSAGES = ROOT / "nettrace" / "data" / "messages"


def rows(d, area, change=None, **eq):
    df = d.frame(area)
    if change is not None:
        df = df[df["change"] == change]
    for k, v in eq.items():
        df = df[df[k] == v]
    return df.to_dict("records")


def one(d, area, change=None, **eq):
    found = rows(d, area, change, **eq)
    assert len(found) == 1, (area, change, eq, found)
    return found[0]


# --------------------------------------------------------------------------- seed 000: ZeroTier removed


@pytest.fixture(scope="module")
def zt(diff_bundles):
    return diff(diff_bundles["zerotier"], diff_bundles["zerotier_removed"])


def test_zerotier_internet_route_back_on_wifi(zt):
    r = one(zt, "internet_route", subject="inet")
    assert r["change"] == "changed"
    assert (r["before"], r["after"]) == ("default 127.0.0.1 UGScg feth4868", "default 10.68.255.254 UGScg en0")
    assert (r["before_file"], r["before_line"], r["after_file"], r["after_line"]) == \
        ("end/netstat_routes.out", 5, "end/netstat_routes.out", 5)
    assert r["before_text"].split() == ["default", "127.0.0.1", "UGScg", "feth4868"]
    assert r["after_text"].split() == ["default", "10.68.255.254", "UGScg", "en0"]
    assert one(zt, "internet_route", subject="inet6")["change"] == "unchanged"


def test_zerotier_routes(zt):
    removed = {(r["subject"], r["before"]) for r in rows(zt, "routes", "removed", minor=False)}
    assert removed == {
        ("default", "default 127.0.0.1 UGScg feth4868"), ("default", "default 127.0.0.1 UGScIg feth4868"),
        ("172.27", "172.27 link#25 UCS feth4868"), ("172.27.5.101/32", "172.27.5.101/32 link#25 UCS feth4868"),
        ("224.0.0/4", "224.0.0/4 link#25 UmCSI feth4868"),
        ("255.255.255.255/32", "255.255.255.255/32 link#25 UCSI feth4868")}
    added = one(zt, "routes", "added")
    assert (added["after"], added["after_line"]) == ("default 10.68.255.254 UGScg en0", 5)
    # the scoped en0 default (the seed's verbatim line) is the same on both sides: no change
    assert not [r for r in rows(zt, "routes") if "UGScIg en0" in str(r["before"]) + str(r["after"])]
    cache = one(zt, "routes", "removed", minor=True)
    assert cache["subject"] == "172.27.255.255"


def test_zerotier_interfaces_and_processes(zt):
    gone = {r["subject"]: r for r in rows(zt, "interfaces", "vanished")}
    assert set(gone) == {"feth4868", "feth9868"}
    assert gone["feth4868"]["product"] == "ZeroTier"
    assert gone["feth4868"]["before_line"] == 115
    assert gone["feth4868"]["before_text"].startswith("feth4868: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST>")
    assert "peer feth9868" in gone["feth4868"]["before"]
    assert rows(zt, "interfaces", "appeared") == [] and rows(zt, "interfaces", "changed") == []
    stopped = {r["subject"]: r for r in rows(zt, "processes", "stopped")}
    assert set(stopped) == {"MacEthernetTapAgent", "zerotier-one"}
    tap = stopped["MacEthernetTapAgent"]
    assert (tap["before"], tap["product"], tap["before_file"], tap["before_line"]) == ("647", "ZeroTier", "end/ps.out", 76)
    assert "holds:feth9868" in tap["roles"].split(";")
    assert stopped["zerotier-one"]["roles"] == "parent:MacEthernetTapAgent"
    # the Mac restarted: configd (the route writer) has another life but is no change
    assert rows(zt, "processes", "restarted") == [] and rows(zt, "processes", "started") == []
    assert [k for k, _ in zt.warnings] == ["diff.warn.boot"]


def test_zerotier_jobs_findings_reachability(zt):
    job = one(zt, "launchd_jobs", "removed")
    assert (job["subject"], job["before_text"]) == ("com.zerotier.one", "535\t0\tcom.zerotier.one")
    for area in ("system_extensions", "dns", "proxy", "pf"):
        assert area in zt.compared and zt.frame(area).empty, area
    resolved = {r["subject"]: r["before"] for r in rows(zt, "findings", "resolved")}
    assert resolved["default-route-black-hole"] == "critical" and "route-churn" in resolved
    assert rows(zt, "findings", "new") == [] and rows(zt, "findings", "unchanged") == []
    ping = one(zt, "reachability", subject="1.1.1.1")
    assert ping["change"] == "changed" and ping["after"].startswith("0% (0/")
    assert int(ping["before"].split("%")[0]) > 0
    assert one(zt, "reachability", subject="10.68.255.254")["change"] == "unchanged"


@pytest.fixture(scope="module")
def zt_within(diff_bundles):
    return diff(diff_bundles["zerotier"])


def test_zerotier_within_one_bundle(zt_within):
    d = zt_within
    assert d.mode == "snapshots" and (d.before["snapshot"], d.after["snapshot"]) == ("start", "end")
    r = one(d, "internet_route", subject="inet")
    assert (r["before"], r["after"]) == ("default 10.68.255.254 UGScg en0", "default 127.0.0.1 UGScg feth4868")
    assert (r["before_file"], r["after_file"]) == ("start/netstat_routes.out", "end/netstat_routes.out")
    assert {r["subject"] for r in rows(d, "findings", "new")} >= {"default-route-black-hole"}
    ping = one(d, "reachability", subject="1.1.1.1")
    assert ping["before"] == "0% (0/3)" and ping["after"] != "0% (0/3)"
    assert ping["before_file"] == "probe/root/probe_ping@1.1.1.1.out"
    assert ping["after_file"] == "stream/ping_stream@1.1.1.1.out"


# --------------------------------------------------------------------------- seed 004: the Wi-Fi switch


@pytest.fixture(scope="module")
def oc(diff_bundles):
    return diff(diff_bundles["openconnect_connected"], diff_bundles["openconnect_after"])


# the utun6 rows of the table the user pasted while connected (seed 004) that the after-table lacks
SEED_CONNECTED_GONE = ("59.78.192/21", "172.20.151.1", "172.23.148/24", "202.120.80.2", "202.120.81.2",
                       "219.228.56/21", "222.66.117")


def test_openconnect_internet_route_and_routes(oc):
    r = one(oc, "internet_route", subject="inet")
    assert (r["before"], r["after"]) == ("default 10.51.0.1 UGScg en0", "default 172.20.10.1 UGScg en0")
    gw = one(oc, "routes", "changed", subject="default")
    assert (gw["field"], gw["before"], gw["after"], gw["before_line"], gw["after_line"]) == \
        ("gateway", "10.51.0.1", "172.20.10.1", 5, 5)
    gone = {r["subject"] for r in rows(oc, "routes", "removed", minor=False) if "utun6" in r["before"]}
    assert gone == set(SEED_CONNECTED_GONE)
    # the residue 004 keeps is in both tables: never a change
    touched = {r["subject"] for r in rows(oc, "routes")}
    assert not touched & {"59.78.176/20", "202.120.80/20", "222.66.117.109"}
    added = {r["subject"] for r in rows(oc, "routes", "added", minor=False)}
    assert {"172.20.10/28", "172.20.10.2/32"} <= added


def test_openconnect_lines_are_the_seeds(oc):
    """The before side of every utun6 row removed is a line the user pasted, verbatim."""
    seed = seed_text("004")
    for r in rows(oc, "routes", "removed"):
        if "utun6" in str(r["before"]):
            assert r["before_text"] in seed, r["before_text"]


def test_openconnect_interfaces_processes(oc):
    en0 = one(oc, "interfaces", "changed", subject="en0")
    assert (en0["field"], en0["before"], en0["after"]) == ("address", "10.51.12.88/16", "172.20.10.2/28")
    assert en0["before_text"].strip() == "inet 10.51.12.88 netmask 0xffff0000 broadcast 10.51.255.255"
    assert en0["after_text"].strip() == "inet 172.20.10.2 netmask 0xfffffff0 broadcast 172.20.10.15"
    utun6 = one(oc, "interfaces", "vanished")
    assert (utun6["subject"], utun6["product"]) == ("utun6", "OpenConnect")
    assert "172.20.151.1" in utun6["before"]
    vpn = one(oc, "processes", "stopped", subject="openconnect")
    assert (vpn["before"], vpn["product"], vpn["roles"]) == ("44718", "OpenConnect", "holds:utun6")
    assert vpn["before_text"].endswith("/opt/homebrew/Cellar/openconnect/9.12_1/sbin/openconnect vpn-ct.ecnu.edu.cn")
    assert oc.warnings == []  # same Mac, same boot


def test_openconnect_dns_pf_findings_reachability(oc):
    general = one(oc, "dns", "changed", subject="general", field="nameservers")
    assert (general["before"], general["after"]) == ("202.120.80.2, 202.120.81.2", "172.20.10.1")
    scoped = one(oc, "dns", "changed", subject="scoped (en0)")
    assert (scoped["before"], scoped["after"]) == ("10.51.0.1", "172.20.10.1")
    pf = rows(oc, "pf", "removed")
    assert {r["before"] for r in pf} == {'nat-anchor "com.apple/*" all', 'rdr-anchor "com.apple/*" all',
                                         'scrub-anchor "com.apple/*" all fragment reassemble',
                                         'anchor "com.apple/*" all', 'dummynet-anchor "com.apple/*" all'}
    assert rows(oc, "pf", "changed") == []  # Disabled on both sides
    assert "vpn-residue" in {r["subject"] for r in rows(oc, "findings", "new")}
    old_gw, new_gw = one(oc, "reachability", subject="10.51.0.1"), one(oc, "reachability", subject="172.20.10.1")
    assert old_gw["before"].startswith("0% (0/") and pd.isna(old_gw["after"])  # the old gateway: pinged before only
    assert pd.isna(new_gw["before"]) and new_gw["after"].startswith("0% (0/")
    assert one(oc, "reachability", subject="1.1.1.1")["change"] == "unchanged"


def test_openconnect_text_in_both_languages(oc):
    en, zh = as_text(oc, "en"), as_text(oc, "zh")
    assert "- openconnect stopped (was pid 44718; holds utun6) [OpenConnect]" in en
    assert "      before  end/netstat_routes.out:5  default            10.51.0.1          UGScg                 en0" in en
    assert "openconnect 已停止（原为 进程号 44718；持有 utun6） [OpenConnect]" in zh
    assert en.rstrip().splitlines()[-1].startswith(f"{len(oc.changes[oc.changes['change'] != 'unchanged'])} change(s)")


# --------------------------------------------------------------------------- a healthy Mac against itself


@pytest.fixture(scope="module")
def healthy(diff_bundles):
    a, b = diff_bundles["healthy"], diff_bundles["healthy_again"]
    assert a.manifest["started_at"] == b.manifest["started_at"]  # the same fake clock: same Mac, same moment
    return diff(a, b), diff(a), diff(b)


def test_healthy_against_itself_reports_no_change(healthy):
    for d in healthy:
        assert not d.has_changes, d.changes[d.changes["change"] != "unchanged"].to_dict("records")
        assert d.warnings == []
        assert set(d.compared) == set(AREAS), set(AREAS) - set(d.compared)
        assert {r["change"] for r in d.changes.to_dict("records")} <= {"unchanged"}
        route = one(d, "internet_route", subject="inet")
        assert route["after"] == "default 192.168.86.1 UGScg en0" and route["change"] == "unchanged"
        assert as_text(d).rstrip().endswith("No change: every area compared is the same on both sides.")
        assert as_json(d)["has_changes"] is False


# --------------------------------------------------------------------------- hand-made bundles


ROUTES_HEAD = "Routing tables\n\nInternet:\nDestination        Gateway            Flags               Netif Expire\n"
LOON_ON_TOP = ROUTES_HEAD + ("default            link#28            UCSg                utun8       \n"
                             "default            10.68.255.254      UGScIg                en0       \n")
EN0_ON_TOP = ROUTES_HEAD + ("default            10.68.255.254      UGScIg                en0       \n"
                            "default            link#28            UCSg                utun8       \n")


def test_reranked_and_scope(tmp_path):
    """Seed 000's two defaults (Loon's utun8 on top, then the en0 one: verbatim) swapped, and the en0
    default losing its interface scope."""
    b = nettrace.load(write_bundle(tmp_path / "a.tar.gz", {"start/netstat_routes.out": LOON_ON_TOP.encode(),
                                                             "end/netstat_routes.out": EN0_ON_TOP.encode()}))
    d = diff(b)
    moved = rows(d, "routes", "reranked")
    assert {(r["before"], r["after"], r["before_line"], r["after_line"]) for r in moved} == \
        {("#1", "#2", 5, 6), ("#2", "#1", 6, 5)}
    assert one(d, "internet_route", subject="inet")["after"] == "default link#28 UCSg utun8"  # en0's is scoped
    unscoped = EN0_ON_TOP.replace("UGScIg", "UGScg ")
    c = nettrace.load(write_bundle(tmp_path / "c.tar.gz", {"start/netstat_routes.out": EN0_ON_TOP.encode(),
                                                             "end/netstat_routes.out": unscoped.encode()}))
    d = diff(c)
    scope = one(d, "routes", "changed", field="scope")
    assert (scope["before"], scope["after"]) == ("en0", None)
    assert "~ default: scope scoped to en0 → unscoped" in as_text(d)
    assert "default：作用域 绑定到 en0 → 不绑定接口" in as_text(d, "zh")
    assert rows(d, "routes", "changed", field="flags") == []  # I was the only flag that moved
    assert one(d, "internet_route", subject="inet")["after"] == "default 10.68.255.254 UGScg en0"


def test_one_snapshot_says_so_and_exits_1(tmp_path, capsys):
    path = write_bundle(tmp_path / "cut.tar.gz", {"start/netstat_routes.out": LOON_ON_TOP.encode()})
    d = diff(nettrace.load(path))
    assert ("diff.warn.one_snapshot", {"area": "routes", "what": "netstat_routes",
                                       "member": "start/netstat_routes.out"}) in d.warnings
    assert "routes" not in d.compared and d.frame("routes").empty
    assert main(["diff", str(path)]) == 1
    out, err = capsys.readouterr()
    assert err.strip().splitlines()[-1].startswith("nettrace diff: error: nothing to compare:")
    assert "only one snapshot of netstat_routes" in out


def test_cut_capture_compares_start_with_its_last_periodic(tmp_path):
    """No end snapshot: routes are compared with the last periodic one; what periodic snapshots do
    not hold (ps) is said, not guessed."""
    files = {"start/netstat_routes.out": LOON_ON_TOP, "periodic/1/netstat_routes.out": LOON_ON_TOP,
             "periodic/2/netstat_routes.out": EN0_ON_TOP, "start/ps.out": "  PID  PPID   UID USER  STARTED COMMAND\n"}
    d = diff(nettrace.load(write_bundle(tmp_path / "p.tar.gz", {k: v.encode() for k, v in files.items()})))
    assert d.after["snapshot"] == "periodic 2"
    assert {r["after_file"] for r in rows(d, "routes", "reranked")} == {"periodic/2/netstat_routes.out"}
    assert ("diff.warn.one_snapshot", {"area": "processes", "what": "ps", "member": "start/ps.out"}) in d.warnings


def test_unreadable_member_is_not_everything_removed(diff_bundles, tmp_path):
    """An AFTER whose routing table is garbage: routes are not compared (not "all removed"), the rest is."""
    garbage = write_bundle(tmp_path / "bad.tar.gz", {"end/netstat_routes.out": b"\x00\xff garbage\n" * 3,
                                                      "end/ifconfig.out": EN0_IF.encode()})
    d = diff(diff_bundles["zerotier"], nettrace.load(garbage))
    keys = [k for k, _ in d.warnings]
    assert "diff.warn.unreadable" in keys and "diff.warn.missing" in keys
    assert "routes" not in d.compared and "internet_route" not in d.compared
    assert "interfaces" in d.compared
    assert {r["subject"] for r in rows(d, "interfaces", "vanished")} >= {"feth4868", "feth9868"}
    assert "routes" in as_json(d)["not_compared"]


EN0_IF = """en0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500
	ether bc:d0:74:30:0e:71
	inet 10.68.3.27 netmask 0xffff0000 broadcast 10.68.255.255
	status: active
"""


def test_different_macs_warn_and_compare(diff_bundles):
    d = diff(diff_bundles["zerotier"], diff_bundles["healthy"])
    keys = [k for k, _ in d.warnings]
    assert "diff.warn.host" in keys and "diff.warn.hardware" in keys
    host = dict(d.warnings)["diff.warn.host"]
    assert host == {"before": "MacBook-Pro", "after": "Emmas-MacBook-Air"}
    assert d.has_changes and one(d, "internet_route", subject="inet")["after"] == "default 192.168.86.1 UGScg en0"
    assert "different hosts" in as_text(d)
    assert "不同的主机" in as_text(d, "zh")


# --------------------------------------------------------------------------- JSON schema, CLI, catalog


def _schema() -> dict:
    text = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(\{\n  \"\$schema\".*?)\n```", text, re.S)
    return json.loads(block.group(1))


def test_json_matches_documented_schema(zt, oc, healthy, zt_within, ts, tmp_path):
    validator = jsonschema.Draft202012Validator(_schema())
    cut = nettrace.load(write_bundle(tmp_path / "cut.tar.gz", {"start/netstat_routes.out": LOON_ON_TOP.encode()}))
    for d in (zt, oc, healthy[0], zt_within, ts, diff(cut)):
        for lang in ("en", "zh"):
            doc = json.loads(json.dumps(as_json(d, lang), ensure_ascii=False, default=str))
            errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
            assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    doc = as_json(zt)
    first = doc["changes"][0]
    assert first["before_ref"] == {"file": "end/netstat_routes.out", "line": 5,
                                   "text": "default            127.0.0.1          UGScg            feth4868"}
    assert doc["counts"]["interfaces"] == {"vanished": 2}


def test_cli_json_and_markdown(diff_bundles, tmp_path, capsys, monkeypatch):
    from nettrace.cli import common

    a, b = str(diff_bundles["openconnect_connected"].path), str(diff_bundles["openconnect_after"].path)
    loaded = {a: diff_bundles["openconnect_connected"], b: diff_bundles["openconnect_after"]}
    real = common.open_bundle
    monkeypatch.setattr(common, "open_bundle", lambda p: loaded.get(p) or real(p))  # loaded once per session
    out = tmp_path / "d.json"
    assert main(["diff", a, b, "--format", "json", "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)  # the path, last, like the other commands
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["mode"] == "bundles" and doc["has_changes"] is True
    assert main(["diff", a, b, "--format", "markdown", "--lang", "zh"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("## 变化\n")
    assert "### 进程" in md and "`end/ps.out:161`" in md
    assert main(["diff", str(tmp_path / "nope.tar.gz")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err


def test_diff_catalog_parity_and_coverage():
    en = json.loads((MESSAGES / "diff.en.json").read_text(encoding="utf-8"))
    zh = json.loads((MESSAGES / "diff.zh.json").read_text(encoding="utf-8"))
    assert set(en) == set(zh) and all(k.startswith("diff.") for k in en)
    fields = lambda s: sorted(re.findall(r"{(\w+)", s))  # noqa: E731
    assert {k: fields(v) for k, v in en.items()} == {k: fields(v) for k, v in zh.items()}
    src = "".join((ROOT / "nettrace" / p).read_text(encoding="utf-8")
                  for p in ("diff/compare.py", "diff/render.py", "report/whatchanged.py"))
    used = set(re.findall(r'"(diff\.[a-z_]+\.[a-z_.]+)"', src))
    assert len(used) > 10 and sorted(used - set(en)) == []
    # every change an area can report has a sentence (the table of docs/diff.md)
    table = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")
    for area in AREAS:
        line = next(ln for ln in table.splitlines() if ln.startswith(f"| `{area}` |"))
        for change in re.findall(r"`(added|removed|changed|reranked|appeared|vanished|started|stopped|restarted|"
                                 r"new|resolved|unchanged)`", line.split("|")[3]):
            assert f"diff.change.{area}.{change}" in en, (area, change)


# the same Mac before and after a proxy client and LuLu were installed and the tunnel changed hands:
# LuLu's listing and the VPN client's system proxy are real outputs (tests/parsers), the rest composed
IF_START = """en0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500
	ether bc:d0:74:30:0e:71
	inet 10.68.3.27 netmask 0xffff0000 broadcast 10.68.255.255
	status: active
utun4: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1380
	inet 10.8.0.2 --> 10.8.0.1 netmask 0xffffffff
"""
IF_END = IF_START.replace("\tstatus: active", "\tstatus: inactive").replace(
    "utun4: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST>", "utun4: flags=8010<POINTOPOINT,MULTICAST>")
PS_START = """  PID  PPID   UID USER             STARTED COMMAND
    1     0     0 root             Sun Dec 28 09:41:08 2025 /sbin/launchd
  900     1     0 root             Sun Dec 28 09:50:00 2025 /opt/homebrew/Cellar/openconnect/9.12_1/sbin/openconnect vpn.example.edu
"""
PS_END = PS_START.replace("  900     1     0 root             Sun Dec 28 09:50:00 2025 /opt/homebrew/Cellar/openconnect",
                          "  950     1     0 root             Sun Dec 28 09:55:00 2025 /usr/local/bin/openconnect").replace(
                          "9.12_1/sbin/", "")
LSOF_START = """COMMAND     PID            USER   FD   TYPE             DEVICE SIZE/OFF                NODE NAME
openconne   900            root    5u systm 0x3e4f5a6b7c8d9e0f      0t0                     [ctl com.apple.net.utun_control id 6 unit 5]
"""
LSOF_END = LSOF_START.replace("openconne   900", "openconne   950")
ROUTES_START = EN0_ON_TOP + "10.8/16            10.8.0.1           UGSc                utun4       \n" \
                           "10.9/16            10.8.0.1           UGSc                utun4       \n"
ROUTES_END = EN0_ON_TOP + "10.8/16            10.8.0.1           UGS                 utun4       \n" \
                         "10.9/16            10.8.0.1           UGSc                utun5       \n"
FETH = """feth100: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> mtu 1500
	ether 66:65:74:68:00:64
	peer: feth5100
	status: active
"""
JOBS = "PID\tStatus\tLabel\n303\t0\tcom.apple.logd\n"
# a route written by the new openconnect (pid 950), in route monitor's format
MONITOR = "".join(f"2025-12-28T02:15:27Z\t{line}\n" for line in (
    "got message of size 176 on Sun Dec 28 10:15:27 2025",
    "RTM_ADD: Add Route: len 176, pid: 950, seq 1, errno 0, flags:<UP,GATEWAY,DONE,STATIC>",
    "locks:  inits: ",
    "sockaddrs: <DST,GATEWAY,NETMASK>",
    " 10.9.0.0 10.8.0.1 255.255.0.0",
))
PF_ON = """FILTER RULES:
anchor "com.apple/*" all

INFO:
Status: {} for 0 days 00:01:10           Debug: Urgent
"""


def test_extensions_proxies_pf_and_interface_details(tmp_path):
    from tests.parsers.test_scutil_proxy import VPN_CLIENT
    from tests.parsers.test_systemextensionsctl import LULU

    proxy_before = (ROOT / "tests/scenarios/000-zerotier-loopback-default/scutil_--proxy.out").read_text()
    files = {"start/netstat_routes.out": ROUTES_START, "end/netstat_routes.out": ROUTES_END,
             "start/ifconfig.out": IF_START + FETH, "end/ifconfig.out": IF_END + FETH.replace("feth5100", "feth5101"),
             "start/launchd_jobs.out": JOBS, "end/launchd_jobs.out": JOBS + "950\t0\tcom.example.openconnect\n",
             "stream/route_monitor.out": MONITOR,
             "start/ps.out": PS_START, "end/ps.out": PS_END, "start/lsof.out": LSOF_START, "end/lsof.out": LSOF_END,
             "start/system_extensions.out": "0 extension(s)\n", "end/system_extensions.out": LULU.split("\n", 1)[1],
             "start/scutil_proxy.out": proxy_before, "end/scutil_proxy.out": VPN_CLIENT,
             "start/pfctl.out": PF_ON.format("Disabled"), "end/pfctl.out": PF_ON.format("Enabled")}
    d = diff(nettrace.load(write_bundle(tmp_path / "m.tar.gz", {k: v.encode() for k, v in files.items()})))
    ext = one(d, "system_extensions", "added")
    assert (ext["subject"], ext["after"], ext["after_line"]) == \
        ("com.objective-see.lulu.extension", "Extension [activated enabled]", 5)
    changed = {r["subject"]: (r["before"], r["after"]) for r in rows(d, "proxy", "changed")}
    assert changed == {"HTTPEnable": ("0", "1"), "HTTPSEnable": ("0", "1"), "SOCKSEnable": ("0", "1"),
                       "ExceptionsList": ("*.local,169.254/16", "localhost,127.0.0.1/8")}
    assert {r["subject"]: r["after"] for r in rows(d, "proxy", "added")} == {
        "HTTPPort": "9527", "HTTPProxy": "localhost", "HTTPSPort": "9527", "HTTPSProxy": "localhost",
        "SOCKSPort": "9527", "SOCKSProxy": "localhost"}
    assert {r["subject"] for r in rows(d, "proxy", "removed")} == {"ProxyAutoConfigEnable"}
    pf = one(d, "pf", "changed")
    assert (pf["field"], pf["before"], pf["after"], pf["after_line"]) == ("status", "disabled", "enabled", 5)
    en0 = one(d, "interfaces", "changed", subject="en0")
    assert (en0["field"], en0["before"], en0["after"], en0["after_line"]) == ("status", "active", "inactive", 1)
    utun4 = {r["field"]: r for r in rows(d, "interfaces", "changed", subject="utun4")}
    assert (utun4["state"]["before"], utun4["state"]["after"]) == ("up", "down")
    assert (utun4["owner"]["before"], utun4["owner"]["after"]) == \
        ("openconnect (pid 900, OpenConnect)", "openconnect (pid 950, OpenConnect)")
    assert utun4["owner"]["after_text"].split()[:2] == ["openconne", "950"]
    started, stopped = one(d, "processes", "started"), one(d, "processes", "stopped")
    assert (started["after"], started["roles"], stopped["before"]) == ("950", "holds:utun4;wrote:routes", "900")
    peer = one(d, "interfaces", "changed", subject="feth100")
    assert (peer["field"], peer["before"], peer["after"]) == ("peer", "feth5100", "feth5101")
    flags = one(d, "routes", "changed", subject="10.8/16")
    assert (flags["field"], flags["before"], flags["after"], flags["after_line"]) == ("flags", "UGSc", "UGS", 7)
    netif = one(d, "routes", "changed", subject="10.9/16")
    assert (netif["field"], netif["before"], netif["after"]) == ("netif", "utun4", "utun5")
    job = one(d, "launchd_jobs", "added")
    assert (job["subject"], job["after"], job["after_line"]) == ("com.example.openconnect", "950", 3)
    text = as_text(d)
    assert "+ extension com.objective-see.lulu.extension added (Extension [activated enabled])" in text
    assert "~ pf status: disabled → enabled" in text


def test_openconnect_backwards(diff_bundles):
    """Read backwards (after the switch → connected): what vanished appears, what stopped starts."""
    d = diff(diff_bundles["openconnect_after"], diff_bundles["openconnect_connected"])
    assert one(d, "interfaces", "appeared")["subject"] == "utun6"
    vpn = one(d, "processes", "started", subject="openconnect")
    assert (vpn["after"], vpn["after_line"], vpn["product"]) == ("44718", 161, "OpenConnect")
    assert {"59.78.192/21", "222.66.117"} <= {r["subject"] for r in rows(d, "routes", "added")}
    assert "diff.warn.order" in [k for k, _ in d.warnings]  # AFTER was captured earlier than BEFORE
    assert "resolved" in {r["change"] for r in rows(d, "findings")}


# --------------------------------------------------------------------------- a healthy Mac without Tailscale


@pytest.fixture(scope="module")
def ts(diff_bundles):
    return diff(diff_bundles["overlays"], diff_bundles["tailscale_removed"])


def test_tailscale_uninstalled(ts):
    d = ts
    assert d.warnings == []
    ext = one(d, "system_extensions", "removed")
    assert (ext["subject"], ext["before_line"], ext["product"]) == \
        ("io.tailscale.ipn.macsys.network-extension", 4, "Tailscale Network Extension")
    assert one(d, "launchd_jobs", "removed")["subject"] == "io.tailscale.ipn.macsys.network-extension"
    dns = rows(d, "dns", "removed")
    assert {r["before"] for r in dns} == {"100.100.100.100"} and len(dns) == 7
    assert {"general tail3b1a8.ts.net", "general ts.net"} <= {r["subject"] for r in dns}
    assert one(d, "interfaces", "vanished")["subject"] == "utun4"
    stopped = {r["subject"]: r for r in rows(d, "processes", "stopped")}
    assert set(stopped) == {"io.tailscale.ipn.macsys.network-extension", "ssh"}
    assert "holds:utun4" in stopped["io.tailscale.ipn.macsys.network-extension"]["roles"].split(";")
    assert (stopped["ssh"]["before"], stopped["ssh"]["roles"]) == ("4410", "socket:utun4")
    scoped = next(r for r in rows(d, "routes", "removed") if r["before_line"] == 6)
    assert scoped["before"] == "default link#24 UCSIg utun4"
    assert one(d, "internet_route", subject="inet")["change"] == "unchanged"
    # ZeroTier and the Wi-Fi are untouched; no finding appears on a healthy Mac
    assert not [r for r in d.changes.to_dict("records") if "feth" in str(r["subject"])]
    assert rows(d, "findings", "new") == []


def test_finding_still_there():
    """Seed 003's broken local stack is there from the start (ARP entry, "No route to host" from the
    start probe) to the end: unchanged, cited on both sides."""
    d = diff(nettrace.load(ROOT / "data/samples/003-arp-stack-inconsistency.tar.gz"))
    kept = one(d, "findings", "unchanged", subject="local-stack-inconsistency")
    assert kept["before"] == kept["after"] == "critical"
    assert kept["before_file"].startswith(("start/", "probe/")) and kept["after_file"]
    assert "still there (critical)" in as_text(d)


def test_text_output_neutralises_terminal_escapes(tmp_path):
    """A bundle is someone else's machine: an escape sequence in a route reaches the terminal inert."""
    evil = ROUTES_HEAD + "default            10.0.0.1\x1b[2J       UGScg                 en0       \n"
    b = nettrace.load(write_bundle(tmp_path / "e.tar.gz", {"start/netstat_routes.out": EN0_ON_TOP.encode(),
                                                            "end/netstat_routes.out": evil.encode()}))
    text = as_text(diff(b))
    assert "\x1b" not in text and "10.0.0.1\\x1b[2J" in text
