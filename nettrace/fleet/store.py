"""The fleet dataset: Parquet files per table, queried with DuckDB.

Layout of ``FLEET_DIR`` (any local folder, or with ``--scheduler`` any fsspec URL the workers can
reach)::

    bundles/part-<id>.parquet   findings/part-<id>.parquet   routes/…   interfaces/…
    processes/…   warnings/…   errors/…

Workers write one file per bundle and table (``findings/<bundle_id>.parquet``): nobody else touches
it, so the local process pool and Dask workers need no locking. When the run's tasks are done, the
driver merges each table's per-bundle files into one ``part-<id>.parquet`` (:func:`compact`), because
DuckDB pays for every file it opens — 10,000 per-bundle files take seconds to query, one part file
milliseconds. A part records the keys (bundle ids) it holds in its Parquet metadata, so a re-run
knows what it already has without reading rows (idempotent by bundle id). Every file is written
under a temporary name and renamed, so a killed run leaves no half-written file; a per-bundle file
left beside a part that already holds it (a run killed between the rename and the clean-up) is
removed by the next compaction before anything is merged.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from nettrace.fleet.tables import SCHEMAS, TABLES, bundle_tables

__all__ = ["write_bundle", "known_ids", "ingest_one", "compact", "connect", "query", "is_dataset"]

_KEYS = b"nettrace.keys"  # Parquet key-value metadata of a part file: the JSON list of keys it holds
_PART = "part-"
_BATCH_ROWS = 1 << 17  # rows buffered before a row group of a part file is written


def _fs(root: str) -> tuple[pafs.FileSystem, str]:
    """(pyarrow filesystem, path) for a local folder or an fsspec URL."""
    if "://" in str(root):
        import fsspec

        fs, path = fsspec.core.url_to_fs(str(root))
        return pafs.PyFileSystem(pafs.FSSpecHandler(fs)), path.rstrip("/")
    return pafs.LocalFileSystem(), str(Path(root).resolve())


def _write(fs: pafs.FileSystem, folder: str, name: str, table: pa.Table) -> None:
    fs.create_dir(folder, recursive=True)
    tmp = f"{folder}/.{name}.tmp"
    pq.write_table(table, tmp, filesystem=fs)
    fs.move(tmp, f"{folder}/{name}")


def _files(fs: pafs.FileSystem, folder: str) -> list[str]:
    """The Parquet files of *folder* (names only, sorted; none when it does not exist)."""
    infos = fs.get_file_info(pafs.FileSelector(folder, allow_not_found=True))
    return sorted(i.base_name for i in infos if i.type == pafs.FileType.File
                  and i.base_name.endswith(".parquet") and not i.base_name.startswith("."))


def _key(name: str) -> str:
    """The key (bundle id) a per-bundle file is named after."""
    return name.removesuffix(".parquet")


def _part_keys(fs: pafs.FileSystem, path: str) -> list[str]:
    meta = pq.read_metadata(path, filesystem=fs).metadata or {}
    return json.loads(meta.get(_KEYS, b"[]"))


def write_bundle(root: str, key: str, tables: dict[str, pa.Table]) -> None:
    """Write one bundle's tables as ``<table>/<key>.parquet`` under *root*."""
    fs, base = _fs(root)
    for name in TABLES:
        table = tables[name]
        if name == "errors" and table.num_rows == 0:
            continue
        if name != "errors" and tables["errors"].num_rows:
            continue  # an unreadable bundle adds a row to errors and nothing else
        _write(fs, f"{base}/{name}", f"{key}.parquet", table)


def known_ids(root: str) -> set[str]:
    """Keys (bundle ids) already in the dataset, ingested or recorded as errors."""
    fs, base = _fs(root)
    out = set()
    for name in ("bundles", "errors"):
        folder = f"{base}/{name}"
        for f in _files(fs, folder):
            out.update(_part_keys(fs, f"{folder}/{f}") if f.startswith(_PART) else [_key(f)])
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


def compact(root: str) -> int:
    """Merge each table's per-bundle files into one new part file; the number of files merged.

    Streams: row groups of about :data:`_BATCH_ROWS` rows are written as the files are read
    (pyarrow.dataset, several files at a time), so memory holds a batch, not the table.
    """
    fs, base = _fs(root)
    merged = 0
    for name in TABLES:
        folder = f"{base}/{name}"
        files = _files(fs, folder)
        have = {k for f in files if f.startswith(_PART) for k in _part_keys(fs, f"{folder}/{f}")}
        singles = []
        for f in files:
            if f.startswith(_PART):
                continue
            if _key(f) in have:  # already merged by a run that stopped before cleaning up
                fs.delete_file(f"{folder}/{f}")
            else:
                singles.append(f)
        if not singles:
            continue
        keys = [_key(f) for f in singles]
        part = f"{_PART}{hashlib.sha256(' '.join(keys).encode()).hexdigest()[:16]}.parquet"
        schema = SCHEMAS[name].with_metadata({_KEYS: json.dumps(keys).encode()})
        tmp = f"{folder}/.{part}.tmp"
        # the dataset's schema is this nettrace's: a column a file lacks (older writer) reads as nulls
        rows = ds.dataset([f"{folder}/{f}" for f in singles], schema=SCHEMAS[name], format="parquet",
                          filesystem=fs)
        with pq.ParquetWriter(tmp, schema, filesystem=fs) as writer:
            batch: list[pa.RecordBatch] = []
            held = 0
            for b in rows.to_batches(batch_size=_BATCH_ROWS):
                batch.append(b)
                held += b.num_rows
                if held >= _BATCH_ROWS:
                    writer.write_table(pa.Table.from_batches(batch, SCHEMAS[name]))
                    batch, held = [], 0
            writer.write_table(pa.Table.from_batches(batch, SCHEMAS[name]))
        fs.move(tmp, f"{folder}/{part}")
        for f in singles:
            fs.delete_file(f"{folder}/{f}")
        merged += len(singles)
    return merged


def is_dataset(root: str) -> bool:
    """Whether *root* (a folder or an fsspec URL) holds a fleet dataset (a ``bundles`` or ``errors`` folder)."""
    fs, base = _fs(root)
    return any(fs.get_file_info(f"{base}/{name}").type == pafs.FileType.Directory for name in ("bundles", "errors"))


def connect(root: str):
    """A DuckDB connection with one view per table over the dataset at *root*.

    A table with no file yet (``errors`` on a clean fleet) is an empty view with its schema.
    ``union_by_name`` lets a dataset keep part files written by an older nettrace (fewer columns).
    """
    import duckdb

    con = duckdb.connect()
    url = "://" in str(root)
    if url:
        import fsspec

        fsspec_fs, base = fsspec.core.url_to_fs(str(root))
        con.register_filesystem(fsspec_fs)
        proto = fsspec_fs.protocol[0] if isinstance(fsspec_fs.protocol, tuple) else fsspec_fs.protocol
    fs, base = _fs(root)
    for name in TABLES:
        folder = f"{base}/{name}"
        if _files(fs, folder):
            glob = f"{proto}://{folder}/*.parquet" if url else f"{folder}/*.parquet"
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
