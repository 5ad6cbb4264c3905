"""Tell the ink from the paper in a grey picture, whatever the light.

Three steps, each a function below, from grey levels (0..255, 255 = white)
to ink (floats in [0, 1], 1 = ink, 0.0 exactly on paper):

``flatten_lighting``
    Light falls unevenly on a photographed page: brighter near the window,
    a shadow of the phone across it. The paper's own brightness is estimated
    on a coarse grid of cells (``paper_brightness``) and every pixel is
    divided by it, so paper becomes 255 everywhere and the ink stays dark.
``remove_rule_lines``
    The lines of ruled or squared paper are long, thin and straight; they
    become paper, and the digit strokes that cross them stay whole.
``ink_from_grey``
    Both steps, then Otsu's threshold between paper and ink (never below
    MIN_CONTRAST, so a blank page stays blank), with a soft edge.

The picture is assumed to show dark ink on lighter paper.
"""

from itertools import chain

from .segment import runs_of

__all__ = ["CELLS", "MIN_CONTRAST", "paper_brightness", "flatten_lighting", "remove_rule_lines",
           "otsu_threshold", "ink_from_grey"]

CELLS = 40                # flatten_lighting: the paper's brightness is estimated on about 40 x 40 cells
PAPER_PERCENTILE = 0.9    # a cell's paper brightness: its 90th percentile (ink is dark, glare is rare)
PAPER_FLOOR = 0.85        # a pixel at least 85% as bright as the darkest paper around it is paper
CLOSING_CELLS = 3         # dark patches up to about 2 x 3 cells wide (ink) are not lighting
LINE_CONTRAST = 0.10      # remove_rule_lines: a pixel 10% darker than paper may belong to a line
MIN_CONTRAST = 0.15       # ink is at least 15% darker than the paper, whatever Otsu says


def paper_brightness(grey, cell):
    """The brightness of the paper, cell by cell: a coarse grid.

    Each cell of ``cell`` x ``cell`` pixels gets its PAPER_PERCENTILE
    brightness: the paper in it, not the ink (ink is dark and rarely fills
    90% of a cell). Then a closing (a maximum filter, then a minimum filter,
    over 2 * CLOSING_CELLS + 1 cells) fills in the cells covered by thick
    strokes, while large dark areas (a shadow, the table around the page)
    stay dark and keep their sharp edges. (A stroke so thick that it fills
    whole cells where it touches the picture's edge is taken for such an
    area there.)

    Returns:
        grid of ceil(height / cell) x ceil(width / cell) brightnesses.
    """
    coarse = []
    for top in range(0, len(grey), cell):
        band = grey[top:top + cell]
        coarse_row = []
        for left in range(0, len(grey[0]), cell):
            values = sorted(chain.from_iterable(row[left:left + cell] for row in band))
            coarse_row.append(values[int(PAPER_PERCENTILE * (len(values) - 1))])
        coarse.append(coarse_row)
    # Outside the picture the paper goes on as at its edge: so a dark band
    # along an edge (the table beyond the page, a shadow) stays dark, instead
    # of being taken for a thick stroke because it is narrow.
    k = CLOSING_CELLS
    padded = [[row[0]] * k + row + [row[-1]] * k for row in coarse]
    padded = [padded[0]] * k + padded + [padded[-1]] * k
    closed = _filter_2d(_filter_2d(padded, k, max), k, min)
    return [row[k:-k] for row in closed[k:-k]]


def _filter_2d(grid, radius, pick):
    """``pick`` (max or min) over a square window of 2 * radius + 1 cells (cut at the edges)."""
    def filter_1d(line):
        return [pick(line[max(0, i - radius):i + radius + 1]) for i in range(len(line))]
    across = [filter_1d(row) for row in grid]
    return [list(row) for row in zip(*[filter_1d(col) for col in zip(*across)])]


def _interpolation(n, cell, n_coarse):
    """For each of n pixels: (i0, i1, t), the two coarse cells around it and the weight of i1."""
    table = []
    for x in range(n):
        u = min(max((x + 0.5) / cell - 0.5, 0.0), n_coarse - 1.0)  # in cell-centre units
        i0 = int(u)
        table.append((i0, min(i0 + 1, n_coarse - 1), u - i0))
    return table


