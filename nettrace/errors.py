"""The library's exceptions. The CLI turns each into one line on stderr and exit code 1."""
from __future__ import annotations

__all__ = ["NettraceError", "BundleError"]


class NettraceError(Exception):
    """An error the user can act on: printed as one line, exit code 1."""


class BundleError(NettraceError):
    """The path is not a readable nettrace bundle (one line, says what to do)."""
