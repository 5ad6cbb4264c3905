"""Tests of ``python -m mnist_scratch.plots`` and of ``learn --plots``: every figure is
written and decodes, and bad inputs give one clear line and exit code 2."""

import json
import os
import subprocess
import sys

import imageio.v3 as iio
import pytest

from mnist_scratch import learn, plots
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import sgd

from conftest import ROOT

pytestmark = pytest.mark.step6


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


def decodes(path):
    image = iio.imread(path)
    return image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100 and image.std() > 5


def test_all_figures_of_a_hidden_layer_network(saved, tmp_path, capsys):
    code = plots.main([str(saved / "net.json"), "--out", str(tmp_path), "--test-limit", "300",
                       "--history", str(saved / "history.json")])
    assert code == 0
    names = sorted(os.listdir(tmp_path))
    assert names == ["confusion.png", "curves.png", "looks_for.png", "samples.png",
                     "weights.png", "wrong.png"]
    for name in names:
        assert decodes(tmp_path / name), name
    printed = capsys.readouterr().out
    assert "/ 300 test images right" in printed
    assert "Most confused pairs" in printed


def test_a_single_layer_network_has_no_looks_for(tmp_path):
    net = Network([784, 10], seed=5)
    sgd(net, load_mnist("train", limit=300), 1, 10, 3.0, seed=5)
    paths, result, pairs = plots.write_all(net, load_mnist("test", limit=200), str(tmp_path))
    assert sorted(os.path.basename(p) for p in paths) == [
        "confusion.png", "samples.png", "weights.png", "wrong.png"]
    assert result.total == 200
    assert all(a < b for a, b, _, _ in pairs)


def test_default_network_is_the_pretrained_one():
    assert plots.default_network() == os.path.join(ROOT, "data", "networks",
                                                   "mnist-784-30-10.json")


@pytest.mark.parametrize("make_argv, message", [
    (lambda d: [str(d / "missing.json"), "--out", str(d)], "missing.json"),
    (lambda d: [str(d / "bad.json"), "--out", str(d)], "bad.json"),
    (lambda d: [str(d / "bad.json"), "--out", str(d / "no-such-folder")], "no-such-folder"),
    (lambda d: [str(d / "small.json"), "--out", str(d)], "not an MNIST classifier"),
    (lambda d: [str(d / "small.json"), "--out", str(d), "--history", str(d / "nope.json")],
     "nope.json"),
])
def test_errors_are_one_line(make_argv, message, tmp_path, capsys):
    (tmp_path / "bad.json").write_text('{"sizes": [784, 10]')
    Network([3, 2], seed=1).save(tmp_path / "small.json")
    assert plots.main(make_argv(tmp_path)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("python -m mnist_scratch.plots: error:")
    assert message in err
    assert "\n" not in err and "Traceback" not in err


@pytest.mark.parametrize("content, message", [
    ({"settings": {}, "epochs": [], "batch_examples": [], "batch_cost": [],
      "batch_accuracy": []}, "history is empty"),
    ({"epochs": [{"epoch": 1, "examples_seen": 10, "train_cost": "low", "train_accuracy": 0.9}]},
     'no number "train_cost"'),
    ({"epochs": [], "batch_examples": [10, 20], "batch_cost": [0.1], "batch_accuracy": [0.5]},
     "different lengths"),
    ({"epochs": [], "batch_cost": [0.1, None]}, '"batch_cost" is not a list of numbers'),
    ([1, 2, 3], "not an object"),
    ({"epochs": [{"epoch": 1, "train_cost": 0.1, "train_accuracy": 0.9}]},
     'no number "examples_seen"'),
    ({"settings": {"training_examples": "1000"}, "epochs": []}, '"training_examples"'),
])
def test_a_bad_history_is_refused_before_any_figure(content, message, saved, tmp_path, capsys):
    history = tmp_path / "run.history.json"
    history.write_text(json.dumps(content))
    out = tmp_path / "figures"
    out.mkdir()
    assert plots.main([str(saved / "net.json"), "--out", str(out), "--history", str(history),
                       "--test-limit", "50"]) == 2
    err = capsys.readouterr().err.strip()
    assert "run.history.json" in err and message in err and "\n" not in err
    assert os.listdir(out) == []


def test_the_command_runs_from_another_working_directory(saved, tmp_path):
    (tmp_path / "figures").mkdir()
    done = subprocess.run([sys.executable, "-m", "mnist_scratch.plots", str(saved / "net.json"),
                           "--out", "figures", "--test-limit", "200"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "confusion.png" in os.listdir(tmp_path / "figures")


def test_learn_writes_curves_and_confusion_with_plots(tmp_path):
    code = learn.main(["--sizes", "784", "10", "--limit", "300", "--epochs", "2",
                       "--validation-limit", "100", "--test-limit", "100", "--quiet",
                       "--plots", str(tmp_path)])
    assert code == 0
    assert sorted(os.listdir(tmp_path)) == ["confusion.png", "curves.png"]
    for name in ("confusion.png", "curves.png"):
        assert decodes(tmp_path / name)


def test_learn_checks_the_plots_folder_before_training(tmp_path, capsys):
    code = learn.main(["--limit", "10", "--epochs", "1", "--quiet",
                       "--plots", str(tmp_path / "missing")])
    assert code == 2
    err = capsys.readouterr().err
    assert "missing" in err and "does not exist" in err
