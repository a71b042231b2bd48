"""Before and after: what changed between two captures of one Mac, or within one capture.

:func:`diff` compares two loaded bundles (BEFORE, AFTER: the last snapshot of each) or, given one
bundle, its ``start`` snapshot with its ``end`` one (the last periodic snapshot when the capture
was cut before its end). The answer is data — a :class:`Diff` holding one frame of changes per
area — that ``nettrace diff`` prints as text, JSON or Markdown and the postmortem's "What changed"
section (:mod:`nettrace.report.whatchanged`) turns into blocks.

Every change row has the columns of :data:`CHANGE_COLUMNS`; ``before_file``/``before_line`` and
``after_file``/``after_line`` cite the member and line each side is read from (``before_text`` /
``after_text``: that line as printed). Areas, in reading order (:data:`AREAS`):

==================  ==================================================  =========================
area                subjects                                            changes
==================  ==================================================  =========================
internet_route      ``inet`` / ``inet6``: the route Internet traffic     changed, unchanged
                    takes (facts layer)
routes              one row of ``netstat -rn``                           added, removed, changed,
                                                                        reranked
interfaces          an interface                                         appeared, vanished,
                                                                        changed
processes           a process that owns an interface, holds a socket     started, stopped,
                    on a tunnel's address or wrote routes                restarted
system_extensions   ``systemextensionsctl list`` rows                    added, removed, changed
launchd_jobs        ``launchctl list`` labels                            added, removed
dns                 ``scutil --dns`` resolvers                           added, removed, changed
proxy               ``scutil --proxy`` keys                              added, removed, changed
pf                  pf status and rule lines                             added, removed, changed
findings            rule findings                                        new, resolved, unchanged
reachability        ping loss per target                                 changed, unchanged
==================  ==================================================  =========================

An area that one side cannot show (not captured, unreadable member, one snapshot only) is not
compared, and :attr:`Diff.warnings` says so — a missing file never reads as "everything was
removed".

Examples
--------
>>> import nettrace
>>> from nettrace.diff import diff
>>> b = nettrace.load("data/samples/healthy-wifi-only.tar.gz")
>>> d = diff(b, b)
>>> d.has_changes, d.frame("routes").empty
(False, True)
"""
from __future__ import annotations

from nettrace.diff.compare import AREAS, CHANGE_COLUMNS, Diff, diff
from nettrace.diff.render import as_json, as_text, sentence

__all__ = ["diff", "Diff", "AREAS", "CHANGE_COLUMNS", "as_text", "as_json", "sentence"]
