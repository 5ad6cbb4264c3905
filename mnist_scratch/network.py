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
(BP4: a_k = 0), so both the forward pass and BP4 visit only the nonzero
inputs. Skipping exact zeros gives bit-for-bit the same numbers as the dense
loops, only about five times faster on the first layer.
"""

import json
import math
import os
import random
from itertools import compress
from operator import add, itemgetter, mul

from .fileio import atomic_write_text
from .linalg import argmax, zeros, zeros_matrix

__all__ = ["Network", "NetworkFormatError", "sigmoid", "sigmoid_prime", "quadratic_cost",
           "FORMAT", "FORMAT_VERSION", "INITS"]

FORMAT = "mnist_scratch.network"
FORMAT_VERSION = 1
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


def weighted_inputs(w, b, a):
    """z = w a + b, visiting only the nonzero entries of a.

    Args:
        w: Matrix of shape (n_out, n_in).
        b: Vector of shape (n_out,).
        a: Vector of shape (n_in,).

    Returns:
        Vector z of shape (n_out,).
    """
    nonzero = list(compress(range(len(a)), a))  # indices k with a[k] != 0 (C-level filter)
    if len(nonzero) < 2 or len(nonzero) == len(a):
        # Dense: a C-level dot product per row (itemgetter below needs 2+ indices).
        return [sum(map(mul, row, a)) + bj for row, bj in zip(w, b)]
    pick = itemgetter(*nonzero)  # pick(v) returns the entries of v at the nonzero inputs, in C
    values = pick(a)
    return [sum(map(mul, pick(row), values)) + bj for row, bj in zip(w, b)]


class NetworkFormatError(ValueError):
    """A saved network file is malformed. The message names the file and the problem."""


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
            sizes: layer sizes, at least two, each a positive int.
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
        if len(sizes) < 2:
            raise ValueError("a network needs at least two layer sizes (inputs and outputs), got %r"
                             % (sizes,))
        for n in sizes:
            if not isinstance(n, int) or isinstance(n, bool) or n < 1:
                raise ValueError("layer sizes must be positive integers, got %r" % (sizes,))
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
        a = x
        for w, b in zip(self.weights, self.biases):
            a = [sigmoid(z) for z in weighted_inputs(w, b, a)]
        return a

    def predict(self, x):
        """The digit the network picks for x: the index of the largest output."""
        return argmax(self.feedforward(x))

    def forward(self, x):
        """The forward pass with every intermediate kept.

        Returns:
            (zs, activations): zs[i] = w a + b of layer i+2 (book numbering),
            activations[0] = x and activations[i+1] = sigmoid(zs[i]).
        """
        self._check_input(x)
        activations = [x]  # list to store all the activations, layer by layer
        zs = []            # list to store all the z vectors, layer by layer
        for w, b in zip(self.weights, self.biases):
            z = weighted_inputs(w, b, activations[-1])
            zs.append(z)
            activations.append([sigmoid(v) for v in z])
        return zs, activations

    def backprop(self, x, y, nabla_b=None, nabla_w=None, trace=None):
        """The gradient of C_x = 1/2 ||a^L - y||^2 for one example, by backpropagation.

        Args:
            x: input Vector, shape (sizes[0],).
            y: target Vector, shape (sizes[-1],), e.g. one_hot(label).
            nabla_b, nabla_w: optional accumulators shaped like ``biases`` and
                ``weights``. If given, this example's gradient is *added* to
                them in place and they are returned; training sums a
                mini-batch this way without building 23,860 new numbers per
                example. If omitted, fresh zero lists are used.
            trace: optional dict; if given, it receives this example's "zs",
                "activations" and "deltas" (for printing a walkthrough, or for
                the training cost without a second forward pass).

        Returns:
            (nabla_b, nabla_w): dC_x/db and dC_x/dw, shaped like biases and weights.
        """
        if len(y) != self.sizes[-1]:
            raise ValueError("target of length %d, but this network has %d outputs"
                             % (len(y), self.sizes[-1]))
        if nabla_b is None:
            nabla_b = [zeros(len(b)) for b in self.biases]
            nabla_w = [zeros_matrix(len(w), len(w[0])) for w in self.weights]

        # Forward pass: keep every z and a.
        zs, activations = self.forward(x)

        # Backward pass. sigma'(z) = a (1 - a) for each neuron's activation a.
        # One delta per layer with weights; deltas[-1] is the book's delta^L (the output).
        deltas = [None] * len(self.weights)
        a_out = activations[-1]
        # BP1: delta^L = (a^L - y) (.) sigma'(z^L)
        deltas[-1] = [(a - t) * a * (1.0 - a) for a, t in zip(a_out, y)]
        for i in range(len(deltas) - 2, -1, -1):
            # BP2: delta^l = ((w^(l+1))^T delta^(l+1)) (.) sigma'(z^l)
            # zip(*w) walks the columns of w^(l+1), i.e. the rows of its transpose.
            delta_next = deltas[i + 1]
            deltas[i] = [sum(map(mul, column, delta_next)) * a * (1.0 - a)
                         for column, a in zip(zip(*self.weights[i + 1]), activations[i + 1])]

        for i, delta in enumerate(deltas):
            # BP3: dC/db^l_j = delta^l_j
            nabla_b[i][:] = map(add, nabla_b[i], delta)
            # BP4: dC/dw^l_jk = a^(l-1)_k delta^l_j, nonzero a^(l-1)_k only (the rest add 0)
            a_prev = activations[i]
            nonzero = list(compress(range(len(a_prev)), a_prev))
            values = [a_prev[k] for k in nonzero]
            for row, d in zip(nabla_w[i], delta):
                for k, a in zip(nonzero, values):
                    row[k] += a * d
        if trace is not None:
            trace.update(zs=zs, activations=activations, deltas=deltas)
        return nabla_b, nabla_w

    # ----------------------------------------------------------------- saving

    def to_dict(self):
        """The network as a dict in the documented JSON format (see ``save``)."""
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "sizes": list(self.sizes),
            "activation": "sigmoid",
            "cost": "quadratic",
            "weights": self.weights,
            "biases": self.biases,
            "meta": self.meta,
        }

    def save(self, path):
        """Save the network as JSON, atomically (a temporary file, then a rename).

        The format (version 1)::

            {"format": "mnist_scratch.network", "version": 1,
             "sizes": [784, 30, 10], "activation": "sigmoid", "cost": "quadratic",
             "weights": [Matrix per layer; rows = neurons of the next layer],
             "biases":  [Vector per layer],
             "meta": {free-form facts, e.g. how it was trained; optional}}

        Floats are written with Python's repr, which reads back exactly, so a
        save/load round trip is bit for bit.
        """
        atomic_write_text(path, json.dumps(self.to_dict(), separators=(",", ":")) + "\n")

    @classmethod
    def from_dict(cls, data, name="<dict>"):
        """Build a network from a dict in the saved format, checking everything.

        Raises:
            NetworkFormatError: naming ``name`` and what is wrong.
        """
        def fail(problem):
            raise NetworkFormatError("%s: %s" % (name, problem))

        if not isinstance(data, dict):
            fail("expected a JSON object, found %s" % type(data).__name__)
        for key in ("sizes", "weights", "biases"):
            if key not in data:
                fail("missing key %r" % key)
        if data.get("format", FORMAT) != FORMAT:
            fail("format is %r, expected %r" % (data.get("format"), FORMAT))
        version = data.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            fail("format version %r is not supported (this version of mnist_scratch reads %d)"
                 % (version, FORMAT_VERSION))
        if data.get("activation", "sigmoid") != "sigmoid":
            fail("activation %r is not supported (only 'sigmoid')" % data.get("activation"))
        if data.get("cost", "quadratic") != "quadratic":
            fail("cost %r is not supported (only 'quadratic')" % data.get("cost"))
        sizes = data["sizes"]
        if (not isinstance(sizes, list) or len(sizes) < 2
                or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in sizes)):
            fail("'sizes' must be a list of at least two positive integers, found %r" % (sizes,))
        weights, biases = data["weights"], data["biases"]
        layers = len(sizes) - 1
        if not isinstance(weights, list) or len(weights) != layers:
            fail("'weights' must be a list of %d matrices for sizes %s" % (layers, sizes))
        if not isinstance(biases, list) or len(biases) != layers:
            fail("'biases' must be a list of %d vectors for sizes %s" % (layers, sizes))

        def check_vector(v, n, where):
            if not isinstance(v, list) or len(v) != n:
                found = "length %d" % len(v) if isinstance(v, list) else type(v).__name__
                fail("%s must be a list of %d numbers, found %s" % (where, n, found))
            for k, number in enumerate(v):
                if isinstance(number, bool) or not isinstance(number, (int, float)):
                    fail("%s[%d] is %r, not a number" % (where, k, number))
                try:
                    finite = math.isfinite(number)
                except OverflowError:  # an int too large for a float, e.g. 10**400
                    finite = False
                if not finite:
                    fail("%s[%d] is %r, not a finite number" % (where, k, number))
            return [float(number) for number in v]

        checked_weights, checked_biases = [], []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            w = weights[i]
            if not isinstance(w, list) or len(w) != n_out:
                found = "%d rows" % len(w) if isinstance(w, list) else type(w).__name__
                fail("weights[%d] must have %d rows (one per neuron of layer %d), found %s"
                     % (i, n_out, i + 2, found))
            checked_weights.append([check_vector(row, n_in, "weights[%d][%d]" % (i, j))
                                    for j, row in enumerate(w)])
            checked_biases.append(check_vector(biases[i], n_out, "biases[%d]" % i))
        meta = data.get("meta", {})
        return cls.from_parameters(checked_weights, checked_biases,
                                   meta if isinstance(meta, dict) else {})

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
        """Load a network saved by ``save``.

        Raises:
            FileNotFoundError: no such file (the message names it).
            NetworkFormatError: not valid JSON, or not a valid network (names the file
                and the problem: a missing key, a ragged row, a NaN, wrong sizes, ...).
        """
        path = os.fspath(path)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            raise FileNotFoundError("network file not found: %s" % path) from None
        except UnicodeDecodeError:
            raise NetworkFormatError("%s: not a text (JSON) file" % path) from None
        try:
            data = json.loads(text)
        except ValueError as e:  # JSONDecodeError, or an integer with too many digits
            raise NetworkFormatError("%s: not valid JSON (%s)" % (path, e)) from None
        return cls.from_dict(data, name=path)
