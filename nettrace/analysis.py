"""What the library derives from a loaded bundle, as functions of the bundle.

networkx keeps the data in a class (``Graph``) and the algorithms as functions
(``nx.shortest_path(G, …)``); nettrace does the same: a :class:`~nettrace.bundle.Bundle` holds the
bundle's data (manifest, frames, warnings, raw members) and the analyses are functions that take
it first. Each is computed once per bundle and memoised in the bundle (the graph feeds the rules,
and the report asks for all three many times):

- :func:`graph_of` — the evidence graph (:func:`nettrace.graph.build_graph`);
- :func:`facts_of` — the facts layer: the route Internet traffic takes, interface kinds and owners
  (:class:`nettrace.facts.Facts`, :func:`nettrace.facts.build_facts`);
- :func:`findings_of` — every rule's findings, most severe first (:func:`nettrace.rules.run_rules`;
  the rules that could not run: :func:`nettrace.rules.skipped_of`);
- :func:`timeline_of` — events on one UTC clock (:func:`nettrace.timeline.build_timeline`).

This module only gathers them: each is defined beside its builder and memoises itself with
:func:`nettrace.bundle.memo`, so a lower layer imports the one it needs from its own module
(``from nettrace.graph import graph_of`` in the rules) and never this facade, which sits above
them all (``tests/test_layers.py``).

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

from nettrace.facts import facts_of
from nettrace.graph import graph_of
from nettrace.rules import findings_of
from nettrace.timeline import timeline_of

__all__ = ["graph_of", "facts_of", "findings_of", "timeline_of"]
