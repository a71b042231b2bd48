"""Rules: small declarative units that read frames and facts and return :class:`~nettrace.findings.Finding`s.

Each rule module declares, at its top, the finding ids it can emit and the inputs it needs
(insights-core style)::

    EMITS = ("vpn-residue", "tunnel-interfaces-idle")

    @rule("vpn-residue", emits=EMITS, requires=["routes"], facts=["routes", "interfaces"],
          optional=["open_files", "logs"])
    def vpn_residue(ctx): ...

- ``requires``: frames that must be non-empty; ``facts``: facts of :mod:`nettrace.facts` the rule
  reads (each needs the frames in :data:`FACT_INPUTS`). When an input is missing the rule is
  skipped and the skip is recorded (:func:`skipped_of`: :class:`Skipped` rule id, missing
  inputs, the finding ids it could not check), which ``analyze`` prints.
- ``emits``: a finding with an id the rule did not declare is dropped with a bundle warning.
- A remedy that changes the system must say why it is safe (``Remedy.safe_because``), and an
  info finding never offers one: the engine drops such remedies (a healthy Mac is shown no "fix").
- A rule never raises out of :func:`run_rules`: a crash becomes a bundle warning naming the rule,
  and the other rules still run.

Rules never import one another: what several need lives in :mod:`nettrace.facts` or in the
:class:`Context` helpers below. Rules only decide; prose lives in
``nettrace/data/messages/findings.*.json`` (finding titles and summaries, ``why.*`` severity
reasons, ``remedy.*``).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from nettrace import graph as g
from nettrace import products as prod
from nettrace.findings import Evidence, Finding, Remedy

__all__ = ["rule", "run_rules", "evaluate", "findings_of", "skipped_of", "RULES", "Context", "Skipped", "FACT_INPUTS", "RULE_MODULES"]

RULE_MODULES = ("routing", "binding", "churn", "residue", "addresses", "stack", "dns", "pf", "capture")

# facts a rule may declare -> the frames they are derived from (any one non-empty suffices)
FACT_INPUTS = {
    "internet": ("routes",), "routes": ("routes",), "interfaces": ("interfaces", "routes"),
    "owners": ("open_files",), "failed_probes": ("probes", "pings"), "addresses": ("addresses",),
}


@dataclass
class Rule:
    id: str
    func: Callable
    module: str
    emits: tuple[str, ...]
    requires: tuple[str, ...]
    facts: tuple[str, ...]
    optional: tuple[str, ...]


@dataclass(frozen=True)
class Skipped:
    """A rule that did not run: its id, the inputs that were missing, the findings it could not check."""

    rule: str
    missing: tuple[str, ...]
    emits: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"rule": self.rule, "missing": list(self.missing), "emits": list(self.emits)}


RULES: dict[str, Rule] = {}


def rule(rule_id: str, *, emits, requires=(), facts=(), optional=()):
    """Register a rule function under *rule_id* with the finding ids it *emits* and its inputs."""
    unknown = [f for f in facts if f not in FACT_INPUTS]
    if unknown:
        raise ValueError(f"rule {rule_id}: unknown facts {unknown}")

    def deco(func):
        RULES[rule_id] = Rule(rule_id, func, func.__module__, tuple(emits), tuple(requires), tuple(facts),
                              tuple(optional))
        return func

    return deco


def _load_rules() -> None:
    for mod in RULE_MODULES:
        importlib.import_module(f"{__name__}.{mod}")


def missing_inputs(bundle, r: Rule) -> list[str]:
    """The inputs of *r* that *bundle* lacks: frames, and facts none of whose frames is present."""
    missing = [f for f in r.requires if bundle.frame(f).empty]
    for fact in r.facts:
        inputs = FACT_INPUTS[fact]
        if all(bundle.frame(i).empty for i in inputs) and not any(i in missing for i in inputs):
            missing.append(f"{fact} ({' or '.join(inputs)})")
    return missing


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
        # only the columns evidence() reads, as lists: iterrows builds a whole mixed-dtype row per step
        n = min(len(df), limit)
        cited = [df[c].head(limit).tolist() if c in df.columns else [None] * n for c in ("file", "line", "captured_at")]
        out = []
        for file, line, ts in zip(*cited):
            ev = self.evidence({"file": file, "line": line, "captured_at": ts})
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

    # ---- helpers several rules share (they used to import one another's)
    def chain_evidence(self, chain: g.Chain) -> list:
        """Evidence for each hop of a culprit chain after its start (interfaces, holders, processes)."""
        out = []
        G = self.graph
        for u, v, rel in list(chain.edges):
            if rel == "held_by":  # cite the lsof line of the holding socket
                for d in (G.get_edge_data(v, u) or {}).values():
                    ev = self.evidence({"file": d.get("file"), "line": d.get("line"),
                                        "captured_at": d.get("captured_at")})
                    if ev:
                        out.append(ev)
                        break
            ev = self.node_evidence(v)
            if ev and ev not in out:
                out.append(ev)
        return out

    def product_remedy(self, chain: g.Chain, safe_because: str | None) -> list[Remedy]:
        """The product's own stop/remove advice (products.json) for the product at the end of *chain*.

        It changes the system, so it is offered only with *safe_because* (a ``remedy.safe.*`` key
        naming the evidence); without it the advice is not offered at all."""
        product = next((n.split(":", 1)[1] for n in chain.nodes if n.startswith("product:")), None)
        if not product or product == "macOS" or not safe_because:
            return []
        entry = next((e for e in prod.products() if e["name"] == product), None)
        if not entry or not (entry.get("command") or entry.get("remove")):
            return []
        advice = {"en": entry.get("remove", ""), "zh": entry.get("remove_zh") or entry.get("remove", "")}
        # a GUI product has no command: the remedy is the advice itself (command left empty)
        return [Remedy(entry.get("command", ""), True, "remedy.product", {"product": product, "advice": advice},
                       safe_because=safe_because)]

    def writers(self, route_node: str) -> tuple[list, list[str]]:
        """Route-monitor evidence of who wrote *route_node*, and the writers as ``name (pid N)``."""
        evs, names = [], []
        for w in g.writers(self.graph, route_node):
            ev_node, proc = w.nodes[1], w.nodes[2]
            e = self.node_evidence(ev_node)
            if e and e not in evs:
                evs.append(e)
            a = self.graph.nodes[proc]
            name = f"{a.get('name') or '?'} (pid {a.get('pid') or proc.split(':')[1]})"
            if name not in names:
                names.append(name)
        return evs, names

    @staticmethod
    def route_label(route) -> dict:
        """A route named for prose in every language: "the default route" / "the route 128.0/1"."""
        from nettrace.i18n import LANGS, t

        dest = route.destination or route.cidr or ""
        return {lang: t("part.route_default", lang) if route.is_default else
                t("part.route_named", lang, destination=dest) for lang in LANGS}

    def failed_probes(self, targets=None, how=None) -> pd.DataFrame:
        """Failed probes (``Facts.failed_probes``), optionally of some targets and kinds of failure."""
        fp = self.facts.failed_probes
        if targets is not None:
            fp = fp[fp["target"].isin(list(targets)) | fp["destination"].isin(list(targets))]
        if how is not None:
            fp = fp[fp["how"].isin([how] if isinstance(how, str) else list(how))]
        return fp

    @staticmethod
    def probe_refs(df: pd.DataFrame) -> list[str]:
        from nettrace.facts import probe_ref

        return [probe_ref(f, ln) for f, ln in zip(df["file"], df["line"])] if len(df) else []


def _check(bundle, r: Rule, findings: list[Finding]) -> list[Finding]:
    """Enforce a rule's declarations on what it returned (see the module docstring)."""
    out = []
    for f in findings:
        if f.id not in r.emits:
            _warn(bundle, f"rule {r.id} emitted {f.id!r}, which it does not declare; dropped")
            continue
        kept = []
        for rem in f.remedy:
            if rem.changes_system and (f.severity == "info" or not rem.safe_because):
                _warn(bundle, f"rule {r.id}: a system-changing remedy on a {f.severity} finding {f.id} without "
                              "the evidence that makes it safe was dropped")
                continue
            kept.append(rem)
        f.remedy = kept
        out.append(f)
    return out


