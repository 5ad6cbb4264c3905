"""The course notebooks run top to bottom (quick mode, small subsets) through the
students' runner, python -m mnist_scratch.notebook, and are committed without outputs,
exactly as notebooks/build_notebooks.py writes them. The runner's own behaviour is
tested on tiny notebooks written into tmp_path."""

import glob
import importlib.util
import io
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from mnist_scratch import notebook

NOTEBOOK_DIR = os.path.join(ROOT, "notebooks")
NOTEBOOKS = sorted(glob.glob(os.path.join(NOTEBOOK_DIR, "[0-9][0-9]_*.ipynb")))
STEP = {os.path.basename(p): "step%d" % int(os.path.basename(p)[:2]) for p in NOTEBOOKS}

nbformat = pytest.importorskip("nbformat")

pytestmark = pytest.mark.notebooks


def test_there_are_ten_notebooks_in_course_order():
    assert [os.path.basename(p)[:3] for p in NOTEBOOKS] == ["%02d_" % i for i in range(1, 11)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_committed_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                "%s carries outputs: run `python notebooks/build_notebooks.py` to rewrite it" % path)


def test_committed_notebooks_match_the_generator():
    spec = importlib.util.spec_from_file_location("build_notebooks",
                                                  os.path.join(NOTEBOOK_DIR, "build_notebooks.py"))
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert sorted(build.NOTEBOOKS) == [os.path.basename(p)[:-6] for p in NOTEBOOKS]
    for name, cells in build.NOTEBOOKS.items():
        expected = nbformat.writes(build.build(name, cells))
        with open(os.path.join(NOTEBOOK_DIR, name + ".ipynb"), encoding="utf-8") as f:
            assert f.read().strip() == expected.strip(), (
                "%s.ipynb is stale: run `python notebooks/build_notebooks.py`" % name)


def project_files():
    """The names of every file in the folders a notebook could write into."""
    names = set()
    for folder in ("notebooks", "data", "gifs", "docs"):
        for parent, dirs, files in os.walk(os.path.join(ROOT, folder)):
            dirs[:] = [d for d in dirs if d not in ("__pycache__", ".ipynb_checkpoints")]
            names.update(os.path.join(parent, f) for f in files)
    return names


@pytest.mark.parametrize("path", [pytest.param(p, marks=getattr(pytest.mark, STEP[os.path.basename(p)]))
                                  for p in NOTEBOOKS], ids=os.path.basename)
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    """Each notebook runs in quick mode through the students' own command,
    python -m mnist_scratch.notebook, from an unrelated folder."""
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)   # the notebooks must not depend on the working directory
    before = project_files()
    out = io.StringIO()
    status = notebook.main([path, "--quick"], out=out)
    text = out.getvalue()
    assert status == 0, text
    assert "Traceback" not in text
    nb = nbformat.read(path, as_version=4)
    code_cells = sum(1 for cell in nb.cells if cell.cell_type == "code" and cell.source.strip())
    assert "%d of %d code cells ran" % (code_cells, code_cells) in text
    # The shipped your-turn cells are stubs: their checks say TODO, never crash or fail.
    counts = notebook.count_checks(text)
    assert counts["FAIL"] == 0
    if "check.check_function" in "".join(cell.source for cell in nb.cells):
        assert counts["TODO"] >= 1
        assert "TODO %d" % counts["TODO"] in text
    if os.path.basename(path).startswith("07_"):
        assert "training broke down" in text   # the eta sweep survives a diverging eta
    if os.path.basename(path).startswith("10_"):
        assert "now the network reads 7" in text   # the photo of the first test digit, preprocessed
    assert project_files() == before    # nothing was written into the project


# ------------------------------------------------------------ the runner itself

def tiny_notebook(path, sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(s[3:]) if s.startswith("md:")
                else nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, str(path))
    return path


