"""``nettrace diff BEFORE AFTER`` / ``nettrace diff BUNDLE``: what changed between two captures of
one Mac, or between the start and the end of one capture.

Exit code 0 when something could be compared (changes or not: the output says which), 1 when a
bundle cannot be read or nothing in it can be compared.
"""
from __future__ import annotations

from nettrace.cli import common

HELP = "what changed between two captures of one Mac (BEFORE AFTER), or within one (start vs end)"


def add_arguments(p) -> None:
    common.add_bundle(p, "before", help="the earlier bundle (or the only one: its start vs its end)")
    p.add_argument("after", metavar="AFTER", nargs="?", default=None,
                   help="the later bundle of the same Mac (omit to compare BEFORE's own start and end)")
    common.add_format(p, ("text", "json", "markdown"))
    common.add_lang(p)
    common.add_output(p)


def run(args) -> int:
    import json
    import sys

    from nettrace.diff import as_json, as_text, diff

    before = common.open_bundle(args.before)
    after = common.open_bundle(args.after) if args.after else None
    d = diff(before, after)
    with common.output(args.output) as fh:
        if args.format == "json":
            json.dump(as_json(d, args.lang), fh, ensure_ascii=False, indent=2, default=str)
            fh.write("\n")
        elif args.format == "markdown":
            from nettrace.report.whatchanged import markdown

            fh.write(markdown(d, args.lang))
        else:
            fh.write(as_text(d, args.lang))
    if not [a for a in d.compared if a != "findings"]:  # said in the output too; the exit code tells scripts
        from nettrace.diff.render import warning_texts

        why = "; ".join(warning_texts(d, args.lang)) or "no snapshot to compare"
        print(f"nettrace diff: error: nothing to compare: {why}", file=sys.stderr)
        return 1
    return 0
