"""``systemextensionsctl list``: installed system extensions (network filters, VPN tunnels…) →
frame ``system_extensions``.

A count, then per category a ``---`` line, a header and tab-separated rows; ``*`` marks enabled and
active (objective-see/LuLu#331)::

    1 extension(s)

    --- com.apple.system_extension.network_extension
    enabled	active	teamID	bundleID (version)	name	[state]
    *	*	VBG97UB4TA	com.objective-see.lulu.extension (2.3.0/2.3.0)	Extension	[activated enabled]

Newer macOS appends ``(Go to 'System Settings > …' to modify these system extension(s))`` to the
``---`` line; ``category`` is the identifier before it. One row per extension. Rows whose tabs were
turned into spaces (pasted in a post) are read by pattern: two leading ``*`` → enabled and active,
none → neither, one → both NA (which column it marks is lost) with a warning. Other lines are
skipped with a warning.

>>> df = parse("*\\t*\\tVBG97UB4TA\\tcom.objective-see.lulu.extension (2.3.0/2.3.0)\\tExtension\\t[activated enabled]")
>>> print(df[["enabled", "team_id", "bundle_id", "version", "state"]].to_string(index=False))
 enabled    team_id                        bundle_id     version             state
    True VBG97UB4TA com.objective-see.lulu.extension 2.3.0/2.3.0 activated enabled
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "system_extensions": Schema("system_extensions", [
        Column("category", "string", "e.g. `com.apple.system_extension.network_extension`; NA before any `---` line"),
        Column("enabled", "boolean", "`*` in the enabled column"),
        Column("active", "boolean", "`*` in the active column"),
        Column("team_id", "string", "developer team ID, e.g. `VBG97UB4TA`"),
        Column("bundle_id", "string", "extension bundle ID, e.g. `com.objective-see.lulu.extension`"),
        Column("version", "string", "version in parentheses as written, e.g. `2.3.0/2.3.0`"),
        Column("name", "string", "display name"),
        Column("state", "string", "state without brackets, e.g. `activated enabled`, "
                                  "`terminated waiting to uninstall on reboot`"),
        Column("line", "Int64", "1-based line number"),
    ], doc="System extensions from `systemextensionsctl list`: one row per extension."),
}

JC_NOTES: list[str] = []

_COUNT = re.compile(r"^\d+ extension\(s\)$")
_IDENT = re.compile(r"^(?P<bundle>.+?) \((?P<version>[^()]*)\)$")
_SPACED = re.compile(r"^(?P<marks>(?:\*\s+)*)(?P<team>\S+)\s+(?P<ident>.+? \([^()]*\))\s+"
                     r"(?P<name>.*?)\s*\[(?P<state>[^\]]*)\]$")


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``systemextensionsctl list`` into the ``system_extensions`` frame."""
    cols: dict[str, list] = {c.name: [] for c in SCHEMAS["system_extensions"].columns}
    category: str | None = None
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if not stripped or _COUNT.match(stripped) or stripped.startswith("enabled"):
            continue
        if stripped.startswith("---"):
            words = stripped[3:].split()
            category = words[0] if words else None
            continue
        fields = line.split("\t")
        if len(fields) == 6 and fields[5].strip().startswith("["):
            enabled, active = fields[0].strip() == "*", fields[1].strip() == "*"
            team, ident, name, state = (f.strip() for f in fields[2:])
            state = state.strip("[]")
        else:
            m = _SPACED.match(stripped)
            if not m:
                warn(warnings, n, f"systemextensionsctl: unknown line: {stripped[:80]!r}")
                continue
            stars = m["marks"].count("*")
            if stars == 1:
                warn(warnings, n, "systemextensionsctl: one `*` without tabs: enabled/active unknown")
            enabled = active = {0: False, 2: True}.get(stars)
            team, ident, name, state = m["team"], m["ident"], m["name"], m["state"]
        im = _IDENT.match(ident)
        SCHEMAS["system_extensions"].add_row(
            cols, category=category, enabled=enabled, active=active, team_id=team or None,
            bundle_id=im["bundle"] if im else ident, version=im["version"] if im else None,
            name=name or None, state=state or None, line=n)
    return SCHEMAS["system_extensions"].frame(cols, length=len(cols["line"]), warnings=warnings)
