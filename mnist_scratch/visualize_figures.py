"""Figures of a network and of its training: digits, weights, curves, confusions.

This is where students *see* what the network learned. Every function here
builds a matplotlib Figure (never pyplot, so there is no global state and no
display is needed), returns it, and saves it when given a ``path``. The
numbers drawn are computed in analysis.py (standard library only); this
module only draws them.

    plot_images            a grid of digits titled with their labels; with
                           predictions, the wrong ones in red with a red frame
    plot_confidently_wrong the test images the network got wrong while most sure
    plot_weight_images     each neuron's 784 incoming weights as a 28 x 28 image,
                           on one colour scale centred on zero, shared by every tile
    plot_learning_curves   cost and accuracy per mini-batch (with a moving average)
                           and per epoch, training and validation together
    plot_confusion_matrix  how often digit i was taken for digit j

Sizes are for a projector: at the default ``dpi`` (150 pixels per inch) the
smallest text is about 20 pixels high; ``dpi`` scales everything.

Colour conventions: digits are drawn as ink on paper (``gray_r``: 0 = white,
1 = black); weights use a diverging map (``RdBu_r``): red = positive (ink
there pushes the neuron up), blue = negative, white = zero.

Saving is atomic (a temporary file, then a rename), and a missing output
folder raises FileNotFoundError naming the folder.
"""

import io
import os

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from . import analysis
from .fileio import atomic_write_bytes, check_writable

__all__ = ["DIGIT_CMAP", "WEIGHT_CMAP", "DEFAULT_DPI", "MIN_DPI", "MAX_DPI", "FIGURE_FORMATS",
           "check_dpi", "check_figure_path", "save_figure", "new_figure", "to_image",
           "plot_images", "plot_confidently_wrong", "plot_weight_images",
           "plot_learning_curves", "plot_confusion_matrix"]

# How each cost reads on an axis label (costs.py defines them).
COST_FORMULAS = {"quadratic": "1/2 ||a - y||^2",
                 "cross-entropy": "-sum [y ln a + (1-y) ln(1-a)]",
                 "log-likelihood": "-ln a_y"}

DIGIT_CMAP = "gray_r"     # ink on paper: pixel 0.0 is white, 1.0 is black
WEIGHT_CMAP = "RdBu_r"    # diverging: blue < 0 < red, white at zero
RIGHT_COLOR = "#1a7f37"   # green title for a right prediction
WRONG_COLOR = "#cf222e"   # red title and frame for a wrong one
SIDE = 28                 # MNIST images are SIDE x SIDE pixels

# Font sizes in points; at 150 dpi a point is about 2 pixels.
TILE_FONT = 10.5          # the title of each tile
TEXT_FONT = 12            # labels, legends, notes
TITLE_FONT = 15           # the title of a figure

DEFAULT_DPI = 150         # pixels per inch of a saved figure
MIN_DPI, MAX_DPI = 30, 600


# ----------------------------------------------------------------- saving

# What save_figure writes: matplotlib's formats that need nothing else installed
# (its .pgf needs LaTeX, its .raw/.rgba are not image files).
FIGURE_FORMATS = ("png", "svg", "pdf", "jpg", "jpeg", "eps", "ps", "tif", "tiff", "webp")


def check_dpi(dpi, what="dpi", smallest=MIN_DPI, largest=MAX_DPI):
    """Check a resolution before any drawing; return it as a float.

    Raises:
        ValueError: not a number from ``smallest`` to ``largest`` (by default
            MIN_DPI to MAX_DPI: a huge dpi would need gigabytes for one picture).
    """
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not smallest <= dpi <= largest:
        raise ValueError("%s must be a number from %g to %g (pixels per inch), got %.80r"
                         % (what, smallest, largest, dpi))
    return float(dpi)


def check_figure_path(path):
    """Check, before any work, that a figure can be written to ``path``; return its format.

    Raises:
        ValueError, FileNotFoundError, IsADirectoryError, PermissionError: see
            ``fileio.check_writable``; and ValueError if the figures are not
            written in the format of that suffix (no suffix means PNG).
    """
    check_writable(path, "figure")
    fmt = os.path.splitext(os.fspath(path))[1].lstrip(".").lower() or "png"
    if fmt not in FIGURE_FORMATS:
        raise ValueError("cannot write %s: %r is not an image format the figures are written in "
                         "(use %s)" % (path, "." + fmt, ", ".join("." + f for f in FIGURE_FORMATS)))
    return fmt


