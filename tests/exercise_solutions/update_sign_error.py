"""Typical mistake (step 3): the gradient step goes uphill (w + eta/m * gradient)."""

from correct import *  # noqa: F401,F403  everything else is right
from correct import add, feedforward, one_hot, outer, scale


def update(weights, biases, mini_batch, eta):
    sum_b = [0.0] * len(biases)
    sum_w = [[0.0] * len(row) for row in weights]
    for x, label in mini_batch:
        a = feedforward(weights, biases, x)
        delta = [(aj - yj) * aj * (1 - aj) for aj, yj in zip(a, one_hot(label, len(a)))]
        sum_b = add(sum_b, delta)
        sum_w = [add(s, g) for s, g in zip(sum_w, outer(delta, x))]
    step = eta / len(mini_batch)
    return ([add(w, scale(step, g)) for w, g in zip(weights, sum_w)],
            add(biases, scale(step, sum_b)))
