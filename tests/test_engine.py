"""The in-process papermill engine (nettrace.report.engine) behaves like a kernel where the
report depends on it: parameters, outputs, errors, working directory, a fresh namespace."""
from __future__ import annotations

import os

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from nettrace.report.render import execute


def _notebook(path, *sources, parameters=None):
    nb = nbformat.v4.new_notebook()
    cells = []
    if parameters is not None:
        cell = nbformat.v4.new_code_cell(parameters)
        cell.metadata["tags"] = ["parameters"]
        cells.append(cell)
    cells += [nbformat.v4.new_markdown_cell("# title")]
    cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_parameters_streams_and_display_values(tmp_path):
    src = _notebook(tmp_path / "in.ipynb",
                    "print('hello', n)\nimport sys; print('oops', file=sys.stderr)",
                    "class D:\n    def _repr_mimebundle_(self, include=None, exclude=None):\n"
                    "        return {'application/x.t+json': {'n': n}}\nD()",
                    "x = n * 2",
                    "x + 1",
                    parameters="n = 1")
    nb = execute(src, tmp_path / "out.ipynb", {"n": 20}, kernel=False)
    code = _code(nb)
    # papermill injected its parameters cell after ours
    assert "injected-parameters" in code[1].metadata["tags"]
    outs = code[2].outputs
    assert [(o.output_type, o.name, o.text) for o in outs] == [("stream", "stdout", "hello 20\n"),
                                                               ("stream", "stderr", "oops\n")]
    assert code[3].outputs[0].output_type == "execute_result"
    assert code[3].outputs[0].data["application/x.t+json"] == {"n": 20}
    assert code[4].outputs == []                       # an assignment shows nothing
    assert code[5].outputs[0].data["text/plain"] == "41"
    assert [c.execution_count for c in code] == [1, 2, 3, 4, 5, 6]
    # the executed notebook on disk is the one returned, with papermill's metadata
    disk = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert _code(disk)[5].outputs[0].data["text/plain"] == "41"
    assert disk.metadata["papermill"]["parameters"] == {"n": 20}


def test_failing_cell_stops_the_run_and_raises_like_a_kernel(tmp_path):
    src = _notebook(tmp_path / "in.ipynb", "a = 1", "1 / 0", "a = 2")
    with pytest.raises(PapermillExecutionError) as err:
        execute(src, tmp_path / "out.ipynb", {}, kernel=False)
    assert err.value.ename == "ZeroDivisionError"
    assert "division by zero" in err.value.evalue
    disk = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    code = _code(disk)
    assert code[1].outputs[0].output_type == "error"
    assert any("1 / 0" in line for line in code[1].outputs[0].traceback)  # the cell's frame is kept
    assert not any("engine.py" in line for line in code[1].outputs[0].traceback)
    assert code[2].execution_count is None and code[2].outputs == []  # never ran


def test_working_directory_and_fresh_namespace(tmp_path):
    (tmp_path / "work").mkdir()
    src = _notebook(tmp_path / "in.ipynb", "import os\nhere = os.getcwd()\nhere",
                    "'leak' in globals()", "leak = 1")
    before = os.getcwd()
    nb = execute(src, tmp_path / "out.ipynb", {}, cwd=tmp_path / "work", kernel=False)
    assert _code(nb)[0].outputs[0].data["text/plain"] == repr(str(tmp_path / "work"))
    assert os.getcwd() == before
    nb = execute(src, tmp_path / "out2.ipynb", {}, kernel=False)  # a second run starts clean
    assert _code(nb)[1].outputs[0].data["text/plain"] == "False"


def test_report_in_process_equals_report_on_a_kernel(tmp_path):
    """The engine is an optimisation, not a different report: the page and the post are the
    same bytes whether the notebook ran here or on a Jupyter kernel."""
    from pathlib import Path

    from nettrace.report.render import render_report

    sample = Path(__file__).resolve().parents[1] / "data" / "samples" / "000-zerotier-loopback-default.tar.gz"
    here = render_report(sample, tmp_path / "here", progress=False)
    kern = render_report(sample, tmp_path / "kernel", progress=False, kernel=True)
    assert here["html"].read_bytes() == kern["html"].read_bytes()
    assert here["md"].read_text() == kern["md"].read_text()
    assert "ZeroTier" in here["md"].read_text()
