"""One bundle → the rows it adds to each fleet table (pyarrow tables with fixed schemas).

:func:`bundle_tables` is the unit of work of ``nettrace fleet ingest``: it reads one bundle file,
loads and analyzes it with the library (the same findings as ``nettrace analyze --format json``)
and returns a table per kind, each row carrying the bundle id (sha256 of the file). A bundle that
cannot be read gives one row in ``errors`` with its one-line reason and nothing else, so a run over
a thousand bundles goes on past a corrupt one. The schemas are data (:data:`SCHEMAS`) and are what
``docs/fleet.md`` documents; every table is written with its schema even when it has no rows, so
a query over a fleet never depends on which bundles happened to have data.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa

__all__ = ["SCHEMAS", "TABLES", "bundle_id", "bundle_tables", "machine_id"]

_TS = pa.timestamp("ns", tz="UTC")

SCHEMAS: dict[str, pa.Schema] = {
    "bundles": pa.schema([
        ("bundle_id", pa.string()), ("file", pa.string()), ("host", pa.string()), ("machine", pa.string()),
        ("macos_version", pa.string()), ("macos_build", pa.string()),
        ("started_at", _TS), ("ended_at", _TS), ("timezone", pa.string()),
        ("root", pa.bool_()), ("interrupted", pa.bool_()), ("flags", pa.string()),
        ("internet_inet", pa.string()), ("internet_inet6", pa.string()),
        ("findings", pa.int64()), ("worst_severity", pa.string()), ("warnings", pa.int64()),
    ]),
    "findings": pa.schema([
        ("bundle_id", pa.string()), ("id", pa.string()), ("severity", pa.string()),
        ("title", pa.string()), ("culprit_pid", pa.int64()), ("process", pa.string()),
        ("executable", pa.string()), ("product", pa.string()), ("product_version", pa.string()),
    ]),
    "routes": pa.schema([
        ("bundle_id", pa.string()), ("snapshot", pa.string()), ("family", pa.string()),
        ("destination", pa.string()), ("cidr", pa.string()), ("gateway", pa.string()),
        ("gateway_kind", pa.string()), ("flags", pa.string()), ("netif", pa.string()),
        ("ifscope", pa.bool_()), ("is_default", pa.bool_()), ("rank", pa.int64()),
        ("file", pa.string()), ("line", pa.int64()),
    ]),
    "interfaces": pa.schema([
        ("bundle_id", pa.string()), ("name", pa.string()), ("kind", pa.string()),
        ("model", pa.string()), ("up", pa.bool_()), ("addresses", pa.string()),
        ("owner_pid", pa.int64()), ("owner_name", pa.string()), ("owner_executable", pa.string()),
        ("product", pa.string()), ("product_version", pa.string()), ("file", pa.string()), ("line", pa.int64()),
    ]),
    "processes": pa.schema([
        ("bundle_id", pa.string()), ("pid", pa.int64()), ("name", pa.string()),
        ("executable", pa.string()), ("product", pa.string()), ("product_version", pa.string()), ("role", pa.string()),
        ("interface", pa.string()),
    ]),
    "warnings": pa.schema([
        ("bundle_id", pa.string()), ("file", pa.string()), ("line", pa.int64()),
        ("kind", pa.string()), ("message", pa.string()),
    ]),
    "errors": pa.schema([
        ("bundle_id", pa.string()), ("path", pa.string()), ("reason", pa.string()),
    ]),
}
TABLES = tuple(SCHEMAS)

_SEVERITY_ORDER = ("critical", "warning", "info")


def bundle_id(path: Path, chunk: int = 1 << 20) -> str:
    """The sha256 of the bundle file: the same capture always gets the same id, wherever it lies."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def _none(v):
    """pandas' missing values (NA, NaN, NaT) as None, everything else as is."""
    try:
        import pandas as pd

        if not isinstance(v, (list, tuple, dict)) and pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def _table(name: str, rows: list[dict]) -> pa.Table:
    schema = SCHEMAS[name]
    cols = {f.name: [_none(r.get(f.name)) for r in rows] for f in schema}
    return pa.table({f.name: pa.array(cols[f.name], type=f.type) for f in schema}, schema=schema)


def _error(bid: str | None, path: Path, reason: str) -> dict[str, pa.Table]:
    out = {name: _table(name, []) for name in TABLES}
    out["errors"] = _table("errors", [{"bundle_id": bid, "path": str(path), "reason": reason}])
    return out


def _records(df, columns) -> list[dict]:
    keep = [c for c in columns if c in df.columns]
    return df[keep].to_dict("records") if len(df) else []


def _route_ref(route: dict | None) -> str | None:
    if not route:
        return None
    return f"{route.get('destination')} via {route.get('gateway')} on {route.get('netif')}"


def machine_id(hardware_ports, redacted: bool) -> str | None:
    """A stable id of the Mac across its captures: a hash of the hardware address of its en0 port
    (``networksetup -listallhardwareports``: the built-in Wi-Fi of a laptop, the built-in Ethernet of
    a desktop — always there, unlike adapters and docks). Host names repeat across a fleet
    (``MacBook-Pro``); this does not. Unverified: whether macOS's private Wi-Fi address changes what
    networksetup lists; if it did, one Mac would get an id per network (never one id for two Macs).
    None when the capture was ``--redact``ed (its MACs are the same tokens on every Mac) or lists no en0.
    """
    if redacted or hardware_ports is None or not len(hardware_ports) or "device" not in hardware_ports:
        return None
    ether = hardware_ports.loc[hardware_ports["device"] == "en0", "ether"].dropna()
    if not len(ether):
        return None
    return hashlib.sha256(f"nettrace machine {str(ether.iloc[0]).lower()}".encode()).hexdigest()[:16]


