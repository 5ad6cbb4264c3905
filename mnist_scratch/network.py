"""A multilayer perceptron, with backpropagation written out on plain lists.

This module teaches the network itself: how an input flows forward through
the layers, and how backpropagation computes the gradient of the cost with
respect to every weight and bias. Training (mini-batch SGD) is in
training.py; the cost functions are in costs.py, the activation functions
in activations.py; nothing here prints or reads data files.

Layers and indices
------------------
``sizes = [784, 30, 10]`` is a network with 784 inputs, one hidden layer of 30
neurons and 10 output neurons. The book (Nielsen, "Neural Networks and Deep
Learning", chapter 2) numbers the layers l = 1 (input) to L (output); Python
lists start at 0 and the input layer has no weights, so:

    Python                      book
    weights[i], biases[i]       w^(i+2), b^(i+2)   (i = 0 is layer 2, the first with weights)
    weights[i][j][k]            w^l_jk: from neuron k of layer l-1 to neuron j of layer l
    zs[i]                       z^(i+2) = w^(i+2) a^(i+1) + b^(i+2)
    activations[i]              a^(i+1); activations[0] is the input x, activations[-1] is a^L
    deltas[i]                   delta^(i+2) = dC/dz^(i+2)

So ``weights[i]`` has ``sizes[i+1]`` rows (one per neuron it feeds) and
``sizes[i]`` columns (one per input), and row j holds neuron j's incoming weights.

Neurons and costs
-----------------
Each layer applies an activation function f to its weighted inputs,
a^l = f(z^l). The hidden layers use the one chosen by name (``activation``:
"sigmoid", the default and the book's, "tanh" or "relu"); the output layer's
is fixed by the cost (``cost``): sigmoid for "quadratic" (the default, the
cost of chapters 1 and 2, C_x = 1/2 ||a^L - y||^2) and "cross-entropy",
softmax for "log-likelihood". ``evaluate`` in training.py reports the mean
of C_x over examples.

The four equations of backpropagation
-------------------------------------
With (.) the element-wise product and f' the derivative of the layer's
activation function:

    BP1  delta^L = grad_a C (.) f'(z^L)            (the cost works it out: costs.py)
    BP2  delta^l = ((w^(l+1))^T delta^(l+1)) (.) f'(z^l)
    BP3  dC/db^l_j  = delta^l_j
    BP4  dC/dw^l_jk = a^(l-1)_k delta^l_j

``backprop`` marks the line that computes each. For the quadratic cost and
sigmoid outputs BP1 is delta^L = (a^L - y) (.) sigma'(z^L); for the
cross-entropy cost the sigma'(z^L) cancels and delta^L = a^L - y, which is
why it does not learn slowly when an output is saturated (costs.py shows
the algebra). Each f' is computed from whichever of z and a = f(z) is
cheaper: sigma'(z) = a (1 - a) needs no exp (activations.py).

Speed
-----
The weighted sums skip zero inputs (an image's blank pixels, a ReLU's
zeros), which gives bit-for-bit the same numbers about five times faster,
and use C loops where that helps: see sums.py. The checks of sizes and
inputs made before any work are in checks.py.
"""

import math
import random

from . import formats
from .activations import Sigmoid, activation_named, sigmoid, sigmoid_prime
from .checks import (BYTES_PER_PARAMETER, COPIES_WHILE_TRAINING, check_input,  # noqa: F401
                     check_size)
from .costs import cost_named, quadratic_cost
from .formats import FORMAT, FORMAT_VERSION, NetworkFormatError  # re-exported, as before
from .linalg import argmax, outer, zeros, zeros_matrix
from .sums import (SUMS_IN_C, backward_sums, backward_sums_in_c, nonzero_indices, weighted_inputs,
                   weighted_inputs_in_c)

__all__ = ["Network", "NetworkFormatError", "sigmoid", "sigmoid_prime", "quadratic_cost",
           "weighted_inputs", "weighted_inputs_in_c", "nonzero_indices", "check_input",
           "check_size", "FORMAT", "FORMAT_VERSION", "INITS"]

