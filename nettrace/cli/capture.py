"""``nettrace capture-script``: print the capture script (or write it with ``-o PATH``)."""
from __future__ import annotations

from nettrace.cli import common

HELP = "print the POSIX capture script to run on the Mac (sudo sh nettrace-capture.sh)"


def add_arguments(p) -> None:
    common.add_output(p, metavar="PATH", help="write the script to PATH (made executable) and print PATH instead")


def run(args) -> int:
    import os
    import sys
    from pathlib import Path

    from nettrace.capture import script_text
    from nettrace.errors import NettraceError

    text = script_text()
    if not args.output:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    path = Path(args.output)
    if path.is_dir():
        path = path / "nettrace-capture.sh"
    try:
        path.write_text(text, encoding="utf-8")
        os.chmod(path, os.stat(path).st_mode | 0o111)
    except OSError as exc:
        raise NettraceError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(path)
    return 0
