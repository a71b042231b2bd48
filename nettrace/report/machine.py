"""The machine: macOS version, the capture window, hardware ports and the service order."""
from __future__ import annotations

from nettrace.report.context import Section, Story, h, na, p, s_
from nettrace.report.doc import text

__all__ = ["machine"]


def machine(s: Story) -> Section:
    m = s.bundle.manifest
    mac = m.get("macos") or {}
    blocks = [h(2, s.t("machine.h"))]
    blocks.append(p(s.f("machine.p", host=s.c(m.get("host", "")),
                        version=s.c(f"{mac.get('product_name', 'macOS')} {mac.get('product_version', '?')}"),
                        build=s.c(mac.get("build_version", "?")),
                        start=s.c(s.when(m.get("started_at"))), end=s.c(s.when(m.get("ended_at"))),
                        user=s.c(m.get("user", "?")), root=s.t("yes") if m.get("root") else s.t("no"))))
    ports = s.bundle.latest("hardware_ports")
    if len(ports):
        blocks.append(p(s.f("machine.ports", n=len(ports))))
        blocks.append({"type": "table", "header": [[text(s.t("col.port"))], [text(s.t("col.device"))],
                                                   [text(s.t("col.ether"))]],
                       "rows": [[[s.c(r["port"])], [s.c(r["device"])], [s.c(r["ether"])]]
                                for r in ports.to_dict("records")]})
    order = s.bundle.latest("network_order")
    if (order["source"] == "networksetup").any():
        order = order[order["source"] == "networksetup"]
    if len(order):
        blocks.append(p(s.f("machine.services")))
        blocks.append({"type": "table",
                       "header": [[text(s.t("col.rank"))], [text(s.t("col.service"))],
                                  [text(s.t("col.device"))], [text(s.t("col.enabled"))]],
                       "rows": [[[text("" if na(r["rank"]) else s_(int(r["rank"]) + 1))],
                                 [s.c(r["service"])], [s.c(r["interface"])],
                                 [text(s.t("no") if r["enabled"] is False else s.t("yes"))]]
                                for r in order.to_dict("records")]})
    return Section(blocks)
