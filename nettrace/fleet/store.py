"""The fleet dataset: Parquet files per table, written once per bundle, queried with DuckDB.

Layout of ``FLEET_DIR`` (any local folder, or with ``--scheduler`` any fsspec URL the workers can
reach)::

    bundles/<bundle_id>.parquet   findings/<bundle_id>.parquet   routes/…   interfaces/…
    processes/…   warnings/…   errors/<id>.parquet

One file per bundle and table: a worker writes its own files and nobody else touches them, so the
local process pool and Dask workers need no locking, and a re-run knows which bundles it already
has from the file names (idempotent by bundle id). A file is written under a temporary name and
renamed, so a run that is killed leaves no half-written Parquet file behind.
"""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from nettrace.fleet.tables import SCHEMAS, TABLES, bundle_tables

__all__ = ["write_bundle", "known_ids", "ingest_one", "connect", "query"]


def _fs(root: str):
    """(filesystem, path) for a local folder or an fsspec URL."""
    if "://" in str(root):
        import fsspec

        fs, path = fsspec.core.url_to_fs(str(root))
        return fs, path
    return None, str(root)


def write_bundle(root: str, key: str, tables: dict[str, pa.Table]) -> None:
    """Write one bundle's tables as ``<table>/<key>.parquet`` under *root*."""
    fs, base = _fs(root)
    for name in TABLES:
        table = tables[name]
        if name == "errors" and table.num_rows == 0:
            continue
        if name != "errors" and tables["errors"].num_rows:
            continue  # an unreadable bundle adds a row to errors and nothing else
        folder = f"{base}/{name}"
        final, tmp = f"{folder}/{key}.parquet", f"{folder}/.{key}.parquet.tmp"
        if fs is None:
            os.makedirs(folder, exist_ok=True)
            pq.write_table(table, tmp)
            os.replace(tmp, final)
        else:
            fs.makedirs(folder, exist_ok=True)
            with fs.open(tmp, "wb") as fh:
                pq.write_table(table, fh)
            fs.mv(tmp, final)


def known_ids(root: str) -> set[str]:
    """Bundle ids already in the dataset (ingested or recorded as errors)."""
    fs, base = _fs(root)
    out = set()
    for name in ("bundles", "errors"):
        folder = f"{base}/{name}"
        if fs is None:
            names = os.listdir(folder) if os.path.isdir(folder) else []
        else:
            names = [p.rsplit("/", 1)[-1] for p in fs.ls(folder, detail=False)] if fs.exists(folder) else []
        out.update(n[: -len(".parquet")] for n in names if n.endswith(".parquet") and not n.startswith("."))
    return out


def ingest_one(path: str, root: str) -> dict:
    """Analyze one bundle and write its tables under *root*: the unit of work of a pool or a Dask task.

    Returns a small summary (``{"path", "key", "error"}``); the rows themselves travel only to disk,
    so neither the pool nor the scheduler carries frames back to the caller.
    """
    tables = bundle_tables(path)
    err = tables["errors"]
    if err.num_rows:
        bid = err.column("bundle_id")[0].as_py()
        key = bid or "unreadable-" + Path(path).name
        reason = err.column("reason")[0].as_py()
    else:
        key, reason = tables["bundles"].column("bundle_id")[0].as_py(), None
    write_bundle(root, key, tables)
    return {"path": str(path), "key": key, "error": reason}


def connect(root: str):
    """A DuckDB connection with one view per table over the dataset at *root*.

    A table with no file yet (``errors`` on a clean fleet) is an empty view with its schema.
    """
    import duckdb

    con = duckdb.connect()
    fs, base = _fs(root)
    if fs is not None:
        con.register_filesystem(fs)
    for name in TABLES:
        folder = f"{base}/{name}"
        present = (os.path.isdir(folder) and any(n.endswith(".parquet") and not n.startswith(".")
                                                 for n in os.listdir(folder))) if fs is None else fs.exists(folder)
        if present:
            glob = (f"{folder}/*.parquet" if fs is None else f"{fs.protocol[0] if isinstance(fs.protocol, tuple) else fs.protocol}://{folder}/*.parquet")
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{_sql_str(glob)}', union_by_name = true)")
        else:
            con.register(f"_{name}_empty", SCHEMAS[name].empty_table())
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM _{name}_empty")
    return con


def _sql_str(s: str) -> str:
    return s.replace("'", "''")


def query(root: str, sql: str):
    """Run *sql* over the dataset at *root*; a pandas DataFrame."""
    return connect(root).execute(sql).df()
