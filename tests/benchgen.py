"""Deterministic synthetic inputs for ``make bench``, in the real macOS formats.

Every generator takes a size and a seed and returns ``(text, expected)``: the output text and the
counts the parsers must reproduce (rows per frame, rows per kind). The formats follow real
outputs: ``route -n monitor`` as the capture stores it (``<UTC>Z<TAB>`` on every line, a blank
line before each message, as in data/samples/*), ``lsof -nP -w`` / ``ps -axww -o
pid,ppid,uid,user,lstart,command`` as in tests/scenarios/*, ``netstat -rn`` and ``ifconfig -a`` of
macOS 26 (the layouts of the corpus files ``getmac-macos_26.6.2-*``). Values are invented (RFC 5737
/ ULA addresses, random MACs); the line shapes are not.

Run ``python -m tests.benchgen DIR [--quick]`` to write the files and ``expected.json``.
"""
from __future__ import annotations

import json
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

__all__ = ["route_monitor", "lsof", "netstat", "ifconfig", "ps", "bundle_files", "write_all"]

_WD = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _ctime(t: datetime) -> str:
    return f"{_WD[t.weekday()]} {_MON[t.month - 1]} {t.day:2d} {t:%H:%M:%S} {t.year}"


def _mac(r: random.Random, dotted: bool = False) -> str:
    b = [r.randrange(256) for _ in range(6)]
    return ".".join(f"{x:x}" for x in b) if dotted else ":".join(f"{x:x}" for x in b)


def _mac_padded(r: random.Random) -> str:
    return ":".join(f"{r.randrange(256):02x}" for _ in range(6))


# --------------------------------------------------------------------------- route -n monitor

# (type, description) as route.c prints them; the first four are the ones in the corpus
_RTM_ROUTE = (("RTM_ADD", "Add Route"), ("RTM_DELETE", "Delete Route"), ("RTM_CHANGE", "Change Metrics or flags"),
              ("RTM_GET", "Report Metrics"), ("RTM_MISS", "Lookup failed on this address"))
_ROUTE_FLAGS = ("UP,GATEWAY,DONE,STATIC", "GATEWAY,DONE,STATIC,PRCLONING,CONDEMNED,GLOBAL",
                "UP,GATEWAY,DONE,STATIC,IFSCOPE", "GATEWAY,DONE,STATIC,PRCLONING,IFSCOPE,CONDEMNED",
                "UP,GATEWAY,STATIC,IFSCOPE", "UP,DONE,STATIC,PRCLONING,GLOBAL")
_IF_FLAGS = ("UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST", "UP,BROADCAST,b6,RUNNING,PPROMISC,SIMPLEX,MULTICAST",
             "UP,PTP,RUNNING,MULTICAST", "UP,LOOPBACK,RUNNING,MULTICAST", "BROADCAST,SIMPLEX,MULTICAST")


