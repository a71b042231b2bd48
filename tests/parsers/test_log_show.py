"""log show --style ndjson: real output quoted from a public doc, broken input."""
import pandas as pd

from nettrace.parsers import log_show

SCHEMA = log_show.SCHEMAS["logs"]

# Raw output of `log show --last 30s --style ndjson --info --debug --no-pager --predicate '…'` quoted
# in a public repository's Apple Music integration notes (search index file id 65905882230;
# repository not exposed): the first event and the trailing summary object, verbatim.
COREAUDIO = (
    r'{"timezoneName":"","messageType":"Default","eventType":"logEvent","source":null,"formatString":"%25s:%-5d (%p) Input format: %s","userID":501,"activityIdentifier":0,"subsystem":"com.apple.coreaudio","category":"ac","threadID":11498972,"senderImageUUID":"0F483193-D206-362B-9874-0100BCCB9CBD","backtrace":{"frames":[{"imageOffset":103060,"imageUUID":"0F483193-D206-362B-9874-0100BCCB9CBD"}]},"bootUUID":"3590A0B1-4C7D-4C4A-9F0B-69FAC3D0BD58","processImagePath":"\/System\/Library\/Frameworks\/MediaPlayer.framework\/Versions\/A\/XPCServices\/RemotePlayerService.xpc\/Contents\/MacOS\/RemotePlayerService","senderImagePath":"\/System\/Library\/Components\/AudioCodecs.component\/Contents\/MacOS\/AudioCodecs","timestamp":"2026-07-26 18:11:22.348728+1200","machTimestamp":20147685217463,"eventMessage":"  ACMP4AACBaseDecoder.cpp:310   (0xabc180e00) Input format:  2 ch,  44100 Hz, aac  (0x00000000) 0 bits\/channel, 0 bytes\/packet, 1024 frames\/packet, 0 bytes\/frame","processImageUUID":"4044151C-2EEE-3A42-9F88-BDEE75975064","traceID":41979461356879876,"processID":99240,"senderProgramCounter":103060,"parentActivityIdentifier":0}'
    "\n"
    '{"count":2,"finished":1}\n'
)

# `log`'s banner when a predicate is given (as quoted in aequitas/macos-menubar-wireguard#32 for
# `log stream`; `log show` prints the same line).
BANNER = 'Filtering the log data using "process BEGINSWITH "WireGuardStatusbar""\n'


def test_real_event_and_summary():
    warnings = []
    df = log_show.parse(COREAUDIO, warnings)
    assert SCHEMA.check(df) == [] and warnings == []
    assert len(df) == 1  # the {"count":2,"finished":1} summary is not an event
    row = df.iloc[0]
    assert row["time"] == pd.Timestamp("2026-07-26 06:11:22.348728", tz="UTC")
    assert row["process"] == "RemotePlayerService"
    assert row["process_path"].startswith("/System/Library/Frameworks/MediaPlayer.framework/")
    assert (row["pid"], row["subsystem"], row["category"], row["message_type"]) == (
        99240, "com.apple.coreaudio", "ac", "Default")
    assert row["message"].startswith("  ACMP4AACBaseDecoder.cpp:310") and "bits/channel" in row["message"]
    assert (row["sender"], row["event_type"], row["line"]) == ("AudioCodecs", "logEvent", 1)


def test_banner_cut_line_and_non_objects_warn():
    warnings = []
    cut = COREAUDIO.split("\n")[0][:300]
    text = BANNER + COREAUDIO.split("\n")[0] + "\r\n[1, 2]\r\n\"text\"\r\n" + cut
    df = log_show.parse(text, warnings)
    assert SCHEMA.check(df) == []
    assert df["line"].tolist() == [2]
    assert [w[0] for w in warnings] == [1, 3, 4, 5]


def test_empty_fields_and_bad_timestamp():
    warnings = []
    df = log_show.parse('{"timestamp":"yesterday","subsystem":"","category":"","processID":"x",'
                        '"eventMessage":"hello","processImagePath":"\\/usr\\/sbin\\/configd"}', warnings)
    assert df.loc[0, "process"] == "configd" and df.loc[0, "message"] == "hello"
    assert df[["time", "subsystem", "category", "pid"]].isna().all(axis=None)
    assert [w[0] for w in warnings] == [1]
