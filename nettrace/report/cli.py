"""``nettrace report BUNDLE``: the blog-style postmortem, as HTML and Markdown."""
from __future__ import annotations

import argparse

HELP = "write the postmortem of a bundle as an offline HTML page and a Jekyll Markdown post"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("bundle", metavar="BUNDLE", help="a capture bundle (.tar.gz or folder)")
    p.add_argument("-o", "--output", metavar="DIR", default=None,
                   help="where to write (default: ./<bundle name>-report)")
    p.add_argument("--lang", default="en", help="en or zh (default: en)")
    p.add_argument("--title", default=None, help="the post's title (default: from the findings)")
    p.add_argument("--author", default=None, help="the post's author (front matter)")
    p.add_argument("--format", default="html,md", metavar="FMT",
                   help="html, md or html,md (default: html,md)")
    p.add_argument("--incident-start", default=None, metavar="UTC", help="only events from this UTC time")
    p.add_argument("--incident-end", default=None, metavar="UTC", help="only events up to this UTC time")
    p.add_argument("--redact", action="store_true", help="replace the host and user names in the text")
    p.add_argument("--kernel", action="store_true",
                   help="run the notebook on a separate Jupyter kernel, as JupyterLab would (slower; "
                        "default: in this process)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from nettrace.report.render import render_report

    out = args.output or (Path(args.bundle).name.removesuffix(".tar.gz").rstrip("/") + "-report")
    result = render_report(args.bundle, out, lang=args.lang, formats=args.format, title=args.title,
                           author=args.author, incident_start=args.incident_start,
                           incident_end=args.incident_end, redact=args.redact,
                           kernel=args.kernel)
    for key in ("ipynb", "md", "html"):  # the page to open comes last (``make demo``)
        if key in result:
            print(result[key])
    return 0
