"""Checks of step 5: the multilayer network and mini-batch SGD on MNIST.

``create_batches`` is checked on numbered examples. ``learn`` is checked on
small made-up examples first: the same seed must give the same network, bit
for bit, and another seed another one. With one mini-batch of every example
each epoch is one step of the library's update_mini_batch, whatever the
order of the random draws: so one epoch must be one such step from the
network learn starts from (what it returns with eta = 0), and two epochs one
more. Any way of drawing the first weights passes. Then it trains on 1,000
real training images and is scored with the library on 500 validation
images; it has the longest time limit of all the checks. Some cases are
hidden (HIDDEN_BATCHES, HIDDEN_SIZES).
"""

import copy
import math
import random

from ..network import Network
from ..training import evaluate, update_mini_batch
from .compare import Failed, describe, expect_close, expect_pair
from .step3 import check_gradient_step

TITLE = "the multilayer network and mini-batch SGD on MNIST"

LEARN_TRAINING, LEARN_VALIDATION, LEARN_THRESHOLD = 1000, 500, 0.5


def _batch_sizes_hint(n, total, hidden=False):
    if total < n:
        missing = ("Some examples are missing" if hidden else
                   "%d of the %d examples are missing" % (n - total, n))
        return ("%s: the last, smaller batch was dropped or cut short. Use range(0, len(data), "
                "m) and slices shuffled[k:k + m]." % missing)
    if total > n:
        return "Some examples are in two batches: slice shuffled[k:k + m], not k:k + m + 1."
    return "Cut the shuffled list into consecutive slices of m: shuffled[k:k + m]."


BATCH_CASES = [(23, 5), (20, 5), (7, 10)]
HIDDEN_BATCHES = [(31, 4), (6, 1)]


def _batches_case(checker, f, n, m, hidden=False):
    """create_batches on n numbered examples in batches of m; fails unless right."""
    data = [([float(i)], i % 10) for i in range(n)]
    batches = checker.call(f, data, m, random.Random(1))
    if not isinstance(batches, list) or not all(isinstance(b, list) for b in batches):
        raise Failed("a list of lists", describe(batches), "Return a list of mini-batches, "
                     "each a list of examples.", public_got=describe(batches, top=False))
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
                     "batches holding %s" % describe(item), hint,
                     public_got="batches that do not hold the examples themselves") from None
    if sizes != expected_sizes:
        raise Failed("%d batches of sizes %s (all %d examples)"
                     % (len(expected_sizes), expected_sizes, n),
                     "%d batches of sizes %s (%d examples)" % (len(sizes), sizes, sum(sizes)),
                     _batch_sizes_hint(n, sum(sizes), hidden),
                     public_got="batches of the wrong sizes")
    if seen != [float(i) for i in range(n)]:
        raise Failed("every example exactly once", "some repeated, some missing",
                     "Shuffle, then slice; do not draw examples at random with replacement.",
                     public_got="some examples repeated, some missing")
    return expected_sizes


def check_create_batches(checker, f):
    for n, m in BATCH_CASES:
        sizes = _batches_case(checker, f, n, m)
        yield "create_batches(%d examples, m=%d) gives batches of sizes %s, every example once" % (
            n, m, sizes)
    for n, m in HIDDEN_BATCHES:
        with checker.hidden() as title:
            _batches_case(checker, f, n, m, hidden=True)
        yield title
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


# ------------------------------------------------------------------ learn

ETA = 3.0
TINY_SIZES = [8, 6, 10]
TINY_EXAMPLES = 30
# The hidden case: a network with two hidden layers.
HIDDEN_SIZES = [8, 7, 5, 10]

SHAPES_HINT = ("weights[i] (the book's w^(i+2)) is sizes[i+1] rows of sizes[i] numbers and "
               "biases[i] has sizes[i+1] numbers: one pair for each two consecutive layers, "
               "for n_in, n_out in zip(sizes[:-1], sizes[1:]). Build them from sizes, for any "
               "number of layers.")
NOT_FINITE = ("Training blew up (a weight became nan or infinite), or something other than a "
              "number ended up in the lists. Check the step: w - (eta / m) * sum of nabla_w.")
