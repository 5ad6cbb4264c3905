"""Checks of step 3: a single-layer network (predict, cost, accuracy, one gradient step).

The student's single-layer network is one weight matrix and one bias vector:
the book's w^2 and b^2 (layer 1 is the input, layer 2 the output), which the
library keeps as ``weights[0]`` and ``biases[0]``. The checks compare with
the library's Network on real MNIST images.
"""

import copy
import math

from ..network import Network
from ..training import evaluate, update_mini_batch
from .compare import Failed, expect_close, expect_pair, short
from .step2 import cases, hidden_cases

TITLE = "a single-layer network: predict, cost, accuracy, one gradient step"


OVERFLOW_NEGATIVE = ("math.exp(-z) overflows for z below about -709: math.exp(1000) is too "
                     "big for a float, so 1 / (1 + math.exp(-z)) raises OverflowError at z = "
                     "-1000. For negative z use the equal form e^z / (1 + e^z) (multiply top "
                     "and bottom by e^z): then math.exp only ever sees z <= 0.")
OVERFLOW_POSITIVE = ("math.exp(z) overflows for z above about 709, so e^z / (1 + e^z) raises "
                     "OverflowError at z = 1000. Use that form for negative z only, and "
                     "1 / (1 + e^(-z)) for z >= 0: then math.exp only ever sees numbers <= 0.")


def _sigmoid_far_out(checker, f, z, expected, overflow_hint):
    try:
        got = checker.call(f, z)
    except Failed as e:
        if e.error == "OverflowError":
            e.hint = overflow_hint
        raise
    expect_close(expected, got, hint="sigma(%g) is %g (to double precision)." % (z, expected))
    return "sigmoid(%r) == %r without an OverflowError" % (z, expected)


def check_sigmoid(checker, f):
    yield from cases(checker, f, "sigmoid", [((0,), 0.5), ((2.0,), 1 / (1 + math.exp(-2.0))),
                                             ((-1.0,), 1 / (1 + math.exp(1.0)))],
                     "sigma(z) = 1 / (1 + e^(-z)); use math.exp.")
    yield _sigmoid_far_out(checker, f, -1000.0, 0.0, OVERFLOW_NEGATIVE)
    yield _sigmoid_far_out(checker, f, 1000.0, 1.0, OVERFLOW_POSITIVE)


def check_mean_square_error(checker, f):
    return cases(checker, f, "mean_square_error", [(([1, 2, 3], [1, 2, 5]), 4 / 3),
                                                   (([0.0, 0.0], [3.0, 4.0]), 12.5)],
                 "The mean of the squared differences: sum((u[i] - v[i])**2) / len(u).",
                 lambda u, v: [(sum((a - b) ** 2 for a, b in zip(u, v)),
                                "You returned the sum; divide by the number of entries.")])


ARGMAX_HINT = ("Return the INDEX of the largest entry (the first one if there is a tie), "
               "not the entry itself.")
TIE = ("On a tie return the FIRST index of the largest entry: compare with >, not >=, so a "
       "later entry that is only equal does not replace it.")
MISSES_LAST = ("The largest entry is the LAST one, and your answer is the index of the largest "
               "of the others: your loop stops one entry early. range(len(v)) visits every "
               "index; range(len(v) - 1) misses the last one.")
BEST_FROM_ZERO = ("Every entry is negative here, and your answer is where you started: did you "
                  "start the best value at 0? No entry beats 0 when all are below it. Start "
                  "from the first entry instead: best = 0 (an index), then compare v[i] > "
                  "v[best].")
RETURNED_ENTRY = "You returned the largest entry itself; return its INDEX."
BY_SIZE = ("You picked the entry furthest from 0 (abs); argmax wants the largest value, and "
           "-5 is smaller than 1.")

# Cases you could work out by hand: the largest entry last, every entry negative.
ARGMAX_CASES = [(([6, 2, 7, 10, 5],), 3), (([1, 3, 3],), 1), (([-2.5],), 0),
                (([2, 7, 1, 8],), 3), (([-2.0, -0.5, -3.0],), 1)]
# A network's ten outputs, three of them within 0.002 of each other (the largest
# the last); twelve negative entries whose largest comes twice.
HIDDEN_ARGMAX = [(([0.0412, 0.912, 0.0089, 0.9134, 0.3305, 0.0007, 0.1216, 0.0551, 0.2718,
                    0.9138],), 9),
                 (([-4.5, -0.75, -3.0, -9.25, -1.5, -6.0, -2.25, -0.5, -8.0, -0.5, -7.75,
                    -1.0],), 7)]


