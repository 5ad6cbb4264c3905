"""Checks of step 4: backpropagation, against the library's Network.backprop.

Layer numbers are the book's: layer 1 is the input and layer L the output, so
``weights[i]`` is w^(i+2), ``biases[i]`` is b^(i+2), and the gradients
``nabla_b[i]``, ``nabla_w[i]`` belong to layer i+2 (delta^(i+2)).
"""

import copy

from ..linalg import one_hot
from ..network import Network
from .compare import expect_close, expect_pair, scaled

TITLE = "backpropagation, checked against the library"


def _backprop_case(checker, f, sizes, seed, x, y, title):
    net = Network(sizes, seed=seed)
    weights, biases = copy.deepcopy(net.weights), copy.deepcopy(net.biases)
    nabla_b, nabla_w = net.backprop(x, y)
    got_b, got_w = expect_pair(checker.call(f, weights, biases, list(x), list(y)),
                               "(nabla_b, nabla_w)",
                               "Return both gradients: return nabla_b, nabla_w.")
    sign = ("Every number has the wrong sign: BP1 is delta^L = (a^L - y) (.) sigma'(z^L), "
            "with a - y, not y - a.")
    expect_close(nabla_b, got_b, tol=1e-7,
                 hint="BP1 for the output layer L, then BP2 going back to layer 2; BP3: the "
                      "gradient of b^l is delta^l, and nabla_b[i] is layer i+2's (the book's "
                      "numbering: layer 1 is the input).",
                 diagnoses=[(scaled(nabla_b, -1.0), sign),
                            (scaled(nabla_b, 2.0), "Everything is twice too big: C = 1/2 "
                                                   "||a - y||^2 so dC/da = a - y (no factor 2).")])
    expect_close(nabla_w, got_w, tol=1e-7,
                 hint="BP4: the gradient of w^l_jk is a^(l-1)_k delta^l_j, so nabla_w[i][j][k] = "
                      "delta^(i+2)[j] * a^(i+1)[k]: one ROW per neuron of layer i+2, the same "
                      "shape as weights[i] (which is w^(i+2)).",
                 diagnoses=[(scaled(nabla_w, -1.0), sign),
                            ([[list(col) for col in zip(*m)] for m in nabla_w],
                             "Your nabla_w is transposed: it must have the shape of weights, "
                             "row j = neuron j, so nabla_w[i][j][k] = delta^(i+2)[j] * "
                             "a^(i+1)[k].")])
    yield title


def check_backprop(checker, f):
    yield from _backprop_case(checker, f, [2, 3, 2], 1, [0.5, -0.3], [1.0, 0.0],
                              "backprop(a [2, 3, 2] network) matches Network.backprop")
    yield from _backprop_case(checker, f, [3, 4, 4, 2], 7, [1.0, 0.0, -2.0], [0.0, 1.0],
                              "backprop(a [3, 4, 4, 2] network) matches Network.backprop")
    x, label = checker.examples("test", 1)[0]
    yield from _backprop_case(checker, f, [784, 16, 10], 3, x, one_hot(label),
                              "backprop(a [784, 16, 10] network, first test image) "
                              "matches Network.backprop")


# function -> its checks
CHECKS = {"backprop": check_backprop}

# function -> the hint for a failure whose check gave none (e.g. an exception)
HINTS = {
    "backprop": "Check the shapes layer by layer: weights[i] is w^(i+2), of shape (sizes[i+1], "
                "sizes[i]) (the book numbers the input layer 1). BP2 multiplies by the TRANSPOSE "
                "of the next layer's weights: delta^l = ((w^(l+1))^T delta^(l+1)) (.) "
                "sigma'(z^l).",
}
