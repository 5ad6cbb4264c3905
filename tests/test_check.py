"""The exercise checker: a correct solution passes every step; typical mistakes are caught
with a message that says what went wrong; the command line lists the real steps.

The hostile cases (endless loops, exits, memory hogs, odd files) are in
test_check_sandbox.py.
"""

import ast
import gzip
import io
import os
import shutil
import subprocess
import sys

import pytest

from conftest import DATA_DIR, TEST_IMAGES, TEST_LABELS, VIZ_MISSING
from mnist_scratch import check
from mnist_scratch.visualize_checks import viz_problem
from mnist_scratch.check.step6 import NEEDS_VIZ

STEP_MARKS = {step: getattr(pytest.mark, "step%d" % step) for step in check.STEPS}
SOLUTIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exercise_solutions")
ALL_FUNCTIONS = [name for _, names in check.STEPS.values() for name in names]


def run(argv):
    out = io.StringIO()
    code = check.main(argv, out=out)
    return code, out.getvalue()


def solution(name):
    return os.path.join(SOLUTIONS, name + ".py")


def statuses_by_function(out):
    """{function name: [statuses]} from a report: the name is the start of each title."""
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in check.STATUSES and line.startswith("  "):
            name = parts[1].split("(")[0].rstrip(":")
            found.setdefault(name, []).append(parts[0])
    return found


def assert_mistake_caught(step, mistake, function, words):
    """Checking step ``step`` of the mistake file fails ``function`` only, once, with
    every one of ``words`` in the report (the hint), and no traceback."""
    code, out = run([str(step), solution(mistake)])
    assert code == 1, out
    for word in words:
        assert word in out, "%r missing from:\n%s" % (word, out)
    assert "Traceback" not in out
    found = statuses_by_function(out)
    assert set(found) == set(check.STEPS[step][1]), out
    for name, statuses in found.items():
        if name == function:
            assert statuses[-1] == "FAIL" and statuses.count("FAIL") == 1, out
        else:
            assert set(statuses) == {"PASS"}, "%s did not pass:\n%s" % (name, out)


@pytest.mark.parametrize("step", [pytest.param(step, marks=STEP_MARKS[step])
                                  for step in check.STEPS])
def test_correct_solution_passes_every_check(step):
    if step == 6 and viz_problem():
        pytest.skip(VIZ_MISSING)
    code, out = run([str(step), solution("correct")])
    assert code == 0, out
    assert set(statuses_by_function(out)) == set(check.STEPS[step][1])
    for status in ("FAIL", "TODO", "TIMEOUT", "ERROR", "NOT CHECKED"):
        assert status not in out
    assert "All " in out and "checks passed" in out


MISTAKES = [
    pytest.param("wrong_magic", 1, "read_labels",
                 ["FAIL", "read_labels(t10k-labels-idx1-ubyte.gz)", "bad magic number 2049",
                  "t10k-labels-idx1-ubyte.gz is a good file: a label file",
                  "2049 (0x00000801) for labels"],
                 marks=pytest.mark.step1),
    pytest.param("transposed", 2, "matvec", ["FAIL", "expected: [3, 7]", "got:      [4, 6]", "transpose"],
                 marks=pytest.mark.step2),
    pytest.param("update_sign_error", 3, "update", ["FAIL", "went UP", "against the gradient"],
                 marks=pytest.mark.step3),
    pytest.param("sign_error", 4, "backprop", ["FAIL", "wrong sign", "a - y, not y - a"],
                 marks=pytest.mark.step4),
    pytest.param("off_by_one_batches", 5, "create_batches",
                 ["FAIL", "sizes [5, 5, 5, 5, 3]", "3 of the 23 examples are missing"],
                 marks=pytest.mark.step5),
]


@pytest.mark.parametrize("mistake, step, function, words", MISTAKES)
def test_typical_mistake_is_caught_with_a_helpful_message(mistake, step, function, words):
    code, out = run([str(step), solution(mistake), "--only", function])
    assert code == 1, out
    for word in words:
        assert word in out, "%r missing from:\n%s" % (word, out)
    assert "Traceback" not in out


