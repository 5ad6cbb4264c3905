"""Typical mistake (step 3): the sigmoid as 1 / (1 + e^(-z)) for every z, which overflows
for z = -1000 (math.exp(1000) is too big for a float)."""

import math

from correct import *  # noqa: F401,F403  everything else is right


def sigmoid(z):
    return 1 / (1 + math.exp(-z))
