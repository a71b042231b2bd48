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
