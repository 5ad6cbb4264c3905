"""Tests for linalg.py: vectors and matrices on plain lists (step 2).

numpy serves as the trusted reference; the identities are checked on many
random shapes drawn from a seeded generator.
"""

import copy

import pytest

from conftest import random_matrix, random_vector
from mnist_scratch import linalg
from mnist_scratch.linalg import (add, argmax, dot, hadamard, mat_add, mat_scale, mat_sub, matmul,
                                  matvec, norm, one_hot, outer, scale, shape, sub, transpose,
                                  zeros, zeros_matrix)

try:
    import numpy as np
except ImportError:  # e.g. on PyPy: the comparisons with numpy are skipped
    np = None

pytestmark = pytest.mark.step2
needs_numpy = pytest.mark.skipif(np is None, reason="numpy, the reference, is not installed")

TRIALS = 30


def random_shape(rng, low=1, high=7):
    return rng.randint(low, high), rng.randint(low, high)


# ------------------------------------------------------------ against numpy

@needs_numpy
def test_matmul_matches_numpy(rng):
    for _ in range(TRIALS):
        r, n = random_shape(rng)
        c = rng.randint(1, 7)
        a, b = random_matrix(rng, r, n), random_matrix(rng, n, c)
        result = matmul(a, b)
        assert shape(result) == (r, c)
        np.testing.assert_allclose(result, np.array(a) @ np.array(b), rtol=1e-12, atol=1e-12)


@needs_numpy
def test_matvec_matches_numpy(rng):
    for _ in range(TRIALS):
        r, c = random_shape(rng)
        m, v = random_matrix(rng, r, c), random_vector(rng, c)
        result = matvec(m, v)
        assert len(result) == r
        np.testing.assert_allclose(result, np.array(m) @ np.array(v), rtol=1e-12, atol=1e-12)


@needs_numpy
def test_transpose_matches_numpy(rng):
    for _ in range(TRIALS):
        m = random_matrix(rng, *random_shape(rng))
        assert transpose(m) == np.array(m).T.tolist()


@needs_numpy
def test_outer_matches_numpy(rng):
    for _ in range(TRIALS):
        r, c = random_shape(rng)
        u, v = random_vector(rng, r), random_vector(rng, c)
        assert outer(u, v) == np.outer(u, v).tolist()


@needs_numpy
def test_elementwise_operations_match_numpy(rng):
    for _ in range(TRIALS):
        n = rng.randint(1, 20)
        u, v = random_vector(rng, n), random_vector(rng, n)
        c = rng.uniform(-3, 3)
        nu, nv = np.array(u), np.array(v)
        assert add(u, v) == (nu + nv).tolist()
        assert sub(u, v) == (nu - nv).tolist()
        assert hadamard(u, v) == (nu * nv).tolist()
        assert scale(c, u) == (c * nu).tolist()
        assert dot(u, v) == pytest.approx(float(nu @ nv), rel=1e-12, abs=1e-12)
        assert norm(u) == pytest.approx(float(np.linalg.norm(nu)), rel=1e-12)


@needs_numpy
def test_matrix_elementwise_operations_match_numpy(rng):
    for _ in range(TRIALS):
        r, c = random_shape(rng)
        a, b = random_matrix(rng, r, c), random_matrix(rng, r, c)
        na, nb = np.array(a), np.array(b)
        assert mat_add(a, b) == (na + nb).tolist()
        assert mat_sub(a, b) == (na - nb).tolist()
        assert mat_scale(-2.5, a) == (-2.5 * na).tolist()


# ------------------------------------------------------------ identities

def test_transpose_twice_is_identity(rng):
    for _ in range(TRIALS):
        m = random_matrix(rng, *random_shape(rng))
        assert transpose(transpose(m)) == m


def test_transpose_of_product_is_product_of_transposes(rng):
    """(A B)^T = B^T A^T, up to rounding (the sums run in the same order)."""
    for _ in range(TRIALS):
        r, n = random_shape(rng)
        c = rng.randint(1, 7)
        a, b = random_matrix(rng, r, n), random_matrix(rng, n, c)
        assert transpose(matmul(a, b)) == matmul(transpose(b), transpose(a))


def test_identity_matrix_is_neutral(rng):
    for _ in range(TRIALS):
        r, c = random_shape(rng)
        m = random_matrix(rng, r, c)
        eye = [[1.0 if i == j else 0.0 for j in range(c)] for i in range(c)]
        assert matmul(m, eye) == m
        v = random_vector(rng, c)
        assert matvec(eye, v) == v


def test_matvec_is_matmul_with_a_column(rng):
    for _ in range(TRIALS):
        r, c = random_shape(rng)
        m, v = random_matrix(rng, r, c), random_vector(rng, c)
        column = [[x] for x in v]
        assert matvec(m, v) == [row[0] for row in matmul(m, column)]


def test_outer_is_column_times_row(rng):
    for _ in range(TRIALS):
        r, c = random_shape(rng)
        u, v = random_vector(rng, r), random_vector(rng, c)
        assert outer(u, v) == matmul([[x] for x in u], [v])


def test_dot_is_symmetric_and_matches_norm(rng):
    for _ in range(TRIALS):
        n = rng.randint(1, 20)
        u, v = random_vector(rng, n), random_vector(rng, n)
        assert dot(u, v) == dot(v, u)
        assert norm(u) == pytest.approx(dot(u, u) ** 0.5, rel=1e-15)


