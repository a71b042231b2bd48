"""Fuzzing kit: real seed outputs for every parser and the mutations applied to them.

Seeds come from the repo's scenario files (``tests/scenarios/*/*.out``, mapped to their parser
through the catalog: the fake-Mac key is the argv joined by ``_``) and, when present, from
``../shared/corpus/<command>/*.out`` (read in place, never copied; skipped when absent).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from hypothesis import strategies as st

from nettrace import catalog
from nettrace.parsers import PARSER_NAMES
from tests.conftest import CORPUS, SCENARIOS

# corpus folder → parser (folders whose outputs a parser in PARSER_NAMES reads)
CORPUS_PARSERS = {
    "arp": "arp", "dig": "dig", "ifconfig": "ifconfig", "lsof": "lsof", "ndp": "ndp",
    "netstat": "netstat_routes", "networksetup": "networksetup_ports", "ping": "ping", "ps": "ps",
    "route": "route_get", "route_add_verbose": "route_monitor", "route_monitor": "route_monitor",
    "scutil_dns": "scutil_dns", "scutil_nwi": "scutil_nwi", "sw_vers": "sw_vers",
    "traceroute": "traceroute", "uname": "uname",
}
STREAM_PREFIX = "2025-12-28T02:15:27Z\t"  # what the capture script writes before each stream line
WINDOW = 250  # big seeds (lsof, ps) are fuzzed through a window of this many lines plus the header


def _key_pattern(spec: catalog.CommandSpec) -> re.Pattern:
    key = re.escape("_".join(spec.argv).replace("/", "%"))
    return re.compile(re.sub(r"\\\{\w+\\\}", ".+", key))


def parser_for_key(stem: str) -> catalog.CommandSpec | None:
    """The catalog row whose fake-Mac key is *stem* (``netstat_-rn.2``, ``launchctl_list.root``…)."""
    candidates = [stem, re.sub(r"\.root$", "", stem)]
    candidates += [re.sub(r"\.\d+$", "", c) for c in candidates]
    for spec in catalog.load_catalog():
        pat = _key_pattern(spec)
        if any(pat.fullmatch(c) for c in candidates):
            return spec
    return None


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


@lru_cache(maxsize=1)
def seeds() -> dict[str, tuple[str, ...]]:
    """Parser name → real outputs (scenario files, corpus files when present)."""
    out: dict[str, list[str]] = {name: [] for name in PARSER_NAMES}
    for path in sorted(SCENARIOS.glob("*/*.out")):
        spec = parser_for_key(path.name[:-4])
        if spec is None:
            continue
        text = "".join(line for line in _read(path).splitlines(keepends=True) if not line.startswith("@@sleep"))
        err = path.with_suffix(".err")
        if spec.kind == "probe" and err.is_file():
            text = (text if text.endswith("\n") or not text else text + "\n") + _read(err)
        if spec.kind == "stream":
            text = "".join(STREAM_PREFIX + line for line in text.splitlines(keepends=True))
        out[spec.parser].append(text)
    if CORPUS.is_dir():
        for folder, parser in CORPUS_PARSERS.items():
            for path in sorted((CORPUS / folder).glob("*.out")):
                out[parser].append(_read(path))
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


# --------------------------------------------------------------------------- strategies

GARBAGE = st.text(st.characters(codec="utf-8"), max_size=80)
TEXT = st.one_of(
    st.text(max_size=400),
    st.text(st.sampled_from(" \t\n:=<>()[]{}#%*-_./,;@0123456789abcdefxyzABCDEFUG"), max_size=400),
    st.binary(max_size=400).map(lambda b: b.decode("utf-8", errors="replace")),
)


@st.composite
def window(draw, text: str) -> str:
    lines = text.splitlines(keepends=True)
    if len(lines) <= WINDOW + 1:
        return text
    start = draw(st.integers(1, len(lines) - WINDOW))
    return "".join(lines[:1] + lines[start:start + WINDOW])


@st.composite
def truncated(draw, text: str) -> str:
    text = draw(window(text))
    cut = draw(st.integers(0, len(text)))
    return text[:cut]


@st.composite
def _mutate_once(draw, text: str) -> str:
    lines = text.splitlines(keepends=True) or [""]
    op = draw(st.sampled_from(("delete", "duplicate", "swap", "chars", "garbage", "crlf", "tabs", "long",
                               "prefix", "nul", "digits")))
    i = draw(st.integers(0, len(lines) - 1))
    if op == "delete":
        del lines[i:i + draw(st.integers(1, 5))]
    elif op == "duplicate":
        lines[i:i] = [lines[i]] * draw(st.integers(1, 5))
    elif op == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "chars":
        chars = list(lines[i])
        for _ in range(draw(st.integers(1, 8))):
            pos = draw(st.integers(0, len(chars)))
            what = draw(st.sampled_from(("replace", "insert", "delete")))
            c = draw(st.characters(codec="utf-8"))
            if what == "insert" or not chars:
                chars.insert(pos, c)
            elif what == "replace":
                chars[min(pos, len(chars) - 1)] = c
            else:
                del chars[min(pos, len(chars) - 1)]
        lines[i] = "".join(chars)
    elif op == "garbage":
        lines[i:i] = [g + "\n" for g in draw(st.lists(GARBAGE, min_size=1, max_size=4))]
    elif op == "crlf":
        return "".join(lines).replace("\n", "\r\n")
    elif op == "tabs":
        joined = "".join(lines)
        return joined.replace("\t", "    ") if "\t" in joined and draw(st.booleans()) else \
            re.sub(r" {2,}", "\t", joined)
    elif op == "long":
        body = lines[i].rstrip("\n") or "x"
        lines[i] = body * draw(st.integers(2, max(2, 20_000 // len(body)))) + "\n"
    elif op == "prefix":
        return "".join(STREAM_PREFIX + ln for ln in lines)
    elif op == "digits":  # str.isdigit() is True for these, int() refuses them
        lines[i] = re.sub(r"\d", lambda m: "²" if m[0] in "02468" else "¹", lines[i], count=draw(st.integers(1, 3)))
    else:
        lines[i] = lines[i].replace(" ", "\x00", 1)
    return "".join(lines)


@st.composite
def mutated(draw, text: str) -> str:
    text = draw(window(text))
    for _ in range(draw(st.integers(1, 4))):
        text = draw(_mutate_once(text))
    return text


def inputs(parser: str) -> st.SearchStrategy[str]:
    """Random text, truncated real outputs and mutated real outputs for *parser*."""
    real = seeds().get(parser) or ()
    if not real:
        return TEXT
    seed = st.sampled_from(real)
    return st.one_of(TEXT, seed.flatmap(truncated), seed.flatmap(mutated))


# --------------------------------------------------------------------------- bundles

SEGMENT = st.one_of(
    st.sampled_from(("end", "start", "stream", "probe", "user", "root", "periodic", "1", "log", "..", ".", "",
                     "manifest.json", "netstat_routes.out", "arp.out", "probe_ping@1.1.1.1.out",
                     "route_monitor.out", "ping_stream@10.0.0.1.out", "lsof.err", "capture.log")),
    st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=12),
)
MEMBER_NAME = st.one_of(
    st.lists(SEGMENT, min_size=1, max_size=5).map("/".join),
    st.lists(SEGMENT, min_size=1, max_size=4).map(lambda p: "/" + "/".join(p)),
    st.integers(100, 400).map(lambda n: "end/" + "a" * n + ".out"),
)
JSON_JUNK = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