def save_figure(fig, path, dpi=DEFAULT_DPI):
    """Render ``fig`` and write it to ``path`` atomically; the format comes from the suffix.

    Args:
        fig: a matplotlib Figure.
        path: where to write, e.g. "weights.png" (".png", ".svg", ".pdf").
        dpi: pixels per inch (the figures' sizes are in inches); any positive
            number here: a command checks its own range first (``check_dpi``).

    Raises:
        FileNotFoundError: the folder of ``path`` does not exist.
        ValueError: a format the figures are not written in, or a dpi that is
            not a positive number.
    """
    fmt = check_figure_path(path)
    dpi = check_dpi(dpi, smallest=1e-3, largest=1e6)
    FigureCanvasAgg(fig)  # attach a canvas that renders without a display
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi)
    atomic_write_bytes(path, buffer.getvalue())


def new_figure(width, height, layout=None):
    """A Figure of ``width`` x ``height`` inches with an Agg canvas (no pyplot, no display)."""
    fig = Figure(figsize=(width, height), layout=layout)
    FigureCanvasAgg(fig)
    return fig


def _finish(fig, path, dpi):
    if path is not None:
        save_figure(fig, path, dpi)
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

def plot_images(images, labels, predictions=None, columns=10, title=None, notes=None, path=None,
                dpi=DEFAULT_DPI):
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
        notes: optional list of short strings (one or two lines) added under
            each tile's title (e.g. the network's confidence).
        path: optional file to save to.
        dpi: pixels per inch when saved.

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
    lines = 1 + (predictions is not None)
    if notes is not None:
        lines += max(note.count("\n") + 1 for note in notes)
    tile_height = 1.2 + 0.2 * lines
    title_lines = title.count("\n") + 1 if title else 0
    fig = new_figure(1.3 * columns, tile_height * rows + 0.3 * title_lines + 0.1,
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
        ax.set_title(text, fontsize=TILE_FONT if notes is None else TILE_FONT - 0.5,
                     color=color, pad=3, linespacing=1.15)
    if title:
        fig.suptitle(title, fontsize=TITLE_FONT if title_lines == 1 else TEXT_FONT + 1)
    return _finish(fig, path, dpi)


def plot_confidently_wrong(network, data, count=20, columns=10, path=None, predictions=None,
                           dpi=DEFAULT_DPI):
    """A gallery of the ``count`` most confidently wrong images of ``data``.

    Under each image: the weighted input z of the output neuron of the
    (wrong) guess, and the runner-up digit with its z; often the runner-up is
    the right label. The outputs themselves, sigmoid(z), would read 1.00 and
    0.00 under almost every one of these images: a sure network saturates.
    ``predictions``: optional, as in ``analysis.confidently_wrong``.

    Returns:
        The matplotlib Figure (titled with how many of ``data`` were wrong).
    """
    wrong = analysis.confidently_wrong(network, data, count=len(data), predictions=predictions)
    if not wrong:
        raise ValueError("the network got every one of the %d images right" % len(data))
    shown = wrong[:count]
    notes = ["%d: z = %s\nnext %d: z = %s" % (m.predicted, _number(m.zs[m.predicted]),
                                             m.runner_up, _number(m.zs[m.runner_up]))
             for m in shown]
    return plot_images(
        [m.x for m in shown], [m.label for m in shown], [m.predicted for m in shown],
        columns=columns, notes=notes, dpi=dpi, path=path,
        title="The %d most confidently wrong of %s test images (%s wrong in all)\n"
              "under each: the weighted input z for the guess and for the runner-up "
              "(z keeps growing where the output sigmoid(z) reads 1.00)"
              % (len(shown), format(len(data), ","), format(len(wrong), ",")))


def _number(z):
    """A weighted input for a caption: 12.3, or 1.2e+04 when huge."""
    return "%.1f" % z if abs(z) < 1000 else "%.2g" % z


# ----------------------------------------------------------------- weights

def plot_weight_images(rows, titles=None, columns=10, title=None, limit=None,
                       colorbar_label="weight", path=None, dpi=DEFAULT_DPI):
    """Each row of a weight matrix as a 28 x 28 image, all on one colour scale.

    The scale is symmetric, [-limit, limit], with white at zero, and is the
    same for every tile, so two tiles can be compared by colour; a colour bar
    shows it, with arrows at its ends when some weights lie beyond it.

    Args:
        rows: a Matrix (or 2-D array) of shape (neurons, 784): row j holds
            neuron j's incoming weights, e.g. ``network.weights[0]``.
        titles: optional title per tile (default "0", "1", ...).
        columns: tiles per row.
        title: optional title over the grid.
        limit: the scale's end; default ``analysis.symmetric_limit`` of the
            tiles (the 99.5th percentile of each tile's |weight|, the largest
            over the tiles; larger weights get the end colour).
        colorbar_label: what the colour bar measures.
        path: optional file to save to.
        dpi: pixels per inch when saved.

    Returns:
        The matplotlib Figure. ``fig.weight_limits`` is the (vmin, vmax) used.
    """
    images = [to_image(row) for row in rows]
    if not images:
        raise ValueError("no weight rows to plot")
    if titles is None:
        titles = [str(j) for j in range(len(images))]
    limit = analysis.symmetric_limit(rows) if limit is None else float(limit)
    rows_count, columns = _grid_shape(len(images), columns)
    title_lines = title.count("\n") + 1 if title else 0
    tile = 1.6 if columns <= 5 else 1.3  # inches; few columns get larger tiles
    fig = new_figure(tile * columns + 1.3, (tile + 0.25) * rows_count + 0.35 * title_lines + 0.2,
                     layout="constrained")
    norm = Normalize(vmin=-limit, vmax=limit)
    axes = []
    shown = None
    for j, image in enumerate(images):
        ax = fig.add_subplot(rows_count, columns, j + 1)
        shown = ax.imshow(image, cmap=WEIGHT_CMAP, norm=norm, interpolation="nearest")
        _bare(ax)
        ax.set_title(titles[j], fontsize=TILE_FONT, pad=3)
        axes.append(ax)
    if title:
        fig.suptitle(title, fontsize=TITLE_FONT if title_lines == 1 else TEXT_FONT + 1)
    clipped = analysis.largest_magnitude(rows) > limit
    bar = fig.colorbar(shown, ax=axes, shrink=0.9, aspect=12 * rows_count,
                       extend="both" if clipped else "neither")
    bar.set_label(colorbar_label + " (blue < 0 < red)", fontsize=TEXT_FONT)
    bar.ax.tick_params(labelsize=TEXT_FONT - 1)
    fig.weight_limits = (-limit, limit)
    return _finish(fig, path, dpi)


# ----------------------------------------------------------------- curves

def plot_learning_curves(history, window=None, title=None, max_raw=5000, path=None,
                         dpi=DEFAULT_DPI):
    """Cost and accuracy as training goes on: per mini-batch, smoothed, and per epoch.

    The x axis counts epochs (examples seen / training examples), ticked at
    whole epochs. Faint lines are the single mini-batches, thick lines their
    moving average over ``window`` mini-batches; open circles are the epoch
    means on the training data and squares the evaluation (validation) data
    after each epoch.

    Args:
        history: a training.History (or its to_dict()).
        window: mini-batches per moving average (default: a tenth of an epoch,
            at least 1).
        title: optional title.
        max_raw: draw the single mini-batches only if there are at most this
            many (more make a solid band that hides the curves).
        path: optional file to save to.
        dpi: pixels per inch when saved.

    Returns:
        The matplotlib Figure.
    """
    if isinstance(history, dict):
        from .training import History
        history = History.from_dict(history)
    if not history.batch_examples and not history.epochs:
        raise ValueError("the history is empty: nothing to plot")
    epochs = history.epochs
    n = history.settings.get("training_examples") or (
        history.batch_examples[-1] / max(len(epochs), 1) if history.batch_examples else 1)
    batches_per_epoch = max(1, len(history.batch_examples) // max(len(epochs), 1))
    if window is None:
        window = max(1, batches_per_epoch // 10)
    x_batch = [seen / n for seen in history.batch_examples]
    x_epoch = [e["examples_seen"] / n for e in epochs]
    fig = new_figure(13, 6)
    cost_name = history.settings.get("cost", "quadratic")
    formula = COST_FORMULAS.get(cost_name, cost_name)
    panels = (("Cost", "batch_cost", "train_cost", "evaluation_cost", 1.0,
               "mean cost %s (log scale)" % formula),
              ("Accuracy", "batch_accuracy", "train_accuracy", "evaluation_accuracy", 100.0,
               "accuracy (%)"))
    for i, (name, batch_key, train_key, eval_key, scale, ylabel) in enumerate(panels):
        ax = fig.add_subplot(1, 2, i + 1)
        values = [v * scale for v in getattr(history, batch_key)]
        if values and len(values) <= max_raw:
            ax.plot(x_batch, values, color="#9ecae1", linewidth=0.5, alpha=0.4,
                    label="training, per mini-batch")
        if values:
            ax.plot(x_batch, analysis.moving_average(values, window), color="#08519c",
                    linewidth=2, label="training, moving average (%d batches)" % window)
        if epochs:
            # open circles with a thick edge, drawn on top, so the line cannot hide them
            ax.plot(x_epoch, [e[train_key] * scale for e in epochs], "o", color="#08519c",
                    markerfacecolor="white", markeredgewidth=2, markersize=8, zorder=4,
                    label="training, epoch mean")
        scored = [e for e in epochs if eval_key in e]
        if scored:
            ax.plot([e["examples_seen"] / n for e in scored], [e[eval_key] * scale for e in scored],
                    "s-", color="#d94801", markersize=7, linewidth=2, zorder=3,
                    label="validation, end of epoch")
        ax.set_xlabel("epochs of training", fontsize=TEXT_FONT)
        ax.set_ylabel(ylabel, fontsize=TEXT_FONT)
        ax.set_title(name, fontsize=TEXT_FONT + 1)
        ax.tick_params(labelsize=TEXT_FONT - 1)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # ticks at whole epochs
        ax.grid(True, alpha=0.3)
        if name == "Accuracy":
            # the first batches are near 10% (guessing): start the axis near the epochs' values
            per_epoch = [e[eval_key] for e in scored] or [e[train_key] for e in epochs]
            bottom = max(0.0, min(80.0, 100 * min(per_epoch) - 10)) if per_epoch else 0.0
            ax.set_ylim(bottom, 100.5)
        else:
            # the cost falls by a factor of ten or more: a log scale shows all of its fall
            ax.set_yscale("log")
    handles, names = fig.axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=3 if len(names) == 3 else 2,
               fontsize=TEXT_FONT, frameon=False)
    if title:
        fig.suptitle(title, fontsize=TITLE_FONT)
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    return _finish(fig, path, dpi)


# ----------------------------------------------------------------- confusions

def plot_confusion_matrix(matrix, title=None, top=3, path=None, dpi=DEFAULT_DPI):
    """A heatmap of the confusion matrix with the count in every cell.

    The right answers (the diagonal) are grey with bold counts; the mistakes
    are coloured on their own scale, so that a handful of 4-taken-for-9 is not
    washed out by a thousand right 1s. The most-confused pairs are listed
    under the matrix, one line each (``analysis.describe_pair``).

    Args:
        matrix: from ``analysis.confusion_matrix``: rows = true digit, columns = predicted.
        title: optional title (default: the accuracy).
        top: how many confused pairs to list.
        path: optional file to save to.
        dpi: pixels per inch when saved.

    Returns:
        The matplotlib Figure.
    """
    counts = np.asarray(matrix, dtype=float)
    classes = counts.shape[0]
    total = counts.sum()
    correct = np.trace(counts)
    errors = counts.copy()
    np.fill_diagonal(errors, np.nan)  # NaN cells are drawn in the "bad" colour (grey)
    pairs = analysis.most_confused_pairs(matrix, top=top)
    notes = len(pairs) + 1 if pairs else 0   # lines of text under the matrix
    side, below, above = 6.4, 0.35 + 0.3 * notes, 1.2   # inches: the matrix, under it, over it
    width, height = 8.8, below + side + above
    fig = new_figure(width, height)
    ax = fig.add_axes((0.9 / width, below / height, side / width, side / height))
    error_max = max(1.0, np.nanmax(errors) if classes > 1 else 1.0)
    cmap = matplotlib.colormaps["Reds"].with_extremes(bad="#d9d9d9")
    shown = ax.imshow(errors, cmap=cmap, vmin=0, vmax=error_max)
    for i in range(classes):
        for j in range(classes):
            value = int(counts[i, j])
            dark = i != j and value > 0.6 * error_max
            ax.text(j, i, str(value), ha="center", va="center",
                    fontsize=TILE_FONT if value < 1000 else TILE_FONT - 1.5,
                    fontweight="bold" if i == j else "normal",
                    color="white" if dark else ("black" if value or i == j else "#999999"))
    ax.set_xticks(range(classes))
    ax.set_yticks(range(classes))
    ax.tick_params(labelsize=TEXT_FONT)
    ax.set_xlabel("predicted digit", fontsize=TEXT_FONT)
    ax.set_ylabel("true digit", fontsize=TEXT_FONT)
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    if title is None:
        title = "Confusion matrix: %d of %d right (%.2f%%)" % (
            correct, total, 100 * correct / total if total else 0.0)
    fig.suptitle(title, fontsize=TITLE_FONT - 1, y=1 - 0.12 / height, va="top")
    box = ax.get_position()
    bar_ax = fig.add_axes((box.x1 + 0.03, box.y0, 0.03, box.height))
    bar = fig.colorbar(shown, cax=bar_ax)
    bar.locator = MaxNLocator(integer=True)  # counts: whole numbers only
    bar.update_ticks()
    bar.set_label("mistakes (the grey diagonal is right)", fontsize=TEXT_FONT)
    bar.ax.tick_params(labelsize=TEXT_FONT - 1)
    if pairs:
        lines = ["Most confused pairs:"] + [analysis.describe_pair(p) for p in pairs]
        for k, line in enumerate(lines):
            fig.text(0.08, (0.3 * (notes - k) - 0.05) / height, line, ha="left", va="bottom",
                     fontsize=TEXT_FONT, fontweight="bold" if k == 0 else "normal")
    return _finish(fig, path, dpi)
