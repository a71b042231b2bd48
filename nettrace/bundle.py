"""Open a capture bundle and see the Mac as tables.

``load(path)`` reads a ``.tar.gz`` bundle (or an unpacked folder) **in memory** — nothing is ever
extracted to disk — checks every file against the manifest, picks each file's parser through the
command catalog and returns a :class:`Bundle`:

- ``bundle.manifest``: the manifest (dict), or a minimal one inferred from the file names when the
  manifest is missing or unreadable;
- ``bundle.frames``: frame name → DataFrame (``routes``, ``interfaces``, ``route_events``, …). Every
  frame has its parser's schema columns plus ``file`` (the member it came from), ``snapshot``
  (``start`` | ``end`` | ``periodic N`` | ``stream`` | ``probe`` | ``log``), ``captured_at`` (UTC),
  ``as`` (``user`` | ``root``) and ``target`` (probe / ping target);
- ``bundle.warnings``: DataFrame ``file, line, message, kind`` — everything odd, nothing fatal;
  ``kind`` is ``integrity`` (the bundle itself: refused members, limits, manifest mismatches —
  what ``nettrace verify`` reports) or ``content`` (a parser or rule could not read something);
- ``bundle.raw(file)``: a member's text.

Bundles come from other people's machines, so the reader is defensive (see docs/security.md):
only regular files are read; absolute paths, ``..``, links, devices and FIFOs are refused with a
warning; member size, total size and member count are capped (:class:`Limits`) so a tar or gzip
bomb stops early with a clear message and what was read so far still loads.

Examples
--------
>>> b = load("data/samples/000-zerotier-loopback-default.tar.gz")
>>> b.manifest["host"], len(b.warnings)
('MacBook-Pro', 0)
>>> ends = b.latest("routes")                      # the end snapshot of netstat -rn
>>> ends.query("is_default")[["gateway", "netif"]].iloc[0].tolist()
['127.0.0.1', 'feth4868']
>>> ev = b.frame("route_events")
>>> add = ev[ev["type"] == "RTM_ADD"].iloc[0]
>>> int(add["pid"]), add["file"]
(382, 'stream/route_monitor.out')
>>> b.raw("end/netstat_routes.out").splitlines()[0]
'Routing tables'
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tarfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import pandas as pd

from nettrace import catalog
from nettrace.parsers import get_parser

__all__ = ["load", "Bundle", "BundleError", "Limits", "EXTRA_COLUMNS", "split_prefix", "integrity_problems",
           "schema_problems", "memo"]

SCHEMA_VERSION = 1
# columns the loader adds to every frame, after the parser's own
EXTRA_COLUMNS = ("file", "snapshot", "captured_at", "as", "target")
_MEMBER_RE = re.compile(
    r"^(?:(?P<phase>start|end)/(?P<name>[A-Za-z0-9_]+)"
    r"|periodic/(?P<seq>\d+)/(?P<pname>[A-Za-z0-9_]+)"
    r"|stream/(?P<sname>[A-Za-z0-9_]+)(?:@(?P<starget>[^/]+))?"
    r"|probe/(?P<as>user|root)/(?P<prname>[A-Za-z0-9_]+)@(?P<ptarget>[^/]+)"
    r"|log/(?P<lname>[A-Za-z0-9_]+))\.(?P<ext>out|ndjson)$"
)


from nettrace.errors import BundleError  # noqa: E402  (re-exported: nettrace.bundle.BundleError)


@dataclass(frozen=True)
class Limits:
    """Caps that keep a hostile bundle from exhausting memory or time."""

    max_member_bytes: int = 128 * 1024 * 1024  # the capture caps a stream at 64 MiB
    max_total_bytes: int = 1024 * 1024 * 1024
    max_members: int = 10_000
    max_compression_ratio: int = 1000  # uncompressed so far / compressed archive size (gzip of zeros ~1030:1)


@dataclass
class _Member:
    name: str  # bundle-relative path (top-level directory stripped)
    data: bytes | None
    size: int
    sha256: str


@dataclass
class Bundle:
    """A loaded bundle: the data read from it. Build it with :func:`load`.

    It holds data only; what is derived from it is a function of it (``nettrace.graph_of(b)``,
    ``nettrace.facts_of(b)``, ``nettrace.findings_of(b)``, ``nettrace.timeline_of(b)``; see
    docs/design.md).
    """

    path: Path
    name: str
    manifest: dict
    frames: dict[str, pd.DataFrame]
    warnings: pd.DataFrame
    integrity: pd.DataFrame
    _members: dict[str, _Member] = field(repr=False, default_factory=dict)
    _cache: dict = field(repr=False, default_factory=dict)

    def raw(self, file: str) -> str:
        """The text of member *file* (bundle-relative, e.g. ``end/netstat_routes.out``)."""
        member = self._members.get(file)
        if member is None or member.data is None:
            raise KeyError(f"{file}: not in bundle {self.name}")
        return member.data.decode("utf-8", errors="replace")

    def line(self, file: str, line: int | None) -> str:
        """Line *line* (1-based) of member *file*, without a capture timestamp prefix."""
        if line is None or pd.isna(line):
            return ""
        key = ("lines", file)
        if key not in self._cache:
            self._cache[key] = self.raw(file).splitlines()
        lines = self._cache[key]
        text = lines[int(line) - 1] if 0 < int(line) <= len(lines) else ""
        return split_prefix(text)[1]

    @property
    def files(self) -> list[str]:
        return sorted(self._members)

    def frame(self, name: str) -> pd.DataFrame:
        """Frame *name*, or an empty frame with its schema's columns when the bundle has none."""
        if name in self.frames:
            return self.frames[name]
        return _empty_frame(name)

    def latest(self, name: str) -> pd.DataFrame:
        """Rows of the most recent snapshot of frame *name* (end, else last periodic, else start)."""
        return self._pick(name, last=True)

    def earliest(self, name: str) -> pd.DataFrame:
        """Rows of the first snapshot of frame *name* (start, else first periodic)."""
        return self._pick(name, last=False)

    def _pick(self, name: str, last: bool) -> pd.DataFrame:
        key = ("pick", name, last)
        if key in self._cache:
            return self._cache[key]
        df = self.frame(name)
        if not (df.empty or df["snapshot"].isna().all()):
            order = {"start": -1, "end": 10**9}
            snaps = df["snapshot"].dropna().unique()
            pick = (max if last else min)(snaps, key=lambda s: order.get(s, _periodic_no(s)))
            df = df[df["snapshot"] == pick].reset_index(drop=True)
        self._cache[key] = df
        return df

    def summary(self) -> dict:
        """The manifest summary used by ``analyze --format json``."""
        m = self.manifest
        return {
            "name": self.name,
            "host": m.get("host"),
            "macos": (m.get("macos") or {}).get("product_version"),
            "started_at": m.get("started_at"),
            "ended_at": m.get("ended_at"),
            "timezone": m.get("timezone"),
            "root": m.get("root"),
            "interrupted": m.get("interrupted"),
            "default_gateway": m.get("default_gateway"),
            "warnings": int(len(self.warnings)),
        }


