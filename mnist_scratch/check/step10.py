"""Checks of step 10: your own handwriting, made to look like MNIST.

Two steps of preprocess.py, which turns a photo into the network's input:
crop the ink (the smallest box holding every pixel of ink) and find its
centre of mass (where MNIST puts the centre of its 28 x 28 frame). Grids are
lists of rows of floats, 0 = paper, 1 = ink; positions are (row, column),
0-based, as in Python's indexing.
"""

import itertools

from ..preprocess import centre_of_mass
from .compare import Failed, expect_close, expect_pair, short

TITLE = "your own handwriting: crop the ink, find its centre of mass"

CROP_HINT = ("Find the first and last rows and columns holding a pixel greater than threshold, "
             "then return [row[left:right + 1] for row in grid[top:bottom + 1]].")
SWAPPED = ("You returned (column, row): the first number is the ROW (counted down, the first "
           "index of grid[r][c]), the second the column.")
UNWEIGHTED = ("Your centre treats every inked pixel alike. Weight each pixel's position by its "
              "ink: row = sum over pixels of r * grid[r][c] divided by the sum of grid[r][c]; "
              "a faint pixel at the edge of a stroke counts less than a dark one.")
ONE_BASED = ("Your centre is one pixel off in both directions: count rows and columns from 0, "
             "as Python's indices do (grid[0] is row 0).")
HALF_PIXEL = ("Your centre is half a pixel off in both directions: pixel r's centre is at r, "
              "not r + 0.5 (the library's and MNIST's convention).")
COM_HINT = ("row = sum of r * grid[r][c] / sum of grid[r][c], col = sum of c * grid[r][c] / sum "
            "of grid[r][c], over every pixel; return (row, col).")


def _box(grid, threshold):
    """(top, bottom, left, right) of the pixels > threshold, ends included; None if none."""
    rows = [r for r, row in enumerate(grid) if any(v > threshold for v in row)]
    cols = [c for c in range(len(grid[0])) if any(row[c] > threshold for row in grid)]
    if not rows:
        return None
    return rows[0], rows[-1], cols[0], cols[-1]


def _crop(grid, top, bottom, left, right):
    return [row[left:right + 1] for row in grid[top:bottom + 1]]


def _off_by_one_hint(moves):
    """A hint for a crop whose sides are off by one: moves = (top, bottom, left, right)."""
    words = []
    for side, move in zip(("top", "bottom", "left", "right"), moves):
        if move:
            bigger = move < 0 if side in ("top", "left") else move > 0
            words.append("the %s side is one pixel too far %s" % (side, "out" if bigger else "in"))
    return ("Your crop is off by one: %s. Its rows run from the first row with ink to the last "
            "one, both included, so the slice is grid[top:bottom + 1] (a slice leaves its end "
            "out); the same for the columns." % "; ".join(words))


def _crop_diagnoses(grid, threshold):
    top, bottom, left, right = _box(grid, threshold)
    height, width = len(grid), len(grid[0])
    diagnoses = []
    for moves in itertools.product((-1, 0, 1), repeat=4):
        t, b, l, r = top + moves[0], bottom + moves[1], left + moves[2], right + moves[3]
        if any(moves) and 0 <= t <= b < height and 0 <= l <= r < width:
            diagnoses.append((_crop(grid, t, b, l, r), _off_by_one_hint(moves)))
    anything = _box(grid, 0.0)
    if threshold > 0 and anything != (top, bottom, left, right):
        diagnoses.append((_crop(grid, *anything),
                          "Only pixels GREATER than threshold are ink: your crop keeps the faint "
                          "pixels too (compare each pixel with threshold, not with 0)."))
    transposed = [list(col) for col in zip(*_crop(grid, top, bottom, left, right))]
    diagnoses.append((transposed, "Your crop is transposed: return a list of ROWS, "
                                  "grid[r][left:right + 1] for r from top to bottom."))
    return diagnoses