def _argmax_diagnoses(v):
    """(wrong answer, hint) for the argmax mistakes: the hints never quote v."""
    top = max(v)
    first = v.index(top)
    diagnoses = []
    if v.count(top) > 1:
        diagnoses.append((len(v) - 1 - v[::-1].index(top), TIE))
    if first == len(v) - 1 and len(v) > 1:
        diagnoses.append((v.index(max(v[:-1])), MISSES_LAST))
    if top < 0 and first != 0:
        diagnoses += [(0, BEST_FROM_ZERO), (None, BEST_FROM_ZERO), (-1, BEST_FROM_ZERO)]
    by_size = max(range(len(v)), key=lambda i: abs(v[i]))
    if by_size != first:
        diagnoses.append((by_size, BY_SIZE))
    diagnoses.append((top, RETURNED_ENTRY))
    return diagnoses


def check_argmax(checker, f):
    yield from cases(checker, f, "argmax", ARGMAX_CASES, ARGMAX_HINT, _argmax_diagnoses)
    yield from hidden_cases(checker, f, HIDDEN_ARGMAX, ARGMAX_HINT, _argmax_diagnoses)


def check_one_hot(checker, f):
    for args, expected in (((3,), [0.0] * 3 + [1.0] + [0.0] * 6), ((0, 4), [1.0, 0.0, 0.0, 0.0])):
        got = checker.call(f, *args)
        expect_close(expected, got,
                     hint="one_hot(label, n=10): a list of n zeros with a 1.0 at index label.")
        yield "one_hot%s == %s" % (short(args).replace(",)", ")"), short(expected))


def single_layer():
    """A library [784, 10] network, and copies of its one weight matrix (w^2) and bias vector (b^2)."""
    net = Network([784, 10], seed=1)
    return net, copy.deepcopy(net.weights[0]), copy.deepcopy(net.biases[0])


TRANSPOSED_W = ("weights[j][k] joins input k to output neuron j, so z_j = dot(weights[j], x) + "
                "biases[j]. The weight matrix has one ROW per output neuron.")


def check_feedforward(checker, f):
    w = [[1.0, -1.0], [0.5, 2.0], [0.0, 0.0]]
    b = [0.0, -1.0, 0.5]
    x = [2.0, 1.0]
    z = [1.0, 1.0 + 2.0 - 1.0, 0.5]
    expected = [1 / (1 + math.exp(-v)) for v in z]
    expect_close(expected, checker.call(f, copy.deepcopy(w), list(b), list(x)), tol=1e-9,
                 hint="a = sigmoid(w x + b), entry by entry. " + TRANSPOSED_W,
                 diagnoses=[(z, "You returned z = w x + b; apply the sigmoid to each entry.")])
    yield "feedforward(a 2-input, 3-output network) == sigmoid([1.0, 2.0, 0.5])"

    net, weights, biases = single_layer()
    x, _ = checker.examples("test", 1)[0]
    expect_close(net.feedforward(x), checker.call(f, weights, biases, x), tol=1e-9,
                 hint="a = sigmoid(w x + b) with w of shape 10 x 784. " + TRANSPOSED_W)
    yield "feedforward(a [784, 10] network, first test image) matches the library"


def check_predict(checker, f):
    net, weights, biases = single_layer()
    examples = checker.examples("test", 20)
    expected = [net.predict(x) for x, _ in examples]
    got = [checker.call(f, weights, biases, x) for x, _ in examples]
    expect_close(expected, got, hint="predict returns the digit: argmax(feedforward(...)).")
    yield "predict(a [784, 10] network, 20 test images) matches the library"


def check_evaluate(checker, f):
    net, weights, biases = single_layer()
    examples = checker.examples("test", 30)
    result = evaluate(net, examples)
    cost, accuracy = expect_pair(checker.call(f, weights, biases, examples), "(cost, accuracy)",
                                 "Return both numbers: return cost, accuracy.")
    expect_close(result.accuracy, accuracy,
                 hint="accuracy = (number of examples with predict(...) == label) / len(data), "
                      "a fraction between 0 and 1.",
                 diagnoses=[(result.correct, "You returned the count of correct examples; "
                                             "divide by len(data).")])
    expect_close(result.cost, cost,
                 hint="cost = the mean over the examples of 1/2 ||a - y||^2 with y = one_hot(label).",
                 diagnoses=[(result.cost * 0.2, "You used mean_square_error (the mean over the 10 "
                                                "outputs); the network's cost is 1/2 the SUM of "
                                                "squares, averaged over the examples."),
                            (result.cost * 2, "You left out the 1/2 of C = 1/2 ||a - y||^2."),
                            (result.cost * len(examples), "You returned the sum of the costs; "
                                                           "divide by len(data).")])
    yield "evaluate(a [784, 10] network, 30 test images) == (%.4f, %.4f) as in the library" % (
        result.cost, result.accuracy)


