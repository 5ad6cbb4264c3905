"""The numbers behind the pictures, computed with the standard library alone.

Which digits a network confuses, which mistakes it makes while most sure,
what each digit "looks for" through the hidden layers, a moving average of a
noisy curve, the end of a colour scale: plain arithmetic on lists, so a
command or a notebook can print them without importing matplotlib, and the
picture modules (visualize_figures.py, gifwriter.py) only draw what is computed here.

    confusion_matrix      how often digit i was taken for digit j
    most_confused_pairs   the pairs of digits mixed up most, both ways
    describe_pair         "4 read as 9: 22 times; 9 read as 4: 29 times"
    output_weighted_inputs  the z's of the output neurons for one input
    confidently_wrong     the mistakes the network was most sure about
    weight_product        W_L ... W_2 W_1: the weight matrices multiplied
    looks_for             what each output digit looks for in the pixels
    moving_average        a smoothed copy of a noisy curve
    percentile_of         the q-th percentile of some numbers
    symmetric_limit       the end of a colour scale [-limit, limit] centred on zero
"""

import math
import numbers
from collections import namedtuple

from .linalg import argmax, matmul

__all__ = ["confusion_matrix", "most_confused_pairs", "describe_pair", "output_weighted_inputs",
           "Mistake", "confidently_wrong", "weight_product", "looks_for", "largest_magnitude",
           "moving_average", "percentile_of", "symmetric_limit", "LARGEST_LIMIT"]


# ----------------------------------------------------------------- confusions

def confusion_matrix(labels, predictions, classes=10):
    """Count how often each true label got each prediction.

    Args:
        labels: the true digit of each example.
        predictions: the network's digit for each example, in the same order.
        classes: the number of digits (rows and columns).

    Returns:
        Matrix (list of lists of ints) of shape (classes, classes):
        ``m[i][j]`` = number of examples with label i predicted as j.
    """
    if len(labels) != len(predictions):
        raise ValueError("%d labels but %d predictions" % (len(labels), len(predictions)))
    matrix = [[0] * classes for _ in range(classes)]
    for label, predicted in zip(labels, predictions):
        matrix[label][predicted] += 1
    return matrix


def most_confused_pairs(matrix, top=5):
    """The pairs of digits mixed up most often, in either direction.

    Returns:
        list of (a, b, a_as_b, b_as_a) with a < b, largest a_as_b + b_as_a
        first (ties: smaller digits first); pairs never confused are left out.
    """
    pairs = []
    classes = len(matrix)
    for a in range(classes):
        for b in range(a + 1, classes):
            if matrix[a][b] + matrix[b][a] > 0:
                pairs.append((a, b, matrix[a][b], matrix[b][a]))
    pairs.sort(key=lambda p: (-(p[2] + p[3]), p[0], p[1]))
    return pairs[:top]


def describe_pair(pair):
    """One readable line for a pair of ``most_confused_pairs``.

    >>> describe_pair((4, 9, 22, 29))
    '4 read as 9: 22 times; 9 read as 4: 29 times'
    """
    a, b, a_as_b, b_as_a = pair
    return "%d read as %d: %s; %d read as %d: %s" % (a, b, _times(a_as_b), b, a, _times(b_as_a))


def _times(n):
    return {0: "never", 1: "once"}.get(n, "%d times" % n)


# ----------------------------------------------------------------- mistakes

def output_weighted_inputs(network, x):
    """z^L = w^L a^(L-1) + b^L, the weighted inputs of the output neurons for the input ``x``.

    The outputs are sigmoid(z^L) (or softmax). A sure network's outputs
    saturate: its guess reads 1.00 and the other nine 0.00, whether z is 8 or
    80. The z's do not saturate, so they tell how strongly each digit was
    voted for. Any activations and cost: the network's own forward pass.

    Returns:
        Vector of sizes[-1] floats.
    """
    zs, _ = network.forward(x)
    return zs[-1]


# One mistake of the network: the image, its label, the guess, the runner-up
# (the digit with the second largest output) and the output neurons' weighted
# inputs z (their outputs are sigmoid(z)).
Mistake = namedtuple("Mistake", "x label predicted runner_up zs")


