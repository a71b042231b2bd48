"""networksetup -listnetworkserviceorder: real outputs quoted from issues and docs."""
import pandas as pd

from nettrace.parsers import networksetup_order

SCHEMA = networksetup_order.SCHEMAS["network_order"]

# macOS 15.7.1, https://github.com/jedisct1/bitbar-dnscrypt-proxy-switcher/issues/11 (verbatim).
MACOS_15 = """\
An asterisk (*) denotes that a network service is disabled.
(1) AX88179A
(Hardware Port: AX88179A, Device: en9)

(2) USB 10/100/1000 LAN
(Hardware Port: USB 10/100/1000 LAN, Device: en5)

(3) AX88179
(Hardware Port: AX88179, Device: en6)

(4) USB 10/100/1000 LAN 2
(Hardware Port: USB 10/100/1000 LAN, Device: en11)

(5) Thunderbolt Bridge
(Hardware Port: Thunderbolt Bridge, Device: bridge0)

(6) Wi-Fi
(Hardware Port: Wi-Fi, Device: en0)
"""

# Disabled services, indented as pasted in a Parallels host's notes (public GitHub doc, search index
# file id 15049840427: "machv2:~ administrator$ networksetup -listnetworkserviceorder"), verbatim.
DISABLED = """\
    An asterisk (*) denotes that a network service is disabled.
    (1) Ethernet 1
    (Hardware Port: Ethernet 1, Device: en0)
    
    (2) Ethernet 2
    (Hardware Port: Ethernet 2, Device: en1)
    
    (*) Wi-Fi
    (Hardware Port: Wi-Fi, Device: en2)
    
    (*) Bluetooth PAN
    (Hardware Port: Bluetooth PAN, Device: en9)
    
    (*) Thunderbolt Bridge
    (Hardware Port: Thunderbolt Bridge, Device: bridge0)
"""

# https://github.com/tailscale/tailscale/issues/1338 (bradfitz, 2021), first service (verbatim).
TAILSCALE = """\
An asterisk (*) denotes that a network service is disabled.
(1) USB-Serial Controller D
(Hardware Port: USB-Serial Controller D, Device: usbserial)

(2) Ethernet
(Hardware Port: Ethernet, Device: en0)
"""


def test_service_name_differs_from_hardware_port():
    warnings = []
    df = networksetup_order.parse(MACOS_15, warnings)
    assert SCHEMA.check(df) == [] and warnings == []
    assert df["rank"].tolist() == [0, 1, 2, 3, 4, 5]
    row = df.iloc[3]
    assert (row["service"], row["hardware_port"], row["interface"], row["line"]) == (
        "USB 10/100/1000 LAN 2", "USB 10/100/1000 LAN", "en11", 11)
    assert df["interface"].tolist() == ["en9", "en5", "en6", "en11", "bridge0", "en0"]
    assert df["enabled"].all() and set(df["source"]) == {"networksetup"}
    assert df["family"].isna().all() and df["address"].isna().all()


def test_disabled_services_keep_their_place():
    df = networksetup_order.parse(DISABLED)
    assert df["service"].tolist() == ["Ethernet 1", "Ethernet 2", "Wi-Fi", "Bluetooth PAN", "Thunderbolt Bridge"]
    assert df["enabled"].tolist() == [True, True, False, False, False]
    assert df["rank"].tolist() == [0, 1, 2, 3, 4]
    assert df.loc[2, "interface"] == "en2"


def test_non_ethernet_device():
    df = networksetup_order.parse(TAILSCALE)
    assert df.loc[0, "interface"] == "usbserial" and df.loc[1, "line"] == 5


def test_vpn_service_without_device_and_broken_lines():
    warnings = []
    df = networksetup_order.parse(
        "(Hardware Port: Wi-Fi, Device: en0)\n(1) WireGuard\r\n(Hardware Port: com.wireguard.macos, Device: )\r\n"
        "garbage\n(2) Wi-Fi\n", warnings)
    assert SCHEMA.check(df) == []
    assert df["service"].tolist() == ["WireGuard", "Wi-Fi"]
    assert pd.isna(df.loc[0, "interface"]) and df.loc[0, "hardware_port"] == "com.wireguard.macos"
    assert pd.isna(df.loc[1, "hardware_port"])  # cut after the service line
    assert [w[0] for w in warnings] == [1, 4]
