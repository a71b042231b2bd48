"""ps: header dialects, the executable rule, jc agreement, garbage, speed."""
import json

import pandas as pd
import pytest

from nettrace.parsers import ps
from tests.conftest import corpus_files, corpus_text, seed_text

SCHEMA = ps.SCHEMAS["processes"]


@pytest.mark.parametrize("path", corpus_files("ps"), ids=lambda p: p.name)
def test_corpus_parses_and_agrees_with_jc(path):
    w = []
    df = ps.parse(path.read_text(encoding="utf-8"), w)
    assert SCHEMA.check(df) == [] and w == []
    jc = json.loads(path.with_suffix(".json").read_text())
    assert len(df) == len(jc)
    pairs = {"pid": "pid", "ppid": "ppid", "uid": "uid", "user": "user", "command": "command",
             "cmd": "command", "stime": "started", "started": "started"}
    for j, row in zip(jc, df.to_dict("records")):
        for jk, ok in pairs.items():
            if jk in j:
                want = int(j[jk]) if jk == "uid" else j[jk]  # documented: jc's ps -ef uid is a string
                assert row[ok] == want, (jk, j, row)


def test_nettrace_lstart_dialect():
    text = ("  PID  PPID   UID USER             STARTED COMMAND\n"
            "    1     0     0 root     Sun Dec 28 09:58:11 2025 /sbin/launchd\n"
            "  382     1     0 root     Sun Dec 28 09:58:14 2025 /usr/libexec/configd\n"
            "  647   535     0 root     Sun Dec 28 10:01:02 2025 /Library/Application Support/ZeroTier/One/"
            "MacEthernetTapAgent 4868 d6:8b:8e:3b:53:14 2800 5000\n"
            "    0     0     0 root     Sun Dec 28 09:58:10 2025 kernel_task\n")
    df = ps.parse(text)
    assert df["pid"].tolist() == [1, 382, 647, 0]
    assert df.loc[2, "started"] == "Sun Dec 28 10:01:02 2025" and df.loc[2, "ppid"] == 535
    assert df.loc[2, "executable"] == "/Library/Application Support/ZeroTier/One/MacEthernetTapAgent"
    assert df.loc[2, "args"] == "4868 d6:8b:8e:3b:53:14 2800 5000" and df.loc[2, "line"] == 4
    assert df.loc[3, ["executable", "name", "args"]].tolist() == ["kernel_task", "kernel_task", ""]
    assert df.loc[1, "name"] == "configd" and df.loc[1, "uid"] == 0 and df.loc[1, "user"] == "root"


def test_seed_000_ps_p():
    seed = seed_text("000")
    block = "PID  PPID COMMAND\n647   535 /Library/Application Support/ZeroTier/One/MacEthernetTapAgent 4868 d6:8b:8e:3b:53:14 2800 5000"
    assert block in seed
    df = ps.parse(block)
    assert df.loc[0, ["pid", "ppid", "name"]].tolist() == [647, 535, "MacEthernetTapAgent"]
    assert df.loc[0, "uid"] is __import__("pandas").NA
    df = ps.parse("PID  PPID USER COMMAND\n382     1 root /usr/libexec/configd")
    assert df.loc[0, ["pid", "user", "executable", "args"]].tolist() == [382, "root", "/usr/libexec/configd", ""]


