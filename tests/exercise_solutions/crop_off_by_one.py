"""Typical mistake (step 10): the crop's slices stop before the last row and column with ink."""

from correct import *  # noqa: F401,F403  everything else is right


def crop_to_ink(grid, threshold=0.0):
    rows = [r for r, row in enumerate(grid) if any(v > threshold for v in row)]
    cols = [c for c in range(len(grid[0])) if any(row[c] > threshold for row in grid)]
    if not rows:
        raise ValueError("no ink")
    return [row[cols[0]:cols[-1]] for row in grid[rows[0]:rows[-1]]]
