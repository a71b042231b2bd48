"""launchctl list: a real OS X 10.11 listing and broken input."""
import pandas as pd

from nettrace.parsers import launchctl

SCHEMA = launchctl.SCHEMAS["launchd_jobs"]

# `launchctl list` on OS X 10.11, https://github.com/sosedoff/lunchy-go/issues/7 (cantyjeffrey, 2015);
# the first lines, verbatim.
EL_CAPITAN = """\
PID	Status	Label
-	0	com.apple.CoreAuthentication.daemon
-	0	com.apple.quicklook
-	0	com.apple.parentalcontrols.check
279	0	com.apple.Finder
-	0	com.apple.PackageKit.InstallStatus
-	0	com.apple.FontWorker
324	0	com.apple.bird
"""


def test_el_capitan_listing():
    warnings = []
    df = launchctl.parse(EL_CAPITAN, warnings)
    assert SCHEMA.check(df) == [] and warnings == []
    assert len(df) == 7
    assert df.loc[3, ["pid", "status", "label", "line"]].tolist() == [279, 0, "com.apple.Finder", 5]
    assert df["pid"].isna().sum() == 5
    assert df["label"].iloc[-1] == "com.apple.bird"


def test_signals_dashes_spaces_and_garbage():
    warnings = []
    text = "-\t-9\tcom.example.killed\r\n412  -  com.example.nostatus\r\nPID oops com.x\r\njust-a-label\r\n-\t78\t"
    df = launchctl.parse(text, warnings)
    assert SCHEMA.check(df) == []
    assert df["label"].tolist() == ["com.example.killed", "com.example.nostatus"]
    assert df["status"].tolist() == [-9, pd.NA]
    assert df["pid"].tolist() == [pd.NA, 412]
    assert [w[0] for w in warnings] == [3, 4, 5]
