"""Findings as data: what a rule concluded, the lines that prove it, who did it, what to do.

A :class:`Finding` holds a rule id, a severity, parameters, a culprit, evidence and remedies. Its
title and summary are not stored as prose: they are rendered from the message catalog
(``finding.<id>.title`` / ``finding.<id>.summary`` in ``nettrace/data/messages/findings.*.json``)
with the finding's ``params``, so every finding reads in English and Chinese.

The JSON shape (:meth:`Finding.to_dict`) is the one ``nettrace analyze --format json`` prints::

    {"id", "severity", "title", "summary",
     "severity_reason": {"key", "params", "text"},      # why this severity: the harm (or its absence)
     "facts": ["internet:inet", "route:end:inet:…", "interface:utun4", "probe:<file>:<line>", …],
     "culprit": {"pid", "name", "executable", "product"} | null,
     "evidence": [{"file", "line", "timestamp", "text"}],
     "remedy": [{"command", "changes_system", "why", "safe_because"}]}

``severity_reason`` is a message key (``why.*``) with its parameters: the evidence of harm that
made the finding a warning or critical, or what is missing for it to be one. ``facts`` are the
references of the facts it rests on (:mod:`nettrace.facts`). A remedy that changes the system
carries ``safe_because`` (a message key: the evidence that makes it safe); the rule engine drops
one that has none, and never lets an info finding offer one.

Examples
--------
>>> import nettrace
>>> f = nettrace.findings_of(nettrace.load("data/samples/000-zerotier-loopback-default.tar.gz"))[0]
>>> f.severity, f.culprit.label()
('critical', 'ZeroTier (MacEthernetTapAgent, pid 647)')
>>> f.evidence[0].file
'end/netstat_routes.out'
>>> d = f.to_dict("zh")                  # title and summary in Chinese, the rest as data
>>> d["culprit"]["product"], d["title"] == f.title("zh") != f.title("en")
('ZeroTier', True)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nettrace.i18n import t

__all__ = ["Evidence", "Remedy", "Culprit", "Finding", "SEVERITIES", "localize"]

SEVERITIES = ("critical", "warning", "info")


def localize(params: dict, lang: str) -> dict:
    """Template parameters in *lang*: a value may itself be ``{"en": …, "zh": …}`` (a chain sentence).

    >>> localize({"n": 2, "route": {"en": "default on en0", "zh": "en0 上的 default"}}, "zh")
    {'n': 2, 'route': 'en0 上的 default'}
    """
    return {k: (v.get(lang, v.get("en")) if isinstance(v, dict) and "en" in v else v) for k, v in params.items()}


@dataclass(frozen=True)
class Evidence:
    """One line of a bundle file that supports a claim."""

    file: str
    line: int | None
    timestamp: str | None
    text: str

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "timestamp": self.timestamp, "text": self.text}


@dataclass(frozen=True)
class Remedy:
    """A command the user may run; ``why`` is a message key rendered per language."""

    command: str
    changes_system: bool
    why: str
    params: dict = field(default_factory=dict)
    safe_because: str | None = None  # message key: the evidence that makes a system change safe

    def rendered_params(self, lang: str) -> dict:
        return localize(self.params, lang)

    def text(self, lang: str = "en") -> str:
        """The reason (and, for advice without a command, the advice itself) in *lang*."""
        return t(self.why, lang, **self.rendered_params(lang))

    def safe_text(self, lang: str = "en") -> str | None:
        """Why running it is safe (the evidence), in *lang*; None for a read-only remedy without one."""
        return t(self.safe_because, lang, **self.rendered_params(lang)) if self.safe_because else None

    def to_dict(self, lang: str = "en") -> dict:
        return {"command": self.command, "changes_system": self.changes_system, "why": self.text(lang),
                "safe_because": self.safe_text(lang)}


@dataclass(frozen=True)
class Culprit:
    pid: int | None
    name: str | None
    executable: str | None
    product: str | None

    def to_dict(self) -> dict:
        return {"pid": self.pid, "name": self.name, "executable": self.executable, "product": self.product}

    def label(self) -> str:
        who = self.product or self.name or "unknown"
        return f"{who} ({self.name}, pid {self.pid})" if self.pid is not None else who


@dataclass
class Finding:
    """A rule's conclusion. ``params`` fill the title/summary templates."""

    id: str
    severity: str
    params: dict[str, Any] = field(default_factory=dict)
    culprit: Culprit | None = None
    evidence: list[Evidence] = field(default_factory=list)
    remedy: list[Remedy] = field(default_factory=list)
    chain: list[str] = field(default_factory=list)  # graph node ids, route/interface → product
    severity_reason: str = ""  # message key (why.*): the harm that sets the severity
    reason_params: dict[str, Any] = field(default_factory=dict)
    facts: list[str] = field(default_factory=list)  # references of the facts it rests on

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity {self.severity!r} not in {SEVERITIES}")

    def _params(self, lang: str) -> dict:
        p = localize(self.params, lang)
        if self.culprit is not None:
            p.setdefault("culprit", self.culprit.label())
        return p

    def title(self, lang: str = "en") -> str:
        return t(f"finding.{self.id}.title", lang, **self._params(lang))

    def summary(self, lang: str = "en") -> str:
        return t(f"finding.{self.id}.summary", lang, **self._params(lang))

    def reason(self, lang: str = "en") -> str:
        """Why the severity was chosen, in *lang* (empty when the rule gave no reason)."""
        if not self.severity_reason:
            return ""
        return t(self.severity_reason, lang, **localize({**self.params, **self.reason_params}, lang))

    @property
    def rank(self) -> int:
        return SEVERITIES.index(self.severity)

    def to_dict(self, lang: str = "en") -> dict:
        return {
            "id": self.id,
            "severity": self.severity,
            "title": self.title(lang),
            "summary": self.summary(lang),
            "severity_reason": {"key": self.severity_reason or None,
                                "params": localize(self.reason_params, lang), "text": self.reason(lang)},
            "facts": list(self.facts),
            "culprit": self.culprit.to_dict() if self.culprit else None,
            "evidence": [e.to_dict() for e in self.evidence],
            "remedy": [r.to_dict(lang) for r in self.remedy],
        }
