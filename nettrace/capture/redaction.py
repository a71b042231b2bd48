"""Is a bundle that says it is redacted really redacted? (``nettrace verify``, issue 17)

The capture's ``--redact`` replaces MAC addresses, public IPs, user names and the host name by
tokens (``02:00:00:00:00:01``, ``198.18.0.1``, ``2001:db8::1``, ``user1``, ``host1``; see
docs/bundle-format.md). :func:`leftovers` reads a bundle whose manifest says ``"redact": true`` and
reports, one line each, what is still there: a member the manifest does not record as redacted,
and any MAC, public IPv4/IPv6 address, user name (a ps row of a uid of 500 or more, a
``/Users/NAME`` path) or host name (``uname -a``, the capture log, the manifest) that is not a
token. The address rules are the capture's own (same neighbours, same private ranges), so a
bundle the capture redacted has no leftovers and a hand-edited or half-redacted one does.

>>> m = {"flags": {"redact": True}, "host": "host1", "redaction": {"members": 1, "users": 1, "hosts": 1},
...      "commands": [{"name": "arp", "output": "start/arp.out", "stderr": None, "redacted": True}]}
>>> leftovers(m, {"start/arp.out": b"? (192.168.3.1) at 3c:22:fb:1:2:3 on en0\\n"})
['start/arp.out:1: MAC address 3c:22:fb:1:2:3 left after --redact']
>>> leftovers(m, {"start/arp.out": b"? (192.168.3.1) at 02:00:00:00:00:01 on en0\\n"})
[]
"""
from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["leftovers", "bundle_leftovers", "MAX_LINES"]

MAX_LINES = 50   # lines reported per bundle; a count of the rest follows

_MAC = re.compile(r"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{1,2}:){5}[0-9A-Fa-f]{1,2}(?![0-9A-Fa-f:])")
_V4 = re.compile(r"(?<![0-9.])(\d+)\.(\d+)\.(\d+)\.(\d+)(?![0-9])(?!\.[0-9])")
_V6 = re.compile(r"(?<![0-9A-Za-z:.])[23][0-9A-Fa-f]{3}:[0-9A-Fa-f:]*[0-9A-Fa-f](?![0-9A-Za-z:])")
_USERS = re.compile(r"/Users/([A-Za-z0-9_.-]+)")
_USER_TOKEN = re.compile(r"user\d+$")
_NOT_PEOPLE = {"Shared", ".localized"}


def _mac_left(m: str) -> bool:
    octets = [p.zfill(2).lower() for p in m.split(":")]
    if int(octets[0][1], 16) % 2 == 1 or octets == ["00"] * 6:   # multicast/broadcast, zero: kept
        return False
    return octets[:4] != ["02", "00", "00", "00"]


def _v4_public(o: tuple[int, ...]) -> bool:
    a, b, c, _ = o
    if max(o) > 255 or a in (0, 10, 127) or a >= 224:
        return False
    return not ((a == 169 and b == 254) or (a == 172 and 16 <= b <= 31) or (a == 192 and b == 168)
                or (a == 100 and 64 <= b <= 127) or (a == 198 and b in (18, 19))
                or (a, b, c) in ((192, 0, 2), (198, 51, 100), (203, 0, 113)))


def _v6_public(m: str) -> bool:
    k = m.lower()
    colons = k.count(":")
    if colons < 2 or ("::" not in k and colons != 7):
        return False
    return not re.match(r"2001:0?db8:", k)


def _text(data) -> str:
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else str(data)


def _ps_users(text: str) -> set[str]:
    """User names of the ps rows with a uid of 500 or more (people, not macOS's own accounts)."""
    out = set()
    for line in text.splitlines()[1:]:
        f = line.split()
        if len(f) > 3 and f[2].isdigit() and 500 <= int(f[2]) < 4294967294 and not f[3].isdigit():
            out.add(f[3])
    return out


