"""A sigmoid multilayer perceptron, with backpropagation written out on plain lists.

This module teaches the network itself: how an input flows forward through
the layers, and how backpropagation computes the gradient of the cost with
respect to every weight and bias. Training (mini-batch SGD) is in
training.py; nothing here prints or reads data files.

Layers and indices
------------------
``sizes = [784, 30, 10]`` is a network with 784 inputs, one hidden layer of 30
sigmoid neurons and 10 output neurons. The book (Nielsen, "Neural Networks and
Deep Learning", chapter 2) numbers the layers l = 1 (input) to L (output);
Python lists start at 0 and the input layer has no weights, so:

    Python                      book
    weights[i], biases[i]       w^(i+2), b^(i+2)   (i = 0 is layer 2, the first with weights)
    weights[i][j][k]            w^l_jk: from neuron k of layer l-1 to neuron j of layer l
    zs[i]                       z^(i+2) = w^(i+2) a^(i+1) + b^(i+2)
    activations[i]              a^(i+1); activations[0] is the input x, activations[-1] is a^L
    deltas[i]                   delta^(i+2) = dC/dz^(i+2)

So ``weights[i]`` has ``sizes[i+1]`` rows (one per neuron it feeds) and
``sizes[i]`` columns (one per input), and row j holds neuron j's incoming weights.

Cost and the four equations of backpropagation
----------------------------------------------
For one example (x, y) the cost is the quadratic cost

    C_x = 1/2 ||a^L - y||^2 = 1/2 sum_j (a^L_j - y_j)^2,  so  dC_x/da^L = a^L - y.

(The 1/2 makes the derivative clean; ``evaluate`` in training.py reports the
mean of C_x over examples.) With sigma the sigmoid and (.) the element-wise
product, backpropagation is four equations:

    BP1  delta^L = grad_a C (.) sigma'(z^L)                      = (a^L - y) (.) sigma'(z^L)
    BP2  delta^l = ((w^(l+1))^T delta^(l+1)) (.) sigma'(z^l)
    BP3  dC/db^l_j  = delta^l_j
    BP4  dC/dw^l_jk = a^(l-1)_k delta^l_j

``backprop`` marks the line that computes each. sigma'(z) = sigma(z) (1 -
sigma(z)) = a (1 - a), so the code reuses the activations instead of calling
exp again.

Speed, without hiding the maths
-------------------------------
About 81% of an MNIST image's pixels are exactly 0. A zero input adds nothing
to any weighted input (w_jk * 0 = 0) and its weights get a zero gradient
(BP4: a_k = 0), so the first layer visits only the nonzero inputs: a list of
their indices, found once per image (``nonzero_indices``; ``sgd`` finds them
once per call, for all its epochs). Skipping exact zeros gives bit-for-bit the
same numbers as the dense loops, about five times faster.

The sums are plain ``for`` loops over indices (``weighted_inputs``, BP2 in
``_errors``, the step in training.py): the clearest way to write them, and the
fastest on PyPy, which compiles them to machine code (training there is
faster than numpy's per-example loop). On CPython 3.12 and later the forward
pass uses ``weighted_inputs_in_c`` instead: the same sums with the loops in C
(``math.sumprod``), agreeing to the last digit or two, about 15% faster there.
"""

import math
import os
import platform
import random
from operator import itemgetter, mul

from . import formats
from .formats import FORMAT, FORMAT_VERSION, NetworkFormatError  # re-exported, as before
from .linalg import argmax, outer, zeros, zeros_matrix

try:
    from math import sumprod  # Python 3.12+: sum_k u_k v_k, the loop in C
except ImportError:  # Python 3.9 to 3.11: the same sum, also in C
    def sumprod(u, v):
        """sum_k u_k v_k (math.sumprod from Python 3.12 on)."""
        return sum(map(mul, u, v))

__all__ = ["Network", "NetworkFormatError", "sigmoid", "sigmoid_prime", "quadratic_cost",
           "weighted_inputs", "weighted_inputs_in_c", "nonzero_indices", "check_input",
           "check_size",
           "FORMAT", "FORMAT_VERSION", "INITS"]

INITS = ("scaled", "standard", "zeros")


