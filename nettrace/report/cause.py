"""The title, the TL;DR and the root cause: all three say what the main finding
(:func:`~nettrace.report.context.main_finding`) says, name its culprit, and list the fix's
system-changing steps (:func:`nettrace.report.fix.changes`) — so they cannot contradict the
findings, the steps or ``analyze --format json``.
"""
from __future__ import annotations

from nettrace.report import doc
from nettrace.report.context import Section, Story, h, p, prose
from nettrace.report.doc import text
from nettrace.report.fix import changes, is_command

__all__ = ["title", "tldr", "headline", "root_cause"]


def title(s: Story) -> str:
    """The post's title: the culprit's product and the finding, the finding alone, or healthy."""
    if s.title:
        return s.title
    if s.main is None:
        return s.t("title.healthy", host=s.r(s.bundle.manifest.get("host") or s.bundle.name))
    if s.product:
        return s.t("title.culprit", product=s.product, finding=s.main.title(s.lang))
    return s.t("title.problem", finding=s.main.title(s.lang))


def tldr(s: Story) -> list:
    """What is wrong and who did it, then every step of the fix that changes the system, in order."""
    if s.main is None:
        return s.f("tldr.healthy", host=s.c(s.bundle.manifest.get("host", "")))
    finding = prose(s.main.title(s.lang))
    if s.main.culprit is not None:
        spans = s.f("tldr.cause", finding=finding, culprit=s.c(s.culprit))
    else:
        spans = s.f("tldr.cause_unknown", finding=finding)
    todo = changes(s)
    gap = [text("" if s.lang == "zh" else " ")]
    commands = [r for r in todo if is_command(r)]
    if commands:
        joined: list = []
        for i, r in enumerate(commands):
            if i:
                joined.append(text(s.t("tldr.then")))
            joined.append(s.c(r.command))
        spans += gap + s.f("tldr.fix" if len(commands) == 1 else "tldr.fix_steps", command=joined,
                           n=len(commands))
    advice = [r for r in todo if not is_command(r)]
    for r in advice:
        words = r.command or r.rendered_params(s.lang).get("advice") or r.text(s.lang)
        spans += gap + s.f("tldr.fix_advice", advice=s.r(str(words).rstrip(".。")))
    return doc._merge(spans)


def headline(s: Story) -> Section:
    """Title, the TL;DR and the front matter."""
    m = s.bundle.manifest
    tags = ["macOS"] + ([s.product] if s.product else []) + ([s.main.id] if s.main is not None else [])
    front = {"title": title(s), "description": doc.plain(tldr(s)), "author": s.author or "",
             "date": s.when(m.get("ended_at") or m.get("started_at")),
             "categories": ["macOS", s.t("category")], "tags": tags, "lang": s.lang}
    return Section([{"type": "meta", "front_matter": front}, h(1, title(s), "top"),
                    {"type": "quote", "spans": [["strong", s.t("tldr.label")], text(" ")] + tldr(s)}])


def _chain_sentence(s: Story) -> list:
    spans = []
    for i, n in enumerate(s.chain.nodes):
        if i:
            rel = s.chain.edges[i - 1][2]
            spans.append(text(f" —{s.rel(rel)}→ " if rel else " → "))
        spans.append(s.c(s.label(n)))
    return spans


def root_cause(s: Story) -> Section:
    """Root cause: the finding, the culprit and the drawing of the chain."""
    from nettrace.report.figures import draw_chain

    blocks = [h(2, s.t("cause.h"))]
    if s.main is None:
        blocks.append(p(s.f("cause.healthy")))
        return Section(blocks)
    summary = s.main.summary(s.lang)
    blocks.append(p(s.f("cause.p", finding=prose(s.main.title(s.lang)), summary=prose(summary))))
    if s.chain is not None and s.chain.nodes:
        if s.label(s.chain.nodes[-1]) not in summary:  # the summary may walk it already
            blocks.append(p(s.f("cause.chain", chain=_chain_sentence(s))))
        fig = draw_chain(s.G, s.chain, s.lang)
        blocks.append(s.fig("culprit-chain", fig, s.t("figure.chain_alt", culprit=s.culprit),
                            s.f("figure.chain_caption")))
    elif s.main.culprit is not None:
        blocks.append(p(s.f("cause.culprit_only", culprit=s.c(s.culprit))))
    return Section(blocks)
