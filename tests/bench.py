"""``make bench``: speed and memory of the parsers, the loader and the report, as ratios.

Every goal is a ratio against a baseline measured in the same run on the same machine (a plain
``for line in f`` pass over the same file, jc on the same text, a bare papermill run), except
load+graph+findings, whose goal (< 1 s) is absolute by the issue's own terms. Inputs are generated
by :mod:`tests.benchgen` (deterministic) into ``build/bench-data`` and reused while the generator is
unchanged. Prints one table, writes ``build/bench.json`` and exits 1 when a parser's row counts
differ from what the generator wrote (the numbers would be meaningless), 2 when a goal is missed.

    python -m tests.bench            # full: 1 000 000 route-monitor messages (~4 minutes)
    python -m tests.bench --quick    # 100 000 messages, fewer repeats (development)
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.rss import PRINT_PEAK_RSS

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"

_CHILD_PRELUDE = (
    "import resource, sys, gc\nimport pandas, numpy, nettrace, nettrace.bundle\n"
    "from nettrace.parsers import route_monitor, lsof, netstat_routes, ifconfig, ps\n"
)
_CHILD_END = "\ngc.collect()\n" + PRINT_PEAK_RSS  # VmHWM: see tests/rss.py

# parser module -> (bench input, jc parser or None)
PARSERS = {
    "route_monitor": ("route_monitor.out", None),
    "lsof": ("lsof.out", "lsof"),
    "netstat_routes": ("netstat.out", "netstat"),
    "ifconfig": ("ifconfig.out", "ifconfig"),
    "ps": ("ps.out", "ps"),
}


def best(fn, repeat: int, budget: float = 1.0) -> float:
    """Best wall time of *repeat* calls (the least disturbed by the other users of the cores); a
    call that takes milliseconds is repeated until about *budget* seconds (at most 200 times), so
    tiny inputs get as fair a minimum as big ones: the first calls in a process pay for pages new
    to it (~2.5 ms/MB here) and the allocators' delayed returns (lsof's best of 3 swung 4.1-5.5x
    on unchanged code). A parser against its baseline is timed by :func:`paired` instead."""
    times = []
    while len(times) < repeat or (sum(times) < budget and len(times) < 200):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def paired(base, fn, repeat: int, times: list | None = None, budget: float = 2.0) -> tuple[float, float]:
    """Best times of *base* and *fn* called in turn (base, fn, base, fn, ...): a baseline and its
    parser see the same moments of a shared machine, so a busy spell cannot flatter or sink one
    ratio (taken apart, the line pass alone swung 0.35-0.54 s between runs). At least *repeat*
    rounds, more while both together took under *budget* seconds (at most 200)."""
    tb: list = []
    tf = [] if times is None else times
    while len(tf) < repeat or (sum(tb) + sum(tf) < budget and len(tf) < 200):
        for f, out in ((base, tb), (fn, tf)):
            gc.collect()
            t = time.perf_counter()
            f()
            out.append(time.perf_counter() - t)
    return min(tb), min(tf)


def line_pass(path: Path) -> None:
    with open(path, encoding="utf-8") as f:
        for _line in f:
            pass


def child_rss(code: str) -> int:
    """Peak RSS (bytes) of a fresh interpreter that imports pandas + nettrace and runs *code*."""
    out = subprocess.run([sys.executable, "-c", _CHILD_PRELUDE + code + _CHILD_END], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"bench child failed: {out.stderr.strip()[-400:]}")
    return int(out.stdout.split()[-1])


def machine() -> dict:
    import numpy
    import pandas

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "pandas": pandas.__version__, "numpy": numpy.__version__, "platform": platform.platform()}


class Table:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.failures: list[str] = []

    def add(self, name, value, baseline=None, goal=None, op="<=", unit="s", note=""):
        ratio = value / baseline if baseline else None
        measure = ratio if baseline else value
        ok = None if goal is None else (measure <= goal if op == "<=" else measure >= goal)
        row = {"name": name, "value": round(value, 4), "baseline": None if baseline is None else round(baseline, 4),
               "ratio": None if ratio is None else round(ratio, 2), "goal": None if goal is None else f"{op} {goal}",
               "pass": ok, "unit": unit, "note": note}
        self.rows.append(row)
        print(self.format(row), flush=True)
        return row

    @staticmethod
    def format(r: dict) -> str:
        def num(v):
            return "" if v is None else f"{v:.3f}" if isinstance(v, float) and v < 100 else f"{v:,}"
        ok = {True: "ok", False: "MISS", None: ""}[r["pass"]]
        return (f"{r['name']:<46} {num(r['value']):>12} {num(r['baseline']):>12} "
                f"{'' if r['ratio'] is None else format(r['ratio'], '.2f'):>8} {r['goal'] or '':>8} {ok:>5}  {r['unit']}")

    @staticmethod
    def header() -> str:
        return (f"{'name':<46} {'value':>12} {'baseline':>12} {'ratio':>8} {'goal':>8} {'pass':>5}  unit\n"
                + "-" * 100)


def generate(data: Path, quick: bool) -> dict:
    from tests import benchgen

    key = hashlib.sha256(Path(benchgen.__file__).read_bytes() + (b"quick" if quick else b"full")).hexdigest()
    stamp = data / "stamp"
    if stamp.exists() and stamp.read_text() == key and (data / "expected.json").exists():
        return json.loads((data / "expected.json").read_text())
    t = time.perf_counter()
    expected = benchgen.write_all(data, quick=quick)
    files, bexp = benchgen.bundle_files()
    from tests.bundlekit import write_bundle

    write_bundle(data / "large-bundle.tar.gz", files)
    expected["large-bundle.tar.gz"] = bexp
    (data / "expected.json").write_text(json.dumps(expected, indent=1))
    stamp.write_text(key)
    print(f"generated inputs in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return expected


def check_counts(name: str, out, exp: dict, table: Table) -> None:
    """Row counts of *out* against what the generator wrote (failures make the run fail)."""
    import pandas as pd

    problems = []
    main = out if isinstance(out, pd.DataFrame) else out[{"ifconfig": "interfaces"}.get(name, next(iter(out)))]
    if len(main) != exp["rows"]:
        problems.append(f"{len(main)} rows, generator wrote {exp['rows']}")
    if name in ("route_monitor", "lsof"):
        got = main["type"].value_counts().to_dict()
        if {k: int(v) for k, v in got.items()} != exp["types"]:
            problems.append(f"rows per type {got} != {exp['types']}")
    if name == "route_monitor":
        for col in ("ifscope", "index"):
            if int(main[col].notna().sum()) != exp[col]:
                problems.append(f"{col} set on {int(main[col].notna().sum())} rows, generator wrote {exp[col]}")
    if name == "ifconfig" and len(out["addresses"]) != exp["addresses"]:
        problems.append(f"{len(out['addresses'])} addresses, generator wrote {exp['addresses']}")
    if name == "netstat_routes":
        for col, key in (("is_default", "defaults"),):
            if int(main[col].sum()) != exp[key]:
                problems.append(f"{int(main[col].sum())} defaults, generator wrote {exp[key]}")
        if int((main["family"] == "inet6").sum()) != exp["inet6"]:
            problems.append("inet6 row count differs")
    for p in problems:
        table.failures.append(f"{name}: {p}")


def bench_parsers(data: Path, expected: dict, table: Table, quick: bool, only: set | None = None) -> None:
    import importlib

    repeat = 2 if quick else 3
    for name, (fname, jc_name) in PARSERS.items():
        if only and name not in only:
            continue
        path = data / fname
        mod = importlib.import_module(f"nettrace.parsers.{name}")
        size = path.stat().st_size
        holder = {}

        caches = [v for v in vars(mod).values() if callable(getattr(v, "cache_clear", None))]

        def run():
            for c in caches:  # every timed parse is a first parse: a memo warmed by the last repeat would flatter it
                c.cache_clear()
            # the last call's frame is dropped before this call, as a caller that parses one file
            # after another does (kept alive, it made every call pay for a second output's pages)
            holder.clear()
            with open(path, encoding="utf-8") as f:
                holder["out"] = mod.parse(f.read(), [])

        calls: list = []
        lp, pt = paired(lambda: line_pass(path), run, repeat, calls)
        out = holder.pop("out")
        check_counts(name, out, expected[fname], table)
        out_bytes = int(out.memory_usage(deep=True).sum()) if name == "route_monitor" else 0
        del out
        goal = 4 if name in ("route_monitor", "lsof", "netstat_routes", "ifconfig") else None
        lines = expected[fname].get("rows")
        table.add(f"{name} parse vs line pass ({lines:,} rows)", pt, lp, goal, note=f"{size:,} bytes")
        if name == "route_monitor":
            # no goal: the process's first parse, whose output and text land in pages new to the
            # process (on this VM those cost ~2.5 ms/MB on first touch; the best call reuses them)
            table.add("route_monitor first parse in the process", calls[0], lp, None,
                      note="no goal: pages new to the process")
        if name == "ifconfig":
            # the floor of any parser that returns these frames: typing the parsed columns and
            # building the two DataFrames, with no parsing at all
            import pandas as pd

            cols = {k: {c: [None if v is pd.NA else v for v in df[c].tolist()] for c in df.columns}
                    for k, df in mod.parse(path.read_text()).items()}  # as the parser has them: None, not NA
            ft = best(lambda: [mod.SCHEMAS[k].frame(v) for k, v in cols.items()], repeat)
            table.add("ifconfig floor: typing + 2 frames, no parse", ft, lp, None,
                      note="no parsing: the floor under the parse row")
            wt = best(_wrapper(mod.parse(path.read_text())), repeat)
            table.add("ifconfig floor: 2 frames of finished arrays", wt, lp, None,
                      note="no parsing, no typing: pandas' own cost per column and frame")
        if name == "route_monitor":
            # the floor under the parse row on this machine: the read inside the timed call, and
            # writing the output frame's bytes into memory new to the process (first touch of
            # fresh pages is what large outputs pay; the line pass reuses one small buffer)
            ft = best(lambda: (_read(path), _first_touch(out_bytes)), 2)
            table.add("route_monitor floor: read + fresh output", ft, lp, None,
                      note=f"no parsing: {out_bytes:,} bytes of output")
            st = best(lambda: _stream(mod, path), 1 if not quick else 2)
            table.add("route_monitor parse_lines(file) vs line pass", st, lp, None)
        if jc_name:
            import jc.parsers  # noqa: F401

            jmod = importlib.import_module(f"jc.parsers.{jc_name}")
            text = path.read_text(encoding="utf-8")
            jt = best(lambda: jmod.parse(text, quiet=True), 1 if size > 5_000_000 else repeat)
            # #7 sets ">= 3x faster than jc" for lsof, netstat and ifconfig; ps is shown for reference
            # (it also splits every command into executable and arguments, which jc does not)
            table.add(f"{name}: jc time / our time", jt, pt, 3 if goal else None, op=">=", unit="s (jc)",
                      note="" if goal else "no goal: ps also derives executable/args/name/app_bundle")
        gc.collect()


def _wrapper(frames: dict):
    """A call that only wraps the finished buffers of *frames* (Arrow strings, numpy values and
    masks, object arrays) into pandas arrays and DataFrames again: the least any parser returning
    these frames pays, whatever it does before."""
    import numpy as np
    import pandas as pd

    parts = {}
    for key, df in frames.items():
        cols = {}
        for c in df.columns:
            a = df[c].array
            if isinstance(a, pd.arrays.ArrowStringArray):
                cols[c] = (pd.arrays.ArrowStringArray, (a._pa_array.combine_chunks(),))
            elif isinstance(a, (pd.arrays.IntegerArray, pd.arrays.BooleanArray)):
                cols[c] = (type(a), (a._data.copy(), a._mask.copy()))
            else:
                cols[c] = (lambda v: v, (np.asarray(a, dtype=object),))
        parts[key] = cols

    def run():
        return {key: pd.DataFrame({c: make(*args) for c, (make, args) in cols.items()}, copy=False)
                for key, cols in parts.items()}
    return run


def _read(path: Path) -> int:
    with open(path, encoding="utf-8") as f:
        return len(f.read())


def _first_touch(n: int) -> None:
    """Write *n* bytes into an anonymous mapping: pages the process has never touched."""
    import mmap

    import numpy as np

    m = mmap.mmap(-1, max(n, 1))
    a = np.frombuffer(m, np.uint8)
    a[:] = 1
    del a
    m.close()


def _stream(mod, path: Path) -> None:
    with open(path, encoding="utf-8") as f:
        for _frame in mod.parse_lines(f):
            pass


def _grown(rss: int, base: int, what: str) -> int:
    """Memory a child added over the bare interpreter; a child that grew by nothing was not measured."""
    if rss <= base:
        raise RuntimeError(f"bench: {what} measured {rss:,} bytes, no more than the bare child's {base:,}; "
                           "the RSS reading is broken, refusing to print it as a pass")
    return rss - base


def bench_memory(data: Path, table: Table, quick: bool, only: set | None = None) -> None:
    base = child_rss("pass")
    for name, (fname, _jc) in PARSERS.items():
        if only and name not in only:
            continue
        path = data / fname
        size = path.stat().st_size
        if name == "route_monitor":
            rss = child_rss(f"df = route_monitor.parse_file({str(path)!r})")
            table.add("route_monitor peak RSS (parse_file) / file size", _grown(rss, base, "parse_file"), size, 1.5,
                      unit="bytes")
            rss = child_rss(f"df = route_monitor.parse(open({str(path)!r}).read())")
            table.add("route_monitor peak RSS (parse(text)) / file size", _grown(rss, base, "parse(text)"), size,
                      None, unit="bytes",
                      note="includes the text itself")
            n_all = sum(1 for _ in open(path, encoding="utf-8"))
            small = child_rss(f"from itertools import islice\n"
                              f"for _ in route_monitor.parse_lines(islice(open({str(path)!r}), {n_all // 10})): pass")
            full = child_rss(f"for _ in route_monitor.parse_lines(open({str(path)!r})): pass")
            table.add("route_monitor streaming RSS: whole / first 10%", _grown(full, base, "streaming"),
                      _grown(small, base, "streaming 10%"),
                      1.5, unit="bytes", note="flat memory while streaming")
            continue
        rss = child_rss(f"out = {name}.parse(open({str(path)!r}).read())")
        table.add(f"{name} peak RSS / file size", _grown(rss, base, name), size, None, unit="bytes",
                  note="includes the text")


def bench_load(data: Path, table: Table, expected: dict, quick: bool) -> None:
    import nettrace

    def lgf(p):
        b = nettrace.load(p)
        nettrace.graph_of(b)
        nettrace.findings_of(b)
        return b

    samples = sorted((ROOT / "data" / "samples").glob("*.tar.gz"))
    lgf(samples[0])  # warm imports (rules, networkx) once, as a session would
    for p in samples:
        t = best(lambda: lgf(p), 1 if quick else 3)
        table.add(f"load+graph+findings {p.name[:-7]}", t, None, 1.0, unit="s")
    big = data / "large-bundle.tar.gz"
    holder = {}

    def run():
        holder["b"] = lgf(big)

    t = best(run, 2 if quick else 3)
    b = holder["b"]
    exp = expected["large-bundle.tar.gz"]
    for frame, key in (("processes", "processes"), ("open_files", "open_files"), ("routes", "routes"),
                       ("interfaces", "interfaces"), ("route_events", "route_events")):
        got = len(b.frame(frame))
        if got != exp[key]:
            table.failures.append(f"large bundle: {frame} has {got} rows, generator wrote {exp[key]}")
    table.add("load+graph+findings 600 procs / 20k files", t, None, 1.0, unit="s")
    for part, fn in (("load", lambda: nettrace.load(big)),):
        table.add(f"  of which {part}", best(fn, 2), None, None, unit="s")


def bench_report(table: Table, quick: bool) -> None:
    """``nettrace report`` against a bare ``papermill`` run of a one-cell notebook, both as the
    commands a person types (fresh processes: imports, kernel start and all), interleaved so load
    on the machine hits both alike; then the in-process and ``--kernel`` paths of
    :func:`render_report` with warm imports, for the record."""
    import subprocess

    import nbformat

    from nettrace.report.render import execute, render_report

    sample = ROOT / "data" / "samples" / "000-zerotier-loopback-default.tar.gz"
    binp = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        one = tmp / "one.ipynb"
        nbformat.write(nb, one)
        bare_cmd = [str(binp / "papermill"), "--no-progress-bar", str(one), str(tmp / "one.out.ipynb")]
        report_cmd = [str(binp / "nettrace"), "report", str(sample), "-o", str(tmp / "cli")]

        def run(cmd):
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.strip().splitlines()[-1:]}")

        bare_t, rep_t = [], []
        for _ in range(2 if quick else 3):
            bare_t.append(best(lambda: run(bare_cmd), 1))
            rep_t.append(best(lambda: run(report_cmd), 1))
        table.add("report: `nettrace report` / `papermill` 1-cell", min(rep_t), min(bare_t), 3, unit="s")
        repeat = 1 if quick else 2
        bare = best(lambda: execute(one, tmp / "one.out.ipynb", {}), repeat)
        warm = best(lambda: render_report(sample, tmp / "report", lang="en", formats=("html", "md"),
                                          progress=False), repeat)
        kern = best(lambda: render_report(sample, tmp / "report-k", lang="en", formats=("html", "md"),
                                          progress=False, kernel=True), repeat)
    table.add("  warm, in-process / execute_notebook 1-cell", warm, bare, None, unit="s")
    table.add("  warm, --kernel / execute_notebook 1-cell", kern, bare, None, unit="s")


def bench_cli(table: Table, quick: bool) -> None:
    """Start-up of the command as a person types it (fresh processes), beside ``python -c pass``
    measured in turn with it: ``nettrace --help`` and a usage error must not wait for pandas
    (issue 18: <= 0.25 s wall, median of 5); ``nettrace analyze`` on a sample, for the record."""
    import statistics
    import subprocess

    binp = Path(sys.executable).parent
    sample = ROOT / "data" / "samples" / "000-zerotier-loopback-default.tar.gz"
    cmds = {"pass": [sys.executable, "-c", "pass"], "help": [str(binp / "nettrace"), "--help"],
            "usage": [str(binp / "nettrace"), "analyze"], "analyze": [str(binp / "nettrace"), "analyze", str(sample)]}
    times: dict[str, list] = {k: [] for k in cmds}
    for _ in range(5):  # interleaved, so a busy moment on the shared cores hits every command alike
        for key, cmd in cmds.items():
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True)
            times[key].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    note = f"python -c pass {med['pass']:.3f} s"
    table.add("cli: `nettrace --help` (median of 5)", med["help"], None, 0.25, note=note)
    table.add("cli: `nettrace analyze` usage error (median of 5)", med["usage"], None, 0.25, note=note)
    table.add("cli: `nettrace analyze` sample 000 (median of 5)", med["analyze"], None, None, note=note)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="100 000 route-monitor messages, fewer repeats")
    ap.add_argument("--only", default="", help="comma list of sections: parsers,memory,load,report,cli")
    ap.add_argument("--parsers", default="", help="comma list of parser modules to bench (default: all), "
                                                  "e.g. lsof,netstat_routes")
    ap.add_argument("--out", default=str(BUILD / "bench.json"))
    args = ap.parse_args(argv)
    sections = set(filter(None, args.only.split(","))) or {"parsers", "memory", "load", "report", "cli"}
    data = BUILD / ("bench-data-quick" if args.quick else "bench-data")
    t0 = time.perf_counter()
    expected = generate(data, args.quick)
    info = machine()
    print(f"machine: {info['nproc']} cores, {info['cpu']}, Python {info['python']}, pandas {info['pandas']}, "
          f"numpy {info['numpy']}{'  [--quick]' if args.quick else ''}")
    table = Table()
    print(table.header())
    if "parsers" in sections:
        bench_parsers(data, expected, table, args.quick, set(filter(None, args.parsers.split(","))))
    if "memory" in sections:
        bench_memory(data, table, args.quick, set(filter(None, args.parsers.split(","))))
    if "load" in sections:
        bench_load(data, table, expected, args.quick)
    if "report" in sections:
        bench_report(table, args.quick)
    if "cli" in sections:
        bench_cli(table, args.quick)
    elapsed = time.perf_counter() - t0
    missed = [r["name"] for r in table.rows if r["pass"] is False]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": info, "quick": args.quick, "seconds": round(elapsed, 1),
                               "rows": table.rows, "count_failures": table.failures, "missed": missed}, indent=1))
    print(f"\n{len(table.rows)} measurements in {elapsed:.0f} s -> {out}")
    if table.failures:
        print("\nFAIL: parser output differs from what the generator wrote — the numbers above mean nothing:",
              file=sys.stderr)
        for f in table.failures:
            print(f"  - {f}", file=sys.stderr)
        return 1
    if missed:
        print(f"\n{len(missed)} goal(s) missed: " + "; ".join(missed), file=sys.stderr)
        return 2
    print("every goal met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
