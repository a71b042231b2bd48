"""ifconfig parser: real corpus outputs, the seeds, and jc's reading of the same files."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from nettrace.parsers import ifconfig
from tests.conftest import CORPUS, corpus_files, corpus_text, seed_text

SCHEMAS = ifconfig.SCHEMAS


def _parse(text):
    warnings = []
    frames = ifconfig.parse(text, warnings)
    return frames["interfaces"], frames["addresses"], warnings


@pytest.mark.parametrize("path", corpus_files("ifconfig"), ids=lambda p: p.name)
def test_every_corpus_file_parses_to_schema(path):
    ifaces, addrs, warnings = _parse(path.read_text(encoding="utf-8", errors="replace"))
    assert SCHEMAS["interfaces"].check(ifaces) == []
    assert SCHEMAS["addresses"].check(addrs) == []
    assert len(ifaces) >= 1
    assert warnings == []  # every corpus line is known


def test_seed_000_feth4868():
    text = seed_text("000")
    block = text[text.index("feth4868: flags=8843"):]
    block = block[:block.index("```")]
    ifaces, addrs, _ = _parse(block)
    feth = ifaces.iloc[0]
    assert feth["name"] == "feth4868" and feth["kind"] == "feth"
    assert feth["peer"] == "feth9868"
    assert feth["metric"] == 5000 and feth["mtu"] == 2800
    assert feth["media"] == "autoselect (10Gbase-T <full-duplex>)"
    assert feth["flags_value"] == 0x8843
    assert list(feth["options"]) == ["VLAN_HWTAGGING"]
    assert feth["ether"] == "d6:8b:8e:3b:53:14" and feth["status"] == "active"
    a = addrs.iloc[0]
    assert (a["interface"], a["family"], a["address"], a["prefixlen"], a["netmask"], a["broadcast"]) == (
        "feth4868", "inet", "172.27.5.101", 16, "0xffff0000", "172.27.255.255")


def test_seed_000_awdl0_index_from_scopeid():
    text = seed_text("000")
    block = text[text.index("awdl0: flags=8863"):]
    ifaces, addrs, _ = _parse(block[:block.index("```")])
    assert ifaces.loc[0, "kind"] == "awdl" and ifaces.loc[0, "index"] == 0x10
    assert ifaces.loc[0, "status"] == "inactive"
    assert addrs.loc[0, "address"] == "fe80::f883:f8ff:febe:c29e" and addrs.loc[0, "scopeid"] == 16


def test_seed_001_feth_pair_without_indentation():
    text = seed_text("001")
    start = text.index("feth8846: flags")
    ifaces, addrs, warnings = _parse(text[start:text.index("导致spring")])
    assert warnings == []
    by = ifaces.set_index("name")
    assert by.loc["feth8846", "peer"] == "feth3846" and by.loc["feth3846", "peer"] == "feth8846"
    assert "PROMISC" in by.loc["feth8846", "flags"] and "PROMISC" not in by.loc["feth3846", "flags"]
    assert by.loc["feth3846", "metric"] == 5000 and by.loc["feth8846", "metric"] is pd_na()
    assert addrs[["interface", "address", "prefixlen"]].values.tolist() == [["feth3846", "10.147.20.93", 24]]


def pd_na():
    import pandas as pd
    return pd.NA


def test_bridge_members_and_media_forms():
    ifaces, _, _ = _parse(corpus_text("ifconfig", "citizen-scientist-i-ifconfig-bridge100-nd6-insecure.out"))
    by = ifaces.set_index("name")
    assert list(by.loc["bridge0", "members"]) == ["en1", "en2", "en3", "en4"]
    assert list(by.loc["bridge100", "members"]) == ["en10"]
    assert by.loc["bridge100", "kind"] == "bridge" and by.loc["en10", "kind"] == "physical"
    assert by.loc["en0", "media"] == "autoselect (<unknown type>)"
    assert by.loc["p2p0", "media"] == "autoselect" and by.loc["p2p0", "kind"] == "other"
    assert by.loc["en8", "media"] == "autoselect (100baseTX <full-duplex>)"
    assert list(by.loc["en5", "nd6_options"]) == ["PERFORMNUD", "INSECURE", "DAD"]
    assert by.loc["stf0", "flags_value"] == 0 and list(by.loc["stf0", "flags"]) == []
    assert not by.loc["gif0", "up"] and by.loc["utun1", "running"]


def test_point_to_point_and_inet6_flags():
    _, addrs, _ = _parse(corpus_text("ifconfig", "globalprotect-notes-ifconfig-lo0-ipsec0-2024.out"))
    ipsec = addrs[addrs["interface"] == "ipsec0"].reset_index(drop=True)
    assert ipsec.loc[0, "destination"] == "10.1.27.2" and ipsec.loc[0, "prefixlen"] == 16
    assert ipsec.loc[2, "address"] == "fd54:20a4:d33b:b10c:8a6:0:1:1a00" and ipsec.loc[2, "scopeid"] is pd_na()
    _, addrs, _ = _parse(corpus_text("ifconfig", "getmac-OSX-ifconfig.out"))
    en0 = addrs[addrs["interface"] == "en0"].set_index("address")
    assert list(en0.loc["2601:7c0:c500:cd6:142d:a305:c33e:30e4", "flags"]) == ["autoconf", "secured"]
    assert en0.loc["2601:7c0:c500:cd6:142d:a305:c33e:30e4", "secured"]
    assert en0.loc["2601:7c0:c500:cd6:3dec:c265:d58f:c8fd", "temporary"]
    assert en0.loc["10.0.0.162", "line"] == 16


def test_verbose_index_eflags():
    ifaces, _, _ = _parse(corpus_text("ifconfig", "iproute2mac-issue-56-ifconfig-v-utun.out"))
    assert ifaces[["name", "index", "mtu"]].values.tolist() == [["utun0", 15, 1500], ["utun1", 16, 1380]]
    assert list(ifaces.loc[0, "eflags"]) == ["TXSTART", "NOAUTOIPV6LL", "ECN_ENABLE"]
    assert list(ifaces.loc[0, "xflags"]) == ["NOAUTONX"]


def test_crlf_and_capture_prefix():
    text = ("2025-12-28T02:14:01Z\tlo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> mtu 16384\r\n"
            "2025-12-28T02:14:01Z\t\tinet 127.0.0.1 netmask 0xff000000\r\n")
    ifaces, addrs, warnings = _parse(text)
    assert warnings == [] and ifaces.loc[0, "name"] == "lo0" and addrs.loc[0, "prefixlen"] == 8


def test_garbage_and_truncated_input_warns():
    ifaces, addrs, warnings = _parse("hello world\n\tinet\nen0: flags=zz<UP> mtu\nen1: flags=8863<UP,BROAD")
    assert len(ifaces) == 0 and len(addrs) == 0
    assert [w[0] for w in warnings] == [1, 2, 3, 4]
    ifaces, addrs, warnings = _parse("en0: flags=8863<UP> mtu 1500\n\tinet6\n\tinet 10.0.0.1 netmask 0xzz\n")
    assert len(ifaces) == 1 and addrs.loc[0, "prefixlen"] is pd_na()
    assert [w[0] for w in warnings] == [2, 3]


def _jc_pairs():
    out = []
    for path in corpus_files("ifconfig", ".json"):
        src = path.with_suffix(".out")
        if path.name.startswith("jc-") and src.is_file():
            out.append(path)
    return out


def _dotted(prefixlen):
    bits = (0xFFFFFFFF << (32 - prefixlen)) & 0xFFFFFFFF
    return ".".join(str((bits >> s) & 255) for s in (24, 16, 8, 0))


@pytest.mark.parametrize("jc_path", _jc_pairs(), ids=lambda p: p.name)
def test_matches_jc_except_documented(jc_path):
    jc = json.loads(jc_path.read_text())
    ifaces, addrs, _ = _parse(jc_path.with_suffix(".out").read_text())
    assert list(ifaces["name"]) == [j["name"] for j in jc]
    for j, (_, ours) in zip(jc, ifaces.iterrows()):
        assert ours["mtu"] == j["mtu"]
        assert list(ours["flags"]) == (j["state"] or [])  # jc: None for flags=0<>
        # JC_NOTES: jc reads the hex flags as a decimal number
        assert str(j["flags"]) == format(ours["flags_value"], "x")
        assert ours["ether"] == j["mac_addr"] or (pd_na() is ours["ether"] and j["mac_addr"] is None)
        assert (ours["metric"] is pd_na()) == (j["metric"] is None)
        assert (ours["status"] if ours["status"] is not pd_na() else None) == j.get("status")
        assert list(ours["options"]) == j.get("options_flags", [])
        assert list(ours["nd6_options"]) == j.get("nd6_flags", [])
        media = ours["media"]
        # JC_NOTES: jc keeps media only when it has <...>, cut at " <"; bare forms are dropped
        if media is not pd_na() and " <" in media:
            head, _, tail = media.partition(" <")
            assert j["media"] == head and j["media_flags"] == tail.rstrip(">)").split(",")
        else:
            assert "media" not in j
        mine = addrs[addrs["interface"] == j["name"]]
        v4 = mine[mine["family"] == "inet"]
        assert [a["address"] for a in j.get("ipv4", [])] == list(v4["address"])
        assert [a["mask"] for a in j.get("ipv4", [])] == [_dotted(p) for p in v4["prefixlen"]]
        assert [a["broadcast"] for a in j.get("ipv4", [])] == [
            None if b is pd_na() else b for b in v4["broadcast"]]
        v6 = mine[mine["family"] == "inet6"]
        assert [a["address"] for a in j.get("ipv6", [])] == list(v6["address"])
        assert [a["mask"] for a in j.get("ipv6", [])] == list(v6["prefixlen"])
        assert [None if a["scope"] is None else int(a["scope"], 16) for a in j.get("ipv6", [])] == [
            None if s is pd_na() else s for s in v6["scopeid"]]
        assert "peer" not in j and "members" not in j  # JC_NOTES: jc drops them


def test_jc_drops_peer_and_members_that_we_keep():
    ifaces, _, _ = _parse(corpus_text("ifconfig", "zerotier-issue-999-feth-pair.out"))
    assert ifaces[["name", "peer", "mtu"]].values.tolist() == [["feth4017", "feth9017", 2800],
                                                               ["feth9017", "feth4017", 16370]]
    if not (CORPUS / "ifconfig" / "jc-osx-10.14.6-ifconfig.json").is_file():
        pytest.skip("corpus absent")
    ifaces, _, _ = _parse(corpus_text("ifconfig", "jc-osx-10.14.6-ifconfig.out"))
    assert list(ifaces.set_index("name").loc["bridge0", "members"]) == ["en1", "en2", "en3", "en4"]


# --------------------------------------------------------------------------- formats of ifconfig.tproj
# No corpus file has these lines; they are written from Apple's network_cmds printing code (cited).

def test_point_to_point_inet6_keeps_its_destination():
    # af_inet6.c in6_status: "\tinet6 %s", then " --> %s" for an IFF_POINTOPOINT interface, then
    # " prefixlen %d ", the address flags and "scopeid 0x%x "
    ifaces, addrs, warnings = _parse(
        "utun7: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1380\n"
        "\tinet6 fe80::1c2a:9dff:fe3b:4d5e%utun7 --> fe80::1%utun7 prefixlen 64 scopeid 0x1a \n"
        "\tinet6 fd7a:115c:a1e0::1 --> fd7a:115c:a1e0::2 prefixlen 128 \n")
    assert warnings == []
    assert addrs[["address", "destination", "prefixlen", "scopeid"]].values.tolist() == [
        ["fe80::1c2a:9dff:fe3b:4d5e", "fe80::1%utun7", 64, 0x1a],
        ["fd7a:115c:a1e0::1", "fd7a:115c:a1e0::2", 128, pd.NA]]
    assert [list(f) for f in addrs["flags"]] == [[], []]  # "-->" is no flag
    assert ifaces.loc[0, "index"] == 0x1a


def test_older_media_line_with_status_and_firewire_lladdr():
    # ifmedia.c media_status of network_cmds-245 (Mac OS X 10.4) prints " status: " on the media
    # line; af_link.c link_status prints "lladdr" for a link type other than Ethernet (FireWire)
    ifaces, addrs, warnings = _parse(
        "en0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500\n"
        "\tinet 192.168.1.20 netmask 0xffffff00 broadcast 192.168.1.255\n"
        "\tether 00:0d:93:4a:2b:1c \n"
        "\tmedia: autoselect (100baseTX <full-duplex>) status: active\n"
        "fw0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 2030\n"
        "\tlladdr 00:0d:93:ff:fe:4a:2b:1c \n"
        "\tmedia: autoselect <full-duplex> status: inactive\n"
        "\tsupported media: autoselect <full-duplex>\n")
    assert warnings == []
    en0, fw0 = ifaces.iloc[0], ifaces.iloc[1]
    assert (en0["media"], en0["status"], en0["ether"]) == ("autoselect (100baseTX <full-duplex>)", "active",
                                                           "00:0d:93:4a:2b:1c")
    assert (fw0["media"], fw0["status"], fw0["ether"]) == ("autoselect <full-duplex>", "inactive",
                                                           "00:0d:93:ff:fe:4a:2b:1c")
    assert addrs.loc[0, "prefixlen"] == 24


def test_unknown_lines_warn():
    ifaces, addrs, warnings = _parse("en0: flags=8863<UP> mtu 1500\n\tsomething new 42\n")
    assert len(ifaces) == 1 and warnings == [(2, "unknown ifconfig line: 'something new 42'")]


def test_bridge_address_cache_entries_are_known():
    """ifbridge.c prints each learned address under ``Address cache:`` as MAC, Vlan N, member,
    expiry and flags; the line neither warns nor becomes an interface."""
    warnings = []
    df = ifconfig.parse("bridge100: flags=8a63<UP,BROADCAST,SMART,RUNNING,ALLMULTI,SIMPLEX,MULTICAST> mtu 1500\n"
                        "\tmember: en7 flags=3<LEARNING,DISCOVER>\n"
                        "\t        ifmaxaddr 0 port 19 priority 0 path cost 0\n"
                        "\tAddress cache:\n"
                        "\t\tdc:a6:32:5e:90:1b Vlan1 en7 1190 flags=0<>\n"
                        "\tstatus: active\n", warnings)["interfaces"]
    assert warnings == []
    assert df["name"].tolist() == ["bridge100"] and df["members"].tolist() == [["en7"]]
    assert df["status"].tolist() == ["active"]
