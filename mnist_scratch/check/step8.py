"""Checks of step 8: the cross-entropy cost and softmax (the book's chapter 3).

The student writes the cross-entropy cost of one example, its output error
delta^L = dC/dz^L (BP1, which for this cost has no sigma'(z^L) left in it)
and the softmax function. The delta is checked against numbers worked out
by hand and against numerical gradients (gradcheck.py): by BP3, dC/db^L =
delta^L, so central differences on the output biases of a library network
with the cross-entropy cost give delta^L without any calculus.
"""

import math

from ..activations import Softmax, sigmoid
from ..costs import CrossEntropyCost
from ..gradcheck import numerical_gradient
from ..network import Network
from .compare import Failed, expect_close, short

TITLE = "the cross-entropy cost and softmax"

KEPT_SIGMA_PRIME = ("You kept the sigma'(z) = a (1 - a) factor of the quadratic cost's BP1. For "
                    "the cross-entropy cost dC/da_j = (a_j - y_j) / (a_j (1 - a_j)), and BP1 "
                    "multiplies that by sigma'(z_j) = a_j (1 - a_j): the two cancel, leaving "
                    "delta^L = a - y.")
DELTA_SIGN = ("Every number has the wrong sign: delta^L = dC/dz^L = a - y (the cost grows as "
              "a moves away from y, so its slope points away from y), not y - a.")
ONLY_DC_DA = ("You returned dC/da = (a - y) / (a (1 - a)). BP1 multiplies it by sigma'(z) = "
              "a (1 - a): delta^L = dC/da (.) sigma'(z^L), and the denominator cancels.")
LOG_OF_ZERO = ("A term whose factor is 0 counts as 0: when y_j is 0 skip y_j ln a_j, when y_j "
               "is 1 skip (1 - y_j) ln(1 - a_j). Computing them would take ln 0, which math.log "
               "refuses (ValueError: math domain error).")
SHIFT_BY_MAX = ("Subtract the largest z first: e^(z_j - m) / sum_k e^(z_k - m) is the same "
                "softmax for any number m, and with m = max(z) every exponent is <= 0, so "
                "math.exp never overflows (e^1000 does) and the largest term is 1, so the sum "
                "is never 0 (e^-1000 rounds to 0.0).")


def _call(checker, f, args, hint):
    """checker.call, with ``hint`` for an exception the student's code raised."""
    try:
        return checker.call(f, *args)
    except Failed as e:
        if not e.hint:
            e.hint = hint
        raise


def _cross_entropy(a, y):
    return CrossEntropyCost.fn(a, y)


def check_cross_entropy_cost(checker, f):
    a, y = [0.8, 0.1, 0.3], [1.0, 0.0, 0.0]
    expected = -(math.log(0.8) + math.log(0.9) + math.log(0.7))
    got = _call(checker, f, (list(a), list(y)), LOG_OF_ZERO)
    expect_close(expected, got, tol=1e-9,
                 hint="C = -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)] (math.log is ln), one "
                      "term per output neuron.",
                 diagnoses=[(-math.log(0.8), "You have only the y_j ln a_j terms: add the "
                                             "(1 - y_j) ln(1 - a_j) terms too, which punish an "
                                             "output near 1 where y_j is 0."),
                            (-expected, "The sign: ln of a number below 1 is negative, so the "
                                        "cost has a minus in front of the sum and is positive.")])
    yield "cross_entropy_cost(%s, %s) == %.6f" % (short(a), short(y), expected)

    a, y = [1.0, 0.0, 0.5], [1.0, 0.0, 1.0]
    got = _call(checker, f, (list(a), list(y)), LOG_OF_ZERO)
    expect_close(math.log(2.0), got, tol=1e-9, hint=LOG_OF_ZERO)
    yield "cross_entropy_cost([1.0, 0.0, 0.5], [1.0, 0.0, 1.0]) == ln 2, without taking ln 0"

    net = Network([784, 10], seed=8, cost="cross-entropy")
    x, label = checker.examples("test", 1)[0]
    a = net.feedforward(x)
    y = [1.0 if j == label else 0.0 for j in range(10)]
    expect_close(_cross_entropy(a, y), _call(checker, f, (list(a), list(y)), LOG_OF_ZERO),
                 tol=1e-9, hint="Sum over all ten output neurons.")
    yield "cross_entropy_cost(a [784, 10] network's output, first test image) matches the library"


