"""Pictures of a network and of its training: digits, weights, curves, confusions, GIFs.

This is where students *see* what the network learned. Every function here
builds a matplotlib Figure (never pyplot, so there is no global state and no
display is needed), returns it, and saves it when given a ``path``. The core
modules never import this one: matplotlib, imageio (to write GIFs), and
numpy and Pillow (which matplotlib needs anyway) are imported only here.

What each picture shows:
    plot_images            a grid of digits titled with their labels; with
                           predictions, the wrong ones in red with a red frame
    plot_confidently_wrong the test images the network got wrong while most sure
    plot_weight_images     each neuron's 784 incoming weights as a 28 x 28 image,
                           on one colour scale centred on zero, shared by every tile
    looks_for              what each output digit "looks for" through the hidden
                           layers: the product of the weight matrices
    plot_learning_curves   cost and accuracy per mini-batch (with a moving average)
                           and per epoch, training and validation together
    plot_confusion_matrix  how often digit i was taken for digit j
    write_weight_gifs      GIFs of weight images changing while a network learns

Colour conventions: digits are drawn as ink on paper (``gray_r``: 0 = white,
1 = black); weights use a diverging map (``RdBu_r``): red = positive (ink
there pushes the neuron up), blue = negative, white = zero.

Saving is atomic (a temporary file, then a rename), and a missing output
folder raises FileNotFoundError naming the folder.
"""

import io
import os

import imageio.v3 as iio
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from PIL import Image

from .fileio import atomic_write_bytes, check_writable
from .linalg import argmax

__all__ = [
    "DIGIT_CMAP", "WEIGHT_CMAP", "save_figure", "check_figure_path", "to_image",
    "plot_images", "confidently_wrong", "plot_confidently_wrong",
    "symmetric_limit", "plot_weight_images", "looks_for", "weight_product", "moving_average",
    "plot_learning_curves", "confusion_matrix", "most_confused_pairs",
    "plot_confusion_matrix", "render_weight_frames", "gif_palette", "nearest_colors",
    "write_gif", "write_weight_gifs",
]

DIGIT_CMAP = "gray_r"     # ink on paper: pixel 0.0 is white, 1.0 is black
WEIGHT_CMAP = "RdBu_r"    # diverging: blue < 0 < red, white at zero
RIGHT_COLOR = "#1a7f37"   # green title for a right prediction
WRONG_COLOR = "#cf222e"   # red title and frame for a wrong one
SIDE = 28                 # MNIST images are SIDE x SIDE pixels


# ----------------------------------------------------------------- saving

# What save_figure writes: matplotlib's formats that need nothing else installed
# (its .pgf needs LaTeX, its .raw/.rgba are not image files).
FIGURE_FORMATS = ("png", "svg", "pdf", "jpg", "jpeg", "eps", "ps", "tif", "tiff", "webp")


def check_figure_path(path):
    """Check, before any work, that a figure can be written to ``path``; return its format.

    Raises:
        FileNotFoundError, IsADirectoryError: see ``fileio.check_writable``.
        ValueError: the figures are not written in the format of that suffix (no suffix
            means PNG).
    """
    check_writable(path)
    fmt = os.path.splitext(os.fspath(path))[1].lstrip(".").lower() or "png"
    if fmt not in FIGURE_FORMATS:
        raise ValueError("cannot write %s: %r is not an image format the figures are written in "
                         "(use %s)" % (path, "." + fmt, ", ".join("." + f for f in FIGURE_FORMATS)))
    return fmt


def save_figure(fig, path, dpi=100):
    """Render ``fig`` and write it to ``path`` atomically; the format comes from the suffix.

    Args:
        fig: a matplotlib Figure.
        path: where to write, e.g. "weights.png" (".png", ".svg", ".pdf").

    Raises:
        FileNotFoundError: the folder of ``path`` does not exist.
        ValueError: matplotlib cannot write the format of that suffix.
    """
    fmt = check_figure_path(path)
    FigureCanvasAgg(fig)  # attach a canvas that renders without a display
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi)
    atomic_write_bytes(path, buffer.getvalue())


