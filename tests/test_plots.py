"""Tests of ``python -m mnist_scratch.plots`` and of ``plots.write_all``: every figure is
written and decodes at a projector's size, a reused folder never mixes two networks'
figures, and bad inputs give one clear line and exit code 2 before any figure is written."""

import json
import os
import random
import subprocess
import sys

import pytest

from conftest import ROOT, VIZ_MISSING

# Skipped, with this reason, where the viz extras are missing (the PyPy run installs only the core).
for _module in ("matplotlib", "imageio", "PIL", "numpy"):
    pytest.importorskip(_module, reason=VIZ_MISSING)

import imageio.v3 as iio

from mnist_scratch import plots
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import sgd


pytestmark = pytest.mark.step6

ALL = ["confusion.png", "curves.png", "looks_for.png", "samples.png", "weights.png", "wrong.png"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A quickly trained [784, 6, 10] network and its history, saved as JSON."""
    folder = tmp_path_factory.mktemp("saved")
    data = load_mnist("train", limit=600)
    net = Network([784, 6, 10], seed=4)
    history = sgd(net, data, 2, 10, 3.0, evaluation_data=data[:100], seed=4)
    net.save(folder / "net.json")
    history.save(folder / "history.json")
    return folder


def size(path):
    """(width, height) of a decoded picture with real content (not a blank page)."""
    image = iio.imread(path)
    assert image.ndim == 3 and image.std() > 5, path
    return image.shape[1], image.shape[0]


def exit_code(argv):
    """What ``plots.main(argv)`` exits with, also when argparse exits."""
    try:
        return plots.main(argv)
    except SystemExit as e:
        return e.code


def one_line_error(capsys):
    err = capsys.readouterr().err.strip()
    assert err.startswith("python -m mnist_scratch.plots: error:")
    assert "\n" not in err and "Traceback" not in err
    return err


def test_all_figures_of_a_hidden_layer_network(saved, tmp_path, capsys):
    out = tmp_path / "new" / "figures"  # created when missing
    code = plots.main([str(saved / "net.json"), "--out", str(out), "--test-limit", "300",
                       "--history", str(saved / "history.json")])
    assert code == 0
    assert sorted(os.listdir(out)) == ALL
    for name in ALL:
        width, height = size(out / name)
        assert width >= 1200, name  # big enough for a projector at the default dpi
    printed = capsys.readouterr().out
    assert "/ 300 test images right" in printed
    assert "Created folder %s" % out in printed
    assert "Wrote 6 figures into %s" % out in printed
    # the most confused pairs, one readable line each
    lines = printed.splitlines()
    first = lines.index("Most confused pairs (true digit read as another):")
    assert " read as " in lines[first + 1] and "; " in lines[first + 1]


def test_dpi_scales_every_figure(saved, tmp_path):
    for dpi in (50, 100):
        assert plots.main([str(saved / "net.json"), "--out", str(tmp_path / str(dpi)),
                           "--test-limit", "50", "--dpi", str(dpi)]) == 0
    for name in ("samples.png", "weights.png", "confusion.png"):
        small, large = size(tmp_path / "50" / name), size(tmp_path / "100" / name)
        assert abs(large[0] - 2 * small[0]) <= 2, name


def test_a_reused_folder_keeps_no_figure_of_an_earlier_network(saved, tmp_path, capsys):
    assert plots.main([str(saved / "net.json"), "--out", str(tmp_path), "--test-limit", "100",
                       "--history", str(saved / "history.json")]) == 0
    assert sorted(os.listdir(tmp_path)) == ALL
    capsys.readouterr()
    single = Network([784, 10], seed=5)
    sgd(single, load_mnist("train", limit=300), 1, 10, 3.0, seed=5)
    single.save(tmp_path / "single.json")
    assert plots.main([str(tmp_path / "single.json"), "--out", str(tmp_path),
                       "--test-limit", "100"]) == 0
    assert sorted(os.listdir(tmp_path)) == ["confusion.png", "samples.png", "single.json",
                                            "weights.png", "wrong.png"]
    printed = capsys.readouterr().out
    assert "Removed %s" % (tmp_path / "curves.png") in printed
    assert "Removed %s" % (tmp_path / "looks_for.png") in printed


def test_write_all_from_python(tmp_path):
    net = Network([784, 10], seed=5)
    sgd(net, load_mnist("train", limit=300), 1, 10, 3.0, seed=5)
    (tmp_path / "curves.png").write_bytes(b"an earlier run's")
    paths = plots.write_all(net, load_mnist("test", limit=200), tmp_path / "out", dpi=60)
    assert [os.path.basename(p) for p in paths] == [
        "samples.png", "wrong.png", "weights.png", "confusion.png"]
    assert all(os.path.isfile(p) for p in paths)
    paths = plots.write_all(net, load_mnist("test", limit=50), tmp_path, dpi=60)
    assert not (tmp_path / "curves.png").exists()  # stale: removed


def test_write_training_figures(saved, tmp_path):
    from mnist_scratch.training import History
    history = History.load(saved / "history.json")
    paths = plots.write_training_figures(tmp_path / "run", history, labels=[1, 2, 2, 7],
                                         predictions=[1, 2, 7, 7], name="[784, 6, 10]", dpi=80)
    assert [os.path.basename(p) for p in paths] == ["curves.png", "confusion.png"]
    assert all(size(p)[0] > 700 for p in paths)
    assert plots.write_training_figures(tmp_path / "none") == []


def test_default_network_is_the_best_shipped_one():
    assert plots.default_network() == os.path.join(ROOT, "data", "networks",
                                                   "mnist-784-100-10.json")


def huge_network(path, sizes):
    """A network that loads fine but whose weights are about +-1e308."""
    net = Network(sizes, seed=1)
    rng = random.Random(1)
    net.weights = [[[rng.choice((1e308, -1e308)) for _ in row] for row in w] for w in net.weights]
    net.save(path)
    return str(path)


def test_weights_near_the_largest_float_are_refused_naming_the_file(tmp_path, capsys):
    network = huge_network(tmp_path / "huge.json", [784, 30, 10])
    out = tmp_path / "figures"
    assert exit_code([network, "--out", str(out), "--test-limit", "20"]) == 2
    err = one_line_error(capsys)
    assert "huge.json" in err and "overflows" in err
    assert not out.exists()  # refused before anything was written


def test_weights_near_the_largest_float_without_hidden_layers_are_drawn(tmp_path):
    network = huge_network(tmp_path / "huge.json", [784, 10])
    assert plots.main([network, "--out", str(tmp_path / "figures"), "--test-limit", "20",
                       "--dpi", "50"]) == 0
    assert size(tmp_path / "figures" / "weights.png")


@pytest.mark.parametrize("make_argv, message", [
    (lambda d: [str(d / "missing.json"), "--out", str(d / "o")], "missing.json"),
    (lambda d: [str(d / "bad.json"), "--out", str(d / "o")], "bad.json"),
    (lambda d: [str(d / "small.json"), "--out", str(d / "o")], "not an MNIST classifier"),
    (lambda d: [str(d / "small.json"), "--out", str(d / "o"), "--history", str(d / "nope.json")],
     "nope.json"),
    (lambda d: ["", "--out", str(d / "o")], "empty"),
    (lambda d: [str(d / "small.json"), "--out", ""], "--out: empty"),
    (lambda d: [str(d / "small.json"), "--out", str(d / "o"), "--history", ""], "empty"),
    (lambda d: [str(d / "small.json"), "--out", str(d / "bad.json")], "not a folder"),
    (lambda d: [str(d / "small.json"), "--out", str(d / "o"), "--dpi", "5000"], "--dpi"),
])
def test_errors_are_one_line(make_argv, message, tmp_path, capsys):
    (tmp_path / "bad.json").write_text('{"sizes": [784, 10]')
    Network([3, 2], seed=1).save(tmp_path / "small.json")
    assert exit_code(make_argv(tmp_path)) == 2
    assert message in one_line_error(capsys)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("content", [
    # the reproducer: examples_seen 0 would divide the curves' x axis by zero
    {"settings": {}, "epochs": [{"epoch": 1, "examples_seen": 0, "train_cost": 0.1,
                                 "train_accuracy": 0.9}]},
    {"settings": {}, "epochs": [], "batch_examples": [], "batch_cost": [], "batch_accuracy": []},
    {"epochs": [{"epoch": 1, "examples_seen": 10, "train_cost": "low", "train_accuracy": 0.9}]},
    {"epochs": [], "batch_examples": [10, 20], "batch_cost": [0.1], "batch_accuracy": [0.5]},
    [1, 2, 3],
    {"settings": {"training_examples": "1000"}, "epochs": []},
])
def test_a_bad_history_is_refused_before_any_figure(content, saved, tmp_path, capsys):
    history = tmp_path / "run.history.json"
    history.write_text(json.dumps(content))
    out = tmp_path / "figures"
    out.mkdir()
    assert exit_code([str(saved / "net.json"), "--out", str(out), "--history", str(history),
                      "--test-limit", "50"]) == 2
    assert "run.history.json" in one_line_error(capsys)
    assert os.listdir(out) == []


def test_the_command_runs_from_another_working_directory(saved, tmp_path):
    done = subprocess.run([sys.executable, "-m", "mnist_scratch.plots", str(saved / "net.json"),
                           "--out", "figures", "--test-limit", "200", "--dpi", "50"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "confusion.png" in os.listdir(tmp_path / "figures")
