"""Tests of the figure and GIF functions in visualize.py, read back as pictures.

Every figure is saved, decoded again (imageio) and checked for what a student
would look for: the right size, real content, red where a guess is wrong, one
colour scale shared by every tile and every GIF frame.
"""

import os

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from mnist_scratch import visualize as viz
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import History, evaluate, sgd

pytestmark = pytest.mark.step6


@pytest.fixture(scope="module")
def train_small():
    return load_mnist("train", limit=1000)


@pytest.fixture(scope="module")
def test_small():
    return load_mnist("test", limit=300)


@pytest.fixture(scope="module")
def trained(train_small):
    """A [784, 10] network after two quick epochs, and its History (with validation)."""
    net = Network([784, 10], seed=3)
    history = sgd(net, train_small, 2, 10, 3.0, evaluation_data=train_small[:100], seed=3)
    return net, history


def read_png(path):
    image = iio.imread(path)
    assert image.ndim == 3 and image.shape[2] in (3, 4)
    return image[:, :, :3].astype(int)


def is_red(pixels):
    """Mask of pixels close to the 'wrong' red."""
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return (r > 170) & (g < 90) & (b < 90)


def test_plot_images_marks_wrong_predictions_in_red(tmp_path, test_small):
    images = [x for x, _ in test_small[:10]]
    labels = [label for _, label in test_small[:10]]
    path = tmp_path / "all_right.png"
    fig = viz.plot_images(images, labels, predictions=labels, path=path)
    assert len(fig.axes) == 10
    right = read_png(path)
    assert right.std() > 20  # real content, not a blank page
    assert is_red(right).sum() == 0

    wrong = list(labels)
    wrong[3] = (wrong[3] + 1) % 10
    path = tmp_path / "one_wrong.png"
    fig = viz.plot_images(images, labels, predictions=wrong, path=path)
    assert "WRONG" in fig.axes[3].get_title()
    assert "WRONG" not in fig.axes[2].get_title()
    assert is_red(read_png(path)).sum() > 200  # the red frame and title stand out


def test_plot_images_checks_lengths(test_small):
    with pytest.raises(ValueError, match="one label"):
        viz.plot_images([test_small[0][0]], [1, 2])
    with pytest.raises(ValueError, match="no images"):
        viz.plot_images([], [])


def test_save_into_missing_folder_names_the_folder(tmp_path, test_small):
    fig = viz.plot_images([test_small[0][0]], [test_small[0][1]])
    missing = tmp_path / "no" / "such"
    with pytest.raises(FileNotFoundError, match="such"):
        viz.save_figure(fig, missing / "digits.png")


