"""Typical mistake (step 3): update subtracts the step from the caller's weights and biases
in place, then returns them: the right numbers, but the caller's network is gone."""

from correct import *  # noqa: F401,F403  everything else is right
from correct import add, feedforward, one_hot, outer


def update(weights, biases, mini_batch, eta):
    sum_b = [0.0] * len(biases)
    sum_w = [[0.0] * len(row) for row in weights]
    for x, label in mini_batch:
        a = feedforward(weights, biases, x)
        delta = [(aj - yj) * aj * (1 - aj) for aj, yj in zip(a, one_hot(label, len(a)))]
        sum_b = add(sum_b, delta)
        sum_w = [add(s, g) for s, g in zip(sum_w, outer(delta, x))]
    step = eta / len(mini_batch)
    for row, gradient in zip(weights, sum_w):
        for k in range(len(row)):
            row[k] -= step * gradient[k]
    for j in range(len(biases)):
        biases[j] -= step * sum_b[j]
    return weights, biases
