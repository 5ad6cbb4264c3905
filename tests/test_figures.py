"""Tests of the figures (visualize_figures.py), read back as pictures.

Every figure is saved, decoded again and checked for what a student at the
back of the room would look for: a size a projector shows well, real content,
red where a guess is wrong, one colour scale shared by every tile, whole
numbers where the axis counts whole things.
"""

import os

import pytest

from conftest import VIZ_MISSING

# Skipped, with this reason, where the viz extras are missing (the PyPy run installs only the core).
for _module in ("matplotlib", "imageio", "PIL", "numpy"):
    pytest.importorskip(_module, reason=VIZ_MISSING)

import imageio.v3 as iio
import numpy as np

from mnist_scratch import visualize_figures as figures
from mnist_scratch.analysis import confusion_matrix
from mnist_scratch.datasets import load_mnist, shipped_network
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


def tick_values(axis):
    return [tick for tick in axis.get_ticklocs()
            if axis.get_view_interval().min() <= tick <= axis.get_view_interval().max()]


def test_plot_images_marks_wrong_predictions_in_red(tmp_path, test_small):
    images = [x for x, _ in test_small[:10]]
    labels = [label for _, label in test_small[:10]]
    path = tmp_path / "all_right.png"
    fig = figures.plot_images(images, labels, predictions=labels, path=path)
    assert len(fig.axes) == 10
    right = read_png(path)
    assert right.std() > 20  # real content, not a blank page
    assert is_red(right).sum() == 0
    # a projector size: ten tiles of 1.3 inches at 150 pixels per inch
    assert right.shape[1] == 10 * 1.3 * figures.DEFAULT_DPI

    wrong = list(labels)
    wrong[3] = (wrong[3] + 1) % 10
    path = tmp_path / "one_wrong.png"
    fig = figures.plot_images(images, labels, predictions=wrong, path=path)
    assert "WRONG" in fig.axes[3].get_title()
    assert "WRONG" not in fig.axes[2].get_title()
    assert is_red(read_png(path)).sum() > 400  # the red frame and title stand out


def test_plot_images_checks_lengths(test_small):
    with pytest.raises(ValueError, match="one label"):
        figures.plot_images([test_small[0][0]], [1, 2])
    with pytest.raises(ValueError, match="no images"):
        figures.plot_images([], [])


def test_dpi_scales_the_picture_and_is_checked(tmp_path, test_small):
    fig = figures.plot_images([x for x, _ in test_small[:4]], [y for _, y in test_small[:4]])
    figures.save_figure(fig, tmp_path / "small.png", dpi=50)
    figures.save_figure(fig, tmp_path / "large.png", dpi=200)
    small, large = read_png(tmp_path / "small.png"), read_png(tmp_path / "large.png")
    assert large.shape[1] == 4 * small.shape[1]
    for dpi in (0, -5, 10**7, float("nan"), "150", True):
        with pytest.raises(ValueError, match="dpi"):
            figures.save_figure(fig, tmp_path / "bad.png", dpi=dpi)
    assert not (tmp_path / "bad.png").exists()
    # the range the commands allow, checked before any drawing
    assert figures.check_dpi(150) == 150.0
    for dpi in (10, 10**4, float("inf")):
        with pytest.raises(ValueError, match="--dpi must be a number from 30 to 600"):
            figures.check_dpi(dpi, "--dpi")


def test_save_into_missing_folder_names_the_folder(tmp_path, test_small):
    fig = figures.plot_images([test_small[0][0]], [test_small[0][1]])
    missing = tmp_path / "no" / "such"
    with pytest.raises(FileNotFoundError, match="such"):
        figures.save_figure(fig, missing / "digits.png")
    with pytest.raises(ValueError, match="not an image format"):
        figures.save_figure(fig, tmp_path / "digits.txt")


