"""Reading a student's pictures for the checker's step 6: the Figure they returned
and the file they saved.

The checks of step 6 look at a picture twice. In the matplotlib Figure: which
axes show an image (the tiles), the numbers each image holds, its colour
scale, the lines of a plot. In the file, decoded with Pillow: its format and
size (at least MIN_WIDTH pixels wide, for a projector), that it is not blank,
and how many of its pixels are red, in all or in one tile (a wrong guess is
marked in red). A red pixel is one whose red exceeds both green and blue by
RED_MARGIN, so gray digits, black text and antialiased edges never count.

matplotlib and Pillow (the viz extra) are imported inside the functions, when
a check runs: the checker itself runs on the standard library alone, and
``viz_problem`` says in one line what is missing and how to install it.
"""

import math
import os
import sys

from .cli import viz_install_hint

MIN_WIDTH = 300                 # pixels: narrower is unreadable on a projector
MAX_PIXELS = 40 * 10 ** 6       # a bigger picture is a mistake (dpi=5000?), not read
RED_MARGIN = 80                 # a pixel is red when R - max(G, B) >= this (0-255)
INK = 0.03                      # blank: fewer of its pixels differ from the background

SAVE_HINT = ("Save the figure at the path you were given, as a PNG: fig.savefig(path, dpi=150), "
             "then return fig.")
TILE_ORDER = ("Tile k shows image k: a 28 x 28 picture whose row r is x[28 * r:28 * r + 28] "
              "(weights_to_image does that). Add the tiles in order: "
              "fig, axes = plt.subplots(rows, columns), then axes.flat[k].imshow(...).")
TRANSPOSED = ("Your tiles are transposed (the digits lie on their side, mirrored): row r of the "
              "picture is x[28 * r:28 * r + 28], the 28 numbers of one row of pixels, not every "
              "28th number.")


def viz_problem():
    """None when matplotlib and Pillow can be imported; else one line saying what is
    missing and how to install it (for this Python)."""
    try:
        import matplotlib  # noqa: F401
        import PIL.Image  # noqa: F401
    except ImportError as e:
        return ("step 6 draws with matplotlib and Pillow (the viz extra), which this Python "
                "does not have (%s); install them with: %s" % (e, viz_install_hint()))
    return None


def need_viz():
    """Stop a check with an ERROR (the checker's problem, not the student's) when this
    Python cannot draw or read pictures."""
    if viz_problem():
        raise Failed("matplotlib and Pillow, to look at your pictures",
                     "this Python does not have them", "Install them with: %s"
                     % viz_install_hint(), status=ERROR)


def fresh_path(checker, name):
    """The path of ``name`` in the checker's folder, with no file there yet: a file left by
    an earlier check must not pass for one the student's function never wrote."""
    path = os.path.join(checker.folder(), name)
    if os.path.lexists(path):
        os.remove(path)
    return path


def close_figure(fig):
    """Forget a figure pyplot may be keeping (the checks make many)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        try:
            pyplot.close(fig)
        except Exception:
            pass


def figure_of(result, name):
    """The Figure the student's function returned; Failed for anything else."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    if isinstance(result, Figure):
        return result
    hint = "Return the matplotlib Figure you drew on: fig, axes = plt.subplots(...) ... return fig."
    if isinstance(result, Axes):
        hint = "You returned an Axes (one panel): return the whole Figure, ax.figure (fig)."
    elif isinstance(result, (tuple, list)) and any(isinstance(r, Figure) for r in result):
        hint = "Return the Figure alone (return fig), not a tuple (fig, axes)."
    raise Failed("the matplotlib Figure %s drew on" % name, describe(result), hint)


# ------------------------------------------------------------- the files

