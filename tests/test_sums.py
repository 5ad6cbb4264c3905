"""Tests of sums.py: the fast loops of the forward pass, BP2 and the BP4 step,
each against its plain reference loop (the forward pass's sums are tested in
test_network.py)."""

import copy
import math
import random

import pytest

from conftest import random_matrix, random_vector
from mnist_scratch.network import Network
from mnist_scratch.sums import (backward_sums, backward_sums_in_c, nonzero_indices,
                                subtract_outer, subtract_outer_by_threes)

pytestmark = pytest.mark.step4


def hexes(matrix):
    return [[float.hex(v) for v in row] for row in matrix]


def test_backward_sums_is_w_transposed_times_delta():
    w = [[1.0, 2.0, 3.0],
         [4.0, 5.0, 6.0]]
    assert backward_sums(w, [1.0, -1.0]) == [-3.0, -3.0, -3.0]
    assert backward_sums_in_c(w, [1.0, -1.0]) == [-3.0, -3.0, -3.0]
    assert backward_sums(w, [0.5, 0.0]) == [0.5, 1.0, 1.5]


@pytest.mark.parametrize("rows, cols", [(10, 30), (10, 100), (1, 7), (30, 1)])
def test_backward_sums_in_c_agrees_with_the_plain_loops(rows, cols):
    rng = random.Random(rows * 1000 + cols)
    w = random_matrix(rng, rows, cols)
    delta = random_vector(rng, rows, zero_fraction=0.3)
    assert backward_sums_in_c(w, delta) == pytest.approx(backward_sums(w, delta), rel=1e-13,
                                                         abs=1e-15)


@pytest.mark.parametrize("rows", [1, 2, 3, 4, 5, 10, 30, 31])
@pytest.mark.parametrize("zero_fraction", [0.0, 0.5])
def test_subtract_outer_by_threes_is_subtract_outer_bit_for_bit(rows, zero_fraction):
    """Every count of rows (a multiple of three or not), with zero rows skipped."""
    rng = random.Random(rows)
    w = random_matrix(rng, rows, 40)
    u = random_vector(rng, rows, zero_fraction)
    a = random_vector(rng, 40, zero_fraction=0.6)
    inputs = nonzero_indices(a)
    expected, got = copy.deepcopy(w), copy.deepcopy(w)
    subtract_outer(expected, u, a, inputs)
    subtract_outer_by_threes(got, u, a, inputs)
    assert hexes(got) == hexes(expected)
    assert expected != w or not any(u)
    for j, u_j in enumerate(u):
        for k in range(40):
            assert expected[j][k] == w[j][k] - u_j * a[k] or not a[k] or not u_j


def test_subtract_outer_leaves_zero_rows_and_zero_inputs_alone():
    w = [[1.0, 2.0], [3.0, 4.0]]
    subtract_outer_by_threes(w, [0.0, 2.0], [0.0, 0.5], [1])
    assert w == [[1.0, 2.0], [3.0, 3.0]]


def test_training_on_mnist_takes_the_step_of_the_plain_loops(train_full):
    """A whole epoch's BP4 steps on real images: the fast step and the reference agree
    bit for bit (their numbers are the same subtractions in the same order)."""
    net = Network([784, 30, 10], seed=6)
    w_fast, w_plain = copy.deepcopy(net.weights[0]), copy.deepcopy(net.weights[0])
    rng = random.Random(2)
    for x, _ in train_full[:40]:
        u = [rng.gauss(0.0, 0.01) for _ in range(30)]
        inputs = nonzero_indices(x)
        subtract_outer_by_threes(w_fast, u, x, inputs)
        subtract_outer(w_plain, u, x, inputs)
    assert hexes(w_fast) == hexes(w_plain)
    assert all(math.isfinite(v) for row in w_fast for v in row)
