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

from conftest import ROOT, TRAIN_IMAGES, gzip_bomb, idx_header, make_mnist_folder
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


def learn(tmp_path, *args, timeout=120, env=None, preexec_fn=None):
    return subprocess.run([sys.executable, "-m", "mnist_scratch.learn", *args], cwd=str(tmp_path),
                          env=env or environment(), capture_output=True, text=True, timeout=timeout,
                          preexec_fn=preexec_fn)


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


# ------------------------------------------------------------ what new users tripped on

def test_plots_folder_is_created_and_the_files_named(tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("imageio")
    result = learn(tmp_path, "--sizes", "784", "10", "--limit", "100", "--validation-limit", "20",
                   "--test-limit", "20", "--epochs", "1", "--quiet", "--plots", "figures/run 1")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "figures" / "run 1"
    assert sorted(os.listdir(str(folder))) == ["confusion.png", "curves.png"]
    lines = result.stdout.splitlines()
    assert lines[0] == "Created folder %s" % folder
    assert "Wrote %s" % (folder / "curves.png") in lines
    assert "Wrote %s" % (folder / "confusion.png") in lines


def test_a_limit_beyond_the_training_split_is_noted_on_one_line(tmp_path):
    result = learn(tmp_path, "--limit", "60000", "--epochs", "0", "--validation-limit", "0",
                   "--test-limit", "0", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        PROG + ": note: --limit 60000 is more than the 50000 images of the training split (the "
        "rest of the training file is kept for validation, never trained on); using all 50000"]
    assert "50000 training / 0 validation / 0 test images" in result.stdout


def test_a_wrong_environment_variable_is_named(tmp_path):
    env = environment()
    env["MNIST_DATA_DIR"] = str(tmp_path / "my-mnist")
    result = learn(tmp_path, "--epochs", "1", env=env)
    assert_one_line_error(result, str(tmp_path / "my-mnist"), "MNIST_DATA_DIR", "not found")


def wait_for(stream, start, seconds=120):
    """Read lines from ``stream`` until one starts with ``start``; return the lines read."""
    lines = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith(start):
            return lines
    raise AssertionError("no line starting with %r in:\n%s" % (start, "".join(lines)))


def start_learn(tmp_path, *args):
    return subprocess.Popen([sys.executable, "-m", "mnist_scratch.learn", *args], cwd=str(tmp_path),
                            env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_ctrl_c_in_the_first_epoch_says_no_network_was_saved(tmp_path):
    process = start_learn(tmp_path, "--limit", "20000", "--validation-limit", "100",
                          "--test-limit", "0", "--epochs", "1", "--save", "net.json",
                          "--history", "h.json")
    try:
        wait_for(process.stderr, "epoch 1/1 [")  # the progress line: training has begun
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert ("No network saved: the run stopped in epoch 1, before any epoch finished "
            "(--save writes the best network at the end of each epoch).") in out.splitlines()
    assert not (tmp_path / "net.json").exists()
    history = History.load(str(tmp_path / "h.json"))
    assert history.epochs == [] and 1 <= len(history.batch_cost) < 2000


def test_a_second_ctrl_c_while_saving_loses_nothing(tmp_path):
    """Ctrl-C, then Ctrl-C again while the network is being saved: both the network
    and the history must still be written, whole."""
    process = start_learn(tmp_path, "--sizes", "784", "100", "10", "--limit", "300",
                          "--validation-limit", "50", "--test-limit", "0", "--epochs", "100",
                          "--save", "net.json", "--history", "history.json.gz", "--quiet")
    try:
        wait_for(process.stdout, "Epoch 1/100")
        process.send_signal(signal.SIGINT)
        wait_for(process.stdout, "Interrupted.")  # printed just before the saves begin
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert Network.load(str(tmp_path / "net.json")).sizes == [784, 100, 10]
    history = History.load(str(tmp_path / "history.json.gz"))
    assert len(history.epochs) >= 1
    assert sorted(os.listdir(str(tmp_path))) == ["history.json.gz", "net.json"]


# ------------------------------------------------------------ hostile inputs

def tiny_data(tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    make_mnist_folder(str(folder), n_train=10, n_test=5)
    return folder


def limit_memory(gigabytes):
    """A preexec_fn that caps the child's address space, so a loader that read a
    bomb into memory would fail instead of slowing the machine down."""
    def cap():
        import resource
        limit = int(gigabytes * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return cap


@pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")
def test_a_gzip_bomb_as_training_images_is_refused_with_bounded_memory(tmp_path):
    """An IDX header for 10 images, then 2 GB of zeros in 2 MB of gzip."""
    folder = tiny_data(tmp_path)
    bomb = gzip_bomb(folder / TRAIN_IMAGES, idx_header((10, 28, 28)) + bytes(10 * 784),
                     megabytes=2048)
    result = learn(tmp_path, "--data-dir", str(folder), "--validation-limit", "0",
                   "--test-limit", "0", "--epochs", "1", preexec_fn=limit_memory(3))
    assert_one_line_error(result, bomb, "trailing bytes")


def test_a_network_too_big_for_memory_is_refused_up_front(tmp_path):
    result = learn(tmp_path, "--sizes", "784", "100000000", "10")
    assert_one_line_error(result, "--sizes", "[784, 100000000, 10]", "memory")
    assert result.stdout == ""  # refused before the data was loaded


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("kind", ["named pipe", "/dev/zero"])
def test_training_images_that_are_not_a_file_are_refused(tmp_path, kind):
    folder = tiny_data(tmp_path)
    target = folder / TRAIN_IMAGES
    target.unlink()
    if kind == "named pipe":
        os.mkfifo(str(target))  # reading it would wait forever for a writer
    else:
        os.symlink("/dev/zero", str(target))  # reading it would never end
    result = learn(tmp_path, "--data-dir", str(folder), "--epochs", "1", timeout=60)
    assert_one_line_error(result, str(target), "not a regular file")


@pytest.mark.parametrize("args", [["--save", "x.json", "--history", "x.json"],
                                  ["--save", "x.json", "--history", "./sub/../x.json"]])
def test_the_same_file_for_two_outputs_is_refused(tmp_path, args):
    (tmp_path / "sub").mkdir()
    result = learn(tmp_path, *args)
    assert_one_line_error(result, "--save", "--history", "x.json")
    assert result.stdout == ""
    assert sorted(os.listdir(str(tmp_path))) == ["sub"]


def test_saving_over_the_mnist_data_is_refused(tmp_path):
    folder = tiny_data(tmp_path)
    result = learn(tmp_path, "--data-dir", str(folder), "--save", str(folder / TRAIN_IMAGES))
    assert_one_line_error(result, "--save", "would overwrite the MNIST file")


@pytest.mark.parametrize("option", ["--save", "--history", "--data-dir", "--plots"])
def test_empty_names_are_refused(tmp_path, option):
    lines = assert_one_line_error(learn(tmp_path, option, ""), option, "empty name")
    assert len(lines) == 1


def test_a_long_legal_file_name_works(tmp_path):
    name = "n" * 250 + ".json"  # 255 characters: the most most filesystems allow
    result = learn(tmp_path, "--sizes", "784", "10", "--limit", "50", "--validation-limit", "10",
                   "--test-limit", "0", "--epochs", "1", "--quiet", "--save", name)
    assert result.returncode == 0, result.stderr
    assert Network.load(str(tmp_path / name)).sizes == [784, 10]
    assert os.listdir(str(tmp_path)) == [name]


def test_a_file_name_too_long_is_refused_before_training(tmp_path):
    result = learn(tmp_path, "--save", "n" * 300 + ".json")
    assert_one_line_error(result, "n" * 300, "file name")
    assert result.stdout == ""


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="Linux /proc")
def test_an_unwritable_folder_is_refused_before_training(tmp_path):
    result = learn(tmp_path, "--history", "/proc/self/history.json")
    assert_one_line_error(result, "/proc/self/history.json", "not writable")
    assert result.stdout == ""


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="POSIX permissions; root may write anywhere")
def test_a_read_only_folder_is_refused_before_training(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = learn(tmp_path, "--save", os.path.join("read-only", "net.json"))
    finally:
        folder.chmod(0o755)
    assert_one_line_error(result, os.path.join("read-only", "net.json"), "permission denied")
    assert result.stdout == ""


def test_a_huge_learning_rate_on_a_tiny_run_is_reported(tmp_path):
    result = learn(tmp_path, "--limit", "20", "--eta", "1e30")
    assert_one_line_error(result, "eta")


@pytest.mark.parametrize("args", [["--limit", "2.5"], ["--epochs", "1e3"], ["--seed", "0.5"],
                                  ["--eta", "nan"], ["--eta", "inf"], ["--eta", "1e400"],
                                  ["--validation-limit", "-1"]])
def test_odd_numbers_are_refused_by_the_argument_types(tmp_path, args):
    lines = assert_one_line_error(learn(tmp_path, *args), args[0])
    assert len(lines) == 1


# ------------------------------------------------------------------ chapter 3 options

def test_cross_entropy_changes_the_result_and_is_saved_in_format_2(tmp_path):
    runs = {}
    for cost in ("quadratic", "cross-entropy"):
        result = learn(tmp_path, *SMALL, "--epochs", "1", "--cost", cost, "--quiet",
                       "--save", cost + ".json")
        assert result.returncode == 0, result.stderr
        runs[cost] = result.stdout, json.loads((tmp_path / (cost + ".json")).read_text())
    (plain, saved_plain), (text, saved) = runs["quadratic"], runs["cross-entropy"]
    assert "cost cross-entropy" in text and "cost cross-entropy" not in plain
    assert saved["version"] == 2 and saved["cost"] == "cross-entropy"
    assert saved["activations"] == ["sigmoid", "sigmoid"]
    assert saved["meta"]["cost"] == "cross-entropy" and saved_plain["meta"]["cost"] == "quadratic"
    # Same seed, same start: only the cost differs, and so do the trained weights.
    assert saved["weights"][1] != saved_plain["weights"][1]
    assert Network.load(str(tmp_path / "cross-entropy.json")).cost.name == "cross-entropy"


def test_every_training_flag_reaches_sgd(tmp_path):
    """The network learn saves is, bit for bit, the one sgd trains with the same options."""
    from mnist_scratch.augment import Distorter, shifted_copies
    from mnist_scratch.datasets import load_mnist
    from mnist_scratch.training import sgd

    flags = ["--cost", "log-likelihood", "--activation", "relu", "--lmbda", "2",
             "--momentum", "0.5", "--dropout", "0.2", "--patience", "1", "--halvings", "1",
             "--expand", "--distort", "0.5", "--eta", "0.2", "--seed", "3"]
    result = learn(tmp_path, "--limit", "60", "--validation-limit", "100", "--test-limit", "0",
                   "--epochs", "3", "--quiet", "--save", "net.json", "--history", "h.json", *flags)
    assert result.returncode == 0, result.stderr
    saved = Network.load(str(tmp_path / "net.json"))
    assert saved.activation_names == ["relu", "softmax"]
    assert {k: saved.meta[k] for k in ("cost", "activation", "lmbda", "momentum", "dropout",
                                       "patience", "halvings", "expand", "distort")} == {
        "cost": "log-likelihood", "activation": "relu", "lmbda": 2.0, "momentum": 0.5,
        "dropout": 0.2, "patience": 1, "halvings": 1, "expand": True, "distort": 0.5}
    settings = json.loads((tmp_path / "h.json").read_text())["settings"]
    assert settings["training_examples"] == 300  # 60 images and 4 shifted copies of each
    assert settings["augment"]["rotation"] == 5.0 and settings["expand"] is True

    net = Network([784, 30, 10], seed=3, activation="relu", cost="log-likelihood")
    best = {"accuracy": -1.0}

    def keep_best(record, network):
        if record["evaluation_accuracy"] > best["accuracy"]:
            best.update(accuracy=record["evaluation_accuracy"], weights=network.weights)

    sgd(net, shifted_copies(load_mnist("train", limit=60)), 3, 10, 0.2,
        evaluation_data=load_mnist("validation", limit=100), seed=3, on_epoch=keep_best,
        lmbda=2.0, momentum=0.5, dropout=0.2, patience=1, halvings=1,
        augment=Distorter(rotation=5.0, scale=0.05, shear=0.1, shift=0.75))
    assert saved.weights == best["weights"]


def test_the_schedule_shows_eta_and_early_stopping_is_reported(tmp_path):
    result = learn(tmp_path, "--limit", "100", "--validation-limit", "50", "--test-limit", "0",
                   "--epochs", "30", "--patience", "1", "--halvings", "1", "--quiet",
                   "--history", "h.json")
    assert result.returncode == 0, result.stderr
    history = json.loads((tmp_path / "h.json").read_text())
    etas = [record["eta"] for record in history["epochs"]]
    assert etas[0] == 3.0 and 1.5 in etas  # halved once
    assert len(etas) < 30 and history["stopped"].startswith("stopped after epoch %d" % len(etas))
    epoch_lines = [line for line in result.stdout.splitlines() if line.startswith("Epoch")]
    assert [line.endswith("  eta 1.5") for line in epoch_lines] == [eta == 1.5 for eta in etas]
    assert ("Stopped after epoch %d: " % len(etas)) in result.stdout


@pytest.mark.parametrize("args, problem", [
    (["--cost", "hinge"], "--cost"),
    (["--activation", "softplus"], "--activation"),
    (["--lmbda", "-1"], "--lmbda"),
    (["--lmbda", "nan"], "--lmbda"),
    (["--momentum", "1"], "--momentum"),
    (["--dropout", "1.5"], "--dropout"),
    (["--patience", "0"], "--patience"),
    (["--halvings", "-1"], "--halvings"),
    (["--distort", "5"], "--distort"),
    (["--distort", "strong"], "--distort"),
    (["--halvings", "2"], "--patience"),
    (["--patience", "3", "--validation-limit", "0"], "validation"),
    (["--dropout", "0.5", "--sizes", "784", "10"], "hidden layer"),
])
def test_bad_training_options_are_one_line(tmp_path, args, problem):
    lines = assert_one_line_error(learn(tmp_path, *args), problem)
    assert len(lines) == 1


def test_help_lists_every_option(tmp_path):
    result = learn(tmp_path, "--help")
    assert result.returncode == 0 and result.stderr == ""
    for option in ("--cost", "--activation", "--lmbda", "--momentum", "--dropout", "--patience",
                   "--halvings", "--expand", "--distort"):
        assert option in result.stdout
