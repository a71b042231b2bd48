"""sw_vers: corpus files (tab and space alignments), broken input."""
import pytest

from nettrace.parsers import sw_vers
from tests.conftest import corpus_files, corpus_text

SCHEMA = sw_vers.SCHEMAS["sw_vers"]


@pytest.mark.parametrize("path", corpus_files("sw_vers"), ids=lambda p: p.name)
def test_every_corpus_file_parses_to_schema(path):
    warnings = []
    df = sw_vers.parse(path.read_text(encoding="utf-8", errors="replace"), warnings)
    assert SCHEMA.check(df) == [] and warnings == []
    assert len(df) == 1


@pytest.mark.parametrize("name, expected", [
    ("getmac-macos_10.12.6-sw_vers.out", ["Mac OS X", "10.12.6", "16G29"]),   # "ProductName:    Mac OS X"
    ("getmac-macos_15.7.9-sw_vers.out", ["macOS", "15.7.9", "24G830"]),       # "ProductName:\t\tmacOS"
    ("getmac-macos_26.6.2-sw_vers.out", ["macOS", "26.6.2", "25G83"]),
])
def test_corpus_values(name, expected):
    df = sw_vers.parse(corpus_text("sw_vers", name))
    assert df.loc[0, ["product_name", "product_version", "build_version", "line"]].tolist() == expected + [1]


def test_rsr_extra_crlf_and_garbage():
    warnings = []
    df = sw_vers.parse("oops\r\nProductName:\t\tmacOS\r\nProductVersion:\t\t13.4.1\r\n"
                       "ProductVersionExtra:\t(a)\r\nBuildVersion:\t\t22F770820d\r\nKernel: x\r\n", warnings)
    assert df.loc[0, ["product_version", "product_version_extra", "build_version", "line"]].tolist() == [
        "13.4.1", "(a)", "22F770820d", 2]
    assert [w[0] for w in warnings] == [1, 6]


def test_nothing_recognised_is_empty():
    warnings = []
    df = sw_vers.parse("sw_vers: command not found\n", warnings)
    assert len(df) == 0 and SCHEMA.check(df) == [] and len(warnings) == 1
    assert len(sw_vers.parse("")) == 0
