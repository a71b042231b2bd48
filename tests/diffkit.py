"""Scenario pairs for ``nettrace diff``: an "after" (or "before") Mac derived from an existing scenario.

A folder ``tests/scenarios/diff-<case>/`` is an *overlay*, not a whole scenario:

- ``BASE`` — the name of the scenario it starts from (one line);
- ``REMOVE`` — base files to drop, one name a line (the numbered ``netstat_-rn.N.out`` a
  replacement ``netstat_-rn.out`` supersedes, probes to a gateway that is gone);
- ``overlay.env`` — ``KEY=VALUE`` lines that override the base's ``scenario.env`` (the fake clock,
  the capture flags);
- every other file replaces (or adds) the base file of the same name;
- ``SOURCES.md`` — which lines are real and which composed.

Having no ``scenario.env`` of its own, an overlay is not a sample (``make samples`` skips it).
:func:`materialize` writes the whole scenario into a folder; :func:`capture_overlay` runs the real
capture script on it with the fake Mac and returns the bundle path.
"""
from __future__ import annotations

import shlex
import shutil
from pathlib import Path

from tests.fakemac.harness import SCENARIOS, read_scenario_env, run_capture

__all__ = ["materialize", "capture_overlay", "capture_scenario", "OVERLAY_META"]

OVERLAY_META = ("BASE", "REMOVE", "overlay.env", "SOURCES.md")


def materialize(overlay: str | Path, dest: Path) -> Path:
    """Write the scenario *overlay* describes (its base, minus REMOVE, plus its files) into *dest*."""
    overlay = Path(overlay) if Path(overlay).is_absolute() else SCENARIOS / overlay
    base = SCENARIOS / (overlay / "BASE").read_text(encoding="utf-8").strip()
    if not (base / "scenario.env").is_file():
        raise FileNotFoundError(f"{overlay.name}: base scenario {base.name} has no scenario.env")
    remove = set()
    if (overlay / "REMOVE").is_file():
        remove = {ln.strip() for ln in (overlay / "REMOVE").read_text(encoding="utf-8").splitlines() if ln.strip()}
    dest.mkdir(parents=True, exist_ok=True)
    for f in sorted(base.iterdir()):
        if f.is_file() and f.name not in remove and f.name != "SOURCES.md":
            shutil.copyfile(f, dest / f.name)
    for f in sorted(overlay.iterdir()):
        if f.is_file() and f.name not in OVERLAY_META:
            shutil.copyfile(f, dest / f.name)
    env = read_scenario_env(base)
    env.update(read_scenario_env_file(overlay / "overlay.env"))
    (dest / "scenario.env").write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in env.items()), encoding="utf-8")
    return dest


def read_scenario_env_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    tmp_env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        for word in shlex.split(line, comments=True):
            if "=" in word:
                k, v = word.split("=", 1)
                tmp_env[k] = v
    return tmp_env


def capture_scenario(scenario: Path, workdir: Path) -> Path:
    """Run the capture on *scenario* with its own FAKEMAC_ARGS; the bundle's path."""
    args = shlex.split(read_scenario_env(scenario).get("FAKEMAC_ARGS", "--duration 4"))
    r = run_capture(scenario, args=args, workdir=workdir)
    if r.returncode != 0 or r.bundle_path is None:
        raise RuntimeError(f"capture of {scenario.name} failed ({r.returncode}): {r.stderr[-2000:]}")
    return r.bundle_path


def capture_overlay(overlay: str, workdir: Path) -> Path:
    """Materialize *overlay* under *workdir* and capture it; the bundle's path."""
    scen = materialize(overlay, workdir / f"{overlay}.scenario")
    return capture_scenario(scen, workdir / overlay)
