"""Typical mistake (step 5): the step is eta // len(mini_batch), integer division, which is
0.0 for eta = 3.0 and a batch of 10: nothing moves."""

from correct import *  # noqa: F401,F403  everything else is right
from correct import gradient_sums, scale, sub


def update_mini_batch(weights, biases, mini_batch, eta):
    sum_b, sum_w = gradient_sums(weights, biases, mini_batch)
    step = eta // len(mini_batch)
    new_weights = [[sub(row, scale(step, g)) for row, g in zip(w, sw)]
                   for w, sw in zip(weights, sum_w)]
    new_biases = [sub(b, scale(step, sb)) for b, sb in zip(biases, sum_b)]
    return new_weights, new_biases
