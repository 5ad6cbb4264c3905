"""Tests for the command line, ``python -m mnist_scratch.learn`` (step 7).

Every run happens in a subprocess whose working directory is a fresh
temporary folder, so the tool must find the shipped data without relying on
the working directory.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from mnist_scratch.network import Network
from mnist_scratch.training import History

pytestmark = pytest.mark.step7

PROG = "python -m mnist_scratch.learn"
EPOCH_LINE = re.compile(r"^Epoch (\d+)/(\d+): (\d+) / (\d+) \((\d+\.\d\d)%\)  cost (\d\.\d{4})  "
                        r"(\d+\.\d) s$")
SMALL = ["--limit", "300", "--validation-limit", "100", "--test-limit", "50"]


def environment():
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("MNIST_DATA_DIR", None)
    return env


def learn(tmp_path, *args, timeout=120):
    return subprocess.run([sys.executable, "-m", "mnist_scratch.learn", *args], cwd=str(tmp_path),
                          env=environment(), capture_output=True, text=True, timeout=timeout)


def assert_one_line_error(result, *fragments):
    """Exit code 2, no traceback, and the error as one line on stderr."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith(PROG + ": error: ")]
    assert len(errors) == 1 and errors[0] == lines[-1], result.stderr
    for fragment in fragments:
        assert fragment in errors[0]
    return lines


def test_a_short_run_prints_saves_and_writes_the_history(tmp_path):
    result = learn(tmp_path, *SMALL, "--epochs", "1", "--save", "net.json", "--history", "h.json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ("mnist_scratch: network [784, 30, 10], "
                        "300 training / 100 validation / 50 test images")
    epoch_lines = [line for line in lines if line.startswith("Epoch")]
    assert len(epoch_lines) == 1
    match = EPOCH_LINE.match(epoch_lines[0])
    assert match, epoch_lines[0]
    epoch, epochs, correct, total, percent, cost, _ = match.groups()
    assert (epoch, epochs, total) == ("1", "1", "100")
    assert float(percent) == pytest.approx(100 * int(correct) / 100, abs=0.005)
    assert int(correct) > 20  # one epoch on 300 images already beats chance (10%)
    assert any(re.match(r"^Test accuracy of that network: \d+ / 50 \(", line) for line in lines)
    assert "Saved to net.json" in lines

    net = Network.load(str(tmp_path / "net.json"))
    assert net.sizes == [784, 30, 10]
    assert net.meta["epoch"] == 1 and net.meta["seed"] == 1 and net.meta["eta"] == 3.0
    assert net.meta["validation_accuracy"] == int(correct) / 100
    history = json.loads((tmp_path / "h.json").read_text())
    assert len(history["epochs"]) == 1 and len(history["batch_cost"]) == 30
    assert history["epochs"][0]["evaluation_correct"] == int(correct)
    assert sorted(os.listdir(str(tmp_path))) == ["h.json", "net.json"]  # no temporary files


def test_quiet_single_layer_run_without_validation(tmp_path):
    result = learn(tmp_path, "--sizes", "784", "10", "--limit", "200", "--validation-limit", "0",
                   "--test-limit", "0", "--epochs", "2", "--eta", "1.0", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # --quiet: no progress lines
    epoch_lines = [line for line in result.stdout.splitlines() if line.startswith("Epoch")]
    assert len(epoch_lines) == 2
    assert re.match(r"^Epoch 2/2: training accuracy \d+\.\d\d%  cost \d\.\d{4}  \d+\.\d s$",
                    epoch_lines[1])


def test_missing_data_folder(tmp_path):
    result = learn(tmp_path, "--data-dir", "no-such-folder", "--epochs", "1")
    assert_one_line_error(result, "not found", "no-such-folder")


@pytest.mark.parametrize("sizes, problem", [(["100", "30", "10"], "784"),
                                            (["784", "30", "5"], "10"),
                                            (["784"], "two layers")])
def test_bad_sizes(tmp_path, sizes, problem):
    result = learn(tmp_path, "--sizes", *sizes)
    lines = assert_one_line_error(result, "--sizes", problem)
    assert len(lines) == 1


def test_unwritable_save_folder(tmp_path):
    result = learn(tmp_path, "--save", os.path.join("missing-folder", "net.json"))
    lines = assert_one_line_error(result, "missing-folder", "does not exist")
    assert len(lines) == 1
    assert os.listdir(str(tmp_path)) == []


def test_save_to_a_folder_is_refused(tmp_path):
    (tmp_path / "a-folder").mkdir()
    lines = assert_one_line_error(learn(tmp_path, "--save", "a-folder"), "a-folder", "folder")
    assert len(lines) == 1


@pytest.mark.parametrize("args, problem", [(["--eta", "-1"], "--eta"),
                                           (["--eta", "0"], "--eta"),
                                           (["--epochs", "-2"], "--epochs"),
                                           (["--mini-batch-size", "0"], "--mini-batch-size"),
                                           (["--sizes", "784", "abc", "10"], "--sizes")])
def test_bad_arguments(tmp_path, args, problem):
    """A bad argument is one line that names it and points to --help, not the usage block."""
    lines = assert_one_line_error(learn(tmp_path, *args), problem)
    assert len(lines) == 1
    assert lines[0].endswith("(see --help)")


def test_diverging_run_is_an_error_not_a_traceback(tmp_path):
    result = learn(tmp_path, "--limit", "100", "--validation-limit", "0", "--test-limit", "0",
                   "--epochs", "2", "--eta", "1e300", "--quiet")
    assert_one_line_error(result, "eta", "too large")


def test_ctrl_c_stops_cleanly_and_keeps_the_saved_network(tmp_path):
    """Ctrl-C after the first epoch: exit code 130, no traceback, and the best
    network so far is on disk and loads, and so is the history of the finished epochs."""
    stderr_path = tmp_path / "stderr.txt"
    with open(str(stderr_path), "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "mnist_scratch.learn", "--limit", "500", "--validation-limit",
             "100", "--test-limit", "100", "--epochs", "100", "--save", "net.json",
             "--history", "history.json.gz"],
            cwd=str(tmp_path), env=environment(), stdout=subprocess.PIPE, stderr=stderr, text=True)
        try:
            output = []
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                line = process.stdout.readline()
                if not line:
                    break
                output.append(line)
                if line.startswith("Epoch 1/100"):
                    process.send_signal(signal.SIGINT)
                    break
            assert any(line.startswith("Epoch 1/100") for line in output), "".join(output)
            rest, _ = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    output = "".join(output) + rest
    errors = stderr_path.read_text()
    assert process.returncode == 130, errors
    assert "Traceback" not in errors and "KeyboardInterrupt" not in errors
    assert "Interrupted." in output
    assert "Epoch 100/100" not in output
    net = Network.load(str(tmp_path / "net.json"))
    assert net.sizes == [784, 30, 10] and net.meta["epoch"] >= 1
    assert [name for name in os.listdir(str(tmp_path)) if name.startswith(".tmp-")] == []
    history = History.load(str(tmp_path / "history.json.gz"))
    assert 1 <= len(history.epochs) < 100
    assert history.epochs[0]["evaluation_total"] == 100
    assert len(history.batch_cost) >= 50  # the 50 mini-batches of the first epoch at least