@pytest.mark.parametrize("mistake, step, function, words", MISTAKES)
def test_a_mistake_fails_only_its_own_function(mistake, step, function, words):
    """Each mistake file is the correct solution with one function changed: the quick
    steps' functions (1, 2 and 4) pass, and only the mistake's own function fails."""
    others = [name for s in (1, 2, 4) for name in check.STEPS[s][1]]
    others += [function] if function not in others else []
    code, out = run(["all", solution(mistake), "--only"] + others)
    assert code == 1, out
    found = statuses_by_function(out)
    assert set(found) == set(others), out
    for name, statuses in found.items():
        if name == function:
            assert statuses[-1] == "FAIL", out
        else:
            assert set(statuses) == {"PASS"}, "%s did not pass:\n%s" % (name, out)


@pytest.mark.step1
def test_template_stubs_are_reported_as_not_written(tmp_path):
    target = str(tmp_path / "my_steps.py")
    code, out = run(["--template", target])
    assert code == 0 and os.path.isfile(target)
    code, out = run(["all", target])
    assert code == 1
    assert "PASS" not in out and "FAIL" not in out
    # Without matplotlib and Pillow, step 6's drawing functions are not checked at all.
    drawing = NEEDS_VIZ if viz_problem() else ()
    assert out.count("TODO") == len(ALL_FUNCTIONS) - len(drawing)
    if drawing:
        assert "NOT CHECKED  %s: step 6 draws with matplotlib" % ", ".join(drawing) in out
    # The template never overwrites a student's file.
    code, _ = run(["--template", target])
    assert code == 2


@pytest.mark.step1
def test_template_holds_no_solutions():
    with open(check.template_path(), encoding="utf-8") as f:
        source = f.read()
    module = check.load_student_file(check.template_path())
    for name in ALL_FUNCTIONS:
        with pytest.raises(NotImplementedError):
            getattr(module, name)(*([None] * getattr(module, name).__code__.co_argcount))
    # Every function body is a docstring and a raise, nothing else.
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            body = node.body
            assert isinstance(body[0], ast.Expr) and isinstance(body[-1], ast.Raise), node.name
            assert len(body) == 2, "%s has code besides its docstring and raise" % node.name


@pytest.mark.step4
def test_template_and_hints_number_the_layers_as_the_book_does():
    """Layer 1 is the input, so weights[i] is w^(i+2); the template and the hints say so."""
    with open(check.template_path(), encoding="utf-8") as f:
        source = f.read()
    assert "weights[i] is the book's w^(i+2)" in source
    assert "matrix of layer i+1" not in source and "vector of layer i+1" not in source

    own = check.load_student_file(solution("correct")).backprop  # a student's own backprop

    def backprop_transposed(weights, biases, x, y):
        nabla_b, nabla_w = own(weights, biases, x, y)
        return nabla_b, [[list(col) for col in zip(*m)] for m in nabla_w]
    outcome = check.run_checks("backprop", backprop_transposed)[-1]
    assert outcome.status == "FAIL"
    assert "transposed" in outcome.hint and "delta^(i+2)[j] * a^(i+1)[k]" in outcome.hint


@pytest.mark.step1
@pytest.mark.parametrize("content, expected_code, words", [
    (None, 2, ["cannot find the file", "--template"]),
    # (Python 3.9 blames line 2 of an unclosed bracket, 3.10 and later line 1.)
    ("def add(u, v:\n    pass\n", 2, ["syntax error on line"]),
    ("x = 1\nx = = 2\n", 2, ["syntax error on line 2"]),
    ("import no_such_module_here\n", 2, ["importing", "failed on line 1", "ModuleNotFoundError"]),
    ("x = 1\n", 1, ["FAIL", "no function named add"]),
])
def test_unusable_files_give_a_clear_message(tmp_path, capsys, content, expected_code, words):
    path = tmp_path / "steps.py"
    if content is not None:
        path.write_text(content)
    code, out = run(["2", str(path)])
    assert code == expected_code
    # A file that cannot be used at all is an error (stderr, status 2); a missing
    # function is a failed check like any other (stdout, status 1).
    text = out if code == 1 else capsys.readouterr().err
    for word in words:
        assert word in text, text
    assert "Traceback" not in out + text


