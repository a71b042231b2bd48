"""``ps -axww -o pid,ppid,uid,user,lstart,command`` (also ``ps -ef``, ``ps axu``, ``ps -p N -o ...``)
→ frame ``processes``.

The dialect is read from the header, as jc does: each header word names a column; every column is
one blank-separated word except ``STARTED`` printed by ``lstart`` (five words: ``Sun Dec 28
10:01:02 2025``) and the last one (``COMMAND``/``CMD``: the rest of the line, spaces included)::

      PID  PPID   UID USER             STARTED COMMAND
      647   535     0 root     Sun Dec 28 10:01:02 2025 /Library/Application Support/ZeroTier/One/MacEthernetTapAgent 4868 d6:8b:8e:3b:53:14 2800 5000

The line grammar: a header line sets the row pattern (``_row_pattern``: one named group per
column) for the lines below it, up to the next header; text without a header is read as the
catalog's column order. Each run of rows under one header is read at once with Arrow's regex
kernel; a line the pattern does not fit is skipped with a warning, blank lines are skipped.

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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._schema import Column, Schema, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse", "split_command"]

SCHEMAS = {
    "processes": Schema("processes", [
        Column("pid", "Int64", "process id"),
        Column("ppid", "Int64", "parent process id; NA when the dialect has no PPID (ps axu)"),
        Column("uid", "Int64", "numeric user id; NA when the dialect has no UID"),
        Column("user", "string", "user name; NA when the dialect has no USER (ps -ef)"),
        Column("started", "string", "start time as written, blanks single (lstart `Mon Jun 2 10:01:02 2025`, or `10:06AM`)"),
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
    lines = pc.split_pattern(pa.array([text.rstrip()], pa.large_string()), "\n").flatten()
    is_header = pc.match_substring_regex(lines, _HEADER_LINE).to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(is_header).tolist()
    parts = [(0, _DEFAULT)] if not starts or starts[0] else []
    parts += [(i + 1, lines[i].as_py().split()) for i in starts]
    ends = starts[starts[0] == 0:] + [len(lines)] if starts else [len(lines)]
    pieces = []
    for (first, header), end in zip(parts, ends):
        pieces.append(_rows(lines.slice(first, end - first), first, header, warnings))
    cols = {k: pa.concat_arrays([p[k] for p in pieces]) for k in pieces[0]} if len(pieces) > 1 else pieces[0]
    commands = pc.dictionary_encode(cols["command"])  # the executable rule runs once per distinct command
    derived = list(zip(*(_derive(c) for c in commands.dictionary.to_pylist()))) or [(), (), (), ()]
    for key, values in zip(("executable", "args", "name", "app_bundle"), derived):
        cols[key] = pa.array(values, pa.large_string()).take(commands.indices)
    return SCHEMAS["processes"].frame(cols, warnings=warnings)


_HEADER_LINE = r"^ *(?:PID|UID|USER) .*\b(?:COMMAND|CMD|COMM|ARGS)\b"
_WORD = r"[^ ]+"
_FIELD = {"pid": r"\d+", "ppid": r"\d+", "uid": r"\d+", "user": _WORD,
          # lstart (``Sun Dec 28 10:01:02 2025``), or start's one word: ``10:06AM`` (today),
          # ``Thu05PM`` (this week), ``23Dec25`` (older) — adv_cmds ps/print.c, started()
          "started": r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d \d{4}|(?:[A-Z][a-z]{2})?\d[^ ]*"}
_COLUMNS = ("pid", "ppid", "uid", "user", "started", "command")
_MAX_COLUMNS = 64  # ps(1) has fewer keywords than this


def _row_pattern(header: list[str]) -> str | None:
    """The regex of a row under *header*: one group per column, the last takes the rest of the
    line; None when the header has no PID, does not end in the command or is not a ps header
    (more words than ps has keywords)."""
    fields = [_HEADER.get(h) for h in header]
    if "pid" not in fields or fields[-1] != "command" or len(fields) > _MAX_COLUMNS:
        return None
    groups = [f"(?P<{f}>{_FIELD[f]})" if f in _FIELD and f not in fields[:i] else f"(?:{_WORD})"
              for i, f in enumerate(fields[:-1])]
    return r"^ *" + " +".join(groups) + r"(?: +(?P<command>.*))?$"


def _rows(lines: pa.Array, first: int, header: list[str], warnings: list | None) -> dict[str, pa.Array]:
    """The columns of the rows in *lines* (line *first* + 1 onwards) under *header*."""
    pattern = _row_pattern(header)
    cells = pc.extract_regex(lines, pattern) if pattern else pa.nulls(len(lines), pa.struct([]))
    ok = cells.is_valid().to_numpy(zero_copy_only=False)
    blank = pc.equal(pc.utf8_trim_whitespace(lines), "").to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(~ok & ~blank).tolist():
        line = lines[i].as_py().strip()
        warn(warnings, first + i + 1, f"ps: not a process line: {line[:80]!r}")
    names = {f.name for f in cells.type} if pattern else set()
    out = {c: (cells.field(c).filter(ok) if c in names else pa.nulls(int(ok.sum()), pa.large_string()))
           for c in _COLUMNS}
    out["command"] = pc.utf8_rtrim_whitespace(out["command"])
    out["started"] = pc.replace_substring(out["started"], "  ", " ")  # lstart pads the day: "Jun  2"
    out["line"] = pa.array(np.flatnonzero(ok) + first + 1)
    return out