NOTHING_MOVED = ("Nothing moved. Did you write eta // m (or eta // len(mini_batch))? // is "
                 "integer (floor) division: 3.0 // 10 is 0.0, so every step is zero. Write "
                 "eta / m. Otherwise, check that you subtract the step from every weight and "
                 "bias and return the new lists.")


def _library_step(sizes, seed, batch, eta):
    net = Network(sizes, seed=seed)
    weights, biases = copy.deepcopy(net.weights), copy.deepcopy(net.biases)
    update_mini_batch(net, batch, eta)
    return weights, biases, net.weights, net.biases


def _batch_cost(weights, biases, batch):
    return evaluate(Network.from_parameters(weights, biases), batch).cost


def check_gradient_step(checker, f, name, sizes, seed, single_layer=False):
    """One step of gradient descent on 10 training images against the library's.

    Used by step 3 (``update``, one matrix and one vector) and step 5
    (``update_mini_batch``, lists of them).
    """
    batch = checker.examples("train", 10)
    eta = 3.0
    weights, biases, new_w, new_b = _library_step(sizes, seed, batch, eta)
    if single_layer:  # the student's step 3 network is one matrix and one vector
        got = checker.call(f, copy.deepcopy(weights[0]), copy.deepcopy(biases[0]), batch, eta)
    else:
        got = checker.call(f, copy.deepcopy(weights), copy.deepcopy(biases), batch, eta)
    got_w, got_b = expect_pair(got, "(weights, biases) after the step",
                               "Return the new parameters: return weights, biases.")
    if single_layer:
        got_w, got_b = [got_w], [got_b]
    sign_hint = None
    try:
        before = _batch_cost(weights, biases, batch)
        after = _batch_cost(got_w, got_b, batch)
        if after > before:
            sign_hint = ("The cost on this mini-batch went UP after your step (%.4f -> %.4f): "
                         "step against the gradient, w - (eta/m) nabla_w, and check the sign of "
                         "the error a - y." % (before, after))
    except Exception:  # parameters of the wrong shape: the comparison below says so
        pass
    if got_w == weights and got_b == biases:
        raise Failed("the weights and biases moved by one step", "nothing moved: the weights "
                     "and biases you returned are exactly the ones you were given",
                     NOTHING_MOVED)
    m = len(batch)
    # Forgetting to divide by m makes the step m times too big: w + m (new_w - w).
    undivided_w = [[[wv + (nv - wv) * m for wv, nv in zip(rw, rn)] for rw, rn in zip(lw, ln)]
                   for lw, ln in zip(weights, new_w)]
    undivided_b = [[b0 + (b1 - b0) * m for b0, b1 in zip(lb0, lb1)]
                   for lb0, lb1 in zip(biases, new_b)]
    too_big = ("Your step is m times too big: divide eta by the mini-batch size m (the gradient "
               "is the MEAN over the batch).")
    hint = sign_hint or ("One step: w -> w - (eta/m) * sum over the batch of nabla_w, the same "
                         "for b; for each example nabla_b = delta and nabla_w[j][k] = delta[j] * "
                         "x[k], with delta = (a - y) * a * (1 - a).")
    expect_close(new_b, got_b, tol=1e-9, hint=hint, diagnoses=[(undivided_b, too_big)])
    expect_close(new_w, got_w, tol=1e-9, hint=hint, diagnoses=[(undivided_w, too_big)])
    yield "%s(a %s network, 10 training images, eta 3.0) matches the library's step" % (
        name, sizes)


def check_update(checker, f):
    return check_gradient_step(checker, f, "update", [784, 10], seed=2, single_layer=True)


# function -> its checks, in the order of the template
CHECKS = {
    "sigmoid": check_sigmoid, "mean_square_error": check_mean_square_error,
    "argmax": check_argmax, "one_hot": check_one_hot, "feedforward": check_feedforward,
    "predict": check_predict, "evaluate": check_evaluate, "update": check_update,
}

HINTS = {}
