"""``python -m tests.fakemac.make_samples`` (``make samples``): rebuild data/samples/ on the fake Mac.

For every ``tests/scenarios/<case>/`` with a ``scenario.env`` (except ``minimal``, which only the
capture tests use) the real capture script runs under dash with the scenario's ``FAKEMAC_ARGS``,
and the bundle is written to ``data/samples/<case>.tar.gz``. The fake clock starts at
``FAKEMAC_START``, so re-running changes little beyond timestamps. Cases may be shell patterns:
``python -m tests.fakemac.make_samples 'healthy-*'`` (``make samples CASES='healthy-*'``) rebuilds
only the healthy Macs.
"""
from __future__ import annotations

import argparse
import fnmatch
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from tests.fakemac.harness import SCENARIOS, read_scenario_env, run_capture

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
DEFAULT_ARGS = ["--duration", "8", "--interval", "3"]
SKIP = {"minimal"}


def scenarios(names: list[str] | None = None) -> list[Path]:
    found = sorted(p.parent for p in SCENARIOS.glob("*/scenario.env") if p.parent.name not in SKIP)
    return [p for p in found if not names or any(fnmatch.fnmatchcase(p.name, n) for n in names)]


def make_sample(scenario: Path, dest_dir: Path = SAMPLES) -> Path:
    args = shlex.split(read_scenario_env(scenario).get("FAKEMAC_ARGS", "")) or DEFAULT_ARGS
    with tempfile.TemporaryDirectory(prefix="nettrace-sample-") as tmp:
        result = run_capture(scenario, shell="dash", args=args, workdir=Path(tmp), timeout=600)
        if result.bundle_path is None:
            raise RuntimeError(f"{scenario.name}: capture failed (exit {result.returncode}):\n{result.stderr}")
        dest_dir.mkdir(parents=True, exist_ok=True)
        dest = dest_dir / f"{scenario.name}.tar.gz"
        shutil.copyfile(result.bundle_path, dest)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fakemac.make_samples", description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="scenario folder names or shell patterns such as 'healthy-*' (default: all)")
    parser.add_argument("--dest", type=Path, default=SAMPLES, help="where to write (default: data/samples)")
    args = parser.parse_args(argv)
    todo = scenarios(args.cases)
    if not todo:
        print("no scenarios with a scenario.env under tests/scenarios/", file=sys.stderr)
        return 1
    for scenario in todo:
        print(make_sample(scenario, args.dest))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
