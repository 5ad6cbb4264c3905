"""Checks of step 6: pictures of your network (digits, weights, learning curves, a GIF).

The student draws with matplotlib; the checks look at what was drawn twice:
in the Figure the function returns (which axes show an image, what data each
image holds, its colour scale, the lines of a plot) and in the file it saved,
decoded with Pillow (its size, that it is not blank, where it is red). A
picture is for a projector, so a file must be at least MIN_WIDTH pixels wide.

Everything but ``weights_to_image`` needs matplotlib and Pillow (the viz
extra), imported only when a check runs (visualize_checks.py): without them a check
ends in one ERROR that says how to install them, and the command line says so
in one line before it starts (``viz_problem``). ``make_gif`` is optional:
grading gives it no points (see report.py).
"""

import copy
import os

from ..network import Network
from ..visualize_checks import (SAVE_HINT, TRANSPOSED, changed, close_figure,
                                expect_tiles_show, figure_of, fresh_path, gif_frames,
                                image_axes, need_viz, not_blank, read_png, red_per_tile,
                                red_pixels, render, tile_pixels, tiles_per_row)
from .compare import Failed, describe, expect_close, short

TITLE = "pictures of your network: digits, weights, learning curves"

# The functions that draw, and so need matplotlib and Pillow.
NEEDS_VIZ = ("plot_images", "plot_weights", "plot_history", "make_gif")

# Functions whose TODO costs no points when a class is graded.
OPTIONAL = ("make_gif",)

MAX_TILES_A_ROW = 10
MARKED = 20                     # red pixels that make a tile marked
STRAY = 3                       # red pixels an unmarked tile may have (antialiasing)
MOVED = 0.02                    # pixels that change from one GIF frame to the next, at least

MARK_HINT = ("Mark exactly the tiles whose guess differs from the label, in red: e.g. "
             "ax.set_title('7 -> 2', color='red') and a red frame: for spine in "
             "ax.spines.values(): spine.set_color('red'); spine.set_linewidth(3). Draw "
             "the digits in gray (cmap='gray_r') and everything else in black, so that red "
             "means 'wrong'.")
SCALE_HINT = ("One colour scale for every tile, centred at 0: limit = the largest |weight| of "
              "weights[0] (all neurons together), then imshow(..., cmap='RdBu_r', "
              "vmin=-limit, vmax=limit) for each tile, so that white is 0 and a colour means "
              "the same weight in every tile.")
DIVERGING = ("Use a diverging colour map, light in the middle and a different colour at each "
             "end ('RdBu_r', 'bwr', 'coolwarm', 'seismic'), so that positive and negative "
             "weights look different and 0 looks like nothing.")
TWO_PANELS = ("Two panels side by side: fig, (left, right) = plt.subplots(1, 2); "
              "left.plot(epochs, costs) and right.plot(epochs, accuracies), one line each.")
GIF_HINT = ("Draw each snapshot as one picture (e.g. a figure of its weight tiles, saved "
            "into io.BytesIO() and opened with PIL.Image.open), then pictures[0].save(path, "
            "save_all=True, append_images=pictures[1:], duration=milliseconds, loop=0).")


# ------------------------------------------------------------- plot_images

