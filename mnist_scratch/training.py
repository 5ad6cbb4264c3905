"""Mini-batch stochastic gradient descent, and measuring a network.

The algorithm (Nielsen, chapter 1): for each epoch, shuffle the training data,
cut it into mini-batches of m examples, and for each mini-batch move every
weight and bias a step against the gradient averaged over the batch:

    w -> w - (eta / m) sum_x dC_x/dw        b -> b - (eta / m) sum_x dC_x/db

``sgd`` returns a History of what happened (per epoch and per mini-batch) and
calls optional callbacks, so a progress bar, a plot or a GIF recorder can
watch training without this module printing anything or knowing about them.

Every random choice (the shuffles) comes from one ``random.Random(seed)``:
the same network, data and seed give the same result bit for bit (on the
same Python: see network.py on the sums of CPython 3.12+).

``sgd`` checks all its examples once, before the first step, and names the
first bad one ("training example 17: pixel 300 is nan"). The same pass finds
the nonzero pixels of each image, which the forward pass and BP4 visit every
epoch: inside ``sgd`` an example travels as ``(x, label, nonzero)``; outside,
it is always ``(x, label)``.
"""

import math
import random
import time

from . import formats
from .linalg import argmax, one_hot
from .network import check_input, nonzero_indices, quadratic_cost

__all__ = ["sgd", "update_mini_batch", "mini_batches", "evaluate", "check_examples",
           "Evaluation", "History", "TrainingDiverged"]


class TrainingDiverged(ArithmeticError):
    """Training broke down because the learning rate is too large for this network.

    Either the cost or a weight became NaN or infinite, or (the usual way for
    sigmoid neurons) the steps drove the weighted inputs so far from zero that
    every output neuron is stuck at 0 or 1: then sigma'(z) = 0, every gradient
    is 0 (BP1), and the network can never learn again.
    """


# An output within this distance of 0 or 1 is saturated: sigma'(z) < 1e-4, |z| > 9.2.
SATURATED = 1e-4
# After every epoch, the check for a stuck network looks at this many training examples.
STUCK_SAMPLE = 100


def check_examples(data, n_in, n_out, what="example"):
    """Check every example once, and find the nonzero pixels of each image.

    Args:
        data: list of (x, label): x a list of n_in numbers, label an int.
        n_in, n_out: the network's numbers of inputs and outputs.
        what: how the messages name an example ("training example").

    Returns:
        list of (x, label, nonzero), nonzero being the indices of x's nonzero
        pixels: the only ones the first layer visits (see network.py). sgd
        finds them here once, not once per epoch.

    Raises:
        ValueError: naming the first bad example by its index in ``data`` and
            the problem, e.g. "training example 17: pixel 300 is nan" or
            "training example 3: label 10 is not in 0..9".
    """
    positions = list(range(n_in))  # shared by all the lists of nonzero pixels (see nonzero_indices)
    checked = []
    for i, example in enumerate(data):
        try:
            x, label = example
        except (TypeError, ValueError):
            raise ValueError("%s %d is not a pair (x, label)" % (what, i)) from None
        if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < n_out:
            raise ValueError("%s %d: label %.40r is not in 0..%d" % (what, i, label, n_out - 1))
        check_input(x, n_in, "%s %d" % (what, i))
        checked.append((x, label, nonzero_indices(x, positions)))
    return checked


