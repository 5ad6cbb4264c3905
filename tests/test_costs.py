"""Tests for costs.py: the three costs, their BP1, and the learning slowdown."""

import math

import pytest

from mnist_scratch.activations import Sigmoid, Softmax, sigmoid
from mnist_scratch.costs import (COSTS, CrossEntropyCost, LogLikelihoodCost, QuadraticCost,
                                 cost_named, quadratic_cost)

pytestmark = pytest.mark.step8


Z = [0.3, -1.2, 2.5, 0.0]
Y = [0.0, 0.0, 1.0, 0.0]


def output_of(cost, z):
    return cost.output.fn(z)


def test_the_costs_by_name():
    assert COSTS == {"quadratic": QuadraticCost, "cross-entropy": CrossEntropyCost,
                     "log-likelihood": LogLikelihoodCost}
    assert [cost.output for cost in COSTS.values()] == [Sigmoid, Sigmoid, Softmax]
    assert cost_named("cross-entropy") is CrossEntropyCost
    assert cost_named(LogLikelihoodCost) is LogLikelihoodCost
    for bad in ("hinge", "Quadratic", None, 3):
        with pytest.raises(ValueError, match="unknown cost .*choose one of quadratic, "
                                             "cross-entropy, log-likelihood"):
            cost_named(bad)


def test_values_by_hand():
    a = [0.8, 0.1, 0.3]
    y = [1.0, 0.0, 0.0]
    assert QuadraticCost.fn(a, y) == pytest.approx(0.5 * (0.2 ** 2 + 0.1 ** 2 + 0.3 ** 2))
    assert QuadraticCost.fn(a, y) == quadratic_cost(a, y)
    assert CrossEntropyCost.fn(a, y) == pytest.approx(
        -(math.log(0.8) + math.log(0.9) + math.log(0.7)), rel=1e-15)
    assert LogLikelihoodCost.fn(a, y) == pytest.approx(-math.log(0.8), rel=1e-15)
    # A target that is not one-hot: both terms of each neuron count.
    assert CrossEntropyCost.fn([0.25], [0.5]) == pytest.approx(
        -(0.5 * math.log(0.25) + 0.5 * math.log(0.75)), rel=1e-15)


@pytest.mark.parametrize("cost", list(COSTS.values()), ids=list(COSTS))
def test_delta_is_the_derivative_of_the_cost_by_z(cost):
    """BP1: delta^L_j = dC/dz^L_j, checked by central differences through the output layer."""
    h = 1e-6
    delta = cost.delta(Z, output_of(cost, Z), Y)
    for j in range(len(Z)):
        plus, minus = list(Z), list(Z)
        plus[j] += h
        minus[j] -= h
        numerical = (cost.fn(output_of(cost, plus), Y) - cost.fn(output_of(cost, minus), Y)) / (2 * h)
        assert delta[j] == pytest.approx(numerical, rel=1e-7, abs=1e-9)


def test_cross_entropy_removes_the_learning_slowdown():
    """A sure and wrong sigmoid output (z = 8, target 0): the quadratic cost's delta has
    the factor sigma'(z) ~ 0.0003 and almost vanishes; the cross-entropy's is a - y,
    as large as the mistake."""
    z, y = [8.0], [0.0]
    a = Sigmoid.fn(z)
    quadratic = QuadraticCost.delta(z, a, y)[0]
    cross_entropy = CrossEntropyCost.delta(z, a, y)[0]
    assert cross_entropy == a[0] - y[0] > 0.99
    assert quadratic == pytest.approx(cross_entropy * sigmoid(8.0) * (1 - sigmoid(8.0)))
    assert quadratic < 0.001 * cross_entropy
    # And the log-likelihood cost of a softmax layer: delta = a - y as well.
    a = Softmax.fn(Z)
    assert LogLikelihoodCost.delta(Z, a, Y) == [a_j - y_j for a_j, y_j in zip(a, Y)]


def test_outputs_rounded_to_0_or_1_give_a_large_finite_cost():
    """sigmoid(40) == 1.0 exactly: ln(1 - a) would be ln 0. The cost stays finite
    (about 745 per such neuron), and a right answer still costs 0."""
    a = Sigmoid.fn([40.0, -800.0])
    assert a == [1.0, 0.0]
    wrong = CrossEntropyCost.fn(a, [0.0, 1.0])
    assert math.isfinite(wrong) and 1400 < wrong < 1500
    assert CrossEntropyCost.fn(a, [1.0, 0.0]) == 0.0
    softmax = Softmax.fn([0.0, 2000.0])
    assert softmax == [0.0, 1.0]
    assert math.isfinite(LogLikelihoodCost.fn(softmax, [1.0, 0.0]))
    assert LogLikelihoodCost.fn(softmax, [0.0, 1.0]) == 0.0
