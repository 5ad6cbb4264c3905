"""Typical mistake (step 8): the cross-entropy delta with y - a instead of a - y."""

from correct import *  # noqa: F401,F403  everything else is right


def cross_entropy_delta(z, a, y):
    return [yj - aj for aj, yj in zip(a, y)]
