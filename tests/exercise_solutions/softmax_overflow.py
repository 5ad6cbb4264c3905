"""Typical mistake (step 8): softmax without subtracting the largest z, so e^1000 overflows."""

import math

from correct import *  # noqa: F401,F403  everything else is right


def softmax(z):
    exps = [math.exp(v) for v in z]
    total = sum(exps)
    return [e / total for e in exps]
