"""The layers import one way: every ``import`` in ``nettrace/``, read with ``ast``, against the layer
table in docs/design.md ("Which module may import which"), the one place the order is written."""
from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "nettrace"
DESIGN = ROOT / "docs" / "design.md"


def layer_table() -> dict[str, int]:
    """``{module name: layer}`` from the table's rows ``| N | `mod` `mod` | … |``."""
    section = DESIGN.read_text(encoding="utf-8").split("## Which module may import which", 1)[1]
    section = section.split("\n## ", 1)[0]
    table = {}
    for line in section.splitlines():
        m = re.match(r"^\|\s*(\d+)\s*\|([^|]*)\|", line)
        if m:
            for name in re.findall(r"`([\w.]+)`", m.group(2)):
                table[name] = int(m.group(1))
    return table


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@lru_cache(maxsize=None)
def imports(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` for every nettrace import in *path*, at any depth (lazy imports count)."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod == "nettrace":  # `from nettrace import graph` is the submodule, else the facade
                out += [(node.lineno, f"nettrace.{a.name}" if (PACKAGE / a.name).with_suffix(".py").exists()
                         or (PACKAGE / a.name).is_dir() else "nettrace") for a in node.names]
            else:
                out.append((node.lineno, mod))
    return [(n, m) for n, m in out if m == "nettrace" or m.startswith("nettrace.")]


def layer_of(module: str, table: dict[str, int]) -> int | None:
    if module == "nettrace":
        return table.get("nettrace")
    best = None
    for name, layer in table.items():
        if name != "nettrace" and (module == name or module.startswith(name + ".")):
            if best is None or len(name) > len(best[0]):
                best = (name, layer)
    return best[1] if best else None


def sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_table_places_every_module():
    table = layer_table()
    assert len(table) >= 15 and table["nettrace.cli"] == max(table.values()), table
    unplaced = [module_name(p) for p in sources() if layer_of(module_name(p), table) is None]
    assert not unplaced, (f"modules with no layer: {unplaced}; add them to the table in docs/design.md "
                          "('Which module may import which')")


def test_no_module_imports_a_higher_layer():
    table = layer_table()
    upward = []
    for path in sources():
        here = module_name(path)
        mine = layer_of(here, table)
        for line, mod in imports(path):
            theirs = layer_of(mod, table)
            if mine is not None and theirs is not None and theirs > mine:
                upward.append(f"{path.relative_to(ROOT)}:{line}: {here} (layer {mine}) imports {mod} (layer {theirs})")
    assert not upward, "imports against the layer order (docs/design.md):\n" + "\n".join(upward)


def test_only_the_cli_imports_the_cli():
    outside = [f"{p.relative_to(ROOT)}:{line}" for p in sources()
               if not module_name(p).startswith("nettrace.cli") and module_name(p) != "nettrace.__main__"
               for line, mod in imports(p) if mod == "nettrace.cli" or mod.startswith("nettrace.cli.")]
    assert not outside, f"the library imports the CLI: {outside}"


def test_the_reader_sees_lazy_relative_and_from_imports(tmp_path):
    """The checker itself: an import inside a function, a relative one and `from nettrace import x`."""
    probe = PACKAGE / "rules" / "__init__.py"
    found = {m for _, m in imports(probe)}
    assert {"nettrace.findings", "nettrace.graph", "nettrace.facts"} <= found  # top-level and lazy ones
    assert {m for _, m in imports(PACKAGE / "parsers" / "dig.py")} >= {"nettrace.parsers._schema"}  # relative
    assert layer_of("nettrace.parsers.lsof", layer_table()) == layer_table()["nettrace.parsers"]
