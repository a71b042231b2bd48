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


def test_batch_destination_normalisation_equals_the_one_by_one_function():
    """_normalize_many (Arrow kernels for plain IPv4 forms) and _v6_network (inet_pton instead of
    ipaddress) give exactly what normalize_destination's ipaddress-based path gives."""
    import ipaddress
    import random

    import numpy as np

    from nettrace.parsers.netstat_routes import _normalize_many, _v6_network, normalize_destination

    rnd = random.Random(11)
    octets = ["0", "1", "10", "010", "255", "256", "999", "0010", "", "\u0663", "192"]
    v4 = {".".join(rnd.choice(octets) for _ in range(rnd.randint(1, 5)))
          + (("/" + rnd.choice(["0", "8", "08", "24", "32", "33", "", "x", "032"])) if rnd.random() < 0.5 else "")
          for _ in range(5000)}
    dests = sorted(v4) + ["default", "fe80::%en0/64", "::1", "ff02::fb"]
    inet6 = np.array([":" in d for d in dests])
    normalize_destination.cache_clear()
    assert _normalize_many(dests, inet6) == [normalize_destination(d, "inet6" if f else "inet")
                                            for d, f in zip(dests, inet6)]
    hexes = ["0", "1", "ff", "ffff", "fe80", "2001", "db8", "0000", "00a"]
    checked = 0
    for _ in range(20000):
        hs = [rnd.choice(hexes) for _ in range(rnd.randint(1, 8))]
        if len(hs) < 8:
            j = rnd.randint(0, len(hs))
            hs = hs[:j] + ["", ""] + hs[j:] if j in (0, len(hs)) else hs[:j] + [""] + hs[j:]
        addr, plen = ":".join(hs), rnd.choice([0, 1, 8, 16, 63, 64, 65, 127, 128, 129])
        got = _v6_network(addr, plen)
        if got is not None:
            checked += 1
            assert got == str(ipaddress.IPv6Network(f"{addr}/{plen}", strict=False)), (addr, plen)
    assert checked > 5000


def test_vectorized_networks_equal_normalize_destination():
    """_netaddr's numpy readings of IPv4 and IPv6 destinations (what they decide) are exactly
    normalize_destination's, over random plain, compressed, scoped, prefixed and malformed forms."""
    import random

    import numpy as np
    import pyarrow as pa

    from nettrace.parsers._netaddr import v4_networks, v6_networks
    from nettrace.parsers.netstat_routes import normalize_destination

    rnd = random.Random(7)
    octets = ["0", "1", "10", "010", "255", "256", "999", "0010", "", "192", "25", "1a"]
    v4 = sorted({".".join(rnd.choice(octets) for _ in range(rnd.randint(1, 5)))
                 + (("/" + rnd.choice(["0", "8", "08", "24", "32", "33", "", "x", "032", "99"]))
                    if rnd.random() < 0.5 else "") for _ in range(20000)})
    cidr, ok = v4_networks(pa.array(v4, pa.large_string()))
    assert ok.sum() > 2000
    want = [normalize_destination(d, "inet")[0] for d in v4]
    assert [c for c, k in zip(cidr.to_pylist(), ok.tolist()) if k] == [w for w, k in zip(want, ok.tolist()) if k]

    hexes = ["0", "1", "ff", "ffff", "FE80", "2001", "db8", "0000", "00a", "0", "0", "12345", "g"]
    v6 = set()
    for _ in range(20000):
        hs = [rnd.choice(hexes) for _ in range(rnd.randint(1, 9))]
        if len(hs) < 8 or rnd.random() < 0.1:
            j = rnd.randint(0, len(hs))
            hs = hs[:j] + ["", ""] + hs[j:] if j in (0, len(hs)) else hs[:j] + [""] + hs[j:]
        addr = ":".join(hs)
        if rnd.random() < 0.3:
            addr += "%" + rnd.choice(["en0", "utun12", "", "lo0%x"])
        if rnd.random() < 0.6:
            addr += "/" + rnd.choice(["0", "1", "8", "16", "63", "64", "065", "127", "128", "129", "", "x"])
        v6.add(addr)
    v6 = sorted(v6) + ["::", "::/0", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::", "::ffff:1.2.3.4", "%en0", "/64"]
    cidr, scope, ok = v6_networks(pa.array(v6, pa.large_string()))
    assert ok.sum() > 5000
    got = [(c, s) for c, s, k in zip(cidr.to_pylist(), scope.to_pylist(), ok.tolist()) if k]
    want = [normalize_destination(d, "inet6") for d, k in zip(v6, ok.tolist()) if k]
    assert got == want
    # what they leave undecided still parses (one by one) in the frame
    same("Internet6:\nDestination  Gateway  Flags  Netif Expire\n"
         + "\n".join(f"{d}  fe80::1%lo0  UGSc  en0" for d in v6[:3000] if " " not in d) + "\n", must_be_fast=True)
    assert np.asarray(ok).dtype == bool


def test_vectorized_gateway_kinds_equal_gateway_kind():
    """_gateways (byte prefilters, then the regular expressions) == gateway_kind one by one."""
    import random

    import pyarrow as pa

    rnd = random.Random(5)
    pieces = ["a", "en", "utun", "0", "12", ":", ".", "#", "link", "fe80", "c6", "%", "x", "Z", "9"]
    gws = sorted({"".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 7))) for _ in range(5000)})
    gws += ["c6:52:4f:cc:a7:64", "1:0:5e:0:0:fb", "c6:52:4f:cc:a7:64:1", "utun6", "en0", "e0", "en", "9en0",
            "link#12", "link#", "link#x", "fe80::%utun0", "10.51.0.1", "a.b1", "ab#1", "0:0:0:0:0:0"]
    kinds, vals, miss = ns._gateways(pa.array(gws, pa.large_string()))
    assert kinds.to_pylist() == [ns.gateway_kind(g) for g in gws]
    assert [None if m else int(v) for v, m in zip(vals[:len(gws)], miss[:len(gws)])] == [
        int(g[5:]) if ns.gateway_kind(g) == "link" and g[5:].isdecimal() else None for g in gws]


def test_row_totals_counts_per_item_with_empty_items_anywhere():
    import numpy as np

    from nettrace.parsers._netaddr import _row_totals

    rng = np.random.default_rng(7)
    for _ in range(3000):
        n = int(rng.integers(0, 40))
        mask = rng.random(n) < 0.4
        cuts = np.sort(rng.integers(0, n + 1, int(rng.integers(0, 6))))
        offs = np.concatenate([[0], cuts, [n]]).astype(np.int64)
        want = [int(mask[a:b].sum()) for a, b in zip(offs[:-1], offs[1:])]
        assert _row_totals(mask, offs).tolist() == want
    assert _row_totals(np.zeros(0, bool), np.zeros(1, np.int64)).tolist() == []