def _images_case(checker, f, count, wrong):
    """Run plot_images on the first ``count`` test images; guesses wrong at ``wrong`` (a
    list of positions), or no guesses when wrong is None. The check's title."""
    examples = checker.examples("test", count)
    images = [list(x) for x, _ in examples]
    labels = [label for _, label in examples]
    guesses = None
    if wrong is not None:
        guesses = [(label + 3) % 10 if k in wrong else label for k, label in enumerate(labels)]
    before = copy.deepcopy((images, labels, guesses))
    path = fresh_path(checker, "digits.png" if wrong is None else "guesses.png")
    args = (images, labels, path) + (() if guesses is None else (guesses,))
    fig = figure_of(checker.call(f, *args), "plot_images")
    try:
        png = read_png(path, "the digits")
        tiles = image_axes(fig)
        if len(tiles) != count:
            raise Failed("%d tiles (axes showing an image), one per image" % count,
                         "%d" % len(tiles), "One ax.imshow per image; turn the unused axes "
                                            "of the grid off (ax.axis('off')).")
        widest = max(tiles_per_row(tiles))
        if widest > MAX_TILES_A_ROW:
            raise Failed("at most %d tiles a row" % MAX_TILES_A_ROW, "a row of %d" % widest,
                         "columns = min(10, n) and rows = (n + columns - 1) // columns.")
        expect_tiles_show(tiles, before[0], "image")
        for k, (ax, label) in enumerate(zip(tiles, before[1])):
            title = " ".join(ax.get_title(loc) for loc in ("left", "center", "right"))
            if str(label) not in title:
                raise Failed("tile %d titled with its label, %d" % (k, label),
                             "the title %r" % title.strip(),
                             "ax.set_title(str(labels[k])) for tile k (e.g. 'label 7').")
        for k, red in enumerate(red_per_tile(tiles, *render(fig))):
            if wrong is not None and k in wrong and red < MARKED:
                raise Failed("tile %d (label %d, guess %d) marked in red"
                             % (k, before[1][k], before[2][k]),
                             "no red there" if red == 0 else "only %d red pixels" % red,
                             MARK_HINT)
            if (wrong is None or k not in wrong) and red > STRAY:
                raise Failed("no red on tile %d: %s" % (k, "no guesses were given" if wrong is None
                                                        else "its guess is right"),
                             "%d red pixels" % red, MARK_HINT)
        red = red_pixels(png)
        if wrong and red < MARKED:
            raise Failed("red marks in the saved picture", "none", "Save after marking: "
                         "fig.savefig(path) at the end.")
        if not wrong and red > STRAY * count:
            raise Failed("nothing red in the saved picture (no guesses were given)",
                         "%d red pixels" % red, MARK_HINT)
        if (images, labels, guesses) != before:
            raise Failed("the lists unchanged", "plot_images changed them",
                         "Read the images, labels and guesses; do not change them.")
    finally:
        close_figure(fig)
    rows = len(tiles_per_row(tiles))
    if wrong is None:
        return ("plot_images(%d test images, labels, path) saves a %d x %d PNG: %d tiles in "
                "%d rows, titled with their labels, nothing red" % (count, png.size[0],
                                                                    png.size[1], count, rows))
    return ("plot_images(..., guesses) marks in red exactly the %d tiles whose guess is wrong "
            "(tiles %s)" % (len(wrong), ", ".join(map(str, wrong))))


def check_plot_images(checker, f):
    need_viz()
    yield _images_case(checker, f, 12, None)
    yield _images_case(checker, f, 12, [1, 6, 10])


# ------------------------------------------------------------- weights_to_image

def _image_case(checker, f, row, what):
    before = list(row)
    expected = [row[28 * k:28 * k + 28] for k in range(28)]
    transposed = [[row[28 * c + k] for c in range(28)] for k in range(28)]
    given = list(row)
    got = checker.call(f, given)
    if isinstance(got, (list, tuple)) and len(got) == 784:
        raise Failed("28 rows of 28 numbers", describe(got),
                     "Cut the row into 28 pieces: [row[28 * k:28 * k + 28] for k in range(28)].")
    expect_close(expected, got, tol=0, hint="Row k of the image is row[28 * k:28 * k + 28].",
                 diagnoses=[(transposed, TRANSPOSED)])
    if given != before:
        raise Failed("the row unchanged", "weights_to_image changed it", "Build new lists.")
    return "weights_to_image(%s) == its 28 rows of 28" % what


def check_weights_to_image(checker, f):
    yield _image_case(checker, f, [k / 784 for k in range(784)], "[0/784, 1/784, ..., 783/784]")
    row = Network([784, 30, 10], seed=6).weights[0][0]
    yield _image_case(checker, f, row, "the weights into a hidden neuron")


# ------------------------------------------------------------- plot_weights

