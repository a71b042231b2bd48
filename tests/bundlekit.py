"""Build small bundles in tests: real macOS lines (from seed 000) in the real bundle layout.

The outputs below are quoted from the seed 000 write-up (``../shared/seeds/000_*.txt``): the
``netstat -rn`` default through feth4868, the ``route monitor`` message of pid 382, ``ifconfig
feth4868`` and the ``lsof``/``ps`` lines of MacEthernetTapAgent. Lines the seed does not show
(the en0 rows, feth9868, launchd, configd) are written in the same real formats.
"""
from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

NETSTAT = """Routing tables

Internet:
Destination        Gateway            Flags               Netif Expire
default            127.0.0.1          UGScg            feth4868 
default            10.68.255.254      UGScg                 en0       
default            10.68.255.254      UGScIg                en0       
10.68/16           link#11            UCS                   en0      !
127                127.0.0.1          UCS                   lo0       
127.0.0.1          127.0.0.1          UH                    lo0       
172.27/16          link#25            UC             feth4868      !
"""

IFCONFIG = """lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> mtu 16384
	options=1203<RXCSUM,TXCSUM,TXSTATUS,SW_TIMESTAMP>
	inet 127.0.0.1 netmask 0xff000000
	inet6 ::1 prefixlen 128 
	inet6 fe80::1%lo0 prefixlen 64 scopeid 0x1 
en0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500
	options=6460<TSO4,TSO6,CHANNEL_IO,PARTIAL_CSUM,ZEROINVERT_CSUM>
	ether bc:d0:74:30:0e:71
	inet6 fe80::1c:1d%en0 prefixlen 64 secured scopeid 0xb 
	inet 10.68.1.20 netmask 0xffff0000 broadcast 10.68.255.255
	status: active
feth4868: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 5000 mtu 2800
          options=8<VLAN_HWTAGGING>
          ether d6:8b:8e:3b:53:14
          inet 172.27.5.101 netmask 0xffff0000 broadcast 172.27.255.255
          peer: feth9868
          media: autoselect (10Gbase-T <full-duplex>)
          status: active
feth9868: flags=8943<UP,BROADCAST,RUNNING,PROMISC,SIMPLEX,MULTICAST> mtu 2800
          ether 66:65:74:68:26:a4
          peer: feth4868
          media: autoselect
          status: active
"""

PS = """  PID  PPID   UID USER             STARTED COMMAND
    1     0     0 root             Sun Dec 28 09:58:01 2025 /sbin/launchd
  382     1     0 root             Sun Dec 28 09:58:03 2025 /usr/libexec/configd
  535     1     0 root             Sun Dec 28 09:58:10 2025 /Library/Application Support/ZeroTier/One/zerotier-one
  647   535     0 root             Sun Dec 28 09:58:11 2025 /Library/Application Support/ZeroTier/One/MacEthernetTapAgent 4868 d6:8b:8e:3b:53:14 2800 5000
"""

LSOF = """COMMAND    PID   USER    FD   TYPE               DEVICE  SIZE/OFF      NODE NAME
MacEthern  647   root    3u   ndrv   0xa74f6360b3f2d7bc       0t0           -> feth9868
"""

MONITOR = "".join(f"2025-12-28T02:15:27Z\t{line}\n" for line in (
    "got message of size 176 on Sun Dec 28 10:15:27 2025",
    "RTM_ADD: Add Route: len 176, pid: 382, seq 1954, errno 0, flags:<UP,GATEWAY,DONE,STATIC>",
    "locks:  inits: ",
    "sockaddrs: <DST,GATEWAY,NETMASK,IFP,IFA>",
    " default localhost default index: 25  172.27.5.101",
))

FILES = {
    "end/netstat_routes.out": NETSTAT,
    "end/ifconfig.out": IFCONFIG,
    "end/ps.out": PS,
    "end/lsof.out": LSOF,
    "stream/route_monitor.out": MONITOR,
}
NAMES = {"end/netstat_routes.out": ("netstat_routes", ["netstat", "-rn"]),
         "end/ifconfig.out": ("ifconfig", ["ifconfig", "-a"]),
         "end/ps.out": ("ps", ["ps", "-axww", "-o", "pid,ppid,uid,user,lstart,command"]),
         "end/lsof.out": ("lsof", ["lsof", "-nP", "-w"]),
         "stream/route_monitor.out": ("route_monitor", ["route", "-n", "monitor"])}