def test_saving_is_atomic_and_leaves_no_temporary_files(tmp_path, test_small):
    path = tmp_path / "digits.png"
    path.write_bytes(b"old")
    viz.plot_images([test_small[0][0]], [test_small[0][1]], path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(os.listdir(tmp_path)) == ["digits.png"]


def test_confidently_wrong_are_wrong_and_sorted(trained, test_small):
    net, _ = trained
    wrong = viz.confidently_wrong(net, test_small, count=8)
    assert wrong, "a network trained for seconds makes mistakes"
    for x, label, predicted, out_predicted, out_label in wrong:
        assert predicted != label
        assert predicted == net.predict(x)
        output = net.feedforward(x)
        assert (out_predicted, out_label) == (output[predicted], output[label])
    margins = [item[3] - item[4] for item in wrong]
    assert margins == sorted(margins, reverse=True)
    assert all(m > 0 for m in margins)


def test_plot_confidently_wrong_writes_a_gallery(tmp_path, trained, test_small):
    net, _ = trained
    path = tmp_path / "wrong.png"
    fig = viz.plot_confidently_wrong(net, test_small, count=10, path=path)
    tiles = [ax for ax in fig.axes if ax.get_title()]
    assert len(tiles) == 10
    assert all("WRONG" in ax.get_title() for ax in tiles)
    assert is_red(read_png(path)).sum() > 1000


def test_weight_images_share_one_symmetric_scale(tmp_path, trained):
    net, _ = trained
    path = tmp_path / "weights.png"
    fig = viz.plot_weight_images(net.weights[0], columns=5, path=path)
    vmin, vmax = fig.weight_limits
    assert vmin == -vmax and vmax > 0
    images = [im for ax in fig.axes for im in ax.get_images()]
    assert len(images) == 10
    for im in images:  # the same colour scale on every tile
        assert im.norm.vmin == vmin and im.norm.vmax == vmax
    assert len(fig.axes) == 11  # ten tiles and a colour bar
    picture = read_png(path)
    assert picture.shape[1] > picture.shape[0]  # two rows of five, plus the bar


def test_symmetric_limit():
    assert viz.symmetric_limit([np.zeros((2, 2))]) == 1.0  # all zero: still a valid scale
    assert viz.symmetric_limit([np.array([1.0, -3.0]), np.array([2.0])], percentile=100) == 3.0


def test_looks_for_is_the_product_of_the_weight_matrices():
    single = Network([784, 10], seed=1)
    assert np.allclose(viz.looks_for(single), np.array(single.weights[0]))
    deep = Network([784, 5, 4, 10], seed=1)
    w1, w2, w3 = (np.array(w) for w in deep.weights)
    product = viz.looks_for(deep)
    assert product.shape == (10, 784)
    assert np.allclose(product, w3 @ w2 @ w1)


def test_moving_average_against_a_plain_loop():
    values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0]
    window = 3
    expected = []
    for i in range(len(values)):
        last = values[max(0, i - window + 1):i + 1]
        expected.append(sum(last) / len(last))
    assert np.allclose(viz.moving_average(values, window), expected)
    assert np.allclose(viz.moving_average(values, 1), values)
    with pytest.raises(ValueError):
        viz.moving_average(values, 0)


def test_learning_curves_from_a_history_and_its_dict(tmp_path, trained):
    _, history = trained
    path = tmp_path / "curves.png"
    fig = viz.plot_learning_curves(history, path=path)
    assert [ax.get_title() for ax in fig.axes] == ["Cost", "Accuracy"]
    assert read_png(path).std() > 10
    # the saved history is enough to plot later
    saved = tmp_path / "history.json"
    history.save(saved)
    fig = viz.plot_learning_curves(History.load(saved).to_dict())
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="empty"):
        viz.plot_learning_curves(History())


def test_confusion_matrix_and_most_confused_pairs():
    labels = [4, 4, 4, 9, 9, 3, 5, 5, 1]
    predictions = [4, 9, 9, 4, 9, 5, 3, 5, 1]
    matrix = viz.confusion_matrix(labels, predictions)
    assert matrix[4][9] == 2 and matrix[9][4] == 1 and matrix[4][4] == 1
    assert sum(map(sum, matrix)) == len(labels)
    pairs = viz.most_confused_pairs(matrix)
    assert pairs == [(4, 9, 2, 1), (3, 5, 1, 1)]


def test_plot_confusion_matrix_on_real_predictions(tmp_path, trained, test_small):
    net, _ = trained
    result = evaluate(net, test_small)
    matrix = viz.confusion_matrix([label for _, label in test_small], result.predictions)
    path = tmp_path / "confusion.png"
    fig = viz.plot_confusion_matrix(matrix, path=path)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 100  # one count per cell
    assert sum(int(t) for t in texts) == len(test_small)
    assert "Most confused" in " ".join(t.get_text() for t in fig.texts)
    assert read_png(path).std() > 10


def snapshots_while_training(train_small, every=10):
    """Weight snapshots (references, taken for free) every ``every`` mini-batches."""
    net = Network([784, 10], init="zeros")
    frames = [net.weights[0]]

    def on_batch(info):
        if info["batch"] % every == 0:
            frames.append(net.weights[0])

    sgd(net, train_small[:300], 1, 10, 1.0, seed=1, on_batch=on_batch)
    return frames


