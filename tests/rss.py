"""Peak RSS of a child Python process, read by the child itself.

Linux keeps ``ru_maxrss`` across ``execve()``: a child started from a test runner or bench process
that already holds hundreds of megabytes reports the parent's peak, not its own. ``VmHWM`` in
``/proc/self/status`` belongs to the new address space and starts from zero. Elsewhere (macOS)
``ru_maxrss`` is the only reading, and it is in bytes there (KiB on Linux).
"""
from __future__ import annotations

# Python source that prints the running process's peak RSS in bytes as its last line.
PRINT_PEAK_RSS = """
def _peak_rss():
    import resource, sys
    try:
        with open('/proc/self/status') as f:
            return int(next(l for l in f if l.startswith('VmHWM:')).split()[1]) * 1024
    except (OSError, StopIteration):
        r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return r if sys.platform == 'darwin' else r * 1024
print(_peak_rss())
"""
