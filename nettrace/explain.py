"""``nettrace explain BUNDLE [--route DEST | --interface NAME]``: who is behind this route?

Prints the culprit chain — route → interface → (feth peer) → holding process → parents →
product — as a sentence and a list of hops (``--format text``), or as JSON.
"""
from __future__ import annotations

import json

from nettrace import graph as g
from nettrace.errors import NettraceError
from nettrace.clitools import add_bundle_argument, open_bundle, output
from nettrace.i18n import LANGS, t

HELP = "trace a route or interface to the process and product behind it"


def add_arguments(p) -> None:
    add_bundle_argument(p)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--route", metavar="DEST",
                       help="destination as netstat shows it or as CIDR (default: the first default route)")
    which.add_argument("--interface", metavar="NAME", help="an interface, e.g. feth4868 or utun4")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=LANGS, default="en")
    p.add_argument("-o", "--output", metavar="FILE")
    p.add_argument("--figure", metavar="PNG", help="also draw the chain (matplotlib, no Graphviz) into PNG")


def find_route(G, dest: str | None) -> str | None:
    """The route node for *dest* (as written or CIDR) in the latest snapshot; default route if None."""
    if dest in (None, "default", "0.0.0.0/0"):
        return g.default_route(G, "inet")
    if dest in ("::/0", "default6"):
        return g.default_route(G, "inet6")
    routes = g.route_nodes(G)
    latest = [n for n in routes if G.nodes[n].get("snapshot") == "end"] or routes
    for n in latest:
        row = G.nodes[n]["row"]
        if dest in (row.get("destination"), row.get("cidr")):
            return n
    return None


def run(args) -> int:
    bundle = open_bundle(args.bundle)
    G = bundle.graph()
    if args.interface:
        target = g.node_id("interface", args.interface)
        what = args.interface
    else:
        target = find_route(G, args.route)
        what = args.route or "default"
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
    with output(args.output) as fh:
        if args.format == "json":
            data = {"target": target, "chain": chain.to_dict(), "sentence": chain.sentence(args.lang),
                    "culprit": culprit.to_dict() if culprit else None}
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
