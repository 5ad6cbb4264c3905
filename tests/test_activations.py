"""Tests for activations.py: sigmoid, tanh, ReLU and softmax, and their derivatives."""

import math

import pytest

from mnist_scratch.activations import (ACTIVATIONS, ReLU, Sigmoid, Softmax, Tanh,
                                       activation_named, sigmoid)

pytestmark = pytest.mark.step8


Z = [-3.0, -0.5, 0.25, 1.0, 4.0]


def test_the_hidden_activations_by_name():
    assert ACTIVATIONS == {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}
    assert activation_named("relu") is ReLU and activation_named(Tanh) is Tanh
    for bad in ("softmax", Softmax, "ReLU", None):
        with pytest.raises(ValueError, match="unknown activation .*sigmoid, tanh, relu"):
            activation_named(bad)


def test_values_by_hand():
    assert Sigmoid.fn(Z) == [sigmoid(v) for v in Z]
    assert Sigmoid.fn([0.0]) == [0.5]
    assert Tanh.fn(Z) == pytest.approx([(math.exp(v) - math.exp(-v)) / (math.exp(v) + math.exp(-v))
                                        for v in Z], rel=1e-14)
    assert ReLU.fn(Z) == [0.0, 0.0, 0.25, 1.0, 4.0]
    a = Softmax.fn([1.0, 2.0, 3.0])
    total = math.exp(1) + math.exp(2) + math.exp(3)
    assert a == pytest.approx([math.exp(1) / total, math.exp(2) / total, math.exp(3) / total],
                              rel=1e-14)
    assert sum(a) == pytest.approx(1.0, rel=1e-15)


def test_nothing_overflows():
    assert Sigmoid.fn([-1000.0, 1000.0]) == [0.0, 1.0]
    assert Tanh.fn([-1000.0, 1000.0]) == [-1.0, 1.0]
    assert Softmax.fn([1000.0, 1000.0, -1000.0]) == [0.5, 0.5, 0.0]


@pytest.mark.parametrize("f", [Sigmoid, Tanh, ReLU], ids=lambda f: f.name)
def test_prime_is_the_derivative(f):
    """prime(z, a) against central differences of fn (away from ReLU's kink at 0)."""
    h = 1e-6
    primes = f.prime(Z, f.fn(Z))
    for z, p in zip(Z, primes):
        numerical = (f.fn([z + h])[0] - f.fn([z - h])[0]) / (2 * h)
        assert p == pytest.approx(numerical, rel=1e-8, abs=1e-12)


@pytest.mark.parametrize("f", [Sigmoid, Tanh, ReLU], ids=lambda f: f.name)
def test_times_prime_multiplies_by_the_derivative(f):
    v = [0.5, -2.0, 1.5, 3.0, -0.25]
    a = f.fn(Z)
    assert f.times_prime(v, Z, a) == pytest.approx([t * p for t, p in zip(v, f.prime(Z, a))],
                                                   rel=1e-15)


def test_relu_has_zero_derivative_at_rest_and_at_zero():
    assert ReLU.prime([-1.0, 0.0, 1e-300, 5.0], ReLU.fn([-1.0, 0.0, 1e-300, 5.0])) == \
        [0.0, 0.0, 1.0, 1.0]


def test_softmax_is_an_output_layer_only():
    with pytest.raises(TypeError, match="only an output layer"):
        Softmax.prime([0.0], [1.0])