def test_runner_prints_outputs_counts_checks_and_stops_at_an_error(tmp_path):
    """From any folder: every cell's text, the PASS/FAIL/TODO count, the traceback of
    the cell that raised, nothing after it, exit status 1; files land in that folder."""
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    path = tiny_notebook(tmp_path / "tiny.ipynb", [
        "md:# A tiny notebook\n\nSome text.",
        "print('  PASS  first check')\nprint('  TODO  second check')",
        "open('written.txt', 'w').write('x')\n6 * 7",
        "md:## Your turn",
        "print('FAIL  third check')\nraise ValueError('boom')",
        "print('never printed')",
    ])
    work = tmp_path / "elsewhere"
    work.mkdir()
    done = subprocess.run([sys.executable, "-m", "mnist_scratch.notebook", str(path)],
                          cwd=str(work), capture_output=True, text=True, timeout=300)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "# A tiny notebook" in out and "## Your turn" in out
    assert "PASS  first check" in out and "\n42\n" in out
    assert "ValueError" in out and "boom" in out and "never printed" not in out
    assert "3 of 4 code cells ran; checks: PASS 1, FAIL 1, TODO 1" in out
    assert "stopped: cell 3 raised ValueError: boom" in out
    assert "\x1b[" not in out                     # no terminal colour codes
    assert (work / "written.txt").read_text() == "x"
    assert nbformat.read(str(path), as_version=4).cells[1].outputs == []   # file untouched


def test_runner_stops_a_cell_that_runs_past_the_timeout(tmp_path):
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    path = tiny_notebook(tmp_path / "slow.ipynb", ["print('before')", "import time\ntime.sleep(600)",
                                                   "print('after')"])
    out = io.StringIO()
    assert notebook.main([str(path), "--timeout", "3"], out=out) == 1
    text = out.getvalue()
    assert "before" in text and "after" not in text
    assert "stopped: cell 2 ran longer than 3 seconds (--timeout)" in text


def test_runner_refuses_bad_notebook_arguments_in_one_line(tmp_path, capsys):
    (tmp_path / "broken.ipynb").write_text("{not json")
    (tmp_path / "other.ipynb").write_text('{"a": 1}')
    (tmp_path / "notes.txt").write_text("hello")
    cases = [("99", "there is no notebook 99; the course has 01 to 10"),
             (str(tmp_path / "missing.ipynb"), "notebook not found"),
             (str(tmp_path), "is a folder"),
             (str(tmp_path / "notes.txt"), "not a notebook"),
             (str(tmp_path / "broken.ipynb"), "broken.ipynb: not a valid notebook"),
             (str(tmp_path / "other.ipynb"), "other.ipynb: not a valid notebook")]
    for argument, words in cases:
        out = io.StringIO()
        assert notebook.main([argument], out=out) == 2, argument
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1, err
        assert out.getvalue() == ""


def test_runner_without_nbclient_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "nbclient", None)    # import nbclient now fails
    assert notebook.main(["1"], out=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs nbclient and ipykernel" in err
    assert "-m pip install nbclient ipykernel" in err and ".[notebooks]" in err


def test_runner_lists_the_notebooks_without_an_argument():
    out = io.StringIO()
    assert notebook.main([], out=out) == 0
    for path in NOTEBOOKS:
        assert os.path.basename(path) in out.getvalue()


@pytest.mark.slow
@pytest.mark.step7
def test_experiments_notebook_reports_a_diverging_eta_at_full_size(monkeypatch, tmp_path, capsys):
    """The eta sweep's largest eta breaks training at the notebook's full size too (quick
    mode shows it on 500 images), and the notebook reports that rather than crash."""
    monkeypatch.delenv("MNIST_SCRATCH_QUICK", raising=False)
    monkeypatch.chdir(tmp_path)
    nb = nbformat.read(os.path.join(NOTEBOOK_DIR, "07_experiments.ipynb"), as_version=4)
    sources = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    setup = next(source for source in sources if "def show(" in source)
    assert any("eta=[0.1, 1.0, 3.0, 100.0]" in source for source in sources)
    namespace = {}
    exec(compile(setup, "07_experiments setup cell", "exec"), namespace)
    assert namespace["QUICK"] is False and namespace["N_TRAIN"] == 10000
    sweep = namespace["sweep"]
    results = sweep.run_sweep(sweep.grid(eta=[100.0], epochs=[namespace["EPOCHS"]], **namespace["SUBSET"]),
                              str(tmp_path / "eta"))
    assert [r["status"] for r in results] == ["diverged"]
    namespace["show"](results)
    out = capsys.readouterr().out
    assert "training broke down" in out and "smaller learning rate" in out
