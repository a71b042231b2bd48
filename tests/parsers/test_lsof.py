"""lsof: corpus files, the seed 000 ndrv row, wrapped fragments, garbage, speed."""

import pytest

from nettrace.parsers import lsof
from tests.conftest import corpus_files, corpus_text, seed_text

SCHEMA = lsof.SCHEMAS["open_files"]
HEADER = "COMMAND    PID   USER    FD   TYPE               DEVICE  SIZE/OFF      NODE NAME"
NDRV = "MacEthern  647   root    3u   ndrv   0xa74f6360b3f2d7bc       0t0           -> feth9868"


@pytest.mark.parametrize("path", corpus_files("lsof"), ids=lambda p: p.name)
def test_corpus_parses(path):
    df = lsof.parse(path.read_text(encoding="utf-8", errors="replace"), [])
    assert SCHEMA.check(df) == []
    assert len(df) > 0 and df["pid"].notna().all()


def test_seed_000_ndrv_row():
    text = seed_text("000")
    assert NDRV in text
    df = lsof.parse(HEADER + "\n" + NDRV)
    r = df.iloc[0]
    assert (r["command"], r["pid"], r["user"], r["fd"], r["type"]) == ("MacEthern", 647, "root", "3u", "ndrv")
    assert r["device"] == "0xa74f6360b3f2d7bc" and r["size_off"] == "0t0" and r["node"] is pd_na()
    assert r["name"] == "-> feth9868" and r["interface"] == "feth9868" and r["line"] == 2


def pd_na():
    import pandas as pd
    return pd.NA


def test_header_cuts_empty_cells_python_head():
    df = lsof.parse(corpus_text("lsof", "cpython-issue-80931-lsof-p-python-head.out"))
    # python.ex 56481 user  txt       REG               1,17   2177216 1152921500312782999 /usr/lib/dyld
    dyld = df[df["name"] == "/usr/lib/dyld"].iloc[0]
    assert (dyld["size_off"], dyld["node"], dyld["device"], dyld["line"]) == ("2177216", "1152921500312782999", "1,17", 7)
    assert df.loc[0, "fd"] == "cwd" and df.loc[0, "type"] == "DIR" and df.loc[0, "command"] == "python.ex"


def test_utun_control_and_netsrc():
    df = lsof.parse(corpus_text("lsof", "notes-telepresence-lsof-systm-utun-control.out"))
    # teleprese 71881 root    7u    systm 0x4715bfb02f5e8bd7      0t0  [ctl com.apple.net.utun_control id 4 unit 4]
    r = df[df["type"] == "systm"].iloc[0]
    assert (r["fd"], r["control"], r["interface"], r["line"]) == ("7u", "com.apple.net.utun_control", "utun3", 4)
    assert df[df["type"] == "PIPE"]["name"].tolist()[0] == "->0x1ac3420f1be0c501"
    uv = lsof.parse(corpus_text("lsof", "notes-uv-lsof-systm-netsrc-npolicy.out"))
    npolicy = uv[uv["type"] == "NPOLICY"].iloc[0]
    assert npolicy["fd"] == "13" and npolicy["name"] == "" and npolicy["device"] is pd_na()
    netsrc = uv[uv["type"] == "systm"].iloc[0]
    assert netsrc["control"] == "com.apple.netsrc" and netsrc["interface"] is pd_na()


def test_wrapped_rows_joined_with_warnings():
    w = []
    df = lsof.parse(corpus_text("lsof", "notes-git-remote-lsof-wrapped-systm.out"), w)
    assert len(df) == 6 and len(w) == 6
    tty = df[df["fd"] == "2u"].iloc[0]
    assert (tty["node"], tty["name"], tty["size_off"]) == ("2841", "/dev/ttys008", "0t1903241")
    tcp = df[df["type"] == "IPv6"].iloc[0]
    assert (tcp["protocol"], tcp["local_address"], tcp["local_port"], tcp["state"]) == ("TCP", "localhost", 58980, "CLOSED")
    assert tcp["remote_address"] == "<host>" and tcp["remote_port"] is pd_na()


