"""``lsof -nP -w`` (also ``lsof -p PID``, grep'd fragments) → frame ``open_files``.

lsof (``print_file`` in lsof's ``print.c``, the Darwin dialect's socket code) pads every column
to one width for the whole listing: COMMAND, USER and NAME left-aligned, the others
right-aligned; DEVICE, SIZE/OFF and NODE may be empty::

    COMMAND    PID   USER    FD   TYPE               DEVICE  SIZE/OFF      NODE NAME
    MacEthern  647   root    3u   ndrv   0xa74f6360b3f2d7bc       0t0           -> feth9868

The reading is one line grammar, applied to all lines at once with Arrow's regex kernels:

- a *row* (``_HEAD`` + ``_CELLS``): COMMAND (may hold blanks: ``Windows A``), PID, USER, FD, TYPE, then the
  cells that are present, told apart by their shape — DEVICE ``0x…`` or ``major,minor``,
  SIZE/OFF ``0tN``/``0x…``/a number, NODE a number or ``TCP``/``UDP``/… — and NAME, the rest.
  Reading by shape, not by the header's column edges, also reads rows that do not line up (the
  seed row above, fragments without a header, a listing grep'd from several runs). Columns are
  separated by blanks, as lsof prints them (a row whose cells are separated by tabs is not one);
- a *header* (``COMMAND …``): skipped; one with a ``TID`` column (not printed on macOS, whose
  lsof lists no tasks) adds the optional TID cell after PID;
- a *wrapped* row (a line starting with blanks, a viewer's wrap of a long row): its NODE/NAME
  fill the previous row when that row has no NAME, with a warning;
- blank lines are skipped; any other line is skipped with a warning.

Derived columns, from TYPE, NODE and NAME: ``interface`` — the network interface behind the file:
``ndrv`` sockets name it (``-> feth9868``), utun control sockets (``[ctl com.apple.net.utun_control
id N unit U]``) own ``utun{U-1}``; ``bpf_device`` for ``/dev/bpfN``; ``control`` the kernel control
name; the ``protocol``, addresses, ports and ``state`` of IPv4/IPv6 sockets (``local->remote
(STATE)``, IPv6 addresses in brackets, ``*`` for any address or port).

>>> df = parse("MacEthern  647   root    3u   ndrv   0xa74f6360b3f2d7bc       0t0           -> feth9868")
>>> df[["command", "pid", "fd", "type", "interface"]].to_dict("records")
[{'command': 'MacEthern', 'pid': 647, 'fd': '3u', 'type': 'ndrv', 'interface': 'feth9868'}]
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

SCHEMAS = {
    "open_files": Schema("open_files", [
        Column("command", "string", "process name (lsof cuts it to 9 characters)"),
        Column("pid", "Int64", "process id"),
        Column("tid", "Int64", "thread id when the listing has a TID column (not on macOS); NA otherwise"),
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

_HEAD = r"^(?P<command>[^ ].*?) +(?P<pid>\d+) +(?P<user>[^ ]+) +(?P<fd>[^ ]+) +(?P<type>[^ ]+)"
_HEAD_TID = r"^(?P<command>[^ ].*?) +(?P<pid>\d+)(?: +(?P<tid>\d+))? +(?P<user>[^ ]+) +(?P<fd>[^ ]+) +(?P<type>[^ ]+)"
_CELLS = (r"(?: +|$)(?:(?P<device>0x[0-9a-fA-F]+|\d+,\d+)(?: +|$))?(?:(?P<size_off>0t\d+|0x[0-9a-fA-F]+|\d+)(?: +|$))?"
          r"(?:(?P<node>\d+|TCP|UDP|ICMP|ICMPV6|RAW)(?: +|$))?(?P<name>.*)$")
_WRAPPED = re.compile(r"^(?:(?P<node>\d+|TCP|UDP)\s+)?(?P<name>.*)$")
# NAME of an IPv4/IPv6 socket: local[->remote][ (STATE)]; an endpoint: [v6]:port, addr:port or addr
_SOCKET = r"^(?P<local>.*?)(?:->(?P<remote>.*?))?(?:\s+\((?P<state>[A-Z_0-9]+)\))?$"
_ENDPOINT = r"^(?:\[(?P<v6>[^\]]*)\]|(?P<addr>[^\[]*?))(?::(?P<port>[^:\[\]]*))?$"
_CTL = r"^\[ctl (?P<control>\S+) id \d+ unit (?P<unit>\d{1,9})\]"
STRING = pa.large_string()


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse lsof output into the ``open_files`` frame (see ``SCHEMAS``)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = pc.split_pattern(pa.array([text.rstrip("\n")], STRING), "\n").flatten()
    headers = np.flatnonzero(pc.starts_with(lines, "COMMAND").to_numpy(zero_copy_only=False))
    tid = any(" TID " in lines[int(i)].as_py() for i in headers)
    row = (_HEAD_TID if tid else _HEAD) + _CELLS
    is_row = pc.match_substring_regex(lines, row).to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(is_row)
    cells = pc.extract_regex(lines.filter(is_row), row)
    cols = {k: cells.field(k) for k in ("pid", "user", "fd", "type")}
    for k in ("command", "name"):  # a tab or a CR before a blank stays out of the cell
        cols[k] = pc.utf8_rtrim_whitespace(cells.field(k))
    for k in ("device", "size_off", "node") + (("tid",) if tid else ()):
        cols[k] = _nullify(cells.field(k))
    cols["line"] = pa.array(rows + 1)
    others = np.flatnonzero(~is_row)
    if len(others):
        _other_lines(lines, others, rows, set(headers.tolist()), cols, warnings)
    cols.update(_derive(cols["type"], cols["node"], cols["name"]))
    return SCHEMAS["open_files"].frame(cols, warnings=warnings)


def _other_lines(lines: pa.Array, others: np.ndarray, rows: np.ndarray, headers: set, cols: dict,
                 warnings: list | None) -> None:
    """The lines that are not rows: headers and blanks are skipped, a wrapped row's NODE/NAME
    fill the row before it (``cols`` changes), anything else is reported."""
    wrapped = {}
    for i in others.tolist():
        line = lines[i].as_py()
        if i in headers or not line.strip():
            continue
        if line[0] not in " \t":
            warn(warnings, i + 1, f"lsof: not a row: {line[:80]!r}")
            continue
        prev = int(np.searchsorted(rows, i)) - 1  # the last row above this line
        if prev >= 0 and prev not in wrapped and not cols["name"][prev].as_py():
            wrapped[prev] = _WRAPPED.match(line.strip())
            warn(warnings, i + 1, "lsof: wrapped row joined to the previous line")
        else:
            warn(warnings, i + 1, f"lsof: continuation line without a row: {line.strip()[:80]!r}")
    if wrapped:
        name, node = cols["name"].to_pylist(), cols["node"].to_pylist()
        for row, m in wrapped.items():
            name[row] = m["name"]
            node[row] = node[row] or m["node"]
        cols["name"], cols["node"] = pa.array(name, STRING), pa.array(node, STRING)


def _nullify(arr: pa.Array) -> pa.Array:
    """Empty strings (a cell the row does not have) become missing."""
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)


def _spread(values: pa.Array, mask: np.ndarray) -> pa.Array:
    """*values*, one per True of *mask*, at those rows; missing at the others."""
    return values.take(pa.array(np.cumsum(mask) - 1, mask=~mask))


def _derive(typ: pa.Array, node: pa.Array, name: pa.Array) -> dict[str, pa.Array]:
    """The derived columns (interface, control, sockets), each from the rows of its TYPE at once."""
    def rows(*types: str) -> np.ndarray:
        return pc.is_in(typ, pa.array(types, STRING)).to_numpy(zero_copy_only=False)

    ndrv = rows("ndrv")
    peer = name.filter(ndrv)  # "-> feth9868"
    ndrv_if = pc.if_else(pc.starts_with(peer, "->"),
                         _nullify(pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(peer, 2))), pa.scalar(None, STRING))
    systm = rows("systm")
    ctl = pc.extract_regex(name.filter(systm), _CTL)
    control = pc.if_else(ctl.is_valid(), ctl.field("control"), pa.scalar(None, STRING))
    unit = pc.cast(pc.if_else(ctl.is_valid(), ctl.field("unit"), pa.scalar(None, STRING)), pa.int64())
    utun = pc.and_(pc.equal(control, "com.apple.net.utun_control"), pc.greater(unit, 0))
    utun_name = pc.binary_join_element_wise(pa.scalar("utun", STRING), pc.cast(pc.subtract(unit, 1), STRING),
                                            pa.scalar("", STRING))  # unit U is utun{U-1}
    utun_if = pc.if_else(utun, utun_name, pa.scalar(None, STRING))
    ip = rows("IPv4", "IPv6")
    sock = pc.extract_regex(name.filter(ip), _SOCKET)
    local, l_port = _endpoint(sock.field("local"))
    remote, r_port = _endpoint(_nullify(sock.field("remote")))
    chr_ = rows("CHR")
    bpf = pc.starts_with(name.filter(chr_), "/dev/bpf")
    out = {"interface": pc.coalesce(_spread(ndrv_if, ndrv), _spread(utun_if, systm)),
           "bpf_device": _spread(pc.if_else(bpf, name.filter(chr_), pa.scalar(None, STRING)), chr_),
           "control": _spread(control, systm), "protocol": _spread(node.filter(ip), ip)}
    for key, values in (("local_address", local), ("local_port", l_port), ("remote_address", remote),
                        ("remote_port", r_port), ("state", _nullify(sock.field("state")))):
        out[key] = _spread(values, ip)
    return out


def _endpoint(text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(address, port) of socket endpoints: ``[v6]:port``, ``addr:port`` or ``addr``; a port that
    is not a number of at most 5 digits (``*``, a redacted ``<port>``) is missing."""
    m = pc.extract_regex(text, _ENDPOINT)
    address = pc.if_else(pc.starts_with(text, "["), _nullify(m.field("v6")), _nullify(m.field("addr")))
    port = m.field("port")
    port = pc.cast(pc.if_else(pc.match_substring_regex(port, r"^\d{1,5}$"), port, pa.scalar(None, STRING)), pa.int64())
    return address, port
