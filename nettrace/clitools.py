"""Helpers shared by the sub-commands: open a bundle with a one-line error, write output."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from nettrace.errors import NettraceError

__all__ = ["open_bundle", "output", "add_bundle_argument"]


def add_bundle_argument(p) -> None:
    p.add_argument("bundle", help="a nettrace-*.tar.gz bundle or its unpacked folder")


def open_bundle(path: str):
    from nettrace.bundle import BundleError, load

    try:
        return load(path)
    except BundleError as exc:
        raise NettraceError(str(exc)) from None
    except OSError as exc:
        raise NettraceError(f"{path}: {exc.strerror or exc}") from None


@contextmanager
def output(path: str | None):
    """Yield a text stream: the file at *path*, or stdout."""
    if not path or path == "-":
        yield sys.stdout
        return
    target = Path(path)
    try:
        fh = open(target, "w", encoding="utf-8")
    except OSError as exc:
        raise NettraceError(f"cannot write {target}: {exc.strerror}") from None
    with fh:
        yield fh
    print(str(target))  # the path, last, like the other commands
