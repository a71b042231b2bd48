"""The ``nettrace`` command line: one module per sub-command, on top of the library.

The library never imports this package (``tests/test_layers.py`` enforces it); a sub-command
only parses its arguments, calls the library and prints.

Adding a sub-command
--------------------
Write ``nettrace/cli/<name>.py`` with three names, and add one line to :data:`SUBCOMMANDS`::

    '''``nettrace diff OLD NEW``: what changed between two captures.'''
    from __future__ import annotations

    from nettrace.cli import common

    HELP = "compare two bundles"            # one line: `nettrace --help` lists it


    def add_arguments(p) -> None:           # p: this sub-command's argparse parser
        common.add_bundle(p, "old")
        common.add_bundle(p, "new")
        common.add_format(p, ("text", "json"))
        common.add_lang(p)
        common.add_output(p)


    def run(args) -> int:                   # the exit code (0 ok, 1 the input was unusable)
        from nettrace.diff import diff      # library imports INSIDE run(): `--help` stays fast
        d = diff(common.open_bundle(args.old), common.open_bundle(args.new))
        with common.output(args.output) as fh:
            fh.write(d.as_text(args.lang))
        return 0

Rules of the shape:

- Import only the standard library and :mod:`nettrace.cli.common` at module level; pandas,
  numpy, networkx, matplotlib and the analysis modules are imported inside ``run``, so that
  ``nettrace --help`` and argument errors return without loading them.
- Shared options (the bundle path, ``--format``, ``--lang``, ``-o/--output``) come from
  :mod:`nettrace.cli.common`, so every sub-command spells them the same way.
- Errors the user can act on are raised as :class:`nettrace.errors.NettraceError` (or
  :class:`~nettrace.errors.BundleError`) with a one-line message that says what to do next;
  :func:`main` prints ``nettrace <command>: error: <message>`` on stderr and exits 1.

Exit codes follow the usual habits: 0 success, 1 the input could not be used (unreadable bundle,
failed verification), 2 usage errors (argparse's own), 130 interrupted.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from nettrace import __version__
from nettrace.errors import NettraceError

__all__ = ["main", "build_parser", "SUBCOMMANDS", "NettraceError"]

# sub-command name -> module implementing it (one line per sub-command, in `--help` order)
SUBCOMMANDS = {
    "capture-script": "nettrace.cli.capture",
    "verify": "nettrace.cli.verify",
    "frames": "nettrace.cli.frames",
    "explain": "nettrace.cli.explain",
    "analyze": "nettrace.cli.analyze",
    "report": "nettrace.cli.report",
    "diff": "nettrace.cli.diff",
    "fleet": "nettrace.cli.fleet",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nettrace",
        description="Forensic kit for macOS network incidents: capture on the Mac, analyze anywhere.",
        epilog="Typical use: nettrace capture-script > nettrace-capture.sh (copy to the Mac, run "
               "`sudo sh nettrace-capture.sh`), then `nettrace analyze BUNDLE` and `nettrace report BUNDLE`.",
    )
    parser.add_argument("--version", action="version", version=f"nettrace {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, modname in SUBCOMMANDS.items():
        try:
            mod = importlib.import_module(modname)
        except ModuleNotFoundError as exc:  # a sub-command registered before its module exists
            if exc.name and modname.startswith(exc.name):
                continue
            raise
        p = sub.add_parser(name, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except NettraceError as exc:  # BundleError included: one line, exit 1
        print(f"nettrace {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"nettrace {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
