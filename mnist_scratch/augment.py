"""More training data from the data we have: shifted copies and random distortions.

A digit moved by a pixel, turned a little, or written with a slightly shakier
hand is still the same digit. Training on such variations teaches a network
what does not matter, and is the cheapest way to more accuracy (chapter 3 of
Nielsen's book; LeCun et al.'s MNIST table lists 98.9% for a [784, 800, 10]
network trained on affine distortions; Simard, Steinkraus and Platt, 2003,
reached 99.3% with elastic distortions).

Two ways, both keeping the ``(x, label)`` format (x: 784 floats in [0, 1],
the 28 x 28 pixels row by row, 0.0 = paper, 1.0 = ink):

``shifted_copies(data, pixels=1)``
    the book's expanded training set: each image plus its copies moved
    ``pixels`` up, down, left and right, made once (50,000 -> 250,000 images).

``Distorter(...)``, ``distort(x, rng, ...)``
    a fresh random distortion of an image, drawn anew every epoch (``sgd``'s
    ``augment=`` option): a small affine transform (rotation, scaling, shear,
    translation) around the image centre, optionally followed by an elastic
    distortion (a smooth random displacement field, Simard et al.'s method).

The geometry, once: x is the column (to the right), y the row (downwards), in
pixels; the centre of the image is the point (13.5, 13.5), the middle of its
28 x 28 pixels. ``warp`` moves the ink with a forward map: the point p goes to
``A (p - centre) + centre + shift``. To colour an output pixel q it finds
where q came from, ``p = A^-1 (q - centre - shift) + centre + d(q)`` (d is the
elastic displacement field, if any), and reads the input there by bilinear
interpolation between its four neighbouring pixels (outside the image is
paper, 0). Every output pixel is rounded to one of the 256 grey levels of
MNIST (``datasets.pixel_table``): so outputs stay in [0, 1] exactly, and a
pixel that receives less than half a grey level of ink is exactly 0, which
keeps the image sparse for the network's zero skipping.
"""

import math

from .datasets import pixel_table

__all__ = ["SIDE", "CENTRE", "IDENTITY", "shifted_copies", "shifted_copies_bytes", "shift_image",
           "affine_matrix", "warp", "ElasticGrid", "elastic_field", "Distorter", "distort"]

SIDE = 28                  # images are SIDE x SIDE pixels, row by row
CENTRE = (SIDE - 1) / 2.0  # 13.5: the centre of the image, in pixel coordinates
IDENTITY = ((1.0, 0.0), (0.0, 1.0))
ZERO = pixel_table[0]      # the one 0.0 object that every blank pixel of the data points at
# The smoothing of an elastic field is done on a coarse grid of nodes this
# many sigmas apart (3 pixels for sigma 4), then interpolated to the pixels
# (see elastic_field): about 10 times faster than smoothing every pixel.
GRID_STEP_PER_SIGMA = 0.75


# ------------------------------------------------------------ the expanded training set

def shift_image(x, down=0, right=0):
    """The image x moved ``down`` rows and ``right`` columns (negative: up, left).

    Paper (0.0) comes in at the edges; ink pushed over an edge is lost. The
    result is a new list whose pixels are the very float objects of x (and
    the shared 0.0 of ``datasets.pixel_table``): no new floats are made.

    Args:
        x: 784 floats, row by row.
        down, right: whole numbers of pixels, each in -27..27.

    Returns:
        a new list of 784 floats.
    """
    if len(x) != SIDE * SIDE:
        raise ValueError("an image of %d pixels; expected %d" % (len(x), SIDE * SIDE))
    if not (-SIDE < down < SIDE and -SIDE < right < SIDE):
        raise ValueError("a shift of (%r, %r) pixels moves the image out of its frame" % (down, right))
    out = [ZERO] * (SIDE * SIDE)
    # Columns kept: input columns first..last-1 land at columns first+right..last+right-1.
    first, last = max(0, -right), SIDE - max(0, right)
    for r in range(max(0, down), SIDE + min(0, down)):
        source = (r - down) * SIDE
        out[r * SIDE + first + right:r * SIDE + last + right] = x[source + first:source + last]
    return out


