"""arp: corpus, jc agreement, seed 003, garbage."""
import json

import pandas as pd
import pytest

from nettrace.parsers import arp
from tests.conftest import corpus_files, corpus_text, seed_text

SCHEMA = arp.SCHEMAS["arp"]


@pytest.mark.parametrize("path", corpus_files("arp"), ids=lambda p: p.name)
def test_corpus_parses(path):
    w = []
    df = arp.parse(path.read_text(encoding="utf-8"), w)
    assert SCHEMA.check(df) == [] and w == [] and len(df) > 0


@pytest.mark.parametrize("path", [p for p in corpus_files("arp") if p.with_suffix(".json").exists()],
                         ids=lambda p: p.name)
def test_agrees_with_jc(path):
    df = arp.parse(path.read_text(encoding="utf-8"))
    jc = json.loads(path.with_suffix(".json").read_text())
    assert len(jc) == len(df)
    pairs = {"name": "hostname", "address": "ip", "hwaddress": "mac", "iface": "interface",
             "hwtype": "link_type", "permanent": "permanent"}
    for j, row in zip(jc, df.to_dict("records")):
        for jk, ok in pairs.items():
            got = None if row[ok] is pd.NA else row[ok]
            assert got == j[jk], (jk, j, row)


def test_seed_003_gateway_entry():
    seed = seed_text("003")
    lines = ["ikuaios (192.168.3.1) at e4:3a:6e:31:72:34 on en0 ifscope [ethernet]",
             "? (192.168.3.100) at 0:c:29:75:1b:a0 on en0 ifscope [ethernet]"]
    assert all(ln in seed for ln in lines)
    df = arp.parse("\r\n".join(lines))
    assert df.loc[0, ["hostname", "ip", "mac", "interface", "ifscope", "permanent", "link_type", "line"]].tolist() == \
        ["ikuaios", "192.168.3.1", "e4:3a:6e:31:72:34", "en0", True, False, "ethernet", 1]
    assert df.loc[1, "hostname"] is pd.NA and df.loc[1, "mac"] == "0:c:29:75:1b:a0"


def test_corpus_values():
    df = arp.parse(corpus_text("arp", "getmac-macos_10.12.6-arp_-an.out"))
    # ? (224.0.0.251) at 1:0:5e:0:0:fb on en0 ifscope permanent [ethernet]
    assert df.loc[2, ["ip", "mac", "permanent", "ifscope"]].tolist() == ["224.0.0.251", "1:0:5e:0:0:fb", True, True]
    df = arp.parse(corpus_text("arp", "zerotier-issue-1222-arp-a-i-feth-n.out"))
    assert df.loc[0, ["ip", "interface", "mac"]].tolist() == ["10.123.0.1", "feth3297", "36:3b:12:1b:1:f7"]
    df = arp.parse(corpus_text("arp", "jc-osx-10.14.6-arp-a2.out"))
    assert df.loc[0, ["ip", "ifscope"]].tolist() == ["169.254.81.142", False]  # `on en0 [ethernet]`


def test_incomplete_and_expiry():
    df = arp.parse("? (192.168.1.18) at (incomplete) on en0 ifscope [ethernet]\n"
                   "? (10.0.0.1) at 0:c:29:75:1b:a0 on en0 ifscope expires in 1130 seconds [ethernet]")
    assert df.loc[0, "incomplete"] and df.loc[0, "mac"] is pd.NA
    assert df.loc[1, "expire"] == "expires in 1130 seconds" and not df.loc[1, "incomplete"]


def test_garbage_warns():
    w = []
    df = arp.parse("arp: 10.0.0.9: no entry\n\x00\x01\nikuaios (192.168.3.1) at", w)
    assert SCHEMA.check(df) == [] and len(df) == 0 and [n for n, _ in w] == [1, 2, 3]
