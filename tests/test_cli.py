"""The command line's shape: every sub-command registered, cheap to start, errors as one line."""
from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

import nettrace.cli as cli
from nettrace.cli import main
from tests.test_samples import SAMPLES

S000 = str(SAMPLES / "000-zerotier-loopback-default.tar.gz")
HEAVY = ("pandas", "numpy", "networkx", "matplotlib", "pyarrow", "papermill")


def test_every_cli_module_is_a_registered_subcommand_of_the_documented_shape():
    modules = {m.name for m in pkgutil.iter_modules(cli.__path__) if m.name != "common"}
    registered = {modname.rsplit(".", 1)[1] for modname in cli.SUBCOMMANDS.values()}
    assert modules <= registered, f"modules in nettrace/cli/ not in SUBCOMMANDS: {modules - registered}"
    for name, modname in cli.SUBCOMMANDS.items():
        try:
            mod = importlib.import_module(modname)
        except ModuleNotFoundError:
            continue  # registered by a colleague whose module has not landed yet
        assert isinstance(mod.HELP, str) and "\n" not in mod.HELP, name
        assert callable(mod.add_arguments) and callable(mod.run), name


@pytest.mark.parametrize("argv", [["--help"], ["analyze"], ["analyze", "--help"], ["explain", S000, "--format", "xml"]])
def test_help_and_usage_errors_load_no_analysis_library(argv):
    code = ("import sys, runpy; sys.argv = ['nettrace', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('nettrace', run_name='__main__')\n"
            "except SystemExit as e:\n    code = e.code\n"
            f"print('LOADED', sorted(m for m in {HEAVY!r} if m in sys.modules), code, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=60)
    last = out.stderr.strip().splitlines()[-1]
    want_code = 0 if "--help" in argv else 2
    assert last == f"LOADED [] {want_code}", out.stderr


def test_argument_errors_exit_2_with_usage(capsys):
    with pytest.raises(SystemExit) as e:
        main(["analyze", S000, "--lang", "fr"])
    assert e.value.code == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_library_errors_are_one_line_and_exit_1(tmp_path, capsys):
    assert main(["verify", str(tmp_path / "nope.tar.gz")]) == 1
    (tmp_path / "x.tar.gz").write_bytes(b"not a tarball")
    assert main(["frames", str(tmp_path / "x.tar.gz")]) == 1
    assert main(["analyze", S000, "-o", str(tmp_path / "no" / "such" / "dir.txt")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3
    assert err[0].startswith("nettrace verify: error: ") and "no such file or folder" in err[0]
    assert err[1].startswith("nettrace frames: error: ") and "not a tar.gz bundle" in err[1]
    assert err[2].startswith("nettrace analyze: error: cannot write ")


def test_analyze_json_keeps_its_schema(capsys):
    assert main(["analyze", S000, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc)[:2] == ["bundle", "findings"]  # fields may be added (skipped, facts), never removed
    assert {"name", "host", "macos", "started_at", "ended_at", "timezone", "root", "interrupted",
            "default_gateway", "warnings"} <= set(doc["bundle"])
    f = doc["findings"][0]
    assert {"id", "severity", "title", "summary", "culprit", "evidence", "remedy"} <= set(f)
    assert {"pid", "name", "executable", "product"} <= set(f["culprit"])
    assert {"file", "line", "timestamp", "text"} <= set(f["evidence"][0])
    assert {"command", "changes_system", "why"} <= set(f["remedy"][0])
    assert f["culprit"]["product"] == "ZeroTier"


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "capture-script" in capsys.readouterr().out
