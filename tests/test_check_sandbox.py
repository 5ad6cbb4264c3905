"""The checker runs a student's file in a child process: nothing the file does can take
the checker down. Each case is a real student file in tmp_path, checked by the real
command line, with the function under test between correct ones."""

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from mnist_scratch import check

CORRECT = os.path.join(ROOT, "tests", "exercise_solutions", "correct.py")

GOOD_FUNCTIONS = '''
def add(u, v):
    return [a + b for a, b in zip(u, v)]


def scale(c, v):
    return [c * a for a in v]


def dot(u, v):
    return sum(a * b for a, b in zip(u, v))
'''

# The four functions checked: add, sub (the hostile one), scale, dot.
ONLY = ["--only", "add", "sub", "scale", "dot"]


def run(argv):
    out = io.StringIO()
    code = check.main(argv, out=out)
    return code, out.getvalue()


def student_file(tmp_path, sub_body, name="steps.py", top=""):
    """A student's file: correct add, scale and dot, and sub with the given body."""
    path = tmp_path / name
    body = "".join("    %s\n" % line for line in sub_body.strip().splitlines())
    path.write_text("import os\nimport sys\n%s\n%s\n\ndef sub(u, v):\n%s" % (top, GOOD_FUNCTIONS, body))
    return str(path)


def report_of(out):
    """[(status, title)] of every check in a report."""
    found = []
    for line in out.splitlines():
        parts = line.split(None, 1)
        if line.startswith("  ") and len(parts) == 2 and parts[0] in check.STATUSES:
            found.append((parts[0], parts[1]))
    return found


def assert_only_sub_went_wrong(out, status):
    """add, scale and dot all passed, around sub, whose last check ended with ``status``."""
    report = report_of(out)
    sub = [s for s, title in report if title.startswith("sub")]
    others = [(s, title) for s, title in report if not title.startswith("sub")]
    assert sub and sub[-1] == status, out
    assert [title.split("(")[0] for _, title in others] == ["add", "add", "scale", "scale",
                                                            "dot", "dot"], out
    assert all(s == "PASS" for s, _ in others), out


@pytest.mark.parametrize("sub_body, status, words", [
    ("raise BaseException('boom')", "FAIL", ["it raised BaseException: boom", "line"]),
    ("raise GeneratorExit", "FAIL", ["it raised GeneratorExit", "not errors"]),
    ("raise KeyboardInterrupt", "FAIL", ["it raised KeyboardInterrupt"]),
    ("os._exit(0)", "ERROR", ["ended the process that runs your code (exit status 0)"]),
    ("os.kill(os.getpid(), 9)", "ERROR", ["crashed the process that runs your code (signal 9)"]),
], ids=["BaseException", "GeneratorExit", "KeyboardInterrupt", "os._exit", "kill"])
def test_a_function_that_raises_or_exits_fails_alone(tmp_path, sub_body, status, words):
    if "os.kill" in sub_body and not hasattr(signal, "SIGKILL"):
        pytest.skip("no SIGKILL here")
    code, out = run(["2", student_file(tmp_path, sub_body)] + ONLY)
    assert code == 1, out
    assert_only_sub_went_wrong(out, status)
    for word in words:
        assert word in out, out
    assert "Traceback" not in out


def test_an_endless_loop_times_out_and_the_rest_is_still_checked(tmp_path):
    code, out = run(["2", student_file(tmp_path, "while True:\n    pass"), "--timeout", "1"] + ONLY)
    assert code == 1, out
    assert_only_sub_went_wrong(out, "TIMEOUT")
    assert "still running after 1 s" in out and "sub([1, 2, 3], [4, 5, 6])" in out
    assert "1 timed out" in out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory cap is Linux only")
@pytest.mark.parametrize("sub_body", ["return [0] * 10**10",
                                      "grown = []\nwhile True:\n    grown.append([0] * 1000)"],
                         ids=["one-huge-list", "a-growing-list"])
def test_a_memory_hog_is_stopped_and_the_rest_is_still_checked(tmp_path, sub_body):
    code, out = run(["2", student_file(tmp_path, sub_body), "--memory", "200"] + ONLY)
    assert code == 1, out
    assert_only_sub_went_wrong(out, "ERROR")
    assert "it used more than 200 MB of memory" in out


@pytest.mark.parametrize("encoding, prefix", [
    ("utf-8-sig", ""),  # a byte order mark, as some Windows editors write
    ("latin-1", "# -*- coding: latin-1 -*-\n"),
])
def test_a_file_with_a_bom_or_a_coding_line_loads(tmp_path, encoding, prefix):
    path = tmp_path / "steps.py"
    text = prefix + "AUTHOR = 'Ren\u00e9e'\n" + GOOD_FUNCTIONS
    path.write_bytes(text.encode(encoding))
    code, out = run(["2", str(path), "--only", "add", "dot"])
    assert code == 0, out


def test_a_file_not_named_py_loads_anyway(tmp_path):
    path = tmp_path / "my_steps.txt"
    shutil.copy(CORRECT, str(path))
    code, out = run(["2", str(path)])
    assert code == 0, out
    assert "All 13 checks passed." in out