def bundle_tables(path) -> dict[str, pa.Table]:
    """Load and analyze the bundle at *path*; its rows for every table in :data:`TABLES`.

    Never raises for a bad bundle: the reason goes into ``errors`` (one line, as the CLI would print).
    """
    import pandas as pd

    import nettrace
    from nettrace.errors import NettraceError
    from nettrace.products import match, product_version

    path = Path(path)
    try:
        bid = bundle_id(path)
    except OSError as exc:
        return _error(None, path, f"cannot read: {exc.strerror or exc}")
    try:
        b = nettrace.load(path)
        findings = nettrace.findings_of(b)
        facts = nettrace.facts_of(b)
    except NettraceError as exc:
        return _error(bid, path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 — one bad bundle must not stop a fleet run; the reason is kept
        first = str(exc).splitlines()[0] if str(exc) else ""
        return _error(bid, path, f"could not analyze: {type(exc).__name__}: {first}"[:300])
    if not b.manifest:
        return _error(bid, path, "not a nettrace bundle (no manifest.json)")

    m = b.manifest
    macos = m.get("macos") or {}
    internet = facts.to_dict().get("internet") or {}
    worst = next((s for s in _SEVERITY_ORDER if any(f.severity == s for f in findings)), None)
    warnings = b.warnings
    extensions = _records(b.latest("system_extensions"), ["bundle_id", "version"])

    def version(product, executable):
        v = product_version(extensions, _none(product), _none(executable))
        return v[0] if v else None

    rows = {name: [] for name in TABLES}
    rows["bundles"].append({
        "bundle_id": bid, "file": path.name, "host": m.get("host"),
        "machine": machine_id(b.latest("hardware_ports"), bool((m.get("flags") or {}).get("redact"))),
        "macos_version": macos.get("product_version"), "macos_build": macos.get("build_version"),
        "started_at": pd.to_datetime(m.get("started_at"), utc=True, errors="coerce"),
        "ended_at": pd.to_datetime(m.get("ended_at"), utc=True, errors="coerce"),
        "timezone": m.get("timezone"),
        "root": m.get("root") if isinstance(m.get("root"), bool) else None,
        "interrupted": m.get("interrupted") if isinstance(m.get("interrupted"), bool) else None,
        "flags": json.dumps(m.get("flags") or {}, sort_keys=True, default=str),
        "internet_inet": _route_ref(internet.get("inet")), "internet_inet6": _route_ref(internet.get("inet6")),
        "findings": len(findings), "worst_severity": worst, "warnings": int(len(warnings)),
    })
    for f in findings:
        c = f.culprit
        rows["findings"].append({
            "bundle_id": bid, "id": f.id, "severity": f.severity, "title": f.title("en"),
            "culprit_pid": getattr(c, "pid", None), "process": getattr(c, "name", None),
            "executable": getattr(c, "executable", None), "product": getattr(c, "product", None),
            "product_version": version(getattr(c, "product", None), getattr(c, "executable", None)),
        })
    routes = b.latest("routes")
    for r in _records(routes, [f.name for f in SCHEMAS["routes"]]):
        rows["routes"].append(dict(r, bundle_id=bid))
    ifaces = facts.interfaces
    for r in _records(ifaces, [f.name for f in SCHEMAS["interfaces"]]):
        r = dict(r, bundle_id=bid)
        r["product_version"] = version(r.get("product"), r.get("owner_executable"))
        r["addresses"] = " ".join(map(str, r.get("addresses") or []))
        rows["interfaces"].append(r)
        if _none(r.get("owner_pid")) is not None:
            rows["processes"].append({
                "bundle_id": bid, "pid": r["owner_pid"], "name": r.get("owner_name"),
                "executable": r.get("owner_executable"), "product": r.get("product"),
                "product_version": r["product_version"], "role": "interface owner", "interface": r.get("name"),
            })
    events = b.frame("route_events")
    if len(events) and "pid" in events.columns:
        procs = b.latest("processes")
        by_pid = {int(p["pid"]): p for p in _records(procs, ["pid", "name", "executable"]) if _none(p["pid"]) is not None}
        for pid, iface in (events.dropna(subset=["pid"])[["pid", "interface"]]
                           .drop_duplicates(subset=["pid"]).itertuples(index=False)):
            p = by_pid.get(int(pid), {})
            exe, name = _none(p.get("executable")), _none(p.get("name"))
            product = match(exe, name).name if (exe or name) else None
            rows["processes"].append({
                "bundle_id": bid, "pid": int(pid), "name": name, "executable": exe,
                "product": product, "product_version": version(product, exe),
                "role": "route writer", "interface": _none(iface),
            })
    for w in _records(warnings, ["file", "line", "kind", "message"]):
        rows["warnings"].append(dict(w, bundle_id=bid))
    return {name: _table(name, rows[name]) for name in TABLES}