def check_whole_number(value, name, smallest):
    """Raise ValueError unless value is an int (not a bool) of at least ``smallest``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("%s must be a whole number, got %.40r" % (name, value))
    if value < smallest:
        raise ValueError("%s must be at least %d, got %d" % (name, smallest, value))


def check_eta(eta):
    """Raise ValueError unless eta is a positive finite number (not a bool)."""
    try:
        fine = (isinstance(eta, (int, float)) and not isinstance(eta, bool)
                and math.isfinite(eta) and eta > 0)
    except OverflowError:  # an int too large for a float
        fine = False
    if not fine:
        raise ValueError("eta must be a positive number, got %.40r" % (eta,))


class Evaluation:
    """How well a network does on some labelled examples.

    Attributes:
        correct: number of examples whose predicted digit is the label.
        total: number of examples.
        accuracy: correct / total (0.0 for no examples).
        cost: mean quadratic cost 1/2 ||a - y||^2 over the examples.
        predictions: the predicted label of each example, in order.
    """

    def __init__(self, correct, total, cost, predictions):
        self.correct = correct
        self.total = total
        self.accuracy = correct / total if total else 0.0
        self.cost = cost
        self.predictions = predictions

    def __repr__(self):
        return "Evaluation(%d / %d = %.2f%%, cost %.4f)" % (
            self.correct, self.total, 100 * self.accuracy, self.cost)


def evaluate(network, data):
    """Accuracy and mean cost of ``network`` on ``data``, a list of (x, label).

    Raises:
        ValueError: naming the first bad example ("example 3: pixel 5 is nan",
            a label outside 0..n_out-1, an input of the wrong length).
    """
    return _evaluate(network, check_examples(data, network.sizes[0], network.sizes[-1]))


def _evaluate(network, examples):
    """``evaluate`` on checked examples, (x, label, nonzero) as made by check_examples."""
    targets = one_hots(network.sizes[-1])
    correct = 0
    total_cost = 0.0
    predictions = []
    for x, label, nonzero in examples:
        output = network.forward(x, nonzero)[1][-1]
        guess = argmax(output)
        predictions.append(guess)
        correct += guess == label
        total_cost += quadratic_cost(output, targets[label])
    n = len(examples)
    return Evaluation(correct, n, total_cost / n if n else 0.0, predictions)


def one_hots(n_out):
    """The target vector y of every label: one_hots(n)[label] == one_hot(label, n)."""
    return [one_hot(label, n_out) for label in range(n_out)]


def mini_batches(training_data, mini_batch_size, rng):
    """Shuffle a copy of ``training_data`` with ``rng`` and cut it into mini-batches.

    The last mini-batch is smaller when the data does not divide evenly; every
    example is used exactly once per epoch.
    """
    check_whole_number(mini_batch_size, "mini_batch_size", 1)
    shuffled = list(training_data)
    rng.shuffle(shuffled)
    return [shuffled[k:k + mini_batch_size] for k in range(0, len(shuffled), mini_batch_size)]


def update_mini_batch(network, mini_batch, eta, targets=None):
    """One step of gradient descent on one mini-batch.

    Args:
        network: the Network to train; its ``weights`` and ``biases`` are
            replaced by new lists (never changed in place).
        mini_batch: list of (x, label).
        eta: the learning rate.
        targets: optional list of one-hot vectors by label (made if not given).

    Returns:
        (cost, correct): the summed cost and the number of correct predictions
        on this mini-batch, measured during the forward passes (before the step).

    Raises:
        ValueError: an empty mini-batch, a bad eta, or a bad example (named).
    """
    check_eta(eta)
    if not mini_batch:
        raise ValueError("empty mini-batch")
    examples = check_examples(mini_batch, network.sizes[0], network.sizes[-1],
                              "mini-batch example")
    return _step(network, examples, eta, targets or one_hots(network.sizes[-1]))


def _step(network, examples, eta, targets):
    """``update_mini_batch`` on checked examples, (x, label, nonzero) as made by check_examples.

    The step w -> w - (eta/m) sum_x dC_x/dw is taken one example at a time:
    each example's share, (eta/m) dC_x/dw, is subtracted straight from the new
    weights, which is the same step (up to rounding in the last digits) without
    building nabla_w. Every example's gradient is computed at the weights the
    mini-batch started from, as the formula says.
    """
    step = eta / len(examples)
    # New lists, copied: the network's own are never changed, so a reference
    # to them taken earlier (a GIF's snapshot) keeps its values.
    weights = [[row[:] for row in w] for w in network.weights]
    biases = [b[:] for b in network.biases]
    cost = 0.0
    correct = 0
    for x, label, nonzero in examples:
        y = targets[label]
        zs, activations, deltas = network._errors(x, y, nonzero)  # forward pass, BP1, BP2
        output = activations[-1]
        cost += quadratic_cost(output, y)
        correct += argmax(output) == label
        for i, delta in enumerate(deltas):
            w, b, a_prev = weights[i], biases[i], activations[i]
            # BP4 is zero where the input a_k is zero: the first layer visits the image's
            # nonzero pixels only; later layers visit all (an activation is seldom 0).
            inputs = nonzero if i == 0 else range(len(a_prev))
            for j, d in enumerate(delta):
                b[j] -= step * d              # BP3: dC/db^l_j = delta^l_j
                row, step_d = w[j], step * d
                for k in inputs:
                    row[k] -= step_d * a_prev[k]  # BP4: dC/dw^l_jk = a^(l-1)_k delta^l_j
    network.weights, network.biases = weights, biases
    return cost, correct


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


def _check_not_diverged(network, sample, epoch, eta):
    """Raise TrainingDiverged if, after this epoch, the network cannot learn any more.

    Two ways: a weight or bias is no longer a finite number, or every output
    neuron is stuck at 0 or 1 on every example of ``sample`` while some are
    wrong: sigma'(z) = 0 there, so the gradient vanished and no number of
    further epochs can help. "Stuck" means within SATURATED of 0 or 1 with most
    examples wrong, or exactly 0 or 1 (sigma'(z) exactly 0: not one weight can
    move) with any example wrong. A network that learned its examples may be
    saturated too, but then it gets them right. The sample is measured now,
    after the epoch, so a run on a handful of examples is judged as soundly as
    a long one; for a healthy network the first output that is not saturated
    ends the check, after one forward pass.
    """
    rows = network.biases + [row for w in network.weights for row in w]
    if not all(math.isfinite(sum(row)) for row in rows):  # a NaN or inf makes the sum NaN or inf
        raise TrainingDiverged(
            "after epoch %d the weights are no longer finite numbers: eta = %g is too large for "
            "this network; try a smaller learning rate (e.g. %g)" % (epoch, eta, eta / 10))
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


class History:
    """What happened during training, for printing and plotting.

    Attributes:
        epochs: one dict per epoch with keys
            "epoch" (1, 2, ...), "seconds" (training time of that epoch),
            "examples_seen" (total so far), "train_cost" and "train_accuracy"
            (means over the epoch's examples, measured as they were trained),
            and, if evaluation data was given, "evaluation_cost",
            "evaluation_accuracy", "evaluation_correct", "evaluation_total".
        batch_examples, batch_cost, batch_accuracy: one entry per mini-batch:
            examples seen after it, and its mean cost and accuracy.
        settings: the arguments of the run (epochs, mini_batch_size, eta, seed, ...).
    """

    def __init__(self, settings=None):
        self.settings = dict(settings or {})
        self.epochs = []
        self.batch_examples = []
        self.batch_cost = []
        self.batch_accuracy = []

    def to_dict(self):
        """The history as a dict in the documented JSON format (see formats.py)."""
        return formats.history_to_dict(self)

    @classmethod
    def from_dict(cls, data):
        """A History from a dict in that format (not checked: see ``load``)."""
        history = cls(data.get("settings"))
        history.epochs = list(data.get("epochs", []))
        history.batch_examples = list(data.get("batch_examples", []))
        history.batch_cost = list(data.get("batch_cost", []))
        history.batch_accuracy = list(data.get("batch_accuracy", []))
        return history

    def save(self, path):
        """Save as JSON, atomically; gzipped if the name ends in ".gz".

        Raises:
            ValueError: the history holds a NaN or other value that would not load.
            OSError: the file cannot be written (the message names it).
        """
        formats.save_history(self, path)

    @classmethod
    def load(cls, path):
        """Load a history saved by ``save`` (plain or gzipped JSON), checking everything.

        Raises:
            FileNotFoundError: no such file (the message names it).
            ValueError: not a history file (the message names it and the problem).
        """
        return formats.load_history(path, cls)

    def best_epoch(self):
        """The epoch record with the highest evaluation accuracy (the first, on ties), or None."""
        scored = [e for e in self.epochs if "evaluation_accuracy" in e]
        if not scored:
            return None
        return max(scored, key=lambda e: e["evaluation_accuracy"])


def sgd(network, training_data, epochs, mini_batch_size, eta, evaluation_data=None,
        seed=None, on_batch=None, on_epoch=None, history=None):
    """Train ``network`` by mini-batch stochastic gradient descent.

    Args:
        network: a Network; trained in place (its weight lists are replaced).
        training_data: list of (x, label).
        epochs: number of passes over the training data.
        mini_batch_size: m, the number of examples per gradient step.
        eta: the learning rate.
        evaluation_data: optional list of (x, label), evaluated after each epoch
            (validation data while tuning; the test set only for a final figure).
        seed: seed of the shuffles (an int, or a random.Random to draw from).
        on_batch: optional callback ``on_batch(info)`` after every mini-batch;
            ``info`` is a dict with "epoch", "batch" (1-based), "batches"
            (per epoch), "examples_seen", "examples_total" (over all epochs),
            "cost" and "accuracy" of that mini-batch, "seconds" since the start.
        on_epoch: optional callback ``on_epoch(record, network)`` after every
            epoch, with that epoch's History record.
        history: optional History to record into (and return); the caller then
            keeps what was recorded even if training is interrupted.

    Returns:
        History.

    Raises:
        TrainingDiverged: the cost, a weight or a bias became NaN or infinite,
            or after an epoch every output is stuck at 0 or 1 and the network
            is no better than chance (checked on the first STUCK_SAMPLE
            training examples, so also for a run on a handful of examples);
            eta is far too large either way.
        ValueError: bad arguments, checked before any training: no data,
            epochs not a whole number >= 0, mini_batch_size not a whole
            number >= 1, eta not a positive finite number (True is refused),
            or a bad example, named by its index: "training example 17: pixel
            300 is nan", a label outside 0..n_out-1, an input of the wrong size.
    """
    check_whole_number(epochs, "epochs", 0)
    check_whole_number(mini_batch_size, "mini_batch_size", 1)
    check_eta(eta)
    if not training_data:
        raise ValueError("no training data")
    n_in, n_out = network.sizes[0], network.sizes[-1]
    # Every example is checked here, once, before any training: a bad pixel or
    # label is reported at once, not after an hour. The nonzero pixels of each
    # image are found at the same time and reused by every epoch.
    examples = check_examples(training_data, n_in, n_out, "training example")
    held_out = check_examples(evaluation_data or [], n_in, n_out, "evaluation example")
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    n = len(examples)
    targets = one_hots(n_out)
    settings = {"epochs": epochs, "mini_batch_size": mini_batch_size, "eta": eta,
                "training_examples": n, "sizes": list(network.sizes),
                "seed": seed if not isinstance(seed, random.Random) else None}
    if history is None:
        history = History(settings)
    else:
        history.settings.update(settings)
    batches_per_epoch = math.ceil(n / mini_batch_size)
    seen = 0
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        epoch_start = time.perf_counter()
        epoch_cost = 0.0
        epoch_correct = 0
        for b, batch in enumerate(mini_batches(examples, mini_batch_size, rng), 1):
            cost, correct = _step(network, batch, eta, targets)
            if not math.isfinite(cost):
                raise TrainingDiverged(
                    "the cost became %r in epoch %d, mini-batch %d: eta = %g is too large for this "
                    "network; try a smaller learning rate" % (cost, epoch, b, eta))
            seen += len(batch)
            epoch_cost += cost
            epoch_correct += correct
            history.batch_examples.append(seen)
            history.batch_cost.append(cost / len(batch))
            history.batch_accuracy.append(correct / len(batch))
            if on_batch is not None:
                on_batch({"epoch": epoch, "batch": b, "batches": batches_per_epoch,
                          "examples_seen": seen, "examples_total": n * epochs,
                          "cost": cost / len(batch), "accuracy": correct / len(batch),
                          "seconds": time.perf_counter() - start})
        record = {"epoch": epoch, "seconds": time.perf_counter() - epoch_start,
                  "examples_seen": seen, "train_cost": epoch_cost / n,
                  "train_accuracy": epoch_correct / n}
        _check_not_diverged(network, examples[:STUCK_SAMPLE], epoch, eta)
        if held_out:
            result = _evaluate(network, held_out)
            record.update({"evaluation_cost": result.cost, "evaluation_accuracy": result.accuracy,
                           "evaluation_correct": result.correct,
                           "evaluation_total": result.total})
        history.epochs.append(record)
        if on_epoch is not None:
            on_epoch(record, network)
    return history
