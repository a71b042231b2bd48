"""``ingest``: every bundle under some paths → the fleet dataset, on a process pool or on Dask.

The unit of work is :func:`nettrace.fleet.store.ingest_one` (one bundle path → its Parquet files),
the same function whether a local :class:`concurrent.futures.ProcessPoolExecutor` or a Dask
``distributed.Client`` runs it, so both write the same dataset; when all are done, one
:func:`~nettrace.fleet.store.compact` merges the run's files into a part file per table (on a Dask
worker with a scheduler). Bundles already in the dataset (by sha256) are skipped before any work is
sent out.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from nettrace.errors import NettraceError
from nettrace.fleet.store import compact, ingest_one, known_ids
from nettrace.fleet.tables import bundle_id

__all__ = ["ingest", "find_bundles", "IngestResult", "require"]

BUNDLE_SUFFIXES = (".tar.gz", ".tgz", ".tar")


def require(module: str) -> None:
    """Raise one line naming the extra to install when *module* (duckdb, distributed) is missing."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise NettraceError(f"the fleet commands need {module}; install them with: pip install 'nettrace[fleet]'")


def find_bundles(paths) -> list[Path]:
    """Every bundle under *paths*, in the order given (each folder sorted), without repeats.

    A file named on the command line is always a candidate (a non-bundle file ends up in
    ``errors``); inside folders, files ending in .tar.gz/.tgz/.tar are taken, hidden names skipped.
    When two files hold the same capture, the first one found is the one recorded.
    """
    found: dict[Path, None] = {}
    for p in map(Path, paths):
        if p.is_dir():
            inside = []
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                inside += [Path(dirpath) / n for n in filenames
                           if not n.startswith(".") and n.endswith(BUNDLE_SUFFIXES)]
            found.update(dict.fromkeys(sorted(inside)))
        elif p.exists():
            found[p] = None
        else:
            raise NettraceError(f"{p}: no such file or folder")
    return list(found)


@dataclass
class IngestResult:
    dataset: str
    seen: int = 0
    added: int = 0
    skipped: int = 0
    errors: int = 0
    failures: list[dict] = field(default_factory=list)


def _pending(paths: list[Path], root: str) -> tuple[list[Path], int]:
    have = known_ids(root)
    todo, seen_now, skipped = [], set(), 0
    for p in paths:
        try:
            bid = bundle_id(p)
        except OSError:
            todo.append(p)  # unreadable: ingest_one records why
            continue
        if bid in have or bid in seen_now:
            skipped += 1
        else:
            seen_now.add(bid)
            todo.append(p)
    return todo, skipped


def ingest(paths, out, jobs: int | None = None, scheduler: str | None = None, progress=None) -> IngestResult:
    """Analyze every new bundle under *paths* into the dataset *out*.

    Parameters
    ----------
    paths : files and folders holding bundles.
    out : the dataset folder (created), or an fsspec URL when a Dask scheduler writes it.
    jobs : local worker processes (default: the number of cores); ignored with *scheduler*.
    scheduler : a Dask scheduler address (``tcp://host:8786``) or a ``distributed.Client``.
    progress : called as ``progress(done, total)`` after each bundle.
    """
    bundles = find_bundles(paths)
    if "://" not in str(out):
        os.makedirs(out, exist_ok=True)
    todo, skipped = _pending(bundles, str(out))
    result = IngestResult(dataset=str(out), seen=len(bundles), skipped=skipped)
    total = len(todo)

    def done(summary: dict, n: int) -> None:
        if summary["error"]:
            result.errors += 1
            result.failures.append(summary)
        else:
            result.added += 1
        if progress:
            progress(n, total)

    if not todo:
        compact(str(out))  # a run killed before its compaction left per-bundle files
        return result
    if scheduler is not None:
        require("distributed")
        from distributed import Client, as_completed as dask_completed

        client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        try:
            futures = client.map(ingest_one, [str(p) for p in todo], root=str(out), pure=False)
            for n, fut in enumerate(dask_completed(futures), 1):
                done(fut.result(), n)
            client.submit(compact, str(out), pure=False).result()  # on a worker: only they need the URL
        finally:
            if client is not scheduler:
                client.close()
        return result
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs == 1:
        for n, p in enumerate(todo, 1):
            done(ingest_one(str(p), str(out)), n)
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, total)) as pool:
            futures = [pool.submit(ingest_one, str(p), str(out)) for p in todo]
            for n, fut in enumerate(as_completed(futures), 1):
                done(fut.result(), n)
    compact(str(out))
    return result
