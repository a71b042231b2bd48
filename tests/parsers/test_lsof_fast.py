"""lsof: the vectorized reader gives the frame and warnings of the line-by-line reader."""

import pandas as pd
import pytest

from nettrace.parsers import lsof
from tests import benchgen, fuzzkit
from tests.conftest import corpus_files

SCHEMA = lsof.SCHEMAS["open_files"]


def both(text: str):
    """(vectorized result or None, line-by-line frame, line-by-line warnings)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    fast = lsof._vector(text, check_cr=False)
    w: list = []
    slow = SCHEMA.frame(lsof._by_line(text, w))
    return (SCHEMA.frame(fast) if fast is not None else None), slow, w


def same(text: str, must_be_fast: bool = False) -> None:
    fast, slow, w = both(text)
    if must_be_fast:
        assert fast is not None, "the vectorized reader declined"
    if fast is not None:
        pd.testing.assert_frame_equal(fast, slow, check_exact=True)
        assert w == []
    w2: list = []
    pd.testing.assert_frame_equal(lsof.parse(text, w2), slow, check_exact=True)
    assert w2 == w


@pytest.fixture(scope="module")
def generated():
    return benchgen.lsof(3000)[0]


def test_generated_listing(generated):
    same(generated, must_be_fast=True)


def test_generated_with_odd_rows(generated):
    rows = generated.split("\n")
    # non-ASCII names and commands, a form feed and a NBSP (Python whitespace, not a blank) in cells
    rows[5] = rows[5].rstrip() + " caf\u00e9 \u00a0"
    rows[9] = rows[9][:-3] + "\u2028x\u3000"
    rows[11] = rows[11].rstrip() + "\x0c"
    rows[20] = "Gr\u00fc\u00dfe" + rows[20][5:]
    same("\n".join(rows), must_be_fast=True)


@pytest.mark.parametrize("change", ["tab", "blank", "leading", "wrapped", "header", "short"])
def test_generated_misaligned_falls_back(generated, change):
    rows = generated.split("\n")
    if change == "tab":
        rows[7] = rows[7].replace(" ", "\t", 1)
    elif change == "blank":
        rows.insert(8, "")
    elif change == "leading":
        rows[8] = " " + rows[8][1:]
    elif change == "wrapped":
        rows.insert(8, "      12345 /wrapped/name")
    elif change == "header":
        rows.insert(30, rows[0])
    else:
        rows[8] = rows[8][:12]
    same("\n".join(rows))


def test_crlf_and_trailing_newlines(generated):
    same(generated.replace("\n", "\r\n") + "\n\n", must_be_fast=True)


@pytest.mark.parametrize("crlf", [False, True])
def test_lone_cr(generated, crlf):
    """A "\\r" not before a newline stays in its row (an odd row): parse declines the vectorized
    reader once for the "\\r", then reads the text with it, as the line reader does."""
    rows = generated.split("\n")
    rows[6] = rows[6].rstrip() + "\rx"
    rows[12] = rows[12][:3] + "\r" + rows[12][4:]
    text = ("\r\n" if crlf else "\n").join(rows)
    same(text, must_be_fast=True)
    assert lsof._vector(text) is None
    assert lsof._vector(generated) is not None


@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8", errors="replace") for p in corpus_files("lsof")]
                         + list(fuzzkit.seeds().get("lsof", ())))
def test_real_outputs(text):
    same(text)


SOCKET_NAMES = ["", "*:*", "[::1]:80", "[]:1", "[x", ":80", "a:", "a->", "->b:1", "x (LISTEN)", " (LISTEN)",
                "(LISTEN)", "a:1 (l)", "a:1  (A_9)", "a:1->b:2 (ESTABLISHED)", "a)", ")", "a:1 )", "(", "a:1 (",
                "[::1]:2->b:3 (X)", "a:1->[::2]:3 (X)", "[fe80::1%lo0]:5353", "[::1]:x", "[::1]", "[a]:1->[b]:2"]


@pytest.mark.parametrize("subset", ["all", "bracketed", "plain", "no_paren_end"])
def test_sockets_match_derive(subset):
    """``_sockets`` (numpy over the NAME bytes) agrees with ``_derive`` on awkward socket names,
    also when no name (or every name) is bracketed or ends in ")" (empty selections)."""
    import random

    import pyarrow as pa

    from nettrace.parsers import lsof as ls

    rnd = random.Random(3)
    atoms = ["[", "]", ":", "->", "(", ")", " ", "*", "1", "80", "fe80::1", "LISTEN", "A_B", "a", "-", ">", "  ",
             "]:", "CLOSED"]
    names = SOCKET_NAMES + ["".join(rnd.choice(atoms) for _ in range(rnd.randrange(8))).strip() for _ in range(5000)]
    keep = {"all": lambda x: True, "bracketed": lambda x: x.startswith("["),
            "plain": lambda x: not x.startswith("["), "no_paren_end": lambda x: not x.endswith(")")}[subset]
    names = [x for x in names if keep(x)]
    state, la, lp, ra, rp = ls._sockets(pa.array(names, pa.large_string()))
    exp = ls._derive(["IPv4"] * len(names), ["TCP"] * len(names), names)

    def ints(v):
        return [None if m else int(x) for x, m in zip(*v)]

    assert state.to_pylist() == exp["state"]
    assert la.to_pylist() == exp["local_address"]
    assert ra.to_pylist() == exp["remote_address"]
    assert ints(lp) == exp["local_port"]
    assert ints(rp) == exp["remote_port"]


def test_scatter_strings_and_spans():
    """_arrow.scatter_strings (offsets gathered by a running count) and _arrow.spans (Arrow's take
    over an array of spans and gaps) against plain Python."""
    import random

    import numpy as np
    import pyarrow as pa

    from nettrace.parsers._arrow import scatter_strings, spans

    rnd = random.Random(3)
    for n in (1, 7, 300):
        mask = np.array([rnd.random() < 0.4 for _ in range(n)])
        vals = [rnd.choice(["", "a", "bc", None, "def"]) for _ in range(int(mask.sum()))]
        for values in (vals, [v or "x" for v in vals]):
            got = scatter_strings(n, mask, pa.array(values, pa.large_string()).slice(0))
            shared = scatter_strings(n, mask, pa.array(values, pa.large_string()),
                                     (np.flatnonzero(mask), np.cumsum(mask)))
            it = iter(values)
            assert got.to_pylist() == shared.to_pylist() == [next(it) if m else None for m in mask]
    data = bytes(rnd.randrange(97, 123) for _ in range(500))
    cuts = np.sort(np.array([rnd.randrange(0, 501) for _ in range(80)]))
    lo, hi = cuts[0::2], cuts[1::2]
    assert spans(data, lo, hi).to_pylist() == [data[a:b].decode() for a, b in zip(lo.tolist(), hi.tolist())]


def test_cells_not_right_aligned(generated):
    """A SIZE/OFF not touching its cut: DEVICE/SIZE/OFF/NODE are then cut and stripped one by one
    (_right_aligned declines), with the same frame."""
    rows = generated.split("\n")
    hdr = lsof._header(rows[0])
    cut = hdr["cuts"][1]
    i = next(i for i, r in enumerate(rows[1:], 1) if len(r) > cut and r[cut - 3:cut].strip().isdigit())
    rows[i] = rows[i][:cut - 4] + rows[i][cut - 3:cut] + " " + rows[i][cut:]
    calls = []
    orig = lsof._right_aligned
    try:
        lsof._right_aligned = lambda *a: calls.append(orig(*a)) or calls[-1]
        same("\n".join(rows), must_be_fast=True)
        same(generated, must_be_fast=True)
    finally:
        lsof._right_aligned = orig
    assert calls[0] is False and calls[-1] is True


def test_two_words_in_a_right_aligned_cell(generated):
    """A DEVICE of two words ending at its cut: one 1 -> 0 step too many, so _right_aligned
    declines and the cells are cut one by one, with the line reader's frame."""
    rows = generated.split("\n")
    hdr = lsof._header(rows[0])
    cut = hdr["cuts"][0]
    i = next(i for i, r in enumerate(rows[1:], 1) if len(r) > cut and r[cut - 6:cut].strip() == r[cut - 6:cut])
    rows[i] = rows[i][:cut - 6] + "ab  cd" + rows[i][cut:]
    calls = []
    orig = lsof._right_aligned
    try:
        lsof._right_aligned = lambda *a: calls.append(orig(*a)) or calls[-1]
        same("\n".join(rows), must_be_fast=True)
    finally:
        lsof._right_aligned = orig
    assert calls and not any(calls)