SAME_SEED = ("Make ONE rng = random.Random(seed) at the start of learn and use it for "
             "everything random: the first weights and biases (rng.gauss) and the batches of "
             "every epoch (create_batches(..., rng)). random.Random() without the seed starts "
             "from the clock, so no two runs are alike.")
IGNORES_SEED = ("learn gave the same network for two different seeds: it does not use its "
                "seed. Make the rng from it: rng = random.Random(seed).")
EPOCH_HINT = ("With one mini-batch holding every example, an epoch is exactly one "
              "update_mini_batch step on all of them, so one more epoch is one more such step "
              "from where the last epoch ended. Start each epoch from the weights the last "
              "one returned, and run exactly `epochs` epochs: for epoch in range(epochs).")
EPOCHS_IGNORED = ("One more epoch returned exactly the same network: the extra epoch changed "
                  "nothing. Does your loop run `epochs` times, for epoch in range(epochs), each "
                  "time over every mini-batch? (If nothing moves at all, look for eta // m: "
                  "integer division makes the step 0.)")
ONE_EPOCH_SHORT = ("learn with one epoch returned the network it starts from: your loop runs "
                   "one epoch too few. for epoch in range(epochs) runs exactly `epochs` times; "
                   "range(epochs - 1) and range(1, epochs) run one less.")
NOTHING_MOVED = ("Nothing moved in any epoch: learn returned the network it starts from. Did "
                 "you write eta // m? // is integer (floor) division: 3.0 // 10 is 0.0, so "
                 "every step is zero. Write eta / m.")
DIVIDED_BY_BATCH_SIZE = ("Every step was too small: you divided by mini_batch_size. Here the "
                         "one mini-batch holds fewer examples than that (there are fewer "
                         "examples), as the last batch of an epoch often does: the step is "
                         "eta / m with m = len(mini_batch), the examples it really holds.")
ONE_EPOCH_TOO_MANY = ("Your learn ran one epoch too many: for epoch in range(epochs) runs "
                      "exactly `epochs` times; range(epochs + 1) and range(0, epochs + 1) "
                      "one more.")


def tiny_data(n=TINY_EXAMPLES):
    """n small examples: 8 inputs in [0, 1] each, labels 0-9 in turn (the same every run)."""
    rng = random.Random(55)
    return [([round(rng.random(), 3) for _ in range(TINY_SIZES[0])], i % 10) for i in range(n)]


def _shapes(weights, biases):
    """The shapes of weights and biases as text, or None if they are not lists of numbers."""
    try:
        matrices = [(len(w), len(w[0])) for w in weights]
        if any(len(row) != cols for w, (_, cols) in zip(weights, matrices) for row in w):
            return None
        return "weights shaped %s, biases %s" % (matrices, [len(b) for b in biases])
    except (TypeError, IndexError, KeyError):
        return None


def _numbers(weights, biases):
    """Every weight and bias, in order."""
    return [v for w in weights for row in w for v in row] + [v for b in biases for v in b]


def _parameters(got, sizes):
    """The (weights, biases) learn returned; Failed unless shaped by sizes and finite."""
    weights, biases = expect_pair(got, "(weights, biases)",
                                  "Return the trained parameters: return weights, biases.")
    expected = _shapes([[[0.0] * a] * b for a, b in zip(sizes, sizes[1:])],
                       [[0.0] * b for b in sizes[1:]])
    shapes = _shapes(weights, biases)
    if shapes != expected:
        raise Failed(expected, shapes or describe(weights), SHAPES_HINT,
                     public_got="weights or biases of the wrong shapes")
    if not all(type(v) in (int, float) and math.isfinite(v) for v in _numbers(weights, biases)):
        raise Failed("finite numbers", "weights or biases that are not all finite numbers",
                     NOT_FINITE, public_got="weights or biases that are not all finite numbers")
    return weights, biases


def _learn(checker, f, data, sizes, epochs, m, seed, eta=ETA):
    return _parameters(checker.call(f, data, list(sizes), epochs, m, eta, seed), sizes)


def _starting_network(checker, f, data, sizes, m, seed):
    """The network learn starts from: what it returns with eta = 0 (every step is zero);
    None if it does not take eta = 0."""
    try:
        return _learn(checker, f, data, sizes, 1, m, seed, eta=0.0)
    except Failed:
        return None


