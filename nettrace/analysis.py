"""What the library derives from a loaded bundle, as functions of the bundle.

networkx keeps the data in a class (``Graph``) and the algorithms as functions
(``nx.shortest_path(G, …)``); nettrace does the same: a :class:`~nettrace.bundle.Bundle` holds the
bundle's data (manifest, frames, warnings, raw members) and the analyses are functions that take
it first. Each is computed once per bundle and memoised in the bundle (the graph feeds the rules,
and the report asks for all three many times):

- :func:`graph_of` — the evidence graph (:func:`nettrace.graph.build_graph`);
- :func:`facts_of` — the facts layer: the route Internet traffic takes, interface kinds and owners
  (:class:`nettrace.facts.Facts`);
- :func:`findings_of` — every rule's findings, most severe first (:func:`nettrace.rules.run_rules`);
- :func:`timeline_of` — events on one UTC clock (:func:`nettrace.timeline.build_timeline`).

The names end in ``_of`` so that they never collide with the submodules ``nettrace.graph``,
``nettrace.findings`` and ``nettrace.timeline`` (a package attribute named like a submodule is
replaced by the submodule as soon as it is imported). They are re-exported at the top level:
``nettrace.findings_of(b)``.

Examples
--------
>>> import nettrace
>>> b = nettrace.load("data/samples/000-zerotier-loopback-default.tar.gz")
>>> findings_of(b)[0].culprit.product
'ZeroTier'
>>> findings_of(b) is findings_of(b)        # computed once
True
>>> from nettrace import graph
>>> graph.culprit_chain(graph_of(b), graph.default_route(graph_of(b))).nodes[-1]
'product:ZeroTier'
>>> "route_event" in set(timeline_of(b)["source"])
True
"""
from __future__ import annotations

__all__ = ["graph_of", "facts_of", "findings_of", "timeline_of"]


def _memo(bundle, key: str, build):
    cache = bundle._cache
    if key not in cache:
        cache[key] = build(bundle)
    return cache[key]


def graph_of(bundle):
    """The evidence graph of *bundle* (a ``networkx.MultiDiGraph``; see :mod:`nettrace.graph`), built once."""
    from nettrace.graph import build_graph

    return _memo(bundle, "graph", build_graph)


def facts_of(bundle):
    """The facts of *bundle* (:class:`nettrace.facts.Facts`: Internet route, interface kinds and owners,
    route roles, failed probes), derived once."""
    from nettrace.facts import build_facts

    return _memo(bundle, "facts", build_facts)


def findings_of(bundle) -> list:
    """The findings of every rule on *bundle* (:class:`nettrace.findings.Finding`), most severe first."""
    from nettrace.rules import run_rules

    return _memo(bundle, "findings", run_rules)


def timeline_of(bundle):
    """Route events, ping outcomes, interface changes, snapshots, probes and logs on one UTC clock
    (a DataFrame; columns in :data:`nettrace.timeline.COLUMNS`)."""
    from nettrace.timeline import build_timeline

    return _memo(bundle, "timeline", build_timeline)