@pytest.mark.parametrize("top, words", [
    ("os._exit(0)", ["importing", "ended the process"]),
    ("while True:\n    pass", ["importing", "took longer than 1 s", "__main__"]),
    ("AUTHOR = b'Ren\\xe9e'.decode('utf-8')", ["importing", "failed on line", "UnicodeDecodeError"]),
], ids=["exit", "endless-loop", "exception"])
def test_a_file_that_cannot_load_is_one_line(tmp_path, capsys, top, words):
    code, out = run(["2", student_file(tmp_path, "return u", top=top), "--timeout", "1"])
    err = capsys.readouterr().err
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("python -m mnist_scratch.check: error: ")
    for word in words:
        assert word in err, err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory cap is Linux only")
def test_a_file_that_uses_too_much_memory_while_loading_is_one_line(tmp_path, capsys):
    code, _ = run(["2", student_file(tmp_path, "return u", top="BIG = [0] * 10**10"),
                   "--memory", "200"])
    err = capsys.readouterr().err
    assert code == 2 and "used more than 200 MB of memory" in err


def test_a_file_in_another_encoding_without_a_coding_line_is_one_line(tmp_path, capsys):
    path = tmp_path / "steps.py"
    path.write_bytes("AUTHOR = 'Ren\u00e9e'\n".encode("latin-1"))
    code, _ = run(["2", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "not a UTF-8 text file" in err and "coding: latin-1" in err


@pytest.mark.parametrize("target, words", [("/dev/zero", ["not a regular file"]),
                                           (".", ["is a folder"])])
def test_what_is_not_a_file_is_refused_before_anything_runs(target, words, capsys):
    if not os.path.exists(target):
        pytest.skip("%s does not exist here" % target)
    code, _ = run(["2", target])
    err = capsys.readouterr().err
    assert code == 2 and all(word in err for word in words), err


def test_check_file_gives_plain_data_for_grading(tmp_path):
    path = student_file(tmp_path, "while True:\n    pass")
    report = check.check_file(path, functions=["add", "sub", "dot"], time_limit=1)
    assert json.loads(json.dumps(report)) == report
    assert report["file"] == path and report["error"] is None
    assert [(f["name"], f["status"]) for f in report["functions"]] == [
        ("add", "PASS"), ("sub", "TIMEOUT"), ("dot", "PASS")]
    outcome = report["functions"][1]["outcomes"][-1]
    assert set(outcome) == {"status", "title", "expected", "got", "hint"}

    missing = check.check_file(str(tmp_path / "nothing.py"), step=2)
    assert missing["functions"] == [] and "cannot find the file" in missing["error"]
    with pytest.raises(ValueError):
        check.check_file(path, step=2, functions=["add"])


def test_a_sandbox_serves_one_function_after_another(tmp_path):
    path = student_file(tmp_path, "os._exit(3)")
    with check.Sandbox(path) as box:
        assert [o["status"] for o in box.run("add")] == ["PASS", "PASS"]
        outcomes = list(box.run("sub"))
        assert outcomes[-1]["status"] == "ERROR" and "exit status 3" in outcomes[-1]["got"]
        # A fresh child loads the file again for what is left.
        assert [o["status"] for o in box.run("dot")] == ["PASS", "PASS"]


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or sys.platform.startswith("win"),
                    reason="sends SIGINT to a process")
def test_ctrl_c_stops_the_checker_and_its_child_with_status_130(tmp_path):
    started = tmp_path / "started"
    path = student_file(tmp_path, "open(%r, 'w').close()\nwhile True:\n    pass" % str(started))
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    process = subprocess.Popen([sys.executable, "-m", "mnist_scratch.check", "2", path,
                                "--only", "sub"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, cwd=str(tmp_path),
                               # a clean slate: SIGINT as a terminal would deliver it
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for _ in range(600):  # the child is inside the student's loop
            if started.exists():
                break
            time.sleep(0.05)
        assert started.exists()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in out + err


PYPY = shutil.which("pypy3")


@pytest.mark.skipif(PYPY is None, reason="needs pypy3")
def test_the_sandbox_works_under_pypy(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("PYTHONHOME", None)
    correct = subprocess.run([PYPY, "-m", "mnist_scratch.check", "2", CORRECT], env=env,
                             cwd=str(tmp_path), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, timeout=300)
    assert correct.returncode == 0, correct.stdout + correct.stderr
    assert "All 13 checks passed." in correct.stdout
    path = student_file(tmp_path, "grown = []\nwhile True:\n    grown.append([0] * 1000)")
    argv = [PYPY, "-m", "mnist_scratch.check", "2", path, "--memory", "200"] + ONLY
    hog = subprocess.run(argv, env=env, cwd=str(tmp_path), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, timeout=300)
    assert hog.returncode == 1, hog.stdout + hog.stderr
    assert_only_sub_went_wrong(hog.stdout, "ERROR")
    if sys.platform.startswith("linux"):
        assert "it used more than 200 MB of memory" in hog.stdout
