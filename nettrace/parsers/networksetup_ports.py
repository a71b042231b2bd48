"""``networksetup -listallhardwareports``: hardware ports, their BSD device and MAC → frame
``hardware_ports``.

Blocks of three ``Key: value`` lines, then a ``VLAN Configurations`` trailer (seed 000)::

    Hardware Port: Wi-Fi
    Device: en0
    Ethernet Address: bc:d0:74:30:0e:71

    VLAN Configurations
    ===================

One row per ``Hardware Port:`` block (``line`` is that line). Blocks after the ``VLAN
Configurations`` header get ``vlan`` True; there a block may also start with ``VLAN User Defined
Name:`` and its device line may read ``Device ("Hardware" Port):`` (any key starting with
``Device`` sets ``device``). ``Ethernet Address: N/A`` gives ``ether`` NA; redacted or cut
addresses (``b6:e6:``) are kept as written. ``Device:`` / ``Ethernet Address:`` before any port,
unknown keys and other lines are skipped with a warning.

>>> df = parse("Hardware Port: Thunderbolt Bridge\\nDevice: bridge0\\nEthernet Address: N/A\\n")
>>> print(df[["port", "device", "ether", "vlan"]].to_string(index=False))
              port  device ether  vlan
Thunderbolt Bridge bridge0  <NA> False
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, text_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "hardware_ports": Schema("hardware_ports", [
        Column("port", "string", "`Hardware Port:` name, e.g. `Wi-Fi`, `Thunderbolt Bridge`, `AX88179A`"),
        Column("device", "string", "BSD device, e.g. `en0`, `bridge0`"),
        Column("ether", "string", "`Ethernet Address:` as written; NA for `N/A` or when absent"),
        Column("vlan", "boolean", "the block sits under `VLAN Configurations`"),
        Column("line", "Int64", "1-based line number of the block's first line"),
    ], doc="Hardware ports from `networksetup -listallhardwareports`: one row per port."),
}

JC_NOTES: list[str] = []

_KV = re.compile(r"^([^:]+):\s*(.*)$")
_STARTS = ("Hardware Port", "VLAN User Defined Name")


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ``networksetup -listallhardwareports`` into the ``hardware_ports`` frame."""
    cols: dict[str, list] = {c.name: [] for c in SCHEMAS["hardware_ports"].columns}
    vlan = False
    for n, line in text_lines(text):
        if set(line) == {"="}:
            continue
        if line == "VLAN Configurations":
            vlan = True
            continue
        m = _KV.match(line)
        if not m:
            warn(warnings, n, f"networksetup_ports: unknown line: {line[:80]!r}")
            continue
        key, value = m.group(1).strip(), m.group(2).strip()
        if key in _STARTS:
            SCHEMAS["hardware_ports"].add_row(cols, port=value, vlan=vlan, line=n)
        elif not cols["line"]:
            warn(warnings, n, f"networksetup_ports: {key!r} before any Hardware Port")
        elif key.startswith("Device"):
            cols["device"][-1] = value or None
        elif key == "Ethernet Address":
            cols["ether"][-1] = None if value in ("", "N/A") else value
        else:
            warn(warnings, n, f"networksetup_ports: unknown key {key!r}")
    return SCHEMAS["hardware_ports"].frame(cols, length=len(cols["line"]), warnings=warnings)
