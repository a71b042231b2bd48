"""A :class:`~nettrace.diff.Diff` in words: one sentence per change in English or Chinese, the
terminal text of ``nettrace diff`` and its JSON (schema in ``docs/diff.md``). The Markdown form is
the report section's blocks (:mod:`nettrace.report.whatchanged`), so ``--format markdown`` and
the postmortem read the same.

>>> import nettrace
>>> from nettrace.diff import diff
>>> b = nettrace.load("data/samples/healthy-wifi-only.tar.gz")
>>> print(as_text(diff(b, b)).splitlines()[-1])
No change: every area compared is the same on both sides.
"""
from __future__ import annotations

import re

import pandas as pd

from nettrace.diff.compare import AREAS, SAME, Diff
from nettrace.i18n import t

__all__ = ["sentence", "rows", "as_text", "as_json", "warning_texts", "summary_line", "SCHEMA_ID", "SYMBOLS"]

SCHEMA_ID = "nettrace.diff/1"
# the mark a change gets in the text output
SYMBOLS = {"added": "+", "appeared": "+", "started": "+", "new": "+", "removed": "-", "vanished": "-",
           "stopped": "-", "resolved": "-", "changed": "~", "reranked": "~", "restarted": "~", "unchanged": "="}


def _v(value, lang: str) -> str:
    return t("diff.none_value", lang) if value is None else str(value)


def _cell(row: dict, key: str):
    """A row value, None for NA."""
    v = row.get(key)
    if v is None or isinstance(v, (list, dict)):
        return v
    return None if pd.isna(v) else v


def sentence(d: Diff, row: dict, lang: str = "en", finding_pair=None) -> str:
    """One change in words. *finding_pair*: the (before, after) findings of a ``findings`` row."""
    area, change = row["area"], row["change"]
    subject = _cell(row, "subject") or ""
    if area == "internet_route":
        subject = t(f"diff.family.{subject}", lang) if subject in ("inet", "inet6") else subject
    fld = _cell(row, "field")
    params = {"subject": subject, "field": t(f"diff.field.{fld}", lang) if fld else "",
              "before": _v(_cell(row, "before"), lang), "after": _v(_cell(row, "after"), lang)}
    if area == "findings" and finding_pair is not None:
        f = finding_pair[1] if finding_pair[1] is not None else finding_pair[0]
        params["title"] = f.title(lang)
        for side, key in ((0, "before"), (1, "after")):
            if finding_pair[side] is not None:
                params[key] = t(f"severity.{finding_pair[side].severity}", lang)
    if area == "processes" and change in ("started", "stopped"):
        pid = params["after"] if change == "started" else params["before"]
        params["after" if change == "started" else "before"] = role_words(_cell(row, "roles"), pid, lang)
    if area == "routes" and fld == "scope":
        for key in ("before", "after"):
            v = _cell(row, key)
            params[key] = t("diff.scope.scoped", lang, netif=v) if v else t("diff.scope.unscoped", lang)
    if area == "reachability":
        for key in ("before", "after"):
            if _cell(row, key) is None:
                params[key] = t("diff.not_pinged", lang)
    text = t(f"diff.change.{area}.{change}", lang, **params)
    product = _cell(row, "product")
    if product and area in ("interfaces", "processes"):
        text += f" [{product}]"
    return text


def role_words(roles: str | None, pid, lang: str) -> str:
    """``holds:feth9868;parent:MacEthernetTapAgent`` and a pid as words."""
    bits = [t("diff.role.pid", lang, pid=pid)]
    for token in (roles or "").split(";"):
        kind, _, what = token.partition(":")
        if kind:
            bits.append(t(f"diff.role.{kind}", lang, what=what))
    return ("；" if lang == "zh" else "; ").join(bits)


def rows(d: Diff, area: str) -> list[tuple[dict, object]]:
    """(row dict, finding pair or None) of *area*, in order."""
    df = d.frame(area)
    recs = df.to_dict("records")
    pairs = d.finding_pairs if area == "findings" else [None] * len(recs)
    return list(zip(recs, pairs))


def warning_texts(d: Diff, lang: str = "en") -> list[str]:
    out = []
    for key, params in d.warnings:
        p = dict(params)
        if "area" in p:
            p["area"] = t(f"diff.area.{p['area']}", lang)
        if "side" in p:
            p["side"] = t(f"diff.{p['side']}", lang)
        out.append(t(key, lang, **p))
    return out


def changed_counts(d: Diff) -> dict[str, int]:
    """area -> number of real changes (unchanged rows not counted)."""
    out = {}
    for area in AREAS:
        df = d.frame(area)
        n = int((~df["change"].isin(SAME)).sum()) if len(df) else 0
        if n:
            out[area] = n
    return out


def summary_line(d: Diff, lang: str = "en") -> str:
    counts = changed_counts(d)
    if not counts:
        return t("diff.summary.none", lang)
    sep = "、" if lang == "zh" else ", "
    areas = sep.join(f"{t('diff.area.' + a, lang)} {n}" for a, n in counts.items())
    return t("diff.summary.changes", lang, n=sum(counts.values()), areas=areas)


