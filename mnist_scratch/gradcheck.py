"""Numerical gradients by central differences, to check backpropagation.

For any single weight or bias p, the derivative of the cost can be
estimated without any calculus:

    dC/dp  ~  (C(p + h) - C(p - h)) / (2 h)

with an error of order h^2. It costs two forward passes per parameter (far
too slow to train with: 2 x 23,860 passes per example for [784, 30, 10]), but
it is an independent check that ``Network.backprop`` is right.
"""

import math

__all__ = ["numerical_gradient", "relative_error", "max_relative_error"]


def numerical_gradient(network, x, y, h=1e-5):
    """dC_x/db and dC_x/dw by central differences, C_x being the network's own cost
    (``network.cost.fn``, e.g. 1/2 ||a^L - y||^2 for the quadratic cost).

    Args:
        network: a Network (its parameters are nudged and always restored).
        x, y: input and target Vectors.
        h: the step.

    Returns:
        (nabla_b, nabla_w), shaped like network.biases and network.weights.
    """
    def cost():
        return network.cost.fn(network.feedforward(x), y)

    def derivative(vector, k):
        original = vector[k]
        try:
            vector[k] = original + h
            plus = cost()
            vector[k] = original - h
            minus = cost()
        finally:
            vector[k] = original
        return (plus - minus) / (2 * h)

    nabla_b = [[derivative(b, j) for j in range(len(b))] for b in network.biases]
    nabla_w = [[[derivative(row, k) for k in range(len(row))] for row in w] for w in network.weights]
    return nabla_b, nabla_w


def relative_error(a, b, floor=1e-8):
    """|a - b| / max(|a|, |b|, floor): the disagreement of two numbers, as a fraction."""
    return abs(a - b) / max(abs(a), abs(b), floor)


def max_relative_error(gradient_a, gradient_b, floor=1e-8):
    """The largest relative error between two (nabla_b, nabla_w) pairs, entry by entry.

    NaN if any entry of either gradient is NaN: a gradient with a NaN in it
    agrees with nothing (``max`` alone would silently skip a NaN).
    """
    (b1, w1), (b2, w2) = gradient_a, gradient_b
    pairs = [(p, q) for u, v in zip(b1, b2) for p, q in zip(u, v)]
    pairs += [(p, q) for m1, m2 in zip(w1, w2) for r1, r2 in zip(m1, m2) for p, q in zip(r1, r2)]
    worst = 0.0
    for p, q in pairs:
        error = relative_error(p, q, floor)
        if math.isnan(error):
            return math.nan
        worst = max(worst, error)
    return worst
