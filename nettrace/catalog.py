"""The command catalog: one declarative table read by the capture script, the manifest and the loader.

The table lives in ``nettrace/data/catalog.tsv`` (tab-separated so that a POSIX shell can read it
with ``IFS=<tab> read``). The capture script embeds the same rows between two marker lines;
:func:`embedded_block` renders them and ``tests/test_catalog.py`` fails when the script and the
table disagree (``make catalog`` rewrites the block).

Examples
--------
>>> spec = get("netstat_routes")
>>> spec.argv, spec.parser, spec.kind
(('netstat', '-rn'), 'netstat_routes', 'snapshot')
>>> "periodic" in spec.phases
True
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["CommandSpec", "load_catalog", "get", "embedded_block", "BEGIN_MARK", "END_MARK"]

KINDS = ("snapshot", "stream", "probe", "log")
ROOT_MODES = ("no", "yes", "both")
BEGIN_MARK = "# >>> catalog (generated from nettrace/data/catalog.tsv; do not edit by hand) >>>"
END_MARK = "# <<< catalog <<<"


@dataclass(frozen=True)
class CommandSpec:
    """One evidence item of the catalog."""

    name: str
    kind: str
    phases: tuple[str, ...]
    root: str
    timeout: int
    parser: str
    argv: tuple[str, ...]

    @property
    def needs_root(self) -> bool:
        return self.root == "yes"

    @property
    def command(self) -> str:
        """The argv as one display string, e.g. ``netstat -rn``."""
        return " ".join(self.argv)


def _parse_rows(text: str) -> list[CommandSpec]:
    specs: list[CommandSpec] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 7:
            raise ValueError(f"catalog.tsv line {n}: expected 7 tab-separated fields, got {len(fields)}")
        if "" in fields:  # the script splits rows on tabs, which drops an empty field (docs/design.md)
            raise ValueError(f"catalog.tsv line {n}: field {fields.index('') + 1} is empty")
        name, kind, phases, root, timeout, parser, argv = fields
        if kind not in KINDS:
            raise ValueError(f"catalog.tsv line {n}: unknown kind {kind!r}")
        if root not in ROOT_MODES:
            raise ValueError(f"catalog.tsv line {n}: unknown root mode {root!r}")
        specs.append(CommandSpec(name, kind, tuple(phases.split(",")), root, int(timeout), parser,
                                 tuple(argv.split(" "))))
    names = [s.name for s in specs]
    if len(names) != len(set(names)):
        raise ValueError("catalog.tsv: duplicate names")
    return specs


def catalog_text() -> str:
    return resources.files("nettrace").joinpath("data/catalog.tsv").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_catalog() -> tuple[CommandSpec, ...]:
    """All catalog rows, in capture order."""
    return tuple(_parse_rows(catalog_text()))


def get(name: str) -> CommandSpec:
    """The catalog row called *name* (KeyError if there is none)."""
    for spec in load_catalog():
        if spec.name == name:
            return spec
    raise KeyError(name)


def embedded_block() -> str:
    """The catalog rows as the capture script embeds them: one single-quoted assignment between the
    markers (no here-document: bash 3.2 and zsh write those to /tmp whatever TMPDIR says)."""
    rows = [line for line in catalog_text().splitlines() if line and not line.startswith("#")]
    if any("'" in row for row in rows):
        raise ValueError("catalog.tsv rows cannot hold a single quote (the script embeds them in '...')")
    return "\n".join([BEGIN_MARK, "CATALOG='", *rows, "'", END_MARK])