def leftovers(manifest: Mapping, members: Mapping[str, bytes | str]) -> list[str]:
    """What a bundle that says ``"redact": true`` still holds; empty when it is clean (or when it
    does not claim redaction). *members* maps member paths (``start/ps.out``) to their content."""
    if not isinstance(manifest, Mapping) or not (manifest.get("flags") or {}).get("redact"):
        return []
    out: list[str] = []
    redaction = manifest.get("redaction")
    if not isinstance(redaction, Mapping):
        out.append("manifest.json: says --redact but does not record the redaction (a capture before 0.2 "
                   "could ship unredacted members this way): read every member before sharing it")
    else:
        files = [m for m in members if m != "manifest.json"]
        if redaction.get("members") != len(files):
            out.append(f"manifest.json: redaction covered {redaction.get('members')} members, the bundle has {len(files)}")
    for c in manifest.get("commands") or []:
        if isinstance(c, Mapping) and (c.get("output") or c.get("stderr")) and c.get("redacted") is not True:
            out.append(f"{c.get('output') or c.get('stderr')}: not recorded as redacted although the bundle says --redact")
    texts = {name: _text(data) for name, data in members.items() if name != "manifest.json"}
    # user names: ps rows of people and /Users/NAME that are not tokens; then any member naming them
    names = set()
    for name in ("start/ps.out", "end/ps.out"):
        names |= {u for u in _ps_users(texts.get(name, "")) if not _USER_TOKEN.match(u)}
    for text in texts.values():
        names |= {u for u in _USERS.findall(text) if u not in _NOT_PEOPLE and not _USER_TOKEN.match(u)}
    host = manifest.get("host")
    if host not in (None, "host1"):
        out.append(f"manifest.json: host {host!r} left after --redact")
    hosts = set()
    uname = texts.get("start/uname.out", "").split()
    if len(uname) > 1 and uname[1].split(".")[0] != "host1":
        hosts.add(uname[1].split(".")[0])
    log = texts.get("capture.log", "").splitlines()[:1]
    m = re.search(r"\) on (\S+)$", log[0]) if log else None
    if m and m.group(1).split(".")[0] != "host1":
        hosts.add(m.group(1).split(".")[0])
    words = {w: re.compile(r"(?<![A-Za-z0-9_-])" + re.escape(w) + r"(?![A-Za-z0-9_-])", re.I)
             for w in sorted(names | hosts)}
    for name, text in sorted(texts.items()):
        for i, line in enumerate(text.splitlines(), 1):
            for mac in _MAC.findall(line):
                if _mac_left(mac):
                    out.append(f"{name}:{i}: MAC address {mac} left after --redact")
            for m4 in _V4.finditer(line):
                if _v4_public(tuple(int(g) for g in m4.groups())):
                    out.append(f"{name}:{i}: public IPv4 {m4.group(0)} left after --redact")
            for m6 in _V6.finditer(line):
                if _v6_public(m6.group(0)):
                    out.append(f"{name}:{i}: public IPv6 {m6.group(0)} left after --redact")
            for w, rx in words.items():
                if rx.search(line):
                    kind = "host name" if w in hosts else "user name"
                    out.append(f"{name}:{i}: {kind} {w!r} left after --redact")
        for w, rx in words.items():   # in member names too (probe targets, streams)
            if rx.search(name):
                out.append(f"{name}: {'host' if w in hosts else 'user'} name {w!r} in the member's name")
    if len(out) > MAX_LINES:
        out = out[:MAX_LINES] + [f"... and {len(out) - MAX_LINES} more redaction leftovers"]
    return out


def bundle_leftovers(bundle) -> list[str]:
    """:func:`leftovers` of a loaded bundle (anything with ``manifest``, ``files`` and ``raw(file)``);
    reads the members only when the manifest says ``"redact": true``."""
    if not (bundle.manifest.get("flags") or {}).get("redact"):
        return []
    return leftovers(bundle.manifest, {f: bundle.raw(f) for f in bundle.files})
