"""Cross-frame facts the loader settles once, so rules and graph don't each redo them.

- ``route_events.time``: the "got message … on" wall-clock time localized with the manifest's
  timezone and converted to UTC (the capture-side time when it is unparsable, or when the manifest
  has no readable offset).
- ``route_events.interface``: ``index: N`` tokens resolved to names through ``ifconfig`` scope ids
  and ``netstat`` ``link#N`` gateways, then the ``ifa`` address through ``addresses``.
- :func:`interface_index` / :func:`address_owner`: the lookups themselves, for other layers.
"""
from __future__ import annotations

from datetime import timezone

import pandas as pd

from nettrace.i18n import utc_offset

__all__ = ["enrich", "interface_index", "address_owner", "manifest_tz"]


def manifest_tz(manifest: dict) -> timezone | None:
    """The capture's UTC offset from the manifest (``+0800``), or None."""
    return utc_offset(manifest.get("timezone"))


def interface_index(bundle) -> dict[int, str]:
    """Interface index → name, from ifconfig scope ids and netstat ``link#N`` gateways."""
    out: dict[int, str] = {}
    routes = bundle.frame("routes")
    if len(routes):
        sel = routes[routes["gateway_index"].notna() & routes["netif"].notna()]
        for idx, name in zip(sel["gateway_index"], sel["netif"]):
            out.setdefault(int(idx), str(name))
    ifs = bundle.frame("interfaces")
    if len(ifs):
        sel = ifs[ifs["index"].notna()]
        for idx, name in zip(sel["index"], sel["name"]):
            out[int(idx)] = str(name)  # ifconfig is authoritative
    return out


def address_owner(bundle) -> dict[str, str]:
    """Address → interface holding it (last snapshot wins)."""
    addrs = bundle.frame("addresses")
    if addrs.empty:
        return {}
    return {str(a): str(i) for a, i in zip(addrs["address"], addrs["interface"]) if pd.notna(a) and pd.notna(i)}


def _localize(events: pd.DataFrame, tz: timezone | None) -> pd.Series:
    """Each event's UTC time: route's wall-clock time placed with the capture's offset, else the
    capture-side stamp. Without an offset the wall clock cannot be placed (read as UTC it would be
    off by the Mac's offset, hours from the pings it is matched with), so the capture-side stamp
    comes first and the wall clock read as UTC is only the last resort (a pasted stream)."""
    wall = pd.to_datetime(events["message_time"], format="%a %b %d %H:%M:%S %Y", errors="coerce")
    captured = events["captured_at"] if "captured_at" in events else pd.Series(pd.NaT, index=events.index)
    captured = captured.astype("datetime64[ns, UTC]")
    if tz is None:
        return captured.fillna(wall.dt.tz_localize("UTC").astype("datetime64[ns, UTC]"))
    wall = wall.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    return wall.astype("datetime64[ns, UTC]").fillna(captured)


def enrich(bundle) -> None:
    ev = bundle.frames.get("route_events")
    if ev is not None and len(ev):
        ev = ev.copy()
        ev["time"] = _localize(ev, manifest_tz(bundle.manifest))
        index_map = interface_index(bundle)
        owners = address_owner(bundle)
        iface = ev["interface"].astype("object")
        missing = iface.isna()
        if missing.any():
            by_index = ev.loc[missing, "index"].map(lambda i: index_map.get(int(i)) if pd.notna(i) else None)
            iface = iface.where(~missing, by_index)
        missing = iface.isna()
        if missing.any():
            by_ifa = ev.loc[missing, "ifa"].map(lambda a: owners.get(str(a)) if pd.notna(a) else None)
            iface = iface.where(~missing, by_ifa)
        ev["interface"] = iface.astype("string")
        bundle.frames["route_events"] = ev
