"""What the sub-commands share: the options every one spells the same way, opening a bundle with a
one-line error, and writing output to stdout or ``-o FILE``.

Only the standard library at module level: ``nettrace --help`` imports every sub-command module.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

from nettrace.errors import BundleError, NettraceError
from nettrace.i18n import LANGS

__all__ = ["add_bundle", "add_format", "add_lang", "add_output", "open_bundle", "output", "write_table", "LANGS"]


def add_bundle(p, dest: str = "bundle", help: str = "a nettrace-*.tar.gz bundle or its unpacked folder") -> None:
    """The positional bundle path (``BUNDLE``); *dest* names it when a command takes two."""
    p.add_argument(dest, metavar=dest.upper(), help=help)


def add_format(p, choices: tuple[str, ...], default: str | None = None) -> None:
    """``--format`` with *choices*; the first is the default unless *default* says otherwise."""
    p.add_argument("--format", choices=choices, default=default or choices[0],
                   help=f"output format (default: {default or choices[0]})")


def add_lang(p, checked: bool = True) -> None:
    """``--lang en|zh``: the language of titles, summaries and sentences. ``checked=False`` leaves the
    check to the library (``report`` names a bad language in its one-line error, exit 1)."""
    p.add_argument("--lang", choices=LANGS if checked else None, default="en", metavar=None if checked else "LANG",
                   help=f"language of titles and summaries: {' or '.join(LANGS)} (default: en)")


def add_output(p, metavar: str = "FILE", help: str = "write to FILE instead of stdout", default=None) -> None:
    """``-o/--output``."""
    p.add_argument("-o", "--output", metavar=metavar, default=default, help=help)


def open_bundle(path: str):
    """:func:`nettrace.load`, with every failure turned into a one-line :class:`NettraceError`."""
    from nettrace.bundle import load

    try:
        return load(path)
    except BundleError:
        raise
    except OSError as exc:
        raise NettraceError(f"{path}: {exc.strerror or exc}") from None


@contextmanager
def output(path: str | None):
    """Yield a text stream: the file at *path*, or stdout; the path is printed last, like the other commands."""
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
    print(str(target))


def write_table(fh, df, fmt: str, text) -> None:
    """A frame as ``--format csv`` (with a header), ``json`` (records, ISO times, one line) or
    text, which *text(df)* renders the way the calling command wants."""
    if fmt == "csv":
        df.to_csv(fh, index=False)
    elif fmt == "json":
        fh.write(df.to_json(orient="records", date_format="iso", force_ascii=False))
        fh.write("\n")
    else:
        fh.write(text(df))

