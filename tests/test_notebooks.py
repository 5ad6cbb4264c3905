"""The course notebooks run top to bottom (quick mode, small subsets) through the
students' runner, python -m mnist_scratch.notebook: as shipped, with every Your-turn cell
a stub, and filled in with the worked solution (tests/exercise_solutions/correct.py), when
every check must pass and every later cell must use the student's functions. They are
committed without outputs, exactly as notebooks/build_notebooks.py writes them. The
runner's own behaviour is tested on tiny notebooks written into tmp_path."""

import glob
import io
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from mnist_scratch import notebook
from mnist_scratch.check import CHECKS

NOTEBOOK_DIR = os.path.join(ROOT, "notebooks")
NOTEBOOKS = sorted(glob.glob(os.path.join(NOTEBOOK_DIR, "[0-9][0-9]_*.ipynb")))
STEP = {os.path.basename(p): "step%d" % int(os.path.basename(p)[:2]) for p in NOTEBOOKS}
EXPERIMENTS = os.path.join(NOTEBOOK_DIR, "07_experiments.ipynb")   # tested on its own, below
SOLUTION = os.path.join(ROOT, "tests", "exercise_solutions", "correct.py")
STUB_DEF = re.compile(r"^def (\w+)\(", re.MULTILINE)
PASTE_HERE = "# ---- paste yours under this line ----"   # as in notebooks/course_common.py
STAND_IN = "stands in for it here"       # what a cell prints when the library stands in
STAND_INS = "The library stands in for your"   # notebook 06's pasted functions

nbformat = pytest.importorskip("nbformat")

pytestmark = pytest.mark.notebooks


def by_step(paths):
    return [pytest.param(p, marks=getattr(pytest.mark, STEP[os.path.basename(p)])) for p in paths]


def code_sources(path):
    return [cell.source for cell in nbformat.read(path, as_version=4).cells
            if cell.cell_type == "code" and cell.source.strip()]


def is_stub(source):
    """A Your-turn cell as shipped: a def line, comments, and raise NotImplementedError."""
    lines = [line.strip() for line in source.strip().splitlines()]
    return (bool(lines) and STUB_DEF.match(lines[0]) is not None
            and lines[-1] == "raise NotImplementedError"
            and all(line.startswith("#") for line in lines[1:-1]))


def test_there_are_ten_notebooks_in_course_order():
    assert [os.path.basename(p)[:3] for p in NOTEBOOKS] == ["%02d_" % i for i in range(1, 11)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_committed_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                "%s carries outputs: run `python notebooks/build_notebooks.py` to rewrite it" % path)


def test_committed_notebooks_match_the_generator(tmp_path):
    """The one command, run from another folder, writes exactly the committed notebooks."""
    done = subprocess.run([sys.executable, os.path.join(NOTEBOOK_DIR, "build_notebooks.py"),
                           "--out", str(tmp_path)], cwd=str(tmp_path), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    written = sorted(os.listdir(str(tmp_path)))
    assert written == [os.path.basename(p) for p in NOTEBOOKS]
    for name in written:
        with open(os.path.join(NOTEBOOK_DIR, name), encoding="utf-8") as f:
            committed = f.read()
        assert (tmp_path / name).read_text(encoding="utf-8") == committed, (
            "%s is stale: run `python notebooks/build_notebooks.py`" % name)


def test_the_notebook_builder_is_split_into_short_modules():
    for path in glob.glob(os.path.join(NOTEBOOK_DIR, "*.py")):
        with open(path, encoding="utf-8") as f:
            lines = f.read().count("\n")
        assert lines <= 500, "%s has %d lines; split it (one module, one idea)" % (path, lines)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=os.path.basename)
def test_your_turn_cells_are_stubs_of_checked_functions(path):
    """Every function a notebook asks for has a stub that gives nothing away and a check
    cell right after it that records its result; a notebook asks for each function once."""
    sources = code_sources(path)
    asked = []
    for k, source in enumerate(sources):
        if "raise NotImplementedError" in source:
            assert is_stub(source), "a Your-turn cell holds more than its stub:\n" + source
            (name,) = STUB_DEF.findall(source)
            assert name in CHECKS, "%s: the checker has no function %r" % (path, name)
            checks = [s for s in sources[k + 1:k + 3] if 'check.check_function("%s"' % name in s]
            assert checks and 'passed["%s"] = ' % name in checks[0], (
                "%s: no check cell right after the stub of %s" % (path, name))
            asked.append(name)
    assert len(asked) == len(set(asked))
    if "check.check_function" in "".join(sources):
        assert asked


