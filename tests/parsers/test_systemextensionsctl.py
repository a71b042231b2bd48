"""systemextensionsctl list: real outputs quoted from issues and public transcripts."""
import pandas as pd

from nettrace.parsers import systemextensionsctl

SCHEMA = systemextensionsctl.SCHEMAS["system_extensions"]

# LuLu's network extension, https://github.com/objective-see/LuLu/issues/331 (objective-see, 2021), verbatim.
LULU = """\
% systemextensionsctl list
1 extension(s)

--- com.apple.system_extension.network_extension
enabled	active	teamID	bundleID (version)	name	[state]
*	*	VBG97UB4TA	com.objective-see.lulu.extension (2.3.0/2.3.0)	Extension	[activated enabled]
"""

# ClearVPN on a recent macOS (long `---` line), a recorded terminal transcript in a public repository
# (search index file id 58836095601; repository not exposed), verbatim.
CLEARVPN = """\
1 extension(s)
--- com.apple.system_extension.network_extension (Go to 'System Settings > General > Login Items & Extensions > Network Extensions' to modify these system extension(s))
enabled	active	teamID	bundleID (version)	name	[state]
*	*	S8EX82NJP6	com.macpaw.clearvpn.macos-setapp.system-network-extension (3.2.9/202511.10.1007)	SystemExtension-Setapp-Version	[activated enabled]
"""

# Tabs turned into spaces and names redacted by the author ("titles removed below for simplicity"),
# public write-up (search index file id 28447375650; repository not exposed), verbatim.
SPACED = """\
3 extension(s)
--- com.apple.system_extension.driver_extension
enabled active  teamID  bundleID (version)  name  [state]
*       *       G43BCU2T37  <...>  <...> (...)  <...>  [activated enabled]
--- com.apple.system_extension.network_extension
enabled active  teamID  bundleID (version)  name  [state]
*       *       J6S6Q257EK  <...>  <...> (...)  <...>  [activated enabled]
*       *       J6S6Q257EK  <...>  <...> (...)  <...>  [activated enabled]
"""


def test_lulu_row():
    warnings = []
    df = systemextensionsctl.parse(LULU, warnings)
    assert SCHEMA.check(df) == []
    assert len(df) == 1
    row = df.iloc[0]
    assert row[["category", "team_id", "bundle_id", "version", "name", "state", "line"]].tolist() == [
        "com.apple.system_extension.network_extension", "VBG97UB4TA", "com.objective-see.lulu.extension",
        "2.3.0/2.3.0", "Extension", "activated enabled", 6]
    assert (row["enabled"], row["active"]) == (True, True)
    assert [w[0] for w in warnings] == [1]  # the pasted prompt line


def test_long_category_line():
    df = systemextensionsctl.parse(CLEARVPN)
    assert df.loc[0, "category"] == "com.apple.system_extension.network_extension"
    assert df.loc[0, "version"] == "3.2.9/202511.10.1007"
    assert df.loc[0, "name"] == "SystemExtension-Setapp-Version"


def test_space_separated_redacted_rows():
    warnings = []
    df = systemextensionsctl.parse(SPACED, warnings)
    assert SCHEMA.check(df) == [] and warnings == []
    assert df["category"].tolist() == ["com.apple.system_extension.driver_extension"] + [
        "com.apple.system_extension.network_extension"] * 2
    assert df["team_id"].tolist() == ["G43BCU2T37", "J6S6Q257EK", "J6S6Q257EK"]
    assert df["enabled"].all() and df["active"].all()
    assert set(df["state"]) == {"activated enabled"}
    assert df["line"].tolist() == [4, 7, 8]


def test_not_enabled_row_and_garbage():
    warnings = []
    text = ("--- com.apple.system_extension.network_extension\r\n"
            "\t\t38RJUJHKZS\tcom.flowlight.app.filter (0.9.7/21)\tFlowlight Filter\t[terminated waiting to uninstall on reboot]\r\n"
            "*       J6S6Q257EK  com.example.x (1.0)  X  [activated waiting for user]\r\n"
            "*\t*\tABCDEF\tcut-off")
    df = systemextensionsctl.parse(text, warnings)
    assert SCHEMA.check(df) == []
    assert df["state"].tolist() == ["terminated waiting to uninstall on reboot", "activated waiting for user"]
    assert df["enabled"].tolist() == [False, pd.NA] and df["active"].tolist() == [False, pd.NA]
    assert [w[0] for w in warnings] == [3, 4]
