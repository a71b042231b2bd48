"""The ``probes`` frame, shared by the ping, traceroute and dig parsers: one row per probe run.

One schema for one frame: each parser fills the columns its tool prints and leaves the others
missing, so the loader can stack the three and rules read one set of columns.
"""
from __future__ import annotations

from ._schema import Column, Schema

__all__ = ["PROBES"]

PROBES = Schema("probes", [
    Column('tool', 'string', '`ping`, `traceroute` or `dig`'),
    Column('destination', 'string', "target as written (PING/traceroute header; dig's queried name without its trailing dot)"),
    Column('address', 'string', 'resolved address from the header (ping, traceroute)'),
    Column('ok', 'boolean', 'ping: at least one reply; traceroute: the destination answered at some hop; dig: NOERROR (or no header) and at least one answer'),
    Column('error', 'string', 'first error line (`ping: sendto: No route to host`, `traceroute: findsaddr: …`, `;; connection timed out…`); NA if none'),
    Column('transmitted', 'Int64', 'ping: packets transmitted (statistics line)'),
    Column('received', 'Int64', 'ping: packets received (statistics line; duplicates not counted)'),
    Column('duplicates', 'Int64', 'ping: duplicate replies (`+N duplicates`); 0 when not printed'),
    Column('loss_pct', 'float64', 'ping: packet loss in percent'),
    Column('rtt_min', 'float64', 'ping: round-trip minimum, ms'),
    Column('rtt_avg', 'float64', 'ping: round-trip average, ms'),
    Column('rtt_max', 'float64', 'ping: round-trip maximum, ms'),
    Column('rtt_stddev', 'float64', 'ping: round-trip standard deviation, ms'),
    Column('hops', 'Int64', 'traceroute: number of hop lines'),
    Column('qtype', 'string', 'dig: query type from the QUESTION section (A, AAAA, PTR...)'),
    Column('status', 'string', 'dig: response code: NOERROR, NXDOMAIN, SERVFAIL, REFUSED...; NA without a header'),
    Column('server', 'string', 'dig: address of the server that answered (before `#port`)'),
    Column('query_time_ms', 'Int64', 'dig: `;; Query time: N msec`'),
    Column('answers', 'Int64', 'dig: number of records in the answer section'),
    Column('line', 'Int64', "1-based line where the run's output (or its first error line) starts"),
], doc="One row per probe run (ping -c, traceroute, dig); columns a tool does not print are NA.")