def test_fd_type_not_one_word_each_side(generated):
    """FD and TYPE of one row moved right, past the column that is blank on every other row: FD
    and TYPE are then split from their whole region (as _fast does), with the same frame."""
    rows = generated.split("\n")
    hdr = lsof._header(rows[0])
    tc = hdr["type"]
    i = next(i for i, r in enumerate(rows[1:], 1) if r[tc - 3:tc] == "DIR")
    start = tc - 12
    rows[i] = rows[i][:start] + "3u DIR".rjust(12) + rows[i][tc:]
    same("\n".join(rows), must_be_fast=True)


@pytest.mark.parametrize("change", ["no final newline", "trailing blanks", "short last row"])
def test_names_at_the_end(generated, change):
    """NAME is cut before each newline in one slice: the last row without a newline, rows ending
    in blanks (right-trimmed) and a last row with a one-letter NAME give the line reader's frame."""
    rows = generated.rstrip("\n").split("\n")
    if change == "no final newline":
        text = "\n".join(rows)
    elif change == "trailing blanks":
        rows[3] += "   "
        rows[-1] += "  "
        text = "\n".join(rows) + "\n"
    else:
        text = "\n".join(rows[:-1] + [rows[-1][:lsof._header(rows[0])["name"] + 1]])
    same(text, must_be_fast=True)


