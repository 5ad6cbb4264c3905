"""The weighted sums z = w a + b, written for speed without hiding the maths.

Every layer's forward pass is z_j = b_j + sum_k w_jk a_k. This module holds
the two ways the project computes it, and the trick both rely on.

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
The sums are plain ``for`` loops over indices (``weighted_inputs``, BP2 in
network.py, the step in training.py): the clearest way to write them, and
the fastest on PyPy, which compiles them to machine code (training there is
faster than numpy's per-example loop). On CPython 3.12 and later the forward
pass uses ``weighted_inputs_in_c`` instead: the same sums with the loops in C
(``math.sumprod``), agreeing to the last digit or two, about 15% faster there.
``FORWARD_IN_C`` says which one this Python uses.
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

__all__ = ["nonzero_indices", "weighted_inputs", "weighted_inputs_in_c", "FORWARD_IN_C"]


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
    uses it only where it helps (``FORWARD_IN_C``). sumprod adds in extended
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


# Which of the two the forward pass uses on this Python: the C loops on CPython
# 3.12+ (which has math.sumprod), the plain loops on CPython 3.9-3.11 and PyPy.
FORWARD_IN_C = hasattr(math, "sumprod") and platform.python_implementation() == "CPython"
