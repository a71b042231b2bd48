"""scutil --proxy: real outputs quoted from issues and public code (the corpus has none)."""
import pandas as pd

from nettrace.parsers import scutil_proxy

SCHEMA = scutil_proxy.SCHEMAS["proxy"]

# macOS 10.15.7 behind a corporate PAC, https://github.com/httptoolkit/httptoolkit/issues/151 (verbatim).
PAC = """\
<dictionary> {
  ProxyAutoConfigEnable : 1
  ProxyAutoConfigURLString : http://wpad.company.com/wpad.dat
}
"""

# "用户机器上的真实输出（2026-09-15，VPN 客户端的系统代理）" — a user's machine with a VPN client's system
# proxy, quoted in a public test file (search index file id 69562458758; repository not exposed), verbatim.
VPN_CLIENT = """\
<dictionary> {
  ExceptionsList : <array> {
    0 : localhost
    1 : 127.0.0.1/8
  }
  FTPPassive : 1
  HTTPEnable : 1
  HTTPPort : 9527
  HTTPProxy : localhost
  HTTPSEnable : 1
  HTTPSPort : 9527
  HTTPSProxy : localhost
  SOCKSEnable : 1
  SOCKSPort : 9527
  SOCKSProxy : localhost
}"""


def test_pac_only():
    warnings = []
    df = scutil_proxy.parse(PAC, warnings)
    assert SCHEMA.check(df) == [] and warnings == []
    assert df[["key", "value", "line"]].values.tolist() == [
        ["ProxyAutoConfigEnable", "1", 2], ["ProxyAutoConfigURLString", "http://wpad.company.com/wpad.dat", 3]]
    assert df["enabled"].tolist() == [True, pd.NA]
    assert df["scope"].isna().all()


def test_vpn_client_exceptions_flattened():
    warnings = []
    df = scutil_proxy.parse(VPN_CLIENT, warnings)
    assert warnings == []
    values = dict(zip(df["key"], df["value"]))
    assert values["ExceptionsList"] == "localhost,127.0.0.1/8"
    assert values["HTTPSProxy"] == "localhost" and values["SOCKSPort"] == "9527"
    assert df.loc[df["key"] == "ExceptionsList", "line"].item() == 2
    enabled = df.dropna(subset=["enabled"])
    assert enabled["key"].tolist() == ["HTTPEnable", "HTTPSEnable", "SOCKSEnable"]
    assert enabled["enabled"].all()
    assert len(df) == 11


def test_scoped_dictionaries_fragment_and_truncation():
    warnings = []
    text = ("  HTTPEnable : 0\r\n  __SCOPED__ : <dictionary> {\r\n    en0 : <dictionary> {\r\n"
            "      ExceptionsList : <array> {\r\n        0 : *.local\r\n      }\r\n      HTTPEnable : 0\r\n"
            "    }\r\n  }\r\n}\r\n}\r\nnot a key line\r\n  ExceptionsList : <array> {\r\n    0 : 169.254/16\r\n")
    df = scutil_proxy.parse(text, warnings)
    assert SCHEMA.check(df) == []
    assert list(zip(df["scope"].fillna("-"), df["key"], df["value"])) == [
        ("-", "HTTPEnable", "0"),
        ("__SCOPED__/en0", "ExceptionsList", "*.local"),
        ("__SCOPED__/en0", "HTTPEnable", "0"),
        ("-", "ExceptionsList", "169.254/16"),
    ]
    assert df["enabled"].tolist() == [False, pd.NA, False, pd.NA]
    assert [w[0] for w in warnings] == [10, 11, 12, None]
