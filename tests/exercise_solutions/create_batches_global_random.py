"""Typical mistake (step 5): create_batches shuffles with the random module's shared
generator instead of the rng it was given."""

import random

from correct import *  # noqa: F401,F403  everything else is right


def create_batches(data, mini_batch_size, rng):
    shuffled = list(data)
    random.shuffle(shuffled)
    return [shuffled[k:k + mini_batch_size] for k in range(0, len(shuffled), mini_batch_size)]
