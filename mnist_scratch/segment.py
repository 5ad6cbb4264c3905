"""Find the digits in a picture's ink, left to right.

A photo of a number ("2026", a postcode) holds several digits; the network
reads one at a time. The ink (a grid of floats in [0, 1], 0 = paper, made by
``preprocess.ink_from_grey``) is cut into digits in five steps:

1. connected pieces: pixels with ink that touch, sideways or diagonally,
   form one piece (``components``);
2. specks: pieces much smaller than the largest one are noise, dropped;
3. the strokes of one digit that do not touch (the flag of a 5, a 4 drawn
   in two strokes, a pen that skipped) are merged: pieces whose columns
   overlap by at least half the narrower one's width, one above the other;
4. punctuation: groups much shorter than the tallest (a dot, a dash) are dropped;
5. touching digits are split: a group more than 1.3 times as wide as tall
   (a single digit rarely is: MNIST's median digit is 0.75 as wide as tall)
   is cut into the number of digits its width suggests, each cut at the
   column with the least ink near where it is expected, and only where that
   column holds little ink (two digits touch by a stroke; a wide 0 is not cut).

``single=True`` stops after step 4 and takes all that is left as one digit.

Ink is handled as runs: (row, start, end) for each stretch of ink pixels in
a row, end excluded. A digit of a photo has a few hundred runs against tens
of thousands of pixels, so this stays quick in pure Python.
"""

import re

__all__ = ["NoInkError", "Blob", "runs_of", "components", "remove_specks", "merge_parts",
           "split_wide", "find_digit_blobs", "find_digits"]

SPECK = 0.1           # a piece under 1/10 of the largest piece's size (long side) is a speck...
MIN_SIZE = 0.02       # ...and so is one under 2% of the picture's long side
OVERLAP = 0.5         # two pieces overlapping in half the narrower one's columns are one digit...
MAX_GAP = 0.5         # ...unless more than half the taller one's height lies between them
PUNCTUATION = 0.4     # a group under 40% of the tallest group's height is no digit
DIGIT_ASPECT = 0.75   # MNIST's median width / height of a digit
VALLEY = 0.5          # a cut between touching digits crosses at most half the ink of a typical column
WIDE = 1.3            # a group 1.3 times as wide as tall may hold touching digits (2% of MNIST's digits are)
MAX_BLOBS = 100       # more pieces than this after the specks: keep the largest (not a number)

_INK_RUN = re.compile(b"[^\x00]+")


class NoInkError(ValueError):
    """The picture has no ink in it (a blank page)."""


def runs_of(row):
    """The runs of nonzero bytes in ``row`` (bytes): a list of (start, end), end excluded."""
    return [m.span() for m in _INK_RUN.finditer(row)]


class Blob:
    """Some ink: a list of runs (row, start, end), with its bounding box.

    Attributes:
        runs: list of (row, start, end), end excluded.
        top, left, bottom, right: the bounding box (bottom and right excluded).
        mass: the number of pixels.
    """

    def __init__(self, runs):
        self.runs = runs
        self.top = min(r for r, _, _ in runs)
        self.bottom = max(r for r, _, _ in runs) + 1
        self.left = min(start for _, start, _ in runs)
        self.right = max(end for _, _, end in runs)
        self.mass = sum(end - start for _, start, end in runs)

    @property
    def box(self):
        """(top, left, bottom, right), bottom and right excluded."""
        return (self.top, self.left, self.bottom, self.right)

    @property
    def height(self):
        return self.bottom - self.top

    @property
    def width(self):
        return self.right - self.left

    def __repr__(self):
        return "Blob(box=%r, mass=%d)" % (self.box, self.mass)


def components(mask):
    """The connected pieces of ink (8-connected: diagonal neighbours touch).

    Args:
        mask: rows of bytes, nonzero = ink.

    Returns:
        list of Blob, in no particular order.
    """
    runs = []         # every run: (row, start, end)
    parent = []       # union-find: parent[i] is a run of the same piece as run i
    previous = []     # (start, end, index) of the runs of the row above

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving: the trees stay flat
            i = parent[i]
        return i

    for r, row in enumerate(mask):
        current = []
        for start, end in runs_of(row):
            current.append((start, end, len(runs)))
            parent.append(len(runs))
            runs.append((r, start, end))
        # Runs of two rows touch when their columns overlap or meet at a
        # corner; walk both rows left to right together.
        i = j = 0
        while i < len(previous) and j < len(current):
            a_start, a_end, a = previous[i]
            b_start, b_end, b = current[j]
            if a_start <= b_end and b_start <= a_end:
                parent[root(a)] = root(b)
            if a_end < b_end:
                i += 1
            else:
                j += 1
        previous = current
    pieces = {}
    for i, run in enumerate(runs):
        pieces.setdefault(root(i), []).append(run)
    return [Blob(piece) for piece in pieces.values()]


