"""Facts: what the frames say about this Mac, derived once per bundle (insights-core's combiners).

Rules, ``explain``, the report, diff and the JSON read these facts and never re-derive them. The
knowledge of what macOS itself does comes from ``nettrace/data/macos.json`` (documented in
``docs/macos-model.md``); which product owns a process comes from ``products.json``.

API
---
``nettrace.facts_of(bundle) -> Facts`` (:func:`facts_of`) — computed on first use and memoised
on the bundle like the graph (:func:`build_facts` derives them uncached). The facts sit on the
frames and on the evidence graph's ownership walk (:func:`nettrace.graph.culprit_chain`): the graph
holds who-holds-what as edges, the facts say what it means; the graph never reads the facts.
A :class:`Facts` holds:

``internet[family]`` (``"inet"`` / ``"inet6"``) -> :class:`Route` | None
    The route Internet traffic takes: the longest-prefix match over **unscoped** routes of the
    latest snapshot for well-known public addresses (macos.json ``internet.probe_addresses``),
    ties broken by table order. Interface-scoped rows (flag ``I``) never capture unscoped
    traffic and are never chosen. On a TUN proxy that splits the Internet into ``1/8 … 128.0/1``
    this is the tunnel's route, not the ``default`` row.
``internet_routes[family]`` -> list[:class:`Route`]
    Every distinct route one of those public addresses takes (a split tunnel may send some
    public addresses one way and others another).
``route_for(dest)`` -> :class:`Route` | None
    Longest-prefix match of an address (``"8.8.8.8"``, ``"2606:4700::1"``, ``"default"``) over
    the unscoped routes of its family.
``scoped_default(netif, family)`` -> :class:`Route` | None
    The interface-scoped default of *netif* (what a socket bound with IP_BOUND_IF uses).
``routes`` (DataFrame)
    The latest ``routes`` rows plus ``role`` (``traffic`` | ``scaffolding`` | ``scoped``),
    ``scaffolding`` (why, e.g. ``"IPv6 link-local"``; NA for other roles), ``covers_internet``
    (unscoped, overlaps public space, at most /8 (IPv4) or /16 (IPv6) long), ``internet`` (one of
    ``internet_routes``) and ``node`` (its graph node id).
``interfaces`` (DataFrame, one row per interface name seen in ifconfig or in a route)
    ``name, kind, model, evidence, exists, up, has_ipv4, link_local_only, addresses,
    owner_pid, owner_name, owner_executable, product, category, owner_chain, file, line,
    captured_at``. ``kind`` is one of :data:`KINDS`; ``model`` the macos.json entry id that
    matched (NA when none); ``evidence`` the list of reasons (plain strings such as
    ``"name utun[0-3]"``, ``"only link-local IPv6"``, ``"no third-party owner in lsof"``).
``interface(name)`` -> :class:`Interface` | None, and ``is_apple(name)`` (kind apple / hardware
    / loopback).
``owner(name)`` -> :class:`Owner` | None
    Who holds an interface: pid → executable → product, with the graph chain behind it
    (``graph.culprit_chain``: holder, its feth peer's holder, parents up to the product).
``lsof`` (bool)
    Whether ``lsof`` was captured: without it no owner can be seen, and "nobody holds it"
    cannot be concluded.
``failed_probes`` (DataFrame)
    Every probe that failed, and how: ``tool, target, destination, as, how, error, file, line,
    captured_at``; ``how`` is ``no_route`` ("No route to host" before a packet left),
    ``unreachable`` (an ICMP error came back), ``loss`` (no reply at all), ``dns`` (dig failed),
    ``no_reply`` (a traceroute none of whose hops answered — what a TUN proxy's stack does) or
    ``error`` (another error line, e.g. traceroute's ``findsaddr``). Ping-loop lines are
    included with ``tool`` ``ping_stream``.
``probes_ok(family)`` -> bool | None
    Whether a probe to a public address of *family* succeeded (None when there was none).
``local_networks`` / ``local_addresses`` / ``on_local_subnet(ip)``
    The subnets and addresses the Mac holds (latest snapshot).
``to_dict()``
    The facts as JSON-ready data (``analyze --format json`` prints it under ``"facts"``).

Each fact has a stable reference string that findings cite in their ``facts`` list:
``internet:inet``, ``route:<graph node id>``, ``interface:<name>``, ``probe:<file>:<line>``, and
``capture:lsof`` / ``capture:interrupted`` for what the capture itself could see (``Facts.lsof``,
the manifest's ``interrupted``).

Examples
--------
>>> import nettrace
>>> f = nettrace.facts_of(nettrace.load("data/samples/002-tun-proxy-over-en0.tar.gz"))
>>> f.internet["inet"].netif, f.interface("utun0").kind, f.interface("utun1024").owner.product
('utun1024', 'apple', 'Clash Verge / mihomo')
>>> f.route_for("8.8.8.8").destination, f.scoped_default("en0") is None
('8/5', True)
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from nettrace import graph as g
from nettrace import products as prod

__all__ = ["facts_of", "build_facts", "Facts", "Route", "Interface", "Owner", "KINDS", "model", "route_ref",
           "probe_ref"]

KINDS = ("loopback", "apple", "hardware", "tunnel", "overlay", "vm-bridge", "other")
APPLE_KINDS = ("loopback", "apple", "hardware")


# the stock-Mac model, nettrace/data/macos.json (read once, beside products.json, in nettrace.products)
model = prod.macos_model


@lru_cache(maxsize=1)
def _scaffold_nets() -> list[tuple[ipaddress._BaseNetwork, str]]:
    return [(ipaddress.ip_network(n["cidr"]), n["what"]) for n in model()["route_scaffolding"]["networks"]]


@lru_cache(maxsize=1)
def _not_public() -> list:
    return [ipaddress.ip_network(n) for n in model()["internet"]["not_public"]]


def _na(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _s(v) -> str | None:
    return None if _na(v) else str(v)


def _net(cidr) -> ipaddress._BaseNetwork | None:
    if _na(cidr):
        return None
    try:
        return ipaddress.ip_network(str(cidr).split("%", 1)[0], strict=False)
    except ValueError:
        return None


def _addr(text) -> ipaddress._BaseAddress | None:
    if _na(text):
        return None
    try:
        return ipaddress.ip_address(str(text).split("%", 1)[0])
    except ValueError:
        return None


def route_ref(node: str) -> str:
    """The fact reference of a route (its graph node id)."""
    return node


def probe_ref(file, line) -> str:
    return f"probe:{file}:{line}"


@dataclass(frozen=True)
class Route:
    """One route of the latest snapshot, with its role. ``get`` makes it usable as an evidence row."""

    family: str
    destination: str | None
    cidr: str | None
    gateway: str | None
    gateway_kind: str | None
    flags: str
    netif: str | None
    scoped: bool
    is_default: bool
    rank: int | None
    role: str
    scaffolding: str | None
    covers_internet: bool
    snapshot: str | None
    node: str
    file: str | None
    line: int | None
    captured_at: object = None
    net: object = field(default=None, repr=False, compare=False)  # the cidr parsed once (ipaddress network)

    def get(self, key, default=None):
        return getattr(self, key, default)

    def __getitem__(self, key):
        return getattr(self, key)

    @property
    def ifscope(self) -> bool:
        return self.scoped

    @property
    def ref(self) -> str:
        return route_ref(self.node)

    @property
    def prefixlen(self) -> int | None:
        return self.net.prefixlen if self.net is not None else None

    def to_dict(self) -> dict:
        return {"ref": self.ref, "family": self.family, "destination": self.destination, "cidr": self.cidr,
                "gateway": self.gateway, "flags": self.flags, "netif": self.netif, "scoped": self.scoped,
                "role": self.role, "covers_internet": self.covers_internet, "file": self.file, "line": self.line}


@dataclass(frozen=True)
class Owner:
    """Who holds an interface: the holding process, its executable and product, and the graph chain."""

    pid: int | None
    name: str | None
    executable: str | None
    product: str | None
    category: str | None
    chain: tuple[str, ...] = ()

    @property
    def third_party(self) -> bool:
        return self.product != "macOS" and not prod.is_system_proxy(self.name)

    def to_dict(self) -> dict:
        return {"pid": self.pid, "name": self.name, "executable": self.executable, "product": self.product,
                "category": self.category}


@dataclass(frozen=True)
class Interface:
    name: str
    kind: str
    model: str | None
    evidence: tuple[str, ...]
    exists: bool
    up: bool
    has_ipv4: bool
    link_local_only: bool
    addresses: tuple[str, ...]
    owner: Owner | None
    file: str | None = None
    line: int | None = None
    captured_at: object = None

    def get(self, key, default=None):
        return getattr(self, key, default)

    @property
    def ref(self) -> str:
        return f"interface:{self.name}"

    @property
    def apple(self) -> bool:
        return self.kind in APPLE_KINDS

    def to_dict(self) -> dict:
        return {"ref": self.ref, "name": self.name, "kind": self.kind, "model": self.model,
                "evidence": list(self.evidence), "exists": self.exists, "up": self.up,
                "addresses": list(self.addresses), "owner": self.owner.to_dict() if self.owner else None}


@dataclass
class Facts:
    """The facts of one bundle (see the module docstring): ``nettrace.facts_of(bundle)``."""

    bundle: object
    routes: pd.DataFrame
    interfaces: pd.DataFrame
    failed_probes: pd.DataFrame
    internet: dict
    internet_routes: dict
    lsof: bool
    local_networks: list
    local_addresses: set
    _routes: dict = field(default_factory=dict, repr=False)
    _ifaces: dict = field(default_factory=dict, repr=False)
    _public_ok: dict = field(default_factory=dict, repr=False)

    # ---- routes
    def route(self, node: str) -> Route | None:
        return self._routes.get(node)

    def route_for(self, dest: str, family: str | None = None) -> Route | None:
        """The unscoped route a lookup of *dest* takes (longest prefix, then table order)."""
        if dest in ("default", "0.0.0.0/0", "::/0", "default6"):
            fam = family or ("inet6" if dest in ("::/0", "default6") else "inet")
            addr = ipaddress.ip_address("::" if fam == "inet6" else "0.0.0.0")
        else:
            addr = _addr(dest)
            if addr is None:
                net = _net(dest)
                if net is None:
                    return None
                addr = net.network_address
        return _lpm(self._routes.values(), addr)

    def find_route(self, dest: str | None = None) -> Route | None:
        """The route ``explain`` starts from: the Internet route when *dest* is None (IPv4, else IPv6);
        a route written as *dest* (``default``, ``10.68/16``, its CIDR), unscoped rows first; else,
        when *dest* is an address, the longest-prefix match for it (a network that is not in the
        table matches nothing)."""
        if dest is None:
            return self.internet.get("inet") or self.internet.get("inet6")
        written = [r for r in self._routes.values() if dest in (r.destination, r.cidr)]
        if dest == "default6":
            written = [r for r in self._routes.values() if r.family == "inet6" and r.is_default]
        if written:
            return sorted(written, key=lambda r: (r.scoped, r.family != "inet", r.rank or 0))[0]
        return self.route_for(dest) if _addr(dest) is not None else None

    def scoped_default(self, netif: str, family: str = "inet") -> Route | None:
        for r in self._routes.values():
            if r.family == family and r.is_default and r.scoped and r.netif == netif:
                return r
        return None

    def defaults(self, family: str = "inet") -> list[Route]:
        """Every default route of *family*, unscoped ones first, each group in table order."""
        rows = [r for r in self._routes.values() if r.family == family and r.is_default]
        return sorted(rows, key=lambda r: (r.scoped, r.rank if r.rank is not None else 0))

    def all_routes(self, role: str | None = None) -> list[Route]:
        """Every route of the latest snapshot (of one role: ``traffic``, ``scaffolding``, ``scoped``)."""
        return [r for r in self._routes.values() if role is None or r.role == role]

    def routes_via(self, netif: str, role: str | None = None) -> list[Route]:
        return [r for r in self._routes.values() if r.netif == netif and (role is None or r.role == role)]

    # ---- interfaces
    def interface(self, name) -> Interface | None:
        return self._ifaces.get(str(name)) if not _na(name) else None

    def is_apple(self, name) -> bool:
        i = self.interface(name)
        return bool(i and i.apple)

    def owner(self, name) -> Owner | None:
        i = self.interface(name)
        return i.owner if i else None

    def interfaces_of(self, *kinds: str) -> list[Interface]:
        """Interfaces of these kinds (every interface when no kind is given)."""
        return [i for i in self._ifaces.values() if not kinds or i.kind in kinds]

    def interfaces_with_address(self, address: str) -> set[str]:
        return {i.name for i in self._ifaces.values() if address in i.addresses}

    # ---- addresses
    def on_local_subnet(self, ip) -> bool:
        addr = _addr(ip)
        return addr is not None and any(addr in n for n in self.local_networks if n.prefixlen < n.max_prefixlen)

    # ---- probes
    def probes_ok(self, family: str = "inet") -> bool | None:
        return self._public_ok.get(family)

    def to_dict(self) -> dict:
        return {
            "internet": {fam: (r.to_dict() if r else None) for fam, r in self.internet.items()},
            "routes": [r.to_dict() for r in self._routes.values() if r.role != "scaffolding"],
            "interfaces": [i.to_dict() for i in self._ifaces.values()],
            "failed_probes": [{k: _jsonable(v) for k, v in row.items()}
                              for row in self.failed_probes.drop(columns=["captured_at"], errors="ignore")
                              .to_dict("records")],
            "lsof": self.lsof,
        }


def _jsonable(v):
    if _na(v):
        return None
    return v.item() if hasattr(v, "item") else v


def facts_of(bundle) -> Facts:
    """The facts of *bundle*, derived once (:func:`build_facts`, memoised in the bundle)."""
    from nettrace.bundle import memo

    return memo(bundle, "facts", build_facts)


def build_facts(bundle) -> Facts:
    """Derive the facts of *bundle* (uncached; ``nettrace.facts_of`` memoises them)."""
    return _build(bundle)


# --------------------------------------------------------------------------- building


def _lpm(routes, addr) -> Route | None:
    best, best_key = None, None
    for r in routes:
        if r.scoped:
            continue
        net = r.net
        if net is None or net.version != addr.version or addr not in net:
            continue
        key = (net.prefixlen, -(r.rank if r.rank is not None else 0))
        if best_key is None or key > best_key:
            best, best_key = r, key
    return best


def _scaffolding(row, local: set[str]) -> str | None:
    net = _net(row.get("cidr"))
    if net is not None:
        for n, what in _scaffold_nets():
            if net.version == n.version and net.subnet_of(n):
                return what
    if row.get("gateway_kind") == "mac":
        return "link-layer host route (ARP/NDP)"
    flags = str(row.get("flags") or "")
    for ch, what in model()["route_scaffolding"]["flags"].items():
        if ch in flags:
            return what
    if net is not None and net.prefixlen == net.max_prefixlen and str(net.network_address) in local:
        return "the Mac's own address"
    return None


def _covers_internet(net, family: str) -> bool:
    if net is None or net.prefixlen > model()["internet"]["covering_max_prefix"][family]:
        return False
    return not any(net.version == n.version and net.subnet_of(n) for n in _not_public())


def _latest_routes(bundle) -> pd.DataFrame:
    routes = bundle.frame("routes")
    if routes.empty:
        return routes
    snaps = g.route_snapshots(bundle)
    latest = snaps[-1] if snaps else None
    return routes[routes["snapshot"] == latest] if latest is not None else bundle.latest("routes")


def _routes(bundle, local: set[str]) -> tuple[pd.DataFrame, dict]:
    df = _latest_routes(bundle).copy()
    out: dict[str, Route] = {}
    roles, whys, covers, nodes = [], [], [], []
    for rec in g.records(df):  # rows as dicts, missing values as None (as the graph's route nodes have them)
        scoped = bool(rec.get("ifscope"))
        why = None if scoped else _scaffolding(rec, local)
        role = "scoped" if scoped else ("scaffolding" if why else "traffic")
        net = _net(rec.get("cidr"))
        cov = role == "traffic" and _covers_internet(net, str(rec.get("family")))
        node = g.route_id(str(rec.get("snapshot")), rec)
        r = Route(family=str(rec.get("family")), destination=_s(rec.get("destination")), cidr=_s(rec.get("cidr")),
                  gateway=_s(rec.get("gateway")), gateway_kind=_s(rec.get("gateway_kind")),
                  flags=str(rec.get("flags") or ""), netif=_s(rec.get("netif")), scoped=scoped,
                  is_default=bool(rec.get("is_default")), rank=None if rec.get("rank") is None else int(rec["rank"]),
                  role=role, scaffolding=why, covers_internet=cov, snapshot=_s(rec.get("snapshot")), node=node,
                  file=_s(rec.get("file")), line=None if rec.get("line") is None else int(rec["line"]),
                  captured_at=rec.get("captured_at"), net=net)
        out.setdefault(node, r)
        roles.append(role), whys.append(why), covers.append(cov), nodes.append(node)
    df["role"] = pd.Series(roles, index=df.index, dtype="string")
    df["scaffolding"] = pd.Series(whys, index=df.index, dtype="string")
    df["covers_internet"] = pd.Series(covers, index=df.index, dtype="bool")
    df["node"] = pd.Series(nodes, index=df.index, dtype="string")
    return df, out


def _internet(routes: dict) -> tuple[dict, dict]:
    internet, every = {}, {}
    for fam, probes in model()["internet"]["probe_addresses"].items():
        hits = [r for r in (_lpm(routes.values(), ipaddress.ip_address(a)) for a in probes) if r is not None]
        uniq = list(dict.fromkeys(hits))
        internet[fam] = max(uniq, key=hits.count) if uniq else None  # most probes go there; first on ties
        every[fam] = uniq
    return internet, every


def _addresses(bundle) -> tuple[dict[str, list], list, set]:
    addrs = bundle.latest("addresses")
    by_if: dict[str, list] = {}
    nets, local = [], set()
    for rec in addrs.to_dict("records") if len(addrs) else []:
        a, i, plen = rec.get("address"), rec.get("interface"), rec.get("prefixlen")
        if _na(a) or _na(i):
            continue
        by_if.setdefault(str(i), []).append(str(a))
        local.add(str(a))
        if not _na(plen):
            try:
                nets.append(ipaddress.ip_network(f"{a}/{int(plen)}", strict=False))
            except ValueError:
                pass
    return by_if, nets, local


def _owner(G, name: str) -> Owner | None:
    node = g.node_id("interface", name)
    if node not in G:
        return None
    chain = g.culprit_chain(G, node)
    c = g.culprit_of(G, chain)
    if c is None:
        return None
    category = G.nodes[g.node_id("product", c.product)].get("category") if c.product else None
    return Owner(pid=c.pid, name=c.name, executable=c.executable, product=c.product, category=category,
                 chain=tuple(chain.nodes))


def _match(patterns, name: str) -> bool:
    return any(re.search(p, name) for p in patterns)


def _classify(name: str, *, addrs: list[str], owner: Owner | None, lsof: bool, ports: set[str],
              running: set[str]) -> tuple[str, str | None, list[str]]:
    link_local_only = bool(addrs) and all(_addr(a) is not None and _addr(a).is_link_local for a in addrs)
    for e in model()["interfaces"]:
        if not re.search(e["pattern"], name):
            continue
        when = e.get("when", {})
        ev = [f"name matches {e['pattern']}"]
        ok = True
        if when.get("link_local_only"):
            if addrs and not link_local_only:
                ok = False
            else:
                ev.append("only link-local IPv6" if addrs else "no address")
        if ok and when.get("no_third_party_owner"):
            if owner is not None and owner.third_party:
                ok = False
            else:
                ev.append("no third-party owner in lsof" if lsof else "lsof not captured: owner unseen")
        if ok and when.get("process_running"):
            hit = sorted(running & set(when["process_running"]))
            ok = bool(hit)
            ev.append(f"{', '.join(hit)} running") if hit else None
        if ok and when.get("hardware_port"):
            ok = name in ports
            ev.append("listed by networksetup -listallhardwareports") if ok else None
        if ok:
            return e["kind"], e["id"], ev
    tp = model()["tunnel_patterns"]
    kind = None
    if _match(tp["overlay"], name):
        kind = "overlay"
    elif _match(tp["tunnel"], name):
        kind = "tunnel"
    ev = [f"name of a {kind}"] if kind else []
    if owner is not None and owner.category in ("overlay", "virtualization"):
        kind = "overlay" if owner.category == "overlay" else "vm-bridge"
        ev.append(f"owned by {owner.product} ({owner.category})")
    elif owner is not None and owner.product and owner.product != "macOS":
        ev.append(f"owned by {owner.product}")
    return kind or "other", None, ev


def _failed_probes(bundle) -> tuple[pd.DataFrame, dict]:
    cols = ["tool", "target", "destination", "as", "how", "error", "file", "line", "captured_at"]
    rows, public_ok = [], {}
    probes = bundle.frame("probes")
    hops = bundle.frame("traceroute_hops")
    silent = set()  # (file, probe line) of traceroutes whose every hop timed out
    if len(hops):
        for key, timeouts in hops.groupby(["file", "probe_line"])["timeout"]:
            if len(timeouts) and bool(timeouts.fillna(False).astype(bool).all()):
                silent.add((str(key[0]), int(key[1])))
    for rec in probes.to_dict("records") if len(probes) else []:
        tool, err, ok = rec.get("tool"), _s(rec.get("error")), rec.get("ok")
        target = _s(rec.get("target")) or _s(rec.get("destination"))
        addr = _addr(rec.get("address")) or _addr(target)
        if tool == "ping" and addr is not None and addr.is_global:
            fam = "inet6" if addr.version == 6 else "inet"
            public_ok[fam] = public_ok.get(fam, False) or ok is True
        how = None
        if tool == "traceroute":
            how = "no_route" if err and "No route to host" in err else ("error" if err else None)
            if how is None and not _na(rec.get("line")) and (str(rec.get("file")), int(rec["line"])) in silent:
                how = "no_reply"
        elif tool == "dig" and ok is not True:
            how = "dns"
        elif tool == "ping" and ok is not True:
            how = ("no_route" if err and "No route to host" in err else
                   "unreachable" if err and "nreachable" in err else "error" if err else "loss")
        if how:
            rows.append([tool, target, _s(rec.get("destination")), rec.get("as"), how, err, rec.get("file"),
                         rec.get("line"), rec.get("captured_at")])
    pings = bundle.frame("pings")
    if len(pings):
        bad = pings[pings["outcome"].notna() & (pings["outcome"].astype(str) != "reply")]
        for rec in bad.to_dict("records"):
            how = {"no_route": "no_route", "timeout": "loss", "unreachable": "unreachable",
                   "host_down": "unreachable"}.get(str(rec.get("outcome")), "error")
            rows.append(["ping_stream", _s(rec.get("target")) or _s(rec.get("destination")),
                         _s(rec.get("destination")), rec.get("as"), how, _s(rec.get("text")), rec.get("file"),
                         rec.get("line"), rec.get("captured_at")])
    return pd.DataFrame(rows, columns=cols), public_ok


def _build(bundle) -> Facts:
    G = g.graph_of(bundle)
    by_if, nets, local = _addresses(bundle)
    routes_df, routes = _routes(bundle, local)
    internet, every = _internet(routes)
    internet_nodes = {r.node for rs in every.values() for r in rs}
    routes_df["internet"] = routes_df["node"].isin(internet_nodes).astype(bool) if len(routes_df) else \
        pd.Series(dtype="bool")
    lsof = len(bundle.frame("open_files")) > 0
    ports = bundle.latest("hardware_ports")
    port_devs = set(ports["device"].dropna().astype(str)) if len(ports) else set()
    procs = bundle.latest("processes")
    running = set(procs["name"].dropna().astype(str)) if len(procs) else set()
    ifs = bundle.latest("interfaces")
    rows = {str(r["name"]): r for r in (ifs.to_dict("records") if len(ifs) else []) if not _na(r.get("name"))}
    names = list(rows) + sorted({r.netif for r in routes.values() if r.netif and r.netif not in rows})
    ifaces: dict[str, Interface] = {}
    for name in names:
        rec = rows.get(name, {})
        addrs = by_if.get(name, [])
        owner = _owner(G, name)
        kind, mid, ev = _classify(name, addrs=addrs, owner=owner, lsof=lsof, ports=port_devs, running=running)
        exists = name in rows
        if not exists:
            ev.append("absent from ifconfig")
        parsed = [_addr(a) for a in addrs]
        ifaces[name] = Interface(
            name=name, kind=kind, model=mid, evidence=tuple(ev), exists=exists, up=bool(rec.get("up")),
            has_ipv4=any(a is not None and a.version == 4 for a in parsed),
            link_local_only=bool(parsed) and all(a is not None and a.is_link_local for a in parsed),
            addresses=tuple(addrs), owner=owner, file=_s(rec.get("file")),
            line=None if _na(rec.get("line")) else int(rec["line"]), captured_at=rec.get("captured_at"))
    idf = pd.DataFrame([{
        "name": i.name, "kind": i.kind, "model": i.model, "evidence": list(i.evidence), "exists": i.exists,
        "up": i.up, "has_ipv4": i.has_ipv4, "link_local_only": i.link_local_only, "addresses": list(i.addresses),
        "owner_pid": i.owner.pid if i.owner else None, "owner_name": i.owner.name if i.owner else None,
        "owner_executable": i.owner.executable if i.owner else None,
        "product": i.owner.product if i.owner else None, "category": i.owner.category if i.owner else None,
        "owner_chain": list(i.owner.chain) if i.owner else [], "file": i.file, "line": i.line,
        "captured_at": i.captured_at} for i in ifaces.values()])
    failed, public_ok = _failed_probes(bundle)
    return Facts(bundle=bundle, routes=routes_df, interfaces=idf, failed_probes=failed, internet=internet,
                 internet_routes=every, lsof=lsof, local_networks=nets, local_addresses=local, _routes=routes,
                 _ifaces=ifaces, _public_ok=public_ok)
