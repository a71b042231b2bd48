"""``ps -axww -o pid,ppid,uid,user,lstart,command`` (also ``ps -ef``, ``ps axu``, ``ps -p N -o ...``)
→ frame ``processes``.

The dialect is read from the header, as jc does: each header word names a column; every column is
one blank-separated word except ``STARTED`` printed by ``lstart`` (five words: ``Sun Dec 28
10:01:02 2025``) and the last one (``COMMAND``/``CMD``: the rest of the line, spaces included)::

      PID  PPID   UID USER             STARTED COMMAND
      647   535     0 root     Sun Dec 28 10:01:02 2025 /Library/Application Support/ZeroTier/One/MacEthernetTapAgent 4868 d6:8b:8e:3b:53:14 2800 5000

The line grammar: a header line sets the columns of the lines below it, up to the next header;
text without a header is read as the catalog's column order. The rows under one header are split
on blanks all at once (Arrow). ``lstart`` and ``start`` print the same header, ``STARTED``; the
rows tell which (lstart's first word is a weekday name). A line whose pid, ppid, uid, start
time or command is missing or malformed is skipped with a warning; blank lines are skipped.

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
``/…/X.app`` of the executable. The rule runs as Arrow kernels over the words of all distinct
command lines at once; it never looks past the first option, so it runs on the distinct texts
before `` -``, and what follows joins the arguments as written.

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

from ._schema import Column, Schema, arrow_lines, warn

__all__ = ["SCHEMAS", "JC_NOTES", "parse"]

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


def parse(text: str, warnings: list | None = None) -> pd.DataFrame:
    """Parse ps output into the ``processes`` frame (see ``SCHEMAS``)."""
    lines = pc.ascii_ltrim_whitespace(arrow_lines(text))
    maybe = np.logical_or.reduce([_numpy(pc.starts_with(lines, w)) for w in ("PID ", "UID ", "USER ")])
    starts = [i for i in np.flatnonzero(maybe).tolist() if _HEADER_LINE.match(lines[i].as_py())]
    parts = [(0, _DEFAULT)] if not starts or starts[0] else []
    parts += [(i + 1, lines[i].as_py().split()) for i in starts]
    ends = starts[starts[0] == 0:] + [len(lines)] if starts else [len(lines)]
    pieces = [_rows(lines.slice(first, end - first), first, header, warnings)
              for (first, header), end in zip(parts, ends)]
    cols = {k: pa.concat_arrays([p[k] for p in pieces]) for k in pieces[0]} if len(pieces) > 1 else pieces[0]
    commands = pc.dictionary_encode(cols["command"])
    for key, values in _derive(commands.dictionary).items():
        cols[key] = values.take(commands.indices)
    return SCHEMAS["processes"].frame(cols, warnings=warnings)


_HEADER_LINE = re.compile(r"(?:PID|UID|USER) .*\b(?:COMMAND|CMD|COMM|ARGS)\b")
_COLUMNS = ("pid", "ppid", "uid", "user", "started", "command")
# lstart (``Sun Dec 28 10:01:02 2025``), or start's one word: ``10:06AM`` (today), ``Thu05PM``
# (this week), ``23Dec25`` (older) — adv_cmds ps/print.c, started()
_LSTART = r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d+ \d\d:\d\d:\d\d \d{4}$"
_START = r"^(?:[A-Z][a-z]{2})?\d[^ ]*$"
_MAX_COLUMNS = 64  # ps(1) has fewer keywords than this


def _rows(lines: pa.Array, first: int, header: list[str], warnings: list | None) -> dict[str, pa.Array]:
    """The columns of the rows in *lines* (line *first* + 1 onwards) under *header*. Under a header
    that is not ps's (no PID, not ending in the command, more words than ps has keywords) no line
    is a row."""
    fields = [_HEADER.get(h) for h in header]
    ok, cols = np.zeros(len(lines), bool), {}
    if "pid" in fields and fields[-1] == "command" and len(fields) <= _MAX_COLUMNS:
        ok, cols = _cells(lines, fields, lstart=True)
        if "started" in fields[:-1] and not ok.any():  # no row has lstart's five words: start's one
            ok, cols = _cells(lines, fields, lstart=False)
    if not ok.all():
        blank = _numpy(pc.equal(pc.utf8_trim_whitespace(lines), ""))
        for j in np.flatnonzero(~ok & ~blank).tolist():
            warn(warnings, first + j + 1, f"ps: not a process line: {lines[j].as_py().strip()[:80]!r}")
    out = {c: cols.get(c, pa.nulls(int(ok.sum()), pa.large_string())) for c in _COLUMNS}
    out["line"] = pa.array(np.flatnonzero(ok) + first + 1)
    return out


def _cells(lines: pa.Array, fields: list, lstart: bool) -> tuple[np.ndarray, dict[str, pa.Array]]:
    """Which *lines* are rows, and their columns, when a row is split on blanks into *fields*:
    one word each (a repeated column: its first), five for ``STARTED`` when *lstart*, the rest
    of the line for the command. A row's pid, ppid and uid are digits, its start time is one,
    its command is not empty."""
    spans, at = {}, 0  # column -> (first word, words); the command starts at word *at*
    for f in fields[:-1]:
        n = 5 if f == "started" and lstart else 1
        spans.setdefault(f, (at, n))
        at += n
    words = pc.ascii_split_whitespace(lines, max_splits=at)
    ok = _numpy(pc.greater(pc.list_value_length(words), at))
    words = words if ok.all() else words.filter(pa.array(ok))
    first = words.offsets.to_numpy()[:-1]  # where each row's words start in words.values

    def word(i: int) -> pa.Array:  # each row's i-th word (a take: cheaper than list_element)
        return words.values.take(pa.array(first + i))

    cols = {f: word(i) if n == 1 else pc.binary_join(pc.list_slice(words, i, i + n), _text(" "))
            for f, (i, n) in spans.items() if f in _COLUMNS}
    cols["command"] = pc.utf8_rtrim_whitespace(word(at))
    good = _numpy(pc.not_equal(cols["command"], ""))
    for f in ("pid", "ppid", "uid"):
        if f in cols:
            good &= _numpy(pc.ascii_is_decimal(cols[f]))
    if "started" in cols:
        good &= _numpy(pc.match_substring_regex(cols["started"], _LSTART if lstart else _START))
    ok[ok] = good
    return ok, cols if good.all() else {c: v.filter(pa.array(good)) for c, v in cols.items()}


def _derive(commands: pa.Array) -> dict[str, pa.Array]:
    """``executable``, ``args``, ``name`` and ``app_bundle`` of distinct command lines: the rule on
    the distinct texts before the first `` -``, the rest joining the arguments."""
    cut = pc.split_pattern(commands, " -", max_splits=1)
    heads = pc.dictionary_encode(pc.list_element(cut, 0))
    out = {key: values.take(heads.indices) for key, values in _executables(heads.dictionary).items()}
    options = pc.if_else(pc.equal(pc.list_value_length(cut), 2), pc.binary_join(pc.list_slice(cut, 1), _text("")),
                         _text(None))
    out["args"] = pc.utf8_trim_whitespace(
        pc.binary_join_element_wise(out["args"], options, _text(" -"), null_handling="skip"))
    return out


def _executables(commands: pa.Array) -> dict[str, pa.Array]:
    """``executable``, ``args`` (not yet stripped), ``name`` and ``app_bundle`` of distinct command
    lines, by the rule in the module docstring. All their words (``split(" ")``) are one flat
    array; a command's path ends at its last word holding a ``/`` before its first argument."""
    words = pc.split_pattern(commands, " ")
    flat = pc.list_flatten(words)
    first = words.offsets.to_numpy()[:-1]  # where each command's words start in *flat*
    owner = pc.list_parent_indices(words).to_numpy()  # the command of each word
    pos = np.arange(len(flat)) - first[owner]  # a word's place in its command
    option_or_path = pc.or_(pc.starts_with(flat, "-"), pc.starts_with(flat, "/"))
    url_or_setting = pc.or_(pc.match_substring(flat, "://"), pc.match_substring(flat, "="))  # key=value
    is_arg = _numpy(pc.or_(option_or_path, url_or_setting)) & (pos > 0)
    first_arg = np.minimum.reduceat(np.where(is_arg, pos, len(flat)), first)
    in_path = _numpy(pc.match_substring(flat, "/")) & (pos < first_arg[owner])
    end = np.maximum.reduceat(np.where(in_path, pos, 0), first)  # the last word of the path
    end[~_numpy(pc.starts_with(commands, "/"))] = 0  # not a path: the first word
    in_exe = pos <= end[owner]
    exe = pc.binary_join(_lists(flat.filter(in_exe), end + 1), _text(" "))
    args = pc.binary_join(_lists(flat.filter(~in_exe), np.diff(words.offsets.to_numpy()) - end - 1), _text(" "))
    exe, args = _bundle_programs(commands, exe, args)
    bracketed = pc.and_(pc.starts_with(exe, "("), pc.ends_with(exe, ")"))
    basename = pc.extract_regex(exe, r"(?P<name>[^/]*/?)$").field("name")
    app = pc.binary_join_element_wise(pc.list_element(pc.split_pattern(exe, ".app/", max_splits=1), 0),
                                      _text(".app"), _text(""))  # up to the first X.app/
    app = pc.if_else(pc.match_substring(exe, ".app/"), app, pc.if_else(pc.ends_with(exe, ".app"), exe, _text(None)))
    return {"executable": exe, "args": args,
            "name": pc.if_else(bracketed, pc.utf8_slice_codeunits(exe, 1, -1), basename),
            "app_bundle": pc.if_else(pc.starts_with(exe, "/"), app, _text(None))}


