"""The postmortem: a papermill notebook whose cells call :mod:`nettrace.report.story`, rendered
to an offline HTML page and a Jekyll Markdown post by :func:`render_report`.

Modules: ``doc`` (document blocks → escaped HTML / Markdown), ``figures`` (matplotlib),
``story`` (one function per section), ``explore`` (helpers for the exploration notebooks),
``render`` (papermill + writers), ``cli`` (``nettrace report``).
"""
from __future__ import annotations

__all__ = ["render_report"]


def render_report(*args, **kwargs):
    """See :func:`nettrace.report.render.render_report`."""
    from nettrace.report.render import render_report as _render

    return _render(*args, **kwargs)
