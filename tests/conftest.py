"""Shared test fixtures.

Real macOS outputs live in ``../shared/`` beside the project (corpus and seeds). They keep their
authors' licences, so they are read from there and never copied; tests that need them skip cleanly
when the folder is absent, as in a user's clone.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NETTRACE_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"
SCENARIOS = ROOT / "tests" / "scenarios"
SAMPLES = ROOT / "data" / "samples"


def corpus_files(command: str, suffix: str = ".out") -> list[Path]:
    """Every corpus file of *command* (a folder of ``../shared/corpus/``); [] when absent."""
    folder = CORPUS / command
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"*{suffix}"))


def corpus_text(command: str, name: str) -> str:
    """The text of one corpus file, or skip the test when ``../shared/`` is absent."""
    path = CORPUS / command / name
    if not path.is_file():
        pytest.skip(f"corpus file {command}/{name} not available (../shared/ absent)")
    return path.read_text(encoding="utf-8", errors="replace")


def seed_text(prefix: str) -> str:
    """The text of seed ``<prefix>_*.txt``, or skip when ``../shared/`` is absent."""
    found = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip(f"seed {prefix} not available (../shared/ absent)")
    return found[0].read_text(encoding="utf-8")


@pytest.fixture
def corpus():
    return corpus_text


@pytest.fixture(scope="session")
def diff_bundles(tmp_path_factory):
    """The scenario pairs of ``nettrace diff`` (tests/test_diff*.py), captured once per session on the
    fake Mac, in parallel; the bases are the committed samples. name -> loaded bundle."""
    from concurrent.futures import ThreadPoolExecutor

    import nettrace
    from tests.diffkit import capture_overlay, capture_scenario

    work = tmp_path_factory.mktemp("diff")
    with ThreadPoolExecutor(4) as pool:
        jobs = {"zerotier_removed": pool.submit(capture_overlay, "diff-000-zerotier-removed", work),
                "openconnect_connected": pool.submit(capture_overlay, "diff-004-openconnect-connected", work),
                "tailscale_removed": pool.submit(capture_overlay, "diff-healthy-tailscale-removed", work),
                "healthy_again": pool.submit(capture_scenario, SCENARIOS / "healthy-wifi-only", work / "healthy")}
        paths = {k: f.result() for k, f in jobs.items()}
    paths.update(zerotier=SAMPLES / "000-zerotier-loopback-default.tar.gz",
                 openconnect_after=SAMPLES / "004-openconnect-residue.tar.gz",
                 healthy=SAMPLES / "healthy-wifi-only.tar.gz",
                 overlays=SAMPLES / "healthy-overlays-zerotier-tailscale.tar.gz")
    return {k: nettrace.load(p) for k, p in paths.items()}
