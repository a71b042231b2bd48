"""``nettrace analyze BUNDLE``: the findings, with evidence and culprit.

Formats: ``text`` (terminal, grouped by severity, culprit first), ``json`` (exactly
``{"bundle": {...}, "findings": [...]}``, see :mod:`nettrace.render_findings`) and ``markdown``.
Exit code 0 even with findings; 1 only when the bundle cannot be read.
"""
from __future__ import annotations

from nettrace.cli import common

HELP = "list what went wrong in a bundle: findings with evidence, culprit and remedy"


def add_arguments(p) -> None:
    common.add_bundle(p)
    common.add_format(p, ("text", "json", "markdown"))
    common.add_lang(p)
    common.add_output(p)


def run(args) -> int:
    import json

    import nettrace
    from nettrace import render_findings as rf

    bundle = common.open_bundle(args.bundle)
    findings = nettrace.findings_of(bundle)
    with common.output(args.output) as fh:
        if args.format == "json":
            json.dump(rf.as_json(bundle, findings, args.lang), fh, ensure_ascii=False, indent=2, default=str)
            fh.write("\n")
        elif args.format == "markdown":
            fh.write(rf.as_markdown(bundle, findings, args.lang))
        else:
            fh.write(rf.as_text(bundle, findings, args.lang))
    return 0
