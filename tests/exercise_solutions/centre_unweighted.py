"""Typical mistake (step 10): the centre of the inked pixels' positions, not weighted by their ink."""

from correct import *  # noqa: F401,F403  everything else is right


def centre_of_mass(grid):
    inked = [(r, c) for r, line in enumerate(grid) for c, v in enumerate(line) if v > 0]
    if not inked:
        raise ValueError("no ink")
    return (sum(r for r, _ in inked) / len(inked), sum(c for _, c in inked) / len(inked))