def confidently_wrong(network, data, count=20, predictions=None):
    """The wrongly classified examples the network was most sure about.

    "Most sure" is measured by the weighted input z of the guess's output
    neuron, which does not saturate as the output sigmoid(z) does: the
    largest z first, the strongest vote for a wrong digit.

    Args:
        network: a Network.
        data: list of (x, label).
        count: how many to return at most.
        predictions: optional, the network's digit for each example (as in
            ``evaluate(network, data).predictions``); then only the wrong
            ones are fed forward again, for their z's.

    Returns:
        list of Mistake(x, label, predicted, runner_up, zs), the surest first.
    """
    if predictions is not None:
        if len(predictions) != len(data):
            raise ValueError("%d examples but %d predictions" % (len(data), len(predictions)))
        data = [example for example, p in zip(data, predictions) if p != example[1]]
    wrong = []
    for x, label in data:
        predicted = argmax(network.feedforward(x))  # exactly the network's guess
        if predicted != label:
            zs = output_weighted_inputs(network, x)
            runner_up = max((d for d in range(len(zs)) if d != predicted), key=zs.__getitem__)
            wrong.append(Mistake(x, label, predicted, runner_up, zs))

    def strength(mistake):
        z = mistake.zs[mistake.predicted]
        return -math.inf if math.isnan(z) else z  # nan: weights so large that z overflowed

    wrong.sort(key=strength, reverse=True)
    return wrong[:count]


# ----------------------------------------------------------------- weights

def weight_product(weights):
    """W_L ... W_2 W_1 of a list of weight matrices (see ``looks_for``).

    Args:
        weights: list of Matrices, ``weights[i]`` of shape (sizes[i+1], sizes[i]).

    Returns:
        Matrix of shape (sizes[-1], sizes[0]). A copy of ``weights[0]`` for one matrix.
    """
    product = [list(row) for row in weights[0]]
    for w in weights[1:]:
        product = matmul(w, product)
    return product


def looks_for(network):
    """What each output neuron "looks for" in the input, through every hidden layer.

    The product W_L ... W_2 W_1 of the weight matrices (biases and sigmoids
    left out): row j says how much each pixel, passed straight through the
    hidden layers as if they were linear, pushes output neuron j up or down.
    It is a rough picture, not the exact function the network computes, but it
    shows which strokes vote for each digit. For a network without hidden
    layers it is just the weights.

    Returns:
        Matrix of shape (sizes[-1], sizes[0]).
    """
    return weight_product(network.weights)


def largest_magnitude(values):
    """The largest |v| of some numbers (nested lists allowed); inf if one is not finite."""
    largest = 0.0
    for v in _flat(values):
        if not math.isfinite(v):
            return math.inf
        largest = max(largest, abs(v))
    return largest


# ----------------------------------------------------------------- curves

def moving_average(values, window):
    """The mean of each value and the ``window - 1`` values before it.

    The first ``window - 1`` points average over what there is so far, so the
    result has the same length as ``values``.

    Returns:
        list of len(values) floats.
    """
    if window < 1:
        raise ValueError("window must be at least 1, got %r" % (window,))
    averages = []
    total = 0.0
    for i, value in enumerate(values):
        total += value
        if i >= window:
            total -= values[i - window]
        averages.append(total / min(i + 1, window))
    return averages


# ----------------------------------------------------------------- colour scales

# The largest end of a colour scale. Drawing one needs arithmetic on its width
# (the colour bar's ticks multiply it by up to 20), which must stay finite:
# weights near the largest float, 1.8e308, would overflow it.
LARGEST_LIMIT = 1e300


def percentile_of(values, q):
    """The ``q``-th percentile (0 to 100) of some numbers, as numpy's default computes it.

    The values are sorted; the percentile lies q% of the way from the first to
    the last, interpolating linearly between the two values around it.
    """
    ordered = sorted(values)
    if not ordered:
        raise ValueError("the percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100, got %r" % (q,))
    position = (len(ordered) - 1) * q / 100
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    low, high = ordered[below], ordered[above]
    return low + (high - low) * (position - below)


def symmetric_limit(groups, percentile=99.5):
    """The end of a shared colour scale [-limit, limit] for all of ``groups``.

    A few weights (often at pixels that are almost never inked) can be much
    larger than the rest; scaling to them would wash every other weight out
    to white. So the limit is the ``percentile``-th percentile of the
    absolute values of each group, the largest over the groups (for GIF
    frames: a group per frame). Values beyond it are drawn in the end colour.
    ``percentile=100`` gives the plain largest absolute value.

    Robust: values that are not finite are left out, the limit is never 0
    (all-zero weights get the scale [-1, 1]) and never beyond LARGEST_LIMIT,
    so a colour scale built from it is always valid.

    Args:
        groups: list of groups; each a Vector or a Matrix (nested lists of numbers).
        percentile: 0 to 100.

    Returns:
        float > 0.
    """
    limit = 0.0
    for group in groups:
        magnitudes = [abs(v) for v in _flat(group) if math.isfinite(v)]
        if magnitudes:
            limit = max(limit, percentile_of(magnitudes, percentile))
    if limit <= 0:
        return 1.0
    return min(limit, LARGEST_LIMIT)


def _flat(values):
    """Every number in ``values``, a number or nested lists (or arrays) of numbers."""
    if isinstance(values, numbers.Real):
        yield float(values)
        return
    for value in values:
        if isinstance(value, numbers.Real):
            yield float(value)
        else:
            yield from _flat(value)
