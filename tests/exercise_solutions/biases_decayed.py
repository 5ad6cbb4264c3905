"""Typical mistake (step 9): weight decay applied to the biases as well as the weights."""

from correct import *  # noqa: F401,F403  everything else is right
from correct import gradient_sums, scale, sub


def update_mini_batch_l2(weights, biases, mini_batch, eta, lmbda, n):
    sum_b, sum_w = gradient_sums(weights, biases, mini_batch)
    step = eta / len(mini_batch)
    decay = 1 - eta * lmbda / n
    new_weights = [[sub(scale(decay, row), scale(step, g)) for row, g in zip(w, sw)]
                   for w, sw in zip(weights, sum_w)]
    new_biases = [sub(scale(decay, b), scale(step, sb)) for b, sb in zip(biases, sum_b)]
    return new_weights, new_biases
