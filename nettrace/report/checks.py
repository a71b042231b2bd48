"""Everything ``render_report`` checks before papermill starts, each failure one line.

A report that cannot succeed fails here, in well under a second, with a sentence that names the
problem and what to do — never a traceback, never a class name, never a half-written folder:
the language and formats, the bundle (loaded once: the notebook reuses it in-process), the
incident window, the output folder (a file, unwritable, or already holding a postmortem without
``force``) and whether a font covers the language's figure text (a warning, not an error).
"""
from __future__ import annotations

import os
from pathlib import Path

from nettrace.errors import BundleError, NettraceError

__all__ = ["formats", "language", "bundle", "utc_time", "window", "output_folder", "font_warning"]

FORMATS = ("html", "md")


def formats(value) -> list[str]:
    """``"html,md"`` or an iterable → the list of formats; an unknown one is an error."""
    items = value.split(",") if isinstance(value, str) else list(value)
    out = [f.strip() for f in items if f.strip()]
    bad = [f for f in out if f not in FORMATS]
    if bad:
        raise NettraceError(f"unknown format {bad[0]!r}; choose html, md or both (html,md)")
    if not out:
        raise NettraceError("no format given; choose html, md or both (html,md)")
    return out


def language(lang: str) -> str:
    from nettrace.i18n import LANGS

    if lang not in LANGS:
        raise NettraceError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return lang


def bundle(path):
    """The loaded bundle at *path* (also kept for the notebook: :func:`explore.load` caches it)."""
    import tarfile

    from nettrace.report.explore import load

    path = Path(path).expanduser().resolve()
    if not path.exists():
        raise NettraceError(f"{path}: no such bundle; give a nettrace-*.tar.gz or its unpacked folder")
    if path.is_file():
        try:
            ok = tarfile.is_tarfile(path)
        except OSError as exc:
            raise NettraceError(f"{path}: cannot read: {exc.strerror or exc}") from None
        if not ok:
            raise NettraceError(f"{path}: not a bundle (expected a nettrace-*.tar.gz or its folder)")
    elif not os.access(path, os.R_OK | os.X_OK):
        raise NettraceError(f"{path}: cannot read the folder")
    try:
        return load(path)
    except BundleError as exc:
        raise NettraceError(str(exc)) from None
    except OSError as exc:
        raise NettraceError(f"{path}: cannot read: {exc.strerror or exc}") from None


def utc_time(value, flag: str):
    """*value* as a UTC :class:`pandas.Timestamp` (None when empty); *flag* names it in errors.

    >>> str(utc_time("2025-12-28T02:15:00Z", "--incident-start"))
    '2025-12-28 02:15:00+00:00'
    >>> utc_time("yesterday", "--incident-start")
    Traceback (most recent call last):
    nettrace.errors.NettraceError: --incident-start 'yesterday' is not a time; give a UTC time like 2025-12-28T02:15:00Z
    """
    import pandas as pd

    if value in (None, ""):
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        stamp = None
    if stamp is None or pd.isna(stamp):
        raise NettraceError(f"{flag} {value!r} is not a time; give a UTC time like 2025-12-28T02:15:00Z")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def window(start, end) -> tuple[str, str]:
    """The incident window as ISO UTC strings ("" when open); start after end is an error."""
    a, b = utc_time(start, "--incident-start"), utc_time(end, "--incident-end")
    if a is not None and b is not None and a > b:
        raise NettraceError(f"--incident-start {start!r} is after --incident-end {end!r}; swap them")
    iso = (lambda t: "" if t is None else t.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return iso(a), iso(b)


def output_folder(out_dir, will_write: list[str], force: bool = False) -> tuple[Path, bool]:
    """``(folder, created)``: *out_dir* made if missing; an error when it is a file, cannot be
    made or written, or already holds one of *will_write* (relative paths) without *force*."""
    out = Path(out_dir).expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise NettraceError(f"-o {out}: is a file, not a folder; give a folder to write the report into")
    created = False
    if not out.exists():
        try:
            out.mkdir(parents=True)
        except OSError as exc:
            raise NettraceError(f"-o {out}: cannot create the folder: {exc.strerror or exc}") from None
        created = True
    if not os.access(out, os.W_OK | os.X_OK):
        raise NettraceError(f"-o {out}: cannot write into the folder; choose another with -o")
    held = [name for name in will_write if (out / name).exists()]
    if held and not force:
        raise NettraceError(f"-o {out} already holds a postmortem ({held[0]}); add --force to replace it "
                            f"or choose another folder with -o")
    return out, created


def font_warning(lang: str) -> str | None:
    """One line when no installed font covers *lang*'s figure text (they fall back to English)."""
    from nettrace.report.figures import missing_font

    return missing_font(lang)
