"""``ps -axww -o pid,ppid,uid,user,lstart,command`` (also ``ps -ef``, ``ps axu``, ``ps -p N -o ...``)
→ frame ``processes``.

The dialect is read from the header, as jc does: each header word names a column; every column is
one blank-separated word except ``STARTED`` printed by ``lstart`` (five words, detected by its
weekday) and the last one (``COMMAND``/``CMD``: the rest of the line, spaces included)::

      PID  PPID   UID USER             STARTED COMMAND
      647   535     0 root     Sun Dec 28 10:01:02 2025 /Library/Application Support/ZeroTier/One/MacEthernetTapAgent 4868 d6:8b:8e:3b:53:14 2800 5000

Text without a header is read as the catalog's column order. Rows that do not fit are skipped with
a warning.

Executable rule (``command`` has no quoting, so where the program path ends is a guess):

1. ``(name)`` (an exiting process) and commands not starting with ``/`` (``kernel_task``,
   ``-zsh``, ``com.docker.hyperkit``): the first word.
2. A path is extended over following words up to the last word that contains ``/`` and does not
   start it (``Support/ZeroTier/One/MacEthernetTapAgent``), stopping at the first word that is
   an option (``-x``), an absolute path, a URL or ``key=value`` — those are arguments; words
   after the last such ``/`` word (numbers, MACs, ``(System)``) are arguments.
3. When the path holds ``X.app/Contents/MacOS/`` (also ``.xpc``, ``.appex``), it ends after the
   program name: ``X`` when the command continues with ``X`` (``System Events.app/Contents/
   MacOS/System Events``), else the next word.

``name`` is the basename (without the parentheses of ``(name)``); ``app_bundle`` is the outermost
``/…/X.app`` of the executable.

>>> df = parse("  PID  PPID COMMAND\\n  647   535 /Library/Application Support/ZeroTier/One/"
...            "MacEthernetTapAgent 4868 d6:8b:8e:3b:53:14 2800 5000")
>>> df[["pid", "ppid", "executable", "args", "name"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'pid': 647, 'ppid': 535, 'executable': '/Library/Application Support/ZeroTier/One/MacEthernetTapAgent',
  'args': '4868 d6:8b:8e:3b:53:14 2800 5000', 'name': 'MacEthernetTapAgent'}]
"""
from __future__ import annotations

import re

import pandas as pd

from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse", "split_command"]

SCHEMAS = {
    "processes": Schema("processes", [
        Column("pid", "Int64", "process id"),
        Column("ppid", "Int64", "parent process id; NA when the dialect has no PPID (ps axu)"),
        Column("uid", "Int64", "numeric user id; NA when the dialect has no UID"),
        Column("user", "string", "user name; NA when the dialect has no USER (ps -ef)"),
        Column("started", "string", "start time as written (lstart `Sun Dec 28 10:01:02 2025`, or `10:06AM`)"),
        Column("command", "string", "full command line as written"),
        Column("executable", "string", "program path (see the executable rule in the module docstring)"),
        Column("args", "string", "command line after the executable; empty string if none"),
        Column("name", "string", "basename of the executable"),
        Column("app_bundle", "string", "outermost `/…/X.app` containing the executable; NA if none"),
        Column("line", "Int64", "1-based line number of the process"),
    ], doc="Processes: one row per ps line."),
}

JC_NOTES = [
    "jc reads `ps -ef` UID as a string (`\"0\"`); we give it as a number. Values agree on every "
    "row of jc-osx-10.11.6-ps-ef and jc-osx-10.14.6-ps-ef.",
    "jc maps STIME/STARTED to `stime`/`started`; we keep both as `started`, as written; agree.",
    "pid, ppid, user and command agree with jc on every row of the four corpus ps files; jc does "
    "not split the executable from its arguments.",
]

# header word -> our column; the last header column always takes the rest of the line
_HEADER = {"PID": "pid", "PPID": "ppid", "UID": "uid", "USER": "user", "STARTED": "started",
           "STIME": "started", "START": "started", "LSTART": "started", "COMMAND": "command",
           "CMD": "command", "COMM": "command", "ARGS": "command"}
_DEFAULT = ("PID", "PPID", "UID", "USER", "STARTED", "COMMAND")  # the catalog's -o list
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAY_SET = frozenset(_WEEKDAYS)
_BUNDLE_EXE = re.compile(r"([^/]+)\.(?:app|xpc|appex)/Contents/MacOS/")
_APP = re.compile(r"\.app(?=/|$)")


