"""Grading a class: every .py file of a folder is one student, graded in a process of its
own. The class folders are real student files in tmp_path (the worked solution, the
empty template, a syntax error, an endless loop, a crash), graded by the real command."""

import csv
import io
import os
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import ROOT
from mnist_scratch import check
from mnist_scratch.check import grade, report
from mnist_scratch.check.loading import template_path
from mnist_scratch.visualize_checks import viz_problem
from mnist_scratch.check.step6 import NEEDS_VIZ

SOLUTIONS = os.path.join(ROOT, "tests", "exercise_solutions")
ALL_FUNCTIONS = [(step, name) for step, (_, names) in check.STEPS.items() for name in names]

LOOPING = '''"""argmax never returns; every other function comes from the module next to this file."""
import os

from correct import *  # noqa: F401,F403

# The file runs in its own folder, as a script would.
assert os.getcwd() == os.path.dirname(os.path.abspath(__file__)), os.getcwd()
print("PRINTED-BY-A-STUDENT")


def argmax(v):
    while True:
        pass
'''

SYNTAX_ERROR = "def add(u, v)\n    return [a + b for a, b in zip(u, v)]\n"


def make_class(folder):
    """The class of the acceptance test: correct, empty template, syntax error, endless argmax."""
    folder.mkdir()
    shutil.copy(os.path.join(SOLUTIONS, "correct.py"), str(folder / "correct.py"))
    shutil.copy(template_path(), str(folder / "template.py"))
    (folder / "syntax_error.py").write_text(SYNTAX_ERROR)
    (folder / "looping.py").write_text(LOOPING)
    (folder / "notes.txt").write_text("not a student")
    return folder


