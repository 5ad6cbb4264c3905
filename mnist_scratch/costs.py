"""Cost functions: how wrong the network's output a = a^L is for a target y.

Each is a small class in the style of the book's network2.py (chapter 3),
used as it is (never instantiated) and chosen by name:

    name                    C_x for one example               output layer   BP1: delta^L
    "quadratic" (default)   1/2 ||a - y||^2                   sigmoid        (a - y) (.) sigma'(z^L)
    "cross-entropy"         -sum_j [y_j ln a_j                sigmoid        a - y
                                    + (1 - y_j) ln(1 - a_j)]
    "log-likelihood"        -sum_j y_j ln a_j = -ln a_label   softmax        a - y

Each class has ``name``, ``output`` (the output layer's activation class,
see activations.py), ``fn(a, y)`` (the cost C_x of one example) and
``delta(z, a, y)`` (BP1, the output error delta^L = dC_x/dz^L, from the
output layer's weighted inputs z = z^L and activations a = a^L).

Why cross-entropy learns faster: the learning slowdown
------------------------------------------------------
BP1 says delta^L = grad_a C (.) sigma'(z^L). With the quadratic cost,
grad_a C = a - y, so

    delta^L_j = (a_j - y_j) sigma'(z_j).

A sigmoid output that is badly wrong AND sure of itself (a_j near 1 where
y_j = 0) has sigma'(z_j) = a_j (1 - a_j) near 0: the neuron that is most
wrong learns most slowly. Every gradient goes through delta^L (BP2 to BP4),
so a network started with saturated outputs hardly moves at first.

With the cross-entropy cost, dC/da_j = (a_j - y_j) / (a_j (1 - a_j)), and
the denominator is exactly sigma'(z_j) = a_j (1 - a_j). It cancels:

    delta^L_j = (a_j - y_j) / (a_j (1 - a_j)) * a_j (1 - a_j) = a_j - y_j.

No sigma'(z^L) is left: the error is as large as the mistake, and learning
is fastest when the network is most wrong. The log-likelihood cost with a
softmax output layer gives the same delta^L = a - y (the softmax's
derivative da_j/dz_k = a_j (delta_jk - a_k) cancels the same way), so it
learns without the slowdown too; its outputs add up to 1, a probability
for each digit. (Hidden layers of sigmoid neurons still saturate: that is
what tanh and ReLU, in activations.py, are for.)

Logarithms of 0
---------------
An output that has rounded to exactly 0 or 1 (a sigmoid of |z| > 37, or a
softmax far from the others) makes ln a or ln(1 - a) the log of 0. Its
cost is then taken as the log of the smallest positive float (about 745 for
that neuron): very large, but finite, so a sum of costs stays a number.
Terms whose factor y_j or 1 - y_j is 0 count as 0 (the limit of
t ln t as t -> 0), as for a one-hot y. delta needs no logarithm at all.
"""

import math

from .activations import Sigmoid, Softmax

__all__ = ["quadratic_cost", "QuadraticCost", "CrossEntropyCost", "LogLikelihoodCost", "COSTS",
           "cost_named"]

# ln of the smallest positive float (5e-324): the log used in place of ln 0.
LOG_OF_ZERO = math.log(5e-324)


def _ln(v):
    """ln v, or LOG_OF_ZERO for v = 0 (see "Logarithms of 0" above)."""
    return math.log(v) if v > 0.0 else LOG_OF_ZERO


def quadratic_cost(output, y):
    """The per-example cost C_x = 1/2 ||output - y||^2 for Vectors of equal length."""
    return 0.5 * sum((a - t) ** 2 for a, t in zip(output, y))


class QuadraticCost:
    """C_x = 1/2 ||a - y||^2, the cost of the book's chapters 1 and 2.

    The 1/2 makes the derivative clean: dC_x/da = a - y.
    """

    name = "quadratic"
    output = Sigmoid

    @staticmethod
    def fn(a, y):
        return quadratic_cost(a, y)

    @staticmethod
    def delta(z, a, y):
        # BP1: delta^L = (a - y) (.) sigma'(z^L), with sigma'(z) = a (1 - a) for sigmoid outputs
        return [(a_j - y_j) * a_j * (1.0 - a_j) for a_j, y_j in zip(a, y)]


class CrossEntropyCost:
    """C_x = -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)], for sigmoid outputs.

    Positive, and near 0 only when every a_j is near its y_j, like the
    quadratic cost; but its BP1 has no sigma'(z^L) (see the module docstring).
    """

    name = "cross-entropy"
    output = Sigmoid

    @staticmethod
    def fn(a, y):
        total = 0.0
        for a_j, y_j in zip(a, y):
            if y_j:
                total -= y_j * _ln(a_j)
            if y_j != 1.0:
                total -= (1.0 - y_j) * _ln(1.0 - a_j)
        return total

    @staticmethod
    def delta(z, a, y):
        # BP1: delta^L = grad_a C (.) sigma'(z^L) = a - y: sigma'(z^L) has cancelled
        return [a_j - y_j for a_j, y_j in zip(a, y)]


class LogLikelihoodCost:
    """C_x = -ln a_label, the log-likelihood cost of a softmax output layer.

    For a one-hot y this is -sum_j y_j ln a_j: small when the network gives
    the right digit a probability near 1.
    """

    name = "log-likelihood"
    output = Softmax

    @staticmethod
    def fn(a, y):
        return -sum(y_j * _ln(a_j) for a_j, y_j in zip(a, y) if y_j)

    @staticmethod
    def delta(z, a, y):
        # BP1 for a softmax output layer: delta^L = a - y
        return [a_j - y_j for a_j, y_j in zip(a, y)]


COSTS = {cost.name: cost for cost in (QuadraticCost, CrossEntropyCost, LogLikelihoodCost)}


def cost_named(name):
    """The cost called ``name`` (one of COSTS), or one of those classes itself.

    Raises:
        ValueError: an unknown name, listing the choices.
    """
    if name in COSTS.values():
        return name
    if isinstance(name, str) and name in COSTS:
        return COSTS[name]
    raise ValueError("unknown cost %.40r; choose one of %s" % (name, ", ".join(COSTS)))
