"""Third-party pf anchors or rules (VPN kill switches, firewalls) active in the packet filter."""
from __future__ import annotations

import pandas as pd

from nettrace.findings import Finding, Remedy
from nettrace.rules import Context, rule


@rule("pf-third-party", requires=["pf"])
def pf_third_party(ctx: Context):
    pf = ctx.latest("pf")
    enabled = bool(pf["status_enabled"].fillna(False).any())
    anchors = pf[pf["anchor"].notna() & ~pf["anchor"].fillna("").str.startswith("com.apple")]
    blocks = pf[pf["text"].fillna("").str.match(r"^\s*block\b") & (pf["section"].fillna("") != "anchors")]
    if anchors.empty and blocks.empty:
        return []
    names = sorted(set(anchors["anchor"].dropna()))
    severity = "warning" if enabled and (len(blocks) or len(anchors)) else "info"
    return [Finding(
        "pf-third-party", severity,
        params={"anchors": ", ".join(names) or "-", "blocks": int(len(blocks)),
                "status": "enabled" if enabled else "disabled"},
        evidence=ctx.evidence_rows(pd.concat([pf[pf["status_enabled"].fillna(False)], anchors, blocks]), 8),
        remedy=[Remedy("sudo pfctl -s rules -a '*'", False, "remedy.pf_show"),
                Remedy("sudo pfctl -s Anchors", False, "remedy.pf_anchors")])]
