"""Tests for gradcheck.py: numerical gradients by central differences (step 4)."""

import math

import pytest

from conftest import parameter_bits
from mnist_scratch.gradcheck import max_relative_error, numerical_gradient, relative_error
from mnist_scratch.linalg import one_hot
from mnist_scratch.network import Network, sigmoid

pytestmark = pytest.mark.step4


def test_numerical_gradient_of_a_single_neuron_matches_calculus():
    """One neuron, C = 1/2 (sigma(w x + b) - y)^2, so dC/dw = (a - y) a (1 - a) x
    and dC/db = (a - y) a (1 - a)."""
    w, b, x, y = 0.7, -0.3, 0.9, 1.0
    net = Network.from_parameters([[[w]]], [[b]])
    a = sigmoid(w * x + b)
    expected_b = (a - y) * a * (1 - a)
    nabla_b, nabla_w = numerical_gradient(net, [x], [y])
    assert nabla_b[0][0] == pytest.approx(expected_b, rel=1e-9)
    assert nabla_w[0][0][0] == pytest.approx(expected_b * x, rel=1e-9)


def test_numerical_gradient_uses_the_networks_own_cost():
    """The same neuron with the cross-entropy cost: dC/dw = (a - y) x, no sigma'(z)."""
    w, b, x, y = 0.7, -0.3, 0.9, 1.0
    net = Network.from_parameters([[[w]]], [[b]], cost="cross-entropy")
    a = sigmoid(w * x + b)
    nabla_b, nabla_w = numerical_gradient(net, [x], [y])
    assert nabla_b[0][0] == pytest.approx(a - y, rel=1e-9)
    assert nabla_w[0][0][0] == pytest.approx((a - y) * x, rel=1e-9)


def test_numerical_gradient_has_the_shapes_of_the_parameters():
    net = Network([4, 3, 2], seed=0)
    nabla_b, nabla_w = numerical_gradient(net, [0.1, 0.2, 0.0, 0.9], one_hot(1, 2))
    assert [len(v) for v in nabla_b] == [3, 2]
    assert [(len(m), len(m[0])) for m in nabla_w] == [(3, 4), (2, 3)]


def test_numerical_gradient_restores_every_parameter_bit_for_bit():
    net = Network([4, 3, 2], seed=3)
    before = parameter_bits(net)
    numerical_gradient(net, [0.3, 0.0, 0.5, 1.0], one_hot(0, 2))
    assert parameter_bits(net) == before


def test_parameters_are_restored_even_when_the_cost_fails():
    net = Network([2, 2], seed=3)
    before = parameter_bits(net)
    with pytest.raises(ValueError):
        numerical_gradient(net, [0.1, 0.2, 0.3], [0.0, 1.0])  # input of the wrong length
    assert parameter_bits(net) == before


def test_zero_inputs_give_exactly_zero_weight_gradients():
    net = Network([3, 2], seed=1)
    _, nabla_w = numerical_gradient(net, [0.0, 0.5, 0.0], one_hot(1, 2))
    assert [row[0] for row in nabla_w[0]] == [0.0, 0.0]
    assert all(row[1] != 0.0 for row in nabla_w[0])


def test_relative_error():
    assert relative_error(1.0, 1.0) == 0.0
    assert relative_error(1.0, 2.0) == 0.5
    assert relative_error(-1.0, 1.0) == 2.0
    assert relative_error(0.0, 0.0) == 0.0
    # Tiny numbers are measured against the floor, not against each other.
    assert relative_error(0.0, 1e-12) == pytest.approx(1e-4)
    assert relative_error(0.0, 1e-12, floor=1e-6) == pytest.approx(1e-6)


def test_max_relative_error_finds_the_worst_entry():
    a = ([[1.0, 2.0]], [[[1.0, 1.0], [1.0, 1.0]]])
    b = ([[1.0, 2.0]], [[[1.0, 1.0], [1.0, 4.0]]])
    assert max_relative_error(a, a) == 0.0
    assert max_relative_error(a, b) == 0.75
    c = ([[1.0, 1.0]], [[[1.0, 1.0], [1.0, 1.0]]])
    assert max_relative_error(a, c) == 0.5


def test_a_nan_in_either_gradient_is_never_agreement():
    a = ([[1.0, 2.0]], [[[1.0, 1.0]]])
    nan_bias = ([[1.0, math.nan]], [[[1.0, 1.0]]])
    inf_weight = ([[1.0, 2.0]], [[[1.0, math.inf]]])
    assert math.isnan(max_relative_error(a, nan_bias))
    assert math.isnan(max_relative_error(nan_bias, a))
    assert math.isnan(max_relative_error(a, inf_weight))


def test_a_wrong_backprop_is_caught():
    """The check is sharp: one wrong entry, or a missing factor of the
    derivative, pushes the error far above the 1e-6 a correct backprop reaches."""
    net = Network([3, 4, 2], seed=8)
    x, y = [0.2, 0.0, 0.9], one_hot(1, 2)
    numeric = numerical_gradient(net, x, y)
    nabla_b, nabla_w = net.backprop(x, y)
    assert max_relative_error((nabla_b, nabla_w), numeric) < 1e-6
    nabla_w[1][0][2] *= 1.001
    assert max_relative_error((nabla_b, nabla_w), numeric) > 5e-4
    # Forgetting sigma'(z) in BP1 (delta^L = a - y): a classic mistake.
    output = net.feedforward(x)
    wrong_b_last = [a - t for a, t in zip(output, y)]
    assert max(relative_error(p, q) for p, q in zip(wrong_b_last, numeric[0][-1])) > 0.5


def test_error_shrinks_like_h_squared():
    """Central differences are second order: ten times smaller h, about a hundred times
    smaller error (while h is large enough for rounding not to matter)."""
    net = Network.from_parameters([[[1.3]]], [[0.4]])
    x, y = [0.8], [0.0]
    exact = net.backprop(x, y)[0][0][0]
    errors = [abs(numerical_gradient(net, x, y, h=h)[0][0][0] - exact) for h in (1e-1, 1e-2)]
    assert 50 < errors[0] / errors[1] < 200
    assert math.isfinite(errors[1]) and errors[1] < 1e-5
