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
        name, kind, phase, target, as_ = _entry_of(path)
        name, argv = NAMES.get(path, (name, [name] + ([target] if target else [])))
        stream = kind == "stream"
        commands.append({
            "name": name, "kind": kind, "phase": phase,
            "seq": None, "target": target, "as": as_, "argv": argv, "output": path,
            "stderr": None if stream or not path.endswith(".out") else path[:-4] + ".err", "started_at": "2025-12-28T02:16:00Z",
            "ended_at": "2025-12-28T02:16:01Z", "exit_code": 0, "timed_out": False, "truncated": False,
            "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "stderr_bytes": 0,
            "stderr_sha256": hashlib.sha256(b"").hexdigest(), "skipped": None})
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
