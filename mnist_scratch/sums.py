"""The loops over the weights, written for speed without hiding the maths.

Training spends nearly all its time in three loops over a layer's weights:

- the forward pass, z_j = b_j + sum_k w_jk a_k (``weighted_inputs``);
- BP2's sums going backward, sum_j w_jk delta_j, entry k of (w^T) delta
  (``backward_sums``);
- the BP4 step, w_jk -> w_jk - step delta_j a_k (``subtract_outer``).

This module holds them, each as a plain loop that is the reference, and the
faster forms training uses, each tested against its reference.

Skipping zeros
--------------
About 81% of an MNIST image's pixels are exactly 0. A zero input adds
nothing to any weighted input (w_jk * 0 = 0) and its weights get a zero
gradient (BP4: a_k = 0), so the first layer visits only the nonzero inputs:
a list of their indices, found once per image (``nonzero_indices``;
``training.sgd`` finds them once per call, for all its epochs, and again
for each new distorted image when it augments the data). Later layers skip
zeros too: a ReLU neuron's output is 0 about half the time, and so is a
neuron dropped out in training. Skipping exact zeros gives bit-for-bit the
same numbers as the dense loops, about five times faster for an image.

Plain loops, or loops in C
--------------------------
The plain ``for`` loops are the clearest way to write the sums, and the
fastest on PyPy, which compiles them to machine code (training there is
faster than numpy's per-example loop). On CPython 3.12 and later the sums of
the forward pass and of BP2 have their loops in C instead (``math.sumprod``:
``weighted_inputs_in_c``, ``backward_sums_in_c``), agreeing to the last digit
or two, about 10% faster there. ``SUMS_IN_C`` says which ones this Python
uses. The BP4 step is the same on every Python: ``subtract_outer_by_threes``,
bit for bit the numbers of ``subtract_outer``.
"""

import math
import platform
from operator import itemgetter, mul

try:
    from math import sumprod  # Python 3.12+: sum_k u_k v_k, the loop in C
except ImportError:  # Python 3.9 to 3.11: the same sum, also in C
    def sumprod(u, v):
        """sum_k u_k v_k (math.sumprod from Python 3.12 on)."""
        return sum(map(mul, u, v))

__all__ = ["nonzero_indices", "weighted_inputs", "weighted_inputs_in_c", "backward_sums",
           "backward_sums_in_c", "subtract_outer", "subtract_outer_by_threes", "SUMS_IN_C"]


def nonzero_indices(a, positions=None):
    """The indices k with a[k] != 0, in increasing order.

    ``positions`` may be a ready-made ``list(range(len(a)))``: then the indices
    returned are its int objects, shared by every image instead of made anew.
    (On CPython an int above 256 is a 28-byte object: the lists of the 50,000
    training images take 68 MB this way, 258 MB without.)
    """
    if positions is None:
        positions = range(len(a))
    return [k for k in positions if a[k]]


def weighted_inputs(w, b, a, inputs=None):
    """z = w a + b, that is z_j = b_j + sum_k w_jk a_k, summed over the nonzero a_k only.

    Args:
        w: Matrix of shape (n_out, n_in).
        b: Vector of shape (n_out,).
        a: Vector of shape (n_in,).
        inputs: the indices k of the nonzero a_k, if already known (training
            finds an image's once); found here otherwise. Any k with a_k = 0
            may be included or left out: w_jk * 0 adds exactly nothing.

    Returns:
        Vector z of shape (n_out,).
    """
    if inputs is None:
        inputs = nonzero_indices(a)
    z = []
    for row, b_j in zip(w, b):
        total = b_j
        for k in inputs:
            total += row[k] * a[k]
        z.append(total)
    return z


