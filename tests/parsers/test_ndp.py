"""ndp: corpus values, headerless text, garbage."""
import pandas as pd
import pytest

from nettrace.parsers import ndp
from tests.conftest import corpus_files, corpus_text

SCHEMA = ndp.SCHEMAS["ndp"]


@pytest.mark.parametrize("path", corpus_files("ndp"), ids=lambda p: p.name)
def test_corpus_parses(path):
    w = []
    df = ndp.parse(path.read_text(encoding="utf-8"), w)
    assert SCHEMA.check(df) == [] and w == [] and len(df) > 0


def test_router_entry_and_scope():
    df = ndp.parse(corpus_text("ndp", "notes-ipv6-ndp-a-en0.out"))
    # 2602:ae:15a4:8001::1                    c:83:cc:fb:a1:7      en0 17s       R  R
    assert df.loc[0, ["neighbor", "linklayer", "netif", "expire", "state", "flags", "line"]].tolist() == \
        ["2602:ae:15a4:8001::1", "c:83:cc:fb:a1:7", "en0", "17s", "R", "R", 2]
    assert df.loc[0, "scope"] is pd.NA and df.loc[1, "flags"] is pd.NA
    assert df.loc[3, ["neighbor", "scope"]].tolist() == ["fe80::e83:ccff:fefb:a107", "en0"]


def test_incomplete_on_utun():
    df = ndp.parse(corpus_text("ndp", "getmac-macos_26.6.2-ndp_-an.out"))
    # fe80::a200:a210:a220:a230%utun0         (incomplete)       utun0 permanent R
    row = df[df["netif"] == "utun0"].iloc[0]
    assert row["linklayer"] is pd.NA and row["scope"] == "utun0" and row["expire"] == "permanent"
    assert df["netif"].tolist() == ["lo0", "en0", "utun0", "utun1", "utun2", "utun3"]


def test_probes_and_garbage():
    w = []
    df = ndp.parse("fe80::1%en0 0:c:29:75:1b:a0 en0 4s I 3\n\x00 junk\nfe80::2%en0 (incomplete)", w)
    assert df.loc[0, ["state", "prbs"]].tolist() == ["I", 3] and df.loc[0, "flags"] is pd.NA
    assert len(df) == 1 and [n for n, _ in w] == [2, 3]
