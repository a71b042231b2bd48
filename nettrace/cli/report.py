"""``nettrace report BUNDLE``: the blog-style postmortem, as HTML and Markdown."""
from __future__ import annotations

from nettrace.cli import common

HELP = "write the postmortem of a bundle as an offline HTML page and a Jekyll Markdown post"


def add_arguments(p) -> None:
    common.add_bundle(p, help="a capture bundle (.tar.gz or folder)")
    common.add_output(p, metavar="DIR", help="where to write (default: ./<bundle name>-report)")
    common.add_lang(p, checked=False)
    p.add_argument("--title", default=None, help="the post's title (default: from the findings)")
    p.add_argument("--author", default=None, help="the post's author (front matter)")
    p.add_argument("--format", default="html,md", metavar="FMT",
                   help="html, md or html,md (default: html,md)")
    p.add_argument("--incident-start", default=None, metavar="UTC", help="only events from this UTC time")
    p.add_argument("--incident-end", default=None, metavar="UTC", help="only events up to this UTC time")
    p.add_argument("--baseline", metavar="BEFORE", default=None,
                   help="an earlier bundle of the same Mac: adds a \"What changed\" section (see nettrace diff)")
    p.add_argument("--redact", action="store_true", help="replace the host and user names in the text")
    p.add_argument("--post", action="store_true",
                   help="lay out DIR as a Jekyll/Chirpy site fragment: _posts/YYYY-MM-DD-<slug>.md and its "
                        "figures under assets/img/nettrace/<slug>/ (copy DIR over the blog's root)")
    p.add_argument("--asset-url", default=None, metavar="URL",
                   help="with --post: where the figures are served from (default: /assets/img/nettrace)")
    p.add_argument("--force", action="store_true", help="replace a postmortem already in DIR")
    p.add_argument("--kernel", action="store_true",
                   help="run the notebook on a separate Jupyter kernel, as JupyterLab would (slower; "
                        "default: in this process)")


def run(args) -> int:
    from pathlib import Path

    from nettrace.report.render import render_report

    out = args.output or (Path(args.bundle).name.removesuffix(".tar.gz").rstrip("/") + "-report")
    result = render_report(args.bundle, out, lang=args.lang, formats=args.format, title=args.title,
                           author=args.author, incident_start=args.incident_start,
                           incident_end=args.incident_end, redact=args.redact,
                           kernel=args.kernel, post=args.post, asset_url=args.asset_url, force=args.force,
                           baseline=args.baseline)
    for key in ("ipynb", "post", "md", "html"):  # the page to open comes last (``make demo``)
        if key in result:
            print(result[key])
    return 0