@pytest.mark.step1
def test_a_file_that_exits_while_importing_is_reported(tmp_path, capsys):
    path = tmp_path / "steps.py"
    path.write_text("import sys\nprint('testing my code')\nsys.exit(0)\n")
    code, _ = run(["2", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "stopped the program" in err and 'if __name__ == "__main__":' in err


@pytest.mark.step1
def test_exiting_on_a_bad_magic_number_is_a_failure_not_the_end(tmp_path):
    """A student who writes sys.exit() where the check expects an exception must see a
    FAIL and the summary, and the exit status must not claim success."""
    path = tmp_path / "steps.py"
    path.write_text(
        "import gzip, struct, sys\n"
        "def read_labels(path):\n"
        "    with gzip.open(path, 'rb') as f:\n"
        "        raw = f.read()\n"
        "    if struct.unpack('>I', raw[:4])[0] != 2049:\n"
        "        print('bad magic number')\n"
        "        sys.exit(0)\n"
        "    return list(raw[8:])\n")
    code, out = run(["1", str(path), "--only", "read_labels"])
    assert code == 1
    assert "FAIL" in out and "it called exit()" in out and "raise ValueError" in out
    assert "Step 1: 2 passed, 1 failed" in out


@pytest.mark.step1
def test_the_checks_give_gzipped_files_even_when_the_data_is_not(tmp_path, monkeypatch):
    """The template says gzip.open; a data folder of uncompressed MNIST files must not
    turn a right answer into a failure."""
    for name in (TEST_IMAGES, TEST_LABELS):
        with gzip.open(os.path.join(DATA_DIR, name), "rb") as source, \
                open(tmp_path / name[:-3], "wb") as target:
            shutil.copyfileobj(source, target)
    monkeypatch.setenv("MNIST_DATA_DIR", str(tmp_path))
    code, out = run(["1", solution("correct")])
    assert code == 0, out


@pytest.mark.step1
def test_missing_data_is_the_checkers_error_not_the_students(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_DATA_DIR", str(tmp_path))
    code, out = run(["1", solution("correct"), "--only", "read_labels"])
    assert code == 1
    assert "ERROR" in out and "the checker could not get it" in out and "not found" in out


@pytest.mark.step2
def test_a_numpy_like_answer_is_told_to_return_plain_lists():
    class Vector:  # stands in for a numpy array: right values, wrong type
        def __init__(self, values):
            self.values = values

        def __eq__(self, other):
            return False

        def __repr__(self):
            return "array(%r)" % (self.values,)
    outcomes = check.run_checks("add", lambda u, v: Vector([a + b for a, b in zip(u, v)]))
    assert outcomes[-1].status == "FAIL"
    assert "plain Python values" in outcomes[-1].hint and "array(" in outcomes[-1].got


@pytest.mark.step2
def test_a_function_that_calls_exit_fails_its_check():
    def add(u, v):
        raise SystemExit("done")
    outcomes = check.run_checks("add", add)
    assert outcomes[-1].status == "FAIL" and "SystemExit" in outcomes[-1].got


class ArrayLike:
    """Compares like a numpy array: == gives something whose truth value is an error."""

    def __eq__(self, other):
        class Ambiguous:
            def __bool__(self):
                raise ValueError("the truth value of an array with more than one element "
                                 "is ambiguous")
        return Ambiguous()


@pytest.mark.step2
@pytest.mark.parametrize("name", ["dot", "transpose", "argmax"])
def test_a_result_that_cannot_be_compared_fails_its_check(name):
    outcomes = check.run_checks(name, lambda *args: ArrayLike())
    assert outcomes[-1].status == "FAIL"
    assert "ArrayLike" in outcomes[-1].got


@pytest.mark.step2
def test_a_check_that_cannot_read_the_result_says_so(monkeypatch):
    def reads_the_result(checker, f):
        result = checker.call(f, [1.0, 2.0])
        yield "first check: %d" % result["a key"]
    monkeypatch.setitem(check.CHECKS, "argmax", reads_the_result)
    outcomes = check.run_checks("argmax", lambda v: 1)
    assert outcomes[-1].status == "FAIL"
    assert "TypeError" in outcomes[-1].got and "plain Python values" in outcomes[-1].hint


@pytest.mark.step5
def test_batches_of_positions_instead_of_examples_are_caught():
    def create_batches(data, m, rng):
        order = list(range(len(data)))
        rng.shuffle(order)
        return [order[k:k + m] for k in range(0, len(order), m)]
    outcomes = check.run_checks("create_batches", create_batches)
    assert outcomes[-1].status == "FAIL"
    assert "not their positions" in outcomes[-1].hint

    def create_batches_without_labels(data, m, rng):
        shuffled = list(data)
        rng.shuffle(shuffled)
        return [[x for x, _ in shuffled[k:k + m]] for k in range(0, len(shuffled), m)]
    outcomes = check.run_checks("create_batches", create_batches_without_labels)
    assert outcomes[-1].status == "FAIL"
    assert "Keep each example whole" in outcomes[-1].hint


@pytest.mark.step1
def test_template_into_a_missing_folder_is_one_line(tmp_path, capsys):
    target = tmp_path / "no" / "such" / "folder" / "my_steps.py"
    code, _ = run(["--template", str(target)])
    err = capsys.readouterr().err
    assert code == 2 and not target.exists()
    assert err.count("\n") == 1 and "does not exist" in err and "Traceback" not in err


@pytest.mark.step2
def test_a_single_passing_check_is_not_counted_in_the_plural(tmp_path):
    path = tmp_path / "steps.py"
    path.write_text("def sub(u, v):\n    return [a - b for a, b in zip(u, v)]\n")
    code, out = run(["2", str(path), "--only", "sub"])
    assert code == 0 and out.count("PASS") == 1
    assert out.rstrip().endswith("The check passed.")


@pytest.mark.step2
def test_check_function_for_notebooks(capsys):
    assert check.check_function("argmax", lambda v: v.index(max(v))) is True
    assert check.check_function("argmax", max) is False
    out = capsys.readouterr().out
    assert "argmax([6, 2, 7, 10, 5])" in out and "expected: 3" in out and "got:      10" in out


@pytest.mark.step2
def test_check_step_in_process_takes_a_dict_of_functions():
    out = io.StringIO()
    outcomes = check.check_step(2, {"add": lambda u, v: [a + b for a, b in zip(u, v)]},
                                only=["add", "sub"], out=out)
    assert [o.status for o in outcomes] == ["PASS", "PASS", "FAIL"]
    assert "no function named sub" in out.getvalue()
    assert "Step 2: 2 passed, 1 failed, 0 not written yet." in out.getvalue()


@pytest.mark.step2
def test_a_crash_in_the_students_code_is_reported_not_raised():
    def dot(u, v):
        return u[0] * v[10]
    outcomes = check.run_checks("dot", dot)
    assert outcomes[-1].status == "FAIL"
    assert "IndexError" in outcomes[-1].got


@pytest.mark.step7
def test_list_and_bad_arguments(capsys):
    code, out = run(["--list"])
    assert code == 0 and "5  the multilayer network" in out and "create_batches" in out
    assert run(["11", solution("correct")])[0] == 2
    assert run(["2", solution("correct"), "--only", "backprop"])[0] == 2
    assert run(["all", solution("correct"), "--only", "no_such_function"])[0] == 2
    with pytest.raises(SystemExit) as exit_info:
        run(["2", solution("correct"), "--timeout", "0"])
    assert exit_info.value.code == 2
    # A step that does not exist: a clear refusal, not an empty section.
    capsys.readouterr()
    assert run(["0", solution("correct")])[0] == 2
    err = capsys.readouterr().err
    assert "step must be" in err and "or 'all', got '0'" in err


@pytest.mark.step7
def test_help_lists_the_real_steps_and_their_functions(capsys):
    with pytest.raises(SystemExit) as exit_info:
        check.main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "or 'all'" in text
    for step, (title, names) in check.STEPS.items():
        assert "%2d  %s" % (step, title) in text
        assert all(name in text for name in names)
    assert "--timeout" in text and "--memory" in text


@pytest.mark.step7
def test_all_runs_the_steps_with_functions_and_nothing_else(tmp_path):
    path = tmp_path / "steps.py"
    path.write_text("def add(u, v):\n    return [a + b for a, b in zip(u, v)]\n")
    code, out = run(["all", str(path), "--only", "read_labels", "add", "backprop"])
    assert code == 1
    headers = [line for line in out.splitlines() if line.startswith("Step ") and ":" in line
               and "passed" not in line]
    assert headers == ["Step 1: " + check.STEPS[1][0], "Step 2: " + check.STEPS[2][0],
                       "Step 4: " + check.STEPS[4][0]]
    code, out = run(["all", str(path)])
    assert [line.split(":")[0] for line in out.splitlines() if "not written yet." in line] == [
        "Step %d" % step for step in check.STEPS]
    assert "no functions to check" not in out


@pytest.mark.parametrize("module", ["mnist_scratch.visualize_checks", "mnist_scratch.check.step6",
                                    "mnist_scratch.check.report"])
def test_each_checker_module_imports_first_in_a_fresh_python(module):
    """The checker's package imports visualize_checks while it starts up, and
    visualize_checks imports the checker's Failed: either may be the first import."""
    done = subprocess.run([sys.executable, "-c", "import %s" % module], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
