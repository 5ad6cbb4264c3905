"""Checks of step 9: L2 regularisation as weight decay (the book's chapter 3).

The student adds L2 regularisation to step 5's ``update_mini_batch``. The
regularised cost is C = C_0 + (lmbda / 2n) sum_w w^2, n the number of
training examples (all of them, not the mini-batch's m), and its gradient
step is

    w -> (1 - eta lmbda / n) w - (eta / m) sum_x nabla_w C_x
    b -> b - (eta / m) sum_x nabla_b C_x            (biases are not regularised)

The check compares one step on 10 real training images with the library's
``training.update_mini_batch(..., lmbda=..., n=...)`` (quadratic cost, as the
student's own backprop of step 4), and recognises the typical mistakes by
building each wrong step from the right one.
"""

import copy

from ..network import Network
from ..training import update_mini_batch
from .compare import expect_close, expect_pair

TITLE = "L2 regularisation: weight decay"

SIZES, SEED, ETA, LMBDA, N = [784, 16, 10], 9, 3.0, 5.0, 1000

BIASES_DECAYED = ("Only the weights decay: b -> b - (eta/m) sum nabla_b, with no (1 - eta lmbda "
                  "/ n) factor. The L2 term (lmbda / 2n) sum w^2 has no biases in it, so their "
                  "gradient is unchanged.")
M_FOR_N = ("The decay uses n, the size of the WHOLE training set (the argument n), not m = "
           "len(mini_batch): the L2 term is (lmbda / 2n) sum w^2, so each step shrinks the "
           "weights by 1 - eta lmbda / n.")
DECAY_SIGN = ("Your weights grew instead of shrinking: the derivative of (lmbda / 2n) w^2 is "
              "+(lmbda / n) w and the step goes against it, so w -> (1 - eta lmbda / n) w - "
              "(eta / m) sum nabla_w, with a minus.")
NO_DECAY = ("Your step has no weight decay: it is step 5's step. Multiply every weight by "
            "(1 - eta lmbda / n) before subtracting (eta / m) sum nabla_w.")
DECAY_AFTER = ("The factor (1 - eta lmbda / n) multiplies the old weights only: w -> (1 - eta "
               "lmbda / n) w - (eta / m) sum nabla_w, not (1 - eta lmbda / n)(w - (eta / m) "
               "sum nabla_w).")
STEP_HINT = ("One step: w -> (1 - eta lmbda / n) w - (eta / m) sum nabla_w and b -> b - (eta / "
             "m) sum nabla_b, the sums over the mini-batch of backprop's gradients with y = "
             "one_hot(label).")


def _map_w(f, *matrices_lists):
    """f applied entry by entry to lists of matrices of the same shapes."""
    return [[[f(*values) for values in zip(*rows)] for rows in zip(*layers)]
            for layers in zip(*matrices_lists)]


def _map_b(f, *vector_lists):
    return [[f(*values) for values in zip(*vectors)] for vectors in zip(*vector_lists)]


def _library_step(batch, lmbda):
    """The parameters before the step, after a plain step and after the L2 step."""
    net = Network(SIZES, seed=SEED)
    weights, biases = copy.deepcopy(net.weights), copy.deepcopy(net.biases)
    plain = Network.from_parameters(copy.deepcopy(weights), copy.deepcopy(biases))
    update_mini_batch(plain, batch, ETA)
    update_mini_batch(net, batch, ETA, lmbda=lmbda, n=N)
    return weights, biases, (plain.weights, plain.biases), (net.weights, net.biases)


def check_update_mini_batch_l2(checker, f):
    batch = checker.examples("train", 10)
    m = len(batch)
    weights, biases, (plain_w, plain_b), (new_w, new_b) = _library_step(batch, LMBDA)
    got = checker.call(f, copy.deepcopy(weights), copy.deepcopy(biases), batch, ETA, LMBDA, N)
    got_w, got_b = expect_pair(got, "(weights, biases) after the step",
                               "Return the new parameters: return weights, biases.")
    decay = 1 - ETA * LMBDA / N
    # The plain step is w - g, so g = w - plain_w; each mistake is then one formula.
    wrong_w = [(plain_w, NO_DECAY),
               (_map_w(lambda w, p: (1 - ETA * LMBDA / m) * w - (w - p), weights, plain_w), M_FOR_N),
               (_map_w(lambda w, p: (2 - decay) * w - (w - p), weights, plain_w), DECAY_SIGN),
               (_map_w(lambda p: decay * p, plain_w), DECAY_AFTER)]
    expect_close(new_b, got_b, tol=1e-9, hint=STEP_HINT,
                 diagnoses=[(_map_b(lambda b, p: decay * b - (b - p), biases, plain_b),
                             BIASES_DECAYED)])
    expect_close(new_w, got_w, tol=1e-9, hint=STEP_HINT, diagnoses=wrong_w)
    yield ("update_mini_batch_l2(a %s network, 10 training images, eta %g, lmbda %g, n %d) "
           "matches the library's step" % (SIZES, ETA, LMBDA, N))

    got = checker.call(f, copy.deepcopy(weights), copy.deepcopy(biases), batch, ETA, 0.0, N)
    got_w, got_b = expect_pair(got, "(weights, biases) after the step",
                               "Return the new parameters: return weights, biases.")
    hint = "With lmbda = 0 there is no decay: the step is step 5's update_mini_batch."
    expect_close(plain_b, got_b, tol=1e-9, hint=hint)
    expect_close(plain_w, got_w, tol=1e-9, hint=hint)
    yield "update_mini_batch_l2(..., lmbda 0, ...) is the plain step of step 5"


# function -> its checks, in the order of the template
CHECKS = {"update_mini_batch_l2": check_update_mini_batch_l2}

# function -> the hint for a failure whose check gave none (e.g. an exception)
HINTS = {"update_mini_batch_l2": STEP_HINT}
