"""Tests of the GIFs: which moments are recorded, the snapshots, the GIF writer
(gifwriter.py), the command ``python -m mnist_scratch.gif`` and ``gif.make_gifs``.

Every GIF is decoded again. What a viewer sees in the frames (their count and
size, that they change while the network learns, one colour scale on all of
them, the colour bar's arrows) is checked once, on the command's own output.
"""

import os
import subprocess
import sys

import pytest

from conftest import ROOT, VIZ_MISSING

# Skipped, with this reason, where the viz extras are missing (the PyPy run installs only the core).
for _module in ("matplotlib", "imageio", "PIL", "numpy"):
    pytest.importorskip(_module, reason=VIZ_MISSING)

import matplotlib
import numpy as np
from PIL import Image, ImageSequence

from mnist_scratch import gif, gifwriter
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import sgd


pytestmark = pytest.mark.step6

# A small, quick run: 200 images, 5 frames, 100 validation images per caption, small pictures.
QUICK = ["--limit", "200", "--frames", "5", "--validation-limit", "100", "--quiet"]
SMALL = ["--dpi", "60"]


def frames_of(path):
    """Every frame of a GIF as a viewer shows it (RGB), decoded again by Pillow."""
    with Image.open(path) as image:
        return np.stack([np.asarray(frame.convert("RGB"), dtype=int)
                         for frame in ImageSequence.Iterator(image)])


def exit_code(main, argv):
    """What ``main(argv)`` exits with: its return value, or argparse's SystemExit code."""
    try:
        return main(argv)
    except SystemExit as e:
        return e.code


def colour_count(pixels, rgb, tolerance=40):
    return int((np.abs(pixels - np.array(rgb)).sum(axis=-1) < tolerance).sum())


# ----------------------------------------------------------------- the moments

def test_frame_points():
    assert gif.frame_points(5, 2) == list(range(11))
    assert gif.frame_points(5, 2, every=3) == [0, 3, 6, 9, 10]  # the end is always recorded
    assert gif.frame_points(5, 2, per_epoch=True) == [0, 5, 10]
    assert gif.frame_points(100, 1, frames=5) == [0, 25, 50, 75, 100]
    assert gif.frame_points(100, 1, frames=1) == [100]
    # asking for more frames than moments gives every moment
    assert gif.frame_points(3, 1, frames=50) == [0, 1, 2, 3]
    # only the picked moments are computed: no memory for a huge run, and exact
    huge = gif.frame_points(10**30, 3, every=10, frames=4)
    assert huge == [0, 10**30, 2 * 10**30, 3 * 10**30]


def test_recorder_keeps_snapshots_that_later_training_does_not_change():
    data = load_mnist("train", limit=40)
    net = Network([784, 10], init="zeros")
    recorder = gif.Recorder(net, gif.frame_points(4, 1))  # 40 examples / 10 = 4 batches
    first = [row[:] for row in net.weights[0]]
    sgd(net, data, 1, 10, 1.0, seed=1, on_batch=recorder.on_batch)
    assert [s[0] for s in recorder.snapshots] == [0, 10, 20, 30, 40]
    assert recorder.snapshots[0][1][0] == first  # the zero weights, untouched by training
    assert recorder.snapshots[-1][1] == net.weights
    for (_, a, _), (_, b, _) in zip(recorder.snapshots[:-1], recorder.snapshots[1:]):
        assert a[0] != b[0]


def test_tiles_of_a_hidden_layer_network_are_what_each_digit_looks_for():
    net = Network([784, 4, 10], seed=2)
    expected = np.array(net.weights[1]) @ np.array(net.weights[0])
    assert np.allclose(np.array(gif.tiles_of(net.weights)), expected)
    single = Network([784, 10], seed=2)
    assert gif.tiles_of(single.weights) is single.weights[0]


# ----------------------------------------------------------------- the GIF writer

def test_write_gif_loop_duration_and_exact_palette(tmp_path):
    palette = gifwriter.gif_palette()
    colours = [tuple(int(c) for c in palette[i]) for i in (0, 40, 63, 95)]
    pictures = [np.full((8, 8, 3), colour, dtype=np.uint8) for colour in colours]
    pictures[2][:4] = colours[1]  # half of frame 3 as in frame 2: stored as "unchanged"
    path = tmp_path / "colours.gif"
    gifwriter.write_gif(path, pictures, duration=0.2, loop=1, last_duration=1.0, palette=palette)
    frames = frames_of(path)
    assert len(frames) == 4
    for frame, picture in zip(frames, pictures):  # palette colours come back exactly
        assert np.array_equal(frame, picture)
    with Image.open(path) as written:
        assert "loop" not in written.info  # loop=1: play once
        durations = []
        for i in range(written.n_frames):
            written.seek(i)
            durations.append(written.info["duration"])
    assert durations == [200, 200, 200, 1000]


