"""``pfctl -s all`` (``-sa``): the packet filter's rules, anchors, status and settings → frame ``pf``.

Sections under upper-case headers; pfctl's own stderr notes may be merged in front (a real macOS
``sudo pfctl -sa``, excerpt)::

    No ALTQ support in kernel
    ALTQ related functions disabled
    TRANSLATION RULES:
    nat-anchor "com.apple/*" all
    rdr-anchor "com.apple/*" all

    FILTER RULES:
    scrub-anchor "com.apple/*" all fragment reassemble
    anchor "com.apple/*" all

    INFO:
    Status: Enabled for 8 days 03:22:04           Debug: Urgent

One row per non-blank line below a header (headers themselves are not rows), ``text`` stripped.
``section`` is the header normalised: ``FILTER RULES`` → ``filter``, ``TRANSLATION RULES`` and
``NAT/RDR RULES`` → ``translation``, ``DUMMYNET RULES`` → ``dummynet``, ``OS FINGERPRINTS`` →
``os_fingerprints``, any other ``WORDS:`` header lower-cased with ``_`` for other characters
(``states``, ``info``, ``timeouts``, ``limits``, ``tables``…); NA before the first header.
``anchor`` is the quoted name after ``anchor`` in a rule (``anchor "com.apple/*" all`` →
``com.apple/*``; also ``nat-``/``rdr-``/``scrub-``/``dummynet-anchor`` and ``load anchor``).
``status_enabled`` is set on the ``Status: Enabled|Disabled …`` row only.

pfctl's stderr notes — ``No ALTQ support in kernel`` / ``ALTQ related functions disabled``
(``pfctl_test_altqsupport``: the macOS kernel has no ALTQ, so every run prints them), ``rules
cleared``, ``nat cleared``, ``dummynet cleared``, ``0 tables deleted.`` (seed 004, from
vpnc-script) and similar — are rows of section ``messages`` wherever they appear (they do not
change the section of the lines after them), without a warning. A kernel with ALTQ would print an
``ALTQ:`` section (``altq on …``, ``queue …`` lines): section ``altq``. ``pfctl: …`` error lines
are skipped with a warning.

>>> df = parse('No ALTQ support in kernel\\nFILTER RULES:\\nanchor "com.apple/*" all\\n')
>>> print(df[["section", "anchor", "text", "line"]].to_string(index=False))
 section      anchor                      text  line
messages        <NA> No ALTQ support in kernel     1
  filter com.apple/*  anchor "com.apple/*" all     3
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, text_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "pf": Schema("pf", [
        Column("section", "string", "normalised header: filter, translation, dummynet, altq, states, info, "
                                    "timeouts, limits, tables, os_fingerprints, …; `messages` for pfctl's "
                                    "own notes (No ALTQ support in kernel…); NA before any header"),
        Column("anchor", "string", "anchor named by the line, e.g. `com.apple/*`; NA otherwise"),
        Column("text", "string", "the line, stripped"),
        Column("status_enabled", "boolean", "on the `Status:` row: True for Enabled, False for Disabled"),
        Column("line", "Int64", "1-based line number"),
    ], doc="Packet filter state from `pfctl -s all`: one row per line of content."),
}

JC_NOTES: list[str] = []

_HEADER = re.compile(r"^([A-Z][A-Z0-9 /]*[A-Z0-9]):$")
_SECTIONS = {
    "FILTER RULES": "filter", "TRANSLATION RULES": "translation", "NAT/RDR RULES": "translation",
    "DUMMYNET RULES": "dummynet", "OS FINGERPRINTS": "os_fingerprints",
}
_NOISE = re.compile(
    r"^(No ALTQ support in kernel|ALTQ related functions disabled"
    r"|(rules|nat|dummynet|altq|queue|source tracking entries|Tables) cleared"
    r"|\d+ (tables|states|anchors) (deleted|cleared|created)\.?|\d+ states cleared"
    r"|pf: (statistics cleared|interface flags reset)|pf (enabled|disabled))$"
)
_ANCHOR = re.compile(r"\banchor\s+\"([^\"]*)\"")
_STATUS = re.compile(r"^Status:\s*(Enabled|Disabled)\b")


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``pfctl -s all`` output into the ``pf`` frame (see ``SCHEMAS``)."""
    cols: dict[str, list] = {c.name: [] for c in SCHEMAS["pf"].columns}
    section: str | None = None
    for n, line in text_lines(text):
        if line.startswith("pfctl:"):
            warn(warnings, n, f"pfctl: error line: {line[:80]!r}")
            continue
        hm = None if _NOISE.match(line) else _HEADER.match(line)
        if hm:
            section = _SECTIONS.get(hm[1]) or re.sub(r"[^a-z0-9]+", "_", hm[1].lower()).strip("_")
            continue
        am = _ANCHOR.search(line)
        sm = _STATUS.match(line)
        SCHEMAS["pf"].add_row(cols, section="messages" if _NOISE.match(line) else section,
                              anchor=am.group(1) if am else None, text=line,
                              status_enabled=sm.group(1) == "Enabled" if sm else None, line=n)
    return SCHEMAS["pf"].frame(cols, length=len(cols["line"]), warnings=warnings)