def _delta_diagnoses(z, a, y):
    return [([(u - v) * u * (1 - u) for u, v in zip(a, y)], KEPT_SIGMA_PRIME),
            ([v - u for u, v in zip(a, y)], DELTA_SIGN),
            ([(u - v) / (u * (1 - u)) if 0 < u < 1 else 0.0 for u, v in zip(a, y)], ONLY_DC_DA)]


def check_cross_entropy_delta(checker, f):
    hint = "BP1 for the cross-entropy cost and sigmoid outputs: delta^L = a - y."
    for z, y, what in (([2.0, -1.0, 0.5], [0.0, 1.0, 0.0], "three outputs"),
                       ([10.0, -10.0, 0.0], [0.0, 1.0, 1.0], "two saturated, wrong outputs")):
        a = [sigmoid(v) for v in z]
        expected = [u - v for u, v in zip(a, y)]
        got = checker.call(f, list(z), list(a), list(y))
        expect_close(expected, got, tol=1e-9, hint=hint, diagnoses=_delta_diagnoses(z, a, y))
        yield "cross_entropy_delta(z, a, y) for %s == a - y = %s" % (what, short(expected, 60))

    # Numerical gradients: by BP3 the derivative of the cost with respect to the
    # output biases b^L is delta^L itself.
    net = Network([3, 4, 2], seed=5, cost="cross-entropy")
    x, y = [0.5, -1.0, 2.0], [0.0, 1.0]
    zs, activations = net.forward(x)
    numerical = numerical_gradient(net, x, y)[0][-1]
    got = checker.call(f, list(zs[-1]), list(activations[-1]), list(y))
    expect_close(numerical, got, tol=1e-6, hint=hint,
                 diagnoses=_delta_diagnoses(zs[-1], activations[-1], y))
    yield ("cross_entropy_delta agrees with the numerical gradient dC/db^L of a [3, 4, 2] "
           "cross-entropy network (gradcheck; BP3: dC/db^L = delta^L)")


def check_softmax(checker, f):
    for z in ([1.0, 2.0, 3.0], [0.0, 0.0, 0.0, 0.0], [-1.0, 5.0]):
        expected = Softmax.fn(z)
        got = checker.call(f, list(z))
        exps = [math.exp(v) for v in z]
        expect_close(expected, got, tol=1e-9,
                     hint="a_j = e^(z_j) / sum_k e^(z_k): positive numbers that add up to 1.",
                     diagnoses=[(exps, "Divide each e^(z_j) by their sum, so that the outputs "
                                       "add up to 1.")])
        yield "softmax(%s) == %s" % (short(z), short(expected, 60))
    for z in ([1000.0, 1001.0, 1002.0], [-1000.0, -1000.0]):
        expected = Softmax.fn(z)
        got = _call(checker, f, (list(z),), SHIFT_BY_MAX)
        expect_close(expected, got, tol=1e-9, hint=SHIFT_BY_MAX)
        yield "softmax(%s) == %s without overflow" % (short(z), short(expected, 60))


# function -> its checks, in the order of the template
CHECKS = {
    "cross_entropy_cost": check_cross_entropy_cost,
    "cross_entropy_delta": check_cross_entropy_delta,
    "softmax": check_softmax,
}

# function -> the hint for a failure whose check gave none (e.g. an exception)
HINTS = {
    "cross_entropy_delta": "Return a list with one number per output neuron: a_j - y_j.",
}
