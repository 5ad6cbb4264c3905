"""Turn a picture of handwriting into inputs that look like MNIST's.

How MNIST was made (LeCun, Cortes and Burges, "The MNIST database"): the
digits were scanned black and white, each digit was size-normalised to fit
in a 20 x 20 pixel box keeping its aspect ratio (the normalisation averages
areas, so the edges get grey levels: anti-aliasing), and the box was put in a
28 x 28 frame so that the centre of mass of the ink is at the centre of the
frame. Measured on the test set: the centres of mass sit at row 14.0,
column 14.0 (0-based pixel indices), within half a pixel, and every digit's
longer side is exactly 20 pixels.

A network trained on MNIST has only ever seen such pictures: white ink on
black, thick strokes, a tight box, centred by mass. A photo shrunk straight
to 28 x 28 is nothing like that (grey paper, a small digit somewhere in a
corner, a shadow across it) and is read wrong most of the time. So a picture
goes through these steps, each a small function below:

    rows of (red, green, blue) or grey levels, 0..255
      shrink            area averaging, to at most WORKING_SIDE pixels on the long side
      grey_from_rgb     255 = white paper; a coloured pen counts as ink (darkness or saturation)
      flatten_lighting  (paper.py) divide by the paper's own brightness: no gradients, no shadows
      remove_rule_lines (paper.py) thin straight lines of ruled or squared paper become paper
      ink_from_grey     (paper.py) Otsu's threshold between paper and ink; ink in [0, 1], 1 = ink
      find_digits       (segment.py) the digits, left to right
    then, for each digit:
      crop, thicken     its ink alone; a thin pen's strokes are made as thick as MNIST's
      scale_into_box    into a 20 x 20 box, keeping the aspect ratio, averaging areas
      centre_in_frame   into 28 x 28, centre of mass at the centre
      to_vector         784 floats, row by row: what the network reads

``prepare(rows)`` runs them all; every step can be called alone (the steps
of paper.py and segment.py are importable from here too). Grids are lists
of rows (height x width) of floats. The picture must be upright: turning a
photo by its EXIF orientation happens where the file is decoded
(``predict.py``). Assumed throughout: dark ink on lighter paper.
"""

import math
from itertools import chain
from operator import add

from .paper import flatten_lighting, ink_from_grey, otsu_threshold, paper_brightness, remove_rule_lines
from .segment import NoInkError, find_digit_blobs, find_digits, runs_of

__all__ = [
    "WORKING_SIDE", "MAX_PIXELS", "BOX", "FRAME", "CENTRE", "NoInkError", "picture_size", "shrink",
    "grey_from_rgb", "paper_brightness", "flatten_lighting", "remove_rule_lines", "otsu_threshold",
    "ink_from_grey", "find_digits", "crop", "blob_ink", "stroke_width", "thicken", "scale_into_box",
    "centre_of_mass", "centre_in_frame", "to_vector", "digit_vector", "prepare",
]

WORKING_SIDE = 1000       # pixels on the long side of the picture that is read
MAX_PIXELS = 40_000_000   # larger pictures are refused (a 12-megapixel photo has 12 million)
BOX = 20                  # MNIST: each digit scaled to fit a 20 x 20 box...
FRAME = 28                # ...inside a 28 x 28 frame...
CENTRE = 14.0             # ...with its centre of mass at pixel (14, 14) (measured, see above)

TARGET_STROKE = 1.8       # MNIST's median stroke width, in pixels of the 20 x 20 box (stroke_width)

# ------------------------------------------------------------ size and colour

def picture_size(rows):
    """Check a picture given as rows of pixels; return (height, width, is_rgb).

    Pixels are grey levels (numbers, 0 = black, 255 = white) or (red, green,
    blue) tuples of numbers 0..255; every row has the same length.

    Raises:
        ValueError: empty, ragged, larger than MAX_PIXELS, or pixels of another kind.
    """
    height = len(rows)
    if height == 0 or len(rows[0]) == 0:
        raise ValueError("the picture is empty (0 pixels)")
    lengths = set(map(len, rows))
    if len(lengths) != 1:
        raise ValueError("the rows of the picture have different lengths (%s)"
                         % ", ".join(map(str, sorted(lengths)[:4])))
    width = lengths.pop()
    if height * width > MAX_PIXELS:
        raise ValueError("the picture has %d x %d pixels, more than %s"
                         % (width, height, "{:,}".format(MAX_PIXELS)))
    first = rows[0][0]
    if isinstance(first, (int, float)):
        return height, width, False
    if isinstance(first, (tuple, list)) and len(first) == 3:
        return height, width, True
    raise ValueError("a pixel must be a grey level or a (red, green, blue) tuple, not %r" % (first,))


def _sum_rows(rows):
    """The element-wise sum of rows of numbers (as long as the shortest)."""
    # map(add, ...) adds two whole rows in a loop written in C: much faster
    # than a Python loop over the pixels of a 12-megapixel photo.
    total = rows[0]
    for row in rows[1:]:
        total = list(map(add, total, row))
    return total