def project_files():
    """The names of every file in the folders a notebook could write into."""
    names = set()
    for folder in ("notebooks", "data", "gifs", "docs"):
        for parent, dirs, files in os.walk(os.path.join(ROOT, folder)):
            dirs[:] = [d for d in dirs if d not in ("__pycache__", ".ipynb_checkpoints")]
            names.update(os.path.join(parent, f) for f in files)
    return names


def run_quick(path, tmp_path, monkeypatch):
    """Run the notebook at ``path`` in quick mode from tmp_path, through the students' own
    command; return its exit status and text. Nothing may be written into the project."""
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)   # the notebooks must not depend on the working directory
    before = project_files()
    out = io.StringIO()
    status = notebook.main([str(path), "--quick"], out=out)
    assert project_files() == before    # nothing was written into the project
    return status, out.getvalue()


def assert_every_cell_ran(path, text):
    assert "Traceback" not in text
    count = len(code_sources(path))
    assert "%d of %d code cells ran" % (count, count) in text, text


def assert_ran_through(path, status, text):
    assert status == 0, text
    assert_every_cell_ran(path, text)


def cell_output(text, first_line):
    """What the runner printed for the code cell whose first code line starts with first_line."""
    for chunk in text.split("\n-- cell ")[1:]:
        if chunk.split(": ", 1)[1].startswith(first_line):
            return chunk
    raise AssertionError("no cell starting with %r ran" % first_line)


def filled(path, folder, guess="epochs"):
    """A copy of the notebook in ``folder`` with every stub and stand-in replaced by the
    worked solution (copied there as solutions.py) and the questions answered."""
    shutil.copy(SOLUTION, os.path.join(str(folder), "solutions.py"))
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        source = cell.source
        if cell.cell_type != "code":
            continue
        if is_stub(source):
            cell.source = "from solutions import %s" % STUB_DEF.findall(source)[0]
        elif PASTE_HERE in source:
            names = re.search(r"^(\w+(?:, \w+)*) = \(?library_", source, re.MULTILINE).group(1)
            cell.source = source.replace(PASTE_HERE, PASTE_HERE + "\nfrom solutions import " + names)
        elif source.startswith("pair = None"):
            cell.source = ("pair = max(((i, j) for i in range(10) for j in range(10) if i != j),\n"
                           "           key=lambda p: matrix[p[0]][p[1]])")
        elif source.startswith("my_guess = None"):
            cell.source = "my_guess = %r" % guess
    copy = os.path.join(str(folder), os.path.basename(path))
    nbformat.write(nb, copy)
    return copy


@pytest.mark.parametrize("path", by_step(p for p in NOTEBOOKS if p != EXPERIMENTS),
                         ids=os.path.basename)
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    """Each notebook as shipped runs in quick mode, from an unrelated folder: every check
    says TODO, never FAIL, and the cells after a stub fall back on the library, saying so."""
    status, text = run_quick(path, tmp_path, monkeypatch)
    assert_ran_through(path, status, text)
    counts = notebook.count_checks(text)
    assert counts["FAIL"] == 0 and counts["PASS"] == 0
    stubs = [s for s in code_sources(path) if is_stub(s)]
    if stubs:
        assert counts["TODO"] >= len(stubs)
        assert "TODO %d" % counts["TODO"] in text
    if re.search(r"(?<!def )yours_or_library\(", "".join(code_sources(path))):
        assert STAND_IN in text   # a later cell used the library in place of a stub
    if os.path.basename(path).startswith("10_"):
        assert "now the network reads 7" in text   # the photo of the first test digit, preprocessed


@pytest.mark.parametrize("path", by_step(p for p in NOTEBOOKS if p != EXPERIMENTS),
                         ids=os.path.basename)
def test_notebook_filled_in_passes_and_uses_the_students_functions(path, tmp_path, monkeypatch):
    """With the worked solution in every Your-turn cell, every check passes, nothing is
    left TODO, and no cell needs the library to stand in for the student."""
    status, text = run_quick(filled(path, tmp_path), tmp_path, monkeypatch)
    assert_ran_through(path, status, text)
    counts = notebook.count_checks(text)
    assert counts["FAIL"] == 0 and counts["TODO"] == 0, text
    assert counts["PASS"] >= sum(is_stub(s) for s in code_sources(path))
    assert STAND_IN not in text and STAND_INS not in text and "has not passed" not in text
    if os.path.basename(path).startswith("06_"):
        assert "PASS: " in text                    # the confusion-matrix question
        for name in ("guesses.png", "weights.png", "history.png", "learning.gif"):
            assert (tmp_path / "pictures" / name).stat().st_size > 1000   # the student's files
    if os.path.basename(path).startswith("10_"):
        assert "now the network reads 7" in text   # with the student's crop and centre