INITS = ("scaled", "standard", "zeros")


class Network:
    """A fully connected network: sigmoid, tanh or ReLU hidden layers, a chosen cost.

    Attributes:
        sizes: list of layer sizes, e.g. [784, 30, 10].
        num_layers: len(sizes), counting the input layer.
        weights: list of Matrices; weights[i] has shape (sizes[i+1], sizes[i]).
        biases: list of Vectors; biases[i] has shape (sizes[i+1],).
        cost: the cost class (costs.py), e.g. costs.CrossEntropyCost.
        activation: the hidden layers' activation class (activations.py).
        activation_functions: one activation class per layer with weights:
            ``activation`` for the hidden layers, ``cost.output`` for the last.
        activation_names: their names, e.g. ["relu", "softmax"].
        meta: dict of facts saved with the network (how it was trained, its
            accuracy, ...); empty for a new network.

    Training (training.py) gives the network new weight and bias lists at the
    start of every epoch of ``sgd`` and at every ``update_mini_batch``, so a
    reference to ``weights`` taken between epochs stays a snapshot of that
    moment; within an epoch, sgd's plain steps change the lists in place.
    """

    def __init__(self, sizes, seed=None, init="scaled", activation="sigmoid", cost="quadratic"):
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
            activation: the hidden layers' neurons: "sigmoid" (default), "tanh"
                or "relu" (see activations.py).
            cost: "quadratic" (default), "cross-entropy" (sigmoid outputs) or
                "log-likelihood" (a softmax output layer); see costs.py.
        """
        sizes = list(sizes)
        check_size(sizes)  # before allocating: refuse a network that cannot fit in memory
        if init not in INITS:
            raise ValueError("unknown init %.40r; choose one of %s" % (init, ", ".join(INITS)))
        self.cost = cost_named(cost)
        self.activation = activation_named(activation)
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

    @property
    def activation_functions(self):
        """One activation class per layer with weights: the hidden ones, then the cost's output."""
        return [self.activation] * (len(self.sizes) - 2) + [self.cost.output]

    @property
    def activation_names(self):
        """The names of ``activation_functions``, e.g. ["relu", "softmax"] (as saved in files)."""
        return [f.name for f in self.activation_functions]

    def __repr__(self):
        options = ""
        if self.activation is not Sigmoid and len(self.sizes) > 2:
            options += ", activation=%r" % self.activation.name
        if self.cost.name != "quadratic":
            options += ", cost=%r" % self.cost.name
        return "Network(%r%s)" % (self.sizes, options)

    def _check_input(self, x):
        if len(x) != self.sizes[0]:
            raise ValueError("input of length %d, but this network takes %d inputs"
                             % (len(x), self.sizes[0]))

    def feedforward(self, x):
        """The output a^L for the input x. Shape (sizes[0],) -> (sizes[-1],)."""
        self._check_input(x)
        sums = weighted_inputs_in_c if SUMS_IN_C else weighted_inputs
        a = x
        for w, b, f in zip(self.weights, self.biases, self.activation_functions):
            a = f.fn(sums(w, b, a))
        return a

    def predict(self, x):
        """The digit the network picks for x: the index of the largest output.

        Raises:
            ValueError: x is not ``sizes[0]`` finite numbers (the message names
                the first bad pixel).
        """
        check_input(x, self.sizes[0])
        return argmax(self.feedforward(x))

    def forward(self, x, nonzero=None, masks=None):
        """The forward pass with every intermediate kept.

        Args:
            x: input Vector, shape (sizes[0],).
            nonzero: the indices of the nonzero entries of x, if already known
                (training finds each image's once); found here otherwise.
            masks: for training with dropout only: one Vector per hidden layer,
                multiplying that layer's activations (0 for a dropped neuron,
                1/(1-p) for a kept one; see training.py). None: no dropout.

        Returns:
            (zs, activations): zs[i] = w a + b of layer i+2 (book numbering),
            activations[0] = x and activations[i+1] = f(zs[i]) (times the mask).
        """
        self._check_input(x)
        sums = weighted_inputs_in_c if SUMS_IN_C else weighted_inputs
        functions = self.activation_functions
        activations = [x]  # list to store all the activations, layer by layer
        zs = []            # list to store all the z vectors, layer by layer
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = sums(w, b, activations[-1], nonzero)
            zs.append(z)
            a = functions[i].fn(z)
            if masks is not None and i < len(masks):
                a = [v * m for v, m in zip(a, masks[i])]  # dropout: the mask switches neurons off
            activations.append(a)
            nonzero = None  # the next layers' inputs are activations: found by weighted_inputs
        return zs, activations

    def backprop(self, x, y):
        """The gradient of the cost C_x of one example, by backpropagation.

        The cost is the network's own (``cost``), without any regularisation
        term (weight decay is applied by training.sgd).

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

    def _errors(self, x, y, nonzero=None, masks=None):
        """The forward pass, then BP1 and BP2: (zs, activations, deltas) for one example.

        The first half of ``backprop``, shared with ``backprop_trace`` and with
        training (training.py), which applies BP3 and BP4 straight to the
        weights instead of building nabla_w. ``nonzero`` and
        ``masks`` are as for ``forward``.
        """
        if len(y) != self.sizes[-1]:
            raise ValueError("target of length %d, but this network has %d outputs"
                             % (len(y), self.sizes[-1]))
        zs, activations = self.forward(x, nonzero, masks)
        functions = self.activation_functions
        back_sums = backward_sums_in_c if SUMS_IN_C else backward_sums
        # One delta per layer with weights: deltas[i] is delta^(i+2), deltas[-1] is delta^L.
        deltas = [None] * len(self.weights)
        # BP1: delta^L = grad_a C (.) f'(z^L), as the cost works it out (costs.py)
        deltas[-1] = self.cost.delta(zs[-1], activations[-1], y)
        for i in range(len(deltas) - 2, -1, -1):
            # BP2: delta^l = ((w^(l+1))^T delta^(l+1)) (.) f'(z^l), for layer l = i + 2:
            # entry k of (w^(l+1))^T delta^(l+1) sums w^(l+1)_jk delta^(l+1)_j over the
            # neurons j of layer l+1 (the loops are in sums.py).
            back = back_sums(self.weights[i + 1], deltas[i + 1])
            f, z = functions[i], zs[i]
            if masks is None:
                deltas[i] = f.times_prime(back, z, activations[i + 1])  # (.) f'(z^l)
            else:
                # Dropout: a dropped neuron passes no error back, a kept one is scaled as
                # its output was; f'(z^l) is that of the activation before the mask.
                deltas[i] = [d * m for d, m in zip(f.times_prime(back, z, f.fn(z)), masks[i])]
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
    def from_parameters(cls, weights, biases, meta=None, activation="sigmoid", cost="quadratic"):
        """A network with these weights and biases (used as they are, not copied).

        The sizes are read from the shapes: weights[i] is (sizes[i+1], sizes[i]).
        ``activation`` and ``cost`` are as for the constructor.
        """
        if not weights or len(weights) != len(biases):
            raise ValueError("need one weight matrix and one bias vector per layer")
        net = cls.__new__(cls)
        net.sizes = [len(weights[0][0])] + [len(w) for w in weights]
        net.num_layers = len(net.sizes)
        net.weights = weights
        net.biases = biases
        net.cost = cost_named(cost)
        net.activation = activation_named(activation)
        net.meta = dict(meta or {})
        return net

    @classmethod
    def load(cls, path):
        """Load a network saved by ``save`` (plain or gzipped JSON; format version 1 or 2).

        Raises:
            FileNotFoundError: no such file (the message names it).
            NetworkFormatError: anything else wrong with the file, named with it:
                not a regular file, too large, not JSON, a missing key, a ragged
                row, a NaN, wrong sizes, an unknown cost, ...
        """
        return formats.load_network(path, cls)
