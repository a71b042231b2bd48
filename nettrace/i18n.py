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
from functools import lru_cache
from importlib import resources

__all__ = ["t", "messages", "LANGS"]

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
