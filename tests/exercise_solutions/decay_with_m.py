"""Typical mistake (step 9): the weight decay divides by the mini-batch size m instead of n."""

from correct import *  # noqa: F401,F403  everything else is right
from correct import gradient_sums, scale, sub


def update_mini_batch_l2(weights, biases, mini_batch, eta, lmbda, n):
    sum_b, sum_w = gradient_sums(weights, biases, mini_batch)
    m = len(mini_batch)
    decay = 1 - eta * lmbda / m
    new_weights = [[sub(scale(decay, row), scale(eta / m, g)) for row, g in zip(w, sw)]
                   for w, sw in zip(weights, sum_w)]
    new_biases = [sub(b, scale(eta / m, sb)) for b, sb in zip(biases, sum_b)]
    return new_weights, new_biases