def _crop_case(checker, f, grid, threshold, title):
    top, bottom, left, right = _box(grid, threshold)
    expected = _crop(grid, top, bottom, left, right)
    before = [list(row) for row in grid]
    got = checker.call(f, [list(row) for row in grid], threshold)
    expect_close(expected, got, tol=1e-12, hint=CROP_HINT,
                 diagnoses=_crop_diagnoses(grid, threshold))
    if grid != before:
        raise Failed("the grid unchanged", "crop_to_ink changed it",
                     "Build a new list of rows; do not change the grid you were given.")
    return "%s: rows %d-%d, columns %d-%d" % (title, top, bottom, left, right)


def check_crop_to_ink(checker, f):
    grid = [[0.0] * 8 for _ in range(6)]
    for (r, c), v in {(1, 3): 0.5, (2, 2): 0.2, (3, 5): 1.0, (2, 4): 0.9, (5, 7): 0.05}.items():
        grid[r][c] = v
    yield _crop_case(checker, f, grid, 0.1,
                     "crop_to_ink(a 6 x 8 grid, threshold 0.1) keeps the ink, not the faint pixel")

    corners = [[0.0] * 5 for _ in range(4)]
    corners[0][0] = corners[3][4] = 1.0
    yield _crop_case(checker, f, corners, 0.0,
                     "crop_to_ink(a 4 x 5 grid with ink in two corners, threshold 0) is all of it")

    x, _ = checker.examples("test", 1)[0]
    digit = [x[r * 28:(r + 1) * 28] for r in range(28)]
    yield _crop_case(checker, f, digit, 0.0, "crop_to_ink(the first test image, threshold 0)")

    blank = [[0.0, 0.3], [0.2, 0.0]]
    checker.expect_raises(f, (blank, 0.5), "no pixel is greater than the threshold 0.5",
                          "With no ink there is nothing to crop: raise ValueError('no ink').")
    yield "crop_to_ink(a grid without ink) raises an error"


def _com_diagnoses(grid, row, col):
    inked = [(r, c) for r, line in enumerate(grid) for c, v in enumerate(line) if v > 0]
    plain = (sum(r for r, _ in inked) / len(inked), sum(c for _, c in inked) / len(inked))
    return [((col, row), SWAPPED), (plain, UNWEIGHTED), ((plain[1], plain[0]), UNWEIGHTED),
            ((row + 1, col + 1), ONE_BASED), ((row + 0.5, col + 0.5), HALF_PIXEL)]


def _com_case(checker, f, grid, title):
    row, col = centre_of_mass(grid)
    got = expect_pair(checker.call(f, [list(line) for line in grid]), "(row, col)",
                      "Return both coordinates: return row, col.")
    expect_close((row, col), got, tol=1e-9, hint=COM_HINT,
                 diagnoses=_com_diagnoses(grid, row, col))
    return "%s == (%.4f, %.4f)" % (title, row, col)


def check_centre_of_mass(checker, f):
    grid = [[0.0, 0.0, 0.0, 0.0],
            [0.0, 1.0, 0.0, 0.5],
            [0.0, 0.0, 0.0, 0.5]]
    yield _com_case(checker, f, grid, "centre_of_mass(%s)" % short(grid, 80))

    x, _ = checker.examples("test", 3)[2]
    digit = [x[r * 28:(r + 1) * 28] for r in range(28)]
    yield _com_case(checker, f, digit, "centre_of_mass(the third test image)")

    checker.expect_raises(f, ([[0.0, 0.0], [0.0, 0.0]],), "the grid has no ink (its mass is 0)",
                          "With no ink the centre is undefined (0 / 0): raise ValueError('no "
                          "ink').")
    yield "centre_of_mass(a grid without ink) raises an error"


# function -> its checks, in the order of the template
CHECKS = {"crop_to_ink": check_crop_to_ink, "centre_of_mass": check_centre_of_mass}

# function -> the hint for a failure whose check gave none (e.g. an exception)
HINTS = {"crop_to_ink": CROP_HINT, "centre_of_mass": COM_HINT}
