"""The capture side: the POSIX shell script that runs on the Mac, and its catalog block.

The script is ``nettrace/capture/nettrace-capture.sh``; it embeds the rows of
``nettrace/data/catalog.tsv`` between :data:`nettrace.catalog.BEGIN_MARK` and
:data:`nettrace.catalog.END_MARK`. ``python -m nettrace.capture --sync`` rewrites that block,
``--check`` exits 1 when it is stale.

>>> script_text().startswith("#!/bin/sh")
True
>>> is_in_sync()
True
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from nettrace.catalog import BEGIN_MARK, END_MARK, embedded_block

__all__ = ["script_path", "script_text", "synced_text", "is_in_sync", "sync"]

SCRIPT_NAME = "nettrace-capture.sh"


def script_path() -> Path:
    """Where the capture script lives inside the installed package."""
    return Path(str(resources.files("nettrace.capture").joinpath(SCRIPT_NAME)))


def script_text() -> str:
    """The capture script, exactly as shipped."""
    return script_path().read_text(encoding="utf-8")


def synced_text(text: str | None = None) -> str:
    """*text* (default: the script) with its catalog block regenerated from catalog.tsv."""
    text = script_text() if text is None else text
    start = text.index(BEGIN_MARK)
    end = text.index(END_MARK, start) + len(END_MARK)
    return text[:start] + embedded_block() + text[end:]


def is_in_sync() -> bool:
    """True when the script's embedded catalog equals catalog.tsv."""
    return synced_text() == script_text()


def sync() -> bool:
    """Rewrite the embedded catalog; True when the file changed."""
    new = synced_text()
    if new == script_text():
        return False
    script_path().write_text(new, encoding="utf-8")
    return True
