"""``networksetup -listnetworkserviceorder``: network services in priority order → frame
``network_order`` (the same schema as :mod:`nettrace.parsers.scutil_nwi`).

A note line, then two lines per service, the first numbered ``(n)`` or marked ``(*)`` when the
service is disabled (macOS 15.7.1, from jedisct1/bitbar-dnscrypt-proxy-switcher#11)::

    An asterisk (*) denotes that a network service is disabled.
    (1) AX88179A
    (Hardware Port: AX88179A, Device: en9)

    (4) USB 10/100/1000 LAN 2
    (Hardware Port: USB 10/100/1000 LAN, Device: en11)

One row per service: ``source`` = ``networksetup``, ``rank`` = 0-based position in the listing
(``(1)`` → 0; a disabled ``(*)`` service keeps its place), ``service`` (which may differ from the
hardware port, as above), ``hardware_port``, ``interface`` (``Device:``; NA when empty, as for
VPN services), ``enabled`` (False for ``(*)``). Indented copies (pasted in docs) are accepted.
A ``(Hardware Port: …)`` line without a service line above it and any other line are skipped with
a warning.

>>> df = parse("(*) Thunderbolt Bridge\\n(Hardware Port: Thunderbolt Bridge, Device: bridge0)\\n")
>>> print(df[["rank", "service", "interface", "enabled"]].to_string(index=False))
 rank            service interface  enabled
    0 Thunderbolt Bridge   bridge0    False
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import text_lines, warn
from .scutil_nwi import NETWORK_ORDER

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {"network_order": NETWORK_ORDER}

JC_NOTES: list[str] = []

_SERVICE = re.compile(r"^\((?P<num>\d+|\*)\)\s+(?P<star>\(\*\)\s+)?(?P<name>.*)$")
_PORT = re.compile(r"^\(Hardware Port:\s*(.*?),\s*Device:\s*(.*?)\)$")
_NOTE = "An asterisk (*) denotes"


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``networksetup -listnetworkserviceorder`` into the ``network_order`` frame."""
    cols: dict[str, list] = {c.name: [] for c in NETWORK_ORDER.columns}
    pending = False
    for n, line in text_lines(text):
        if line.startswith(_NOTE):
            continue
        pm = _PORT.match(line)
        if pm:
            if not pending:
                warn(warnings, n, f"networksetup_order: hardware port without a service: {line[:80]!r}")
                continue
            cols["hardware_port"][-1] = pm.group(1).strip() or None
            cols["interface"][-1] = pm.group(2).strip() or None
            pending = False
            continue
        sm = _SERVICE.match(line)
        if sm:
            NETWORK_ORDER.add_row(cols, source="networksetup", rank=len(cols["line"]), line=n,
                                  service=sm["name"].strip(), enabled=sm["num"] != "*" and sm["star"] is None)
            pending = True
            continue
        warn(warnings, n, f"networksetup_order: unknown line: {line[:80]!r}")
    return NETWORK_ORDER.frame(cols, length=len(cols["line"]), warnings=warnings)
