"""Typical mistake (step 5): learn's loop runs range(epochs - 1): one epoch too few, so
learn(..., epochs=1, ...) does not train at all."""

import math
import random

from correct import *  # noqa: F401,F403  everything else is right
from correct import create_batches, update_mini_batch


def learn(training_data, sizes, epochs, mini_batch_size, eta, seed):
    rng = random.Random(seed)
    biases = [[rng.gauss(0, 1) for _ in range(n)] for n in sizes[1:]]
    weights = [[[rng.gauss(0, 1 / math.sqrt(n_in)) for _ in range(n_in)] for _ in range(n_out)]
               for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    for _ in range(epochs - 1):
        for batch in create_batches(training_data, mini_batch_size, rng):
            weights, biases = update_mini_batch(weights, biases, batch, eta)
    return weights, biases