def open_picture(path, kind, hint):
    """The picture file at path, opened (not decoded) with Pillow; Failed if it is not one."""
    from PIL import Image, UnidentifiedImageError
    name = os.path.basename(path)
    if not os.path.isfile(path):
        others = sorted(n for n in os.listdir(os.path.dirname(path))
                        if n.startswith(os.path.splitext(name)[0]) and n != name)
        got = "no file %s%s" % (name, " (but %s)" % ", ".join(others) if others else "")
        raise Failed("a %s at the path given, %s" % (kind, name), got, hint)
    try:
        picture = Image.open(path)
    except (UnidentifiedImageError, OSError) as e:
        raise Failed("a %s file" % kind, "a file Pillow cannot read (%s)" % e, hint) from None
    if picture.format != kind:
        raise Failed("a %s file" % kind, "a %s file" % picture.format, hint)
    width, height = picture.size
    if width * height > MAX_PIXELS:
        raise Failed("a picture of at most %d million pixels" % (MAX_PIXELS // 10 ** 6),
                     "%d x %d pixels" % (width, height), "Keep the dpi between 100 and 200.")
    if width < MIN_WIDTH:
        raise Failed("a picture at least %d pixels wide, readable on a projector" % MIN_WIDTH,
                     "%d x %d pixels" % (width, height),
                     "Make it bigger: figsize=(width, height) in inches and dpi=150 when saving "
                     "(pixels = inches x dpi).")
    return picture


def ink(image):
    """The fraction of an image's pixels that differ from its commonest grey (its background)."""
    histogram = image.convert("L").histogram()
    return 1 - max(histogram) / float(sum(histogram))


def not_blank(image, what):
    if ink(image) < INK:
        raise Failed("a picture showing %s" % what,
                     "a blank picture (%.1f%% of its pixels differ from the background)"
                     % (100 * ink(image)),
                     "Save the figure you drew on: fig.savefig(path) after drawing, not a new "
                     "empty plt.figure().")


def read_png(path, what):
    """The PNG at path, decoded as RGB, checked: readable, big enough, not blank."""
    with open_picture(path, "PNG", SAVE_HINT) as picture:
        image = picture.convert("RGB")
    not_blank(image, what)
    return image


def changed(before, after):
    """The fraction of the pixels of two same-sized RGB images that differ visibly (by more
    than 8 of 255 in grey): a new title alone changes well under 1% of a picture."""
    from PIL import ImageChops
    if before.size != after.size:
        return 1.0
    histogram = ImageChops.difference(before, after).convert("L").histogram()
    return sum(histogram[9:]) / float(sum(histogram))


def red_pixels(image):
    """How many pixels of an RGB image are clearly red: R - max(G, B) >= RED_MARGIN."""
    from PIL import ImageChops
    r, g, b = image.split()
    redness = ImageChops.subtract(r, ImageChops.lighter(g, b))  # R - max(G, B), 0 at least
    return sum(redness.histogram()[RED_MARGIN:])


# ------------------------------------------------------------- the Figure

def image_axes(fig):
    """The Figure's axes that show an image, in the order they were made."""
    return [ax for ax in fig.axes if ax.images]


def _array(ax):
    """The data of the (first) image of an axes, as nested lists; a colour image's red channel."""
    data = ax.images[0].get_array()
    if hasattr(data, "filled"):  # a masked array
        data = data.filled(0)
    rows = data.tolist()
    if rows and isinstance(rows[0], list) and rows[0] and isinstance(rows[0][0], list):
        rows = [[pixel[0] for pixel in row] for row in rows]
    return rows


def correlation(u, v):
    """Pearson's correlation of two equally long lists of numbers (0 if one is constant)."""
    n = len(u)
    mu, mv = sum(u) / n, sum(v) / n
    du = [a - mu for a in u]
    dv = [b - mv for b in v]
    suu, svv = sum(a * a for a in du), sum(b * b for b in dv)
    if suu == 0 or svv == 0:
        return 0.0
    return sum(a * b for a, b in zip(du, dv)) / math.sqrt(suu * svv)


def tile_pixels(ax, k):
    """The 784 numbers tile k shows, row after row; Failed unless it is 28 x 28."""
    rows = _array(ax)
    if len(rows) != 28 or not all(isinstance(r, list) and len(r) == 28 for r in rows):
        shape = "%d rows of %s" % (len(rows), len(rows[0]) if rows and isinstance(
            rows[0], list) else "?")
        raise Failed("tile %d showing a 28 x 28 picture" % k, "a picture of %s" % shape,
                     TILE_ORDER)
    return [v for row in rows for v in row]


def expect_tiles_show(tiles, vectors, what):
    """Tile k must show vectors[k] as a 28 x 28 picture (any linear scale, even reversed)."""
    for k, (ax, x) in enumerate(zip(tiles, vectors)):
        shown = tile_pixels(ax, k)
        if abs(correlation(shown, x)) >= 0.99:
            continue
        transposed = [x[28 * c + r] for r in range(28) for c in range(28)]
        if abs(correlation(shown, transposed)) >= 0.99:
            raise Failed("tile %d showing %s %d" % (k, what, k), "it is transposed", TRANSPOSED)
        other = next((j for j, y in enumerate(vectors) if abs(correlation(shown, y)) >= 0.99),
                     None)
        raise Failed("tile %d showing %s %d" % (k, what, k),
                     "it shows %s" % ("%s %d" % (what, other) if other is not None
                                      else "something else"), TILE_ORDER)


def tiles_per_row(tiles):
    """How many tiles each row of the grid has (rows found by the tiles' tops)."""
    counts = {}
    for ax in tiles:
        top = round(ax.get_position().y1, 2)
        counts[top] = counts.get(top, 0) + 1
    return [counts[top] for top in sorted(counts, reverse=True)]


def render(fig):
    """Draw the figure as it is; (RGB image, renderer) to find each tile's pixels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image
    width, height = fig.get_size_inches() * fig.dpi
    if width * height > MAX_PIXELS:
        raise Failed("a figure of at most %d million pixels" % (MAX_PIXELS // 10 ** 6),
                     "%d x %d pixels" % (width, height), "Keep figsize and dpi reasonable.")
    canvas = FigureCanvasAgg(fig)  # renders without a display, whatever pyplot uses
    canvas.draw()
    renderer = canvas.get_renderer()
    size = (int(renderer.width), int(renderer.height))
    image = Image.frombuffer("RGBA", size, bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1)
    return image.convert("RGB"), renderer


def _pixel_box(ax, image, renderer):
    """The pixels (left, top, right, bottom) of a tile with its frame, title and labels."""
    box = ax.get_tightbbox(renderer)
    height = image.size[1]
    return (max(0, int(box.x0)), max(0, int(height - box.y1)),
            min(image.size[0], int(math.ceil(box.x1))), min(height, int(math.ceil(height - box.y0))))


def red_per_tile(tiles, image, renderer):
    """The red pixels of each tile (its image, frame, title and labels), one count per tile.

    A long title can reach over its neighbour's; where two tiles' boxes overlap, the
    pixels are nobody's (blacked out), so that one tile's red title never counts
    for the tile next to it.
    """
    boxes = [_pixel_box(ax, image, renderer) for ax in tiles]
    counts = []
    for k, (left, top, right, bottom) in enumerate(boxes):
        if right <= left or bottom <= top:
            counts.append(0)
            continue
        own = image.crop((left, top, right, bottom))
        for j, (x0, y0, x1, y1) in enumerate(boxes):
            # the other tile's box, 2 pixels wider for antialiased edges, inside this one
            x0, y0 = max(x0 - 2, left) - left, max(y0 - 2, top) - top
            x1, y1 = min(x1 + 2, right) - left, min(y1 + 2, bottom) - top
            if j != k and x1 > x0 and y1 > y0:
                own.paste((0, 0, 0), (x0, y0, x1, y1))
        counts.append(red_pixels(own))
    return counts


def gif_frames(path, hint):
    """(size, frames as RGB images, each frame's duration in ms) of the GIF at path;
    Failed if it is not a readable GIF of a sensible size."""
    from PIL import ImageSequence
    frames, durations = [], []
    with open_picture(path, "GIF", hint) as gif:
        size = gif.size
        for frame in ImageSequence.Iterator(gif):
            durations.append(frame.info.get("duration"))
            frames.append(frame.convert("RGB"))
    return size, frames, durations


# Imported last, not first: importing mnist_scratch.check imports this module (for
# step 6), so every name above must exist before the checker's package starts up;
# these three are only looked up when a check runs.
from .check.compare import Failed, describe  # noqa: E402
from .check.outcome import ERROR  # noqa: E402
