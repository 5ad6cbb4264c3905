"""Typical mistake (step 3): argmax's loop stops one entry early, so a largest entry at the
end is never looked at."""

from correct import *  # noqa: F401,F403  everything else is right


def argmax(v):
    best = 0
    for i in range(1, len(v) - 1):
        if v[i] > v[best]:
            best = i
    return best