def sigmoid(z):
    """The logistic function 1 / (1 + e^-z), computed without overflow.

    For z very negative, e^-z overflows (math.exp(1000) raises OverflowError).
    Using the identity 1 / (1 + e^-z) = e^z / (1 + e^z) for z < 0 means exp is
    only ever called on a number <= 0, which at worst underflows to 0.0.
    So sigmoid(-1000) == 0.0 and sigmoid(1000) == 1.0, with no error.
    """
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sigmoid_prime(z):
    """Derivative of the sigmoid: sigma'(z) = sigma(z) (1 - sigma(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


def quadratic_cost(output, y):
    """The per-example cost C_x = 1/2 ||output - y||^2 for Vectors of equal length."""
    return 0.5 * sum((a - t) ** 2 for a, t in zip(output, y))


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
    if len(inputs) == len(a):  # no zeros (a hidden layer): nothing to pick
        return [sumprod(row, a) + b_j for row, b_j in zip(w, b)]
    if len(inputs) < 2:  # itemgetter of a single index returns a number, not a tuple
        return weighted_inputs(w, b, a, inputs)
    pick = itemgetter(*inputs)  # pick(v) is the tuple of v's entries at the nonzero inputs
    values = pick(a)
    return [sumprod(pick(row), values) + b_j for row, b_j in zip(w, b)]


# Which of the two the forward pass uses on this Python: the C loops on CPython
# 3.12+ (which has math.sumprod), the plain loops on CPython 3.9-3.11 and PyPy.
FORWARD_IN_C = hasattr(math, "sumprod") and platform.python_implementation() == "CPython"


def check_input(x, n_in, what="the input"):
    """Raise ValueError unless x is a list of ``n_in`` finite numbers.

    The message names ``what`` (e.g. "training example 17") and the first bad
    pixel: "training example 17: pixel 300 is nan". One sum over x finds out
    whether anything is wrong (a NaN or an infinity makes the sum NaN or
    infinite); only then are the pixels looked at one by one.
    """
    try:
        n = len(x)
    except TypeError:
        raise ValueError("%s is a %s, not a list of %d numbers"
                         % (what, type(x).__name__, n_in)) from None
    if n != n_in:
        raise ValueError("%s has %d values, but this network takes %d inputs" % (what, n, n_in))
    try:
        fine = math.isfinite(sum(x))
    except (TypeError, OverflowError):  # a pixel that is not a number, or an enormous int
        fine = False
    if fine:
        return
    for k, value in enumerate(x):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("%s: pixel %d is %.40r, not a number" % (what, k, value))
        try:
            finite = math.isfinite(value)
        except OverflowError:
            raise ValueError("%s: pixel %d is an integer too large for a float" % (what, k)) from None
        if not finite:
            raise ValueError("%s: pixel %d is %r" % (what, k, value))
    # Finite pixels whose sum overflowed (each near 1e308): allowed, if unwise.


# Memory per weight or bias: a Python float object (24 bytes on CPython) and the
# list's 8-byte pointer to it. Training holds about three sets at its peak:
# the weights, the new weights a step builds, and the best network so far that
# the command line keeps (or a GIF's snapshots).
BYTES_PER_PARAMETER = 24 + 8
COPIES_WHILE_TRAINING = 3
# Where the size of the physical memory is unknown (no os.sysconf, e.g. on
# Windows), networks needing more than this are refused.
MEMORY_CAP = 16 * 2 ** 30


def physical_memory():
    """Bytes of physical memory of this machine, or None if the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def check_size(sizes, available_bytes=None):
    """Check layer sizes, and that a network of them fits in memory, before it is made.

    Args:
        sizes: layer sizes, at least two, each a positive int.
        available_bytes: memory to fit in; by default the machine's physical
            memory (or MEMORY_CAP where the system does not say).

    Returns:
        The estimated bytes needed to train the network.

    Raises:
        ValueError: bad sizes, or "a [784, 100000000, 10] network has
            79,500,000,010 weights and biases and would need about 7632.0 GB
            of memory to train; this machine has 15.6 GB".
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError("a network needs at least two layer sizes (inputs and outputs), got %.80r"
                         % (sizes,))
    for n in sizes:
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError("layer sizes must be positive integers, got %.80r" % (sizes,))
    parameters = sum(n_out * (n_in + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    needed = parameters * BYTES_PER_PARAMETER * COPIES_WHILE_TRAINING
    where = "only"
    if available_bytes is None:
        available_bytes, where = physical_memory() or MEMORY_CAP, "this machine has"
    if needed > available_bytes:
        raise ValueError(
            "a %.80r network has %s weights and biases and would need about %.1f GB of memory "
            "to train; %s %.1f GB" % (sizes, "{:,}".format(parameters), needed / 1e9,
                                      where, available_bytes / 1e9))
    return needed


class Network:
    """A fully connected network of sigmoid neurons.

    Attributes:
        sizes: list of layer sizes, e.g. [784, 30, 10].
        num_layers: len(sizes), counting the input layer.
        weights: list of Matrices; weights[i] has shape (sizes[i+1], sizes[i]).
        biases: list of Vectors; biases[i] has shape (sizes[i+1],).
        meta: dict of facts saved with the network (how it was trained, its
            accuracy, ...); empty for a new network.

    Training replaces these lists instead of changing them in place, so a
    reference to ``weights`` taken earlier stays a snapshot of that moment.
    """

    def __init__(self, sizes, seed=None, init="scaled"):
        """Make a network with random weights and biases.

        Args:
            sizes: layer sizes, at least two, each a positive int (see
                ``check_size``: a network too large for this machine's memory
                is refused with a ValueError before anything is allocated).
            seed: seed of the random generator (any int); the same seed gives
                the same weights bit for bit. None draws a fresh seed.
            init: how to draw the starting weights:
                "scaled" (default): weights w_jk ~ N(0, 1/n_in), biases ~ N(0, 1)
                    (the book's improved initialisation, chapter 3): each
                    weighted input starts with a standard deviation near 1, so
                    hidden neurons do not start saturated;
                "standard": weights and biases ~ N(0, 1), as in the book's network.py;
                "zeros": all zero (for pictures of a single-layer network learning;
                    hidden neurons started at zero all stay identical).
        """
        sizes = list(sizes)
        check_size(sizes)  # before allocating: refuse a network that cannot fit in memory
        if init not in INITS:
            raise ValueError("unknown init %r; choose one of %s" % (init, ", ".join(INITS)))
        self.sizes = sizes
        self.num_layers = len(sizes)
        self.meta = {}  # free-form facts about the network (how it was trained), saved with it
        rng = random.Random(seed)
        if init == "zeros":
            self.biases = [zeros(n) for n in sizes[1:]]
            self.weights = [zeros_matrix(n_out, n_in) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
            return
        # Biases first, then weights, layer by layer: one fixed order of draws
        # from one generator, so a seed fixes every number.
        self.biases = [[rng.gauss(0.0, 1.0) for _ in range(n)] for n in sizes[1:]]
        self.weights = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            std = 1.0 / math.sqrt(n_in) if init == "scaled" else 1.0
            self.weights.append([[rng.gauss(0.0, std) for _ in range(n_in)] for _ in range(n_out)])

    def __repr__(self):
        return "Network(%r)" % (self.sizes,)

    def _check_input(self, x):
        if len(x) != self.sizes[0]:
            raise ValueError("input of length %d, but this network takes %d inputs"
                             % (len(x), self.sizes[0]))

    def feedforward(self, x):
        """The output a^L for the input x. Shape (sizes[0],) -> (sizes[-1],)."""
        self._check_input(x)
        sums = weighted_inputs_in_c if FORWARD_IN_C else weighted_inputs
        a = x
        for w, b in zip(self.weights, self.biases):
            a = [sigmoid(z) for z in sums(w, b, a)]
        return a

    def predict(self, x):
        """The digit the network picks for x: the index of the largest output.

        Raises:
            ValueError: x is not ``sizes[0]`` finite numbers (the message names
                the first bad pixel).
        """
        check_input(x, self.sizes[0])
        return argmax(self.feedforward(x))

    def forward(self, x, nonzero=None):
        """The forward pass with every intermediate kept.

        Args:
            x: input Vector, shape (sizes[0],).
            nonzero: the indices of the nonzero entries of x, if already known
                (training finds each image's once); found here otherwise.

        Returns:
            (zs, activations): zs[i] = w a + b of layer i+2 (book numbering),
            activations[0] = x and activations[i+1] = sigmoid(zs[i]).
        """
        self._check_input(x)
        sums = weighted_inputs_in_c if FORWARD_IN_C else weighted_inputs
        activations = [x]  # list to store all the activations, layer by layer
        zs = []            # list to store all the z vectors, layer by layer
        for w, b in zip(self.weights, self.biases):
            z = sums(w, b, activations[-1], nonzero)
            zs.append(z)
            activations.append([sigmoid(v) for v in z])
            nonzero = None  # the next layers' inputs are activations: found by weighted_inputs
        return zs, activations

    def backprop(self, x, y):
        """The gradient of C_x = 1/2 ||a^L - y||^2 for one example, by backpropagation.

        Args:
            x: input Vector, shape (sizes[0],).
            y: target Vector, shape (sizes[-1],), e.g. one_hot(label).

        Returns:
            (nabla_b, nabla_w): dC_x/db and dC_x/dw, shaped like biases and weights.
        """
        zs, activations, deltas = self._errors(x, y)  # the forward pass, then BP1 and BP2
        # BP3: dC/db^l_j = delta^l_j
        nabla_b = [delta[:] for delta in deltas]
        # BP4: dC/dw^l_jk = a^(l-1)_k delta^l_j, the outer product of delta^l and a^(l-1)
        nabla_w = [outer(delta, a_prev) for delta, a_prev in zip(deltas, activations)]
        return nabla_b, nabla_w

    def backprop_trace(self, x, y):
        """``backprop`` with every number it computes, for a walkthrough or a figure.

        Returns:
            dict with "zs" and "activations" (as ``forward``), "deltas"
            (deltas[i] is delta^(i+2) in the book's numbering; deltas[-1] is
            delta^L), and "nabla_b" and "nabla_w" (as ``backprop``).
        """
        zs, activations, deltas = self._errors(x, y)
        return {"zs": zs, "activations": activations, "deltas": deltas,
                "nabla_b": [delta[:] for delta in deltas],  # BP3
                "nabla_w": [outer(delta, a_prev)             # BP4
                            for delta, a_prev in zip(deltas, activations)]}

    def _errors(self, x, y, nonzero=None):
        """The forward pass, then BP1 and BP2: (zs, activations, deltas) for one example.

        The first half of ``backprop``, shared with ``backprop_trace`` and with
        training (training.py), which applies BP3 and BP4 straight to the new
        weights of its step instead of building nabla_w. ``nonzero`` is as for
        ``forward``.
        """
        if len(y) != self.sizes[-1]:
            raise ValueError("target of length %d, but this network has %d outputs"
                             % (len(y), self.sizes[-1]))
        zs, activations = self.forward(x, nonzero)
        # One delta per layer with weights: deltas[i] is delta^(i+2), deltas[-1] is delta^L.
        # sigma'(z) = a (1 - a) for each neuron's activation a.
        deltas = [None] * len(self.weights)
        # BP1: delta^L = (a^L - y) (.) sigma'(z^L)
        deltas[-1] = [(a - t) * a * (1.0 - a) for a, t in zip(activations[-1], y)]
        for i in range(len(deltas) - 2, -1, -1):
            # BP2: delta^l = ((w^(l+1))^T delta^(l+1)) (.) sigma'(z^l), for layer l = i + 2:
            # entry k sums w^(l+1)_jk delta^(l+1)_j over the neurons j of layer l+1.
            w_next, delta_next = self.weights[i + 1], deltas[i + 1]
            delta = []
            for k, a in enumerate(activations[i + 1]):
                total = 0.0
                for j, d in enumerate(delta_next):
                    total += w_next[j][k] * d
                delta.append(total * a * (1.0 - a))
            deltas[i] = delta
        return zs, activations, deltas

    # ----------------------------------------------------------------- saving
    # The file format and its checks are in formats.py; these methods call it.

    def to_dict(self):
        """The network as a dict in the documented JSON format (see formats.py)."""
        return formats.network_to_dict(self)

    def save(self, path):
        """Save the network as JSON at ``path``, atomically (see formats.py for the format).

        Floats are written with Python's repr, so a save/load round trip is bit for bit.

        Raises:
            ValueError: a weight or bias is NaN or infinite (nothing is written).
            OSError: the file cannot be written (the message names it).
        """
        formats.save_network(self, path)

    @classmethod
    def from_dict(cls, data, name="<dict>"):
        """Build a network from a dict in the saved format, checking everything.

        Raises:
            NetworkFormatError: naming ``name`` and what is wrong.
        """
        return formats.network_from_dict(data, name, cls)

    @classmethod
    def from_parameters(cls, weights, biases, meta=None):
        """A network with these weights and biases (used as they are, not copied).

        The sizes are read from the shapes: weights[i] is (sizes[i+1], sizes[i]).
        """
        if not weights or len(weights) != len(biases):
            raise ValueError("need one weight matrix and one bias vector per layer")
        net = cls.__new__(cls)
        net.sizes = [len(weights[0][0])] + [len(w) for w in weights]
        net.num_layers = len(net.sizes)
        net.weights = weights
        net.biases = biases
        net.meta = dict(meta or {})
        return net

    @classmethod
    def load(cls, path):
        """Load a network saved by ``save`` (plain or gzipped JSON).

        Raises:
            FileNotFoundError: no such file (the message names it).
            NetworkFormatError: anything else wrong with the file, named with it:
                not a regular file, too large, not JSON, a missing key, a ragged
                row, a NaN, wrong sizes, ...
        """
        return formats.load_network(path, cls)