def test_sockets_and_bpf():
    text = "\n".join([
        HEADER,
        "configd    382   root   12u   IPv6   0xa74f6360b3f2d7bc       0t0       TCP [fe80:4::1]:5000->[fe80:4::2]:443 (ESTABLISHED)",
        "mDNSRespo  405   root    9u   IPv4   0xa74f6360b3f2d7bd       0t0       UDP *:5353",
        "ZeroTier   535   root   10u    CHR                 23,3       0t0       607 /dev/bpf3",
    ])
    df = lsof.parse(text)
    assert df.loc[0, ["local_address", "local_port", "remote_address", "remote_port", "state"]].tolist() == \
        ["fe80:4::1", 5000, "fe80:4::2", 443, "ESTABLISHED"]
    assert df.loc[1, "local_address"] == "*" and df.loc[1, "local_port"] == 5353 and df.loc[1, "protocol"] == "UDP"
    assert df.loc[2, "bpf_device"] == "/dev/bpf3" and df.loc[2, "node"] == "607"


def test_garbage_warns():
    w = []
    df = lsof.parse("lsof: WARNING: can't stat() nfs file system\n\x00\x01 junk\nMacEthern  647", w)
    assert len(df) == 0 and SCHEMA.check(df) == [] and len(w) == 3


ROWS = [
    "launchd      1   root  txt    REG               1,17   1967793 1152921500311919814 /sbin/launchd",
    "configd    382   root   12u   IPv4 0xa74f6360b3f2d7bc       0t0       TCP 10.68.3.27:50217->17.57.146.20:5223 (ESTABLISHED)",
]


def test_crlf_and_trailing_newlines_read_like_lf():
    lf = lsof.parse("\n".join([HEADER, *ROWS]) + "\n")
    crlf = lsof.parse("\r\n".join([HEADER, *ROWS]) + "\r\n\r\n\n")
    assert crlf.equals(lf) and lf["line"].tolist() == [2, 3]
    assert lf.loc[1, ["remote_address", "remote_port", "state"]].tolist() == ["17.57.146.20", 5223, "ESTABLISHED"]


def test_non_ascii_commands_and_names_and_a_lone_cr_keep_their_text():
    w = []
    df = lsof.parse("\n".join([
        HEADER,
        "Grüße      501   mchen  cwd    DIR               1,17       640         2 /Users/mchen/café",
        "launchd      1   root  txt    REG               1,17   1967793 115 /sbin/launchd\rx",
    ]), w)
    assert w == []
    assert df.loc[0, ["command", "pid", "name"]].tolist() == ["Grüße", 501, "/Users/mchen/café"]
    assert df.loc[1, "name"] == "/sbin/launchd\rx" and df.loc[1, "node"] == "115"


def test_rows_that_do_not_line_up_and_repeated_headers_are_read_by_shape():
    w = []
    df = lsof.parse("\n".join([HEADER, ROWS[0], HEADER, "  ", NDRV, "KQUEUE:  x"]), w)
    assert df["command"].tolist() == ["launchd", "MacEthern"] and df["line"].tolist() == [2, 5]
    assert df.loc[0, ["device", "size_off", "node"]].tolist() == ["1,17", "1967793", "1152921500311919814"]
    assert w == [(6, "lsof: not a row: 'KQUEUE:  x'")]


def test_socket_endpoints_any_redacted_and_bracketed():
    names = ["*:*", "[::1]:9993", "localhost:58980-><host>:<port> (CLOSED)", "[fe80::1%lo0]:5353", "a:b:1"]
    df = lsof.parse("\n".join(f"configd    382   root   12u   IPv6   0xa74f6360b3f2d7bc       0t0       TCP {n}"
                              for n in names))
    assert df[["local_address", "local_port"]].astype(object).values.tolist() == [
        ["*", pd_na()], ["::1", 9993], ["localhost", 58980], ["fe80::1%lo0", 5353], ["a:b", 1]]
    assert df.loc[2, ["remote_address", "remote_port", "state"]].tolist() == ["<host>", pd_na(), "CLOSED"]


def test_a_pid_beyond_int64_warns_and_is_missing():
    w = []
    df = lsof.parse("launchd 99999999999999999999   root  txt    REG  1,17   1967793 115 /sbin/launchd", w)
    assert df["pid"].isna().all() and df.loc[0, "name"] == "/sbin/launchd"
    assert w == [(1, "open_files.pid: 99999999999999999999 is not a 64-bit integer; left missing")]