def memo(bundle: Bundle, key: str, build):
    """``build(bundle)``, computed once per bundle and kept in it under *key*.

    Each analysis memoises itself with this, beside its builder (``graph.graph_of``,
    ``facts.facts_of``, ``rules.findings_of``, ``timeline.timeline_of``), so that a lower layer can ask for a higher
    one's memoised result without importing the top-level facade.
    """
    if key not in bundle._cache:
        bundle._cache[key] = build(bundle)
    return bundle._cache[key]


def _periodic_no(label: str) -> int:
    m = re.match(r"periodic (\d+)$", str(label))
    return int(m.group(1)) if m else 0


_PREFIX_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\t")


def split_prefix(line: str) -> tuple[str | None, str]:
    """Split a stream line's capture prefix off: ``(UTC time or None, the command's own text)``.

    >>> split_prefix("2025-12-28T02:15:27Z\\tRTM_ADD: Add Route")
    ('2025-12-28T02:15:27Z', 'RTM_ADD: Add Route')
    >>> split_prefix(" default localhost")
    (None, ' default localhost')
    """
    m = _PREFIX_RE.match(line)
    return (line[:m.end() - 1], line[m.end():]) if m else (None, line)


@lru_cache(maxsize=None)
def _empty_frame(name: str) -> pd.DataFrame:
    from nettrace.parsers import PARSER_NAMES

    for pname in PARSER_NAMES:
        try:
            mod = get_parser(pname)
        except ImportError:
            continue
        if name in mod.SCHEMAS:
            return _with_extras(mod.SCHEMAS[name].empty(), None, {})
    raise KeyError(f"no frame called {name!r}")


