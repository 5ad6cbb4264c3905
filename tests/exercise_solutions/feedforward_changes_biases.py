"""Typical mistake (step 3): z = biases names the caller's list, not a copy, so adding
w x into it changes the network's biases."""

from correct import *  # noqa: F401,F403  everything else is right
from correct import dot, sigmoid


def feedforward(weights, biases, x):
    z = biases
    for j in range(len(z)):
        z[j] += dot(weights[j], x)
    return [sigmoid(v) for v in z]
