"""Findings as text for people: the terminal listing, Markdown, and the JSON document.

These are what ``nettrace analyze`` prints (``--format text|markdown|json``); notebooks and other
tools call them directly. Every string read from a bundle goes through :mod:`nettrace.markup`
before it reaches Markdown.

The JSON document is ``{"bundle": Bundle.summary(), "findings": [Finding.to_dict(lang)],
"skipped": [{"rule", "missing", "emits"}], "facts": Facts.to_dict()}`` (see :mod:`nettrace.findings`
for a finding's fields, :mod:`nettrace.facts` for the facts; ``skipped`` lists the rules that did
not run for want of an input, and the finding ids they could not check).

Examples
--------
>>> import nettrace
>>> b = nettrace.load("data/samples/000-zerotier-loopback-default.tar.gz")
>>> doc = as_json(b, nettrace.findings_of(b))
>>> sorted(doc), doc["findings"][0]["culprit"]["product"]
(['bundle', 'facts', 'findings', 'skipped'], 'ZeroTier')
>>> print(as_text(b, nettrace.findings_of(b)).splitlines()[0])
000-zerotier-loopback-default: 2 finding(s)
"""
from __future__ import annotations

from nettrace.findings import SEVERITIES
from nettrace.i18n import local_time, t
from nettrace.markup import md_code, md_escape

__all__ = ["as_json", "as_text", "as_markdown"]


def as_json(bundle, findings, lang: str = "en") -> dict:
    """The ``analyze --format json`` document: the bundle's summary, every finding, the rules skipped
    and the facts the findings rest on."""
    from nettrace.analysis import facts_of

    return {"bundle": bundle.summary(), "findings": [f.to_dict(lang) for f in findings],
            "skipped": [s.to_dict() for s in _skipped(bundle)], "facts": facts_of(bundle).to_dict()}


def _quoted(evidence, tz: str | None = None) -> str:
    """The evidence line as a reader sees it: a unified-log record as time (in the capture's offset),
    process and message."""
    if evidence.file and evidence.file.endswith(".ndjson"):
        from nettrace.parsers.log_show import brief

        return brief(evidence.text, lambda ts: local_time(ts, tz))
    return evidence.text


def _tag(remedy, lang: str) -> str:
    return t("changes_system.yes" if remedy.changes_system else "changes_system.no", lang)


def _skipped(bundle) -> list:
    from nettrace.rules import skipped_of

    return skipped_of(bundle)


def _skipped_line(bundle, lang: str) -> str | None:
    sk = _skipped(bundle)
    if not sk:
        return None
    return t("analyze.skipped", lang, rules=", ".join(f"{s.rule} ({', '.join(s.missing)})" for s in sk))


def as_text(bundle, findings, lang: str = "en") -> str:
    """Findings for a terminal, grouped by severity, culprit and evidence under each."""
    tz = bundle.manifest.get("timezone")
    lines = [f"{bundle.name}: {len(findings)} finding(s)"]
    if not findings:
        lines.append("  " + t("analyze.none", lang))
    for sev in SEVERITIES:
        group = [f for f in findings if f.severity == sev]
        if not group:
            continue
        lines.append("")
        lines.append(f"== {t('severity.' + sev, lang).upper()} ({len(group)})")
        for f in group:
            lines.append(f"* {f.title(lang)}")
            if f.culprit:
                lines.append(f"  {t('analyze.culprit', lang)}: {f.culprit.label()}"
                             + (f" — {f.culprit.executable}" if f.culprit.executable else ""))
            lines.append(f"  {f.summary(lang)}")
            if f.reason(lang):
                lines.append(f"  {f.reason(lang)}")
            for e in f.evidence:
                when = f" [{local_time(e.timestamp, tz)}]" if e.timestamp else ""
                lines.append(f"    {e.file}:{e.line if e.line is not None else '-'}{when}  {_quoted(e, tz)}")
            for r in f.remedy:
                lead = f"$ {r.command}   " if r.command else "→ "
                safe = f" {r.safe_text(lang)}" if r.safe_because else ""
                lines.append(f"    {lead}({_tag(r, lang)}) {r.text(lang)}{safe}")
    skipped = _skipped_line(bundle, lang)
    if skipped:
        lines.append("")
        lines.append(skipped)
    if len(bundle.warnings):
        lines.append("")
        lines.append(t("analyze.warnings", lang, n=len(bundle.warnings)))
    return "\n".join(lines) + "\n"


def as_markdown(bundle, findings, lang: str = "en") -> str:
    """Findings as escaped Markdown: one section per finding, evidence and remedies as code spans."""
    out = [f"# {md_escape(bundle.name)}", ""]
    if not findings:
        out.append(t("analyze.none", lang))
    for f in findings:
        out.append(f"## {md_escape(t('severity.' + f.severity, lang))}: {md_escape(f.title(lang))}")
        out.append("")
        if f.culprit:
            out.append(f"**{t('analyze.culprit', lang)}:** {md_escape(f.culprit.label())}")
            out.append("")
        out.append(md_escape(f.summary(lang)))
        out.append("")
        if f.reason(lang):
            out.append(f"*{md_escape(f.reason(lang))}*")
            out.append("")
        for e in f.evidence:
            out.append(f"- {md_code(f'{e.file}:{e.line}')} {md_code(_quoted(e, bundle.manifest.get('timezone')))}")
        for r in f.remedy:
            lead = f"{md_code(r.command)} " if r.command else ""
            safe = f" {md_escape(r.safe_text(lang))}" if r.safe_because else ""
            out.append(f"- {lead}({md_escape(_tag(r, lang))}) {md_escape(r.text(lang))}{safe}")
        out.append("")
    skipped = _skipped_line(bundle, lang)
    if skipped:
        out.append(md_escape(skipped))
        out.append("")
    return "\n".join(out) + "\n"