# --------------------------------------------------------------------------- integrity


def schema_problems(manifest: dict) -> list[str]:
    """Where *manifest* breaks the bundle JSON Schema (``nettrace/data/bundle.schema.json``); empty when valid."""
    import jsonschema
    from importlib import resources

    schema = json.loads(resources.files("nettrace").joinpath("data/bundle.schema.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for err in sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        out.append(f"manifest.json: {where}: {err.message}")
    return out


def integrity_problems(bundle: Bundle) -> list[str]:
    """Everything wrong with *bundle* itself, one line each (what ``nettrace verify`` prints): the
    manifest against its schema, files missing, unlisted or not matching their size and sha256, and
    members the safe reader refused. Empty for a whole bundle.

    >>> integrity_problems(load("data/samples/000-zerotier-loopback-default.tar.gz"))
    []
    """
    out = []
    if bundle.manifest.get("inferred"):
        out.append("manifest.json: missing or unreadable")
    else:
        out.extend(schema_problems(bundle.manifest))
    for _, row in bundle.warnings[bundle.warnings["kind"] == "integrity"].iterrows():
        if row["file"] == "manifest.json" and bundle.manifest.get("inferred"):
            continue  # said once above
        line = "" if pd.isna(row["line"]) else f":{int(row['line'])}"
        out.append(f"{row['file']}{line}: {row['message']}")
    return list(dict.fromkeys(out))


# --------------------------------------------------------------------------- reading members


class _Reader:
    """Collects members and warnings from a tarball or a folder, within limits."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.members: dict[str, _Member] = {}
        self.warnings: list[tuple[str, int | None, str]] = []
        self.total = 0

    def warn(self, file: str, message: str, line: int | None = None) -> None:
        self.warnings.append((file, line, message, "integrity"))

    def _safe_name(self, raw_name: str) -> str | None:
        p = PurePosixPath(raw_name)
        if raw_name.startswith("/") or p.is_absolute():
            self.warn(raw_name, "refused: absolute path")
            return None
        if any(part == ".." for part in p.parts):
            self.warn(raw_name, "refused: path escapes the bundle ('..')")
            return None
        parts = [x for x in p.parts if x not in (".", "")]
        if not parts:
            return None
        return "/".join(parts)

    def add(self, raw_name: str, size: int, read) -> bool:
        """Add one regular member; *read* returns its bytes. False = stop reading the archive."""
        name = self._safe_name(raw_name)
        if name is None:
            return True
        if len(self.members) >= self.limits.max_members:
            self.warn(name, f"stopped: more than {self.limits.max_members} members; the rest was not read")
            return False
        if size > self.limits.max_member_bytes:
            self.warn(name, f"stopped: member of {size} bytes exceeds the {self.limits.max_member_bytes}-byte "
                            "limit (a decompression bomb?); the rest was not read")
            return False
        if self.total + size > self.limits.max_total_bytes:
            self.warn(name, f"stopped: bundle exceeds {self.limits.max_total_bytes} bytes uncompressed; "
                            "the rest was not read")
            return False
        data = read()
        if data is None:
            return True
        if len(data) > self.limits.max_member_bytes:
            self.warn(name, "stopped: member larger than declared; the rest was not read")
            return False
        self.total += len(data)
        self.members[name] = _Member(name, data, len(data), hashlib.sha256(data).hexdigest())
        return True


def _read_tar(path: Path, reader: _Reader) -> None:
    compressed = max(path.stat().st_size, 1)
    try:
        tf = tarfile.open(path, mode="r|*")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BundleError(f"{path}: not a tar.gz bundle ({exc}); pass a nettrace-*.tar.gz or its unpacked folder")
    try:
        for info in tf:
            if info.isdir():
                continue
            if not info.isfile():
                what = ("symbolic link" if info.issym() else "hard link" if info.islnk() else
                        "device" if (info.ischr() or info.isblk()) else "FIFO" if info.isfifo() else "special file")
                reader.warn(info.name, f"refused: {what} (never followed)")
                continue
            if (reader.total + info.size) > compressed * reader.limits.max_compression_ratio:
                reader.warn(info.name, "stopped: compression ratio above "
                                       f"{reader.limits.max_compression_ratio}:1 (a decompression bomb?); "
                                       "the rest was not read")
                break

            def read(info=info):
                f = tf.extractfile(info)
                if f is None:
                    return None
                return f.read(reader.limits.max_member_bytes + 1)

            if not reader.add(info.name, info.size, read):
                break
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        if not reader.members:
            raise BundleError(f"{path}: not a readable tar.gz bundle ({exc})")
        reader.warn(path.name, f"archive is truncated or corrupt ({exc}); loaded the {len(reader.members)} "
                               "members before the damage")
    finally:
        tf.close()


def _read_dir(path: Path, reader: _Reader) -> None:
    root = path.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for fname in sorted(filenames):
            full = Path(dirpath) / fname
            rel = full.relative_to(root).as_posix()
            st = full.lstat()
            if not stat.S_ISREG(st.st_mode):
                kind = "symbolic link" if stat.S_ISLNK(st.st_mode) else "special file"
                reader.warn(rel, f"refused: {kind} (never followed)")
                continue

            def read(full=full):
                with open(full, "rb") as fh:
                    return fh.read(reader.limits.max_member_bytes + 1)

            if not reader.add(rel, st.st_size, read):
                return


def _strip_top(members: dict[str, _Member]) -> dict[str, _Member]:
    """Drop the single top-level directory the capture script writes."""
    tops = {name.split("/", 1)[0] for name in members}
    if len(tops) == 1 and all("/" in n for n in members):
        out = {}
        for name, m in members.items():
            rel = name.split("/", 1)[1]
            m.name = rel
            out[rel] = m
        return out
    return members


# --------------------------------------------------------------------------- the manifest


def _read_manifest(members: dict[str, _Member], warn) -> tuple[dict, bool]:
    m = members.get("manifest.json")
    if m is None:
        warn("manifest.json", "missing: metadata inferred from file names; integrity cannot be checked")
        return {}, False
    try:
        manifest = json.loads(m.data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        warn("manifest.json", f"unreadable ({exc}); metadata inferred from file names")
        return {}, False
    if not isinstance(manifest, dict):
        warn("manifest.json", "not a JSON object; metadata inferred from file names")
        return {}, False
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION:
        warn("manifest.json", f"unknown schema_version {version!r}; read as version {SCHEMA_VERSION}")
    if not isinstance(manifest.get("commands"), list):
        warn("manifest.json", "has no command list; metadata inferred from file names")
        manifest["commands"] = []
    manifest["commands"] = [c for c in manifest["commands"] if isinstance(c, dict)]
    _drop_wrong_types(manifest, _MANIFEST_TYPES, "", warn)
    for i, c in enumerate(manifest["commands"]):
        _drop_wrong_types(c, _COMMAND_TYPES, f"commands[{i}].", warn)
    if isinstance(manifest.get("macos"), dict):
        _drop_wrong_types(manifest["macos"], dict.fromkeys(("product_name", "product_version", "build_version"), str),
                          "macos.", warn)
    return manifest, True


# The types the analysis may rely on for manifest fields (docs/bundle-format.md); a field of any
# other type (a lying or damaged manifest) is dropped with a warning, as if it were absent.
_MANIFEST_TYPES = {
    "capture_version": str, "host": str, "macos": dict, "started_at": "time", "ended_at": "time",
    "timezone": str, "uid": int, "user": str, "root": bool, "interrupted": bool, "default_gateway": str,
    "flags": dict,
}
_COMMAND_TYPES = {
    "name": str, "kind": str, "phase": str, "seq": int, "target": str, "as": str, "argv": list, "output": str,
    "stderr": str, "started_at": "time", "ended_at": "time", "exit_code": int, "timed_out": bool,
    "truncated": bool, "bytes": int, "sha256": str, "stderr_bytes": int, "stderr_sha256": str, "skipped": str,
}


def _type_ok(value, want) -> bool:
    if value is None:
        return True
    if want == "time":
        return isinstance(value, str) and _utc(value) is not None
    if want is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if want is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, want)


def _drop_wrong_types(obj: dict, types: dict, where: str, warn) -> None:
    for key, want in types.items():
        if key in obj and not _type_ok(obj[key], want):
            if want == "time" and isinstance(obj[key], str):
                warn("manifest.json", f"{where}{key} is not a readable time ({obj[key][:40]!r}); ignored")
            else:
                warn("manifest.json", f"{where}{key} has the wrong type ({type(obj[key]).__name__}); ignored")
            del obj[key]


def _infer_entry(file: str) -> dict | None:
    """Manifest-like metadata for a member, from its path alone."""
    mt = _MEMBER_RE.match(file)
    if not mt:
        return None
    g = mt.groupdict()
    if g["phase"]:
        return {"name": g["name"], "phase": g["phase"], "seq": None, "target": None}
    if g["pname"]:
        return {"name": g["pname"], "phase": "periodic", "seq": int(g["seq"]), "target": None}
    if g["sname"]:
        return {"name": g["sname"], "phase": "run", "seq": None, "target": g["starget"]}
    if g["prname"]:
        return {"name": g["prname"], "phase": "probe", "seq": None, "target": g["ptarget"], "as": g["as"]}
    return {"name": g["lname"], "phase": "log", "seq": None, "target": None}


_PHASE_ORDER = {"start": 0, "periodic": 1, "end": 2, "stream": 3, "probe": 4, "log": 5}


def _file_order(file: str):
    """Chronological order of members: start, periodic 1..n, end, then streams, probes, logs."""
    head, _, rest = file.partition("/")
    seq = 0
    if head == "periodic":
        num, _, rest = rest.partition("/")
        seq = int(num) if num.isdecimal() else 0
    return (_PHASE_ORDER.get(head, 9), seq, rest)


def _snapshot_label(entry: dict) -> str:
    phase = entry.get("phase")
    if phase in ("start", "end"):
        return phase
    if phase == "periodic":
        return f"periodic {entry.get('seq') or 0}"
    if phase == "run":
        return "stream"
    return phase or "other"


def _utc(value) -> pd.Timestamp | None:
    """*value* as a UTC Timestamp; None when it is not a time the frames' nanosecond columns can
    hold (years 1677-2262: a manifest saying 3000-01-01 is damaged, not a capture from the future)."""
    if not value:
        return None
    try:
        ts = pd.Timestamp(value)
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
        return ts.as_unit("ns")
    except (ValueError, TypeError, OverflowError):  # (OutOfBoundsDatetime is a ValueError)
        return None


def _decode(data: bytes, file: str, warn) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        warn(file, "non-UTF-8 bytes replaced with U+FFFD")
        return data.decode("utf-8", errors="replace")


def _with_extras(df: pd.DataFrame, file: str | None, meta: dict) -> pd.DataFrame:
    n = len(df)
    df = df.copy()
    df["file"] = pd.Series([file] * n, dtype="string")
    df["snapshot"] = pd.Series([meta.get("snapshot")] * n, dtype="string")
    cap = meta.get("captured_at")
    if "captured_at" in df.columns and df["captured_at"].notna().any():
        pass  # the parser's own per-line capture times (streams)
    else:
        # one Timestamp (or None: NaT) broadcast, not n of them converted one by one
        df["captured_at"] = pd.Series(cap, index=pd.RangeIndex(n), dtype="datetime64[ns, UTC]")
    df["as"] = pd.Series([meta.get("as")] * n, dtype="string")
    df["target"] = pd.Series([meta.get("target")] * n, dtype="string")
    return df


# --------------------------------------------------------------------------- load


def load(path, limits: Limits | None = None) -> Bundle:
    """Load the bundle at *path* (``.tar.gz`` or unpacked folder).

    Raises :class:`BundleError` (one line) only when nothing usable can be read; every lesser
    problem becomes a row of ``bundle.warnings``.
    """
    path = Path(path)
    if not path.exists():
        raise BundleError(f"{path}: no such file or folder")
    reader = _Reader(limits or Limits())
    if path.is_dir():
        _read_dir(path, reader)
    else:
        _read_tar(path, reader)
    members = _strip_top(reader.members)
    warnings = list(reader.warnings)

    def warn(file, message, line=None, kind="content"):
        warnings.append((file, line, message, kind))

    def flag(file, message, line=None):  # a problem with the bundle itself (what `verify` reports)
        warn(file, message, line, "integrity")

    manifest, has_manifest = _read_manifest(members, flag)
    recognised = [f for f in members if _infer_entry(f)]
    if not has_manifest and not recognised:
        raise BundleError(f"{path}: not a nettrace bundle (no manifest.json and no captured command files); "
                          "create one with `nettrace capture-script`")

    # manifest entries by output file; integrity checks
    entries: dict[str, dict] = {}
    integrity = []
    for entry in manifest.get("commands", []):
        out = entry.get("output")
        if entry.get("skipped") or not out:
            continue
        if not isinstance(out, str):
            flag("manifest.json", f"command {entry.get('name')!r}: output is not a path")
            continue
        entries[out] = entry
        member = members.get(out)
        status = "ok"
        if member is None:
            status = "missing"
            flag(out, "listed in the manifest but missing from the bundle")
        else:
            if entry.get("sha256") and entry["sha256"] != member.sha256:
                status = "sha256 mismatch"
                flag(out, "sha256 does not match the manifest (file altered or corrupt); parsed anyway")
            elif entry.get("bytes") is not None and entry.get("bytes") != member.size:
                status = "size mismatch"
                flag(out, f"size {member.size} differs from the manifest's {entry.get('bytes')}; parsed anyway")
        integrity.append((out, entry.get("name"), status))

    frames_parts: dict[str, list[pd.DataFrame]] = {}
    catalog_names = {s.name: s for s in catalog.load_catalog()}
    for file in sorted(members, key=_file_order):
        if file == "manifest.json" or file.endswith(".err") or file == "capture.log":
            continue
        inferred = _infer_entry(file)
        entry = entries.get(file)
        if entry is None:
            if inferred is None:
                warn(file, "unknown file (not in the manifest, name not recognised); ignored")
                continue
            if has_manifest:
                flag(file, "not listed in the manifest; parsed by its name")
                integrity.append((file, inferred["name"], "unlisted"))
            entry = inferred
        name = entry.get("name")
        spec = catalog_names.get(name)
        if spec is None:
            warn(file, f"no catalog entry called {name!r}; ignored")
            continue
        member = members[file]
        text = _decode(member.data, file, warn)
        # probes print their errors on stderr ("ping: sendto: No route to host"): read both, and
        # cite the .err file for rows that come from it
        err_file, out_lines = None, 0
        if spec.kind == "probe":
            err_file = entry.get("stderr") or file[:-4] + ".err"
            err_member = members.get(err_file) if isinstance(err_file, str) else None
            if err_member is not None and err_member.data:
                out_lines = len(text.splitlines())
                text = (text if text.endswith("\n") or not text else text + "\n") + _decode(err_member.data, err_file, warn)
            else:
                err_file = None
        try:
            parser = get_parser(spec.parser)
        except ImportError as exc:
            warn(file, f"no parser for {spec.parser!r} ({exc})")
            continue
        pw: list = []
        try:
            out = parser.parse(text, warnings=pw)
        except Exception as exc:  # a parser bug must not lose the rest of the bundle
            warn(file, f"parser {spec.parser} failed: {type(exc).__name__}: {exc}")
            continue
        for line, message in pw:
            if err_file and line is not None and line > out_lines:
                warn(err_file, message, line - out_lines)
            else:
                warn(file, message, line)
        frames = {next(iter(parser.SCHEMAS)): out} if isinstance(out, pd.DataFrame) else dict(out)
        meta = {
            "snapshot": _snapshot_label(entry if "phase" in entry else (inferred or {})),
            "captured_at": _utc(entry.get("started_at")),
            "as": entry.get("as") or (inferred or {}).get("as"),
            "target": entry.get("target") or (inferred or {}).get("target"),
        }
        for fname, df in frames.items():
            df = _with_extras(df, file, meta)
            if err_file and len(df):
                from_err = df["line"].notna() & (df["line"] > out_lines)
                if from_err.any():
                    df.loc[from_err, "file"] = err_file
                    df.loc[from_err, "line"] = df.loc[from_err, "line"] - out_lines
            frames_parts.setdefault(fname, []).append(df)

    frames = {}
    for fname, parts in frames_parts.items():
        parts = [p for p in parts if len(p)] or parts[:1]
        frames[fname] = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)

    if not manifest:
        manifest = {"schema_version": None, "commands": [], "inferred": True}
    name = path.name[:-7] if path.name.endswith(".tar.gz") else path.name
    bundle = Bundle(
        path=path,
        name=name,
        manifest=manifest,
        frames=frames,
        warnings=pd.DataFrame(warnings, columns=["file", "line", "message", "kind"]).astype(
            {"file": "string", "line": "Int64", "message": "string", "kind": "string"}),
        integrity=pd.DataFrame(integrity, columns=["file", "name", "status"]),
        _members=members,
    )
    from nettrace.model import enrich

    enrich(bundle)
    return bundle
