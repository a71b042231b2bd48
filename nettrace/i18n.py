"""Message catalog: every sentence a person reads, in English and Chinese.

Messages live in ``nettrace/data/messages/<area>.<lang>.json`` (flat ``{key: template}``; areas
such as ``findings`` and ``report`` are merged). Templates use ``str.format`` fields. Findings and
report code pass keys and parameters, never prose, so a second language is one more file.

Examples
--------
>>> t("severity.critical", "en"), t("severity.critical", "zh")
('critical', '严重')
"""
from __future__ import annotations

import json
from datetime import timezone
from functools import lru_cache
from importlib import resources

from nettrace.model import utc_offset

__all__ = ["t", "messages", "LANGS", "parse_offset", "local_time"]

LANGS = ("en", "zh")


@lru_cache(maxsize=None)
def messages(lang: str) -> dict[str, str]:
    """All templates of *lang*, merged over every area file."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    merged: dict[str, str] = {}
    folder = resources.files("nettrace").joinpath("data/messages")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(f".{lang}.json"):
            merged.update(json.loads(entry.read_text(encoding="utf-8")))
    return merged


class _SafeDict(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def t(key: str, lang: str = "en", /, **params) -> str:
    """The template *key* in *lang*, formatted with *params* (a missing key raises KeyError)."""
    template = messages(lang)[key]
    return template.format_map(_SafeDict(params)) if params else template


def parse_offset(tz: str | None) -> timezone:
    """``+0800`` → a fixed UTC offset (UTC when absent or unreadable: :func:`nettrace.model.utc_offset`)."""
    return utc_offset(tz) or timezone.utc


def local_time(ts, tz: str | None) -> str:
    """A UTC time in the capture's offset, as every human-facing output shows it.

    >>> local_time("2025-12-28T02:15:27Z", "+0800")
    '2025-12-28 10:15:27 +0800'
    >>> local_time("2025-12-28T02:15:27Z", None)
    '2025-12-28 02:15:27 UTC'
    >>> local_time("2025-12-28T02:15:27Z", "Europe/Berlin")  # not an offset: shown in UTC, and said so
    '2025-12-28 02:15:27 UTC'
    """
    import pandas as pd

    if ts is None or ts == "" or (not isinstance(ts, str) and pd.isna(ts)):
        return ""
    stamp = pd.Timestamp(ts)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    offset = utc_offset(tz)
    return stamp.tz_convert(offset or timezone.utc).strftime("%Y-%m-%d %H:%M:%S ") + (tz if offset else "UTC")