def _block_means(values, fx, n):
    """The sums of each fx consecutive values (a last, incomplete block is dropped), divided by n."""
    # values[k::fx] holds the k-th value of every block.
    return [s / n for s in _sum_rows([values[k::fx] for k in range(fx)])]


def _channels(row):
    """(reds, greens, blues) of a row of (red, green, blue) tuples."""
    # Not zip(*row): that makes an iterator per pixel, and on a large photo
    # the garbage collector then keeps walking through every pixel's tuple.
    values = list(chain.from_iterable(row))
    return values[0::3], values[1::3], values[2::3]


def shrink(rows, side=WORKING_SIDE):
    """Shrink a picture so that its long side has at most ``side`` pixels.

    Each new pixel is the mean of a block of f x f old pixels (area
    averaging), f the smallest whole factor that is enough; the last rows and
    columns that do not fill a whole block are dropped. Grey levels and
    (red, green, blue) tuples alike.

    Returns:
        (small_rows, (fy, fx)): the shrunk picture, and the factors by which
        its rows and columns were divided ((1, 1) when nothing was done).
    """
    height, width, is_rgb = picture_size(rows)
    factor = -(-max(height, width) // side)  # ceil
    if factor <= 1:
        return rows, (1, 1)
    fy, fx = min(factor, height), min(factor, width)
    channels = 3 if is_rgb else 1
    small = []
    for top in range(0, height - fy + 1, fy):
        band = rows[top:top + fy]
        if is_rgb:
            band = [list(chain.from_iterable(row)) for row in band]  # red, green, blue, red, ...
        sums = _sum_rows(band)  # each column summed over the fy rows of the band
        means = [_block_means(sums[c::channels], fx, fy * fx) for c in range(channels)]
        small.append(list(zip(*means)) if is_rgb else means[0])
    return small, (fy, fx)


def grey_from_rgb(rows):
    """Grey levels from (red, green, blue) pixels: 255 = white paper, 0 = black ink.

    Ink is what is dark OR coloured: a red or blue pen can be as light as
    the paper's shadows but stands out by its colour. With the lightness
    Y = 0.299 R + 0.587 G + 0.114 B (the eye's weights, ITU-R 601) and the
    chroma C = max(R, G, B) - min(R, G, B) (0 for grey, 255 for pure colour),
    a pixel's grey level is the darker of Y and 255 - C.
    """
    grey = []
    for row in rows:
        reds, greens, blues = _channels(row)
        lightness = [0.299 * r + 0.587 * g + 0.114 * b for r, g, b in row]
        paleness = [255 - hi + lo for hi, lo in zip(map(max, reds, greens, blues),
                                                       map(min, reds, greens, blues))]
        grey.append([y if y < p else p for y, p in zip(lightness, paleness)])
    return grey


# ------------------------------------------------------------ one digit

def crop(ink, box):
    """The part of the grid ``ink`` inside box = (top, left, bottom, right), ends excluded."""
    top, left, bottom, right = box
    return [row[left:right] for row in ink[top:bottom]]


def blob_ink(ink, blob):
    """The ink of one digit alone, cropped to its box: pixels of other digits
    that reach into the box are left out. ``blob`` is a ``segment.Blob``."""
    top, left, bottom, right = blob.box
    grid = [[0.0] * (right - left) for _ in range(bottom - top)]
    for r, start, end in blob.runs:
        grid[r - top][start - left:end - left] = ink[r][start:end]
    return grid


def stroke_width(ink):
    """The typical width of the strokes, in pixels: 2 * area / perimeter.

    A stroke of length L and width w has an area of about L w and a
    perimeter of about 2 L. The area counts the pixels with ink >= 0.5; the
    perimeter counts their sides that face paper: two for each run of ink,
    along the rows and along the columns. (MNIST's digits measure 1.8 pixels,
    the median, on the 20 pixels of their box.)
    """
    rows = [bytes(v >= 0.5 for v in row) for row in ink]
    area = sum(map(sum, rows))
    if area == 0:
        return 0.0
    runs = sum(len(runs_of(row)) for row in rows) + sum(len(runs_of(bytes(c))) for c in zip(*rows))
    return area / runs


def _dilate_rows(rows, radius):
    """Each run of 1s in each row of 0/1 bytes made ``radius`` longer at both ends."""
    out = []
    for row in rows:
        grown = bytearray(len(row))
        for start, end in runs_of(row):
            start, end = max(0, start - radius), min(len(row), end + radius)
            grown[start:end] = b"\x01" * (end - start)
        out.append(bytes(grown))
    return out


def thicken(ink, radius):
    """Strokes made 2 * radius pixels wider: the ink >= 0.5 is grown by ``radius``
    pixels on every side (a square, along rows then columns) and becomes full ink.

    Returns:
        a new grid, ``radius`` pixels larger on every side.
    """
    width = len(ink[0]) + 2 * radius
    pad = [0.0] * radius
    grid = [[0.0] * width for _ in range(radius)]
    grid += [pad + list(row) + pad for row in ink]
    grid += [[0.0] * width for _ in range(radius)]
    solid = _dilate_rows([bytes(v >= 0.5 for v in row) for row in grid], radius)
    solid = [bytes(row) for row in zip(*_dilate_rows([bytes(c) for c in zip(*solid)], radius))]
    return [[1.0 if s else v for v, s in zip(row, mask)] for row, mask in zip(grid, solid)]


def _area_weights(n_in, n_out):
    """For each output pixel, the (input index, weight) pairs of the input
    pixels it covers, each weighted by the length it covers; the weights add up to 1."""
    scale = n_in / n_out  # input pixels per output pixel
    table = []
    for j in range(n_out):
        start, end = j * scale, (j + 1) * scale
        pairs = []
        for i in range(int(start), min(n_in, math.ceil(end))):
            covered = min(end, i + 1) - max(start, i)
            if covered > 1e-12:
                pairs.append((i, covered / scale))
        table.append(pairs)
    return table


def scale_into_box(ink, size=BOX):
    """Scale a grid to fit a ``size`` x ``size`` box, keeping the aspect ratio.

    The longer side becomes ``size`` pixels, the other in proportion
    (rounded, at least 1). Each new pixel is the average of the old pixels
    under it, weighted by how much of each it covers (area averaging): thin
    strokes turn into grey levels instead of vanishing or turning jagged, as
    they would if the nearest pixel were picked. Works to enlarge too.

    Returns:
        a new grid of round(height * s) x round(width * s) pixels, s = size / longer side.
    """
    height, width = len(ink), len(ink[0])
    scale = size / max(height, width)
    new_height = max(1, min(size, round(height * scale)))
    new_width = max(1, min(size, round(width * scale)))
    across = _area_weights(width, new_width)
    down = _area_weights(height, new_height)
    rows = [[sum(row[i] * w for i, w in pairs) for pairs in across] for row in ink]
    return [[sum(rows[i][j] * w for i, w in pairs) for j in range(new_width)] for pairs in down]


def centre_of_mass(ink):
    """(row, col) of the centre of mass of the ink, in pixel indices (0 = first pixel's centre).

    Raises:
        NoInkError: the grid has no ink.
    """
    mass = sum(map(sum, ink))
    if mass <= 0:
        raise NoInkError("no ink found")
    row = sum(r * sum(line) for r, line in enumerate(ink)) / mass
    col = sum(c * sum(column) for c, column in enumerate(zip(*ink))) / mass
    return row, col


def centre_in_frame(ink, size=FRAME):
    """A ``size`` x ``size`` frame of paper with the grid ``ink`` placed in it so
    that its centre of mass falls within half a pixel of (CENTRE, CENTRE), as
    in MNIST (moved by whole pixels, and never past the frame's edges)."""
    height, width = len(ink), len(ink[0])
    if height > size or width > size:
        raise ValueError("a grid of %d x %d does not fit in a frame of %d x %d"
                         % (height, width, size, size))
    row, col = centre_of_mass(ink)
    centre = CENTRE * size / FRAME
    top = min(max(round(centre - row), 0), size - height)
    left = min(max(round(centre - col), 0), size - width)
    frame = [[0.0] * size for _ in range(size)]
    for r, line in enumerate(ink):
        frame[top + r][left:left + width] = line
    return frame


def to_vector(grid):
    """A grid as one list, row by row (28 x 28 -> 784 floats), clipped to [0, 1]."""
    return [min(1.0, max(0.0, v)) for row in grid for v in row]


def digit_vector(ink, blob):
    """The 784 inputs for one digit found in ``ink``: crop, thicken, scale, centre."""
    grid = blob_ink(ink, blob)
    longer = max(len(grid), len(grid[0]))
    width = stroke_width(grid) * BOX / longer  # in pixels of the 20 x 20 box
    radius = round((TARGET_STROKE - width) / 2 * longer / BOX)
    if radius >= 1:
        grid = thicken(grid, radius)
    return to_vector(centre_in_frame(scale_into_box(grid, BOX)))


def prepare(rows, single=False):
    """A picture -> the digits in it, as the network's inputs, left to right.

    Args:
        rows: the picture, upright: rows of (red, green, blue) tuples or of grey
            levels, 0..255 (255 = white). Larger than WORKING_SIDE on its long
            side, it is shrunk first (``shrink``).
        single: True to read all the ink as one digit, without splitting it.

    Returns:
        list of (box, vector): box = (top, left, bottom, right) of the digit in
        the pixels of ``rows`` (bottom and right excluded), vector = 784 floats
        in [0, 1] (0 = paper, 1 = ink), row by row, as in MNIST.

    Raises:
        NoInkError: no ink found (a blank page).
        ValueError: not a picture (see ``picture_size``).
    """
    height, width, is_rgb = picture_size(rows)
    small, (fy, fx) = shrink(rows)
    if is_rgb:
        grey = grey_from_rgb(small)
    else:
        grey = [[min(255.0, max(0.0, float(v))) for v in row] for row in small]
    ink = ink_from_grey(grey)
    found = []
    for blob in find_digit_blobs(ink, single=single):
        top, left, bottom, right = blob.box
        box = (top * fy, left * fx, min(height, bottom * fy), min(width, right * fx))
        found.append((box, digit_vector(ink, blob)))
    return found