def test_saving_is_atomic_and_leaves_no_temporary_files(tmp_path, test_small):
    path = tmp_path / "digits.png"
    path.write_bytes(b"old")
    figures.plot_images([test_small[0][0]], [test_small[0][1]], path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(os.listdir(tmp_path)) == ["digits.png"]


def test_confidently_wrong_gallery_shows_how_sure_and_the_runner_up(tmp_path, test_small):
    # the shipped [784, 10] network: its outputs read 1.00 and 0.00 on its worst mistakes
    net = Network.load(shipped_network("mnist-784-10.json"))
    path = tmp_path / "wrong.png"
    fig = figures.plot_confidently_wrong(net, test_small, count=10, path=path)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(titles) == 10
    for title in titles:
        label, guess, z_guess, z_next = title.splitlines()
        assert guess.startswith("net: ") and guess.endswith("WRONG")
        assert z_guess.startswith(guess.split()[1] + ": z = ") and z_next.startswith("next ")
    # the z's tell the images apart (the outputs would all read "1.00 vs 0.00")
    assert len({title.splitlines()[2].split("= ")[1] for title in titles}) > 5
    assert is_red(read_png(path)).sum() > 1000


def test_weight_images_share_one_symmetric_scale(tmp_path, trained):
    net, _ = trained
    path = tmp_path / "weights.png"
    fig = figures.plot_weight_images(net.weights[0], columns=5, path=path)
    vmin, vmax = fig.weight_limits
    assert vmin == -vmax and vmax > 0
    images = [im for ax in fig.axes for im in ax.get_images()]
    assert len(images) == 10
    for im in images:  # the same colour scale on every tile
        assert im.norm.vmin == vmin and im.norm.vmax == vmax
    assert len(fig.axes) == 11  # ten tiles and a colour bar
    picture = read_png(path)
    assert picture.shape[1] > picture.shape[0]  # two rows of five, plus the bar
    assert picture.shape[1] >= 1200
    # arrows at the ends of the colour bar only when some weight lies beyond it
    assert images[-1].colorbar.extend == "both"
    fig = figures.plot_weight_images(net.weights[0], limit=np.abs(net.weights[0]).max())
    assert fig.axes[9].get_images()[0].colorbar.extend == "neither"


def test_weights_near_the_largest_float_are_drawn(tmp_path):
    rows = [[1e308 if (j + k) % 2 else -1e308 for k in range(784)] for j in range(3)]
    path = tmp_path / "huge.png"
    fig = figures.plot_weight_images(rows, path=path)
    assert all(np.isfinite(fig.weight_limits))
    picture = read_png(path)
    dark_red = (np.abs(picture - [103, 0, 31]).sum(axis=2) < 30).sum()
    dark_blue = (np.abs(picture - [5, 48, 97]).sum(axis=2) < 30).sum()
    assert dark_red > 1000 and dark_blue > 1000  # drawn in the end colours of the scale


def test_learning_curves_epoch_ticks_and_visible_epoch_means(tmp_path, trained):
    _, history = trained
    path = tmp_path / "curves.png"
    fig = figures.plot_learning_curves(history, path=path)
    assert [ax.get_title() for ax in fig.axes] == ["Cost", "Accuracy"]
    for ax in fig.axes:
        ticks = tick_values(ax.xaxis)
        assert ticks and all(float(t).is_integer() for t in ticks)  # whole epochs only
        lines = {line.get_label(): line for line in ax.get_lines()}
        means = lines["training, epoch mean"]
        average = next(line for name, line in lines.items() if name.startswith("training, moving"))
        # drawn over the line of the same colour, hollow: never hidden by it
        assert means.get_zorder() > average.get_zorder()
        assert means.get_markerfacecolor() != means.get_markeredgecolor()
    picture = read_png(path)
    assert picture.std() > 10 and picture.shape[1] >= 1500
    # the saved history is enough to plot later
    saved = tmp_path / "history.json"
    history.save(saved)
    fig = figures.plot_learning_curves(History.load(saved).to_dict())
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="empty"):
        figures.plot_learning_curves(History())


def test_plot_confusion_matrix_on_real_predictions(tmp_path, trained, test_small):
    net, _ = trained
    result = evaluate(net, test_small)
    matrix = confusion_matrix([label for _, label in test_small], result.predictions)
    path = tmp_path / "confusion.png"
    fig = figures.plot_confusion_matrix(matrix, path=path)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 100  # one count per cell
    assert sum(int(t) for t in texts) == len(test_small)
    notes = [t.get_text() for t in fig.texts]
    assert "Most confused pairs:" in notes
    assert any(" read as " in note and "; " in note for note in notes)  # one line per pair
    bar_ticks = tick_values(fig.axes[1].yaxis)
    assert len(bar_ticks) > 2 and all(float(t).is_integer() for t in bar_ticks)  # counts
    picture = read_png(path)
    assert picture.std() > 10 and min(picture.shape[:2]) >= 1200