def _luminance(rgba):
    r, g, b = rgba[:3]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _check_scale(tiles, rows):
    """Every tile on one colour scale, centred at 0, with a diverging colour map."""
    largest = max(abs(w) for row in rows for w in row)
    ends = []
    for k, (ax, row) in enumerate(zip(tiles, rows)):
        shown = tile_pixels(ax, k)
        # What the tile shows may be the weights times a number c (one for all tiles).
        c = sum(s * w for s, w in zip(shown, row)) / sum(w * w for w in row)
        norm = ax.images[0].norm
        centre, end = float(norm(0.0)), float(norm(c * largest))
        if abs(centre - 0.5) > 0.01:
            raise Failed("a colour scale centred at 0 (white = weight 0) in tile %d" % k,
                         "weight 0 at %.0f%% of the colour map" % (100 * centre), SCALE_HINT)
        ends.append(end)
        cmap = ax.images[0].get_cmap()
        low, middle, high = cmap(0.0), cmap(0.5), cmap(1.0)
        if (_luminance(middle) <= max(_luminance(low), _luminance(high))
                or sum(abs(a - b) for a, b in zip(low[:3], high[:3])) < 0.5):
            raise Failed("a diverging colour map (e.g. 'RdBu_r')", "%r" % cmap.name, DIVERGING)
    if max(ends) - min(ends) > 1e-6:
        raise Failed("one colour scale for every tile",
                     "a scale of its own per tile (the largest weight is at %.0f%% of the colour "
                     "map in one tile, %.0f%% in another)" % (100 * min(ends), 100 * max(ends)),
                     SCALE_HINT)
    if abs(ends[0] - 0.5) < 0.25:
        raise Failed("a colour scale that shows the weights (the largest |weight| at least "
                     "3/4 of the way to the end colour)",
                     "the largest weight at %.0f%% of the colour map" % (100 * ends[0]),
                     SCALE_HINT)


def check_plot_weights(checker, f):
    need_viz()
    weights = Network([784, 16, 10], seed=7).weights
    before = copy.deepcopy(weights)
    path = fresh_path(checker, "weights.png")
    fig = figure_of(checker.call(f, weights, path), "plot_weights")
    try:
        png = read_png(path, "the weights")
        tiles = image_axes(fig)
        if len(tiles) != len(weights[0]):
            raise Failed("%d tiles, one per hidden neuron (a row of weights[0])"
                         % len(weights[0]), "%d" % len(tiles),
                         "weights[0] has one row of 784 weights per hidden neuron: one "
                         "ax.imshow(weights_to_image(row)) per row.")
        expect_tiles_show(tiles, before[0], "the weights of neuron")
        _check_scale(tiles, before[0])
    finally:
        close_figure(fig)
    if weights != before:
        raise Failed("the weights unchanged", "plot_weights changed them", "Build new lists.")
    yield ("plot_weights(a [784, 16, 10] network's weights, path) saves a %d x %d PNG of 16 "
           "tiles, one colour scale centred at 0" % png.size)


# ------------------------------------------------------------- plot_history

def _find_line(fig, values, scales):
    """(axes, line, scale) of the first line whose y values are ``values`` times a scale."""
    for ax in fig.axes:
        for line in ax.get_lines():
            ys = [float(y) for y in line.get_ydata()]
            for scale in scales:
                if len(ys) == len(values) and all(
                        abs(y - scale * v) <= 1e-9 * max(1.0, abs(y)) for y, v in zip(ys, values)):
                    return ax, line, scale
    return None


def check_plot_history(checker, f):
    need_viz()
    costs = [0.09, 0.061, 0.052, 0.047, 0.044, 0.043]
    accuracies = [0.9012, 0.9254, 0.9351, 0.9398, 0.9421, 0.9437]
    before = (list(costs), list(accuracies))
    path = fresh_path(checker, "history.png")
    fig = figure_of(checker.call(f, costs, accuracies, path), "plot_history")
    try:
        png = read_png(path, "the learning curves")
        cost = _find_line(fig, before[0], (1.0,))
        accuracy = _find_line(fig, before[1], (1.0, 100.0))
        for found, what in ((cost, "costs"), (accuracy, "accuracies")):
            if found is None:
                lines = [len(line.get_ydata()) for ax in fig.axes for line in ax.get_lines()]
                raise Failed("a line of the %d %s (one point per epoch)" % (len(costs), what),
                             "lines of %s points" % lines if lines else "no lines at all",
                             "ax.plot(epochs, %s): y is the list itself (accuracies may be "
                             "in %%, times 100)." % what)
        (ax_cost, _, _), (ax_accuracy, _, _) = cost, accuracy
        if ax_cost is ax_accuracy or ax_cost.get_position().overlaps(ax_accuracy.get_position()):
            raise Failed("the costs and the accuracies in two panels",
                         "both in one panel", TWO_PANELS)
        for ax, what in ((ax_cost, "cost"), (ax_accuracy, "accuracy")):
            if not (ax.get_title().strip() or ax.get_ylabel().strip()):
                raise Failed("the %s panel labelled" % what, "no title and no y label",
                             "Say what each panel shows: ax.set_title('cost per epoch') or "
                             "ax.set_ylabel('cost'), and ax.set_xlabel('epoch').")
    finally:
        close_figure(fig)
    if (costs, accuracies) != before:
        raise Failed("the lists unchanged", "plot_history changed them", "Do not sort or "
                                                                         "change the lists.")
    yield ("plot_history(6 costs, 6 accuracies, path) saves a %d x %d PNG: two panels, a line "
           "of 6 points in each" % png.size)


