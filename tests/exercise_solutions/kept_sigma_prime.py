"""Typical mistake (step 8): the cross-entropy delta keeps the quadratic cost's sigma'(z^L)."""

from correct import *  # noqa: F401,F403  everything else is right


def cross_entropy_delta(z, a, y):
    return [(aj - yj) * aj * (1 - aj) for aj, yj in zip(a, y)]