def test_matrix_and_blank_columns():
    """_arrow.Lines.matrix (blank past each line's end, or only for lines shorter than *short*)
    and _arrow.blank_columns against plain Python."""
    import random

    import numpy as np

    from nettrace.parsers._arrow import Lines, blank_columns

    rnd = random.Random(5)
    for n in (1, 3, 64, 65, 300):
        text = "\n".join("".join(rnd.choice("ab  ") for _ in range(rnd.randrange(0, 20))) for _ in range(n))
        lines = Lines(text.encode())
        rows = text.split("\n")
        for width in (1, 8, 13, 24):
            m = lines.matrix(width)
            assert [bytes(r).decode() for r in m] == [r[:width].ljust(width) for r in rows]
            padded = [r[:width].ljust(width) for r in rows]
            assert blank_columns(m).tolist() == [all(c == " " for c in col) for col in zip(*padded)]
            part = lines.matrix(width, short=5)
            for r, got in zip(rows, part):
                assert bytes(got[:len(r)]).decode() == r[:width] or len(r) >= width
                if len(r) < 5:
                    assert bytes(got).decode() == r[:width].ljust(width)
    assert blank_columns(np.zeros((0, 5), np.uint8)).tolist() == [True] * 5


def test_processes_interleaved(generated):
    """Rows of the processes shuffled (too many runs of COMMAND PID USER: hashed instead), and a
    process listed in two runs, give the line reader's frame."""
    import random

    rows = generated.rstrip("\n").split("\n")
    body = rows[1:]
    random.Random(7).shuffle(body)
    same("\n".join([rows[0]] + body), must_be_fast=True)
    same("\n".join([rows[0]] + rows[200:400] + rows[1:200] + rows[400:]), must_be_fast=True)


@pytest.fixture(scope="module")
def grouped():
    """Few processes with many rows each: COMMAND PID USER are read by runs (``_runs``)."""
    return benchgen.lsof(3000, processes=40)[0]


def test_grouped_listing(grouped):
    rows = grouped.split("\n")
    rows[5] = rows[5].rstrip() + " caf\u00e9"
    rows[300] = "Gr\u00fc\u00dfe" + rows[300][5:]
    rows[301] = rows[301].rstrip() + "\x0c"
    same(grouped, must_be_fast=True)
    same("\n".join(rows), must_be_fast=True)