def _entry_of(path: str) -> tuple[str, str, str, str | None, str]:
    """(name, kind, phase, target, as) of a bundle member path, as the capture script names them."""
    stem = Path(path).stem
    name, _, target = stem.partition("@")
    if path.startswith("probe/"):
        return name, "probe", "probe", target or None, path.split("/")[1]
    if path.startswith("stream/"):
        return name, "stream", "run", target or None, "root"
    if path.startswith("log/"):
        return name, "log", "log", None, "root"
    return name, "snapshot", path.split("/", 1)[0], None, "root"


def manifest_for(files: dict[str, bytes]) -> dict:
    commands = []
    for path, data in files.items():
        if path.endswith(".err") and path[:-4] + ".out" in files:
            continue  # the stderr of the .out beside it, recorded in that command's entry
        err = files.get(path[:-4] + ".err", b"") if path.endswith(".out") else b""
        name, kind, phase, target, as_ = _entry_of(path)
        name, argv = NAMES.get(path, (name, [name] + ([target] if target else [])))
        stream = kind == "stream"
        commands.append({
            "name": name, "kind": kind, "phase": phase,
            "seq": None, "target": target, "as": as_, "argv": argv, "output": path,
            "stderr": None if stream or not path.endswith(".out") else path[:-4] + ".err", "started_at": "2025-12-28T02:16:00Z",
            "ended_at": "2025-12-28T02:16:01Z", "exit_code": 0, "timed_out": False, "truncated": False,
            "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "stderr_bytes": len(err),
            "stderr_sha256": hashlib.sha256(err).hexdigest(), "skipped": None})
    return {"schema_version": 1, "capture_version": "0.1.0", "host": "MacBook-Pro",
            "macos": {"product_name": "macOS", "product_version": "26.2", "build_version": "25C56"},
            "started_at": "2025-12-28T02:14:50Z", "ended_at": "2025-12-28T02:16:05Z", "timezone": "+0800",
            "uid": 0, "user": "noblee.tung", "root": True, "interrupted": False,
            "default_gateway": "10.68.255.254",
            "flags": {"duration": 60, "interval": 10, "probes": [], "no_sudo": False, "redact": False, "logs": 0},
            "commands": commands}


def seed000_files() -> dict[str, bytes]:
    return {k: v.encode() for k, v in FILES.items()}


