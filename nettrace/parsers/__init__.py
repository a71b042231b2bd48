"""One parser module per command: ``parse(text, warnings=None)`` → DataFrame (or dict of frames).

Every parser module in this package follows the same shape (after jc's parsers):

- a module docstring: the command(s) it reads, a short real example, what it does with odd lines;
- ``SCHEMAS``: ``{frame name: Schema}`` — the frames it returns, with typed, documented columns;
- ``JC_NOTES``: list of strings, where our reading and jc's differ and who is right (may be empty);
- ``parse(text: str, warnings: list | None = None)``: returns a DataFrame when the module has one
  schema, else a dict ``{frame name: DataFrame}`` with every schema's frame present. It never
  raises on bad input: unknown or broken lines are skipped and reported as
  ``warnings.append((line_number, message))`` (line numbers are 1-based in *text*).

The loader finds a file's parser through the catalog's ``parser`` column, via :func:`get_parser`;
:data:`PARSER_NAMES` is that column, read from ``nettrace/data/catalog.tsv``.

>>> PARSER_NAMES[:3]
('sw_vers', 'uname', 'sysctl')
>>> get_parser("netstat_routes").SCHEMAS["routes"].columns[0].name
'family'
"""
from __future__ import annotations

import importlib
from types import ModuleType

import pandas as pd

from nettrace.catalog import load_catalog

from ._schema import Column, Schema, warn

__all__ = ["get_parser", "parse_as_frames", "Column", "Schema", "warn", "PARSER_NAMES"]

# Every parser module the catalog names (its ``parser`` column), in catalog order: the catalog is
# the only list, so a new command's parser is registered by its catalog row.
PARSER_NAMES = tuple(dict.fromkeys(spec.parser for spec in load_catalog()))


def get_parser(name: str) -> ModuleType:
    """The parser module called *name* (``nettrace.parsers.<name>``)."""
    if name not in PARSER_NAMES:
        raise KeyError(f"no parser called {name!r}")
    return importlib.import_module(f"{__name__}.{name}")


def parse_as_frames(name: str, text: str, warnings: list | None = None) -> dict[str, pd.DataFrame]:
    """Run parser *name* on *text* and always return ``{frame name: DataFrame}``."""
    mod = get_parser(name)
    out = mod.parse(text, warnings=warnings)
    if isinstance(out, pd.DataFrame):
        (frame_name,) = mod.SCHEMAS
        return {frame_name: out}
    return dict(out)