def _bundle_programs(commands: pa.Array, exe: pa.Array, args: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Rule 3 on the executables holding ``/Contents/MacOS/``, in Python: whether the command
    continues with the bundle's name compares two parts of each command (no Arrow kernel does)."""
    inside = pc.match_substring(exe, "/Contents/MacOS/")
    rows = pa.array(np.flatnonzero(_numpy(inside)))
    exes, argss = exe.take(rows).to_pylist(), args.take(rows).to_pylist()
    for k, command in enumerate(commands.take(rows).to_pylist()):
        m = None
        for m in _BUNDLE_EXE.finditer(exes[k]):  # the last one
            pass
        if m is not None:
            tail, bundle = command[m.end():], m[1]
            program = bundle if tail == bundle or tail.startswith(bundle + " ") else tail.split(" ", 1)[0]
            exes[k], argss[k] = command[:m.end()] + program, tail[len(program):]
    return (pc.replace_with_mask(exe, inside, pa.array(exes, pa.large_string())),
            pc.replace_with_mask(args, inside, pa.array(argss, pa.large_string())))


def _lists(values: pa.Array, lengths: np.ndarray) -> pa.Array:
    """*values* cut into consecutive lists of *lengths*."""
    return pa.LargeListArray.from_arrays(pa.array(np.concatenate([[0], np.cumsum(lengths)])), values)


def _text(s: str | None) -> pa.Scalar:
    return pa.scalar(s, pa.large_string())


def _numpy(mask) -> np.ndarray:
    return mask.to_numpy(zero_copy_only=False)
