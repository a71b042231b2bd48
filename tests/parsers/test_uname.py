"""uname -a: corpus files compared with jc's reading, odd input."""
import json

import pandas as pd
import pytest

from nettrace.parsers import uname
from tests.conftest import CORPUS, corpus_files, corpus_text

SCHEMA = uname.SCHEMAS["uname"]


@pytest.mark.parametrize("path", corpus_files("uname"), ids=lambda p: p.name)
def test_every_corpus_file_parses_to_schema(path):
    warnings = []
    df = uname.parse(path.read_text(encoding="utf-8", errors="replace"), warnings)
    assert SCHEMA.check(df) == [] and warnings == []
    assert len(df) == 1


@pytest.mark.parametrize("stem", ["jc-osx-10.11.6-uname-a", "jc-osx-10.14.6-uname-a"])
def test_agrees_with_jc(stem):
    jc_file = CORPUS / "uname" / f"{stem}.json"
    if not jc_file.is_file():
        pytest.skip("jc json not available")
    expected = json.loads(jc_file.read_text())
    row = uname.parse(corpus_text("uname", f"{stem}.out")).iloc[0]
    for field in ("kernel_name", "node_name", "kernel_release", "machine"):
        assert row[field] == expected[field]
    # jc collapses runs of spaces in kernel_version (see JC_NOTES); otherwise identical.
    assert " ".join(row["kernel_version"].split()) == expected["kernel_version"]


def test_kernel_version_kept_as_printed():
    row = uname.parse(corpus_text("uname", "jc-osx-10.14.6-uname-a.out")).iloc[0]
    assert row["kernel_version"] == ("Darwin Kernel Version 18.7.0: Sun Dec  1 18:59:03 PST 2019; "
                                     "root:xnu-4903.278.19~1/RELEASE_X86_64")


def test_plain_uname():
    df = uname.parse(corpus_text("uname", "jc-osx-10.14.6-uname.out"))
    assert df.loc[0, "kernel_name"] == "Darwin"
    assert df[["node_name", "kernel_release", "kernel_version", "machine"]].isna().all(axis=None)


def test_short_lines_warn():
    warnings = []
    df = uname.parse("\r\nDarwin mac.local 23.1.0\r\n", warnings)
    assert df.loc[0, ["kernel_name", "node_name", "kernel_release", "line"]].tolist() == [
        "Darwin", "mac.local", "23.1.0", 2]
    assert pd.isna(df.loc[0, "machine"])
    assert [w[0] for w in warnings] == [2]
