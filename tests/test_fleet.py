"""``nettrace fleet``: every sample bundle (one per scenario, made by the fake Mac) ingested twice, with a
corrupt file and a non-bundle file beside them; the findings table against ``analyze --format json``;
idempotence; the Dask LocalCluster path writes the same dataset as the local process pool."""
from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import SAMPLES

duckdb = pytest.importorskip("duckdb", reason="the fleet extra (pip install 'nettrace[fleet]') is not installed")

from nettrace import fleet  # noqa: E402
from nettrace.cli import main  # noqa: E402

SAMPLE_FILES = sorted(SAMPLES.glob("*.tar.gz"))


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    """Every sample twice (the samples folder and a copy), a corrupt bundle and a stray text file."""
    if not SAMPLE_FILES:
        pytest.skip("no samples in data/samples (run make samples)")
    box = tmp_path_factory.mktemp("inbox")
    copies = box / "copies"
    copies.mkdir()
    for f in SAMPLE_FILES:
        shutil.copy(f, copies / ("again-" + f.name))
    (box / "corrupt.tar.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"\x00garbage" * 50)
    (box / "notes.txt").write_text("not a bundle\n")
    return box


@pytest.fixture(scope="module")
def dataset(inbox, tmp_path_factory):
    out = tmp_path_factory.mktemp("fleet") / "ds"
    result = fleet.ingest([SAMPLES, inbox, inbox / "notes.txt"], out, jobs=2)
    return out, result


def _analyze(path):
    import nettrace
    from nettrace.render_findings import as_json

    b = nettrace.load(path)
    return as_json(b, nettrace.findings_of(b))


def test_ingest_counts_each_bundle_once_and_records_the_bad_files(dataset):
    out, r = dataset
    assert r.seen == 2 * len(SAMPLE_FILES) + 2
    assert (r.added, r.skipped, r.errors) == (len(SAMPLE_FILES), len(SAMPLE_FILES), 2)
    errors = fleet.query(out, "SELECT path, reason FROM errors ORDER BY path")
    assert [p.rsplit("/", 1)[-1] for p in errors["path"]] == ["corrupt.tar.gz", "notes.txt"]
    assert all(len(r.splitlines()) == 1 and r for r in errors["reason"])
    bundles = fleet.query(out, "SELECT file, host, macos_version FROM bundles")
    assert sorted(bundles["file"]) == sorted(f.name for f in SAMPLE_FILES)


def test_findings_table_is_what_analyze_json_gives(dataset):
    out, _ = dataset
    for f in SAMPLE_FILES:
        doc = _analyze(f)
        bid = fleet.tables.bundle_id(f)
        got = sorted(fleet.connect(out).execute(
            "SELECT id, severity, title, culprit_pid, product FROM findings WHERE bundle_id = ?", [bid]).fetchall())
        want = sorted((x["id"], x["severity"], x["title"], (x.get("culprit") or {}).get("pid"),
                       (x.get("culprit") or {}).get("product")) for x in doc["findings"])
        assert got == want, f.name
        host = fleet.query(out, f"SELECT host, macos_version FROM bundles WHERE bundle_id = '{bid}'")
        assert (host.host[0], host.macos_version[0]) == (doc["bundle"]["host"], doc["bundle"]["macos"])


def test_seed_000_culprit_chain_lands_in_the_tables(dataset):
    out, _ = dataset
    crit = fleet.query(out, "SELECT b.host, f.process, f.product FROM findings f JOIN bundles b USING (bundle_id) "
                            "WHERE f.id = 'default-route-black-hole'")
    assert ("MacBook-Pro", "MacEthernetTapAgent", "ZeroTier") in set(map(tuple, crit.values.tolist()))
    owners = fleet.query(out, "SELECT name, interface FROM processes WHERE role = 'interface owner' AND product = 'ZeroTier'")
    assert ("MacEthernetTapAgent", "feth9868") in set(map(tuple, owners.values.tolist()))
    bh = fleet.query(out, "SELECT internet_inet FROM bundles WHERE file LIKE '000-%'")
    assert bh.internet_inet[0] == "default via 127.0.0.1 on feth4868"


def test_rerun_adds_nothing(dataset, inbox):
    out, _ = dataset
    files = sorted(p.relative_to(out) for p in out.rglob("*.parquet"))
    again = fleet.ingest([SAMPLES, inbox, inbox / "notes.txt"], out, jobs=1)
    assert (again.added, again.errors) == (0, 0)
    assert sorted(p.relative_to(out) for p in out.rglob("*.parquet")) == files


def test_each_table_is_one_part_file_that_lists_its_bundles(dataset):
    """After a run, a table is one part file (DuckDB opens one file, not one per bundle), and the
    part's metadata names every bundle it holds, which is what a re-run reads."""
    from nettrace.fleet import store

    out, _ = dataset
    for name in ("bundles", "findings", "routes", "interfaces", "processes", "warnings", "errors"):
        files = sorted(p.name for p in (out / name).glob("*.parquet"))
        assert len(files) == 1 and files[0].startswith("part-"), (name, files)
    ids = {fleet.tables.bundle_id(f) for f in SAMPLE_FILES}
    assert ids <= store.known_ids(str(out))
    assert len(store.known_ids(str(out))) == len(ids) + 2  # and the corrupt file and the text file


def test_a_run_killed_before_its_clean_up_counts_nothing_twice(dataset, tmp_path):
    """A per-bundle file left beside the part that already holds it (the run died between the
    rename and the deletes) doubles rows until the next run, which deletes it and adds nothing."""
    from nettrace.fleet import store

    out = tmp_path / "ds"
    shutil.copytree(dataset[0], out)
    sample = SAMPLE_FILES[0]
    bid = fleet.tables.bundle_id(sample)
    n = fleet.query(out, f"SELECT count(*) AS n FROM findings WHERE bundle_id = '{bid}'").n[0]
    store.write_bundle(str(out), bid, fleet.tables.bundle_tables(sample))
    assert fleet.query(out, "SELECT count(*) AS n FROM bundles").n[0] == len(SAMPLE_FILES) + 1
    r = fleet.ingest([sample], out, jobs=1)
    assert (r.added, r.skipped) == (0, 1)
    assert not (out / "findings" / f"{bid}.parquet").exists()
    assert fleet.query(out, "SELECT count(*) AS n FROM bundles").n[0] == len(SAMPLE_FILES)
    assert fleet.query(out, f"SELECT count(*) AS n FROM findings WHERE bundle_id = '{bid}'").n[0] == n


def test_a_part_from_an_older_nettrace_reads_with_nulls_in_new_columns(tmp_path):
    """A part written before a column existed (product_version came later) and a new run's part
    are one view: the old rows have nulls there, nothing fails."""
    import pyarrow.parquet as pq

    out = tmp_path / "ds"
    old, new = SAMPLE_FILES[0], next(f for f in SAMPLE_FILES if "tailscale" in f.name)
    fleet.ingest([old], out, jobs=1)
    for part in (out / "processes").glob("part-*.parquet"):
        t = pq.read_table(part)
        pq.write_table(t.drop_columns(["product_version"]).replace_schema_metadata(t.schema.metadata), part)
    assert fleet.ingest([new], out, jobs=1).added == 1
    assert len(list((out / "processes").glob("part-*.parquet"))) == 2
    got = fleet.query(out, "SELECT product, product_version FROM processes WHERE product IN ('ZeroTier', 'Tailscale') "
                           "GROUP BY ALL ORDER BY ALL")
    assert [(p, None if v is None or v != v else v) for p, v in got.values.tolist()] == \
        [("Tailscale", "1.84.3"), ("ZeroTier", None)]


def test_product_version_comes_from_the_system_extension(dataset):
    """Tailscale's utun owner in the ZeroTier + Tailscale scenario: systemextensionsctl prints
    io.tailscale.ipn.macsys.network-extension (1.84.3/101.84.3); ZeroTier has no extension, no version."""
    out, _ = dataset
    rows = fleet.query(out, "SELECT DISTINCT b.file, p.product, p.product_version FROM processes p JOIN bundles b "
                            "USING (bundle_id) WHERE b.file LIKE 'healthy-overlays%' AND p.product IS NOT NULL "
                            "AND p.product <> 'macOS'")
    got = {(r.product, None if r.product_version is None or r.product_version != r.product_version
            else r.product_version) for r in rows.itertuples()}
    assert ("Tailscale", "1.84.3") in got and ("ZeroTier", None) in got


def test_product_version_of_a_homebrew_program_is_its_cellar_folder(dataset):
    """The OpenConnect culprit of seed 004 runs from /opt/homebrew/Cellar/openconnect/9.12_1/…"""
    out, _ = dataset
    got = fleet.query(out, "SELECT DISTINCT product, product_version FROM findings WHERE product = 'OpenConnect'")
    assert got.values.tolist() == [["OpenConnect", "9.12_1"]]


def test_cellar_version_reads_the_real_ps_paths_of_the_corpus():
    """Every Homebrew program in the corpus' ps outputs gets its Cellar version, nothing else one."""
    from nettrace.parsers import ps
    from nettrace.products import cellar_version
    from tests.conftest import CORPUS

    files = sorted((CORPUS / "ps").glob("*.out")) if CORPUS.is_dir() else []
    if not files:
        pytest.skip("../shared/corpus is absent")
    versions = {}
    for f in files:
        for exe in ps.parse(f.read_text(encoding="utf-8", errors="replace"))["executable"].dropna():
            versions[exe] = cellar_version(exe)
    assert versions["/usr/local/Cellar/python/3.7.3/Frameworks/Python.framework/Versions/3.7/Resources/Python.app/"
                    "Contents/MacOS/Python"] == "3.7.3"
    assert {e for e, v in versions.items() if v} == {e for e in versions if "/Cellar/" in e}


def test_machine_tells_macs_apart_where_host_names_repeat(dataset):
    """Every sample is a different Mac (one en0 hardware address each), whatever its host name;
    the ZeroTier + Tailscale Mac and its later capture (the diff pair) are one."""
    out, _ = dataset
    got = fleet.query(out, "SELECT count(*) AS n, count(DISTINCT machine) AS macs, count(machine) AS known FROM bundles")
    assert got.values.tolist() == [[len(SAMPLE_FILES)] * 3]


def test_fixed_or_still_broken_from_the_newest_capture_of_the_same_mac(tmp_path):
    """Seed 000's Mac captured again a day later with ZeroTier removed (the diff scenario): its
    critical bundle says the fix reached it; a Mac captured once says this is its newest capture."""
    from nettrace.fleet.overview import critical_macs
    from tests.diffkit import capture_overlay

    after = capture_overlay("diff-000-zerotier-removed", tmp_path)
    seed_000 = next(f for f in SAMPLE_FILES if f.name.startswith("000-"))
    seed_003 = next(f for f in SAMPLE_FILES if f.name.startswith("003-"))
    fleet.ingest([seed_000, after, seed_003], tmp_path / "ds", jobs=1)
    df = critical_macs(fleet.connect(tmp_path / "ds")).set_index("file")
    assert df.loc[seed_000.name, "now"] == "fixed"
    assert str(df.loc[seed_000.name, "now_at"])[:10] == "2025-12-29"
    assert df.loc[seed_003.name, "now"] == "latest"
    assert after.name not in df.index


def _table(out, name):
    cols = [f.name for f in fleet.SCHEMAS[name]]
    return fleet.query(out, f"SELECT {', '.join(cols)} FROM {name} ORDER BY ALL").astype(str).values.tolist()


def test_dask_local_cluster_writes_the_same_dataset(tmp_path, inbox):
    distributed = pytest.importorskip("distributed")
    pick = [SAMPLE_FILES[0], SAMPLE_FILES[-1], inbox / "corrupt.tar.gz"]
    local, remote = tmp_path / "local", tmp_path / "dask"
    fleet.ingest(pick, local, jobs=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        r = fleet.ingest(pick, remote, scheduler=client)
    assert (r.added, r.errors) == (2, 1)
    for name in fleet.TABLES:
        assert _table(remote, name) == _table(local, name), name


def test_an_fsspec_url_dataset_is_the_same_dataset(tmp_path, inbox):
    """``-o file:///…`` goes through fsspec (as an object store would) for writes, the merge,
    known ids and queries, and gives the same tables as a folder."""
    pick = [SAMPLE_FILES[0], SAMPLE_FILES[-1], inbox / "corrupt.tar.gz"]
    url = (tmp_path / "url").as_uri()
    fleet.ingest(pick, tmp_path / "plain", jobs=1)
    r = fleet.ingest(pick, url, jobs=1)
    assert (r.added, r.errors) == (2, 1)
    assert fleet.ingest(pick, url, jobs=1).added == 0
    for name in fleet.TABLES:
        assert _table(url, name) == _table(tmp_path / "plain", name), name
    assert main(["fleet", "query", url, "SELECT count(*) AS n FROM bundles", "--format", "json"]) == 0


def test_cli_ingest_and_query(tmp_path, capsys):
    out = tmp_path / "ds"
    assert main(["fleet", "ingest", str(SAMPLE_FILES[0]), "-o", str(out), "--jobs", "1"]) == 0
    cap = capsys.readouterr()
    assert cap.out.strip().splitlines()[-1] == str(out)          # the dataset's path, printed last
    assert "1 added" in cap.err and "\r" not in cap.err          # no progress bar when not a terminal
    assert main(["fleet", "query", str(out), "SELECT count(*) AS n FROM bundles", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 1}]
    assert main(["fleet", "query", str(out), "SELECT nope FROM bundles"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("nettrace fleet: error: query failed:") and len(err.splitlines()) == 1
    assert main(["fleet", "query", str(tmp_path / "missing"), "SELECT 1"]) == 1
    assert "fleet ingest" in capsys.readouterr().err


def test_missing_extra_is_one_line():
    from nettrace.errors import NettraceError

    with pytest.raises(NettraceError) as e:
        fleet.require("no_such_module_for_nettrace")
    assert "pip install 'nettrace[fleet]'" in str(e.value)


def test_docs_list_every_column():
    from tests.conftest import ROOT

    doc = (ROOT / "docs" / "fleet.md").read_text(encoding="utf-8")
    for name, schema in fleet.SCHEMAS.items():
        section = doc.split(f"### `{name}`", 1)
        assert len(section) == 2, f"docs/fleet.md has no section for {name}"
        body = section[1].split("\n### ", 1)[0]
        for field in schema:
            assert f"| `{field.name}` |" in body, f"{name}.{field.name} undocumented"
