"""netstat -r: the vectorized reader gives the frame and warnings of the line-by-line reader."""

import pandas as pd
import pytest

from nettrace.parsers import netstat_routes as ns
from tests import benchgen, fuzzkit
from tests.conftest import corpus_files

SCHEMA = ns.SCHEMAS["routes"]


def same(text: str, must_be_fast: bool = False) -> None:
    w1: list = []
    fast = ns._vector(text, w1)
    w2: list = []
    slow = SCHEMA.frame(ns._Reader(w2).feed(enumerate(text.splitlines(), 1)).finish())
    if must_be_fast:
        assert fast is not None, "the vectorized reader declined"
    if fast is not None:
        pd.testing.assert_frame_equal(fast, slow, check_exact=True)
        assert w1 == w2
    w3: list = []
    pd.testing.assert_frame_equal(ns.parse(text, w3), slow, check_exact=True)
    assert w3 == w2


@pytest.fixture(scope="module")
def generated():
    return benchgen.netstat(2000)[0]


def test_generated_table(generated):
    same(generated, must_be_fast=True)


def test_generated_with_odd_lines(generated):
    rows = generated.split("\n")
    rows[10] = "10.1/16  10.0.0.1  UGSc  12  34  en0"       # numbers without a header for them
    rows[11] = "10.2/16  10.0.0.1  UGZQq  en0"              # unknown flag letters
    rows[12] = "10.3/16  10.0.0.1  U!S  en0"                # not a route line
    rows[13] = "10.4/16  10.0.0.1  UGSc"                    # short
    rows[14] = "Active Internet connections"                # another display: skipped section
    rows[40] = "Internet6:"
    rows[41] = "Destination        Gateway            Flags     Refs Use Netif Expire"
    rows.insert(60, "weird")
    same("\n".join(rows), must_be_fast=True)


def test_fragment_without_headers(generated):
    rows = [r for r in generated.split("\n") if r and r[0] not in "RID"]
    same("\n".join(rows[:300]), must_be_fast=True)


@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8", errors="replace") for p in corpus_files("netstat")]
                         + list(fuzzkit.seeds().get("netstat_routes", ())))
def test_real_outputs(text):
    same(text)