def _new_figure(width, height, layout=None):
    """A Figure of ``width`` x ``height`` inches with an Agg canvas (no pyplot, no display)."""
    fig = Figure(figsize=(width, height), layout=layout)
    FigureCanvasAgg(fig)
    return fig


def _finish(fig, path):
    if path is not None:
        save_figure(fig, path)
    return fig


def to_image(vector):
    """A flat Vector of 784 values as a 28 x 28 numpy array (row by row, as MNIST stores it)."""
    array = np.asarray(vector, dtype=float)
    if array.size != SIDE * SIDE:
        raise ValueError("an image needs %d values, got %d" % (SIDE * SIDE, array.size))
    return array.reshape(SIDE, SIDE)


def _grid_shape(count, columns):
    columns = max(1, min(columns, count))
    return (count + columns - 1) // columns, columns


def _bare(ax):
    """Hide the ticks of an image tile (the frame stays, to be coloured)."""
    ax.set_xticks([])
    ax.set_yticks([])


# ----------------------------------------------------------------- digits

def plot_images(images, labels, predictions=None, columns=10, title=None, notes=None, path=None):
    """A grid of digits, each titled with its label (and the network's guess).

    With ``predictions``, a right guess gets a green title "label 7 / net: 7
    right" and a wrong one a red title "label 9 / net: 4 WRONG" and a thick
    red frame, so the mistakes stand out at a glance (and without colour, by
    their text).

    Args:
        images: list of Vectors of 784 pixels in [0, 1].
        labels: the true digit of each image.
        predictions: optional list of the network's digit for each image.
        columns: tiles per row.
        title: optional title over the grid.
        notes: optional list of short strings added under each tile's title
            (e.g. the network's confidence).
        path: optional file to save to.

    Returns:
        The matplotlib Figure.
    """
    count = len(images)
    if count == 0:
        raise ValueError("no images to plot")
    if len(labels) != count or (predictions is not None and len(predictions) != count):
        raise ValueError("need one label (and prediction) per image: %d images, %d labels"
                         % (count, len(labels)))
    rows, columns = _grid_shape(count, columns)
    lines = 1 + (predictions is not None) + (notes is not None)
    tile_height = 1.1 + 0.17 * lines
    fig = _new_figure(1.15 * columns, tile_height * rows + (0.4 if title else 0.1),
                      layout="constrained")
    for i, image in enumerate(images):
        ax = fig.add_subplot(rows, columns, i + 1)
        ax.imshow(to_image(image), cmap=DIGIT_CMAP, vmin=0.0, vmax=1.0, interpolation="nearest")
        _bare(ax)
        text, color = "label %d" % labels[i], "black"
        if predictions is not None:
            right = predictions[i] == labels[i]
            color = RIGHT_COLOR if right else WRONG_COLOR
            text += "\nnet: %d %s" % (predictions[i], "right" if right else "WRONG")
            if not right:
                for spine in ax.spines.values():
                    spine.set_edgecolor(WRONG_COLOR)
                    spine.set_linewidth(3)
        if notes is not None:
            text += "\n" + notes[i]
        ax.set_title(text, fontsize=9, color=color, pad=3)
    if title:
        fig.suptitle(title, fontsize=12)
    return _finish(fig, path)


def confidently_wrong(network, data, count=20, predictions=None):
    """The wrongly classified examples the network was most sure about.

    Sigmoid outputs saturate: many wrong guesses have an output of 1.00, so
    "most sure" is measured by the margin: the output of the wrong guess minus
    the output of the true label's neuron (both in (0, 1)). A margin near 1
    means the network shouted the wrong digit and ignored the right one.

    Args:
        network: a Network.
        data: list of (x, label).
        count: how many to return at most.
        predictions: optional, the network's digit for each example (as in
            ``evaluate(network, data).predictions``); then only the wrong
            ones are fed forward again, for their outputs.

    Returns:
        list of (x, label, predicted, output_predicted, output_label),
        largest margin output_predicted - output_label first.
    """
    if predictions is not None:
        data = [example for example, p in zip(data, predictions) if p != example[1]]
    wrong = []
    for x, label in data:
        output = network.feedforward(x)
        predicted = argmax(output)
        if predicted != label:
            wrong.append((x, label, predicted, output[predicted], output[label]))
    wrong.sort(key=lambda item: item[4] - item[3])
    return wrong[:count]


