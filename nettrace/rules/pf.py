"""Third-party pf anchors or rules (VPN kill switches, firewalls) active in the packet filter.

Severity from harm: warning when pf is enabled with third-party anchors or block rules *and* some
probe failed (traffic is being lost while rules that drop traffic are loaded); info otherwise — a
VPN's kill switch on a working connection is how it is meant to work. Apple's own anchors
(``com.apple*``) are not counted.
"""
from __future__ import annotations

import pandas as pd

from nettrace.findings import Finding, Remedy
from nettrace.i18n import LANGS, t
from nettrace.rules import Context, rule

EMITS = ("pf-third-party",)


@rule("pf-third-party", emits=EMITS, requires=["pf"], optional=["probes", "pings"])
def pf_third_party(ctx: Context):
    pf = ctx.latest("pf")
    enabled = bool(pf["status_enabled"].fillna(False).any())
    anchors = pf[pf["anchor"].notna() & ~pf["anchor"].fillna("").str.startswith("com.apple")]
    blocks = pf[pf["text"].fillna("").str.match(r"^\s*block\b") & (pf["section"].fillna("") != "anchors")]
    if anchors.empty and blocks.empty:
        return []
    names = sorted(set(anchors["anchor"].dropna()))
    failed = ctx.failed_probes(how=("loss", "no_route", "unreachable", "dns"))  # traffic lost, not a silent hop
    harmed = enabled and len(failed) > 0
    return [Finding(
        "pf-third-party", "warning" if harmed else "info",
        params={"anchors": ", ".join(names) or {lang: t("who.no_anchor", lang) for lang in LANGS},
                "blocks": int(len(blocks)),
                "status": {lang: t("pf.enabled" if enabled else "pf.disabled", lang) for lang in LANGS}},
        evidence=ctx.evidence_rows(pd.concat([pf[pf["status_enabled"].fillna(False)], anchors, blocks]), 8)
        + (ctx.evidence_rows(failed, 2) if harmed else []),
        severity_reason="why.pf_with_failures" if harmed else ("why.pf_no_failures" if enabled else "why.pf_disabled"),
        reason_params={"failed": len(failed)}, facts=ctx.probe_refs(failed.head(4)) if harmed else [],
        remedy=[Remedy("sudo pfctl -s rules -a '*'", False, "remedy.pf_show"),
                Remedy("sudo pfctl -s Anchors", False, "remedy.pf_anchors")])]
