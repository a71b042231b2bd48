"""networksetup -listallhardwareports: corpus files, seed 000, odd and broken input."""
import pandas as pd
import pytest

from nettrace.parsers import networksetup_ports
from tests.conftest import corpus_files, corpus_text, seed_text

SCHEMA = networksetup_ports.SCHEMAS["hardware_ports"]


@pytest.mark.parametrize("path", corpus_files("networksetup"), ids=lambda p: p.name)
def test_every_corpus_file_parses_to_schema(path):
    warnings = []
    df = networksetup_ports.parse(path.read_text(encoding="utf-8", errors="replace"), warnings)
    assert SCHEMA.check(df) == []
    assert len(df) > 0
    assert warnings == []


def _seed_block() -> str:
    text = seed_text("000")
    start = text.index("% networksetup -listallhardwareports\n") + len("% networksetup -listallhardwareports\n")
    return text[start:text.index("```", start)]


def test_seed_000_eight_ports_and_vlan_trailer():
    warnings = []
    df = networksetup_ports.parse(_seed_block(), warnings)
    assert warnings == []
    assert len(df) == 8
    # "Hardware Port: Wi-Fi" / "Device: en0" / "Ethernet Address: bc:d0:74:30:0e:71"
    wifi = df[df["port"] == "Wi-Fi"].iloc[0]
    assert (wifi["device"], wifi["ether"]) == ("en0", "bc:d0:74:30:0e:71")
    assert df["device"].tolist() == ["en4", "en5", "en6", "bridge0", "en0", "en1", "en2", "en3"]
    assert not df["vlan"].any()  # "VLAN Configurations" / "===================" with nothing under it


def test_corpus_values():
    blog = networksetup_ports.parse(corpus_text("networksetup", "blog-2015-tim-officer-listallhardwareports.out"))
    assert blog.loc[1, ["port", "device", "ether", "line"]].tolist() == ["Bluetooth PAN", "en3", "6c:40:08:b7:a1:07", 5]
    redacted = networksetup_ports.parse(
        corpus_text("networksetup", "alfred-network-workflow-issue-20-listallhardwareports-redacted.out"))
    assert redacted.loc[2, ["port", "device", "ether"]].tolist() == ["AX88179A", "en8", "a0:ce:"]
    assert redacted["port"].iloc[-1] == "Thunderbolt Bridge" and len(redacted) == 9
    getmac = networksetup_ports.parse(corpus_text("networksetup", "getmac-macos_26.6.2-listallhardwareports.out"))
    assert getmac["port"].tolist() == ["Ethernet", "Ethernet Adapter (en1)"]
    assert getmac["line"].tolist() == [2, 6]  # leading blank line counted


def test_na_ether_vlan_rows_and_garbage():
    warnings = []
    df = networksetup_ports.parse(
        "Device: en9\nHardware Port: Bluetooth PAN\r\nDevice: en3\r\nEthernet Address: N/A\r\nColour: blue\n"
        "VLAN Configurations\n===================\nVLAN User Defined Name: office\nDevice: vlan0\nnonsense",
        warnings)
    assert SCHEMA.check(df) == []
    assert df["port"].tolist() == ["Bluetooth PAN", "office"]
    assert pd.isna(df.loc[0, "ether"])
    assert df["vlan"].tolist() == [False, True] and df.loc[1, "device"] == "vlan0"
    assert [w[0] for w in warnings] == [1, 5, 10]