def read_csv(path):
    with open(str(path), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def statuses(rows):
    """{student: {function: status}}."""
    found = {}
    for row in rows:
        found.setdefault(row["student"], {})[row["function"]] = row["status"]
    return found


def test_grading_a_class_gives_the_right_table(tmp_path):
    """The whole default run (every step) as a teacher runs it; the endless argmax costs
    that function only."""
    folder = make_class(tmp_path / "class")
    out = tmp_path / "grades.csv"
    done = subprocess.run([sys.executable, "-m", "mnist_scratch.check", "grade", str(folder),
                           "--out", str(out)], cwd=str(tmp_path), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr

    rows = read_csv(out)
    assert list(rows[0]) == ["student", "step", "function", "status", "detail"]
    students = ["correct.py", "looping.py", "syntax_error.py", "template.py"]
    # One row per student and function, students sorted, functions in the steps' order.
    assert [(r["student"], int(r["step"]), r["function"]) for r in rows] == \
        [(s, step, name) for s in students for step, name in ALL_FUNCTIONS]
    found = statuses(rows)
    names = [name for _, name in ALL_FUNCTIONS]
    # Without matplotlib and Pillow (PyPy with the core only) step 6's drawing functions
    # are ERROR, saying how to install them; everything else is graded the same.
    drawing = set(NEEDS_VIZ) if viz_problem() else set()
    written = {name: "ERROR" if name in drawing else "PASS" for name in names}
    expected = {"correct.py": written,
                "looping.py": dict(written, argmax="TIMEOUT"),
                "syntax_error.py": {name: "ERROR" for name in names},
                "template.py": {name: "ERROR" if name in drawing else "TODO" for name in names}}
    for student in students:
        assert found[student] == expected[student], student
    by_key = {(r["student"], r["function"]): r["detail"] for r in rows}
    assert all("syntax error on line 1" in by_key["syntax_error.py", name] for name in names)
    assert all("pip install" in by_key["correct.py", name] for name in drawing)
    assert "still running after 10 s" in by_key["looping.py", "argmax"]
    assert "not written yet" in by_key["template.py", "add"]
    assert by_key["correct.py", "add"].endswith("checks passed")

    # The Markdown table: points = required functions passed, per step and in total; an
    # optional function passed shows as "+1" and costs nothing when left undone.
    table = (tmp_path / "grades.md").read_text(encoding="utf-8")
    optional = check.report.OPTIONAL
    assert optional == {"make_gif"}
    cells = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
             for line in table.splitlines() if line.startswith("| ") and ".py" in line}

    def points(functions, statuses, bold=False):
        required = [f for f in functions if f not in optional]
        passed = sum(statuses[f] == "PASS" for f in required)
        extra = sum(statuses[f] == "PASS" for f in functions if f in optional)
        text = "%d/%d" % (passed, len(required))
        return ("**%s**" % text if bold else text) + (" +%d" % extra if extra else "")

    for student in students:
        assert cells[student] == [points(functions, expected[student])
                                  for _, functions in check.STEPS.values()] + \
            [points(names, expected[student], bold=True)], student
    assert cells["syntax_error.py"] == cells["template.py"] or drawing
    assert "looping.py: TIMEOUT: argmax" in table
    assert "syntax_error.py: not usable: syntax_error.py has a syntax error" in table

    # What the teacher sees: a line per student, progress with the time to go, the table.
    total = len([name for name in names if name not in optional])
    if not drawing:
        assert cells["correct.py"][-1] == "**%d/%d** +1" % (total, total)
        assert "looping.py: %d/%d passed +1 (TIMEOUT: argmax)" % (total - 1, total) in done.stdout
        assert "template.py: 0/%d passed (TODO: %d functions)" % (total, total) in done.stdout
    assert "graded 4/4 students" in done.stderr and "ETA" in done.stderr
    assert "| correct.py |" in done.stdout and "Wrote %s" % out in done.stdout
    # The students' prints never reach the teacher's terminal.
    assert "PRINTED-BY-A-STUDENT" not in done.stdout + done.stderr


CRASHING_DOT = '''
import os
from correct import *  # noqa: F401,F403


def dot(u, v):
    os._exit(3)
'''


def test_grade_folder_from_python_with_only_some_steps(tmp_path):
    """A crash costs one function; a file that exits while loading is ERROR everywhere;
    a file that is not a student's (.txt, hidden) is left alone."""
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(os.path.join(SOLUTIONS, "correct.py"), str(folder / "correct.py"))
    (folder / "crash.py").write_text(CRASHING_DOT)
    (folder / "exits.py").write_text("import sys\nsys.exit(0)\n")
    (folder / ".#correct.py").write_text("an editor's lock file")
    (folder / "readme.txt").write_text("not a student")
    finished, progress = [], []
    rows = grade.grade_folder(str(folder), steps=[2], jobs=2, on_student=finished.append,
                              on_progress=lambda s, f: progress.append((s, f)))
    names = check.STEPS[2][1]
    assert [(r["student"], r["step"], r["function"]) for r in rows] == \
        [(s, 2, n) for s in ("correct.py", "crash.py", "exits.py") for n in names]
    found = statuses(rows)
    assert found["correct.py"] == {n: "PASS" for n in names}
    assert found["crash.py"] == {n: "ERROR" if n == "dot" else "PASS" for n in names}
    assert found["exits.py"] == {n: "ERROR" for n in names}
    details = {(r["student"], r["function"]): r["detail"] for r in rows}
    assert "exit status 3" in details["crash.py", "dot"]
    assert "stopped the program" in details["exits.py", "add"]
    assert sorted(rows[0]["student"] for rows in finished) == ["correct.py", "crash.py",
                                                                "exits.py"]
    assert progress[-1] == (3, 3 * len(names))
    assert all(s0 <= s1 and f0 <= f1 for (s0, f0), (s1, f1) in zip(progress, progress[1:]))


@pytest.mark.parametrize("argv, words", [
    (["{missing}"], "does not exist"),
    (["{file}"], "is not a folder"),
    (["{empty}"], "no .py files in"),
    (["{class}", "--out", "{missing}/grades.csv"], "does not exist"),
    (["{class}", "--out", "{class}/grades.txt"], "ending in .csv"),
    (["{class}", "--out", "{class}"], "ending in .csv"),
    (["{class}", "--steps", "11"], "no step 11"),
    (["{class}", "--jobs", "0"], "--jobs"),
])
def test_bad_input_is_one_line_and_exit_status_2_before_grading(tmp_path, argv, words, capsys,
                                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a default grades.csv would go, were the input taken
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.py").write_text("while True:\n    pass\n")   # would take a while
    (tmp_path / "empty").mkdir()
    (tmp_path / "file.py").write_text("")
    places = {"missing": str(tmp_path / "missing"), "file": str(tmp_path / "file.py"),
              "empty": str(tmp_path / "empty"), "class": str(folder)}
    out = io.StringIO()
    try:
        code = check.main(["grade"] + [a.format(**places) for a in argv], out=out)
    except SystemExit as e:   # argparse's own errors
        code = e.code
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "error: " in err and words in err, err
    assert out.getvalue() == ""          # nothing started
    assert list(tmp_path.rglob("*.csv")) == [] and list(tmp_path.rglob("*.md")) == []


def test_bad_folder_from_the_shell_gives_no_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mnist_scratch.check", "grade",
                           str(tmp_path / "nowhere")], cwd=str(tmp_path), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("python -m mnist_scratch.check grade: error: folder %s does not exist\n"
                           % (tmp_path / "nowhere"))


def row(student, step, function, status, detail="d"):
    return {"student": student, "step": step, "function": function, "status": status,
            "detail": detail}


def test_the_csv_and_the_table_keep_odd_names_as_text():
    steps = {1: ("one", ["f", "g"]), 2: ("two", ["h"])}
    rows = [row("=cmd|x.py", 1, "f", "PASS"), row("=cmd|x.py", 1, "g", "FAIL", "g(1), 'bad'"),
            row("=cmd|x.py", 2, "h", "TIMEOUT"),
            row("b.py", 1, "f", "ERROR", "b.py: no"), row("b.py", 1, "g", "ERROR", "b.py: no"),
            row("b.py", 2, "h", "ERROR", "b.py: no")]
    parsed = list(csv.reader(io.StringIO(report.csv_text(rows))))
    assert parsed[0] == list(report.COLUMNS)
    assert parsed[2] == ["'=cmd|x.py", "1", "g", "FAIL", "g(1), 'bad'"]   # never a formula
    table = report.markdown_summary(rows, steps)
    assert "| =cmd\\|x.py | 1/2 | 0/1 | **1/3** |" in table
    assert "| b.py | 0/2 | 0/1 | **0/3** |" in table
    assert "- =cmd\\|x.py: FAIL: g; TIMEOUT: h" in table
    assert "- b.py: not usable: b.py: no" in table
    assert report.student_summary(rows[:3]) == "1/3 passed (FAIL: g; TIMEOUT: h)"
    assert report.detail_of([{"status": "PASS", "title": "t", "expected": "", "got": "",
                              "hint": ""}]) == "1 check passed"
    assert report.detail_of([{"status": "FAIL", "title": "f(2)", "expected": "4",
                              "got": "5\nand more", "hint": ""}]) == \
        "f(2); expected: 4; got: 5 and more"


@pytest.mark.skipif(os.name != "posix", reason="process groups and SIGINT are POSIX")
def test_ctrl_c_stops_every_process_and_writes_nothing(tmp_path):
    """Interrupted while a student's code loops: exit 130, no grades, no process left behind."""
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "loops.py").write_text("def add(u, v):\n    while True:\n        pass\n")
    out = tmp_path / "grades.csv"
    process = subprocess.Popen(
        [sys.executable, "-m", "mnist_scratch.check", "grade", str(folder), "--steps", "2",
         "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,   # a process group of its own, as a terminal's Ctrl-C reaches
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stdout.readline().startswith("Grading 1 file")   # grading has begun
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130
    assert stderr.endswith("python -m mnist_scratch.check grade: interrupted\n")
    assert "Traceback" not in stderr and not out.exists()
    left = subprocess.run(["ps", "-o", "stat=", "-g", str(process.pid)], capture_output=True,
                          text=True).stdout.split()
    assert all(state.startswith("Z") for state in left), left    # only zombies, being reaped
