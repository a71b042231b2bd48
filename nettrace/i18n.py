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
import re
from datetime import timedelta, timezone
from functools import lru_cache
from importlib import resources

__all__ = ["t", "messages", "LANGS", "utc_offset", "parse_offset", "local_time"]

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


_TZ_RE = re.compile(r"^([+-])(\d\d):?(\d\d)$")


def utc_offset(value) -> timezone | None:
    """A UTC offset as the capture writes it (``date +%z``: ``+0800``; also ``+08:00``), or None
    when *value* is not one (absent, a zone name, or past what a clock can be: ``+9999``).

    >>> [str(utc_offset(v)) for v in ("+0800", "-03:30", "+9999", "Europe/Berlin")]
    ['UTC+08:00', 'UTC-03:30', 'None', 'None']
    """
    m = _TZ_RE.match(str(value or ""))
    if not m or int(m.group(2)) > 23 or int(m.group(3)) > 59:
        return None
    sign = -1 if m.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3))))


def parse_offset(tz: str | None) -> timezone:
    """``+0800`` → a fixed UTC offset (UTC when absent or unreadable: :func:`utc_offset`)."""
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

