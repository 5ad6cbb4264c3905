"""Typical mistake (step 5): learn builds exactly two weight layers, as for [784, 30, 10],
whatever sizes says. Only a hidden case (a network of another depth) catches it."""

import math
import random

from correct import *  # noqa: F401,F403  everything else is right
from correct import create_batches, update_mini_batch


def learn(training_data, sizes, epochs, mini_batch_size, eta, seed):
    rng = random.Random(seed)
    n_in, n_hidden, n_out = sizes[0], sizes[1], sizes[-1]
    biases = [[rng.gauss(0, 1) for _ in range(n_hidden)], [rng.gauss(0, 1) for _ in range(n_out)]]
    weights = [[[rng.gauss(0, 1 / math.sqrt(n_in)) for _ in range(n_in)] for _ in range(n_hidden)],
               [[rng.gauss(0, 1 / math.sqrt(n_hidden)) for _ in range(n_hidden)]
                for _ in range(n_out)]]
    for _ in range(epochs):
        for batch in create_batches(training_data, mini_batch_size, rng):
            weights, biases = update_mini_batch(weights, biases, batch, eta)
    return weights, biases