def shifted_copies(data, pixels=1):
    """The book's expanded training set: every example and four shifted copies.

    For each (x, label) of ``data``, in order, the result holds five examples
    one after the other: the original (the same list object, not a copy), then
    x moved ``pixels`` up, down, left and right, each with the same label. So
    50,000 examples become 250,000, and example i of ``data`` is at 5 i.
    (Training shuffles the examples anyway.)

    Memory: the shifted images share the float objects of the originals (see
    ``shift_image``), so each new image costs one list of 784 pointers, about
    6.3 KB on a 64-bit CPython, not the 25 KB of 784 new floats:
    ``shifted_copies_bytes(50000)`` is about 1.3 GB for the 200,000 new images
    of the 50,000 MNIST training examples, on top of the 0.3 GB they hold.

    Args:
        data: list of (x, label), x a list of 784 floats.
        pixels: how far to shift, a whole number 1..27 (the book: 1).

    Returns:
        a new list of 5 len(data) examples (x, label).
    """
    if isinstance(pixels, bool) or not isinstance(pixels, int) or not 1 <= pixels < SIDE:
        raise ValueError("pixels must be a whole number from 1 to %d, got %r" % (SIDE - 1, pixels))
    expanded = []
    for x, label in data:
        expanded.append((x, label))
        for down, right in ((-pixels, 0), (pixels, 0), (0, -pixels), (0, pixels)):
            expanded.append((shift_image(x, down, right), label))
    return expanded


def shifted_copies_bytes(n_examples):
    """About how many bytes of memory ``shifted_copies`` needs for the new images
    of ``n_examples`` examples (64-bit CPython: a list of 784 pointers and a
    2-tuple per image). For checking memory before a long expansion starts."""
    per_image = 56 + 8 * SIDE * SIDE + 56  # list header, 784 pointers, (x, label) tuple
    return 4 * n_examples * per_image


# ------------------------------------------------------------ affine maps and sampling

def affine_matrix(rotation=0.0, scale=(1.0, 1.0), shear=0.0):
    """The 2 x 2 matrix A of a forward map: scale, then shear, then rotate.

    Args:
        rotation: angle in degrees; positive turns the ink counterclockwise as
            seen on the screen.
        scale: (horizontal, vertical) factors, e.g. (1.1, 0.9): 10% wider and
            10% lower; 1.0 leaves that direction alone.
        shear: horizontal shear as a fraction: each row moves right by
            ``shear`` pixels per row below the centre (a slant of
            atan(shear); 0.2 is about 11 degrees).

    Returns:
        ((a, b), (c, d)) acting on (x, y) offsets from the centre:
        x' = a x + b y, y' = c x + d y (y pointing down).
    """
    sx, sy = scale
    cos, sin = math.cos(math.radians(rotation)), math.sin(math.radians(rotation))
    # Scale then shear: (x, y) -> (sx x + shear sy y, sy y). Then rotate,
    # counterclockwise on screen with y down: x' = cos x + sin y, y' = -sin x + cos y.
    a, b, c, d = sx, shear * sy, 0.0, sy
    return ((cos * a + sin * c, cos * b + sin * d),
            (-sin * a + cos * c, -sin * b + cos * d))


def _ink_box(x):
    """(top, bottom, left, right): the rows and columns holding ink, or None for a blank image."""
    rows = [r for r in range(SIDE) if any(x[r * SIDE:(r + 1) * SIDE])]
    if not rows:
        return None
    cols = [c for c in range(SIDE) if any(x[c::SIDE])]
    return rows[0], rows[-1], cols[0], cols[-1]


