"""Typical mistake (step 4): BP1 with y - a instead of a - y, so every gradient has the wrong sign."""

from correct import *  # noqa: F401,F403  everything else is right
from correct import add, matvec, outer, sigmoid, transpose


def backprop(weights, biases, x, y):
    activations = [x]
    for w, b in zip(weights, biases):
        activations.append([sigmoid(z) for z in add(matvec(w, activations[-1]), b)])
    deltas = [None] * len(weights)
    a = activations[-1]
    deltas[-1] = [(yj - aj) * aj * (1 - aj) for aj, yj in zip(a, y)]
    for i in range(len(weights) - 2, -1, -1):
        back = matvec(transpose(weights[i + 1]), deltas[i + 1])
        deltas[i] = [e * aj * (1 - aj) for e, aj in zip(back, activations[i + 1])]
    return [list(d) for d in deltas], [outer(d, p) for d, p in zip(deltas, activations)]
