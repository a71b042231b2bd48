"""``nettrace explain BUNDLE [--route DEST | --interface NAME]``: who is behind this route?

Prints the culprit chain — route → interface → (feth peer) → holding process → parents →
product — as a sentence and a list of hops (``--format text``), or as JSON.
"""
from __future__ import annotations

from nettrace.cli import common

HELP = "trace a route or interface to the process and product behind it"


def add_arguments(p) -> None:
    common.add_bundle(p)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--route", metavar="DEST",
                       help="a route as netstat shows it or as CIDR, or an address to look up by longest prefix "
                            "(default: the route Internet traffic actually takes)")
    which.add_argument("--interface", metavar="NAME", help="an interface, e.g. feth4868 or utun4")
    common.add_format(p, ("text", "json"))
    common.add_lang(p)
    common.add_output(p)
    p.add_argument("--figure", metavar="PNG", help="also draw the chain (matplotlib, no Graphviz) into PNG")


def run(args) -> int:
    import json

    import nettrace
    from nettrace import graph as g
    from nettrace.errors import NettraceError
    from nettrace.i18n import t

    bundle = common.open_bundle(args.bundle)
    G = nettrace.graph_of(bundle)
    route = None
    if args.interface:
        target = g.node_id("interface", args.interface)
        what = args.interface
    else:
        # no --route: the route Internet traffic actually takes; an address: longest-prefix match
        route = nettrace.facts_of(bundle).find_route(args.route)
        target = route.node if route is not None else None
        what = args.route or "Internet"
    if not target or target not in G:
        raise NettraceError(t("explain.no_target", args.lang, what=what)
                            + " (`nettrace analyze` lists what the bundle has)")
    chain = g.culprit_chain(G, target)
    culprit = g.culprit_of(G, chain)
    if args.figure:
        from nettrace.report.figures import draw_chain

        try:
            draw_chain(G, chain, args.lang).savefig(args.figure, dpi=150, bbox_inches="tight")
        except OSError as exc:
            raise NettraceError(f"cannot write {args.figure}: {exc.strerror or exc}") from None
    with common.output(args.output) as fh:
        if args.format == "json":
            data = {"target": target, "chain": chain.to_dict(), "sentence": chain.sentence(args.lang),
                    "culprit": culprit.to_dict() if culprit else None,
                    "route": route.to_dict() if route is not None else None}  # its facts: role, scoped, …
            json.dump(data, fh, ensure_ascii=False, indent=2, default=str)
            fh.write("\n")
        else:
            fh.write(chain.sentence(args.lang) + "\n\n")
            for n, label in zip(chain.nodes, chain.labels()):
                row = G.nodes[n].get("row") or {}
                where = f"   ({row['file']}:{row['line']})" if row.get("file") else ""
                fh.write(f"  {n.split(':', 1)[0]:<10} {label}{where}\n")
    if args.figure:
        print(args.figure)
    return 0