def warp(x, matrix=IDENTITY, shift=(0.0, 0.0), field=None):
    """The image x moved by the forward map p -> A (p - centre) + centre + shift,
    plus an optional displacement field, sampled bilinearly (module docstring).

    Args:
        x: 784 floats in [0, 1], row by row.
        matrix: A as ((a, b), (c, d)), e.g. from ``affine_matrix``; invertible.
        shift: (right, down) in pixels, fractions allowed.
        field: None, or (dx, dy): two lists of 784 floats, for each output
            pixel the extra offset in pixels (right, down) of the point it
            is read from (``elastic_field``).

    Returns:
        a new list of 784 floats, each one of the 256 grey levels in [0, 1].
    """
    if len(x) != SIDE * SIDE:
        raise ValueError("an image of %d pixels; expected %d" % (len(x), SIDE * SIDE))
    if not (0.0 <= min(x) and max(x) <= 1.0):
        raise ValueError("pixels must be in [0, 1], found %r to %r" % (min(x), max(x)))
    (a, b), (c, d) = matrix
    det = a * d - b * c
    if abs(det) < 1e-9:
        raise ValueError("the matrix %r cannot be inverted: it squeezes the image flat" % (matrix,))
    # The inverse map: where in x each output pixel is read from.
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    out = [ZERO] * (SIDE * SIDE)
    box = _ink_box(x)
    if box is None:
        return out
    # The input with a border of paper, 30 x 30: the four neighbours of any
    # point within a pixel of the image are then all inside this list.
    wide = SIDE + 2
    padded = [0.0] * (wide * wide)
    for r in range(SIDE):
        padded[(r + 1) * wide + 1:(r + 1) * wide + 1 + SIDE] = x[r * SIDE:(r + 1) * SIDE]
    # Only output pixels whose source point lies within a pixel of the ink can
    # get ink: map the corners of that box forward, and visit only their
    # bounding box (often half the image or less; the result is the same).
    top, bottom, left, right = box
    shift_x, shift_y = shift
    reach = 1.0 + (max(max(map(abs, field[0])), max(map(abs, field[1]))) if field else 0.0)
    xs, ys = [], []
    for px in (left - reach, right + reach):
        for py in (top - reach, bottom + reach):
            xs.append(a * (px - CENTRE) + b * (py - CENTRE) + CENTRE + shift_x)
            ys.append(c * (px - CENTRE) + d * (py - CENTRE) + CENTRE + shift_y)
    row_range = range(max(0, math.floor(min(ys))), min(SIDE - 1, math.ceil(max(ys))) + 1)
    col_range = range(max(0, math.floor(min(xs))), min(SIDE - 1, math.ceil(max(xs))) + 1)
    levels = pixel_table
    dx = dy = None
    if field:
        dx, dy = field
    for r in row_range:
        v = r - CENTRE - shift_y
        # Source point of this row's pixels, in the padded image's coordinates (+ 1):
        # (ia u + ib v, ic u + id v) + centre + 1, with (u, v) the output offset.
        row_x, row_y = ib * v + CENTRE + 1.0, id_ * v + CENTRE + 1.0
        for col in col_range:
            u = col - CENTRE - shift_x
            sx, sy = row_x + ia * u, row_y + ic * u
            if dx is not None:
                sx += dx[r * SIDE + col]
                sy += dy[r * SIDE + col]
            if not (0.0 <= sx < wide - 1 and 0.0 <= sy < wide - 1):
                continue  # more than a pixel outside the image: paper
            i, j = int(sy), int(sx)  # int() is floor here: both are >= 0
            fy, fx = sy - i, sx - j
            k = i * wide + j
            upper = padded[k] + fx * (padded[k + 1] - padded[k])
            lower = padded[k + wide] + fx * (padded[k + wide + 1] - padded[k + wide])
            value = upper + fy * (lower - upper)
            # Round to the nearest of the 256 grey levels; this also clamps the
            # last-bit rounding errors of the interpolation into [0, 1].
            out[r * SIDE + col] = levels[int(value * 255.0 + 0.5)]
    return out


# ------------------------------------------------------------ elastic distortion

def _gaussian_kernel(sigma, radius):
    """2 radius + 1 weights of a Gaussian of standard deviation sigma, summing to 1."""
    weights = [math.exp(-t * t / (2.0 * sigma * sigma)) for t in range(-radius, radius + 1)]
    total = sum(weights)
    return [w / total for w in weights]


