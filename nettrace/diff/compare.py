"""The comparison itself: two *sides* (a bundle and which of its snapshots), one frame of changes
per area. See :mod:`nettrace.diff` for the areas and the columns."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from nettrace import products
from nettrace.bundle import Bundle, memo
from nettrace.facts import APPLE_KINDS, KINDS, facts_of
from nettrace.graph import graph_of
from nettrace.rules import findings_of

__all__ = ["diff", "Diff", "Side", "AREAS", "CHANGE_COLUMNS"]


AREAS = ("internet_route", "routes", "interfaces", "processes", "system_extensions", "launchd_jobs", "dns", "proxy",
         "pf", "findings", "reachability")
CHANGE_COLUMNS = ["area", "change", "subject", "field", "before", "after", "product", "roles", "minor",
                  "before_file", "before_line", "before_text", "after_file", "after_line", "after_text"]
# changes that are not a difference (kept so a reader sees what held)
SAME = ("unchanged",)
# pf sections whose lines are configuration (the others are counters that move on every capture)
PF_RULE_SECTIONS = ("filter", "translation", "dummynet")
# launchd labels of apps carry per-launch numbers: application.com.zerotier.ZeroTier-One.16221285.19069383
_APP_LABEL = re.compile(r"^(application\..+?)(?:\.\d+)+$")
# frames a Mac always has rows in: one side empty means its member was unreadable, not "all removed"
NEVER_EMPTY = ("routes", "interfaces", "processes", "launchd_jobs", "dns_resolvers")
# ping loss at the end of one capture: the stream's last N replies/timeouts per target (ping -c 3)
TAIL_PINGS = 3


def _na(v) -> bool:
    if v is None:
        return True
    if isinstance(v, (list, tuple, dict)):
        return False
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _s(v) -> str | None:
    """A cell as text (None for NA); lists joined with ', '."""
    if _na(v):
        return None
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    return str(v)


# --------------------------------------------------------------------------- sides


class Side:
    """One side of a comparison: *bundle* at its ``start`` snapshot or its ``last`` one (``end``,
    else the last periodic, else ``start``)."""

    def __init__(self, bundle, phase: str):
        if phase not in ("start", "last"):
            raise ValueError(f"phase {phase!r}: start or last")
        self.bundle = bundle
        self.phase = phase
        self._files = set(bundle.files)
        self._view = None

    @property
    def name(self) -> str:
        return self.bundle.name

    def member(self, name: str) -> str | None:
        """The member this side reads catalog entry *name* from, or None when the bundle has none."""
        start = f"start/{name}.out"
        if self.phase == "start":
            return start if start in self._files else None
        end = f"end/{name}.out"
        if end in self._files:
            return end
        periodic = []
        for f in self._files:
            m = re.match(rf"^periodic/(\d+)/{re.escape(name)}\.out$", f)
            if m:
                periodic.append((int(m.group(1)), f))
        if periodic:
            return max(periodic)[1]
        return start if start in self._files else None

    def rows(self, frame: str, member: str) -> pd.DataFrame:
        df = self.bundle.frame(frame)
        return df[df["file"] == member].reset_index(drop=True) if len(df) else df

    def snapshot(self) -> str:
        """The snapshot label this side stands for (``start``, ``end``, ``periodic N``)."""
        m = self.member("netstat_routes") or self.member("ifconfig") or ""
        head = m.split("/")[0] if m else ("start" if self.phase == "start" else "end")
        if head == "periodic":
            return "periodic " + m.split("/")[1]
        return head

    def view(self):
        """The bundle as this side sees it: each snapshot command's rows of this side's snapshot only
        (:meth:`member`), the probes, and — for the last side — the streams and logs; the start side
        has no streams, which began after it. Facts and the graph read the state of this side from it."""
        if self._view is None:  # kept in the bundle: a second diff of it reuses the view's facts
            self._view = memo(self.bundle, f"diff.view.{self.phase}", self._build_view)
        return self._view

    def _build_view(self, b):
        keep_files = {f: self._keeps(f) for v in b.frames.values() if len(v) for f in v["file"].dropna().unique()}
        frames = {k: v[v["file"].map(keep_files).fillna(False).astype(bool)].reset_index(drop=True) if len(v) else v
                  for k, v in b.frames.items()}
        return Bundle(path=b.path, name=b.name, manifest=b.manifest, frames=frames,
                      warnings=b.warnings.copy(), integrity=b.integrity, _members=b._members)

    def _keeps(self, file: str) -> bool:
        m = re.match(r"^(?:start|end|periodic/\d+)/([A-Za-z0-9_]+)\.out$", file)
        if m:
            return self.member(m.group(1)) == file
        if file.startswith("probe/"):
            return True
        return self.phase == "last"  # streams, logs (and their .err files)

    def facts(self):
        """The facts layer of this side (:mod:`nettrace.facts`), computed once."""
        return facts_of(self.view())

    def cite(self, row) -> tuple[str | None, int | None, str | None]:
        """(file, line, text) of a frame row."""
        if row is None:
            return None, None, None
        get = row.get if hasattr(row, "get") else (lambda k, d=None: d)
        file, line = get("file"), get("line")
        if _na(file):
            return None, None, None
        line = None if _na(line) else int(line)
        try:
            text = self.bundle.line(str(file), line) if line is not None else None
        except KeyError:
            text = None
        return str(file), line, (text.rstrip() if text else text)

    def summary(self) -> dict:
        s = self.bundle.summary()
        s["snapshot"] = self.snapshot()
        s["boot_time"] = _boot_time(self)
        return s


def _boot_time(side: Side) -> str | None:
    m = side.member("boottime")
    if m is None:
        return None
    df = side.rows("sysctl", m)
    if df.empty or "boottime" not in df or df["boottime"].isna().all():
        return None
    return pd.Timestamp(df["boottime"].dropna().iloc[0]).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- the result


@dataclass
class Diff:
    """What changed: one frame per area (columns :data:`CHANGE_COLUMNS`), the warnings met on the
    way (``(message key, params)`` pairs, rendered per language by :mod:`nettrace.diff.render`),
    the findings of both sides paired as in the ``findings`` frame, and each side's routing table."""

    mode: str  # "bundles" (BEFORE vs AFTER) | "snapshots" (start vs end of one bundle)
    before: dict
    after: dict
    frames: dict[str, pd.DataFrame]
    warnings: list[tuple[str, dict]] = field(default_factory=list)
    compared: tuple[str, ...] = ()
    finding_pairs: list = field(default_factory=list)  # (before, after) Finding or None, one per findings row
    routes_before: pd.DataFrame | None = None
    routes_after: pd.DataFrame | None = None

    def frame(self, area: str) -> pd.DataFrame:
        if area not in AREAS:
            raise KeyError(f"no area called {area!r}; areas: {', '.join(AREAS)}")
        return self.frames.get(area, _empty())

    @property
    def changes(self) -> pd.DataFrame:
        """Every change row of every area, in reading order."""
        parts = [self.frames[a] for a in AREAS if a in self.frames and len(self.frames[a])]
        return pd.concat(parts, ignore_index=True) if parts else _empty()

    @property
    def has_changes(self) -> bool:
        ch = self.changes
        return bool(len(ch)) and bool((~ch["change"].isin(SAME)).any())

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for area in AREAS:
            df = self.frames.get(area)
            if df is not None and len(df):
                out[area] = {k: int(v) for k, v in df["change"].value_counts().sort_index().items()}
        return out


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="boolean" if c == "minor" else "Int64" if c.endswith("_line")
                                      else "string") for c in CHANGE_COLUMNS})


