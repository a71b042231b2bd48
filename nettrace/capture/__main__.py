"""``python -m nettrace.capture --sync | --check``: keep the script's catalog block in sync."""
from __future__ import annotations

import argparse
import sys

from nettrace.capture import is_in_sync, script_path, sync


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nettrace.capture",
                                     description="Sync the capture script's embedded catalog with catalog.tsv.")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--sync", action="store_true", help="rewrite the block from nettrace/data/catalog.tsv")
    group.add_argument("--check", action="store_true", help="exit 1 when the block is stale")
    args = parser.parse_args(argv)
    if args.check:
        if is_in_sync():
            return 0
        print(f"{script_path()}: embedded catalog is stale; run `make catalog`", file=sys.stderr)
        return 1
    changed = sync()
    print(f"{script_path()}: {'catalog block rewritten' if changed else 'already in sync'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