def test_write_gif_chooses_a_palette_when_given_none(tmp_path):
    rng = np.random.default_rng(1)
    pictures = [rng.integers(0, 256, (6, 6, 3), dtype=np.uint8) for _ in range(3)]
    gifwriter.write_gif(tmp_path / "any.gif", pictures)
    frames = frames_of(tmp_path / "any.gif")
    assert frames.shape == (3, 6, 6, 3)
    assert np.abs(frames - np.array(pictures, dtype=int)).mean() < 20


def test_write_gif_errors(tmp_path):
    picture = np.zeros((4, 4, 3), dtype=np.uint8)
    with pytest.raises(FileNotFoundError, match="missing"):
        gifwriter.write_gif(tmp_path / "missing" / "a.gif", [picture])
    with pytest.raises(ValueError, match="no frames"):
        gifwriter.write_gif(tmp_path / "a.gif", [])
    with pytest.raises(ValueError, match="empty"):
        gifwriter.write_gif("", [picture])
    # What a GIF cannot store is refused, not silently wrapped around.
    for options in ({"duration": 656}, {"duration": 0}, {"last_duration": 1000},
                    {"loop": 65537}, {"loop": -1}):
        with pytest.raises(ValueError, match="loop|duration"):
            gifwriter.write_gif(tmp_path / "a.gif", [picture], **options)
    assert not (tmp_path / "a.gif").exists()
    gifwriter.write_gif(tmp_path / "a.gif", [picture, 255 - picture], duration=655.35, loop=65536)
    with Image.open(tmp_path / "a.gif") as written:
        assert written.info["duration"] == 655350 and written.info["loop"] == 65535
    with pytest.raises(ValueError, match="empty"):
        gifwriter.write_weight_gifs("", [[[0.0] * 784]], ["x"], ["t"])


def test_write_gif_with_one_frame(tmp_path):
    path = tmp_path / "still.gif"
    gifwriter.write_gif(path, [np.full((6, 6, 3), 255, dtype=np.uint8)])
    frames = frames_of(path)
    assert frames.shape == (1, 6, 6, 3)
    assert (frames == 255).all()


def test_colour_bar_arrows_only_on_frames_that_clip():
    limit = 1.0
    zero = [0.0] * 784
    up = [2.0 if k < 100 else 0.0 for k in range(784)]          # beyond +limit only
    both = [2.0 if k < 100 else -2.0 if k > 684 else 0.0 for k in range(784)]
    pictures = list(gifwriter.render_weight_frames(
        [[zero], [up], [both]], ["a", "b", "c"], ["t"], limit, columns=1, dpi=60))
    cmap = matplotlib.colormaps[gifwriter.WEIGHT_CMAP]
    red, blue = (np.round(np.array(cmap(end)[:3]) * 255) for end in (1.0, 0.0))
    tile_right = int(60 * (gifwriter.MARGIN + gifwriter.GRID_TILE)) + 2
    bars = [p[:, tile_right:].astype(int) for p in pictures]  # right of the tile
    reds = [colour_count(bar, red, 20) for bar in bars]
    blues = [colour_count(bar, blue, 20) for bar in bars]
    assert reds[1] > reds[0] and blues[1] == blues[0]   # the upper arrow only
    assert reds[2] == reds[1] and blues[2] > blues[0]   # both arrows


# ----------------------------------------------------------------- the command

def test_the_command_writes_ten_digit_gifs_and_a_grid_for_a_projector(tmp_path, capsys):
    out = tmp_path / "new" / "gifs"  # a missing folder is created
    assert gif.main(QUICK + ["--out", str(out), "--duration", "0.05", "--pause", "0.5"]) == 0
    names = sorted(os.listdir(out))
    assert names == sorted(["digit-%d.gif" % d for d in range(10)] + ["digits.gif"])
    printed = capsys.readouterr().out
    assert "Created folder %s" % out in printed
    assert "Wrote 11 GIFs of 5 frames into %s" % out in printed

    grid = frames_of(out / "digits.gif")
    assert grid.shape[0] == 5
    assert 1200 <= grid.shape[2] <= 1600  # wide enough for the back of a classroom
    for a, b in zip(grid[:-1], grid[1:]):  # the network learns: consecutive frames differ
        assert not np.array_equal(a, b)
    # One colour scale on every frame: the colour bar (right of the tiles, between its
    # arrows) never changes.
    width, height = grid.shape[2], grid.shape[1]
    bar = grid[:, int(0.3 * height):int(0.7 * height), width - int(1.1 * 200):]
    assert all(np.array_equal(bar[0], b) for b in bar[1:])
    # The first frame is all-zero weights (no red or blue in the tiles); the last is not.
    tiles = grid[:, :, :width - int(gifwriter.BAR * 200)]
    cmap = matplotlib.colormaps[gifwriter.WEIGHT_CMAP]
    dark_red = np.round(np.array(cmap(0.9)[:3]) * 255)
    assert colour_count(tiles[0], dark_red) == 0
    assert colour_count(tiles[-1], dark_red) > 1000

    for d in range(10):
        frames = frames_of(out / ("digit-%d.gif" % d))
        assert frames.shape[0] == 5 and frames.shape[2] >= 500
        assert frames[-1].std() > 10
    with Image.open(out / "digit-0.gif") as image:
        assert image.info.get("loop") == 0
        durations = []
        for i in range(image.n_frames):
            image.seek(i)
            durations.append(image.info["duration"])
    assert durations == [50, 50, 50, 50, 500]


