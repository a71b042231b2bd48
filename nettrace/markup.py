"""Escaping for Markdown output, shared by ``nettrace analyze --format markdown`` and the report.

Every string read from a bundle is untrusted: it goes out either as escaped prose
(:func:`md_escape`: no markup, no raw HTML, no links) or as a code span (:func:`md_code`).
"""
from __future__ import annotations

import re

__all__ = ["md_escape", "md_code"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~])")


def md_escape(s: str) -> str:
    """Prose for Markdown (CommonMark, GFM and kramdown): no markup, no raw HTML, no links.

    >>> md_escape("[click](http://evil) <b>")
    '\\\\[click\\\\](http&#58;//evil) &lt;b&gt;'
    """
    s = str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    # bare-URL autolinks (GFM "extended autolinks", kramdown) need a literal "://" or "www."
    s = s.replace("://", "&#58;//").replace("www.", "www&#46;")
    return s.replace("\n", " ")


def md_code(s: str, in_table: bool = False) -> str:
    """A code span whose fence is longer than any backtick run inside *s*."""
    s = str(s).replace("\n", " ")
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    if s.startswith("`") or s.endswith("`") or (s.startswith(" ") and s.endswith(" ") and s.strip()):
        s = f" {s} "
    if in_table:
        s = s.replace("|", "\\|")
    return f"{fence}{s}{fence}"
