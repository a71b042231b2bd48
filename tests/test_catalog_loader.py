"""The catalog is the single source: every row has a parser whose frames the loader knows, and
the generated docs match the code."""
from __future__ import annotations

from pathlib import Path

from nettrace import catalog
from nettrace.parsers import PARSER_NAMES, get_parser
from nettrace.parsers.docs import render

ROOT = Path(__file__).resolve().parents[1]


def test_every_catalog_row_names_a_parser_module_with_schemas():
    for spec in catalog.load_catalog():
        assert spec.parser in PARSER_NAMES, spec.name
        mod = get_parser(spec.parser)
        assert mod.SCHEMAS and callable(mod.parse), spec.name


def test_every_parser_returns_its_schemas_on_empty_input():
    for name in PARSER_NAMES:
        mod = get_parser(name)
        out = mod.parse("", warnings=[])
        frames = {next(iter(mod.SCHEMAS)): out} if hasattr(out, "columns") else out
        assert set(frames) == set(mod.SCHEMAS), name
        for fname, df in frames.items():
            assert mod.SCHEMAS[fname].check(df) == [], (name, fname)
            assert "line" in df.columns, (name, fname)


def test_docs_parsers_md_is_current():
    assert (ROOT / "docs" / "parsers.md").read_text(encoding="utf-8") == render(), \
        "docs/parsers.md is stale: run `make docs`"