def split_command(command: str) -> tuple[str, str]:
    """Split a ps command line into ``(executable, args)`` (the rule in the module docstring).

    >>> split_command("/System/Library/CoreServices/System Events.app/Contents/MacOS/System Events -psn_0_1")
    ('/System/Library/CoreServices/System Events.app/Contents/MacOS/System Events', '-psn_0_1')
    >>> split_command("/usr/libexec/UserEventAgent (System)")
    ('/usr/libexec/UserEventAgent', '(System)')
    """
    if " " not in command:
        return command, ""
    words = command.split(" ")
    if not command.startswith("/"):
        exe = words[0]
    else:
        end = 0
        for i in range(1, len(words)):
            w = words[i]
            if w[:1] in ("-", "/") or "=" in w or "://" in w:  # an argument: the path ended before it
                break
            if "/" in w:
                end = i
        exe = " ".join(words[:end + 1])
        bundles = list(_BUNDLE_EXE.finditer(exe)) if "/Contents/MacOS/" in exe else None
        if bundles:
            m = bundles[-1]
            tail = command[m.end():]
            bundle = m[1]
            if tail == bundle or tail.startswith(bundle + " "):
                exe = command[:m.end() + len(bundle)]
            else:
                exe = command[:m.end()] + tail.split(" ", 1)[0]
    return exe, command[len(exe):].strip()


def _name(exe: str) -> str:
    if exe[-1:] == ")" and exe[:1] == "(":
        return exe[1:-1]
    return exe[exe.rfind("/", 0, len(exe) - 1) + 1:] if exe[-1:] == "/" else exe[exe.rfind("/") + 1:]


def _derive(command: str) -> tuple[str, str, str, str | None]:
    """``(executable, args, name, app_bundle)`` of a command line."""
    exe, arg = split_command(command) if " " in command else (command, "")
    a = _APP.search(exe) if ".app" in exe and exe[0] == "/" else None
    return exe, arg, _name(exe), exe[:a.end()] if a else None


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ps output into the ``processes`` frame (see ``SCHEMAS``)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    first = 0
    fields = [_HEADER.get(h) for h in _DEFAULT]
    if lines and _is_header(lines[0].strip()):
        fields, first = [_HEADER.get(h) for h in lines[0].split()], 1
    cols = _fast(lines[first:], first + 1, fields)
    if cols is None:
        cols = _slow(lines, fields, warnings)
    derived = {c: _derive(c) for c in dict.fromkeys(cols["command"])}  # once per distinct command
    rows = [derived[c] for c in cols["command"]]
    exes, args, names, bundles = zip(*rows) if rows else ((), (), (), ())
    cols.update(executable=list(exes), args=list(args), name=list(names), app_bundle=list(bundles))
    return SCHEMAS["processes"].frame(cols)


def _is_header(line: str) -> bool:
    return line.startswith(("PID", "UID", "USER")) and ("COMMAND" in line or "CMD" in line)


def _fast(rows: list[str], lineno: int, fields: list) -> dict | None:
    """Columns of a regular listing (every row fits the header), with list comprehensions;
    None when any row does not fit (then the line-by-line reader handles and warns)."""
    if not rows or not all(rows) or fields[-1] != "command" or "pid" not in fields:
        return None
    last = len(fields) - 1
    si = fields.index("started") if "started" in fields else -1
    first = rows[0].split(None, si + 1) if si >= 0 else []
    lstart = len(first) > si >= 0 and first[si] in _WEEKDAYS
    k = last + 4 if lstart else last
    words = [r.split(None, k) for r in rows]
    if min(map(len, words)) != k + 1:  # split(None, k) gives at most k + 1 words
        return None
    cols: dict[str, list] = {"line": list(range(lineno, lineno + len(rows)))}
    for i, f in enumerate(fields[:-1]):
        j = i + 4 if lstart and i > si else i
        if f in ("pid", "ppid", "uid"):
            vals = [w[j] for w in words]
            if not "".join(vals).isdecimal():  # every value is digits (none is empty: split() words)
                return None
            cols[f] = [int(v) for v in vals]
        elif f == "started" and lstart:
            if not {w[si] for w in words} <= _WEEKDAY_SET:
                return None
            cols[f] = [" ".join(w[si:si + 5]) for w in words]
        elif f is not None:
            cols[f] = [w[j] for w in words]
    cols["command"] = [w[-1] for w in words]
    return cols


def _slow(lines: list[str], fields: list, warnings: list | None) -> dict:
    """Line-by-line reader: headers anywhere, rows that do not fit skipped with a warning."""
    cols: dict[str, list] = {c: [] for c in ("pid", "ppid", "uid", "user", "started", "command", "line")}
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            continue
        if _is_header(line):
            fields = [_HEADER.get(h) for h in line.split()]
            continue
        last = len(fields) - 1
        words = line.split(None, last)
        row = {}
        ok = len(words) == last + 1
        i = 0
        for f in fields[:-1]:
            if not ok:
                break
            if f == "started" and words[i] in _WEEKDAYS:
                words = words[:i] + [" ".join(words[i:i + 5])] + line.split(None, last + 4)[i + 5:]
                ok = len(words) == last + 1
                if not ok:
                    break
            if f in ("pid", "ppid", "uid"):
                if not words[i].isdecimal():
                    ok = False
                    break
                row[f] = int(words[i])
            elif f is not None:
                row[f] = words[i]
            i += 1
        if not ok or "pid" not in row or fields[-1] != "command":
            warn(warnings, n, f"ps: not a process line: {line[:80]!r}")
            continue
        for f in ("pid", "ppid", "uid", "user", "started"):
            cols[f].append(row.get(f))
        cols["command"].append(words[-1])
        cols["line"].append(n)
    return cols
