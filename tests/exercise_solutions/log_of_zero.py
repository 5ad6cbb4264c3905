"""Typical mistake (step 8): the cross-entropy cost takes ln 0 for an output that is exactly 0 or 1."""

import math

from correct import *  # noqa: F401,F403  everything else is right


def cross_entropy_cost(a, y):
    return -sum(yj * math.log(aj) + (1 - yj) * math.log(1 - aj) for aj, yj in zip(a, y))
