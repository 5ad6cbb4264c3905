"""Tests of ``python -m mnist_scratch.gif``: which moments are recorded, the snapshots,
the GIFs it writes (decoded again), and its errors."""

import os
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from mnist_scratch import gif
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import sgd

from conftest import ROOT

pytestmark = pytest.mark.step6

# A small, quick run: 200 images, 5 frames, 100 validation images per caption.
QUICK = ["--limit", "200", "--frames", "5", "--validation-limit", "100", "--quiet"]


def test_frame_points():
    assert gif.frame_points(5, 2) == list(range(11))
    assert gif.frame_points(5, 2, every=3) == [0, 3, 6, 9, 10]  # the end is always recorded
    assert gif.frame_points(5, 2, per_epoch=True) == [0, 5, 10]
    picked = gif.frame_points(100, 1, frames=5)
    assert picked == [0, 25, 50, 75, 100]
    assert gif.frame_points(100, 1, frames=1) == [100]
    # asking for more frames than moments gives every moment
    assert gif.frame_points(3, 1, frames=50) == [0, 1, 2, 3]


def test_recorder_keeps_free_snapshots_that_later_training_does_not_change():
    data = load_mnist("train", limit=40)
    net = Network([784, 10], init="zeros")
    recorder = gif.Recorder(net, gif.frame_points(4, 1))  # 40 examples / 10 = 4 batches
    first = [row[:] for row in net.weights[0]]
    sgd(net, data, 1, 10, 1.0, seed=1, on_batch=recorder.on_batch)
    seen = [s[0] for s in recorder.snapshots]
    assert seen == [0, 10, 20, 30, 40]
    assert recorder.snapshots[0][1][0] == first  # the zero weights, untouched by training
    assert recorder.snapshots[-1][1] is net.weights
    for (_, a, _), (_, b, _) in zip(recorder.snapshots[:-1], recorder.snapshots[1:]):
        assert a[0] != b[0]


def test_tiles_of_a_hidden_layer_network_are_what_each_digit_looks_for():
    net = Network([784, 4, 10], seed=2)
    tiles = gif.tiles_of(net.weights)
    expected = np.array(net.weights[1]) @ np.array(net.weights[0])
    assert np.allclose(np.array(tiles), expected)
    single = Network([784, 10], seed=2)
    assert gif.tiles_of(single.weights) is single.weights[0]


def test_the_command_writes_ten_digit_gifs_and_a_grid(tmp_path, capsys):
    assert gif.main(QUICK + ["--out", str(tmp_path), "--duration", "0.05", "--pause", "0.5"]) == 0
    names = sorted(os.listdir(tmp_path))
    assert names == sorted(["digit-%d.gif" % d for d in range(10)] + ["digits.gif"])
    printed = capsys.readouterr().out
    assert "Wrote 11 GIFs of 5 frames" in printed
    grid = iio.imread(tmp_path / "digits.gif", index=None)
    assert grid.shape[0] == 5
    for a, b in zip(grid[:-1], grid[1:]):  # learning: consecutive frames differ
        assert not np.array_equal(a, b)
    bar = [frame[:, -80:] for frame in grid]  # one colour scale: the bar never changes
    assert all(np.array_equal(bar[0], b) for b in bar[1:])
    for d in range(10):
        frames = iio.imread(tmp_path / ("digit-%d.gif" % d), index=None)
        assert frames.shape[0] == 5
        assert frames[-1].std() > 10
    with Image.open(tmp_path / "digit-0.gif") as image:
        assert image.info.get("loop") == 0
        durations = []
        for i in range(image.n_frames):
            image.seek(i)
            durations.append(image.info["duration"])
    assert durations == [50, 50, 50, 50, 500]


def test_per_epoch_and_random_start(tmp_path):
    assert gif.main(["--limit", "100", "--epochs", "2", "--per-epoch", "--init", "scaled",
                     "--validation-limit", "0", "--quiet", "--out", str(tmp_path)]) == 0
    assert iio.imread(tmp_path / "digits.gif", index=None).shape[0] == 3  # start + 2 epochs


def test_a_hidden_layer_network(tmp_path):
    assert gif.main(QUICK + ["--sizes", "784", "8", "10", "--init", "scaled",
                             "--out", str(tmp_path)]) == 0
    assert iio.imread(tmp_path / "digit-7.gif", index=None).shape[0] == 5


@pytest.mark.parametrize("argv, message", [
    (["--out", "no-such-folder-here"], "no-such-folder-here"),
    (["--sizes", "784", "30", "10"], "--init zeros"),
    (["--sizes", "100", "10"], "784"),
    (["--duration", "700"], "--duration 700"),
    (["--pause", "1000"], "655.35"),
    (["--loop", "70000"], "--loop 70000"),
])
def test_errors_are_one_line(argv, message, tmp_path, capsys):
    assert gif.main(QUICK + argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("python -m mnist_scratch.gif: error:")
    assert message in err
    assert "\n" not in err and "Traceback" not in err


def test_default_folder_is_the_project_gifs_folder():
    assert gif.default_gif_dir() == os.path.join(ROOT, "gifs")


def test_the_command_runs_from_another_working_directory(tmp_path):
    (tmp_path / "out").mkdir()
    done = subprocess.run([sys.executable, "-m", "mnist_scratch.gif", "--out", "out",
                           "--limit", "100", "--frames", "3", "--validation-limit", "50"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(os.listdir(tmp_path / "out")) == 11
    assert iio.imread(tmp_path / "out" / "digits.gif", index=None).shape[0] == 3
