"""Mini-batch stochastic gradient descent, and measuring a network.

The algorithm (Nielsen, chapter 1): for each epoch, shuffle the training data,
cut it into mini-batches of m examples, and for each mini-batch move every
weight and bias a step against the gradient averaged over the batch:

    w -> w - (eta / m) sum_x dC_x/dw        b -> b - (eta / m) sum_x dC_x/db

``sgd`` returns a History of what happened (per epoch and per mini-batch) and
calls optional callbacks, so a progress bar, a plot or a GIF recorder can
watch training without this module printing anything or knowing about them.

Every random choice (the shuffles) comes from one ``random.Random(seed)``:
the same network, data and seed give the same result bit for bit.
"""

import gzip
import json
import math
import os
import random
import time
from itertools import compress

from .fileio import atomic_write_bytes, atomic_write_text, read_bytes
from .linalg import argmax, one_hot, zeros, zeros_matrix
from .network import quadratic_cost

__all__ = ["sgd", "update_mini_batch", "mini_batches", "evaluate", "Evaluation", "History",
           "TrainingDiverged"]


class TrainingDiverged(ArithmeticError):
    """Training broke down because the learning rate is too large for this network.

    Either the cost became NaN or infinite, or (the usual way for sigmoid
    neurons) the steps drove the weighted inputs so far from zero that every
    output neuron is stuck at 0 or 1: then sigma'(z) = 0, every gradient is 0
    (BP1), and the network can never learn again.
    """


# An output within this distance of 0 or 1 is saturated: sigma'(z) < 1e-4, |z| > 9.2.
SATURATED = 1e-4


def saturated(network, examples):
    """True if every output neuron is saturated (within SATURATED of 0 or 1) on every example."""
    for x, _ in examples:
        for a in network.feedforward(x):
            if SATURATED < a < 1.0 - SATURATED:
                return False
    return True


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
    """Accuracy and mean cost of ``network`` on ``data``, a list of (x, label)."""
    n_out = network.sizes[-1]
    targets = [one_hot(label, n_out) for label in range(n_out)]
    correct = 0
    total_cost = 0.0
    predictions = []
    for x, label in data:
        output = network.feedforward(x)
        guess = argmax(output)
        predictions.append(guess)
        correct += guess == label
        total_cost += quadratic_cost(output, targets[label])
    n = len(data)
    return Evaluation(correct, n, total_cost / n if n else 0.0, predictions)


