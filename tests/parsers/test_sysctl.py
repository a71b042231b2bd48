"""sysctl kern.boottime: real lines quoted from public code, broken input."""
import pandas as pd

from nettrace.parsers import sysctl

SCHEMA = sysctl.SCHEMAS["sysctl"]

# A macOS `sysctl kern.boottime` line quoted in a PHP system-info script (search index file
# id 22171840825; repository not exposed), verbatim.
PHP_COMMENT = "kern.boottime: { sec = 1634047554, usec = 237429 } Tue Oct 12 08:05:54 2021"
# The same format on FreeBSD, from ansible's FreeBSD hardware-facts unit test (mocks
# ansible.module_utils.facts.hardware.freebsd; search index file id 46858807526), verbatim.
ANSIBLE = "kern.boottime: { sec = 1525283860, usec = 989476 } Fri May  4 10:51:00 2018\n"


def test_boottime_is_utc_from_sec_and_usec():
    warnings = []
    df = sysctl.parse(PHP_COMMENT, warnings)
    assert SCHEMA.check(df) == [] and warnings == []
    assert df.loc[0, "key"] == "kern.boottime"
    assert df.loc[0, "value"] == "{ sec = 1634047554, usec = 237429 } Tue Oct 12 08:05:54 2021"
    assert df.loc[0, "boottime"] == pd.Timestamp("2021-10-12 14:05:54.237429", tz="UTC")


def test_second_real_line():
    df = sysctl.parse(ANSIBLE)
    assert df.loc[0, "boottime"] == pd.Timestamp(1525283860989476, unit="us", tz="UTC")
    assert df.loc[0, "line"] == 1


def test_other_keys_value_only_and_garbage():
    warnings = []
    df = sysctl.parse("hw.ncpu: 8\r\n{ sec = 1000, usec = 0 }\r\nkern.osrevision = 199506\r\n"
                      "!!!\r\nkern.boottime: { sec = 17668", warnings)
    assert SCHEMA.check(df) == []
    assert df["key"].tolist() == ["hw.ncpu", pd.NA, "kern.osrevision", "kern.boottime"]
    assert df["value"].tolist()[2] == "199506"
    assert df.loc[1, "boottime"] == pd.Timestamp("1970-01-01 00:16:40", tz="UTC")
    assert df["boottime"].isna().tolist() == [True, False, True, True]  # the cut line has no timeval
    assert [w[0] for w in warnings] == [4]
