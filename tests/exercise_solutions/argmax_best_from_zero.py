"""Typical mistake (step 3): argmax starts the best value at 0, which no entry beats when
every entry is negative."""

from correct import *  # noqa: F401,F403  everything else is right


def argmax(v):
    best_value, best = 0, 0
    for i, value in enumerate(v):
        if value > best_value:
            best_value, best = value, i
    return best
