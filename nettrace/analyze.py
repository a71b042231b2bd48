"""``nettrace analyze BUNDLE``: the findings, with evidence and culprit.

Formats: ``text`` (terminal, grouped by severity, culprit first), ``json`` (exactly
``{"bundle": {...}, "findings": [...]}``, see :mod:`nettrace.findings`) and ``markdown``.
Exit code 0 even with findings; 1 only when the bundle cannot be read.
"""
from __future__ import annotations

import json

from nettrace.clitools import add_bundle_argument, open_bundle, output
from nettrace.findings import SEVERITIES
from nettrace.i18n import LANGS, t
from nettrace.markup import md_code, md_escape

HELP = "list what went wrong in a bundle: findings with evidence, culprit and remedy"


def add_arguments(p) -> None:
    add_bundle_argument(p)
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of titles and summaries")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def as_json(bundle, findings, lang: str = "en") -> dict:
    return {"bundle": bundle.summary(), "findings": [f.to_dict(lang) for f in findings]}


def as_text(bundle, findings, lang: str = "en") -> str:
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
            for e in f.evidence:
                when = f" [{e.timestamp}]" if e.timestamp else ""
                lines.append(f"    {e.file}:{e.line if e.line is not None else '-'}{when}  {e.text}")
            for r in f.remedy:
                tag = t("changes_system.yes" if r.changes_system else "changes_system.no", lang)
                lead = f"$ {r.command}   " if r.command else "→ "
                lines.append(f"    {lead}({tag}) {r.text(lang)}")
    if len(bundle.warnings):
        lines.append("")
        lines.append(t("analyze.warnings", lang, n=len(bundle.warnings)))
    return "\n".join(lines) + "\n"


def as_markdown(bundle, findings, lang: str = "en") -> str:
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
        for e in f.evidence:
            out.append(f"- {md_code(f'{e.file}:{e.line}')} {md_code(e.text)}")
        for r in f.remedy:
            tag = t("changes_system.yes" if r.changes_system else "changes_system.no", lang)
            lead = f"{md_code(r.command)} " if r.command else ""
            out.append(f"- {lead}({md_escape(tag)}) {md_escape(r.text(lang))}")
        out.append("")
    return "\n".join(out) + "\n"


def run(args) -> int:
    bundle = open_bundle(args.bundle)
    findings = bundle.findings()
    with output(args.output) as fh:
        if args.format == "json":
            json.dump(as_json(bundle, findings, args.lang), fh, ensure_ascii=False, indent=2, default=str)
            fh.write("\n")
        elif args.format == "markdown":
            fh.write(as_markdown(bundle, findings, args.lang))
        else:
            fh.write(as_text(bundle, findings, args.lang))
    return 0
