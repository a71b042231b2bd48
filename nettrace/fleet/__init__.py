"""Fleet analysis: a helpdesk's many bundles as one Parquet dataset, queried with DuckDB.

``ingest`` analyzes every bundle under the given paths — on a local process pool, or as Dask
distributed tasks when a scheduler address is given — and writes one Parquet file per bundle and
table (:mod:`nettrace.fleet.store`, schemas in :mod:`nettrace.fleet.tables` and docs/fleet.md).
``query`` runs SQL over the dataset with the tables registered as DuckDB views.

DuckDB and Dask are the ``nettrace[fleet]`` extra; :func:`require` turns their absence into one
line that says what to install.

Examples
--------
>>> import tempfile
>>> from nettrace import fleet
>>> out = tempfile.mkdtemp()
>>> r = fleet.ingest(["data/samples/000-zerotier-loopback-default.tar.gz"], out, jobs=1)
>>> r.added, r.errors
(1, 0)
>>> fleet.query(out, "SELECT DISTINCT product FROM findings WHERE severity = 'critical'").to_dict("records")
[{'product': 'ZeroTier'}]
>>> fleet.ingest(["data/samples/000-zerotier-loopback-default.tar.gz"], out, jobs=1).added   # idempotent
0
"""
from __future__ import annotations

from nettrace.fleet.ingest import IngestResult, find_bundles, ingest, require
from nettrace.fleet.store import connect, query
from nettrace.fleet.tables import SCHEMAS, TABLES

__all__ = ["ingest", "find_bundles", "IngestResult", "query", "connect", "require", "SCHEMAS", "TABLES"]