def test_runs_and_distinct_agree(grouped):
    """_runs and _distinct give the same values per row for COMMAND PID USER."""
    import numpy as np

    from nettrace.parsers._arrow import Lines

    head, _, rest = grouped.partition("\n")
    hdr = lsof._header(head)
    data = grouped.encode()
    lines = Lines(data, True, len(head) + 1, len(data.rstrip(b"\n")))
    m = lines.matrix(lsof._matrix_width(hdr), short=hdr["name"])
    norm = np.ones(lines.n, bool)
    norm[5] = False
    for cut in (20, 24, 31):
        runs, ridx = lsof._runs(m, cut, norm, str.split)
        uniq, uidx = lsof._distinct(m, 0, cut, norm, str.split)
        got = [runs[i] for i in ridx.tolist()]
        exp = [uniq[i] for i in uidx.tolist()]
        assert [g for g, ok in zip(got, norm) if ok] == [e for e, ok in zip(exp, norm) if ok]
        assert got[5] is None


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_lines_by_chunks(monkeypatch, chunk):
    """_arrow.Lines finds newlines and odd lines a chunk at a time: the same at any chunk size."""
    import random

    from nettrace.parsers import _arrow

    monkeypatch.setattr(_arrow, "_CHUNK", chunk)
    rnd = random.Random(chunk)
    text = ("\n" + "".join(rnd.choice("ab \n\n\t\x0c\u00e9") for _ in range(2000))).encode()
    lines = _arrow.Lines(text)
    rows = text.split(b"\n")
    assert lines.n == len(rows)
    assert lines.lens.tolist() == [len(r) for r in rows]
    assert lines.last.tolist() == [r[-1] if r else 10 for r in rows]
    assert lines.odd.tolist() == [i for i, r in enumerate(rows) if any(c < 32 or c >= 128 for c in r)]


def test_state_words_per_distinct_value():
    """``_state_words`` (the regex once per distinct text) agrees with the regex on every row,
    repeated and refused texts included."""
    import re

    import pyarrow as pa

    from nettrace.parsers import lsof as ls

    texts = ["LISTEN", "ESTABLISHED", "l", "A B", "LISTEN", "SYN_SENT", "X-1", "CLOSE_WAIT", "l", "9"] * 7
    got = ls._state_words(pa.array(texts, pa.large_string())).tolist()
    assert got == [re.fullmatch(r"[A-Z_0-9]+", t) is not None for t in texts]


@pytest.mark.parametrize("last", ["/dev/bpf", "/dev/bp", "/dev/bpf12", "/dev/bpfx  "])
def test_bpf_names_from_the_matrix(generated, last):
    """``_starts_bpf`` (NAME's first 8 bytes from the byte matrix) agrees with ``starts_with`` on
    CHR rows whose NAME is ``/dev/bpf`` exactly, shorter (the bytes past the line's end are the
    newline and the next line's), longer, or the listing's last line; and declines a matrix too
    narrow, where ``_derive_vec`` filters the names as before."""
    import numpy as np

    rows = [r for r in generated.split("\n") if r]
    chr_rows = [i for i, r in enumerate(rows) if " CHR " in r]
    nc = rows[0].index("NAME")
    for k, i in enumerate(chr_rows[:6]):
        rows[i] = rows[i][:nc] + ["/dev/bpf", "/dev/bp", "/dev/bpf3", "/dev/bpfA", "/dev/bp\u00e9f", "/dev/bpf"][k]
    rows.append(rows[chr_rows[0]][:nc] + last)
    text = "\n".join(rows)
    same(text, must_be_fast=True)
    same(text + "\n", must_be_fast=True)
    assert lsof._starts_bpf(np.zeros((3, nc + 7), np.uint8), np.full(3, nc + 8), nc) is None


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_right_aligned_by_chunks(generated, monkeypatch, chunk):
    """``_right_aligned`` checks and counts the region a few rows at a time: the same frame for any
    chunk size, also with odd rows, a misaligned cell (declined) and a short last chunk."""
    monkeypatch.setattr(lsof, "_CHUNK_ROWS", chunk)
    rows = generated.split("\n")[:1000]
    same("\n".join(rows), must_be_fast=True)
    odd = list(rows)
    odd[5] = odd[5].rstrip() + " caf\u00e9"
    odd[9] = "Gr\u00fc\u00dfe" + odd[9][5:]
    same("\n".join(odd), must_be_fast=True)
    cut = lsof._header(rows[0])["cuts"][0]
    i = next(i for i, r in enumerate(rows[1:], 1) if len(r) > cut and r[cut - 6:cut].strip() == r[cut - 6:cut])
    bad = list(rows)
    bad[i] = bad[i][:cut - 6] + "ab  cd" + bad[i][cut:]
    calls = []
    orig = lsof._right_aligned
    monkeypatch.setattr(lsof, "_right_aligned", lambda *a: calls.append(orig(*a)) or calls[-1])
    same("\n".join(bad), must_be_fast=True)
    assert calls and not any(calls)
