"""``nettrace fleet ingest PATH... -o FLEET_DIR`` / ``nettrace fleet query FLEET_DIR SQL``: many bundles.

``ingest`` analyzes every new bundle under the paths into a Parquet dataset (one file per bundle and
table; re-running adds only bundles it has not seen, by sha256), on ``--jobs`` local processes or,
with ``--scheduler tcp://HOST:8786``, as Dask distributed tasks. A bundle that cannot be read is
recorded in the ``errors`` table and the run goes on. Progress goes to stderr on a terminal (quiet
when piped); the dataset's path is printed last. ``query`` runs SQL in DuckDB over the tables
``bundles findings routes interfaces processes warnings errors`` (docs/fleet.md).

Exit codes: 0 done (bundles in ``errors`` included: they are data), 1 unusable input or a missing
extra, 2 usage.
"""
from __future__ import annotations

import sys

from nettrace.cli import common

HELP = "many bundles: ingest them into a Parquet dataset, query it with SQL (DuckDB), report on it"


def add_arguments(p) -> None:
    sub = p.add_subparsers(dest="fleet_command", metavar="ACTION", required=True)
    ing = sub.add_parser("ingest", help="analyze every bundle under PATH... into the dataset FLEET_DIR",
                         description="Analyze every bundle under the given files and folders into a Parquet "
                                     "dataset; bundles already there (same sha256) are skipped.")
    ing.add_argument("paths", metavar="PATH", nargs="+", help="bundle files, or folders searched for *.tar.gz")
    ing.add_argument("-o", "--output", metavar="FLEET_DIR", required=True,
                     help="the dataset folder (created; with --scheduler, any fsspec URL the workers can reach)")
    ing.add_argument("--jobs", type=int, default=None, metavar="N",
                     help="local worker processes (default: the number of cores)")
    ing.add_argument("--scheduler", metavar="ADDRESS", default=None,
                     help="run the ingestion as Dask distributed tasks on this scheduler (tcp://HOST:8786)")
    q = sub.add_parser("query", help="run SQL over a fleet dataset (DuckDB)",
                       description="Run SQL over the fleet tables: bundles, findings, routes, interfaces, "
                                   "processes, warnings, errors.")
    q.add_argument("dataset", metavar="FLEET_DIR")
    q.add_argument("sql", metavar="SQL", help='e.g. "SELECT product, count(*) FROM findings GROUP BY 1"')
    common.add_format(q, ("text", "csv", "json"))
    common.add_output(q)
    r = sub.add_parser("report", help="render an offline HTML overview of a fleet dataset",
                       description="Render the fleet overview notebook (notebooks/fleet.ipynb) into OUT/fleet.html "
                                   "(fleet.zh.html with --lang zh) and the executed notebook beside it.")
    r.add_argument("dataset", metavar="FLEET_DIR")
    r.add_argument("-o", "--output", metavar="OUT", required=True, help="the folder the page is written to")
    r.add_argument("--lang", choices=("en", "zh"), default="en")
    r.add_argument("--postmortems", metavar="DIR", default=None,
                   help="postmortems rendered as DIR/<bundle file stem>/postmortem.html: critical Macs link to them")


def _progress():
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} bundles")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _ingest(args) -> int:
    from nettrace import fleet

    if args.jobs is not None and args.jobs < 1:
        raise common.NettraceError("--jobs takes a whole number of 1 or more")
    result = fleet.ingest(args.paths, args.output, jobs=args.jobs, scheduler=args.scheduler, progress=_progress())
    print(f"{result.seen} bundle(s) found: {result.added} added, {result.skipped} already in the dataset, "
          f"{result.errors} unreadable (see the errors table)", file=sys.stderr)
    for f in result.failures[:10]:
        print(f"  {f['error']}" if f["error"].startswith(f["path"]) else f"  {f['path']}: {f['error']}", file=sys.stderr)
    print(result.dataset)
    return 0


def _query(args) -> int:
    from nettrace import fleet as fleet_mod

    if not fleet_mod.store.is_dataset(args.dataset):
        raise common.NettraceError(f"{args.dataset}: no such fleet dataset; create it with `nettrace fleet ingest PATH -o {args.dataset}`")
    import duckdb

    try:
        df = fleet_mod.query(args.dataset, args.sql)
    except duckdb.Error as exc:
        raise common.NettraceError(f"query failed: {str(exc).splitlines()[0]}") from None
    with common.output(args.output) as fh:
        common.write_table(fh, df, args.format,
                           lambda d: (d.to_string(index=False, na_rep="NULL") if len(d) else "(no rows)") + "\n")
    return 0


def run(args) -> int:
    from nettrace import fleet

    fleet.require("duckdb")
    if args.fleet_command == "report":
        from nettrace.fleet.overview import render_fleet_report

        print(render_fleet_report(args.dataset, args.output, lang=args.lang, postmortems=args.postmortems))
        return 0
    return _ingest(args) if args.fleet_command == "ingest" else _query(args)