def write_bundle(path: Path, files: dict[str, bytes] | None = None, manifest: dict | None | bool = True,
                 top: str = "nettrace-MacBook-Pro-20251228T021450Z", extra: list | None = None) -> Path:
    """Write a .tar.gz bundle. ``manifest=True`` builds a correct one; ``False`` leaves it out.

    *extra* is a list of ready ``(TarInfo, bytes | None)`` pairs appended verbatim (hostile members).
    """
    files = seed000_files() if files is None else files
    if manifest is True:
        manifest = manifest_for(files)
    with tarfile.open(path, "w:gz") as tf:
        members = dict(files)
        if manifest:
            members["manifest.json"] = json.dumps(manifest).encode()
        for name, data in members.items():
            info = tarfile.TarInfo(f"{top}/{name}" if top else name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for info, data in extra or []:
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


# short names for the members a rule test writes most (see :func:`host`)
MEMBERS = {
    "netstat": "end/netstat_routes.out", "ifconfig": "end/ifconfig.out", "ps": "end/ps.out", "lsof": "end/lsof.out",
    "monitor": "stream/route_monitor.out", "ports": "end/hardware_ports.out", "dns": "end/scutil_dns.out",
    "nwi": "end/scutil_nwi.out", "pf": "end/pfctl.out", "arp": "end/arp.out", "logs": "log/log_show.ndjson",
}


def host(tmp_path: Path, name: str = "host", base: bool = True, drop: tuple[str, ...] = (), **members):
    """A small fake Mac, loaded: seed 000's files (``base=True``) with members replaced or added.

    Keywords are short names from :data:`MEMBERS` (``netstat=…``, ``lsof=…``) or, with ``/`` written
    as ``__`` and ``.``/``@`` kept in a dict passed as ``files=``, any member path. ``drop`` removes
    members (``drop=("lsof",)`` is a capture without lsof). Returns the loaded :class:`Bundle`.
    """
    import nettrace

    files = seed000_files() if base else {}
    for short in drop:
        files.pop(MEMBERS.get(short, short), None)
    extra = members.pop("files", {}) or {}
    for short, text in list(members.items()) + list(extra.items()):
        path = MEMBERS.get(short, short)
        if text is None:
            files.pop(path, None)
        else:
            files[path] = text.encode() if isinstance(text, str) else text
    return nettrace.load(write_bundle(tmp_path / f"{name}.tar.gz", files))


# ---- a healthy Mac to start rule tests from (formats of the scenarios above; see SOURCES there)
HEALTHY_NETSTAT = """Routing tables

Internet:
Destination        Gateway            Flags               Netif Expire
default            10.68.255.254      UGScg                 en0       
10.68/16           link#11            UCS                   en0      !
10.68.1.20/32      link#11            UCS                   en0      !
10.68.255.254      5c:e9:31:0b:aa:01  UHLWIir               en0   1185
127                127.0.0.1          UCS                   lo0       
127.0.0.1          127.0.0.1          UH                    lo0       
169.254            link#11            UCS                   en0      !
224.0.0/4          link#11            UmCS                  en0      !
255.255.255.255/32 link#11            UCS                   en0      !

Internet6:
Destination                             Gateway                                 Flags               Netif Expire
default                                 fe80::%utun0                            UGcIg               utun0       
default                                 fe80::%utun1                            UGcIg               utun1       
::1                                     ::1                                     UHL                   lo0       
fe80::%lo0/64                           fe80::1%lo0                             UcI                   lo0       
fe80::1%lo0                             link#1                                  UHLI                  lo0       
fe80::%utun0/64                         fe80::44ec:3313:d7f8:ad01%utun0         UcI                 utun0       
fe80::%utun1/64                         fe80::8900:6907:1ae0:99e8%utun1         UcI                 utun1       
ff00::/8                                fe80::44ec:3313:d7f8:ad01%utun0         UmCI                utun0       
ff00::/8                                fe80::8900:6907:1ae0:99e8%utun1         UmCI                utun1       
"""

APPLE_UTUNS = """utun0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1500
	inet6 fe80::44ec:3313:d7f8:ad01%utun0 prefixlen 64 scopeid 0x12 
	nd6 options=201<PERFORMNUD,DAD>
utun1: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1380
	inet6 fe80::8900:6907:1ae0:99e8%utun1 prefixlen 64 scopeid 0x13 
	nd6 options=201<PERFORMNUD,DAD>
"""

HEALTHY_IFCONFIG = IFCONFIG.split("feth4868:")[0] + APPLE_UTUNS

HEALTHY_PS = """  PID  PPID   UID USER             STARTED COMMAND
    1     0     0 root             Sun Dec 28 09:58:01 2025 /sbin/launchd
  382     1     0 root             Sun Dec 28 09:58:03 2025 /usr/libexec/configd
  461     1    65 _mdnsresponder   Sun Dec 28 09:58:04 2025 /usr/sbin/mDNSResponder
  606     1   501 noblee.tung      Sun Dec 28 09:59:32 2025 /System/Library/PrivateFrameworks/IDS.framework/identityservicesd.app/Contents/MacOS/identityservicesd
"""

HEALTHY_LSOF = """COMMAND    PID            USER  FD   TYPE             DEVICE SIZE/OFF                NODE NAME
mDNSRespo  461  _mdnsresponder   3u  IPv4 0xda5d38eedaa678fe      0t0                 UDP *:5353
identitys  606     noblee.tung   5u  systm 0x775bccf0dc556b6e      0t0                     [ctl com.apple.net.utun_control id 6 unit 1]
"""


def ping_out(target: str, ok: bool = True, error: str | None = None) -> str:
    """`ping -c 3` output (real format): three replies, or three timeouts with an optional error line."""
    head = f"PING {target} ({target}): 56 data bytes\n"
    if ok:
        body = "".join(f"64 bytes from {target}: icmp_seq={i} ttl=57 time=12.{i}00 ms\n" for i in range(3))
        return head + body + (f"\n--- {target} ping statistics ---\n3 packets transmitted, 3 packets received, "
                              "0.0% packet loss\nround-trip min/avg/max/stddev = 12.000/12.100/12.200/0.082 ms\n")
    body = "".join(f"Request timeout for icmp_seq {i}\n" for i in range(2))
    out = head + body + (f"\n--- {target} ping statistics ---\n3 packets transmitted, 0 packets received, "
                         "100.0% packet loss\n")
    return out + (f"{error}\n" * 3 if error else "")


def healthy(tmp_path: Path, name: str = "healthy", **members):
    """A healthy Wi-Fi Mac (en0 default, Apple's utun0/utun1, lsof and ps of Apple daemons) with
    *members* replaced or added as in :func:`host`."""
    base = {"netstat": HEALTHY_NETSTAT, "ifconfig": HEALTHY_IFCONFIG, "ps": HEALTHY_PS, "lsof": HEALTHY_LSOF}
    base.update(members)
    return host(tmp_path, name=name, base=False, **base)
