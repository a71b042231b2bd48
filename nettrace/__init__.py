"""nettrace: a forensic kit for macOS network incidents.

Collect on the Mac with the POSIX capture script (``nettrace capture-script``), then analyze the
bundle anywhere. A :class:`Bundle` holds the data; the analyses are functions of it
(:mod:`nettrace.analysis`)::

    >>> import nettrace
    >>> b = nettrace.load("data/samples/000-zerotier-loopback-default.tar.gz")
    >>> default = b.latest("routes").query("is_default").iloc[0]      # frames are pandas DataFrames
    >>> default["gateway"], default["netif"]
    ('127.0.0.1', 'feth4868')
    >>> f = nettrace.findings_of(b)[0]
    >>> f.severity, f.culprit.product, f.culprit.pid
    ('critical', 'ZeroTier', 647)
    >>> G = nettrace.graph_of(b)                       # networkx.MultiDiGraph
    >>> G.nodes["product:ZeroTier"]["kind"]
    'product'
    >>> tl = nettrace.timeline_of(b)                   # one UTC clock
    >>> str(tl["time"].dtype)
    'datetime64[ns, UTC]'

Data flows catalog → bundle → parsers → model → graph → facts → rules → report/diff/fleet, with the
command line on top. Imports go one way, lowest first: catalog, parsers, model, bundle (the loader
calls the parsers), graph, facts, rules, this facade, report/diff/fleet, cli — the table in
docs/design.md, enforced by ``tests/test_layers.py``.
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["load", "Bundle", "facts_of", "findings_of", "graph_of", "timeline_of", "NettraceError", "BundleError",
           "__version__"]

# attribute -> the module that defines it; imported on first use so that `import nettrace` (and so
# `nettrace --help`) loads neither pandas nor networkx
_LAZY = {
    "NettraceError": "nettrace.errors", "BundleError": "nettrace.errors",
    "load": "nettrace.bundle", "Bundle": "nettrace.bundle",
    "facts_of": "nettrace.analysis", "findings_of": "nettrace.analysis", "graph_of": "nettrace.analysis", "timeline_of": "nettrace.analysis",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nettrace' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