def test_make_gifs_from_python(tmp_path):
    progress = []
    paths = gif.make_gifs(tmp_path / "out", limit=100, frames=3, validation_limit=0, dpi=60,
                          progress=lambda stage, done, total: progress.append(stage))
    assert [os.path.basename(p) for p in paths] == (
        ["digit-%d.gif" % d for d in range(10)] + ["digits.gif"])
    assert all(os.path.isfile(p) for p in paths)
    assert frames_of(paths[-1]).shape[0] == 3
    assert {"training", "drawing"} <= set(progress)
    with pytest.raises(ValueError, match="epochs"):
        gif.make_gifs(tmp_path / "never", epochs=10**30)
    assert not (tmp_path / "never").exists()


def test_dpi_sets_the_size(tmp_path):
    assert gif.main(QUICK + ["--frames", "2", "--out", str(tmp_path), "--dpi", "100"]) == 0
    frames = frames_of(tmp_path / "digits.gif")
    width, height = gifwriter.gif_layout(10, 5, gifwriter.GRID_TILE, 1, 100)["pixels"]
    assert frames.shape[1:3] == (height, width)
    assert 700 <= width <= 800  # half of the default


def test_per_epoch_and_random_start(tmp_path):
    assert gif.main(["--limit", "100", "--epochs", "2", "--per-epoch", "--init", "scaled",
                     "--validation-limit", "0", "--quiet", "--out", str(tmp_path)] + SMALL) == 0
    assert frames_of(tmp_path / "digits.gif").shape[0] == 3  # start + 2 epochs


def test_a_hidden_layer_network(tmp_path):
    assert gif.main(QUICK + SMALL + ["--sizes", "784", "8", "10", "--init", "scaled",
                                     "--out", str(tmp_path)]) == 0
    assert frames_of(tmp_path / "digit-7.gif").shape[0] == 5


@pytest.mark.parametrize("argv, message", [
    (["--epochs", "1000000000000000000000000000000"], "5,000,000"),
    (["--limit", "20", "--epochs", "1000000000"], "20,000,000,000 examples"),
    (["--frames", "1000"], "--frames 1,000"),
    (["--dpi", "100000"], "--dpi must be from 30 to 400"),
    (["--limit", "10000", "--frames", "150", "--dpi", "400"], "use fewer --frames or a lower --dpi"),
    (["--sizes", "784", "3000", "10", "--init", "scaled", "--limit", "10000", "--frames", "30"],
     "smaller network"),
    (["--sizes", "784", "30", "10"], "--init zeros"),
    (["--sizes", "100", "10"], "784"),
    (["--duration", "700"], "--duration 700"),
    (["--pause", "1000"], "655.35"),
    (["--loop", "70000"], "--loop 70000"),
    (["--out", ""], "--out: empty"),
])
def test_errors_are_one_line_before_any_work(argv, message, tmp_path, capsys):
    project_gifs = os.path.join(ROOT, "gifs")
    before = sorted((e.name, e.stat().st_mtime_ns) for e in os.scandir(project_gifs))
    assert exit_code(gif.main, QUICK + ["--out", str(tmp_path / "out")] + argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("python -m mnist_scratch.gif: error:")
    assert message in err
    assert "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # refused before the folder was made
    assert sorted((e.name, e.stat().st_mtime_ns) for e in os.scandir(project_gifs)) == before


def test_an_output_folder_that_is_a_file(tmp_path, capsys):
    (tmp_path / "taken").write_text("a file")
    assert gif.main(QUICK + ["--out", str(tmp_path / "taken")]) == 2
    err = capsys.readouterr().err.strip()
    assert "taken" in err and "not a folder" in err and "\n" not in err


def test_default_folder_is_the_project_gifs_folder():
    assert gif.default_gif_dir() == os.path.join(ROOT, "gifs")


def test_the_command_runs_from_another_working_directory(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mnist_scratch.gif", "--out", "out",
                           "--limit", "100", "--frames", "3", "--validation-limit", "50",
                           "--dpi", "60"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(os.listdir(tmp_path / "out")) == 11
    assert frames_of(tmp_path / "out" / "digits.gif").shape[0] == 3