def remove_specks(blobs, picture_side):
    """The blobs without the specks: noise, dust, a stray dot (see SPECK, MIN_SIZE)."""
    if not blobs:
        return []
    largest = max(blobs, key=lambda b: b.mass)
    smallest = max(SPECK * max(largest.height, largest.width), MIN_SIZE * picture_side, 2)
    kept = [b for b in blobs if max(b.height, b.width) >= smallest]
    if len(kept) > MAX_BLOBS:
        kept = sorted(kept, key=lambda b: b.mass, reverse=True)[:MAX_BLOBS]
    return kept


def _same_digit(a, b):
    overlap = min(a.right, b.right) - max(a.left, b.left)
    gap = max(a.top, b.top) - min(a.bottom, b.bottom)  # rows between them (< 0: none)
    return (overlap >= OVERLAP * min(a.width, b.width)
            and gap <= MAX_GAP * max(a.height, b.height))


def merge_parts(blobs):
    """Merge the blobs that are strokes of one digit: their columns overlap by at
    least OVERLAP of the narrower one's width, and they are not far apart
    vertically. Repeated until no two blobs merge."""
    groups = list(blobs)
    merged = True
    while merged:
        merged = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                if _same_digit(groups[i], groups[j]):
                    groups[i] = Blob(groups[i].runs + groups[j].runs)
                    del groups[j]
                    merged = True
                    break
            if merged:
                break
    return groups


def _column_ink(blob):
    """The number of ink pixels in each column of the blob's box."""
    steps = [0] * (blob.width + 1)  # +1 where a run starts, -1 where it ends
    for _, start, end in blob.runs:
        steps[start - blob.left] += 1
        steps[end - blob.left] -= 1
    counts, total = [], 0
    for step in steps[:-1]:
        total += step
        counts.append(total)
    return counts


def split_wide(blob, digit_width):
    """Cut a blob that is too wide for one digit into touching digits.

    It holds n = round(width / digit_width) digits; when n >= 2 it is cut up
    to n - 1 times. The k-th cut goes at the column with the least ink within
    30% of a digit's width of where it is expected (left + k * width / n),
    and only where that column holds at most VALLEY of the typical column's
    ink: two digits touch by a stroke or two, while the middle of a wide 0
    or 3 crosses as many strokes as the rest of it.

    Returns:
        list of Blob, left to right (just [blob] when it is not cut).
    """
    n = round(blob.width / digit_width)
    if n < 2:
        return [blob]
    ink = _column_ink(blob)
    typical = sorted(ink)[len(ink) // 2]
    step = blob.width / n
    cuts = [0]
    for k in range(1, n):
        expected = k * step
        low = max(cuts[-1] + 1, int(expected - 0.3 * step))
        high = min(blob.width - 1, int(expected + 0.3 * step))
        if low > high:
            continue
        cut = min(range(low, high + 1), key=lambda c: (ink[c], abs(c - expected)))
        if ink[cut] <= VALLEY * typical:
            cuts.append(cut)
    cuts.append(blob.width)
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        a, b = a + blob.left, b + blob.left
        runs = [(r, max(start, a), min(end, b)) for r, start, end in blob.runs if start < b and end > a]
        if runs:
            pieces.append(Blob(runs))
    return pieces


def find_digit_blobs(ink, single=False):
    """The digits in a grid of ink, left to right, as Blobs (see the module docstring).

    Args:
        ink: grid of floats in [0, 1], 0.0 exactly where there is no ink.
        single: True to take all the ink as one digit (but for specks and
            dots: steps 1 to 4, without splitting).

    Raises:
        NoInkError: no ink (or only specks).
    """
    mask = [bytes(map(bool, row)) for row in ink]
    blobs = remove_specks(components(mask), max(len(ink), len(ink[0])))
    if not blobs:
        raise NoInkError("no ink found")
    groups = merge_parts(blobs)
    tallest = max(g.height for g in groups)
    groups = [g for g in groups if g.height >= PUNCTUATION * tallest]
    if single:
        return [Blob([run for g in groups for run in g.runs])]
    digits = []
    singles = sorted(g.width for g in groups if g.width <= g.height)  # surely one digit each
    for g in groups:
        if g.width <= WIDE * g.height:
            digits.append(g)
            continue
        # A digit's width: MNIST's median aspect, or the median width of the
        # groups that are surely single digits when they are wider.
        digit_width = DIGIT_ASPECT * g.height
        if singles:
            digit_width = max(digit_width, singles[len(singles) // 2])
        digits.extend(split_wide(g, digit_width))
    return sorted(digits, key=lambda b: b.left + b.right)


def find_digits(ink, single=False):
    """The boxes (top, left, bottom, right) of the digits in ``ink``, left to
    right; bottom and right excluded. See ``find_digit_blobs``."""
    return [blob.box for blob in find_digit_blobs(ink, single=single)]