def route_monitor(messages: int, seed: int = 7) -> tuple[str, dict]:
    """A capture stream of *messages* route-monitor messages (realistic mix, see the module doc).

    Mix: route messages (RTM_ADD/DELETE/CHANGE/GET/MISS: defaults with ``en0:mac``, ``index: N``
    or empty IFP, ifscoped, errno 3, LLINFO hosts with a MAC gateway, IPv6 hosts and defaults,
    ``DST,GATEWAY,NETMASK`` nets), RTM_IFINFO (with and without a trailing blank), and
    RTM_NEWADDR/RTM_DELADDR for IPv4 and IPv6. Expected: rows, rows per type, ifscoped rows,
    rows with an interface index.
    """
    r = random.Random(seed)
    out: list[str] = []
    t = datetime(2025, 12, 26, 18, 0, 0)  # the Mac's local time (+0800)
    nif = 40
    ifaces = [(f"en{i}" if i < 8 else f"utun{i - 8}", i + 4, _mac(r, dotted=True)) for i in range(nif)]
    gws = [f"192.168.{r.randrange(256)}.1" for _ in range(60)] + ["localhost", "10.68.255.254", "127.0.0.1"]
    v4 = [f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}" for _ in range(3000)]
    v6 = [f"fd54:20a4:d33b:b10c:{r.randrange(65536):x}:0:1:{r.randrange(65536):x}" for _ in range(1500)]
    seq = 1000
    counts: dict[str, int] = {}
    ifscoped = indexed = 0
    for _ in range(messages):
        if r.random() < 0.3:
            t += timedelta(seconds=r.randrange(1, 4))
        cap = (t - timedelta(hours=8) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ\t")
        k = r.random()
        lines: list[str] = []
        if k < 0.62:  # a route message
            typ, desc = _RTM_ROUTE[0 if k < 0.25 else 1 if k < 0.47 else 2 if k < 0.53 else 3 if k < 0.58 else 4]
            shape = r.random()
            pid, errno = (382, 0) if r.random() < 0.7 else (0, 0)
            if typ == "RTM_DELETE" and r.random() < 0.1:
                errno = 3
            seq += 1
            scope = ""
            if r.random() < 0.3:
                name, idx, _ = ifaces[r.randrange(nif)]
                scope = f"ifscope {idx}, "
                ifscoped += 1
            if shape < 0.55:  # a default / net route with all five roles
                name, idx, mac = ifaces[r.randrange(nif)]
                form = r.random()
                if form < 0.5:
                    ifp = f"{name}:{mac}"
                elif form < 0.85:
                    ifp = f"index: {idx} "
                    indexed += 1
                else:
                    ifp = ""
                dst = "default" if r.random() < 0.6 else r.choice(v4).rsplit(".", 1)[0] + ".0"
                mask = "default" if dst == "default" else "255.255.255.0"
                size = 176 if ifp.startswith("index") else 164
                flags = r.choice(_ROUTE_FLAGS)
                addr = f" {dst} {r.choice(gws)} {mask} {ifp} {r.choice(v4)}"
                roles = "DST,GATEWAY,NETMASK,IFP,IFA"
            elif shape < 0.75:  # an ARP host learned by cloning
                size, pid, scope_idx = 140, 0, ifaces[r.randrange(8)][1]
                if not scope:
                    scope = f"ifscope {scope_idx}, "
                    ifscoped += 1
                flags = "UP,HOST,DONE,LLINFO,WASCLONED,IFSCOPE,IFREF"
                addr = f" {r.choice(v4)} {_mac(r)}"
                roles = "DST,GATEWAY"
            elif shape < 0.9:  # an IPv6 host or default
                size, flags = 140, "UP,HOST,LLINFO,LOCAL"
                if r.random() < 0.5:
                    addr, roles = f" {r.choice(v6)} ", "DST,GATEWAY"
                else:
                    name, idx, _ = ifaces[8 + r.randrange(nif - 8)]
                    addr = f" default fe80::%{name} default {name} {r.choice(v6)}"
                    roles, flags = "DST,GATEWAY,NETMASK,IFP,IFA", "UP,GATEWAY,DONE,STATIC,IFSCOPE"
            else:  # a net via a gateway (route add)
                size, flags = 132, "UP,GATEWAY,STATIC"
                addr = f" {r.choice(v4).rsplit('.', 2)[0]}.0.0 {r.choice(gws)} 255.255.0.0"
                roles = "DST,GATEWAY,NETMASK"
            lines += [f"got message of size {size} on {_ctime(t)}",
                      f"{typ}: {desc}: len {size}, pid: {pid}, seq {seq if pid else 0}, errno {errno}, "
                      f"{scope}flags:<{flags}>",
                      "locks:  inits: ", f"sockaddrs: <{roles}>", addr]
        elif k < 0.82:
            typ = "RTM_IFINFO"
            name, idx, _ = ifaces[r.randrange(nif)]
            indexed += 1
            trail = " " if r.random() < 0.3 else ""
            lines += [f"got message of size 112 on {_ctime(t)}",
                      f"RTM_IFINFO: iface status change: len 112, if# {idx}, flags:<{r.choice(_IF_FLAGS)}>{trail}"]
        else:
            typ, desc = ("RTM_NEWADDR", "address being added to iface") if k < 0.93 else \
                ("RTM_DELADDR", "address being removed from iface")
            name, idx, mac = ifaces[r.randrange(nif)]
            if r.random() < 0.6:
                a = r.choice(v4)
                addr = f" 255.255.0.0 {name}:{mac} {a} {a.rsplit('.', 2)[0]}.255.255"
                size = 100
            else:
                addr = f" ffff:ffff:ffff:ffff:: {name} {r.choice(v6)} default"
                size = 96
            lines += [f"got message of size {size} on {_ctime(t)}",
                      f"{typ}: {desc}: len {size}, metric 0, flags:<UP>",
                      "sockaddrs: <NETMASK,IFP,IFA,BRD>", addr]
        counts[typ] = counts.get(typ, 0) + 1
        out.append(cap + "\n")
        out.extend(cap + line + "\n" for line in lines)
    text = "".join(out)
    return text, {"rows": messages, "types": dict(sorted(counts.items())), "ifscope": ifscoped,
                  "index": indexed}


# --------------------------------------------------------------------------- lsof -nP -w

_PROCS = ("launchd", "logd", "configd", "mDNSResponder", "UserEventAgent", "WindowServer", "Safari",
          "com.apple.WebKit.Networking", "Google Chrome Helper", "Slack Helper", "zerotier-one",
          "MacEthernetTapAgent", "WireGuardNetworkExtension", "clash-verge", "verge-mihomo", "sshd",
          "Code Helper (Renderer)", "node", "python3.11", "Dropbox", "rapportd", "apsd", "bluetoothd")
_USERS = ("root", "mchen", "_mdnsresponder", "_netbios", "_windowserver", "_locationd")


def _processes(n: int, r: random.Random) -> list[tuple[int, int, int, str, str, str]]:
    """(pid, ppid, uid, user, command-line, lsof command) of *n* processes, pid 1 first."""
    procs = [(1, 0, 0, "root", "/sbin/launchd", "launchd")]
    pid = 80
    for i in range(1, n):
        pid += r.randrange(1, 12)
        base = _PROCS[i % len(_PROCS)]
        user = _USERS[r.randrange(len(_USERS))]
        uid = 0 if user == "root" else 501 if user == "mchen" else 200 + len(user)
        if i % 5 == 0:
            cmd = f"/Applications/{base}.app/Contents/MacOS/{base} --type=renderer --seq={i}"
        elif i % 5 == 1:
            cmd = f"/System/Library/PrivateFrameworks/{base}.framework/Versions/A/Support/{base} -d"
        elif i % 5 == 2:
            cmd = f"/Library/Application Support/{base}/One/{base} 4868 {_mac_padded(r)} 2800 5000"
        else:
            cmd = f"/usr/libexec/{base}"
        procs.append((pid, 1 if i % 3 else procs[r.randrange(i)][0], uid, user, cmd, base.replace(" ", "\\x20")[:9]))
    return procs


def _lsof_row(cmd, pid, user, fd, typ, dev, size, node, name) -> str:
    return f"{cmd:<9} {pid:>5} {user:>15} {fd:>4} {typ:>7} {dev:>18} {size:>8} {node:>19} {name}".rstrip()


def lsof(lines: int, processes: int = 600, seed: int = 11) -> tuple[str, dict]:
    """``lsof -nP -w``: a header and *lines* rows for *processes* processes (cwd/txt/REG/CHR/DIR
    files, unix sockets, KQUEUE, PIPE, IPv4/IPv6 TCP and UDP with states, systm kernel controls
    incl. utun_control, ndrv on feth, /dev/bpf)."""
    r = random.Random(seed)
    procs = _processes(processes, r)
    out = [_lsof_row("COMMAND", "PID", "USER", "FD", "TYPE", "DEVICE", "SIZE/OFF", "NODE", "NAME")]
    kinds: dict[str, int] = {}
    per = max(1, lines // processes)
    i = 0
    while len(out) - 1 < lines:
        pid, _, _, user, _, cmd = procs[i % len(procs)]
        i += 1
        for j in range(per if i <= len(procs) else 1):
            if len(out) - 1 >= lines:
                break
            k = r.random()
            fd = f"{j}{'urw'[j % 3]}" if j > 1 else ("cwd", "txt")[j]
            dev = f"0x{r.getrandbits(64):016x}"
            if j == 0:
                row = (cmd, pid, user, fd, "DIR", "1,17", "640", "2", "/")
                typ = "DIR"
            elif k < 0.25:
                typ = "REG"
                row = (cmd, pid, user, fd, typ, "1,17", str(r.randrange(10**7)), str(r.randrange(10**18)),
                       f"/System/Library/Frameworks/F{r.randrange(500)}.framework/Versions/A/F{j}")
            elif k < 0.4:
                typ = "CHR"
                row = (cmd, pid, user, fd, typ, "3,2", "0t0", "333", "/dev/null") if k < 0.37 else \
                    (cmd, pid, user, fd, typ, "23,1", "0t0", "617", f"/dev/bpf{r.randrange(8)}")
            elif k < 0.6:
                typ = "unix"
                row = (cmd, pid, user, fd, typ, dev, "0t0", "", f"->0x{r.getrandbits(64):016x}")
            elif k < 0.7:
                typ = "KQUEUE"
                row = (cmd, pid, user, fd, typ, "", "", "", "count=0, state=0xa")
            elif k < 0.74:
                typ = "PIPE"
                row = (cmd, pid, user, fd, typ, dev, "16384", "", f"->0x{r.getrandbits(64):016x}")
            elif k < 0.9:
                typ = "IPv4" if k < 0.84 else "IPv6"
                local = f"10.8.0.2:{r.randrange(49152, 65535)}" if typ == "IPv4" else \
                    f"[fd00::{r.randrange(65536):x}]:{r.randrange(49152, 65535)}"
                if r.random() < 0.7:
                    name = f"TCP {local}->{r.randrange(1, 224)}.{r.randrange(256)}.{r.randrange(256)}.5:443 (ESTABLISHED)"
                elif r.random() < 0.5:
                    name = f"TCP *:{r.randrange(1024, 9000)} (LISTEN)"
                else:
                    name = "UDP *:*" if r.random() < 0.5 else f"UDP {local}"
                row = (cmd, pid, user, fd, typ, dev, "0t0", name[:3], name[4:])
            elif k < 0.97:
                typ = "systm"
                ctl = f"[ctl com.apple.net.utun_control id 4 unit {r.randrange(1, 12)}]" if k < 0.93 else \
                    f"[ctl com.apple.netsrc id 7 unit {r.randrange(60)}]"
                row = (cmd, pid, user, fd, typ, dev, "0t0", "", ctl)
            elif k < 0.98:
                typ = "ndrv"
                row = (cmd, pid, user, fd, typ, dev, "0t0", "", f"-> feth{r.randrange(5000, 9999)}")
            else:
                typ = "NPOLICY"
                row = (cmd, pid, user, fd, typ, "", "", "", "")
            kinds[typ] = kinds.get(typ, 0) + 1
            out.append(_lsof_row(*row))
    return "\n".join(out) + "\n", {"rows": lines, "types": dict(sorted(kinds.items()))}


# --------------------------------------------------------------------------- ps

def ps(processes: int, seed: int = 11) -> tuple[str, dict]:
    """``ps -axww -o pid,ppid,uid,user,lstart,command`` of *processes* processes."""
    r = random.Random(seed)
    t = datetime(2025, 12, 28, 9, 41, 7)
    out = ["  PID  PPID   UID USER             STARTED                      COMMAND"]
    for pid, ppid, uid, user, cmd, _ in _processes(processes, r):
        t += timedelta(seconds=r.randrange(3))
        out.append(f"{pid:5d} {ppid:5d} {uid:5d} {user:<16} {_ctime(t)}     {cmd}")
    return "\n".join(out) + "\n", {"rows": processes}


# --------------------------------------------------------------------------- netstat -rn

def _nrow(dest: str, gw: str, flags: str, netif: str, expire: str, wide: bool) -> str:
    if wide:
        return f"{dest:<39} {gw:<39} {flags:<15} {netif:>9} {expire:>6}"
    return f"{dest:<18} {gw:<18} {flags:<15} {netif:>9} {expire:>6}"


def netstat(routes: int, seed: int = 13) -> tuple[str, dict]:
    """``netstat -rn`` of macOS 26 with *routes* routes: 80% Internet (defaults, nets as
    ``10.244/16``, hosts with MAC gateways, link#N, multicast), 20% Internet6 (defaults via
    ``fe80::%utunN``, scoped link-locals)."""
    r = random.Random(seed)
    n4 = routes * 4 // 5
    n6 = routes - n4
    ifs = ["en0", "en1", "utun3", "utun4", "feth4868", "bridge100", "lo0"]
    out = ["Routing tables", "", "Internet:",
           "Destination        Gateway            Flags               Netif Expire"]
    defaults = 0
    for i in range(n4):
        k = r.random()
        netif = ifs[r.randrange(len(ifs))]
        if i < 3:
            row = _nrow("default", ("127.0.0.1", "10.68.255.254", "10.68.255.254")[i],
                        ("UGScg", "UGScg", "UGScIg")[i], ("feth4868", "en0", "en0")[i], "", False)
            defaults += 1
        elif k < 0.3:
            row = _nrow(f"10.{r.randrange(256)}/16", f"10.9.0.{r.randrange(1, 255)}", "UGSc", netif, "", False)
        elif k < 0.6:
            row = _nrow(f"192.168.{r.randrange(256)}.{r.randrange(1, 255)}", _mac(r), "UHLWIi", netif,
                        str(r.randrange(1200)), False)
        elif k < 0.8:
            row = _nrow(f"172.{r.randrange(16, 32)}.{r.randrange(256)}", f"link#{r.randrange(1, 40)}", "UCS",
                        netif, "!", False)
        elif k < 0.9:
            row = _nrow(f"{r.randrange(1, 224)}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(256)}/32",
                        f"link#{r.randrange(1, 40)}", "UCS", netif, "!", False)
        else:
            row = _nrow(f"224.0.0.{r.randrange(256)}", f"1:0:5e:0:0:{r.randrange(256):x}", "UHmLWI", netif, "",
                        False)
        out.append(row)
    out += ["", "Internet6:",
            "Destination                             Gateway                                 Flags               "
            "Netif Expire"]
    for i in range(n6):
        k = r.random()
        u = f"utun{r.randrange(12)}"
        if k < 0.05:
            row = _nrow("default", f"fe80::%{u}", "UGcIg", u, "", True)
            defaults += 1
        elif k < 0.4:
            a = f"fe80::{r.randrange(65536):x}:{r.randrange(65536):x}%{u}"
            row = _nrow(a, f"link#{r.randrange(1, 40)}", "UHLI", "lo0", "", True)
        elif k < 0.7:
            row = _nrow(f"fd54:{r.randrange(65536):x}::/64", f"fe80::a200:a210:a220:a230%{u}", "UcI", u, "", True)
        else:
            row = _nrow(f"ff02::%{u}/32", f"fe80::a200:a210:{r.randrange(65536):x}:a230%{u}", "UmCI", u, "", True)
        out.append(row)
    return "\n".join(out) + "\n", {"rows": routes, "inet": n4, "inet6": n6, "defaults": defaults}


# --------------------------------------------------------------------------- ifconfig -a

def ifconfig(interfaces: int, seed: int = 17) -> tuple[str, dict]:
    """``ifconfig -a`` of macOS 26 with *interfaces* blocks (lo0, en*, utun*, feth pairs, bridge,
    awdl, gif/stf) and their inet/inet6 lines."""
    r = random.Random(seed)
    out = ["lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> mtu 16384",
           "\toptions=1203<RXCSUM,TXCSUM,TXSTATUS,SW_TIMESTAMP>",
           "\tinet 127.0.0.1 netmask 0xff000000",
           "\tinet6 ::1 prefixlen 128 ",
           "\tinet6 fe80::1%lo0 prefixlen 64 scopeid 0x1 ",
           "\tnd6 options=201<PERFORMNUD,DAD>"]
    addrs = 3
    for i in range(1, interfaces):
        k = i % 6
        idx = i + 1
        if k == 0:
            name = f"gif{i}"
            out.append(f"{name}: flags=8010<POINTOPOINT,MULTICAST> mtu 1280")
        elif k == 1:
            name = f"en{i}"
            out += [f"{name}: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500",
                    "\toptions=6460<TSO4,TSO6,CHANNEL_IO,PARTIAL_CSUM,ZEROINVERT_CSUM>",
                    f"\tether {_mac_padded(r)}",
                    f"\tinet6 fe80::{r.randrange(65536):x}:{r.randrange(65536):x}%{name} prefixlen 64 secured "
                    f"scopeid 0x{idx:x} ",
                    f"\tinet 10.{i % 256}.{r.randrange(256)}.{r.randrange(1, 255)} netmask 0xffff0000 "
                    f"broadcast 10.{i % 256}.255.255",
                    "\tnd6 options=201<PERFORMNUD,DAD>",
                    "\tmedia: autoselect <full-duplex,flow-control>",
                    "\tstatus: active"]
            addrs += 2
        elif k == 2:
            name = f"utun{i}"
            out += [f"{name}: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1380",
                    f"\tinet6 fe80::a300:a310:{r.randrange(65536):x}:a330%{name} prefixlen 64 scopeid 0x{idx:x} ",
                    f"\tinet 10.{i % 256}.27.2 --> 10.{i % 256}.27.2 netmask 0xffffff00",
                    "\tnd6 options=201<PERFORMNUD,DAD>"]
            addrs += 2
        elif k == 3:
            name = f"feth{4000 + i}"
            out += [f"{name}: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 5000 mtu 2800",
                    "\toptions=8<VLAN_HWTAGGING>",
                    f"\tether {_mac_padded(r)}",
                    f"\tinet 172.27.{i % 256}.101 netmask 0xffff0000 broadcast 172.27.255.255",
                    f"\tpeer: feth{9000 + i}",
                    "\tmedia: autoselect (10Gbase-T <full-duplex>)",
                    "\tstatus: active"]
            addrs += 1
        elif k == 4:
            name = f"bridge{100 + i}"
            out += [f"{name}: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500",
                    "\toptions=3<RXCSUM,TXCSUM>",
                    f"\tether {_mac_padded(r)}",
                    "\tConfiguration:",
                    "\t\tid 0:0:0:0:0:0 priority 0 hellotime 0 fwddelay 0",
                    "\t\tmaxage 0 holdcnt 0 proto stp maxaddr 100 timeout 1200",
                    "\t\troot id 0:0:0:0:0:0 priority 0 ifcost 0 port 0",
                    "\t\tipfilter disabled flags 0x0",
                    f"\tmember: en{i - 3} flags=3<LEARNING,DISCOVER>",
                    "\t        ifmaxaddr 0 port 5 priority 0 path cost 0",
                    "\tnd6 options=201<PERFORMNUD,DAD>",
                    "\tmedia: <unknown type>",
                    "\tstatus: inactive"]
        else:
            name = f"awdl{i}"
            out += [f"{name}: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> mtu 1500",
                    "\toptions=6460<TSO4,TSO6,CHANNEL_IO,PARTIAL_CSUM,ZEROINVERT_CSUM>",
                    f"\tether {_mac_padded(r)}",
                    f"\tinet6 fe80::{r.randrange(65536):x}:ff:fe00:{r.randrange(65536):x}%{name} prefixlen 64 "
                    f"scopeid 0x{idx:x} ",
                    "\tnd6 options=201<PERFORMNUD,DAD>",
                    "\tmedia: autoselect",
                    "\tstatus: active"]
            addrs += 1
    return "\n".join(out) + "\n", {"rows": interfaces, "addresses": addrs}


# --------------------------------------------------------------------------- a real-sized bundle

def bundle_files(processes: int = 600, open_files: int = 20_000, seed: int = 19) -> tuple[dict[str, bytes], dict]:
    """Members of a real-sized bundle (end snapshot + route monitor stream) for
    ``tests.bundlekit.write_bundle``: *processes* processes, *open_files* lsof rows, 300 routes,
    30 interfaces, 2 000 route-monitor messages."""
    ps_text, ps_exp = ps(processes, seed)
    lsof_text, lsof_exp = lsof(open_files, processes, seed)
    ns_text, ns_exp = netstat(300, seed)
    if_text, if_exp = ifconfig(30, seed)
    rm_text, rm_exp = route_monitor(2000, seed)
    files = {"end/netstat_routes.out": ns_text, "end/ifconfig.out": if_text, "end/ps.out": ps_text,
             "end/lsof.out": lsof_text, "stream/route_monitor.out": rm_text}
    expected = {"processes": ps_exp["rows"], "open_files": lsof_exp["rows"], "routes": ns_exp["rows"],
                "interfaces": if_exp["rows"], "route_events": rm_exp["rows"]}
    return {k: v.encode() for k, v in files.items()}, expected


def write_all(out: Path, quick: bool = False) -> dict:
    """Write every bench input into *out*; return ``{file: expected}`` (also ``expected.json``)."""
    out.mkdir(parents=True, exist_ok=True)
    plan = {
        "route_monitor.out": lambda: route_monitor(100_000 if quick else 1_000_000),
        "lsof.out": lambda: lsof(200_000),
        "netstat.out": lambda: netstat(20_000),
        "ifconfig.out": lambda: ifconfig(200),
        "ps.out": lambda: ps(20_000),
    }
    expected = {}
    for name, make in plan.items():
        text, exp = make()
        (out / name).write_text(text, encoding="utf-8")
        exp["bytes"] = len(text.encode())
        expected[name] = exp
    (out / "expected.json").write_text(json.dumps(expected, indent=1))
    return expected


if __name__ == "__main__":
    print(json.dumps(write_all(Path(sys.argv[1]), quick="--quick" in sys.argv), indent=1))
