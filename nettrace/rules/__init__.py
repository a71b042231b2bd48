"""Rules: small functions that read frames and the graph and return :class:`~nettrace.findings.Finding`s.

A rule declares the frames it needs (insights-core style)::

    @rule("default-route-hijacked", requires=["routes"], optional=["route_events", "open_files"])
    def default_route_hijacked(ctx): ...

``requires`` frames must all be non-empty, else the rule is skipped and the skip is recorded
(``ctx.bundle`` keeps a ``rules_skipped`` list: rule id and the missing frames). A rule never
raises out of :func:`run_rules`: a crash becomes a bundle warning naming the rule, and the other
rules still run. Rules only decide; prose lives in ``nettrace/data/messages/findings.*.json``.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from nettrace.findings import Evidence, Finding

__all__ = ["rule", "run_rules", "findings_of", "RULES", "Context"]

RULE_MODULES = ("routing", "churn", "residue", "addresses", "stack", "dns", "pf", "capture")


@dataclass
class Rule:
    id: str
    func: Callable
    requires: tuple[str, ...]
    optional: tuple[str, ...]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, requires=(), optional=()):
    """Register a rule function under *rule_id*."""

    def deco(func):
        RULES[rule_id] = Rule(rule_id, func, tuple(requires), tuple(optional))
        return func

    return deco


def _load_rules() -> None:
    for mod in RULE_MODULES:
        importlib.import_module(f"{__name__}.{mod}")


@dataclass
class Context:
    """What a rule sees: the bundle, its graph, and evidence helpers."""

    bundle: object
    graph: object
    _cache: dict = field(default_factory=dict)

    def frame(self, name: str) -> pd.DataFrame:
        return self.bundle.frame(name)

    def latest(self, name: str) -> pd.DataFrame:
        return self.bundle.latest(name)

    def evidence(self, row, text: str | None = None) -> Evidence | None:
        """Evidence pointing at a frame row (a dict or Series with ``file`` and ``line``)."""
        get = row.get if hasattr(row, "get") else (lambda k, d=None: getattr(row, k, d))
        file, line = get("file"), get("line")
        if file is None or (not isinstance(file, str) and pd.isna(file)):
            return None
        line = None if line is None or pd.isna(line) else int(line)
        ts = get("captured_at")
        ts = None if ts is None or pd.isna(ts) else pd.Timestamp(ts).strftime("%Y-%m-%dT%H:%M:%SZ")
        if text is None:
            try:
                text = self.bundle.line(file, line)
            except KeyError:
                text = ""
        return Evidence(file=str(file), line=line, timestamp=ts, text=text.rstrip())

    def evidence_rows(self, df: pd.DataFrame, limit: int = 8) -> list[Evidence]:
        out = []
        for _, row in df.head(limit).iterrows():
            ev = self.evidence(row)
            if ev is not None:
                out.append(ev)
        return out

    def node_evidence(self, node: str) -> Evidence | None:
        row = self.graph.nodes[node].get("row") or {}
        return self.evidence(row) if row.get("file") else None

    # ---- shared facts: all from nettrace.facts, derived once per bundle
    @property
    def facts(self):
        from nettrace.facts import facts_of

        return facts_of(self.bundle)

    def physical_interfaces(self) -> set[str]:
        return {i.name for i in self.facts.interfaces_of("hardware")}

    def local_networks(self) -> list:
        """The subnets of every IPv4/IPv6 address the Mac holds (latest snapshot)."""
        return self.facts.local_networks

    def local_addresses(self) -> set[str]:
        return self.facts.local_addresses

    def on_local_subnet(self, ip: str) -> bool:
        return self.facts.on_local_subnet(ip)

    def interface_exists(self, name: str) -> bool:
        i = self.facts.interface(name)
        return bool(i and i.exists)

    def internet_route(self, family: str = "inet"):
        """The route Internet traffic takes (:attr:`nettrace.facts.Facts.internet`)."""
        return self.facts.internet.get(family)

    def lsof_captured(self) -> bool:
        return self.facts.lsof


def findings_of(bundle) -> list[Finding]:
    """The findings of every rule on *bundle*, most severe first; run once (memoised in the bundle)."""
    from nettrace.bundle import memo

    return memo(bundle, "findings", run_rules)


def run_rules(bundle) -> list[Finding]:
    """Run every rule on *bundle*; findings sorted most severe first."""
    from nettrace.graph import graph_of

    _load_rules()
    ctx = Context(bundle, graph_of(bundle))
    findings: list[Finding] = []
    skipped = []
    for r in RULES.values():
        missing = [f for f in r.requires if bundle.frame(f).empty]
        if missing:
            skipped.append((r.id, missing))
            continue
        try:
            findings.extend(r.func(ctx) or [])
        except Exception as exc:  # one broken rule must not hide the others
            bundle.warnings.loc[len(bundle.warnings)] = ["rules", pd.NA, f"rule {r.id} failed: {type(exc).__name__}: {exc}",
                                                          "content"]
    bundle.rules_skipped = skipped
    findings.sort(key=lambda f: (f.rank, f.id))
    return findings
