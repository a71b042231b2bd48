"""nettrace: a forensic kit for macOS network incidents.

Collect on the Mac with the POSIX capture script (``nettrace capture-script``), then analyze the
bundle anywhere::

    >>> import nettrace                                   # doctest: +SKIP
    >>> b = nettrace.load("nettrace-mbp-20251228T021500Z.tar.gz")   # doctest: +SKIP
    >>> b.frames["routes"].head()                          # doctest: +SKIP

Layers import one way: catalog → bundle → parsers → graph → rules → report.
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["load", "Bundle", "NettraceError", "BundleError", "__version__"]


def __getattr__(name):  # lazy: keep `import nettrace` cheap for the CLI
    if name in ("NettraceError", "BundleError"):
        from nettrace import errors

        return getattr(errors, name)
    if name in ("load", "Bundle"):
        from nettrace import bundle

        return getattr(bundle, name)
    raise AttributeError(name)
