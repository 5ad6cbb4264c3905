"""Typical mistake (step 4): backprop hands the work to the library's Network.backprop."""

from mnist_scratch.network import Network

from correct import *  # noqa: F401,F403  everything else is right


def backprop(weights, biases, x, y):
    return Network.from_parameters(weights, biases).backprop(x, y)
