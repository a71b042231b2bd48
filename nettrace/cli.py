"""The ``nettrace`` command line: one sub-command per module, loaded lazily.

Each sub-command lives in its own module exposing ``HELP`` (one line), ``add_arguments(parser)``
and ``run(args) -> int``. Exit codes follow the usual habits: 0 success, 1 the input could not be
used (unreadable bundle, failed verification), 2 usage errors (argparse's own).
"""
from __future__ import annotations

import argparse
import importlib
import sys

from nettrace import __version__

# sub-command name -> module implementing it
SUBCOMMANDS = {
    "capture-script": "nettrace.capture.cli",
    "verify": "nettrace.verify",
    "frames": "nettrace.frames_cli",
    "explain": "nettrace.explain",
    "analyze": "nettrace.analyze",
    "report": "nettrace.report.cli",
}


from nettrace.errors import NettraceError  # noqa: E402  (re-exported for the CLI modules)


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
        except ModuleNotFoundError as exc:  # a sub-command not built yet
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
    except NettraceError as exc:
        print(f"nettrace {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"nettrace {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
