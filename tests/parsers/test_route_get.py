"""route_get parser: the corpus's `route -n get default` and seed 004's routing-socket error."""
from __future__ import annotations

import pandas as pd
import pytest

from nettrace.parsers import route_get
from tests.conftest import corpus_files, corpus_text, seed_text

SCHEMA = route_get.SCHEMAS["route_lookups"]


@pytest.mark.parametrize("path", corpus_files("route"), ids=lambda p: p.name)
def test_every_corpus_file_parses_to_schema(path):
    warnings = []
    df = route_get.parse(path.read_text(encoding="utf-8", errors="replace"), warnings)
    assert SCHEMA.check(df) == [] and len(df) == 1 and warnings == []


def test_default_lookup_with_metrics():
    df = route_get.parse(corpus_text("route", "getmac-macos_10.12.6-route_-n_get_default.out"))
    r = df.iloc[0]
    assert (r["route_to"], r["destination"], r["mask"], r["gateway"], r["interface"]) == (
        "default", "default", "default", "10.0.2.2", "en0")
    assert list(r["flags"]) == ["UP", "GATEWAY", "DONE", "STATIC", "PRCLONING"]
    assert (r["mtu"], r["recvpipe"], r["expire"], r["line"]) == (1500, 0, 0, 1)
    assert r["error"] is pd.NA and r["if_address"] is pd.NA


def test_seed_004_not_in_table():
    text = seed_text("004")
    line = next(ln for ln in text.splitlines() if ln.startswith("route: writing"))
    df = route_get.parse("probe output\n" + line + "\n")
    assert df["error"].tolist() == ["route: writing to routing socket: not in table"]
    assert df.loc[0, "line"] == 2 and df.loc[0, "gateway"] is pd.NA


def test_two_lookups_inet6_value_crlf_prefix():
    text = ("2025-12-28T02:14:01Z\t   route to: 2001:4860:4860::8888\r\n"
            "2025-12-28T02:14:01Z\tdestination: default\r\n"
            "2025-12-28T02:14:01Z\t    gateway: fe80::%utun0\r\n"
            "   route to: 1.1.1.1\ndestination: default\n  interface: en0\n")
    w = []
    df = route_get.parse(text, w)
    assert w == []
    assert df[["route_to", "gateway", "interface", "line"]].astype(object).where(df.notna()[
        ["route_to", "gateway", "interface", "line"]], None).values.tolist() == [
        ["2001:4860:4860::8888", "fe80::%utun0", None, 1], ["1.1.1.1", None, "en0", 4]]


def test_garbage_warns_and_truncated_keeps_what_is_there():
    w = []
    df = route_get.parse("\x00garbage\n   route to: default\ndestina", w)
    assert [x[0] for x in w] == [1, 3]
    assert df.loc[0, "route_to"] == "default" and len(df) == 1
    w = []
    df = route_get.parse(" recvpipe  sendpipe\n 0 0 0\n", w)
    assert len(df) == 0 and [x[0] for x in w] == [2]