def _warn(bundle, message: str) -> None:
    bundle.warnings.loc[len(bundle.warnings)] = ["rules", pd.NA, message, "content"]


def findings_of(bundle) -> list[Finding]:
    """The findings of every rule on *bundle*, most severe first; run once (memoised in the bundle)."""
    from nettrace.bundle import memo

    return memo(bundle, "rules", evaluate)[0]


def skipped_of(bundle) -> list[Skipped]:
    """The rules that could not run on *bundle* for missing inputs (from the same run as :func:`findings_of`)."""
    from nettrace.bundle import memo

    return memo(bundle, "rules", evaluate)[1]


def run_rules(bundle) -> list[Finding]:
    """Run every rule on *bundle* (uncached); findings sorted most severe first."""
    return evaluate(bundle)[0]


def evaluate(bundle) -> tuple[list[Finding], list[Skipped]]:
    """Run every rule on *bundle* (uncached): the findings, most severe first, and the rules skipped."""
    from nettrace.graph import graph_of

    _load_rules()
    ctx = Context(bundle, graph_of(bundle))
    findings: list[Finding] = []
    skipped: list[Skipped] = []
    for r in RULES.values():
        missing = missing_inputs(bundle, r)
        if missing:
            skipped.append(Skipped(r.id, tuple(missing), r.emits))
            continue
        try:
            findings.extend(_check(bundle, r, list(r.func(ctx) or [])))
        except Exception as exc:  # one broken rule must not hide the others
            _warn(bundle, f"rule {r.id} failed: {type(exc).__name__}: {exc}")
    findings.sort(key=lambda f: (f.rank, f.id))
    return findings, skipped
