"""Activation functions: what a neuron does with its weighted input z.

Each is a small class in the style of the book's network2.py (chapter 3),
used as it is, never instantiated, and chosen by name:

    name                   a = f(z)                          f'(z), from a where cheaper
    "sigmoid" (default)    1 / (1 + e^-z), in (0, 1)         a (1 - a)
    "tanh"                 (e^z - e^-z) / (e^z + e^-z)       1 - a^2
    "relu"                 max(0, z)                         1 for z > 0, else 0
    "softmax" (output)     e^(z_j) / sum_k e^(z_k)           (see Softmax)

``ACTIVATIONS`` holds the three choices for hidden layers. The output layer's
activation is fixed by the cost (see costs.py): sigmoid for the quadratic and
cross-entropy costs, softmax for the log-likelihood cost.

Each class has:
    name         its name in files and on the command line;
    fn(z)        the activations a of a layer from its weighted inputs z
                 (Vector -> Vector: softmax needs the whole layer at once);
    prime(z, a)  the derivatives f'(z_j), given z and a = fn(z) (Vector,
                 Vector -> Vector);
    times_prime(v, z, a)
                 v (.) f'(z), element by element: the last step of BP2,
                 delta^l = ((w^(l+1))^T delta^(l+1)) (.) f'(z^l) (see network.py),
                 with v = (w^(l+1))^T delta^(l+1).

For ReLU, f'(0) is taken as 0: the kink at exactly 0 has no derivative, and
any value between 0 and 1 would do.
"""

import math

__all__ = ["sigmoid", "sigmoid_prime", "Sigmoid", "Tanh", "ReLU", "Softmax", "ACTIVATIONS",
           "activation_named"]


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


class Sigmoid:
    """The sigmoid neuron of the book's chapters 1 and 2: outputs between 0 and 1."""

    name = "sigmoid"

    @staticmethod
    def fn(z):
        return [sigmoid(v) for v in z]

    @staticmethod
    def prime(z, a):
        # sigma'(z) = sigma(z) (1 - sigma(z)) = a (1 - a): no exp needed.
        return [s * (1.0 - s) for s in a]

    @staticmethod
    def times_prime(v, z, a):
        return [t * s * (1.0 - s) for t, s in zip(v, a)]


class Tanh:
    """tanh(z) = 2 sigma(2z) - 1: a sigmoid stretched to (-1, 1), zero at z = 0."""

    name = "tanh"

    @staticmethod
    def fn(z):
        return [math.tanh(v) for v in z]  # math.tanh never overflows: tanh(1000) == 1.0

    @staticmethod
    def prime(z, a):
        return [1.0 - s * s for s in a]  # tanh'(z) = 1 - tanh(z)^2

    @staticmethod
    def times_prime(v, z, a):
        return [t * (1.0 - s * s) for t, s in zip(v, a)]


class ReLU:
    """The rectified linear unit max(0, z): never saturates for z > 0.

    About half its outputs are exactly 0, and a zero activation adds nothing
    to the next layer's sums or to its weights' gradient (BP4): training skips
    those, as it skips an image's zero pixels (see network.py).
    """

    name = "relu"

    @staticmethod
    def fn(z):
        return [v if v > 0.0 else 0.0 for v in z]

    @staticmethod
    def prime(z, a):
        return [1.0 if v > 0.0 else 0.0 for v in z]

    @staticmethod
    def times_prime(v, z, a):
        return [t if z_k > 0.0 else 0.0 for t, z_k in zip(v, z)]


class Softmax:
    """The softmax output layer (chapter 3): a_j = e^(z_j) / sum_k e^(z_k).

    The outputs are positive and add up to 1, a probability for each digit.
    Each a_j depends on every z_k (da_j/dz_k = a_j (delta_jk - a_k)), so
    there is no per-neuron derivative: softmax is used only as the output
    layer, with the log-likelihood cost, whose BP1 works out to the simple
    delta^L = a^L - y (see costs.py).
    """

    name = "softmax"

    @staticmethod
    def fn(z):
        # e^(z_j - m) / sum_k e^(z_k - m) is the same number for any m; with m = max z
        # every exponent is <= 0, so exp never overflows and the largest term is 1.
        m = max(z)
        exps = [math.exp(v - m) for v in z]
        total = sum(exps)
        return [e / total for e in exps]

    @staticmethod
    def prime(z, a):
        raise TypeError("softmax has no per-neuron derivative: it is only an output layer, "
                        "and its BP1 comes from the log-likelihood cost")

    times_prime = prime


# The choices for hidden layers, by name. Softmax is only ever an output layer.
ACTIVATIONS = {f.name: f for f in (Sigmoid, Tanh, ReLU)}


def activation_named(name):
    """The hidden-layer activation called ``name`` (one of ACTIVATIONS), or one of those
    classes itself.

    Raises:
        ValueError: an unknown name, listing the choices.
    """
    if name in ACTIVATIONS.values():
        return name
    if isinstance(name, str) and name in ACTIVATIONS:
        return ACTIVATIONS[name]
    raise ValueError("unknown activation %.40r; choose one of %s"
                     % (name, ", ".join(ACTIVATIONS)))