def plot_confidently_wrong(network, data, count=20, columns=10, path=None, predictions=None):
    """A gallery of the ``count`` most confidently wrong images of ``data``.

    Under each image: the network's output for its (wrong) guess and for the
    true label. ``predictions``: optional, as in ``confidently_wrong``.

    Returns:
        The matplotlib Figure (titled with how many of ``data`` were wrong).
    """
    wrong = confidently_wrong(network, data, count=len(data), predictions=predictions)
    if not wrong:
        raise ValueError("the network got every one of the %d images right" % len(data))
    shown = wrong[:count]
    return plot_images(
        [item[0] for item in shown], [item[1] for item in shown], [item[2] for item in shown],
        columns=columns, notes=["%.2f vs %.2f" % (item[3], item[4]) for item in shown],
        title="The %d most confidently wrong of %s images (%s wrong in all)\n"
              "under each: the output for the guess vs. the output for the label"
              % (len(shown), format(len(data), ","), format(len(wrong), ",")),
        path=path)


# ----------------------------------------------------------------- weights

def symmetric_limit(arrays, percentile=99.5):
    """The end of a shared colour scale [-limit, limit] for all of ``arrays``.

    A few weights (often at pixels that are almost never inked) can be much
    larger than the rest; scaling to them would wash every other weight out
    to white. So the limit is the ``percentile``-th percentile of the
    absolute values of each array, the largest over the arrays (for GIF
    frames: usually the last one). Values beyond it are drawn in the end
    colour, and the colour bar has arrows to say so. ``percentile=100`` gives
    the plain largest absolute value.

    Never returns 0 (all-zero weights get the scale [-1, 1]), so a colour
    scale built from it is always valid.
    """
    limit = max((float(np.percentile(np.abs(a), percentile)) for a in arrays if np.size(a)),
                default=0.0)
    return limit if limit > 0 else 1.0


def looks_for(network):
    """What each output neuron "looks for" in the input, through every hidden layer.

    The product W_L ... W_2 W_1 of the weight matrices (biases and sigmoids
    left out): row j says how much each pixel, passed straight through the
    hidden layers as if they were linear, pushes output neuron j up or down.
    It is a rough picture, not the exact function the network computes, but it
    shows which strokes vote for each digit. For a network without hidden
    layers it is just the weights.

    Returns:
        numpy array of shape (sizes[-1], sizes[0]).
    """
    return weight_product(network.weights)


def weight_product(weights):
    """W_L ... W_2 W_1 of a list of weight matrices (see ``looks_for``), as a numpy array."""
    product = np.asarray(weights[0], dtype=float)
    for w in weights[1:]:
        product = np.asarray(w, dtype=float) @ product
    return product


def plot_weight_images(rows, titles=None, columns=10, title=None, limit=None,
                       colorbar_label="weight", path=None):
    """Each row of a weight matrix as a 28 x 28 image, all on one colour scale.

    The scale is symmetric, [-limit, limit], with white at zero, and is the
    same for every tile, so two tiles can be compared by colour; a colour bar
    shows it.

    Args:
        rows: a Matrix (or 2-D array) of shape (neurons, 784): row j holds
            neuron j's incoming weights, e.g. ``network.weights[0]``.
        titles: optional title per tile (default "0", "1", ...).
        columns: tiles per row.
        title: optional title over the grid.
        limit: the scale's end; default ``symmetric_limit`` of the tiles (the
            99.5th percentile of each tile's |weight|, the largest over the
            tiles; larger weights get the end colour).
        path: optional file to save to.

    Returns:
        The matplotlib Figure. ``fig.weight_limits`` is the (vmin, vmax) used.
    """
    images = [to_image(row) for row in rows]
    if not images:
        raise ValueError("no weight rows to plot")
    if titles is None:
        titles = [str(j) for j in range(len(images))]
    limit = symmetric_limit(images) if limit is None else float(limit)
    rows_count, columns = _grid_shape(len(images), columns)
    fig = _new_figure(1.3 * columns + 1.2, 1.45 * rows_count + (0.5 if title else 0.2),
                      layout="constrained")
    norm = Normalize(vmin=-limit, vmax=limit)
    axes = []
    shown = None
    for j, image in enumerate(images):
        ax = fig.add_subplot(rows_count, columns, j + 1)
        shown = ax.imshow(image, cmap=WEIGHT_CMAP, norm=norm, interpolation="nearest")
        _bare(ax)
        ax.set_title(titles[j], fontsize=9, pad=3)
        axes.append(ax)
    if title:
        fig.suptitle(title, fontsize=12)
    largest = max(float(np.max(np.abs(image))) for image in images)
    bar = fig.colorbar(shown, ax=axes, shrink=0.9, aspect=20 * rows_count,
                       extend="both" if largest > limit else "neither")
    bar.set_label(colorbar_label + " (blue < 0 < red)", fontsize=9)
    bar.ax.tick_params(labelsize=8)
    fig.weight_limits = (-limit, limit)
    return _finish(fig, path)


