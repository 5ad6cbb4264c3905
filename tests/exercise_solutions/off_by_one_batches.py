"""Typical mistake (step 5): len(data) // m batches, so the last, smaller batch is lost."""

from correct import *  # noqa: F401,F403  everything else is right


def create_batches(data, mini_batch_size, rng):
    shuffled = list(data)
    rng.shuffle(shuffled)
    return [shuffled[i * mini_batch_size:(i + 1) * mini_batch_size]
            for i in range(len(shuffled) // mini_batch_size)]
