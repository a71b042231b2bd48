"""The fix and prevention sections, and :func:`steps` — the one list of remedies the TL;DR, the
fix section and ``analyze --format json`` share (look first, then change, in the findings' order).
"""
from __future__ import annotations

from nettrace.i18n import t
from nettrace.report.context import Section, Story, h, p, prose
from nettrace.report.doc import code, text

__all__ = ["steps", "changes", "is_command", "fix", "prevention"]


def is_command(r) -> bool:
    """A remedy whose "command" is advice in words (a product's removal hint) is not a command."""
    cmd = (r.command or "").strip()
    return bool(cmd) and cmd not in {str(v).strip() for v in (r.params or {}).values()}


def steps(s: Story) -> list:
    """Every remedy of the problems, each once, read-only ones first (look, then change); within
    each group in the order the findings give them."""
    seen, items = set(), []
    for f in s.problems:
        for r in f.remedy:
            key = r.command or r.text(s.lang)
            if key not in seen:
                seen.add(key)
                items.append(r)
    return sorted(items, key=lambda r: bool(r.changes_system))


def changes(s: Story) -> list:
    """The steps that change the system, in the order the fix section gives them."""
    return [r for r in steps(s) if r.changes_system]


def fix(s: Story) -> Section:
    """The fix: every remedy, marked read-only or changing the system."""
    blocks = [h(2, s.t("fix.h"))]
    items = steps(s)
    if not items:
        blocks.append(p(s.f("fix.none")))
        return Section(blocks)
    blocks.append(p(s.f("fix.p")))
    for r in items:
        mark = t("changes_system.yes" if r.changes_system else "changes_system.no", s.lang)
        # the mark says it once: a remedy text ending "(read-only)" does not say it again
        why = r.to_dict(s.lang)["why"].replace(f" ({mark})", "").replace(f"（{mark}）", "")
        caption = [["strong", f"[{mark}]"]] + prose(" " + why)
        if is_command(r):
            blocks.append({"type": "code", "text": s.r(r.command), "changes_system": bool(r.changes_system),
                           "caption": caption})
        else:  # advice in words (no command to copy): the explanation says it all
            blocks.append(p(caption))
    return Section(blocks)


def prevention(s: Story) -> Section:
    blocks = [h(2, s.t("prevention.h"))]
    items = [s.f("prevention.check", cmd=code("netstat -rn -f inet"))]
    if s.product:
        items.append(s.f("prevention.product", product=s.c(s.product)))
    items.append(s.f("prevention.capture", cmd=code("sudo sh nettrace-capture.sh --duration 300")))
    blocks.append({"type": "list", "items": items})
    return Section(blocks)