def weighted_inputs_in_c(w, b, a, inputs=None):
    """``weighted_inputs`` with the loops in C, for CPython 3.12 and later.

    Where ``weighted_inputs`` loops in Python, this picks a row's entries at
    the nonzero inputs with ``itemgetter`` and multiplies and adds them with
    ``math.sumprod``, both in C. On CPython 3.12+ that makes training about
    15% faster; on PyPy it is twice as slow (PyPy compiles the plain loops to
    machine code), and on CPython 3.11 it gains nothing, so the forward pass
    uses it only where it helps (``SUMS_IN_C``). sumprod adds in extended
    precision and rounds once, so the results agree with ``weighted_inputs``
    to within a few units in the last digit, not bit for bit: a run is
    reproducible bit for bit on one Python, not across Pythons.
    """
    if inputs is None:
        inputs = nonzero_indices(a)
    if len(inputs) == len(a):  # no zeros (a sigmoid hidden layer): nothing to pick
        return [sumprod(row, a) + b_j for row, b_j in zip(w, b)]
    if len(inputs) < 2:  # itemgetter of a single index returns a number, not a tuple
        return weighted_inputs(w, b, a, inputs)
    pick = itemgetter(*inputs)  # pick(v) is the tuple of v's entries at the nonzero inputs
    values = pick(a)
    return [sumprod(pick(row), values) + b_j for row, b_j in zip(w, b)]


def backward_sums(w, delta):
    """(w^T) delta, that is entry k = sum_j w_jk delta_j: BP2's sums before (.) f'(z).

    Args:
        w: Matrix of shape (n_out, n_in), the weights of the layer after.
        delta: Vector of shape (n_out,), that layer's errors.

    Returns:
        Vector of shape (n_in,).
    """
    back = []
    for k in range(len(w[0]) if w else 0):
        total = 0.0
        for j, d in enumerate(delta):
            total += w[j][k] * d
        back.append(total)
    return back


def backward_sums_in_c(w, delta):
    """``backward_sums`` with the loops in C, for CPython 3.12 and later.

    ``zip(*w)`` gives the columns of w (a transpose, in C) and sumprod
    multiplies and adds each with delta. Agrees with ``backward_sums`` to a
    few units in the last digit, as ``weighted_inputs_in_c`` does.
    """
    return [sumprod(column, delta) for column in zip(*w)]


def subtract_outer(w, u, a, inputs):
    """w_jk -> w_jk - u_j a_k for every row j and every k in ``inputs``, in place.

    The BP4 step of one example, with u_j = (eta/m) delta_j: dC/dw_jk is
    a_k delta_j. Rows with u_j = 0 are skipped (a ReLU at rest learns nothing).

    Args:
        w: Matrix of shape (n_out, n_in), changed in place.
        u: Vector of shape (n_out,).
        a: Vector of shape (n_in,), the layer's inputs.
        inputs: the indices k of the nonzero a_k (any others add 0).
    """
    for row, u_j in zip(w, u):
        if not u_j:
            continue
        for k in inputs:
            row[k] -= u_j * a[k]


def subtract_outer_by_threes(w, u, a, inputs):
    """``subtract_outer``, three rows per pass over the inputs: the numbers of
    ``subtract_outer`` bit for bit, on every Python.

    Each weight gets the very same subtraction, but a pass reads a_k once for
    three rows and the loop's own work is shared: about 7% faster training on
    CPython, where every step of a Python loop costs time.
    """
    rows = [(row, u_j) for row, u_j in zip(w, u) if u_j]
    for i in range(0, len(rows) - 2, 3):
        (row0, u0), (row1, u1), (row2, u2) = rows[i:i + 3]
        for k in inputs:
            a_k = a[k]
            row0[k] -= u0 * a_k
            row1[k] -= u1 * a_k
            row2[k] -= u2 * a_k
    for row, u_j in rows[len(rows) - len(rows) % 3:]:  # the one or two rows left over
        for k in inputs:
            row[k] -= u_j * a[k]


# Which sums the forward pass and BP2 use on this Python: the C loops on CPython
# 3.12+ (which has math.sumprod), the plain loops on CPython 3.9-3.11 and PyPy.
SUMS_IN_C = hasattr(math, "sumprod") and platform.python_implementation() == "CPython"