def mini_batches(training_data, mini_batch_size, rng):
    """Shuffle a copy of ``training_data`` with ``rng`` and cut it into mini-batches.

    The last mini-batch is smaller when the data does not divide evenly; every
    example is used exactly once per epoch.
    """
    if mini_batch_size < 1:
        raise ValueError("mini_batch_size must be at least 1, got %r" % (mini_batch_size,))
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
    """
    n_out = network.sizes[-1]
    if targets is None:
        targets = [one_hot(label, n_out) for label in range(n_out)]
    # Sum the gradients of the examples of the batch: backprop adds into these.
    nabla_b = [zeros(len(b)) for b in network.biases]
    nabla_w = [zeros_matrix(len(w), len(w[0])) for w in network.weights]
    # used[i]: the inputs of layer i that were nonzero for some example. By BP4
    # only their weights get a gradient, so only their columns need updating.
    used = [set() for _ in network.weights]
    trace = {}
    cost = 0.0
    correct = 0
    for x, label in mini_batch:
        y = targets[label]
        network.backprop(x, y, nabla_b, nabla_w, trace=trace)
        activations = trace["activations"]
        for columns, a in zip(used, activations):
            columns.update(compress(range(len(a)), a))
        output = activations[-1]
        cost += quadratic_cost(output, y)
        correct += argmax(output) == label
    # The step: w -> w - (eta/m) nabla_w, b -> b - (eta/m) nabla_b.
    step = eta / len(mini_batch)
    new_weights = []
    for w, nw, columns in zip(network.weights, nabla_w, used):
        columns = sorted(columns)
        new_w = []
        for w_row, nw_row in zip(w, nw):
            # A new row, never a change in place: earlier references to the weights
            # (a GIF's snapshots) must keep their values. Columns no example of the
            # batch used have a zero gradient, so only the used ones are updated.
            new_row = w_row[:]
            for k in columns:
                new_row[k] -= step * nw_row[k]
            new_w.append(new_row)
        new_weights.append(new_w)
    network.weights = new_weights
    network.biases = [[b_j - step * nb_j for b_j, nb_j in zip(b, nb)]
                      for b, nb in zip(network.biases, nabla_b)]
    return cost, correct


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _history_problem(data):
    """What is wrong with a loaded history dict, in a few words; None if nothing."""
    if not isinstance(data, dict):
        return "the JSON is a %s, not an object" % type(data).__name__
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        return '"settings" is not an object'
    if "training_examples" in settings and not (_is_number(settings["training_examples"])
                                                and settings["training_examples"] > 0):
        return '"training_examples" in "settings" is not a positive number'
    epochs = data.get("epochs")
    if not isinstance(epochs, list):
        return 'no list of "epochs"'
    for i, record in enumerate(epochs):
        if not isinstance(record, dict):
            return "epoch record %d is not an object" % (i + 1)
        for key in ("epoch", "examples_seen", "train_cost", "train_accuracy"):
            if not _is_number(record.get(key)):
                return 'epoch record %d has no number "%s"' % (i + 1, key)
        for key in ("seconds", "evaluation_cost", "evaluation_accuracy",
                    "evaluation_correct", "evaluation_total"):
            if key in record and not _is_number(record[key]):
                return 'epoch record %d: "%s" is not a number' % (i + 1, key)
    lengths = set()
    for key in ("batch_examples", "batch_cost", "batch_accuracy"):
        values = data.get(key, [])
        if not isinstance(values, list) or not all(_is_number(v) for v in values):
            return '"%s" is not a list of numbers' % key
        lengths.add(len(values))
    if len(lengths) > 1:
        return "the per-mini-batch lists have different lengths"
    return None


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
        return {"settings": self.settings, "epochs": self.epochs,
                "batch_examples": self.batch_examples, "batch_cost": self.batch_cost,
                "batch_accuracy": self.batch_accuracy}

    @classmethod
    def from_dict(cls, data):
        history = cls(data.get("settings"))
        history.epochs = list(data.get("epochs", []))
        history.batch_examples = list(data.get("batch_examples", []))
        history.batch_cost = list(data.get("batch_cost", []))
        history.batch_accuracy = list(data.get("batch_accuracy", []))
        return history

    def save(self, path):
        """Save as JSON, atomically; gzipped if the name ends in ".gz"."""
        text = json.dumps(self.to_dict()) + "\n"
        if os.fspath(path).endswith(".gz"):
            atomic_write_bytes(path, gzip.compress(text.encode("utf-8"), mtime=0))
        else:
            atomic_write_text(path, text)

    @classmethod
    def load(cls, path):
        """Load a history saved by ``save`` (plain or gzipped JSON).

        Raises:
            FileNotFoundError: no such file (the message names it).
            ValueError: not a history file (the message names it).
        """
        path = os.fspath(path)
        raw = read_bytes(path, "history file")
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError as e:  # not UTF-8, or not JSON
            raise ValueError("%s: not a training history (%s)" % (path, e)) from None
        problem = _history_problem(data)
        if problem:
            raise ValueError("%s: not a training history (%s)" % (path, problem))
        return cls.from_dict(data)

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
        TrainingDiverged: the cost became NaN or infinite, or after an epoch the
            network is at chance level with every output stuck at 0 or 1 on the
            last mini-batch (eta far too large either way).
        ValueError: bad arguments (no data, epochs < 0, mini_batch_size < 1,
            eta not a positive finite number, inputs of the wrong size).
    """
    if not training_data:
        raise ValueError("no training data")
    if epochs < 0:
        raise ValueError("epochs must be at least 0, got %r" % (epochs,))
    if mini_batch_size < 1:
        raise ValueError("mini_batch_size must be at least 1, got %r" % (mini_batch_size,))
    if not (isinstance(eta, (int, float)) and math.isfinite(eta) and eta > 0):
        raise ValueError("eta must be a positive number, got %r" % (eta,))
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    n = len(training_data)
    n_out = network.sizes[-1]
    targets = [one_hot(label, n_out) for label in range(n_out)]
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
        for b, batch in enumerate(mini_batches(training_data, mini_batch_size, rng), 1):
            cost, correct = update_mini_batch(network, batch, eta, targets)
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
        # A network at chance level whose outputs are all stuck at 0 or 1 has a
        # zero gradient everywhere: no number of further epochs can help it.
        # (Checked on the epoch's last mini-batch, which is cheap and enough.)
        # (Only with enough examples for "chance level" to mean something: the
        # accuracy is counted before each step, so a tiny run can look stuck.)
        if (n >= 10 * n_out and record["train_accuracy"] <= 2.0 / n_out
                and saturated(network, batch)):
            raise TrainingDiverged(
                "after epoch %d every output neuron is stuck at 0 or 1 and the training accuracy "
                "is %.1f%% (chance level): eta = %g is too large for this network, so the "
                "gradient vanished; try a smaller learning rate (e.g. %g)"
                % (epoch, 100 * record["train_accuracy"], eta, eta / 10))
        if evaluation_data:
            result = evaluate(network, evaluation_data)
            record.update({"evaluation_cost": result.cost, "evaluation_accuracy": result.accuracy,
                           "evaluation_correct": result.correct,
                           "evaluation_total": result.total})
        history.epochs.append(record)
        if on_epoch is not None:
            on_epoch(record, network)
    return history
