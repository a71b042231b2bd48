"""dig: corpus, jc agreement, timeouts and multi-query output, garbage."""
import json

import pandas as pd
import pytest

from nettrace.parsers import dig
from tests.conftest import corpus_files, corpus_text


@pytest.mark.parametrize("path", corpus_files("dig"), ids=lambda p: p.name)
def test_corpus_parses_and_agrees_with_jc(path):
    w = []
    out = dig.parse(path.read_text(encoding="utf-8"), w)
    assert w == [] and all(dig.SCHEMAS[k].check(v) == [] for k, v in out.items())
    jc = json.loads(path.with_suffix(".json").read_text())
    probes, recs = out["probes"], out["dns_answers"]
    assert len(probes) == len(jc)
    for j, p in zip(jc, probes.to_dict("records")):
        mine = recs[recs["probe_line"] == p["line"]]
        theirs = j.get("answer", []) + j.get("axfr", [])
        assert mine[["name", "ttl", "class", "type", "data"]].to_dict("records") == \
            [{k: r[k] for k in ("name", "ttl", "class", "type", "data")} for r in theirs]
        if "status" in j:
            assert (p["status"], p["query_time_ms"]) == (j["status"], j["query_time"])
            assert p["destination"] + "." == j["question"]["name"] and p["qtype"] == j["question"]["type"]
            assert j["server"].startswith(p["server"] + "#")  # documented: address only


def test_two_queries_in_one_output():
    out = dig.parse(corpus_text("dig", "jc-osx-10.14.6-dig.out"))
    p = out["probes"]
    assert p[["destination", "status", "server", "query_time_ms", "ok"]].to_dict("records") == [
        {"destination": "www.cnn.com", "status": "NOERROR", "server": "2600:1700:bab0:d40::1",
         "query_time_ms": 41, "ok": True},
        {"destination": "www.google.com", "status": "NOERROR", "server": "2600:1700:bab0:d40::1",
         "query_time_ms": 31, "ok": True}]
    # www.cnn.com.		72	IN	CNAME	turner-tls.map.fastly.net.
    r = out["dns_answers"].iloc[0]
    assert (r["name"], r["ttl"], r["type"], r["data"], r["section"], r["line"]) == \
        ("www.cnn.com.", 72, "CNAME", "turner-tls.map.fastly.net.", "answer", 14)


def test_noall_and_axfr_counts():
    out = dig.parse(corpus_text("dig", "jc-osx-10.14.6-dig-noall-answer.out"))
    assert out["probes"].loc[0, "answers"] == 4 and out["probes"].loc[0, "status"] is pd.NA
    out = dig.parse(corpus_text("dig", "jc-osx-10.14.6-dig-axfr.out"))
    assert out["probes"].loc[0, ["destination", "answers", "query_time_ms", "server"]].tolist() == \
        ["zonetransfer.me", 50, 170, "81.4.108.41"]


def test_timeout_and_nxdomain():
    out = dig.parse("\n; <<>> DiG 9.10.6 <<>> +time=2 +tries=1 captive.apple.com\n;; global options: +cmd\n"
                    ";; connection timed out; no servers could be reached\n")
    p = out["probes"].iloc[0]
    assert (p["destination"], p["ok"], p["error"], p["line"]) == \
        ("captive.apple.com", False, ";; connection timed out; no servers could be reached", 4)
    nx = dig.parse(";; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 1\n;; QUESTION SECTION:\n"
                   ";nosuch.example.\t\tIN\tA\n\n;; AUTHORITY SECTION:\n"
                   "example.\t\t900\tIN\tSOA\tns.example. host.example. 1 2 3 4 5\n;; Query time: 12 msec")
    assert nx["probes"].loc[0, ["status", "answers", "ok"]].tolist() == ["NXDOMAIN", 0, False]
    assert nx["dns_answers"].loc[0, "section"] == "authority"


def test_garbage_warns():
    w = []
    out = dig.parse("\x00\x01 junk here\nwww.example.com. 60 IN", w)
    assert [n for n, _ in w] == [1, 2] and len(out["probes"]) == 0 and len(out["dns_answers"]) == 0
