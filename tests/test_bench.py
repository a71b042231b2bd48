"""``make bench``'s own checks: the synthetic inputs parse to the counts their generator wrote,
a lost row is caught, and the child-process memory reading measures the child (not its parent)."""
from __future__ import annotations

import pytest

from nettrace.parsers import ifconfig, lsof, netstat_routes, ps, route_monitor
from tests import bench, benchgen

SMALL = {
    "route_monitor": (route_monitor, lambda: benchgen.route_monitor(3_000)),
    "lsof": (lsof, lambda: benchgen.lsof(3_000, processes=50)),
    "netstat_routes": (netstat_routes, lambda: benchgen.netstat(800)),
    "ifconfig": (ifconfig, lambda: benchgen.ifconfig(12)),
    "ps": (ps, lambda: benchgen.ps(300)),
}


@pytest.mark.parametrize("name", sorted(SMALL))
def test_generated_inputs_parse_to_the_generators_counts(name):
    mod, make = SMALL[name]
    text, exp = make()
    warnings: list = []
    out = mod.parse(text, warnings)
    table = bench.Table()
    bench.check_counts(name, out, exp, table)
    assert table.failures == []
    assert warnings == []
    assert exp["rows"] > 0


def test_a_lost_row_fails_the_bench():
    text, exp = benchgen.netstat(800)
    out = netstat_routes.parse(text)
    table = bench.Table()
    bench.check_counts("netstat_routes", out.iloc[1:].reset_index(drop=True), exp, table)
    assert table.failures and "rows, generator wrote" in table.failures[0]


def test_child_rss_measures_the_child_alone():
    base = bench.child_rss("pass")
    grown = bench.child_rss("x = bytearray(64 << 20)\nfor i in range(0, len(x), 4096): x[i] = 1")
    assert 56 << 20 <= grown - base <= 80 << 20
    with pytest.raises(RuntimeError, match="RSS reading is broken"):
        bench._grown(base, base, "nothing")


def test_paired_alternates_the_baseline_and_the_parser_and_returns_each_best(monkeypatch):
    # paired() collects garbage before every call; over pytest's whole heap that is ~50 ms a call
    # (400 calls: minutes in the full suite), and it is not what this test is about.
    monkeypatch.setattr(bench.gc, "collect", lambda *a: 0)
    log: list = []
    times: list = []
    lo_b, lo_f = bench.paired(lambda: log.append("b"), lambda: log.append("f"), 3, times, budget=0)
    assert log == ["b", "f"] * 3  # in turn, exactly the rounds asked for when the budget is spent
    assert len(times) == 3 and lo_f == min(times) and 0 < lo_b
    log.clear()
    bench.paired(lambda: log.append("b"), lambda: log.append("f"), 1, budget=0.05)
    assert 2 < len(log) <= 400 and log[::2] == ["b"] * (len(log) // 2)  # short calls: more rounds
