"""Vectors and matrices on plain Python lists.

A Vector is a list of floats, ``[v0, v1, ...]``.
A Matrix is a list of rows, each a Vector of the same length: ``m[i][j]`` is
row i, column j, and the shape of an r x c matrix is ``(r, c)``.

Every function here is pure: it returns a new list and never changes its
arguments. The public functions check shapes and raise ValueError naming both
shapes, so a mistake shows up where it is made, not three layers later.

Speed notes (pure Python is slow, so the idioms matter):
  * ``sum(map(mul, u, v))`` computes a dot product with the loop running in C;
    it is several times faster than ``sum(a * b for a, b in zip(u, v))``.
  * ``zip(*m)`` transposes a matrix in C.
  * ``list(map(operator.add, u, v))`` adds two vectors element by element in C.
The network's hot loops (network.py, training.py) do not call these checked
helpers per example: they are written out as plain loops over the nonzero
inputs, which skip the zeros of an image and are the fastest form on PyPy.
"""

from operator import add as _add, mul, sub as _sub

__all__ = [
    "zeros", "zeros_matrix", "shape", "add", "sub", "scale", "hadamard", "dot",
    "norm", "matvec", "matmul", "transpose", "outer", "mat_add", "mat_sub",
    "mat_scale", "argmax", "one_hot",
]


def zeros(n):
    """A Vector of ``n`` zeros."""
    if n < 0:
        raise ValueError("a vector cannot have negative length %d" % n)
    return [0.0] * n


def zeros_matrix(rows, cols):
    """A ``rows`` x ``cols`` Matrix of zeros (every row a separate list)."""
    if rows < 0 or cols < 0:
        raise ValueError("a matrix cannot have shape (%d, %d)" % (rows, cols))
    return [[0.0] * cols for _ in range(rows)]


def shape(m):
    """Shape of a Matrix as ``(rows, cols)``; raises ValueError for ragged rows."""
    if not m:
        return (0, 0)
    cols = len(m[0])
    for i, row in enumerate(m):
        if len(row) != cols:
            raise ValueError("ragged matrix: row 0 has %d entries, row %d has %d" % (cols, i, len(row)))
    return (len(m), cols)


def _same_length(u, v, what):
    if len(u) != len(v):
        raise ValueError("%s: vectors of different lengths (%d,) and (%d,)" % (what, len(u), len(v)))


def _same_shape(a, b, what):
    sa, sb = shape(a), shape(b)
    if sa != sb:
        raise ValueError("%s: matrices of different shapes %s and %s" % (what, sa, sb))


def add(u, v):
    """u + v for Vectors, element by element. Shapes (n,), (n,) -> (n,)."""
    _same_length(u, v, "add")
    return list(map(_add, u, v))


def sub(u, v):
    """u - v for Vectors, element by element. Shapes (n,), (n,) -> (n,)."""
    _same_length(u, v, "sub")
    return list(map(_sub, u, v))


def scale(c, v):
    """c * v for a number c and a Vector v. Shape (n,) -> (n,)."""
    return [c * x for x in v]


def hadamard(u, v):
    """The Hadamard (element-wise) product u (.) v. Shapes (n,), (n,) -> (n,)."""
    _same_length(u, v, "hadamard")
    return list(map(mul, u, v))


def dot(u, v):
    """The dot product sum_i u_i v_i. Shapes (n,), (n,) -> number."""
    _same_length(u, v, "dot")
    return sum(map(mul, u, v))


def norm(v):
    """The Euclidean length ||v||."""
    return sum(map(mul, v, v)) ** 0.5


def matvec(m, v):
    """The matrix-vector product m v. Shapes (r, c), (c,) -> (r,)."""
    r, c = shape(m)
    if c != len(v) and r:
        raise ValueError("matvec: matrix of shape (%d, %d) cannot multiply a vector of shape (%d,)"
                         % (r, c, len(v)))
    return [sum(map(mul, row, v)) for row in m]


def transpose(m):
    """The transpose of m. Shape (r, c) -> (c, r)."""
    shape(m)
    return [list(col) for col in zip(*m)]


def matmul(a, b):
    """The matrix product a b. Shapes (r, n), (n, c) -> (r, c)."""
    (r, n), (n2, c) = shape(a), shape(b)
    if n != n2:
        raise ValueError("matmul: shapes (%d, %d) and (%d, %d) do not fit (inner sizes %d != %d)"
                         % (r, n, n2, c, n, n2))
    columns = list(zip(*b))  # each column of b once, so every entry is one C-level dot
    return [[sum(map(mul, row, col)) for col in columns] for row in a]


def outer(u, v):
    """The outer product u v^T: entry [i][j] is u_i v_j. Shapes (r,), (c,) -> (r, c)."""
    return [[ui * vj for vj in v] for ui in u]


def mat_add(a, b):
    """a + b for matrices of the same shape."""
    _same_shape(a, b, "mat_add")
    return [list(map(_add, ra, rb)) for ra, rb in zip(a, b)]


def mat_sub(a, b):
    """a - b for matrices of the same shape."""
    _same_shape(a, b, "mat_sub")
    return [list(map(_sub, ra, rb)) for ra, rb in zip(a, b)]


def mat_scale(c, m):
    """c * m for a number c and a Matrix m."""
    return [[c * x for x in row] for row in m]


def argmax(v):
    """Index of the largest entry of v (the first one, if several are equal).

    >>> argmax([6, 2, 7, 10, 5])
    3
    """
    if not v:
        raise ValueError("argmax of an empty vector")
    return max(range(len(v)), key=v.__getitem__)


def one_hot(label, n=10):
    """The Vector of length n that is 1.0 at index ``label`` and 0.0 elsewhere.

    >>> one_hot(3, 5)
    [0.0, 0.0, 0.0, 1.0, 0.0]
    """
    if not 0 <= label < n:
        raise ValueError("label %r is not in 0..%d" % (label, n - 1))
    v = [0.0] * n
    v[label] = 1.0
    return v