def flatten_lighting(grey, cells=CELLS):
    """Even out the lighting: each pixel divided by the paper's brightness there.

    Light falls unevenly on a photographed page (a gradient from the window,
    the shadow of the phone), and the paper's brightness varies with it. The
    ink reflects the same fraction of whatever light falls on it, so dividing
    by the local paper brightness (``paper_brightness``, interpolated
    bilinearly between cell centres) leaves paper at 255 everywhere and the
    ink dark, whatever the light.

    Across the sharp edge of a shadow the interpolation mixes the bright and
    the dark side, and the shadow's paper next to the edge would look like
    ink. So a pixel at least PAPER_FLOOR as bright as the darkest paper in
    its cell and the 8 cells around it counts as paper.

    Args:
        grey: grid of grey levels in [0, 255] (255 = white).
        cells: about this many cells along the long side.

    Returns:
        a new grid of grey levels in [0, 255], paper near 255.
    """
    height, width = len(grey), len(grey[0])
    cell = max(2, -(-max(height, width) // cells))
    coarse = paper_brightness(grey, cell)
    rows = _interpolation(height, cell, len(coarse))
    columns = _interpolation(width, cell, len(coarse[0]))
    # PAPER_FLOOR x the darkest paper of the cell around each pixel and of its 8 neighbours
    darkest = _filter_2d(coarse, 1, min)
    floors = [[PAPER_FLOOR * dark[x // cell] for x in range(width)] for dark in darkest]
    flat = []
    for y, (grey_row, (i0, i1, t)) in enumerate(zip(grey, rows)):
        line = [a + (b - a) * t for a, b in zip(coarse[i0], coarse[i1])]
        paper = [line[j0] + (line[j1] - line[j0]) * s for j0, j1, s in columns]
        flat.append([255.0 if g >= p or g >= f else 255.0 * g / p
                     for g, p, f in zip(grey_row, paper, floors[y // cell])])
    return flat


# ------------------------------------------------------------ ruled and squared paper

def _thin_mask(dark_rows, thickness):
    """Rows of 0/1 bytes: 1 where a dark pixel's vertical run is at most ``thickness`` long."""
    columns = []
    for column in zip(*dark_rows):
        thin = bytearray(len(column))
        for start, end in runs_of(bytes(column)):
            if end - start <= thickness:
                thin[start:end] = b"\x01" * (end - start)
        columns.append(thin)
    return [bytes(row) for row in zip(*columns)]


def _line_cells(thin_rows, strips):
    """The (strip, row) cells where a horizontal rule line runs.

    A cell is a candidate when thin pixels cover at least half of that row
    of the strip. Candidates chain into a line when they are in nearby strips
    at nearly the same height: a line may be a little tilted (up to 2 rows
    per strip), and digits may hide it over up to half the strips. A chain is
    a rule line when it runs from the first strip to the last, edge to edge,
    through at least half of the strips (a digit's bar or a 1 does not). In
    the strips it skips, the rows of the nearest strips on either side are
    taken.

    Returns:
        (cells, bounds): the set of (strip, row) cells of the lines, and each
        strip's (first column, end column).
    """
    width = len(thin_rows[0])
    bounds = [(s * width // strips, (s + 1) * width // strips) for s in range(strips)]
    flagged = [{r for r, row in enumerate(thin_rows) if 2 * sum(row[a:b]) >= b - a} for a, b in bounds]
    reach_strips = max(1, strips // 2)
    lines, seen = set(), set()
    for start in ((s, r) for s in range(strips) for r in flagged[s]):
        if start in seen:
            continue
        chain, todo = [], [start]  # flood fill from one candidate
        seen.add(start)
        while todo:
            s, r = todo.pop()
            chain.append((s, r))
            for s2 in range(max(0, s - reach_strips), min(strips, s + reach_strips + 1)):
                reach = 1 + 2 * abs(s2 - s)
                for r2 in range(r - reach, r + reach + 1):
                    if r2 in flagged[s2] and (s2, r2) not in seen:
                        seen.add((s2, r2))
                        todo.append((s2, r2))
        rows_in = {}  # strip -> the chain's rows there
        for s, r in chain:
            rows_in.setdefault(s, set()).add(r)
        if 0 in rows_in and strips - 1 in rows_in and 2 * len(rows_in) >= strips:
            lines.update(chain)
            for s in range(strips):
                if s not in rows_in:  # hidden by a digit: the rows on either side
                    left = max(k for k in rows_in if k < s)
                    right = min(k for k in rows_in if k > s)
                    lines.update((s, r) for r in rows_in[left] | rows_in[right])
    return lines, bounds


def _remove_horizontal_lines(grey, thickness, strips):
    limit = 255.0 * (1.0 - LINE_CONTRAST)
    dark = [bytes(map(limit.__gt__, row)) for row in grey]
    thin = [bytearray(row) for row in _thin_mask(dark, thickness)]
    lines, bounds = _line_cells(thin, strips)
    if not lines:
        return grey
    clean = [list(row) for row in grey]
    for s, r in lines:
        for c in range(*bounds[s]):
            # The whole thin run through the line's row becomes paper: the
            # line's other rows and its soft edges go with it.
            top = r
            while top >= 0 and thin[top][c]:
                top -= 1
            bottom = r
            while bottom < len(thin) and thin[bottom][c]:
                bottom += 1
            for k in range(top + 1, bottom):
                clean[k][c] = 255.0
                thin[k][c] = 0
    return clean


def remove_rule_lines(grey, strips=8):
    """Make the lines of ruled or squared paper paper-white; keep the digits.

    A rule line is long, thin and straight: in the picture cut into
    ``strips`` vertical strips, its rows are covered at least half by thin
    dark pixels (dark runs, measured vertically, at most 1/100 of the
    picture's long side) in strip after strip, from one edge of the picture
    to the other. Only the thin pixels of those rows are removed: where a
    digit's stroke crosses the line, the dark run there is long (the stroke
    goes on above and below), so the stroke is kept whole. Vertical lines
    (squared paper) are the same thing in the transposed picture.

    A digit's stroke that is itself thin, straight and lies along a line
    (a 7's bar written on the line) loses the part that lies on it.

    Returns:
        the grid itself when there are no lines, else a new grid.
    """
    thickness = max(2, round(max(len(grey), len(grey[0])) / 100))
    grey = _remove_horizontal_lines(grey, thickness, strips)
    transposed = [list(column) for column in zip(*grey)]
    cleaned = _remove_horizontal_lines(transposed, thickness, strips)
    if cleaned is transposed:
        return grey
    return [list(row) for row in zip(*cleaned)]


# ------------------------------------------------------------ ink

def otsu_threshold(histogram):
    """Otsu's threshold: the level t that splits a histogram into two classes,
    levels <= t and levels > t, with the largest between-class variance
    w0 w1 (m0 - m1)^2 (w: the classes' shares, m: their mean levels).

    Returns:
        (t, m1): the threshold (an index of ``histogram``) and the mean level of the upper class.
    """
    total = sum(histogram)
    level_sum = sum(level * n for level, n in enumerate(histogram))
    best, best_t, best_m1 = -1.0, 0, len(histogram) - 1.0
    count0 = sum0 = 0.0
    for t, n in enumerate(histogram[:-1]):
        count0 += n
        sum0 += t * n
        count1 = total - count0
        if count0 == 0 or count1 == 0:
            continue
        m0, m1 = sum0 / count0, (level_sum - sum0) / count1
        between = count0 * count1 * (m0 - m1) ** 2
        if between > best:
            best, best_t, best_m1 = between, t, m1
    return best_t, best_m1


def ink_from_grey(grey):
    """The ink in a grey picture: a grid of floats in [0, 1], 1 = ink, 0 = paper.

    The lighting is flattened and rule lines removed first. Then the
    darkness d = 1 - grey / 255 of every pixel is split by Otsu's threshold
    t (never below MIN_CONTRAST, so a blank page has no ink). Pixels below t
    are paper (exactly 0); above it the ink rises linearly to 1 at half way
    between t and the ink's mean darkness, which keeps the soft edges of
    strokes.
    """
    flat = remove_rule_lines(flatten_lighting(grey))
    histogram = [0] * 256
    for row in flat:
        for g in row:
            histogram[255 - int(g)] += 1  # darkness in 256 levels
    t, ink_mean = otsu_threshold(histogram)
    low = max(t / 255.0, MIN_CONTRAST)
    full = max((low + ink_mean / 255.0) / 2.0, low + 0.05)
    span = 255.0 * (full - low)
    paper = 255.0 * (1.0 - low)  # grey levels above this are paper
    return [[0.0 if g >= paper else min(1.0, (paper - g) / span) for g in row] for row in flat]
