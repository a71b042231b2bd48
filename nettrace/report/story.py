"""The postmortem as a story: one function per section, each returning a display object.

The notebook ``notebooks/postmortem.ipynb`` calls these, one per cell::

    s = story.open_story(bundle, lang="zh")
    story.headline(s)          # title and TL;DR
    story.machine(s)           # macOS version, hardware ports, services
    ...

Each function returns a :class:`~nettrace.report.context.Section`: document blocks
(:mod:`nettrace.report.doc`) shown as HTML in JupyterLab and carried as JSON
(``application/vnd.nettrace.doc+json``) in the executed notebook, from which
:mod:`nettrace.report.render` writes the HTML page and the Markdown post.

The sections live one per module and share one :class:`~nettrace.report.context.Story` (the
findings, the main finding, the graph, the timeline and the facts, opened once):

========================  ====================================================================
``context``               the Story, evidence quoting (wide columns cut, logs as time/process/message)
``cause``                 title, TL;DR and root cause (all from the main finding and the fix's steps)
``machine``               the machine
``symptoms``              the ping loops and the connectivity figure
``investigation``         steps 1–4: routing table, route events, interface owner, process/product
``fix``                   the fix (look first, then change) and prevention
``appendix``              questions the data answers, every finding, the raw lines they cite
========================  ====================================================================
"""
from __future__ import annotations

from nettrace.report.appendix import appendix, questions
from nettrace.report.cause import headline, root_cause, tldr, title
from nettrace.report.context import MIME, Section, Story, _chain, main_finding, open_story
from nettrace.report.fix import fix, prevention
from nettrace.report.investigation import interface_owner, process_product, route_events, routes_caption, routing_table
from nettrace.report.machine import machine
from nettrace.report.symptoms import pings, symptoms

__all__ = ["MIME", "Section", "Story", "open_story", "main_finding", "headline", "machine", "symptoms",
           "routing_table", "route_events", "interface_owner", "process_product", "root_cause",
           "fix", "prevention", "questions", "appendix", "title", "tldr", "routes_caption", "pings"]
