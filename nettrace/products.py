"""Which product a process belongs to, from the catalog in ``nettrace/data/products.json``.

Matching is by evidence, strongest first: an exact process name or launchd label, then a path
pattern in the executable or app bundle. Paths of macOS itself (``/System/``, ``/usr/libexec/`` …)
match the ``macOS`` entry last, so a third-party tool installed under ``/usr/local`` is never
mistaken for the system. A process that matches nothing but runs from a third-party path is
reported as ``third-party`` with its path.

Examples
--------
>>> match("/Library/Application Support/ZeroTier/One/MacEthernetTapAgent").name
'ZeroTier'
>>> match("/usr/libexec/configd").name, match("/usr/libexec/configd").category
('macOS', 'system')
>>> match("/opt/homebrew/bin/openconnect").name
'OpenConnect'
>>> match("/Users/me/bin/mytunnel").name is None
True
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["Product", "match", "products", "macos_model", "system_proxies", "is_system_proxy",
           "service_registries", "extension_versions", "cellar_version", "product_version"]


@dataclass(frozen=True)
class Product:
    name: str | None  # None: unknown third-party
    category: str  # vpn | proxy | overlay | firewall | virtualization | system | third-party
    remove: str = ""
    interface_patterns: tuple[str, ...] = ()

    @property
    def is_system(self) -> bool:
        return self.category == "system" and self.name == "macOS"


@lru_cache(maxsize=1)
def _catalog() -> dict:
    return json.loads(resources.files("nettrace").joinpath("data/products.json").read_text(encoding="utf-8"))


def products() -> list[dict]:
    return _catalog()["products"]


@lru_cache(maxsize=1)
def macos_model() -> dict:
    """The stock-Mac model, ``nettrace/data/macos.json`` (what macOS itself does; read by the facts)."""
    return json.loads(resources.files("nettrace").joinpath("data/macos.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def system_proxies() -> frozenset[str]:
    """Apple processes that write routes or hold interfaces on behalf of others (configd, nehelper, …):
    the ``processes`` of the stock-Mac model, ``nettrace/data/macos.json``."""
    return frozenset(e["name"] for e in macos_model()["processes"]["entries"])


@lru_cache(maxsize=1)
def service_registries() -> dict[int, str]:
    """Port -> service registry (Nacos, Eureka, …) from ``products.json`` → ``service_registries``."""
    return {int(p): r["name"] for r in _catalog()["service_registries"]["registries"] for p in r["ports"]}


def is_system_proxy(name: str | None) -> bool:
    return bool(name) and name in system_proxies()


def _entry_product(e: dict) -> Product:
    return Product(e["name"], e["category"], e.get("remove", ""), tuple(e.get("interface_patterns", ())))


@lru_cache(maxsize=4096)
def match(executable: str | None, name: str | None = None, label: str | None = None) -> Product:
    """The product of a process (by executable path, process name and launchd label)."""
    entries = products()
    system = [e for e in entries if e["name"] == "macOS"]
    others = [e for e in entries if e["name"] != "macOS"]
    for e in others:
        if name and name in e.get("names", ()):
            return _entry_product(e)
        if label and (label in e.get("launchd_labels", ()) or label in e.get("bundle_ids", ())):
            return _entry_product(e)
    path = (executable or "").lower()
    if path:
        for e in others:
            if any(p.lower() in path for p in e.get("paths", ())):
                return _entry_product(e)
        for e in system:
            if any(path.startswith(p.lower()) for p in e["paths"]):
                return _entry_product(e)
    if name and any(name in e.get("names", ()) for e in system):
        return _entry_product(system[0])
    return Product(None, "third-party")


def extension_versions(extensions) -> dict[str, str]:
    """Product name -> version, from ``systemextensionsctl list`` rows (dicts with ``bundle_id`` and
    ``version``): the only place a bundle prints a product's version. ``version`` is written
    ``short/build`` (``1.84.3/101.84.3``, CFBundleShortVersionString/CFBundleVersion); the short
    one is the version users and vendors quote. A product with no system extension has none.

    >>> extension_versions([{"bundle_id": "io.tailscale.ipn.macsys.network-extension", "version": "1.84.3/101.84.3"}])
    {'Tailscale': '1.84.3'}
    """
    by_id = {b: e["name"] for e in products() for b in e.get("bundle_ids", ())}
    out: dict[str, str] = {}
    for row in extensions:
        name, version = by_id.get(row.get("bundle_id") or ""), row.get("version")
        if name and isinstance(version, str) and version:
            out.setdefault(name, version.split("/", 1)[0])
    return out


_CELLAR = re.compile(r"/Cellar/[^/]+/([^/]+)/")


def cellar_version(executable: str | None) -> str | None:
    """The version in a Homebrew path: Homebrew installs each formula into
    ``$(brew --prefix)/Cellar/<formula>/<version>/`` (docs.brew.sh, Formula Cookbook: "Cellar"); a
    program started by that path (``brew services``, a resolved link) shows it in ps, as in the
    corpus' jc-osx-10.14.6-ps-axu (``/usr/local/Cellar/python/3.7.3/Frameworks/…``). ``9.12_1``:
    Homebrew's revision 1 of 9.12.

    >>> cellar_version("/opt/homebrew/Cellar/openconnect/9.12_1/sbin/openconnect"), cellar_version("/usr/sbin/racoon")
    ('9.12_1', None)
    """
    m = _CELLAR.search(executable or "")
    return m[1] if m else None


def product_version(extensions, product: str | None, executable: str | None) -> tuple[str, str] | None:
    """``(version, where)`` of a product as a bundle shows it: its system extension's version
    (``where`` = ``extension``; *extensions* as for :func:`extension_versions`), else the version
    folder of a Homebrew path (``cellar``); None when neither says.

    >>> product_version([], "OpenConnect", "/opt/homebrew/Cellar/openconnect/9.12_1/sbin/openconnect")
    ('9.12_1', 'cellar')
    """
    v = extension_versions(extensions).get(product) if product else None
    if v:
        return v, "extension"
    v = cellar_version(executable)
    return (v, "cellar") if v else None


def interface_product_hint(interface: str) -> list[str]:
    """Products whose interface patterns match *interface* (hints for ownerless interfaces)."""
    return [e["name"] for e in products() if any(re.search(p, interface) for p in e.get("interface_patterns", ()))]
