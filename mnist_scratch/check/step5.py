"""Checks of step 5: the multilayer network and mini-batch SGD on MNIST.

``learn`` trains the student's network on 1,000 real training images and
scores it with the library on 500 validation images; it has the longest time
limit of all the checks.
"""

import copy
import random

from ..network import Network
from ..training import evaluate
from .compare import Failed, describe, expect_pair
from .step3 import check_gradient_step

TITLE = "the multilayer network and mini-batch SGD on MNIST"

LEARN_TRAINING, LEARN_VALIDATION, LEARN_THRESHOLD = 1000, 500, 0.5


def _batch_sizes_hint(n, total):
    if total < n:
        return ("%d of the %d examples are missing: the last, smaller batch was dropped or cut "
                "short. Use range(0, len(data), m) and slices shuffled[k:k + m]." % (n - total, n))
    if total > n:
        return "Some examples are in two batches: slice shuffled[k:k + m], not k:k + m + 1."
    return "Cut the shuffled list into consecutive slices of m: shuffled[k:k + m]."


def check_create_batches(checker, f):
    for n, m in ((23, 5), (20, 5), (7, 10)):
        data = [([float(i)], i % 10) for i in range(n)]
        before = copy.deepcopy(data)
        batches = checker.call(f, data, m, random.Random(1))
        if data != before:
            raise Failed("the data unchanged", "your function changed (or shuffled) the list it "
                         "was given", "Shuffle a copy: shuffled = list(data); rng.shuffle(shuffled).")
        if not isinstance(batches, list) or not all(isinstance(b, list) for b in batches):
            raise Failed("a list of lists", describe(batches), "Return a list of mini-batches, "
                         "each a list of examples.")
        sizes = [len(b) for b in batches]
        expected_sizes = [m] * (n // m) + ([n % m] if n % m else [])
        try:
            seen = sorted(x[0][0] for b in batches for x in b)
        except (TypeError, IndexError, KeyError):
            item = next(x for b in batches for x in b)
            hint = ("Put the examples in the batches, not their positions: shuffled[k:k + m] "
                    "is a list of (x, label) pairs." if isinstance(item, int) else
                    "Keep each example whole: an (x, label) pair, exactly as it is in data.")
            raise Failed("batches of the examples themselves, (x, label) pairs",
                         "batches holding %s" % describe(item), hint) from None
        if sizes != expected_sizes:
            raise Failed("%d batches of sizes %s (all %d examples)"
                         % (len(expected_sizes), expected_sizes, n),
                         "%d batches of sizes %s (%d examples)" % (len(sizes), sizes, sum(sizes)),
                         _batch_sizes_hint(n, sum(sizes)))
        if seen != [float(i) for i in range(n)]:
            raise Failed("every example exactly once", "some repeated, some missing",
                         "Shuffle, then slice; do not draw examples at random with replacement.")
        yield "create_batches(%d examples, m=%d) gives batches of sizes %s, every example once" % (
            n, m, expected_sizes)
    data = [([float(i)], i % 10) for i in range(50)]
    first = checker.call(f, data, 10, random.Random(5))
    second = checker.call(f, data, 10, random.Random(5))
    if [x for b in first for x in b] == data:
        raise Failed("a shuffled order", "the examples in their original order",
                     "Shuffle a copy of the data with rng.shuffle before cutting it.")
    if first != second:
        raise Failed("the same batches for the same seed", "different batches",
                     "Use only the rng you were given (rng.shuffle), not the random module.")
    yield "create_batches shuffles, with the rng it was given (same seed, same batches)"


def check_update_mini_batch(checker, f):
    return check_gradient_step(checker, f, "update_mini_batch", [784, 16, 10], seed=4)


def check_learn(checker, f):
    training = checker.examples("train", LEARN_TRAINING)
    validation = checker.examples("validation", LEARN_VALIDATION)
    weights, biases = expect_pair(checker.call(f, training, [784, 30, 10], 1, 10, 3.0, 1),
                                  "(weights, biases)",
                                  "Return the trained parameters: return weights, biases.")
    try:
        net = Network.from_parameters(weights, biases)
        result = evaluate(net, validation)
    except Exception as e:
        raise Failed("weights shaped [(30, 784), (10, 30)], biases [30, 10]",
                     "parameters the library cannot use (%s)" % e,
                     "weights[i] is w^(i+2) (the book numbers the input layer 1): one row per "
                     "neuron of layer i+2, one column per neuron of layer i+1.") from None
    if result.accuracy < LEARN_THRESHOLD:
        raise Failed("at least %.0f%% on %d validation images (the library gets about 71%%)"
                     % (100 * LEARN_THRESHOLD, LEARN_VALIDATION),
                     "%.1f%%" % (100 * result.accuracy),
                     "Start from small random weights, N(0, 1/n_in) (rng.gauss(0, 1/math.sqrt("
                     "n_in))), biases N(0, 1); then for each epoch create_batches and "
                     "update_mini_batch on each batch. 10% means it is guessing.")
    yield ("learn(%d training images, [784, 30, 10], 1 epoch, m=10, eta=3.0) reaches %.1f%% "
           "on %d validation images (needs %.0f%%)" % (LEARN_TRAINING, 100 * result.accuracy,
                                                       LEARN_VALIDATION, 100 * LEARN_THRESHOLD))


# function -> its checks, in the order of the template
CHECKS = {
    "create_batches": check_create_batches,
    "update_mini_batch": check_update_mini_batch,
    "learn": check_learn,
}

HINTS = {}

# Seconds the checks may take in the sandbox (the default is 10 s): learn trains
# a network, about 3 s for a plain solution; --timeout gives a slow one longer.
TIME_LIMITS = {"learn": 30.0}
