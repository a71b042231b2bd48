"""What the capture could not see: a run without root has no lsof or pf, so nothing can be
attributed to a process; an interrupted run has no end snapshot."""
from __future__ import annotations

from nettrace.findings import Finding, Remedy
from nettrace.rules import Context, rule

EMITS = ("capture-without-root", "capture-interrupted")


@rule("capture-incomplete", emits=EMITS)
def capture_incomplete(ctx: Context):
    m = ctx.bundle.manifest
    skipped = sorted({c.get("name") for c in m.get("commands", []) if c.get("skipped") == "needs root"})
    out = []
    if skipped:
        out.append(Finding("capture-without-root", "info", params={"commands": ", ".join(skipped)},
                           severity_reason="why.capture_limits", facts=["capture:lsof"],
                           remedy=[Remedy("sudo sh nettrace-capture.sh", False, "remedy.rerun_root")]))
    if m.get("interrupted"):
        out.append(Finding("capture-interrupted", "info", params={}, severity_reason="why.capture_limits",
                           facts=["capture:interrupted"]))
    return out
