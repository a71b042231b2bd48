"""pfctl -s all: a real macOS `sudo pfctl -sa`, seed 004's pfctl chatter, broken input."""
import pandas as pd

from nettrace.parsers import pfctl
from tests.conftest import seed_text

SCHEMA = pfctl.SCHEMAS["pf"]

# `sudo pfctl -sa` on a MacBook-Pro running minikube, from public CKA study notes (search index file
# id 3359475748; repository not exposed). Verbatim excerpt: the STATES list (40 lines) and most of the
# INFO counters and TIMEOUTS are cut here; every other line is as printed.
MACOS_SA = """\
No ALTQ support in kernel
ALTQ related functions disabled
TRANSLATION RULES:
nat-anchor "com.apple/*" all
nat-anchor "com.apple.internet-sharing" all
rdr-anchor "com.apple/*" all
rdr-anchor "com.apple.internet-sharing" all

FILTER RULES:
scrub-anchor "com.apple/*" all fragment reassemble
scrub-anchor "com.apple.internet-sharing" all fragment reassemble
anchor "com.apple/*" all
anchor "com.apple.internet-sharing" all

DUMMYNET RULES:
dummynet-anchor "com.apple/*" all

STATES:
ALL tcp 192.168.1.17:56993 -> 17.57.145.5:5223       ESTABLISHED:ESTABLISHED
ALL udp 224.0.0.251:5353 <- 192.168.1.13:5353       NO_TRAFFIC:SINGLE

INFO:
Status: Enabled for 8 days 03:22:04           Debug: Urgent

State Table                          Total             Rate
  current entries                       40
Counters
  match                             988220            1.4/s

TIMEOUTS:
tcp.first                   120s
adaptive.start             6000 states

LIMITS:
states        hard limit    10000
table-entries hard limit   200000

TABLES:

OS FINGERPRINTS:
696 fingerprints loaded
"""


def test_macos_sections_anchors_and_status():
    warnings = []
    df = pfctl.parse(MACOS_SA, warnings)
    assert SCHEMA.check(df) == [] and warnings == []
    assert df["section"].unique().tolist() == [
        "messages", "translation", "filter", "dummynet", "states", "info", "timeouts", "limits", "os_fingerprints"]
    # the ALTQ notes pfctl_test_altqsupport prints on a kernel without ALTQ are rows, not lost
    assert df.loc[df["section"] == "messages", ["text", "line"]].values.tolist() == [
        ["No ALTQ support in kernel", 1], ["ALTQ related functions disabled", 2]]
    translation = df[df["section"] == "translation"]
    assert translation["anchor"].tolist() == [
        "com.apple/*", "com.apple.internet-sharing", "com.apple/*", "com.apple.internet-sharing"]
    assert translation["line"].tolist() == [4, 5, 6, 7]
    filt = df[df["section"] == "filter"]
    assert filt.iloc[2][["anchor", "text"]].tolist() == ["com.apple/*", 'anchor "com.apple/*" all']
    status = df[df["status_enabled"].notna()]
    assert len(status) == 1
    assert status.iloc[0][["section", "status_enabled", "line"]].tolist() == ["info", True, 23]
    assert df[df["section"] == "os_fingerprints"]["text"].tolist() == ["696 fingerprints loaded"]
    assert df.loc[df["section"] == "states", "anchor"].isna().all()


def test_disabled_status():
    df = pfctl.parse("INFO:\nStatus: Disabled                              Debug: Urgent\n")
    assert df["status_enabled"].tolist() == [False]


def test_seed_004_vpnc_script_chatter_is_kept_as_messages():
    seed = seed_text("004")
    start = seed.index("route: writing to routing socket: not in table")
    block = seed[start:seed.index("CSTP reconnect failed; exiting", start)]
    # "No ALTQ support in kernel" / "rules cleared" / "nat cleared" / "dummynet cleared" / "0 tables deleted."
    assert "0 tables deleted." in block
    warnings = []
    df = pfctl.parse(block, warnings)
    assert SCHEMA.check(df) == [] and warnings == []
    assert df.loc[df["section"].fillna("") != "messages", "text"].tolist() == ["route: writing to routing socket: not in table"]
    assert pd.isna(df.loc[0, "section"])
    assert {"rules cleared", "nat cleared", "0 tables deleted."} <= set(df.loc[df["section"] == "messages", "text"])


def test_pfctl_errors_warn_and_garbage_is_kept_as_text():
    warnings = []
    text = ('FILTER RULES:\r\nanchor "*" all {\r\npfctl: DIOCGETRULES: Invalid argument\r\n}\r\n'
            'block drop in quick on en0 from <bad> to any\r\npass out on utun4 all fla')
    df = pfctl.parse(text, warnings)
    assert SCHEMA.check(df) == []
    assert df["text"].tolist() == ['anchor "*" all {', "}", "block drop in quick on en0 from <bad> to any",
                                   "pass out on utun4 all fla"]
    assert df.loc[0, "anchor"] == "*"
    assert [w[0] for w in warnings] == [3]


def test_an_altq_section_gives_rows():
    # written from OpenBSD-derived pfctl (pfctl_show_altq under `-s all` prints the "ALTQ:" title,
    # then one line per altq/queue); macOS kernels lack ALTQ, so only the stderr notes appear there
    w = []
    df = pfctl.parse("No ALTQ support in kernel\nALTQ related functions disabled\nALTQ:\n"
                     "altq on en0 cbq bandwidth 10Mb tbrsize 1500 queue { std }\n"
                     "queue std on en0 bandwidth 10Mb cbq( default )\n\nSTATES:\n", w)
    assert w == []
    assert df[["section", "text"]].values.tolist() == [
        ["messages", "No ALTQ support in kernel"], ["messages", "ALTQ related functions disabled"],
        ["altq", "altq on en0 cbq bandwidth 10Mb tbrsize 1500 queue { std }"],
        ["altq", "queue std on en0 bandwidth 10Mb cbq( default )"]]