class ElasticGrid:
    """What every elastic field of one sigma shares, computed once: the coarse
    grid, its smoothing kernel and the interpolation weights (see elastic_field).
    ``ElasticGrid(sigma).field(rng, alpha)`` draws one field.

    Args:
        sigma: smoothness of the fields, in pixels.
        step: pixels between the nodes of the coarse grid; by default
            GRID_STEP_PER_SIGMA * sigma (at least 1). A step of 1 is Simard et
            al.'s computation exactly, node = pixel (about 10 times slower).
    """

    def __init__(self, sigma, step=None):
        self.step = max(1.0, GRID_STEP_PER_SIGMA * sigma) if step is None else step
        self.nodes = math.ceil((SIDE - 1) / self.step) + 1   # nodes per side, covering 0..27
        coarse_sigma = sigma / self.step
        self.radius = math.ceil(3.0 * coarse_sigma)
        self.kernel = _gaussian_kernel(coarse_sigma, self.radius)
        self.noise_side = self.nodes + 2 * self.radius      # so every node has whole neighbours
        # For each pixel position 0..27: the node before it and its weight on the next node.
        self.lerp = []
        for p in range(SIDE):
            node = min(int(p / self.step), self.nodes - 2)
            self.lerp.append((node, p / self.step - node))

    def smooth(self, noise):
        """Smooth a noise_side x noise_side grid (list of rows) with the kernel,
        keeping only the nodes with a whole neighbourhood: nodes x nodes.

        A 2-D Gaussian is a 1-D one along the rows, then one down the columns.
        (Plain loops: with so few weights they are as fast as slicing on
        CPython, and PyPy compiles them to machine code.)
        """
        kernel, n = self.kernel, self.nodes
        taps = range(len(kernel))
        across = []  # every row of the noise, smoothed along the row: noise_side x nodes
        for row in noise:
            smoothed = []
            for j in range(n):
                total = 0.0
                for t in taps:
                    total += kernel[t] * row[j + t]
                smoothed.append(total)
            across.append(smoothed)
        grid = []    # those smoothed down the columns: nodes x nodes
        for i in range(n):
            smoothed = []
            for j in range(n):
                total = 0.0
                for t in taps:
                    total += kernel[t] * across[i + t][j]
                smoothed.append(total)
            grid.append(smoothed)
        return grid

    def upsample(self, grid, alpha):
        """The nodes x nodes grid interpolated to the 28 x 28 pixels, times alpha:
        a flat list of 784 floats, row by row."""
        lerp = self.lerp
        wide_rows = [[alpha * (row[k] + w * (row[k + 1] - row[k])) for k, w in lerp]
                     for row in grid]
        field = []
        for k, w in lerp:
            upper, lower = wide_rows[k], wide_rows[k + 1]
            field.extend([p + w * (q - p) for p, q in zip(upper, lower)])
        return field

    def noise(self, rng):
        """noise_side x noise_side numbers drawn from rng, uniform in [-1/step, 1/step]."""
        side, half_width, random = self.noise_side, 1.0 / self.step, rng.random
        return [[half_width * (2.0 * random() - 1.0) for _ in range(side)] for _ in range(side)]

    def field(self, rng, alpha):
        """(dx, dy): one random field of strength alpha (see elastic_field)."""
        dx = self.upsample(self.smooth(self.noise(rng)), alpha)
        dy = self.upsample(self.smooth(self.noise(rng)), alpha)
        return dx, dy


def elastic_field(rng, alpha, sigma):
    """A random smooth displacement field, Simard et al.'s elastic distortion.

    Simard et al. draw an offset uniform in [-1, 1] for every pixel, smooth
    the field with a Gaussian of standard deviation ``sigma`` pixels, and
    multiply by ``alpha`` (they use about alpha 34, sigma 4 on MNIST: offsets
    of about 1.4 pixels, varying smoothly over about 4 pixels).

    The same field, faster: the noise is drawn on a coarse grid of nodes
    ``GRID_STEP_PER_SIGMA * sigma`` pixels apart (3 pixels for sigma 4), each
    node uniform in [-1/step, 1/step] (it stands for step x step pixels, so
    the smoothed field has the same strength), smoothed there with the
    Gaussian, one direction at a time, then interpolated linearly to the
    pixels. For sigma 4 that is 10 x 10 nodes (18 x 18 random numbers with
    the margin the smoothing needs) instead of 28 x 28 pixels (52 x 52
    random numbers), and 9 weights per direction instead of 25; the field's
    strength stays within 12% of the exact computation's at every pixel.

    Args:
        rng: a random.Random; the field is fixed by its state.
        alpha: strength (pixels per unit of smoothed noise), >= 0.
        sigma: smoothness in pixels, > 0.

    Returns:
        (dx, dy): two lists of 784 floats, offsets in pixels (right, down).
    """
    return ElasticGrid(sigma).field(rng, alpha)