def mode_line(d: Diff, lang: str = "en") -> str:
    b, a = d.before, d.after
    return t(f"diff.mode.{d.mode}", lang, before=b.get("name"), after=a.get("name"),
             before_snapshot=b.get("snapshot"), after_snapshot=a.get("snapshot"),
             before_time=_when(b), after_time=_when(a))


def _when(s: dict) -> str:
    snap = s.get("snapshot")
    return (s.get("ended_at") if snap == "end" else s.get("started_at")) or "?"


def not_compared(d: Diff) -> list[str]:
    return [a for a in AREAS if a not in d.compared]


def _cite(row: dict, side: str) -> str | None:
    f = _cell(row, f"{side}_file")
    if not f:
        return None
    line = _cell(row, f"{side}_line")
    text = _cell(row, f"{side}_text") or ""
    return f"{f}:{line if line is not None else '-'}  {text.strip()}"


def as_text(d: Diff, lang: str = "en") -> str:
    """The terminal report: what was compared, warnings, then each area's changes with the
    lines of both sides."""
    b, a = d.before.get("name"), d.after.get("name")
    out = [f"nettrace diff: {b} → {a}" if d.mode == "bundles" else f"nettrace diff: {b}", mode_line(d, lang)]
    for w in warning_texts(d, lang):
        out.append(f"! {w}")
    missing = not_compared(d)
    if missing:
        sep = "、" if lang == "zh" else ", "
        out.append(t("diff.not_compared", lang, areas=sep.join(t(f"diff.area.{x}", lang) for x in missing)))
    lb, la = t("diff.before", lang), t("diff.after", lang)
    width = max(len(lb), len(la))
    for area in AREAS:
        items = rows(d, area)
        shown = [(r, p) for r, p in items if not (r.get("minor") is True)
                 and not (r["change"] in SAME and area not in ("internet_route",))]
        minor = [r for r, _ in items if r.get("minor") is True]
        if not shown and not minor:
            continue
        n = sum(1 for r, _ in items if r["change"] not in SAME)
        out.append("")
        out.append(f"== {t('diff.area.' + area, lang)}" + (f" ({n})" if n else ""))
        for r, pair in shown:
            out.append(f"  {SYMBOLS.get(r['change'], '*')} {sentence(d, r, lang, pair)}")
            for side, label in (("before", lb), ("after", la)):
                c = _cite(r, side)
                if c:
                    out.append(f"      {label.ljust(width)}  {c}")
        if minor:
            subjects = ", ".join(dict.fromkeys(str(r["subject"]) for r in minor))
            out.append("  ~ " + t("diff.cache_summary", lang, n=len(minor), subjects=subjects))
    unchanged_findings = [sentence(d, r, lang, p) for r, p in rows(d, "findings") if r["change"] in SAME]
    if unchanged_findings:
        out.append("")
        out.append(f"== {t('diff.area.findings', lang)} (=)")
        out += [f"  = {s}" for s in unchanged_findings]
    out.append("")
    out.append(summary_line(d, lang))
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", "\n".join(out)) + "\n"


# a bundle's strings reach the terminal: no escape sequence of theirs may move the cursor or recolour it
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _ref(row: dict, side: str):
    f = _cell(row, f"{side}_file")
    if not f:
        return None
    return {"file": str(f), "line": _cell(row, f"{side}_line"), "text": _cell(row, f"{side}_text")}


def as_json(d: Diff, lang: str = "en") -> dict:
    """The diff as a JSON-able dict; its shape is the schema in ``docs/diff.md``."""
    changes = []
    for area in AREAS:
        for r, pair in rows(d, area):
            changes.append({
                "area": area, "change": r["change"], "subject": _cell(r, "subject"), "field": _cell(r, "field"),
                "before": _cell(r, "before"), "after": _cell(r, "after"), "product": _cell(r, "product"),
                "roles": [x for x in (_cell(r, "roles") or "").split(";") if x],
                "minor": bool(r.get("minor") is True), "text": sentence(d, r, lang, pair),
                "before_ref": _ref(r, "before"), "after_ref": _ref(r, "after"),
            })
    for c in changes:
        for ref in (c["before_ref"], c["after_ref"]):
            if ref and ref["line"] is not None:
                ref["line"] = int(ref["line"])
    return {
        "schema": SCHEMA_ID,
        "mode": d.mode,
        "lang": lang,
        "before": _side_json(d.before),
        "after": _side_json(d.after),
        "has_changes": d.has_changes,
        "summary": summary_line(d, lang),
        "compared": list(d.compared),
        "not_compared": not_compared(d),
        "warnings": [{"key": k, "text": txt} for (k, _), txt in zip(d.warnings, warning_texts(d, lang))],
        "counts": d.counts(),
        "changes": changes,
    }


def _side_json(s: dict) -> dict:
    keys = ("name", "host", "macos", "snapshot", "started_at", "ended_at", "timezone", "boot_time")
    return {k: (None if s.get(k) is None else str(s.get(k))) for k in keys}
