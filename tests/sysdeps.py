"""System packages that some tests need (Chromium, a CJK font, Jekyll, zsh, busybox, ...).

``need("zsh")`` returns the path of a program. When it is missing and the tests run as root, it is
installed with ``apt-get install -y PACKAGE`` (once per test session, ``apt-get update`` first if the
install fails); otherwise, or when the install fails, the calling test is skipped with the reason.
This is the one place tests install system packages, so ``make test`` on a fresh machine as root
gets what it needs and a user's clone without root skips cleanly.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess

import pytest

__all__ = ["need", "apt_install"]

_ENV = dict(os.environ, DEBIAN_FRONTEND="noninteractive")


@functools.cache
def _updated() -> bool:
    r = subprocess.run(["apt-get", "update", "-q"], capture_output=True, text=True, env=_ENV, timeout=900)
    return r.returncode == 0


@functools.cache
def apt_install(package: str) -> str | None:
    """Install a Debian *package* as root; ``None`` when done, else a one-line reason."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return f"{package} is not installed and the tests do not run as root with apt-get"
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", package]
    r = subprocess.run(cmd, capture_output=True, text=True, env=_ENV, timeout=1800)
    if r.returncode != 0 and _updated():
        r = subprocess.run(cmd, capture_output=True, text=True, env=_ENV, timeout=1800)
    if r.returncode != 0:
        last = (r.stderr or r.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"apt-get install {package} failed: {last[0]}"
    return None


def need(program: str, package: str | None = None) -> str:
    """The path of *program*, installing Debian *package* (default: same name) when root; else skip."""
    found = shutil.which(program) or (f"/usr/bin/{program}" if os.path.exists(f"/usr/bin/{program}") else None)
    if found:
        return found
    why = apt_install(package or program)
    found = shutil.which(program) or (f"/usr/bin/{program}" if os.path.exists(f"/usr/bin/{program}") else None)
    if found:
        return found
    pytest.skip(why or f"{program} not found after installing {package or program}")
