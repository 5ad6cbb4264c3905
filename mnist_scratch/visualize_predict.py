"""The figure of ``python -m mnist_scratch.predict --figure``: what the network saw.

One band per picture file, for the projector:

    the picture (shrunk), with a box around each digit found and the digit
        read above it;
    each digit as the network sees it: the 28 x 28 input, ink on paper
        (``gray_r``, as every digit of the project's figures), titled with
        the digit read and its confidence;
    under it, the network's ten outputs as shares that sum to 1 (the
        chosen digit's bar in colour).

A file that could not be read gets a line with its error instead. At most
MAX_PICTURES files and MAX_DIGITS digits per file are drawn (the title says
when some were left out), so a figure of many files stays a readable size.

This module imports matplotlib and numpy (the ``viz`` extra).
"""

import os

import numpy as np
from matplotlib.patches import Rectangle

from .visualize_figures import (DEFAULT_DPI, DIGIT_CMAP, RIGHT_COLOR, TEXT_FONT, TILE_FONT, TITLE_FONT,
                      WRONG_COLOR, _bare, _finish, check_figure_path, new_figure, to_image)

__all__ = ["MAX_PICTURES", "MAX_DIGITS", "check_figure_path", "plot_readings"]

MAX_PICTURES = 12          # picture files drawn in one figure
MAX_DIGITS = 8             # digits drawn per picture
BOX_COLOR = "#d63384"      # the boxes around the digits found (stands out on paper and ink)
BAR_COLOR = "#8c959f"      # the outputs not chosen

# Sizes in inches.
PICTURE_WIDTH = 4.6        # the picture's panel
DIGIT_WIDTH = 1.75         # one digit's column
BAND_HEIGHT = 3.6          # one picture's band
ERROR_HEIGHT = 0.55        # the line of a file that could not be read


def _digit_count(reading):
    return min(len(reading.digits), MAX_DIGITS)


def _draw_picture(ax, reading):
    """The picture with a box around each digit found and the digit above it."""
    width, height = reading.size
    if reading.thumbnail is not None:
        picture = np.asarray(reading.thumbnail)
        ax.imshow(picture, cmap="gray" if picture.ndim == 2 else None, vmin=0, vmax=255,
                  extent=(0, width, height, 0), interpolation="antialiased")
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    _bare(ax)
    label_size = TEXT_FONT + 4
    for digit, (top, left, bottom, right) in zip(reading.digits, reading.boxes):
        ax.add_patch(Rectangle((left, top), right - left, bottom - top, fill=False,
                               edgecolor=BOX_COLOR, linewidth=2.5))
        # The digit read goes above its box, or inside it when the box touches the top.
        inside = top < 0.12 * height
        ax.text(left, top, digit, color="white", fontsize=label_size, fontweight="bold",
                ha="left", va="top" if inside else "bottom", clip_on=True,
                bbox={"facecolor": BOX_COLOR, "edgecolor": "none", "pad": 1.5})
    original = tuple(reading.original_size)
    if reading.orientation in (5, 6, 7, 8):  # stored turned a quarter: upright, it is the other way
        original = original[::-1]
    note = "%d x %d pixels" % original
    if reading.orientation not in (None, 1):
        note += ", turned upright by its EXIF tag"
    if original != tuple(reading.size):
        note += ", read at %d x %d" % tuple(reading.size)
    ax.set_title("%s: %s\n%s" % (os.path.basename(reading.path), reading.digits, note),
                 fontsize=TEXT_FONT, pad=6, loc="left")


def _draw_digit(tile_ax, bars_ax, digit, vector, shares, first):
    """One digit: the 28 x 28 input (above) and the ten output shares (below)."""
    chosen = int(digit)
    tile_ax.imshow(to_image(vector), cmap=DIGIT_CMAP, vmin=0.0, vmax=1.0, interpolation="nearest")
    _bare(tile_ax)
    if first:
        tile_ax.set_ylabel("input 28 x 28", fontsize=TILE_FONT)
    tile_ax.set_title("%d: %.1f%%" % (chosen, 100 * shares[chosen]), fontsize=TEXT_FONT + 1,
                      color=RIGHT_COLOR if shares[chosen] >= 0.5 else WRONG_COLOR, pad=4)
    colors = [RIGHT_COLOR if j == chosen else BAR_COLOR for j in range(10)]
    bars_ax.bar(range(10), shares, color=colors, width=0.8)
    bars_ax.set_ylim(0, 1)
    bars_ax.set_xlim(-0.6, 9.6)
    bars_ax.set_xticks(range(10))
    bars_ax.tick_params(axis="x", labelsize=TILE_FONT - 1, length=0, pad=2)
    bars_ax.set_yticks([0, 0.5, 1])
    if first:
        bars_ax.tick_params(axis="y", labelsize=TILE_FONT - 1)
        bars_ax.set_ylabel("share", fontsize=TILE_FONT)
    else:
        bars_ax.set_yticklabels([])
    bars_ax.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        bars_ax.spines[side].set_visible(False)


def plot_readings(readings, title=None, path=None, dpi=DEFAULT_DPI):
    """Draw what the network read in each picture.

    Args:
        readings: list of (file, Reading) for the pictures read, or (file,
            message) for those that could not be read, in order (as
            ``predict.run`` collects them). Each Reading needs its thumbnail
            (``predict_picture(..., keep_thumbnail=True)``); without one, only
            the boxes are drawn.
        title: optional title over everything.
        path: optional file to save to (PNG, SVG, PDF, ...).
        dpi: pixels per inch when saved.

    Returns:
        The matplotlib Figure.
    """
    from .predict import output_shares  # the same shares as the printed confidences

    if not readings:
        raise ValueError("no pictures to draw")
    shown = readings[:MAX_PICTURES]
    notes = []
    if len(readings) > len(shown):
        notes.append("the first %d of %d files" % (len(shown), len(readings)))
    if any(not isinstance(r, str) and len(r.digits) > MAX_DIGITS for _, r in shown):
        notes.append("at most %d digits per picture" % MAX_DIGITS)
    columns = max([3] + [_digit_count(r) for _, r in shown if not isinstance(r, str)])
    heights = [ERROR_HEIGHT if isinstance(r, str) else BAND_HEIGHT for _, r in shown]
    title = title or "What the network read"
    if notes:
        title += " (%s)" % "; ".join(notes)
    fig = new_figure(PICTURE_WIDTH + DIGIT_WIDTH * columns + 0.3, sum(heights) + 0.6,
                     layout="constrained")
    fig.suptitle(title, fontsize=TITLE_FONT)
    bands = fig.add_gridspec(len(shown), 1, height_ratios=heights)
    for band, (_, reading) in zip(bands, shown):
        if isinstance(reading, str):
            ax = fig.add_subplot(band)
            ax.axis("off")
            ax.text(0.0, 0.5, reading, color=WRONG_COLOR, fontsize=TEXT_FONT, va="center",
                    ha="left", transform=ax.transAxes, wrap=True)
            continue
        grid = band.subgridspec(2, 1 + columns, height_ratios=[1.0, 0.8],
                                width_ratios=[PICTURE_WIDTH / DIGIT_WIDTH] + [1.0] * columns)
        _draw_picture(fig.add_subplot(grid[:, 0]), reading)
        count = _digit_count(reading)
        for i in range(count):
            shares = output_shares(reading.outputs[i])
            _draw_digit(fig.add_subplot(grid[0, 1 + i]), fig.add_subplot(grid[1, 1 + i]),
                        reading.digits[i], reading.vectors[i], shares, first=(i == 0))
    return _finish(fig, path, dpi)