def test_a_matvec_that_calls_the_library_fails_in_its_notebook(tmp_path, monkeypatch):
    """Notebook 02's check does not accept the library's answer as the student's."""
    path = os.path.join(NOTEBOOK_DIR, "02_vectors_and_matrices.ipynb")
    nb = nbformat.read(path, as_version=4)
    stub = next(cell for cell in nb.cells if cell.source.startswith("def matvec("))
    stub.source = "def matvec(m, v):\n    return linalg.matvec(m, v)"
    copy = tmp_path / "02_calls_the_library.ipynb"
    nbformat.write(nb, str(copy))
    status, text = run_quick(copy, tmp_path, monkeypatch)
    assert status == 1
    assert_every_cell_ran(path, text)   # a FAIL stops nothing: the library stands in
    assert "FAIL  matvec" in cell_output(text, 'passed["matvec"]')
    assert "it calls the library's mnist_scratch.linalg.matvec" in text
    assert "Your matvec has not passed its check yet" in cell_output(text, "w = [[0.2, -0.5")


@pytest.mark.step6
def test_a_wrong_function_pasted_into_notebook_06_is_checked_and_not_used(tmp_path, monkeypatch):
    """A pasted update_mini_batch that FAILs its check is replaced by the library's, so the
    network still trains and every cell runs."""
    path = os.path.join(NOTEBOOK_DIR, "06_watching_it_learn.ipynb")
    nb = nbformat.read(path, as_version=4)
    cell = next(cell for cell in nb.cells if PASTE_HERE in cell.source)
    cell.source = cell.source.replace(PASTE_HERE, PASTE_HERE + (
        "\ndef update_mini_batch(weights, biases, mini_batch, eta):"
        "\n    return weights[0], biases   # one list of matrices too few\n"))
    copy = tmp_path / "06_wrong_paste.ipynb"
    nbformat.write(nb, str(copy))
    status, text = run_quick(copy, tmp_path, monkeypatch)
    assert status == 1
    assert_every_cell_ran(path, text)
    pasted = cell_output(text, "def library_evaluate(")
    assert "FAIL  update_mini_batch" in pasted
    assert STAND_INS + " evaluate, create_batches, update_mini_batch:" in pasted
    assert "epoch 1: cost" in cell_output(text, "weights = [[[0.0] * 784")


@pytest.mark.step7
def test_experiments_notebook_keeps_its_runs_and_its_answer(tmp_path, monkeypatch):
    """Notebook 07 as shipped prints no answer while my_guess is None, and survives the
    diverging eta; run again, filled in, in the same folder, it trains nothing it trained
    before (the sweeps resume from their saved runs) and then answers."""
    status, text = run_quick(EXPERIMENTS, tmp_path, monkeypatch)
    assert_ran_through(EXPERIMENTS, status, text)
    counts = notebook.count_checks(text)
    assert counts["FAIL"] == 0 and counts["PASS"] == 0 and counts["TODO"] >= 3
    assert "training broke down" in text   # the eta sweep survives a diverging eta
    guess = cell_output(text, "runs = sweep.run_sweep(")
    assert 'TODO: set my_guess first' in guess
    for answer in ("points", "PASS", "Not this time", "helped", "%"):
        assert answer not in guess, guess
    assert "(6 trained now, 0 saved earlier)" in guess
    runs = sorted(glob.glob(str(tmp_path / "sweeps" / "*" / "runs" / "*.json")))
    assert len(runs) == 4 + 4 + 9 + 6
    saved = {run: (os.stat(run).st_mtime_ns, open(run).read()) for run in runs}

    status, text = run_quick(filled(EXPERIMENTS, tmp_path, guess="hidden"), tmp_path, monkeypatch)
    assert_ran_through(EXPERIMENTS, status, text)
    counts = notebook.count_checks(text)
    assert counts["FAIL"] == 0 and counts["TODO"] == 0 and counts["PASS"] >= 2
    assert text.count(" trained now, ") == text.count("(0 trained now, ") == 4
    for total in (4, 9, 6):
        assert "(0 trained now, %d saved earlier)" % total in text
    assert {run: (os.stat(run).st_mtime_ns, open(run).read()) for run in runs} == saved
    guess = cell_output(text, "runs = sweep.run_sweep(")
    assert "a second epoch" in guess and "points" in guess
    assert "PASS" in guess or "Not this time: epochs helped more here" in guess
    saving = cell_output(text, "def library_save_network(")
    assert saving.count("the same weights and biases: True") == 2 and "False" not in saving
    assert STAND_IN not in text


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
