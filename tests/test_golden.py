"""Every golden pair (``tests/golden/<parser>/<name>.out`` beside ``<name>.json``) parses to its
committed frames and warnings. Regenerate after a deliberate change with
``python -m tests.golden --update PARSER`` and review the diff (see tests/golden/__init__.py)."""
from __future__ import annotations

import pytest

from nettrace.parsers import PARSER_NAMES
from tests.golden import GOLDEN, actual, expected, expected_path, pairs

PAIRS = pairs()


@pytest.mark.parametrize("parser,path", PAIRS, ids=[f"{p}/{path.stem}" for p, path in PAIRS])
def test_golden_output(parser, path):
    assert expected_path(path).exists(), f"no {expected_path(path).name}: run python -m tests.golden --update {parser}"
    want = expected(path)
    got = actual(parser, path)
    assert got["warnings"] == want["warnings"]
    assert list(got["frames"]) == list(want["frames"])
    for name, rows in want["frames"].items():
        assert len(got["frames"][name]) == len(rows), name
        for i, (g, w) in enumerate(zip(got["frames"][name], rows)):
            assert g == w, f"{name} row {i}"


def test_every_golden_folder_is_a_parser_and_every_expectation_has_an_input():
    folders = {p.name for p in GOLDEN.iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert folders <= set(PARSER_NAMES)
    orphans = [j for j in GOLDEN.glob("*/*.json") if not j.with_suffix(".out").exists()]
    assert orphans == []