# ------------------------------------------------------------- make_gif

def _snapshots():
    """Three snapshots of the first layer of a [784, 6] network, each a little different."""
    net = Network([784, 6], seed=11)
    first = net.weights[0]
    frames = [copy.deepcopy(first)]
    for step in (1, 2):
        frames.append([[w + 0.04 * step * ((j + k) % 28 - 14) / 14 for k, w in enumerate(row)]
                       for j, row in enumerate(first)])
    return frames


def check_make_gif(checker, f):
    need_viz()
    frames = _snapshots()
    before = copy.deepcopy(frames)
    path = fresh_path(checker, "weights.gif")
    got = checker.call(f, frames, path, 0.25)
    if got != path:
        raise Failed("the path of the GIF, %s" % short(os.path.basename(path)), describe(got),
                     "End with return path.")
    size, pictures, durations = gif_frames(path, GIF_HINT)
    if len(pictures) != len(frames):
        raise Failed("%d frames, one per snapshot" % len(frames), "%d" % len(pictures), GIF_HINT)
    for k, picture in enumerate(pictures):
        not_blank(picture, "frame %d's weights" % k)
    for k in range(1, len(pictures)):
        if changed(pictures[k - 1], pictures[k]) < MOVED:
            raise Failed("frame %d different from frame %d, as the snapshots are" % (k, k - 1),
                         "the same picture (%.1f%% of the pixels differ)"
                         % (100 * changed(pictures[k - 1], pictures[k])),
                         "Draw frame k from its own snapshot, frames[k].")
    if not all(isinstance(d, (int, float)) and abs(d - 250) <= 20 for d in durations):
        raise Failed("250 ms a frame (seconds_per_frame=0.25)", "durations %s ms" % durations,
                     "Pillow and imageio take each frame's duration in MILLISECONDS: "
                     "duration=round(1000 * seconds_per_frame).")
    if frames != before:
        raise Failed("the snapshots unchanged", "make_gif changed them", "Build new lists.")
    yield ("make_gif(3 snapshots of 6 neurons, path, 0.25) writes a %d x %d GIF of 3 different "
           "frames, 250 ms each" % size)


# function -> its checks, in the order of the template
CHECKS = {
    "weights_to_image": check_weights_to_image,
    "plot_images": check_plot_images,
    "plot_weights": check_plot_weights,
    "plot_history": check_plot_history,
    "make_gif": check_make_gif,
}

# function -> the hint for a failure whose check gave none (e.g. an exception)
HINTS = {
    "weights_to_image": "Return [row[28 * k:28 * k + 28] for k in range(28)].",
    "plot_images": ("Import matplotlib inside the function (import matplotlib.pyplot as plt) "
                    "and draw one tile per image: ax.imshow(weights_to_image(x), "
                    "cmap='gray_r'). " + SAVE_HINT),
    "plot_weights": SCALE_HINT,
    "plot_history": TWO_PANELS,
    "make_gif": GIF_HINT,
}

# function -> the library's functions (and modules) that count as its answer (watch.py).
# Only the drawing ones: a helper such as visualize.to_image, which the notebook
# itself shows, may be used in plot_images.
_WEIGHT_TILES = ("visualize_figures.plot_weight_images", "gifwriter.render_weight_frames")
ANSWERS = {
    "weights_to_image": ("visualize_figures.to_image",),
    "plot_images": ("visualize_figures.plot_images",),
    "plot_weights": _WEIGHT_TILES,
    "plot_history": ("visualize_figures.plot_learning_curves", "plots"),
    "make_gif": _WEIGHT_TILES + ("gifwriter", "gif"),
}

# Seconds the checks may take in the sandbox (the default is 10 s): the first
# import of matplotlib can take a while on a fresh machine (its font cache).
TIME_LIMITS = {name: 30.0 for name in NEEDS_VIZ}