def test_write_weight_gifs_frames_scale_and_files(tmp_path, train_small):
    frames = snapshots_while_training(train_small)
    captions = ["%d frames in" % i for i in range(len(frames))]
    result = viz.write_weight_gifs(str(tmp_path), frames, captions,
                                   ["digit %d" % d for d in range(10)], duration=0.05, loop=0)
    assert [os.path.basename(p) for p in result["paths"]] == (
        ["digit-%d.gif" % d for d in range(10)] + ["digits.gif"])
    vmin, vmax = result["limits"]
    assert vmin == -vmax > -10
    assert result["frames"] == len(frames) == 4
    grid = iio.imread(result["paths"][-1], index=None)
    assert grid.shape[0] == len(frames)
    # the network learns: every frame differs from the one before
    for a, b in zip(grid[:-1], grid[1:]):
        assert np.abs(a.astype(int) - b.astype(int)).sum() > 0
    # the first frame is all-zero weights: the tiles (left of the colour bar) have no red
    assert is_red(grid[0][:, :-80, :3]).sum() == 0
    assert is_red(grid[-1][:, :-80, :3]).sum() > 0
    # the same colour scale on every frame: the colour bar's pixels never change
    bar = [frame[:, -80:, :] for frame in grid]
    assert all(np.array_equal(bar[0], b) for b in bar[1:])
    digit = iio.imread(result["paths"][3], index=None)
    assert digit.shape[0] == len(frames)
    with Image.open(result["paths"][3]) as gif:
        assert gif.info.get("loop") == 0
        assert gif.info.get("duration") == 50


def test_write_gif_loop_duration_and_exact_palette(tmp_path):
    palette = viz.gif_palette()
    colours = [tuple(int(c) for c in palette[i]) for i in (0, 40, 95, 127)]
    pictures = [np.full((8, 8, 3), colour, dtype=np.uint8) for colour in colours]
    path = tmp_path / "colours.gif"
    viz.write_gif(path, pictures, duration=0.2, loop=1, last_duration=1.0, palette=palette)
    frames = iio.imread(path, index=None)
    assert len(frames) == 4
    for frame, colour in zip(frames, colours):  # colours of the palette come back exactly
        assert tuple(frame[0, 0, :3]) == colour
    with Image.open(path) as gif:
        assert "loop" not in gif.info  # loop=1: play once
        durations = []
        for i in range(gif.n_frames):
            gif.seek(i)
            durations.append(gif.info["duration"])
    assert durations == [200, 200, 200, 1000]


def test_write_gif_errors(tmp_path):
    picture = np.zeros((4, 4, 3), dtype=np.uint8)
    with pytest.raises(FileNotFoundError, match="missing"):
        viz.write_gif(tmp_path / "missing" / "a.gif", [picture])
    with pytest.raises(ValueError):
        viz.write_gif(tmp_path / "a.gif", [])
    # What a GIF cannot store is refused, not silently wrapped around.
    for options in ({"duration": 656}, {"duration": 0}, {"last_duration": 1000},
                    {"loop": 65537}, {"loop": -1}):
        with pytest.raises(ValueError, match="loop|duration"):
            viz.write_gif(tmp_path / "a.gif", [picture], **options)
    assert not (tmp_path / "a.gif").exists()
    viz.write_gif(tmp_path / "a.gif", [picture, 255 - picture], duration=655.35, loop=65536)
    with Image.open(tmp_path / "a.gif") as written:
        assert written.info["duration"] == 655350 and written.info["loop"] == 65535
    with pytest.raises(FileNotFoundError, match="missing"):
        viz.write_weight_gifs(str(tmp_path / "missing"), [[[0.0] * 784]], ["x"], ["t"])


def test_write_gif_with_one_frame(tmp_path):
    path = tmp_path / "still.gif"
    viz.write_gif(path, [np.full((6, 6, 3), 255, dtype=np.uint8)])
    frames = iio.imread(path, index=None)
    assert frames.shape == (1, 6, 6, 3)
    assert (frames == 255).all()
