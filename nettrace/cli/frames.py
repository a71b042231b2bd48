"""``nettrace frames BUNDLE [NAME]``: list a bundle's frames, or print one as a table, CSV or JSON."""
from __future__ import annotations

from nettrace.cli import common

HELP = "list the tables loaded from a bundle, or print one (csv, json or a text table)"


def add_arguments(p) -> None:
    common.add_bundle(p)
    p.add_argument("name", nargs="?", help="a frame, e.g. routes, route_events, processes")
    common.add_format(p, ("table", "csv", "json"))
    p.add_argument("--snapshot", help="only rows of this snapshot (start, end, 'periodic 2', stream)")
    common.add_output(p)


def run(args) -> int:
    import pandas as pd

    from nettrace.errors import NettraceError

    bundle = common.open_bundle(args.bundle)
    with common.output(args.output) as fh:
        if not args.name:
            for name in sorted(bundle.frames):
                df = bundle.frames[name]
                snaps = ", ".join(sorted(df["snapshot"].dropna().unique(), key=str)[:6])
                fh.write(f"{name:<20} {len(df):>8} rows   {snaps}\n")
            if len(bundle.warnings):
                fh.write(f"\n{len(bundle.warnings)} warning(s); `nettrace verify` lists integrity problems\n")
            return 0
        try:
            df = bundle.frame(args.name)
        except KeyError:
            raise NettraceError(f"no frame called {args.name!r}; run `nettrace frames {args.bundle}` "
                                "to list them") from None
        if args.snapshot:
            df = df[df["snapshot"] == args.snapshot]
        def text(df):
            with pd.option_context("display.max_rows", None, "display.max_columns", None,
                                   "display.width", 250, "display.max_colwidth", 60):
                return df.to_string(index=False) + "\n"

        common.write_table(fh, df, args.format, text)
    return 0
