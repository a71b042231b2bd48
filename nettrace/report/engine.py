"""A papermill engine that runs the notebook's cells in this Python process.

Why: ``nettrace report`` is a Python process that has already imported pandas, nettrace and
papermill. A Jupyter kernel is a second process that starts from nothing and imports all of it
again (about 0.9 s for pandas, matplotlib's figure stack, networkx and the rules) before the first
cell runs — more than the whole bare papermill run the report is measured against. Running the
cells here keeps what papermill gives us (parameters injected into the ``parameters`` cell, the
executed notebook written with its outputs and papermill metadata, a failing cell reported as
:class:`papermill.exceptions.PapermillExecutionError`) and drops the second process.

What a cell gets: a fresh namespace per notebook (``__name__ == "__main__"``), the working
directory papermill was given, ``print`` and warnings recorded as ``stream`` outputs, and the value
of a cell's last expression as an ``execute_result`` whose data is the object's MIME bundle
(``_repr_mimebundle_`` and the ``_repr_*_`` methods, like IPython's formatter). It is not IPython:
no magics, no ``display()`` hook (cells of the shipped notebooks return their display objects).
``nettrace report --kernel`` uses a real Jupyter kernel instead (:class:`HereKernelManager`).

The engine is registered with papermill as ``nettrace-inprocess``.
"""
from __future__ import annotations

import ast
import base64
import builtins
import contextlib
import io
import linecache
import os
import traceback
import warnings

from papermill.engines import Engine, papermill_engines

__all__ = ["InProcessEngine", "ENGINE", "mimebundle"]

ENGINE = "nettrace-inprocess"
_REPR = (("text/html", "_repr_html_"), ("text/markdown", "_repr_markdown_"), ("image/png", "_repr_png_"),
         ("image/svg+xml", "_repr_svg_"), ("application/json", "_repr_json_"), ("text/latex", "_repr_latex_"))


def mimebundle(obj) -> tuple[dict, dict]:
    """``(data, metadata)`` of *obj* as a notebook output: its ``_repr_mimebundle_`` or
    ``_repr_*_`` methods, always with a ``text/plain`` fallback.

    >>> class Doc:
    ...     def _repr_mimebundle_(self, include=None, exclude=None):
    ...         return {"application/x.demo+json": {"a": 1}}
    >>> mimebundle(Doc())[0]["application/x.demo+json"]
    {'a': 1}
    >>> mimebundle(3)
    ({'text/plain': '3'}, {})
    """
    data: dict = {}
    meta: dict = {}
    method = getattr(obj, "_repr_mimebundle_", None)
    if callable(method) and not isinstance(obj, type):
        got = method(include=None, exclude=None)
        if isinstance(got, tuple):
            got, meta = got[0], dict(got[1] or {})
        data.update(got or {})
    for mime, name in _REPR:
        fn = getattr(obj, name, None)
        if mime not in data and callable(fn) and not isinstance(obj, type):
            value = fn()
            if isinstance(value, tuple):
                value, md = value
                meta[mime] = md
            if value is not None:
                data[mime] = value
    for mime, value in data.items():  # binary images travel as base64 text, as IPython sends them
        if isinstance(value, (bytes, bytearray)):
            data[mime] = base64.b64encode(value).decode("ascii")
    data.setdefault("text/plain", repr(obj))
    return data, meta


class _Stream(io.TextIOBase):
    """A text stream that appends to a cell's ``stream`` outputs as it is written to."""

    def __init__(self, outputs: list, name: str):
        self.outputs, self.name_ = outputs, name

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        if s:
            last = self.outputs[-1] if self.outputs else None
            if last is not None and last.get("output_type") == "stream" and last.get("name") == self.name_:
                last["text"] += s
            else:
                self.outputs.append({"output_type": "stream", "name": self.name_, "text": s})
        return len(s)


def _run_cell(source: str, ns: dict, filename: str):
    """Run *source* in *ns*; the value of a trailing expression statement (None otherwise)."""
    # tracebacks quote the cell's lines, as IPython's do
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    tree = ast.parse(source, filename=filename, mode="exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, "exec"), ns)  # noqa: S102 - running the notebook is the job
    if last is not None:
        return eval(compile(last, filename, "eval"), ns)  # noqa: S307
    return None


class InProcessEngine(Engine):
    """Executes code cells with :func:`exec` in one namespace, in this process."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, cwd=None, **kwargs):
        from nbformat import from_dict

        ns: dict = {"__name__": "__main__", "__builtins__": builtins}
        old_cwd = os.getcwd()
        count = 0
        try:
            if cwd:
                os.chdir(cwd)
            for index, cell in enumerate(nb_man.nb.cells):
                nb_man.cell_start(cell, index)
                failed = False
                try:
                    if cell.cell_type == "code" and cell.source.strip():
                        count += 1
                        outputs: list = []
                        cell.outputs = []
                        cell.execution_count = count
                        with contextlib.redirect_stdout(_Stream(outputs, "stdout")), \
                                contextlib.redirect_stderr(_Stream(outputs, "stderr")), \
                                warnings.catch_warnings():
                            warnings.simplefilter("default")
                            try:
                                value = _run_cell(cell.source, ns, f"<cell {id(ns)}:{index}>")
                            except BaseException as exc:  # noqa: BLE001 - reported as the cell's error
                                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                                    raise
                                outputs.append(_error_output(exc))
                                failed = True
                                value = None
                        if value is not None:
                            data, meta = mimebundle(value)
                            outputs.append({"output_type": "execute_result", "execution_count": count,
                                            "data": data, "metadata": meta})
                        cell.outputs = [from_dict(o) for o in outputs]
                finally:
                    if failed:
                        nb_man.cell_exception(cell, cell_index=index)
                    nb_man.cell_complete(cell, cell_index=index)
                if failed:
                    break
        finally:
            os.chdir(old_cwd)
            for key in [k for k in linecache.cache if k.startswith(f"<cell {id(ns)}:")]:
                del linecache.cache[key]
        return nb_man.nb


def _error_output(exc: BaseException) -> dict:
    tb = traceback.TracebackException.from_exception(exc)
    # drop this module's frames: the traceback starts in the cell
    tb.stack = traceback.StackSummary.from_list(
        [f for f in tb.stack if f.filename != __file__])
    return {"output_type": "error", "ename": type(exc).__name__, "evalue": str(exc),
            "traceback": [line.rstrip("\n") for line in tb.format()]}


papermill_engines.register(ENGINE, InProcessEngine)