# ----------------------------------------------------------------- curves

def moving_average(values, window):
    """The mean of each value and the ``window - 1`` values before it.

    The first ``window - 1`` points average over what there is so far, so the
    result has the same length as ``values``.

    Returns:
        numpy array of len(values) floats.
    """
    values = np.asarray(values, dtype=float)
    if window < 1:
        raise ValueError("window must be at least 1, got %r" % (window,))
    if values.size == 0:
        return values
    sums = np.cumsum(np.insert(values, 0, 0.0))
    ends = np.arange(1, values.size + 1)
    starts = np.maximum(ends - window, 0)
    return (sums[ends] - sums[starts]) / (ends - starts)


def plot_learning_curves(history, window=None, title=None, max_raw=5000, path=None):
    """Cost and accuracy as training goes on: per mini-batch, smoothed, and per epoch.

    The x axis counts epochs (examples seen / training examples). Faint lines
    are the single mini-batches, thick lines their moving average over
    ``window`` mini-batches; dots are the epoch means on the training data
    and squares the evaluation (validation) data after each epoch.

    Args:
        history: a training.History (or its to_dict()).
        window: mini-batches per moving average (default: a tenth of an epoch,
            at least 1).
        title: optional title.
        max_raw: draw the single mini-batches only if there are at most this
            many (more make a solid band that hides the curves).
        path: optional file to save to.

    Returns:
        The matplotlib Figure.
    """
    if isinstance(history, dict):
        from .training import History
        history = History.from_dict(history)
    if not history.batch_examples and not history.epochs:
        raise ValueError("the history is empty: nothing to plot")
    n = history.settings.get("training_examples") or (
        history.batch_examples[-1] / max(len(history.epochs), 1) if history.batch_examples else 1)
    batches_per_epoch = max(1, len(history.batch_examples) // max(len(history.epochs), 1))
    if window is None:
        window = max(1, batches_per_epoch // 10)
    x_batch = np.asarray(history.batch_examples, dtype=float) / n
    fig = _new_figure(10, 4.5)
    panels = (("cost", "batch_cost", "train_cost", "evaluation_cost",
               "mean cost 1/2 ||a - y||^2 (log scale)"),
              ("accuracy", "batch_accuracy", "train_accuracy", "evaluation_accuracy",
               "accuracy (%)"))
    for i, (name, batch_key, train_key, eval_key, ylabel) in enumerate(panels):
        ax = fig.add_subplot(1, 2, i + 1)
        scale = 100.0 if name == "accuracy" else 1.0
        values = np.asarray(getattr(history, batch_key), dtype=float) * scale
        if values.size and values.size <= max_raw:
            ax.plot(x_batch, values, color="#9ecae1", linewidth=0.4, alpha=0.35,
                    label="training, per mini-batch")
        if values.size:
            ax.plot(x_batch, moving_average(values, window), color="#08519c", linewidth=1.8,
                    label="training, moving average (%d batches)" % window)
        epochs = history.epochs
        x_epoch = [e["examples_seen"] / n for e in epochs]
        if epochs:
            ax.plot(x_epoch, [e[train_key] * scale for e in epochs], "o", color="#08519c",
                    markersize=5, label="training, epoch mean")
        scored = [e for e in epochs if eval_key in e]
        if scored:
            ax.plot([e["examples_seen"] / n for e in scored], [e[eval_key] * scale for e in scored],
                    "s-", color="#d94801", markersize=5, linewidth=1.5,
                    label="validation, end of epoch")
        ax.set_xlabel("epochs of training")
        ax.set_ylabel(ylabel)
        ax.set_title("Accuracy" if name == "accuracy" else "Cost", fontsize=11)
        ax.grid(True, alpha=0.3)
        if name == "accuracy":
            # the first batches are near 10% (guessing): start the axis near the epochs' values
            per_epoch = [e[eval_key] for e in scored] or [e[train_key] for e in epochs]
            bottom = max(0.0, min(80.0, 100 * min(per_epoch) - 10)) if per_epoch else 0.0
            ax.set_ylim(bottom, 100.5)
        else:
            # the cost falls by a factor of ten or more: a log scale shows all of its fall
            ax.set_yscale("log")
    handles, names = fig.axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=len(names), fontsize=8.5, frameon=False)
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return _finish(fig, path)


# ----------------------------------------------------------------- confusions

def confusion_matrix(labels, predictions, classes=10):
    """Count how often each true label got each prediction.

    Returns:
        Matrix (list of lists of ints) of shape (classes, classes):
        ``m[i][j]`` = number of examples with label i predicted as j.
    """
    if len(labels) != len(predictions):
        raise ValueError("%d labels but %d predictions" % (len(labels), len(predictions)))
    matrix = [[0] * classes for _ in range(classes)]
    for label, predicted in zip(labels, predictions):
        matrix[label][predicted] += 1
    return matrix


def most_confused_pairs(matrix, top=5):
    """The pairs of digits mixed up most often, in either direction.

    Returns:
        list of (a, b, a_as_b, b_as_a) with a < b, largest a_as_b + b_as_a
        first (ties: smaller digits first); pairs never confused are left out.
    """
    pairs = []
    classes = len(matrix)
    for a in range(classes):
        for b in range(a + 1, classes):
            if matrix[a][b] + matrix[b][a] > 0:
                pairs.append((a, b, matrix[a][b], matrix[b][a]))
    pairs.sort(key=lambda p: (-(p[2] + p[3]), p[0], p[1]))
    return pairs[:top]


def plot_confusion_matrix(matrix, title=None, top=5, path=None):
    """A heatmap of the confusion matrix with the count in every cell.

    The right answers (the diagonal) are grey with bold counts; the mistakes
    are coloured on their own scale, so that a handful of 4-taken-for-9 is not
    washed out by a thousand right 1s. The most-confused pairs are listed
    under the matrix.

    Args:
        matrix: from ``confusion_matrix``: rows = true digit, columns = predicted.
        title: optional title (default: the accuracy).
        top: how many confused pairs to list.
        path: optional file to save to.

    Returns:
        The matplotlib Figure.
    """
    counts = np.asarray(matrix, dtype=float)
    classes = counts.shape[0]
    total = counts.sum()
    correct = np.trace(counts)
    errors = counts.copy()
    np.fill_diagonal(errors, np.nan)  # NaN cells are drawn in the "bad" colour (grey)
    fig = _new_figure(7.2, 7.2)
    ax = fig.add_axes((0.1, 0.14, 0.74, 0.74))
    error_max = max(1.0, np.nanmax(errors) if classes > 1 else 1.0)
    cmap = _colormap("Reds", bad="#d9d9d9")
    shown = ax.imshow(errors, cmap=cmap, vmin=0, vmax=error_max)
    for i in range(classes):
        for j in range(classes):
            value = int(counts[i, j])
            dark = i != j and value > 0.6 * error_max
            ax.text(j, i, str(value), ha="center", va="center", fontsize=8 if value < 1000 else 7,
                    fontweight="bold" if i == j else "normal",
                    color="white" if dark else ("black" if value or i == j else "#aaaaaa"))
    ax.set_xticks(range(classes))
    ax.set_yticks(range(classes))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    if title is None:
        title = "Confusion matrix: %d of %d right (%.2f%%)" % (
            correct, total, 100 * correct / total if total else 0.0)
    fig.suptitle(title, fontsize=12, y=0.985)
    bar_ax = fig.add_axes((0.86, 0.14, 0.03, 0.74))
    bar = fig.colorbar(shown, cax=bar_ax)
    bar.set_label("mistakes (the grey diagonal is right)", fontsize=9)
    pairs = most_confused_pairs(matrix, top=top)
    if pairs:
        text = "Most confused pairs:  " + ",   ".join(
            "%d and %d (%d)" % (a, b, ab + ba) for a, b, ab, ba in pairs)
        fig.text(0.5, 0.07, text, ha="center", fontsize=9.5)
        a, b, ab, ba = pairs[0]
        fig.text(0.5, 0.035, "(%d and %d: a %d was taken for a %d %d times, a %d for a %d %d times)"
                 % (a, b, a, b, ab, b, a, ba),
                 ha="center", fontsize=8.5, color="#555555")
    return _finish(fig, path)


def _colormap(name, bad):
    import matplotlib
    return matplotlib.colormaps[name].with_extremes(bad=bad)


# ----------------------------------------------------------------- GIFs

def render_weight_frames(frames, captions, titles, limit, columns=5, tile_inches=1.5):
    """Draw a sequence of weight-image grids as RGB pictures, one per frame.

    One figure is built once; each frame only swaps the image data and the
    caption, so every frame has the same layout and the same colour scale
    [-limit, limit] (nothing flickers but the weights themselves).

    Args:
        frames: list of frames; each frame a list of tiles, each tile 784
            numbers (one neuron's weights), the same number of tiles per frame.
        captions: one caption per frame (e.g. examples seen, accuracy).
        titles: one title per tile (e.g. the digit).
        limit: the colour scale is [-limit, limit] on every frame.
        columns: tiles per row.
        tile_inches: size of a tile (at 100 pixels per inch).

    Returns:
        list of numpy uint8 arrays of shape (height, width, 3).
    """
    if not frames:
        raise ValueError("no frames to render")
    if len(captions) != len(frames):
        raise ValueError("%d frames but %d captions" % (len(frames), len(captions)))
    tiles = len(frames[0])
    rows, columns = _grid_shape(tiles, columns)
    bar_inches = 0.9  # the colour bar, right of the tiles
    top_inches = 0.5  # room for the caption
    width = tile_inches * columns + bar_inches + 0.2
    height = (tile_inches + 0.25) * rows + top_inches + 0.1
    fig = _new_figure(width, height)
    norm = Normalize(vmin=-limit, vmax=limit)
    images = []
    for j in range(tiles):
        r, c = divmod(j, columns)
        left = (0.1 + c * tile_inches) / width
        bottom = 1 - (top_inches + (r + 1) * (tile_inches + 0.25) - 0.05) / height
        ax = fig.add_axes((left, bottom, (tile_inches - 0.1) / width, (tile_inches - 0.1) / height))
        images.append(ax.imshow(to_image(frames[0][j]), cmap=WEIGHT_CMAP, norm=norm,
                                interpolation="nearest"))
        _bare(ax)
        ax.set_title(titles[j], fontsize=10, pad=2)
    grid_bottom = 1 - (top_inches + rows * (tile_inches + 0.25) - 0.05) / height
    grid_top = 1 - (top_inches + 0.2) / height
    cax = fig.add_axes((1 - (bar_inches - 0.1) / width, grid_bottom, 0.12 / width,
                        grid_top - grid_bottom))
    # Arrows at the ends of the bar when some weight, in some frame, lies
    # beyond the scale and is drawn in the end colour.
    largest = max(float(np.max(np.abs(np.asarray(frame, dtype=float)))) for frame in frames)
    bar = fig.colorbar(images[0], cax=cax, extend="both" if largest > limit else "neither")
    bar.ax.tick_params(labelsize=7)
    caption = fig.text(0.5, 1 - (top_inches - 0.08) / height,
                       "", ha="center", va="bottom", fontsize=9 if columns > 1 else 7.5)
    canvas = fig.canvas
    pictures = []
    for frame, text in zip(frames, captions):
        if len(frame) != tiles:
            raise ValueError("every frame needs %d tiles, got %d" % (tiles, len(frame)))
        for shown, tile in zip(images, frame):
            shown.set_data(to_image(tile))
        caption.set_text(text)
        canvas.draw()
        pictures.append(np.asarray(canvas.buffer_rgba())[:, :, :3].copy())
    return pictures


def gif_palette(cmap=WEIGHT_CMAP, colors=96, greys=32):
    """One fixed GIF palette for weight pictures: the colour map plus a grey ramp.

    A GIF has at most 256 colours per frame. ``colors`` evenly spaced colours
    of ``cmap`` cover the weight tiles and the colour bar; ``greys`` shades
    from black to white cover the text, the frames and the white background.

    Returns:
        numpy uint8 array of shape (colors + greys, 3).
    """
    import matplotlib
    ramp = matplotlib.colormaps[cmap](np.linspace(0.0, 1.0, colors))[:, :3]
    grey = np.repeat(np.linspace(0.0, 1.0, greys)[:, None], 3, axis=1)
    return np.round(np.concatenate([ramp, grey]) * 255).astype(np.uint8)


def nearest_colors(picture, palette):
    """For each pixel of an RGB picture, the index of the nearest palette colour.

    Exact (Euclidean distance in RGB), so a colour that is in the palette
    always maps to itself. Works on the picture's distinct colours only,
    which are few (a few hundred), not on every pixel.

    Args:
        picture: uint8 array (height, width, 3).
        palette: uint8 array (n, 3), n <= 256.

    Returns:
        uint8 array (height, width) of palette indices.
    """
    pixels = np.asarray(picture, dtype=np.int64).reshape(-1, 3)
    packed = (pixels[:, 0] << 16) | (pixels[:, 1] << 8) | pixels[:, 2]
    distinct, where = np.unique(packed, return_inverse=True)
    rgb = np.stack([distinct >> 16, (distinct >> 8) & 255, distinct & 255], axis=1)
    distances = ((rgb[:, None, :] - palette[None, :, :].astype(np.int64)) ** 2).sum(axis=2)
    nearest = distances.argmin(axis=1).astype(np.uint8)
    return nearest[where.reshape(-1)].reshape(picture.shape[:2])


CAPTION_SEPARATOR = "  |  "  # between the parts of a GIF frame's caption
MAX_GIF_SECONDS = 655.35   # a frame's delay: 16 bits of hundredths of a second
MAX_GIF_LOOP = 65536       # plays: the NETSCAPE extension stores repeats in 16 bits


def write_gif(path, pictures, duration=0.1, loop=0, last_duration=None, palette=None):
    """Write RGB pictures as an animated GIF, atomically, with ONE palette for all frames.

    Choosing a GIF's (at most 256) colours frame by frame would give the same
    weight slightly different colours in different frames, which flickers.
    So every frame is mapped, without dithering, onto one palette: ``palette``
    if given (see ``gif_palette``), else one chosen from the first, middle and
    last pictures together.

    Args:
        path: the .gif file to write.
        pictures: list of uint8 arrays (height, width, 3), all the same shape.
        duration: seconds each frame is shown.
        loop: how often to play: 0 = forever, 1 = once, n = n times.
        last_duration: seconds the last frame is shown (default: ``duration``).
        palette: optional uint8 array (n, 3) of at most 256 colours.

    Raises:
        FileNotFoundError: the folder of ``path`` does not exist.
        ValueError: no pictures, or a duration or loop count a GIF cannot store.
    """
    check_writable(path)
    if not pictures:
        raise ValueError("no frames to write")
    # A GIF stores each frame's delay in hundredths of a second and the loop
    # count in 16 bits: anything beyond cannot be written faithfully.
    if not 0 <= loop <= MAX_GIF_LOOP:
        raise ValueError("loop must be 0 (forever) to %d, got %r" % (MAX_GIF_LOOP, loop))
    for name, seconds in (("duration", duration), ("last_duration", last_duration)):
        if seconds is not None and not 0 < seconds <= MAX_GIF_SECONDS:
            raise ValueError("%s must be more than 0 and at most %g seconds (the longest delay "
                             "a GIF can store), got %r" % (name, MAX_GIF_SECONDS, seconds))
    if palette is None:
        samples = np.concatenate([pictures[0], pictures[len(pictures) // 2], pictures[-1]])
        chosen = Image.fromarray(samples).quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        palette = np.asarray(chosen.getpalette()[:3 * 256], dtype=np.uint8).reshape(-1, 3)
    palette = np.asarray(palette, dtype=np.uint8)
    if not 1 <= len(palette) <= 256:
        raise ValueError("a GIF palette has 1 to 256 colours, got %d" % len(palette))
    # Every frame as palette indices; the 256-entry palette is padded with its last colour.
    indices = np.stack([nearest_colors(picture, palette) for picture in pictures])
    padded = np.concatenate([palette, np.repeat(palette[-1:], 256 - len(palette), axis=0)])
    ms = max(int(round(duration * 1000)), 10)
    durations = [ms] * len(pictures)
    if last_duration is not None:
        durations[-1] = max(int(round(last_duration * 1000)), 10)
    options = {"duration": durations if len(durations) > 1 else durations[0],
               "optimize": False, "disposal": 1}
    if loop == 0:
        options["loop"] = 0          # the NETSCAPE extension: repeat forever
    elif loop > 1:
        options["loop"] = loop - 1   # repeats after the first play
    buffer = io.BytesIO()
    iio.imwrite(buffer, indices, extension=".gif", plugin="pillow", mode="P", is_batch=True,
                palette=padded.tobytes(), **options)
    atomic_write_bytes(path, buffer.getvalue())


def write_weight_gifs(out_dir, frames, captions, titles, duration=0.1, loop=0,
                      last_duration=None, prefix="digit", limit=None, on_frame=None):
    """One GIF per tile (e.g. per digit) and one grid GIF of all tiles together.

    Args:
        out_dir: an existing folder.
        frames: list of frames; each a list of tiles of 784 weights (see
            ``render_weight_frames``).
        captions: one caption per frame.
        titles: one title per tile; tile j is written to "<prefix>-<j>.gif".
        duration, loop, last_duration: see ``write_gif``.
        limit: the colour scale [-limit, limit] of every frame of every GIF;
            default ``symmetric_limit`` of the frames (the 99.5th percentile of
            |weight| over all tiles of a frame, the largest over the frames; the
            few larger weights get the end colours, and the colour bar's arrows
            say so).
        on_frame: optional callback ``on_frame(done, total)`` as frames are drawn.

    Returns:
        dict with "paths" (the tile GIFs in order, then the grid GIF "<prefix>s.gif"),
        "limits" (the (vmin, vmax) used for every frame) and "frames" (the count).

    Raises:
        FileNotFoundError: ``out_dir`` does not exist.
    """
    if not os.path.isdir(out_dir):
        raise FileNotFoundError("output folder %s does not exist" % out_dir)
    if limit is None:
        limit = symmetric_limit([np.asarray(frame, dtype=float) for frame in frames])
    palette = gif_palette()
    tiles = len(frames[0])
    total = len(frames) * (tiles + 1)
    done = 0
    paths = []
    # A single tile is narrow: its caption's parts go on separate lines.
    one_per_line = [c.replace(CAPTION_SEPARATOR, "\n") for c in captions]
    for j in range(tiles):
        pictures = render_weight_frames([[frame[j]] for frame in frames],
                                        one_per_line,
                                        [titles[j]], limit, columns=1, tile_inches=1.5)
        path = os.path.join(out_dir, "%s-%s.gif" % (prefix, j))
        write_gif(path, pictures, duration, loop, last_duration, palette)
        paths.append(path)
        done += len(frames)
        if on_frame is not None:
            on_frame(done, total)
    pictures = render_weight_frames(frames, captions, titles, limit, columns=5, tile_inches=1.1)
    grid = os.path.join(out_dir, "%ss.gif" % prefix)
    write_gif(grid, pictures, duration, loop, last_duration, palette)
    paths.append(grid)
    if on_frame is not None:
        on_frame(total, total)
    return {"paths": paths, "limits": (-limit, limit), "frames": len(frames)}