def _frame(rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return _empty()
    df = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    df["minor"] = df["minor"].fillna(False).astype("boolean")
    for c in ("before_line", "after_line"):
        df[c] = df[c].astype("Int64")
    for c in CHANGE_COLUMNS:
        if c not in ("minor", "before_line", "after_line"):
            df[c] = df[c].astype("string")
    return df


# --------------------------------------------------------------------------- the comparison


class _Compare:
    def __init__(self, before: Side, after: Side, mode: str):
        self.b, self.a, self.mode = before, after, mode
        self.warnings: list[tuple[str, dict]] = []
        self.compared: list[str] = []

    def warn(self, key: str, **params) -> None:
        if (key, params) not in self.warnings:
            self.warnings.append((key, params))

    def row(self, area, change, subject, field=None, before=None, after=None, brow=None, arow=None,
            product=None, minor=False, roles=None) -> dict:
        bf, bl, bt = self.b.cite(brow)
        af, al, at = self.a.cite(arow)
        return {"area": area, "change": change, "subject": subject, "field": field, "before": _s(before),
                "after": _s(after), "product": product, "roles": roles, "minor": bool(minor), "before_file": bf, "before_line": bl,
                "before_text": bt, "after_file": af, "after_line": al, "after_text": at}

    def pair(self, area: str, frame: str, name: str):
        """The rows of *frame* on both sides (read from catalog entry *name*), or None with a warning
        when one side cannot show them."""
        mb, ma = self.b.member(name), self.a.member(name)
        for side, m, role in ((self.b, mb, "before"), (self.a, ma, "after")):
            if m is None:
                self.warn("diff.warn.missing", area=area, side=role, bundle=side.name, what=name)
                return None
        if self.mode == "snapshots" and mb == ma:
            self.warn("diff.warn.one_snapshot", area=area, what=name, member=mb)
            return None
        for side, m, role in ((self.b, mb, "before"), (self.a, ma, "after")):
            w = side.bundle.warnings
            bad = w[(w["file"] == m) & w["message"].str.contains(r"^(?:parser \S+ failed|no parser)", regex=True)]
            if len(bad):
                self.warn("diff.warn.unreadable", area=area, side=role, bundle=side.name, member=m,
                          why=str(bad["message"].iloc[0]))
                return None
        rb, ra = self.b.rows(frame, mb), self.a.rows(frame, ma)
        if frame in NEVER_EMPTY and (rb.empty != ra.empty):
            side, m, role = (self.b, mb, "before") if rb.empty else (self.a, ma, "after")
            self.warn("diff.warn.unreadable", area=area, side=role, bundle=side.name, member=m,
                      why="no rows could be read")
            return None
        self.compared.append(area)
        return rb, ra

    # ----------------------------------------------------------------- checks of the pair

    def same_mac(self) -> None:
        if self.mode != "bundles":
            return
        hb, ha = self.b.bundle.manifest.get("host"), self.a.bundle.manifest.get("host")
        if hb and ha and hb != ha:
            self.warn("diff.warn.host", before=hb, after=ha)
        eb, ea = _wifi_mac(self.b), _wifi_mac(self.a)
        if eb and ea and eb != ea:
            self.warn("diff.warn.hardware", before=eb, after=ea)
        tb, ta = _boot_time(self.b), _boot_time(self.a)
        if tb and ta and tb != ta:
            self.warn("diff.warn.boot", before=tb, after=ta)
        vb = (self.b.bundle.manifest.get("macos") or {}).get("product_version")
        va = (self.a.bundle.manifest.get("macos") or {}).get("product_version")
        if vb and va and vb != va:
            self.warn("diff.warn.macos", before=vb, after=va)
        sb, sa = self.b.bundle.manifest.get("started_at"), self.a.bundle.manifest.get("started_at")
        if sb and sa and pd.Timestamp(sa) < pd.Timestamp(sb):
            self.warn("diff.warn.order", before=sb, after=sa)

    def rebooted(self) -> bool:
        tb, ta = _boot_time(self.b), _boot_time(self.a)
        return bool(tb and ta and tb != ta)

    # ----------------------------------------------------------------- areas

    def internet_route(self) -> list[dict]:
        pair = self.pair("internet_route", "routes", "netstat_routes")
        if pair is None:
            return []
        out = []
        for family in ("inet", "inet6"):
            rb, ra = _internet(self.b, family), _internet(self.a, family)
            if rb is None and ra is None:
                continue
            db, da = _route_words(rb), _route_words(ra)
            change = "unchanged" if db == da else "changed"
            out.append(self.row("internet_route", change, family, None, db, da, rb, ra))
        return out

    def routes(self) -> list[dict]:
        pair = self.pair("routes", "routes", "netstat_routes")
        if pair is None:
            return []
        gb, ga = _route_groups(pair[0]), _route_groups(pair[1])
        out = []
        for key in list(gb) + [k for k in ga if k not in gb]:
            B, A = gb.get(key, []), ga.get(key, [])
            pairs, left_b, left_a = _match_routes(B, A)
            for rb, ra in pairs:
                subject = _route_subject(key, rb)
                minor = _cache_route(rb) and _cache_route(ra)
                for fld in ("gateway", "netif"):
                    if _s(rb.get(fld)) != _s(ra.get(fld)):
                        out.append(self.row("routes", "changed", subject, fld, rb.get(fld), ra.get(fld), rb, ra,
                                            minor=minor))
                if bool(rb.get("ifscope")) != bool(ra.get("ifscope")):
                    out.append(self.row("routes", "changed", subject, "scope", _scope(rb), _scope(ra), rb, ra,
                                        minor=minor))
                if _flags_wo_scope(rb) != _flags_wo_scope(ra):
                    out.append(self.row("routes", "changed", subject, "flags", rb.get("flags"), ra.get("flags"), rb, ra,
                                        minor=minor))
            # re-ranked: the order of the rows kept on both sides changed (a default moved above another)
            if len(pairs) > 1:
                order_a = sorted(range(len(pairs)), key=lambda i: pairs[i][1]["rank"])
                for pos_b, i in enumerate(range(len(pairs))):
                    pos_a = order_a.index(i)
                    if pos_a != pos_b:
                        rb, ra = pairs[i]
                        out.append(self.row("routes", "reranked", _route_subject(key, rb), "rank", _ordinal(pos_b),
                                            _ordinal(pos_a), rb, ra, minor=_cache_route(rb)))
            for rb in left_b:
                out.append(self.row("routes", "removed", _route_subject(key, rb), None, _route_words(rb), None, rb, None,
                                    minor=_cache_route(rb)))
            for ra in left_a:
                out.append(self.row("routes", "added", _route_subject(key, ra), None, None, _route_words(ra), None, ra,
                                    minor=_cache_route(ra)))
        return out

    def interfaces(self) -> list[dict]:
        pair = self.pair("interfaces", "interfaces", "ifconfig")
        if pair is None:
            return []
        ib, ia = _by_key(pair[0], ("name",)), _by_key(pair[1], ("name",))
        addr_b = _addresses(self.b, self.b.member("ifconfig"))
        addr_a = _addresses(self.a, self.a.member("ifconfig"))
        own_b, own_a = _owners(self.b), _owners(self.a)
        out = []
        for key in list(ib) + [k for k in ia if k not in ib]:
            name = key[0]
            rb, ra = ib.get(key), ia.get(key)
            if ra is None:
                out.append(self.row("interfaces", "vanished", name, None,
                                    _if_words(rb, addr_b.get(name, {}), _kind(self.b, name)), None,
                                    rb, None, product=_owner_product(own_b.get(name))))
                continue
            if rb is None:
                out.append(self.row("interfaces", "appeared", name, None, None,
                                    _if_words(ra, addr_a.get(name, {}), _kind(self.a, name)),
                                    None, ra, product=_owner_product(own_a.get(name))))
                continue
            for fld, get in (("status", lambda r: r.get("status")),
                             ("state", lambda r: None if _na(r.get("up")) else ("up" if r.get("up") else "down")),
                             ("peer", lambda r: r.get("peer"))):
                vb, va = _s(get(rb)), _s(get(ra))
                if vb != va:
                    out.append(self.row("interfaces", "changed", name, fld, vb, va, rb, ra))
            ab, aa = addr_b.get(name, {}), addr_a.get(name, {})
            gone = [x for x in ab if x not in aa]
            new = [x for x in aa if x not in ab]
            for fam in ("inet", "inet6"):  # one address replaced by another: one change
                g = [x for x in gone if ab[x].get("family") == fam]
                n = [x for x in new if aa[x].get("family") == fam]
                if len(g) == 1 and len(n) == 1:
                    out.append(self.row("interfaces", "changed", name, "address", g[0], n[0], ab[g[0]], aa[n[0]]))
                    gone.remove(g[0])
                    new.remove(n[0])
            for addr in gone:
                out.append(self.row("interfaces", "changed", name, "address", addr, None, ab[addr], ra))
            for addr in new:
                out.append(self.row("interfaces", "changed", name, "address", None, addr, rb, aa[addr]))
            ob, oa = own_b.get(name), own_a.get(name)
            if _owner_key(ob) != _owner_key(oa) and (ob or oa):
                out.append(self.row("interfaces", "changed", name, "owner", _owner_words(ob), _owner_words(oa),
                                    (ob or {}).get("row") or rb, (oa or {}).get("row") or ra,
                                    product=_owner_product(oa or ob)))
        return out

    def processes(self) -> list[dict]:
        pair = self.pair("processes", "processes", "ps")
        if pair is None:
            return []
        roles: dict[tuple, set] = {}  # (executable, arguments) -> its roles on either side
        for side, ps in ((self.b, pair[0]), (self.a, pair[1])):
            for pid, role in _relevant_pids(side):
                hit = ps[ps["pid"] == pid]
                if len(hit):
                    roles.setdefault(_pkey(hit.iloc[0]), set()).add(role)
        out = []
        reboot = self.rebooted()
        for key, rs in roles.items():
            B, A = _with_key(pair[0], key), _with_key(pair[1], key)
            pids_a = {r["pid"] for r in A}
            pids_b = {r["pid"] for r in B}
            left_b = [r for r in B if r["pid"] not in pids_a]  # the same pid on both sides: the same process
            left_a = [r for r in A if r["pid"] not in pids_b]
            product = products.match(key[0]).name
            roles_s = ";".join(sorted(rs))
            while left_b and left_a:  # the same command line under a new pid
                rb, ra = left_b.pop(0), left_a.pop(0)
                if not reboot:
                    out.append(self.row("processes", "restarted", _s(ra.get("name")) or key[0], "pid", rb.get("pid"),
                                        ra.get("pid"), rb, ra, product=product, roles=roles_s))
            for ra in left_a:
                out.append(self.row("processes", "started", _s(ra.get("name")) or key[0], "pid", None, ra.get("pid"),
                                    None, ra, product=product, roles=roles_s))
            for rb in left_b:
                out.append(self.row("processes", "stopped", _s(rb.get("name")) or key[0], "pid", rb.get("pid"), None,
                                    rb, None, product=product, roles=roles_s))
        return out

    def system_extensions(self) -> list[dict]:
        pair = self.pair("system_extensions", "system_extensions", "system_extensions")
        if pair is None:
            return []
        return self._keyed("system_extensions", pair, ("bundle_id",), ("state", "version", "enabled", "active"),
                           words=lambda r: f"{_s(r.get('name')) or ''} [{_s(r.get('state')) or ''}]".strip(),
                           product=lambda r: _s(r.get("name")))

    def launchd_jobs(self) -> list[dict]:
        pair = self.pair("launchd_jobs", "launchd_jobs", "launchd_jobs")
        if pair is None:
            return []
        norm = [df.assign(label=df["label"].map(_job_label)) if len(df) else df for df in pair]
        return self._keyed("launchd_jobs", tuple(norm), ("label",), (),
                           words=lambda r: _s(r.get("pid")) or "-",  # as launchctl prints a job not running
                           product=lambda r: None)

    def dns(self) -> list[dict]:
        pair = self.pair("dns", "dns_resolvers", "scutil_dns")
        if pair is None:
            return []
        keyed = [df.assign(scope_if=df["interface"].where(df["section"] == "scoped")) if len(df) else df
                 for df in pair]
        return self._keyed("dns", tuple(keyed), ("section", "domain", "scope_if"), ("nameservers", "search", "interface"),
                           words=lambda r: _s(r.get("nameservers")) or "—", product=lambda r: None,
                           subject=_resolver_subject)

    def proxy(self) -> list[dict]:
        pair = self.pair("proxy", "proxy", "scutil_proxy")
        if pair is None:
            return []
        return self._keyed("proxy", pair, ("scope", "key"), ("value",), words=lambda r: _s(r.get("value")),
                           product=lambda r: None,
                           subject=lambda k: "/".join(x for x in k if x))

    def pf(self) -> list[dict]:
        pair = self.pair("pf", "pf", "pfctl")
        if pair is None:
            return []
        out = []
        sb, sa = _pf_status(pair[0]), _pf_status(pair[1])
        if sb[0] != sa[0] and (sb[0] or sa[0]):
            out.append(self.row("pf", "changed", "status", "status", sb[0], sa[0], sb[1], sa[1]))
        rules = [df[df["section"].isin(PF_RULE_SECTIONS)] for df in pair]
        keyed = [df.assign(rule=df["text"]) for df in rules]
        out += self._keyed("pf", tuple(keyed), ("section", "rule"), (), words=lambda r: _s(r.get("text")),
                           product=lambda r: None, subject=lambda k: k[0])
        return out

    def _keyed(self, area, pair, key_cols, fields, words, product, subject=None) -> list[dict]:
        """Rows matched on *key_cols*: added / removed, or changed in one of *fields*."""
        subject = subject or (lambda k: " ".join(str(x) for x in k if x))
        kb, ka = _by_key(pair[0], key_cols), _by_key(pair[1], key_cols)
        out = []
        for key in list(kb) + [k for k in ka if k not in kb]:
            rb, ra = kb.get(key), ka.get(key)
            if ra is None:
                out.append(self.row(area, "removed", subject(key[:len(key_cols)]), None, words(rb), None, rb, None,
                                    product=product(rb)))
            elif rb is None:
                out.append(self.row(area, "added", subject(key[:len(key_cols)]), None, None, words(ra), None, ra,
                                    product=product(ra)))
            else:
                for fld in fields:
                    vb, va = _s(rb.get(fld)), _s(ra.get(fld))
                    if vb != va:
                        out.append(self.row(area, "changed", subject(key[:len(key_cols)]), fld, vb, va, rb, ra,
                                            product=product(ra)))
        return out

    def findings(self, fb: list, fa: list) -> tuple[list[dict], list[tuple]]:
        """new / resolved / unchanged: the same rule and title, else the same rule (its details
        moved: still there)."""
        left_b, left_a, pairs = list(fb), list(fa), []
        for same in (lambda x, y: x.id == y.id and x.title("en") == y.title("en"), lambda x, y: x.id == y.id):
            for f_b in list(left_b):
                hit = next((f_a for f_a in left_a if same(f_b, f_a)), None)
                if hit is not None:
                    pairs.append((f_b, hit))
                    left_b.remove(f_b)
                    left_a.remove(hit)
        pairs += [(f, None) for f in left_b] + [(None, f) for f in left_a]
        order = {id(f): i for i, f in enumerate(fb + fa)}
        pairs.sort(key=lambda p: order[id(p[0] if p[0] is not None else p[1])])
        out = []
        for f_b, f_a in pairs:
            change = "resolved" if f_a is None else "new" if f_b is None else "unchanged"
            out.append(self.row("findings", change, (f_a or f_b).id, "severity", f_b.severity if f_b else None,
                                f_a.severity if f_a else None, _finding_row(f_b), _finding_row(f_a)))
        return out, pairs

    def reachability(self) -> list[dict]:
        lb, la = _loss(self.b, self.mode), _loss(self.a, self.mode)
        if not lb and not la:
            return []
        self.compared.append("reachability")
        out = []
        for target in list(lb) + [t for t in la if t not in lb]:
            xb, xa = lb.get(target), la.get(target)
            vb = _loss_words(xb)
            va = _loss_words(xa)
            change = "unchanged" if xb and xa and xb["pct"] == xa["pct"] else "changed"
            out.append(self.row("reachability", change, target, "loss", vb, va, (xb or {}).get("row"),
                                (xa or {}).get("row")))
        return out


# --------------------------------------------------------------------------- helpers: routes


def _internet(side: Side, family: str):
    """The route Internet traffic of *family* takes on *side* (the facts layer's answer)."""
    return side.facts().internet.get(family)


def _route_groups(df: pd.DataFrame) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = {}
    if df.empty:
        return groups
    for r in df.sort_values(["family", "rank"], kind="stable").to_dict("records"):
        dest = r.get("cidr") if not _na(r.get("cidr")) else r.get("destination")
        key = (_s(r.get("family")) or "", _s(dest) or "", _s(r.get("dest_scope")) or "")
        groups.setdefault(key, []).append(r)
    return groups


def _match_routes(B: list[dict], A: list[dict]):
    """Pair the rows of one destination: same gateway, interface and flags first, then the same
    interface, then the same gateway; the rest were added or removed."""
    left_b, left_a, pairs = list(B), list(A), []
    keys = (lambda r: (_s(r.get("gateway")), _s(r.get("netif")), _s(r.get("flags"))),
            lambda r: (_s(r.get("netif")),),
            lambda r: (_s(r.get("gateway")),))
    for key in keys:
        for rb in list(left_b):
            for ra in left_a:
                if key(rb) == key(ra):
                    pairs.append((rb, ra))
                    left_b.remove(rb)
                    left_a.remove(ra)
                    break
    pairs.sort(key=lambda p: p[0]["rank"])
    return pairs, left_b, left_a


def _flags_wo_scope(r) -> str:
    return (_s(r.get("flags")) or "").replace("I", "")


def _scope(r) -> str | None:
    """The interface a route is scoped to (flag I), None when unscoped."""
    return _s(r.get("netif")) if bool(r.get("ifscope")) else None


def _cache_route(r) -> bool:
    """A link-layer (ARP/ND) or cloned host route: comes and goes with traffic."""
    flags = _s(r.get("flags")) or ""
    return "W" in flags or "L" in flags


def _route_subject(key: tuple, r: dict) -> str:
    dest = _s(r.get("destination")) or key[1]
    return dest if key[0] == "inet" else f"{dest} ({key[0]})"


def _route_words(r) -> str | None:
    if r is None:
        return None
    return f"{_s(r.get('destination'))} {_s(r.get('gateway'))} {_s(r.get('flags'))} {_s(r.get('netif'))}"


def _ordinal(i: int) -> str:
    return f"#{i + 1}"


# --------------------------------------------------------------------------- helpers: interfaces


def _by_key(df: pd.DataFrame, cols: tuple) -> dict[tuple, dict]:
    """Rows by key (a repeated key gets its occurrence number appended, so none is lost)."""
    out: dict[tuple, dict] = {}
    if df is None or df.empty:
        return out
    seen: dict[tuple, int] = {}
    for r in df.to_dict("records"):
        key = tuple(_s(r.get(c)) or "" for c in cols)
        n = seen.get(key, 0)
        seen[key] = n + 1
        out[key + ((n,) if n else ())] = r
    return out


def _addresses(side: Side, member: str | None) -> dict[str, dict[str, dict]]:
    """interface -> {"address/prefixlen": row} of one ifconfig member."""
    out: dict[str, dict[str, dict]] = {}
    if member is None:
        return out
    for r in side.rows("addresses", member).to_dict("records"):
        if _na(r.get("address")) or _na(r.get("interface")):
            continue
        text = str(r["address"]) + (f"/{int(r['prefixlen'])}" if not _na(r.get("prefixlen")) else "")
        if not _na(r.get("destination")):
            text += f" --> {r['destination']}"
        out.setdefault(str(r["interface"]), {})[text] = r
    return out


def _if_words(r: dict, addrs: dict, kind: str | None = None) -> str:
    bits = [kind or _s(r.get("kind")) or ""]
    if _s(r.get("peer")):
        bits.append(f"peer {r['peer']}")
    bits += list(addrs)[:3]
    return ", ".join(b for b in bits if b)


def _owners(side: Side) -> dict[str, dict]:
    """interface -> {"pid", "name", "executable", "product", "row"}: who holds it, from the facts
    layer (holder, or its feth peer's holder); ``row`` is the lsof line that shows it."""
    facts = side.facts()
    m = side.member("lsof")
    of = side.rows("open_files", m) if m else pd.DataFrame()
    out: dict[str, dict] = {}
    for i in facts.interfaces_of(*KINDS):
        o = i.owner
        if o is None:
            continue
        row = None
        if len(of):
            hit = of[(of["pid"] == o.pid) & of["interface"].notna()]
            row = hit.iloc[0].to_dict() if len(hit) else None
        out[i.name] = {"pid": o.pid, "name": o.name, "executable": o.executable, "product": o.product,
                       "chain": o.chain, "row": row}
    return out


def _owner_key(o) -> str | None:
    return None if not o else (o.get("executable") or o.get("name"))


def _owner_words(o) -> str | None:
    if not o:
        return None
    prod = _owner_product(o)
    return f"{o.get('name')} (pid {o.get('pid')}{', ' + prod if prod else ''})"


def _owner_product(o) -> str | None:
    return o.get("product") if o else None


# --------------------------------------------------------------------------- helpers: processes


def _exe(r) -> str:
    return _s(r.get("executable")) or _s(r.get("name")) or _s(r.get("command")) or "?"


def _pkey(r) -> tuple[str, str]:
    """A process across captures: its executable and arguments (pids change; a reboot changes all)."""
    return _exe(r), _s(r.get("args")) or ""


def _with_key(ps: pd.DataFrame, key: tuple) -> list[dict]:
    if ps.empty:
        return []
    return [r for r in ps.to_dict("records") if _pkey(r) == key]


def _kind(side: Side, name: str) -> str | None:
    i = side.facts().interface(name)
    return i.kind if i else None


def _relevant_pids(side: Side) -> list[tuple[int, str]]:
    """(pid, role) of the processes a network diff is about: each interface's owner chain from the
    facts layer (the holder, then its parents), every holder lsof shows, socket holders on the
    address of an interface that is not Apple's, route writers (route monitor)."""
    out: list[tuple[int, str]] = []
    facts = side.facts()
    for i in facts.interfaces_of(*KINDS):
        if i.owner is None:
            continue
        role = f"holds:{i.name}"
        for node in i.owner.chain:
            if node.startswith("process:"):
                try:
                    pid = int(node.split(":", 1)[1])
                except ValueError:
                    continue
                out.append((pid, role))
                role = f"parent:{graph_of(facts.bundle).nodes[node].get('name')}"
    m = side.member("lsof")
    of = side.rows("open_files", m) if m is not None else pd.DataFrame()
    if len(of):  # every holder lsof shows (an interface may have several; the facts name one owner)
        for pid, iface in of.loc[of["interface"].notna(), ["pid", "interface"]].drop_duplicates().itertuples(index=False):
            out.append((int(pid), f"holds:{iface}"))
    tunnels = {a: i.name for i in facts.interfaces_of(*KINDS) if i.kind not in APPLE_KINDS
               for a in i.addresses}
    if len(of) and tunnels:
        socks = of[of["local_address"].isin(list(tunnels))]
        for pid, addr in socks[["pid", "local_address"]].itertuples(index=False):
            out.append((int(pid), f"socket:{tunnels[addr]}"))
    if side.phase == "last":
        ev = side.bundle.frame("route_events")
        if len(ev):
            writes = ev[ev["pid"].notna() & (ev["pid"] > 0) & ev["type"].isin(["RTM_ADD", "RTM_DELETE", "RTM_CHANGE"])]
            for pid in writes["pid"].unique():
                out.append((int(pid), "wrote:routes"))
    return out


def _job_label(label) -> str | None:
    if _na(label):
        return None
    m = _APP_LABEL.match(str(label))
    return m.group(1) if m else str(label)


def _resolver_subject(key: tuple) -> str:
    section, domain, iface = (list(key) + ["", "", ""])[:3]
    bits = [section or "resolver"]
    if domain:
        bits.append(domain)
    if iface:
        bits.append(f"({iface})")
    return " ".join(bits)


def _pf_status(df: pd.DataFrame):
    if df.empty:
        return None, None
    st = df[df["status_enabled"].notna()]
    if st.empty:
        return None, None
    r = st.iloc[0].to_dict()
    return ("enabled" if r["status_enabled"] else "disabled"), r


def _finding_row(f):
    if f is None or not f.evidence:
        return None
    e = f.evidence[0]
    return {"file": e.file, "line": e.line}


# --------------------------------------------------------------------------- helpers: reachability


def _loss(side: Side, mode: str) -> dict[str, dict]:
    """target -> {"pct", "sent", "lost", "row"}: ping loss as this side saw it.

    Two bundles: each one's continuous ping over the whole capture (the probe's ``ping -c 3`` when
    there is no stream). Start of one bundle: the probe run at the start; end: the stream's last
    :data:`TAIL_PINGS` pings per target."""
    b = side.bundle
    out: dict[str, dict] = {}
    probes = b.frame("probes")
    probes = probes[(probes["tool"] == "ping")] if len(probes) else probes
    pings = b.frame("pings")
    counted = ("reply", "timeout", "no_route", "host_down", "unreachable")

    def from_probes():
        for r in probes.to_dict("records"):
            target = _s(r.get("target")) or _s(r.get("destination"))
            if not target or target in out or _na(r.get("transmitted")) or not r.get("transmitted"):
                continue
            sent, got = int(r["transmitted"]), int(r.get("received") or 0)
            out[target] = {"pct": round(100 * (sent - got) / sent), "sent": sent, "lost": sent - got, "row": r}

    def from_stream(tail: int | None):
        if pings.empty:
            return
        for target, g in pings[pings["outcome"].isin(counted)].groupby(pings["target"].fillna(pings["destination"]),
                                                                         sort=False):
            if target in out:
                continue
            g = g.sort_values("line")
            if tail:
                g = g.tail(tail)
            sent = len(g)
            lost = int((g["outcome"] != "reply").sum())
            out[str(target)] = {"pct": round(100 * lost / sent), "sent": sent, "lost": lost, "row": g.iloc[0].to_dict()}

    if mode == "bundles":
        from_stream(None)
        from_probes()
    elif side.phase == "start":
        from_probes()
    else:
        from_stream(TAIL_PINGS)
    return out


def _loss_words(x) -> str | None:
    if not x:
        return None
    return f"{x['pct']}% ({x['lost']}/{x['sent']})"


def _wifi_mac(side: Side) -> str | None:
    m = side.member("hardware_ports")
    if m is None:
        return None
    hp = side.rows("hardware_ports", m)
    wifi = hp[hp["port"].isin(["Wi-Fi", "AirPort"])] if len(hp) else hp
    return _s(wifi["ether"].iloc[0]) if len(wifi) else None


# --------------------------------------------------------------------------- entry point


def diff(before, after=None) -> Diff:
    """What changed from *before* to *after* (two loaded bundles of one Mac: the last snapshot of
    each), or within *before* alone (its start snapshot against its end) when *after* is None.

    Never raises on odd input: whatever cannot be compared is left out and said in
    :attr:`Diff.warnings`.
    """
    if after is None:
        b, a, mode = Side(before, "start"), Side(before, "last"), "snapshots"
    else:
        b, a, mode = Side(before, "last"), Side(after, "last"), "bundles"
    c = _Compare(b, a, mode)
    c.same_mac()
    if mode == "snapshots" and b.member("netstat_routes") is None and b.member("ifconfig") is None:
        c.warn("diff.warn.no_start", bundle=before.name)
    frames = {
        "internet_route": _frame(c.internet_route()),
        "routes": _frame(c.routes()),
        "interfaces": _frame(c.interfaces()),
        "processes": _frame(c.processes()),
        "system_extensions": _frame(c.system_extensions()),
        "launchd_jobs": _frame(c.launchd_jobs()),
        "dns": _frame(c.dns()),
        "proxy": _frame(c.proxy()),
        "pf": _frame(c.pf()),
    }
    fb, fa = _findings(b), _findings(a)
    rows, pairs = c.findings(fb, fa)
    frames["findings"] = _frame(rows)
    c.compared.append("findings")
    frames["reachability"] = _frame(c.reachability())
    rm_b, rm_a = b.member("netstat_routes"), a.member("netstat_routes")
    return Diff(mode=mode, before=b.summary(), after=a.summary(), frames=frames, warnings=c.warnings,
                compared=tuple(dict.fromkeys(c.compared)), finding_pairs=pairs,
                routes_before=b.rows("routes", rm_b) if rm_b else None,
                routes_after=a.rows("routes", rm_a) if rm_a else None)


def _findings(side: Side) -> list:
    """The findings of a side: ``nettrace analyze``'s of the whole bundle for the last side, the rules
    run on the start view for the start side."""
    return list(findings_of(side.bundle if side.phase == "last" else side.view()))