def _library_epoch(weights, biases, data, eta):
    """One update_mini_batch step of the library on all of data."""
    net = Network.from_parameters(copy.deepcopy(weights), copy.deepcopy(biases))
    update_mini_batch(net, data, eta)
    return net.weights, net.biases


def _epochs_case(checker, f, data, sizes, m, seed):
    """With m >= len(data), one batch per epoch: learn with 1 epoch == one library step from
    the network learn starts from, and 2 epochs == 1 epoch plus one more step."""
    w1, b1 = _learn(checker, f, data, sizes, 1, m, seed)
    one_epoch = checker.last_call
    w2, b2 = _learn(checker, f, data, sizes, 2, m, seed)
    start = _starting_network(checker, f, data, sizes, m, seed)
    if start is not None:
        if list(start) == [w1, b1]:
            raise Failed("a network trained for one epoch", "the network learn starts from "
                         "(what it returns with eta = 0)",
                         NOTHING_MOVED if [w2, b2] == [w1, b1] else ONE_EPOCH_SHORT,
                         title=one_epoch, public_got="the network learn starts from")
        first = _library_epoch(start[0], start[1], data, ETA)
        diagnoses = [(_library_epoch(first[0], first[1], data, ETA), ONE_EPOCH_TOO_MANY)]
        if m > len(data):   # eta / mini_batch_size instead of eta / len(mini_batch)
            diagnoses.append((_library_epoch(start[0], start[1], data, ETA * len(data) / m),
                              DIVIDED_BY_BATCH_SIZE))
        try:
            _expect_network(first, (w1, b1), diagnoses)
        except Failed as e:
            e.title = one_epoch
            raise
    new = _library_epoch(w1, b1, data, ETA)
    _expect_network(new, (w2, b2), [((w1, b1), EPOCHS_IGNORED),
                                    (_library_epoch(new[0], new[1], data, ETA), ONE_EPOCH_TOO_MANY)])


def _expect_network(expected, got, diagnoses):
    """Fail unless the (weights, biases) got are the expected ones; ``diagnoses``: (wrong
    (weights, biases), hint) pairs. The biases first: fewer numbers to show."""
    for i in (1, 0):
        expect_close(expected[i], got[i], tol=1e-9, hint=EPOCH_HINT,
                     diagnoses=[(wrong[i], hint) for wrong, hint in diagnoses])


def check_learn(checker, f):
    data = tiny_data()
    what = "learn(%d small examples, %s, 2 epochs, m=7, eta=3.0" % (len(data), TINY_SIZES)
    w, b = _learn(checker, f, data, TINY_SIZES, 2, 7, 3)
    if [w, b] != list(_learn(checker, f, data, TINY_SIZES, 2, 7, 3)):
        raise Failed("the same weights and biases from the same seed, bit for bit",
                     "different ones from two calls with seed 3", SAME_SEED,
                     public_got="different ones from two calls with the same seed")
    yield "%s, seed=3) twice gives the same network, bit for bit" % what
    if [w, b] == list(_learn(checker, f, data, TINY_SIZES, 2, 7, 4)):
        raise Failed("another network from another seed", "the same network from seeds 3 and 4",
                     IGNORES_SEED, public_got="the same network from two seeds")
    yield "%s, seed=4) gives another network than seed 3" % what

    _epochs_case(checker, f, data, TINY_SIZES, len(data) + 10, 3)
    yield ("learn(%d small examples, %s, m=%d: one batch of all of them): each epoch is one "
           "more update_mini_batch step" % (len(data), TINY_SIZES, len(data) + 10))
    with checker.hidden() as title:
        _epochs_case(checker, f, data, HIDDEN_SIZES, len(data), 6)
    yield title

    training = checker.examples("train", LEARN_TRAINING)
    validation = checker.examples("validation", LEARN_VALIDATION)
    weights, biases = _parameters(checker.call(f, training, [784, 30, 10], 1, 10, ETA, 1),
                                  [784, 30, 10])
    try:
        net = Network.from_parameters(weights, biases)
        result = evaluate(net, validation)
    except Exception as e:
        raise Failed("weights shaped [(30, 784), (10, 30)], biases [30, 10]",
                     "parameters the library cannot use (%s)" % e, SHAPES_HINT) from None
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