# ------------------------------------------------------------ random distortions

def _check_range(name, value, low, high, unit):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError("%s must be a number from %g to %g %s, got %r" % (name, low, high, unit, value))


class Distorter:
    """A random distortion, as a callable ``distorter(x, rng) -> new x``.

    Each call draws, from ``rng`` only, a rotation, two scale factors, a shear
    and a shift, each uniform within the limits below, and (if elastic_alpha
    > 0) an elastic field; then returns ``warp`` of x with them. The input is
    never changed; the same rng state gives the same output, bit for bit.

    The defaults keep digits easy to read (the shipped [784, 30, 10] network,
    which never saw a distorted digit, still reads about 90% of them) and they
    help: a [784, 100, 10] network (sigmoid, quadratic cost, eta 3, mini-batch
    10, 30 epochs) reached 98.15% on validation with them against 97.87%
    without. Simard et al.'s full elastic strength (alpha 34) was too much
    for 30 epochs of so small a network (97.56%); alpha 20 did as well as
    the defaults (98.25%).

    Args:
        rotation: largest rotation, in degrees (either way). Default 10.
        scale: largest change of size, as a fraction: the width and the
            height are each multiplied by a factor in [1 - scale, 1 + scale].
            Default 0.1.
        shear: largest horizontal shear, as a fraction (pixels per row; 0.2
            slants by up to about 11 degrees). Default 0.2.
        shift: largest translation, in pixels, horizontally and vertically
            (fractions of a pixel included). Default 1.
        elastic_alpha: strength of the elastic distortion, in Simard et al.'s
            units (see ``elastic_field``); 0 turns it off. Default 0.
        elastic_sigma: smoothness of the elastic field, in pixels. Default 4.

    Example:
        >>> import random
        >>> distorter = Distorter(rotation=10, elastic_alpha=34)
        >>> new_x = distorter(x, random.Random(1))
    """

    def __init__(self, rotation=10.0, scale=0.1, shear=0.2, shift=1.0, elastic_alpha=0.0,
                 elastic_sigma=4.0):
        _check_range("rotation", rotation, 0, 180, "degrees")
        _check_range("scale", scale, 0, 0.9, "(a fraction)")
        _check_range("shear", shear, 0, 2, "(pixels per row)")
        _check_range("shift", shift, 0, SIDE - 1, "pixels")
        _check_range("elastic_alpha", elastic_alpha, 0, 1000, "")
        _check_range("elastic_sigma", elastic_sigma, 0.5, SIDE, "pixels")
        self.rotation, self.scale, self.shear, self.shift = rotation, scale, shear, shift
        self.elastic_alpha, self.elastic_sigma = elastic_alpha, elastic_sigma
        # The fixed numbers of the elastic fields, computed once, not at every call.
        self._grid = ElasticGrid(elastic_sigma) if elastic_alpha else None

    def settings(self):
        """The limits as a dict (e.g. for a training history)."""
        return {"rotation": self.rotation, "scale": self.scale, "shear": self.shear,
                "shift": self.shift, "elastic_alpha": self.elastic_alpha,
                "elastic_sigma": self.elastic_sigma}

    def __repr__(self):
        return "Distorter(%s)" % ", ".join("%s=%r" % item for item in self.settings().items())

    def __call__(self, x, rng):
        """A new randomly distorted copy of x (784 floats in [0, 1]), drawn from rng."""
        random = rng.random
        # Draws in one fixed order, so an rng state fixes the distortion.
        rotation = self.rotation * (2.0 * random() - 1.0)
        scale = (1.0 + self.scale * (2.0 * random() - 1.0), 1.0 + self.scale * (2.0 * random() - 1.0))
        shear = self.shear * (2.0 * random() - 1.0)
        shift = (self.shift * (2.0 * random() - 1.0), self.shift * (2.0 * random() - 1.0))
        field = None
        if self.elastic_alpha:
            field = self._grid.field(rng, self.elastic_alpha)
        return warp(x, affine_matrix(rotation, scale, shear), shift, field)


def distort(x, rng, **limits):
    """``Distorter(**limits)(x, rng)``: one random distortion of x, drawn from rng.
    See Distorter for the limits and their defaults."""
    return Distorter(**limits)(x, rng)