def test_sub_undoes_add(rng):
    for _ in range(TRIALS):
        n = rng.randint(1, 20)
        u, v = random_vector(rng, n), random_vector(rng, n)
        assert sub(add(u, v), v) == pytest.approx(u, abs=1e-15)
        assert mat_sub(mat_add([u], [v]), [v]) == [pytest.approx(u, abs=1e-15)]


def test_small_products_by_hand():
    a = [[1.0, 2.0], [3.0, 4.0]]
    b = [[5.0, 6.0], [7.0, 8.0]]
    assert matmul(a, b) == [[19.0, 22.0], [43.0, 50.0]]
    assert matvec(a, [1.0, -1.0]) == [-1.0, -1.0]
    assert transpose([[1, 2, 3], [4, 5, 6]]) == [[1, 4], [2, 5], [3, 6]]
    assert outer([1.0, 2.0], [3.0, 4.0, 5.0]) == [[3.0, 4.0, 5.0], [6.0, 8.0, 10.0]]
    assert dot([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]) == 32.0
    assert norm([3.0, 4.0]) == 5.0
    assert hadamard([1.0, 2.0], [3.0, 4.0]) == [3.0, 8.0]


# ------------------------------------------------------------ purity

def test_functions_never_change_their_arguments(rng):
    a, b = random_matrix(rng, 3, 4), random_matrix(rng, 4, 2)
    c = random_matrix(rng, 3, 4)
    u, v = random_vector(rng, 4), random_vector(rng, 4)
    saved = copy.deepcopy((a, b, c, u, v))
    matmul(a, b), matvec(a, u), transpose(a), outer(u, v), mat_add(a, c), mat_sub(a, c)
    mat_scale(2.0, a), add(u, v), sub(u, v), scale(2.0, u), hadamard(u, v), dot(u, v), norm(u)
    assert (a, b, c, u, v) == saved


def test_results_share_no_rows_with_arguments(rng):
    a = random_matrix(rng, 3, 3)
    for result in (transpose(transpose(a)), mat_scale(1.0, a), mat_add(a, zeros_matrix(3, 3))):
        assert all(new is not old for new, old in zip(result, a))
        result[0][0] = 123.0
        assert a[0][0] != 123.0


# ------------------------------------------------------------ zeros, shape, argmax, one_hot

def test_zeros_and_zeros_matrix():
    assert zeros(3) == [0.0, 0.0, 0.0]
    assert zeros(0) == []
    m = zeros_matrix(2, 3)
    assert m == [[0.0] * 3, [0.0] * 3]
    m[0][0] = 1.0
    assert m[1][0] == 0.0, "every row must be a separate list"
    with pytest.raises(ValueError):
        zeros(-1)
    with pytest.raises(ValueError):
        zeros_matrix(2, -3)


def test_shape():
    assert shape([[1, 2, 3], [4, 5, 6]]) == (2, 3)
    assert shape([]) == (0, 0)
    with pytest.raises(ValueError, match="ragged"):
        shape([[1, 2], [3]])


def test_argmax_picks_first_of_equal_maxima():
    assert argmax([6, 2, 7, 10, 5]) == 3
    assert argmax([1.0, 3.0, 3.0, 0.0]) == 1
    assert argmax([-2.0, -1.0]) == 1
    with pytest.raises(ValueError):
        argmax([])


def test_one_hot():
    assert one_hot(3, 5) == [0.0, 0.0, 0.0, 1.0, 0.0]
    assert one_hot(0) == [1.0] + [0.0] * 9
    assert one_hot(9) == [0.0] * 9 + [1.0]
    for bad in (-1, 10):
        with pytest.raises(ValueError, match=str(bad)):
            one_hot(bad)


# ------------------------------------------------------------ shape errors

@pytest.mark.parametrize("function, args, shapes", [
    (matmul, ([[1.0] * 3] * 2, [[1.0] * 5] * 4), ["(2, 3)", "(4, 5)"]),
    (matvec, ([[1.0] * 3] * 2, [1.0] * 4), ["(2, 3)", "(4,)"]),
    (add, ([1.0] * 3, [1.0] * 4), ["(3,)", "(4,)"]),
    (sub, ([1.0] * 3, [1.0] * 4), ["(3,)", "(4,)"]),
    (hadamard, ([1.0] * 2, [1.0] * 5), ["(2,)", "(5,)"]),
    (dot, ([1.0] * 6, [1.0] * 1), ["(6,)", "(1,)"]),
    (mat_add, ([[1.0] * 3] * 2, [[1.0] * 2] * 3), ["(2, 3)", "(3, 2)"]),
    (mat_sub, ([[1.0] * 3] * 2, [[1.0] * 3] * 1), ["(2, 3)", "(1, 3)"]),
])
def test_shape_errors_name_both_shapes(function, args, shapes):
    with pytest.raises(ValueError) as error:
        function(*args)
    message = str(error.value)
    for text in shapes:
        assert text in message, "%r should appear in %r" % (text, message)


@pytest.mark.parametrize("function", [matmul, mat_add, mat_sub, transpose])
def test_ragged_matrices_are_rejected(function):
    ragged = [[1.0, 2.0], [3.0]]
    args = (ragged,) if function is transpose else (ragged, ragged)
    with pytest.raises(ValueError, match="ragged"):
        function(*args)


def test_public_names_exist():
    for name in linalg.__all__:
        assert callable(getattr(linalg, name)), name
