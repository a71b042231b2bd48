"""``python -m tests.golden [--update] [PARSER ...]``: compare (or rewrite) the golden expectations."""
from __future__ import annotations

import argparse
import sys

from tests.golden import actual, dump, expected_path, pairs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.golden", description=__doc__.split(":", 1)[1].strip())
    ap.add_argument("parsers", nargs="*", help="parser modules (default: every folder under tests/golden/)")
    ap.add_argument("--update", action="store_true",
                    help="rewrite the .json files from the parsers' current output (review the diff!)")
    args = ap.parse_args(argv)
    found = pairs(args.parsers)
    if not found:
        print(f"no golden inputs for {' '.join(args.parsers) or 'any parser'}", file=sys.stderr)
        return 1
    differ = []
    for parser, path in found:
        text = dump(actual(parser, path))
        exp = expected_path(path)
        old = exp.read_text(encoding="utf-8") if exp.exists() else None
        if old == text:
            continue
        differ.append(exp)
        if args.update:
            exp.write_text(text, encoding="utf-8")
        print(f"{'wrote' if args.update else 'differs'}: {exp.relative_to(exp.parents[3])}")
    print(f"{len(found)} golden pairs, {len(differ)} {'rewritten' if args.update else 'differ'}", file=sys.stderr)
    return 1 if differ and not args.update else 0


if __name__ == "__main__":
    sys.exit(main())
