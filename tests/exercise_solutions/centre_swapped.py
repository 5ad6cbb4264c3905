"""Typical mistake (step 10): the centre of mass returned as (column, row)."""

from correct import *  # noqa: F401,F403  everything else is right


def centre_of_mass(grid):
    mass = sum(sum(line) for line in grid)
    if mass == 0:
        raise ValueError("no ink")
    x = sum(c * v for line in grid for c, v in enumerate(line)) / mass
    y = sum(r * v for r, line in enumerate(grid) for v in line) / mass
    return x, y
