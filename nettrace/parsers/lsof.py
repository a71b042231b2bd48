"""``lsof -nP -w`` (also ``lsof -p PID``, grep'd fragments) → frame ``open_files``.

lsof pads every column to one width for the whole listing: COMMAND, USER and NAME are
left-aligned, the others right-aligned, and DEVICE, SIZE/OFF or NODE may be empty::

    COMMAND    PID   USER    FD   TYPE               DEVICE  SIZE/OFF      NODE NAME
    MacEthern  647   root    3u   ndrv   0xa74f6360b3f2d7bc       0t0           -> feth9868

With a header, cells are cut at the header's column edges (jc-style), checked against the line
(a cut must fall on a blank) — fast and exact with empty cells. Rows that do not line up and
text without a header (fragments) are read by pattern: DEVICE is ``0x…`` or ``major,minor``,
SIZE/OFF ``0tN`` or a number, NODE a number or ``TCP``/``UDP``, the rest is NAME. A line that
starts with blanks continues the previous row (wrapped by a viewer): its NODE/NAME fill that row,
with a warning. Other unreadable lines are skipped with a warning.

Derived columns: ``interface`` — the network interface behind the file: ``ndrv`` sockets name
it (``-> feth9868``), utun control sockets ``[ctl com.apple.net.utun_control id N unit U]`` own
``utun{U-1}``; ``bpf_device`` for ``/dev/bpfN``; ``control`` the kernel control name; the
``protocol``, addresses, ports and ``state`` of IPv4/IPv6 sockets.

>>> df = parse("MacEthern  647   root    3u   ndrv   0xa74f6360b3f2d7bc       0t0           -> feth9868")
>>> df[["command", "pid", "fd", "type", "interface"]].to_dict("records")
[{'command': 'MacEthern', 'pid': 647, 'fd': '3u', 'type': 'ndrv', 'interface': 'feth9868'}]
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "open_files": Schema("open_files", [
        Column("command", "string", "process name (lsof cuts it to 9 characters)"),
        Column("pid", "Int64", "process id"),
        Column("tid", "Int64", "thread id when the listing has a TID column; NA otherwise"),
        Column("user", "string", "user name (or uid)"),
        Column("fd", "string", "file descriptor with access mode (`3u`, `cwd`, `txt`)"),
        Column("type", "string", "file type: REG, DIR, CHR, PIPE, unix, IPv4, IPv6, systm, ndrv, NPOLICY..."),
        Column("device", "string", "DEVICE cell (`0x…` kernel address or `major,minor`); NA if empty"),
        Column("size_off", "string", "SIZE/OFF cell as printed (`0t0`, `16384`); NA if empty"),
        Column("node", "string", "NODE cell (inode, or TCP/UDP for sockets); NA if empty"),
        Column("name", "string", "NAME cell (path, `-> peer`, `[ctl …]`, endpoints); empty string if none"),
        Column("interface", "string", "interface: ndrv `-> feth9868` → feth9868; utun_control unit U → utun{U-1}; else NA"),
        Column("bpf_device", "string", "`/dev/bpfN` for BPF device rows; NA otherwise"),
        Column("control", "string", "kernel control name of `[ctl NAME id N unit U]` (systm rows); NA otherwise"),
        Column("protocol", "string", "TCP/UDP (NODE of IPv4/IPv6 rows); NA otherwise"),
        Column("local_address", "string", "local address of a socket (`*` for any; IPv6 without brackets)"),
        Column("local_port", "Int64", "local port; NA for `*` or redacted"),
        Column("remote_address", "string", "remote address of a connected socket; NA otherwise"),
        Column("remote_port", "Int64", "remote port; NA otherwise"),
        Column("state", "string", "TCP state in parentheses (ESTABLISHED, LISTEN, CLOSED...); NA otherwise"),
        Column("line", "Int64", "1-based line number where the row starts"),
    ], doc="Open files (sockets, devices, pipes, files): one row per lsof row."),
}

JC_NOTES: list[str] = []  # the corpus has no jc reading of lsof

_ROW = re.compile(r"^(?P<command>\S.*?)\s+(?P<pid>\d+)\s+(?P<user>\S+)\s+(?P<fd>\S+)\s+(?P<type>\S+)(?P<rest>.*)$")
_REST = re.compile(
    r"^\s*(?:(?P<device>0x[0-9a-fA-F]+|\d+,\d+)(?:\s+|$))?(?:(?P<size>0t\d+|0x[0-9a-fA-F]+|\d+)(?:\s+|$))?"
    r"(?:(?P<node>\d+|TCP|UDP|ICMP|ICMPV6|RAW)(?:\s+|$))?(?P<name>.*?)\s*$")
_CONT = re.compile(r"^(?:(?P<node>\d+|TCP|UDP)\s+)?(?P<name>.*)$")
_CTL = re.compile(r"^\[ctl (\S+) id \d+ unit (\d+)\]")
_STATE = re.compile(r"\s+\(([A-Z_0-9]+)\)$")
_DERIVED = frozenset(("IPv4", "IPv6", "ndrv", "systm"))
_NAMES = ("command", "pid", "tid", "user", "fd", "type", "device", "size_off", "node", "name")


def _endpoint(text: str) -> tuple[str | None, int | None]:
    if text.startswith("["):
        addr, _, port = text[1:].partition("]:")
    else:
        addr, _, port = text.rpartition(":")
        if not _:
            return text or None, None
    return addr, int(port) if port.isdecimal() else None


def _header(line: str) -> dict | None:
    spans = {m.group(): (m.start(), m.end()) for m in re.finditer(r"\S+", line)}
    need = ("PID", "USER", "FD", "TYPE", "NAME")
    if not all(k in spans for k in need):
        return None
    h = {"name": spans["NAME"][0], "type": spans["TYPE"][1], "pid": spans["PID"][1],
         "tid": spans["TID"][1] if "TID" in spans else None}
    h["cuts"] = [spans[k][1] for k in ("DEVICE", "SIZE/OFF", "NODE") if k in spans]
    h["keys"] = [k for k, c in (("device", "DEVICE"), ("size_off", "SIZE/OFF"), ("node", "NODE")) if c in spans]
    return h


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse lsof output into the ``open_files`` frame (see ``SCHEMAS``)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    while lines and not lines[-1]:
        lines.pop()
    hdr = _header(lines[0]) if lines and lines[0].startswith("COMMAND") else None
    cols = _fast(lines[1:], hdr) if hdr else None
    if cols is None:
        cols = _slow(lines, warnings)
    cols.update(_derive(cols["type"], cols["node"], cols["name"]))
    return SCHEMAS["open_files"].frame(cols)


def _fast(rows: list[str], hdr: dict) -> dict | None:
    """Columns cut at the header's edges with list comprehensions, when every row lines up
    (no tab, no wrapped row, a blank at every cut); None otherwise."""
    tc, nc, pe, te = hdr["type"], hdr["name"], hdr["pid"], hdr["tid"]
    c1, c2, c3 = (hdr["cuts"] + [tc, tc, tc])[:3]
    if not all(r and r[0] != " " and "\t" not in r
               and (len(r) <= tc or r[tc] == " ") and (len(r) <= c1 or r[c1] == " ")
               and (len(r) <= c2 or r[c2] == " ") and (len(r) <= c3 or r[c3] == " ")
               and (len(r) <= nc or r[nc - 1] == " ") for r in rows):
        return None
    if te:
        heads = [(r[:pe] + " " + r[te:tc]).split() for r in rows]
        tids = [r[pe:te].strip() for r in rows]
    else:
        heads = [r[:tc].split() for r in rows]
        tids = None
    if not all(len(h) >= 5 and h[-4].isdecimal() for h in heads):
        return None
    cols = {
        "command": [h[0] if len(h) == 5 else " ".join(h[:-4]) for h in heads],
        "pid": [int(h[-4]) for h in heads],
        "tid": [int(t) if t.isdecimal() else None for t in tids] if tids else None,
        "user": [h[-3] for h in heads],
        "fd": [h[-2] for h in heads],
        "type": [h[-1] for h in heads],
        "name": [r[nc:].rstrip() for r in rows],
        "line": list(range(2, len(rows) + 2)),
    }
    prev = tc
    for key, cut in zip(hdr["keys"], hdr["cuts"]):
        cols[key] = [r[prev:cut].strip() or None for r in rows]
        prev = cut
    for key in ("device", "size_off", "node"):
        cols.setdefault(key, [None] * len(rows))
    if cols["tid"] is None:
        del cols["tid"]
    return cols


def _slow(lines: list[str], warnings: list | None) -> dict:
    """Line-by-line reader for fragments, misaligned or wrapped rows and repeated headers."""
    cols: dict[str, list] = {k: [] for k in _NAMES + ("line",)}
    command, pid, tid, user, fd, typ = (cols[k] for k in ("command", "pid", "tid", "user", "fd", "type"))
    device, size_off, node, name, lines_ = (cols[k] for k in ("device", "size_off", "node", "name", "line"))
    hdr = None
    for n, line in enumerate(lines, 1):
        if not line:
            continue
        if line.startswith("COMMAND"):
            hdr = _header(line)
            if hdr is None:
                warn(warnings, n, "lsof: header without PID/USER/FD/TYPE/NAME; reading rows by pattern")
            continue
        if line[0] in " \t":
            if lines_ and not name[-1]:
                c = _CONT.match(line.strip())
                if node[-1] is None and c["node"]:
                    node[-1] = c["node"]
                name[-1] = c["name"]
                warn(warnings, n, "lsof: wrapped row joined to the previous line")
            elif line.strip():
                warn(warnings, n, f"lsof: continuation line without a row: {line.strip()[:80]!r}")
            continue
        if hdr is not None:
            one = _fast([line], hdr)
            if one is not None:
                for k in _NAMES:
                    cols[k].append(one[k][0] if k in one else None)
                lines_.append(n)
                continue
        m = _ROW.match(line)
        if not m:
            warn(warnings, n, f"lsof: not a row: {line[:80]!r}")
            continue
        r = _REST.match(m["rest"])
        command.append(m["command"])
        pid.append(int(m["pid"]))
        tid.append(None)
        user.append(m["user"])
        fd.append(m["fd"])
        typ.append(m["type"])
        device.append(r["device"])
        size_off.append(r["size"])
        node.append(r["node"])
        name.append(r["name"])
        lines_.append(n)
    return cols


def _derive(typ: list, node: list, name: list) -> dict[str, list]:
    """The derived columns (interface, control, sockets) from TYPE, NODE and NAME."""
    k = len(typ)
    out = {c: [None] * k for c in ("interface", "bpf_device", "control", "protocol", "local_address",
                                   "local_port", "remote_address", "remote_port", "state")}
    special = [i for i, t in enumerate(typ) if t in _DERIVED or t == "CHR" and name[i].startswith("/dev/bpf")]
    for i in special:
        t, nm = typ[i], name[i]
        if t == "IPv4" or t == "IPv6":
            out["protocol"][i] = node[i]
            s = _STATE.search(nm)
            if s:
                out["state"][i] = s[1]
                nm = nm[:s.start()]
            local, _, remote = nm.partition("->")
            out["local_address"][i], out["local_port"][i] = _endpoint(local)
            if remote:
                out["remote_address"][i], out["remote_port"][i] = _endpoint(remote)
        elif t == "ndrv":
            if nm.startswith("->"):
                out["interface"][i] = nm[2:].strip() or None
        elif t == "systm":
            c = _CTL.match(nm)
            if c:
                out["control"][i] = c[1]
                if c[1] == "com.apple.net.utun_control" and int(c[2]) > 0:
                    out["interface"][i] = f"utun{int(c[2]) - 1}"
        else:
            out["bpf_device"][i] = nm
    return out