@pytest.mark.parametrize("command, executable, bundle", [
    ("/Applications/Google Chrome.app/Contents/Frameworks/Google Chrome Framework.framework/Versions/120.0.6099.109/"
     "Helpers/Google Chrome Helper.app/Contents/MacOS/Google Chrome Helper --type=renderer",
     "/Applications/Google Chrome.app/Contents/Frameworks/Google Chrome Framework.framework/Versions/120.0.6099.109/"
     "Helpers/Google Chrome Helper.app/Contents/MacOS/Google Chrome Helper", "/Applications/Google Chrome.app"),
    ("/System/Library/PrivateFrameworks/SkyLight.framework/Versions/A/XPCServices/com.apple.SkyLight.xpc/"
     "Contents/MacOS/com.apple.SkyLight", "/System/Library/PrivateFrameworks/SkyLight.framework/Versions/A/"
     "XPCServices/com.apple.SkyLight.xpc/Contents/MacOS/com.apple.SkyLight", None),
    ("/System/Library/CoreServices/System Events.app/Contents/MacOS/System Events",
     "/System/Library/CoreServices/System Events.app/Contents/MacOS/System Events",
     "/System/Library/CoreServices/System Events.app"),
    ("/Applications/Sublime Text.app/Contents/MacOS/plugin_host 560 --auto-shell-env",
     "/Applications/Sublime Text.app/Contents/MacOS/plugin_host", "/Applications/Sublime Text.app"),
    ("/Library/Application Support/LANDesk/bin/lddispatch -p ipc:///Library/Application Support/LANDesk/tmp/socket/sys -s",
     "/Library/Application Support/LANDesk/bin/lddispatch", None),
    ("/usr/bin/codesign --verify --deep /Applications/Microsoft PowerPoint.app", "/usr/bin/codesign", None),
    ("/usr/libexec/UserEventAgent (System)", "/usr/libexec/UserEventAgent", None),
    ("/System/Library/CoreServices/Software Update.app/Contents/Resources/softwareupdated",
     "/System/Library/CoreServices/Software Update.app/Contents/Resources/softwareupdated",
     "/System/Library/CoreServices/Software Update.app"),
    ("/Library/Application Support/JAMF/Jamf.app/Contents/MacOS/JamfDaemon.app/Contents/MacOS/JamfDaemon",
     "/Library/Application Support/JAMF/Jamf.app/Contents/MacOS/JamfDaemon.app/Contents/MacOS/JamfDaemon",
     "/Library/Application Support/JAMF/Jamf.app"),
    ("com.docker.hyperkit -A -u -F vms/0/hyperkit.pid", "com.docker.hyperkit", None),
    ("/opt/x/bin/tool 12 sub/dir  -v  --k=v", "/opt/x/bin/tool 12 sub/dir", None),
    ("/Applications/Backup and Sync.app/Contents/MacOS/Backup and Sync -psn_0_1",
     "/Applications/Backup and Sync.app/Contents/MacOS/Backup and Sync", "/Applications/Backup and Sync.app"),
    ("/usr/bin/curl http://example.com/a b/c", "/usr/bin/curl", None),
    ("/usr/local/bin/node key=v dir/file.js", "/usr/local/bin/node", None),
    ("(launchd)", "(launchd)", None),
])
def test_executable_rule(command, executable, bundle):
    df = ps.parse("  PID  PPID COMMAND\n  100     1 " + command)
    assert df.loc[0, "executable"] == executable
    assert df.loc[0, "args"] == command[len(executable):].strip()
    got = df.loc[0, "app_bundle"]
    assert (None if got is __import__("pandas").NA else got) == bundle


def test_name_of_bracketed_and_corpus_paths():
    assert ps.parse("PID PPID COMMAND\n7 1 (launchd)").loc[0, "name"] == "launchd"
    df = ps.parse(corpus_text("ps", "jc-osx-10.14.6-ps-ef.out"))
    row = df[df["pid"] == 56].iloc[0]  # /Library/Application Support/BeyondTrust/pbmac/pbmacd
    assert (row["executable"], row["name"], row["line"]) == ("/Library/Application Support/BeyondTrust/pbmac/pbmacd", "pbmacd", 13)


def test_garbage_and_truncated_rows_warn():
    w = []
    df = ps.parse("  PID  PPID   UID USER             STARTED COMMAND\n"
                  "    1     0     0 root     Sun Dec 28 09:58:11 2025 /sbin/launchd\n"
                  "  abc   def\n"
                  "  382     1     0 root     Sun Dec\n"
                  "  383     1     0 root     Sun Dec 28 09:58:11 2025\n", w)  # no command: cut
    assert df["pid"].tolist() == [1] and [n for n, _ in w] == [3, 4, 5]
    assert SCHEMA.check(ps.parse("\x00garbage", w)) == []


def test_a_second_header_changes_the_dialect_and_start_words_follow_bsd_ps():
    # BSD ps prints `start` as %l:%M%p today, %a%I%p this week, %e%b%y before (adv_cmds ps/print.c)
    w = []
    df = ps.parse("  PID  PPID COMMAND\n    1     0 /sbin/launchd\n\n"
                  "  UID   PID  PPID   C STIME   TTY           TIME CMD\n"
                  "    0    44     1   0 Thu05PM ??         0:01.92 /usr/sbin/syslogd\n"
                  "  501   900     1   0 23Dec25 ttys000    0:00.01 -zsh\n", w)
    assert w == []
    assert df[["pid", "ppid", "uid", "started", "name", "line"]].astype(object).values.tolist() == [
        [1, 0, pd.NA, pd.NA, "launchd", 2], [44, 1, 0, "Thu05PM", "syslogd", 5], [900, 1, 501, "23Dec25", "-zsh", 6]]


def test_lstart_day_padding_is_one_blank_and_crlf_is_read():
    df = ps.parse("  PID  PPID   UID USER             STARTED                      COMMAND\r\n"
                  "  382     1     0 root             Mon Jun  2 15:35:00 2025     /usr/libexec/configd  \r\n")
    assert df.loc[0, ["started", "command", "executable"]].tolist() == [
        "Mon Jun 2 15:35:00 2025", "/usr/libexec/configd", "/usr/libexec/configd"]
