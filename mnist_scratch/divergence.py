"""Knowing when training has broken down: TrainingDiverged and the check after each epoch.

A learning rate that is far too large does not just learn slowly: the steps
overshoot, the weights grow without bound, and the network either turns
into NaN and infinity or (sigmoid outputs with the quadratic cost) gets
stuck with every output at 0 or 1, where no gradient is left to get it
out. ``training.sgd`` checks for both after every epoch (and for a cost
that is no longer a number after every mini-batch), and stops with a
message that says what to do: a smaller eta.
"""

import math

from .costs import QuadraticCost
from .linalg import argmax

__all__ = ["TrainingDiverged", "check_not_diverged", "SATURATED", "STUCK_SAMPLE"]


class TrainingDiverged(ArithmeticError):
    """Training broke down because the learning rate is too large for this network.

    Either the cost or a weight became NaN or infinite, or (the usual way for
    sigmoid outputs with the quadratic cost) the steps drove the weighted
    inputs so far from zero that every output neuron is stuck at 0 or 1: then
    sigma'(z) = 0, every gradient is 0 (BP1), and the network can never learn
    again.
    """


# An output within this distance of 0 or 1 is saturated: sigma'(z) < 1e-4, |z| > 9.2.
SATURATED = 1e-4
# After every epoch, the check for a stuck network looks at this many training examples.
STUCK_SAMPLE = 100


def _saturated(network, examples):
    """If every output neuron is saturated (within SATURATED of 0 or 1) on every one
    of ``examples``: (how many it gets right, whether every output is exactly 0 or 1).
    Otherwise None (found at the first output that is not saturated)."""
    correct = 0
    exact = True
    for x, label, nonzero in examples:
        output = network.forward(x, nonzero)[1][-1]
        for a in output:
            if SATURATED < a < 1.0 - SATURATED:
                return None
            exact = exact and a in (0.0, 1.0)
        correct += argmax(output) == label
    return correct, exact


def check_not_diverged(network, sample, epoch, eta):
    """Raise TrainingDiverged if, after this epoch, the network cannot learn any more.

    Two ways: a weight or bias is no longer a finite number, or (for the
    quadratic cost) every output neuron is stuck at 0 or 1 on every example of
    ``sample`` while some are wrong: sigma'(z) = 0 there, so the gradient
    vanished and no number of further epochs can help. "Stuck" means within
    SATURATED of 0 or 1 with most examples wrong, or exactly 0 or 1 (sigma'(z)
    exactly 0: not one weight can move) with any example wrong. A network that
    learned its examples may be saturated too, but then it gets them right.
    (The cross-entropy and log-likelihood costs have delta^L = a - y, which
    does not vanish when the outputs saturate: those networks are never stuck
    this way.) The sample is measured now, after the epoch, so a run on a
    handful of examples is judged as soundly as a long one; for a healthy
    network the first output that is not saturated ends the check, after one
    forward pass.
    """
    rows = network.biases + [row for w in network.weights for row in w]
    if not all(math.isfinite(sum(row)) for row in rows):  # a NaN or inf makes the sum NaN or inf
        raise TrainingDiverged(
            "after epoch %d the weights are no longer finite numbers: eta = %g is too large for "
            "this network; try a smaller learning rate (e.g. %g)" % (epoch, eta, eta / 10))
    if network.cost is not QuadraticCost:
        return
    saturated = _saturated(network, sample)
    if saturated is None:
        return
    correct, exact = saturated
    if 2 * correct < len(sample) or (exact and correct < len(sample)):
        raise TrainingDiverged(
            "after epoch %d every output neuron is stuck at 0 or 1 and the network gets only %d "
            "of the first %d training examples right: eta = %g is too large for this network, "
            "so the gradient vanished; try a smaller learning rate (e.g. %g)"
            % (epoch, correct, len(sample), eta, eta / 10))
