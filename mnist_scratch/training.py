"""Mini-batch stochastic gradient descent, with the improvements of chapter 3.

The algorithm (Nielsen, chapter 1): for each epoch, shuffle the training data,
cut it into mini-batches of m examples, and for each mini-batch move every
weight and bias a step against the gradient averaged over the batch:

    w -> w - (eta / m) sum_x dC_x/dw        b -> b - (eta / m) sum_x dC_x/db

Chapter 3 adds, each off unless asked for (see ``sgd``):

- L2 regularisation (``lmbda``): the cost gains (lmbda / 2n) sum w^2, n the
  number of training examples, so each step first shrinks every weight
  (not the biases): w -> (1 - eta lmbda / n) w - (eta / m) sum_x dC_x/dw,
  "weight decay". Small weights make a network less able to learn the noise
  of its training data.
- Momentum (``momentum``, mu): each weight has a velocity v that remembers
  past steps, v -> mu v - (eta / m) sum_x dC_x/dw, then w -> w + v (biases
  too), so steps keep going where the gradient keeps pointing. v is the
  last step itself, w - w_prev (see ``_step``).
- Dropout (``dropout``, p): for each training example, every hidden neuron
  is switched off with probability p; the kept ones are scaled by 1/(1 - p)
  so each layer's expected output is unchanged, and the trained network is
  used as it is, with every neuron.
- Early stopping (``patience``) and a learning-rate schedule (``halvings``):
  when the accuracy on the evaluation (validation) data has not improved for
  ``patience`` epochs, halve eta, up to ``halvings`` times; then stop
  (schedule.py).
- Augmented data (``augment``): each epoch sees a newly distorted copy of
  every training image (see augment.py).

``sgd`` returns a History of what happened (per epoch and per mini-batch) and
calls optional callbacks, so a progress bar, a plot or a GIF recorder can
watch training without this module printing anything or knowing about them.

Every random choice (the shuffles, the dropout masks, the distortions) comes
from one ``random.Random(seed)``: the same network, data and seed give the
same result bit for bit (on the same Python: see sums.py on the sums of
CPython 3.12+).

``sgd`` checks all its examples once, before the first step, and names the
first bad one ("training example 17: pixel 300 is nan"). The same pass finds
the nonzero pixels of each image, which the forward pass and BP4 visit every
epoch: inside ``sgd`` an example travels as ``(x, label, nonzero)``; outside,
it is always ``(x, label)``.
"""

import math
import random
import time

from .checks import (COPIES_WHILE_TRAINING, check_eta, check_examples, check_input, check_number,
                     check_size, check_whole_number)
from .divergence import STUCK_SAMPLE, TrainingDiverged, check_not_diverged
from .history import History
from .linalg import argmax, one_hot
from .schedule import Schedule
from .sums import nonzero_indices, subtract_outer_by_threes

__all__ = ["sgd", "update_mini_batch", "mini_batches", "evaluate", "check_examples",
           "Evaluation", "History", "TrainingDiverged"]


class Evaluation:
    """How well a network does on some labelled examples.

    Attributes:
        correct: number of examples whose predicted digit is the label.
        total: number of examples.
        accuracy: correct / total (0.0 for no examples).
        cost: mean cost C_x over the examples (the network's cost, without any
            regularisation term).
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
    cost_fn = network.cost.fn
    correct = 0
    total_cost = 0.0
    predictions = []
    for x, label, nonzero in examples:
        output = network.forward(x, nonzero)[1][-1]
        guess = argmax(output)
        predictions.append(guess)
        correct += guess == label
        total_cost += cost_fn(output, targets[label])
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


def update_mini_batch(network, mini_batch, eta, targets=None, lmbda=0.0, n=None):
    """One step of gradient descent on one mini-batch.

    Args:
        network: the Network to train; its ``weights`` and ``biases`` are
            replaced by new lists (never changed in place).
        mini_batch: list of (x, label).
        eta: the learning rate.
        targets: optional list of one-hot vectors by label (made if not given).
        lmbda, n: L2 regularisation: the weights decay by (1 - eta lmbda / n),
            n the size of the whole training set (needed if lmbda is not 0).

    Returns:
        (cost, correct): the summed cost and the number of correct predictions
        on this mini-batch, measured during the forward passes (before the step).

    Raises:
        ValueError: an empty mini-batch, a bad eta, lmbda or n, or a bad
            example (named).
    """
    check_eta(eta)
    check_number(lmbda, "lmbda", 0)
    if lmbda:
        check_whole_number(n, "n (the number of training examples, for lmbda)", 1)
    if not mini_batch:
        raise ValueError("empty mini-batch")
    examples = check_examples(mini_batch, network.sizes[0], network.sizes[-1],
                              "mini-batch example")
    decay = 1.0 - eta * lmbda / n if lmbda else 1.0
    return _step(network, examples, eta, targets or one_hots(network.sizes[-1]), decay)


def _step(network, examples, eta, targets, decay=1.0, previous=None, momentum=0.0,
          dropout=0.0, rng=None, in_place=False):
    """``update_mini_batch`` on checked examples, (x, label, nonzero) as made by
    check_examples, with weight decay, momentum and dropout as in ``sgd``.

    First every example's errors are found at the weights the mini-batch
    starts from (``_errors_of``), then the step is taken: each example's share of
    the gradient is subtracted from the weights (``_descend``).

    A plain step (no L2, no momentum) with ``in_place`` changes the network's
    own lists: sgd gives the network new lists at the start of every epoch, so
    a reference taken between epochs stays as it was. Otherwise the step
    builds new lists, and a reference to the old ones (a snapshot, momentum's
    previous weights) keeps its values. The new weights start as the old
    ones w, moved by the parts of the step that do not depend on the
    examples: times ``decay`` = 1 - eta lmbda / n with L2, plus mu v with
    momentum.

    With momentum, the velocity v is the last step the weights took,
    v = w - w_prev, ``previous`` being the pair (weights, biases) before it
    (the network's own lists at the start: v = 0). So v -> mu v - (eta/m)
    sum nabla_w and w -> w + v are one formula, w -> w + mu (w - w_prev) -
    (eta/m) sum nabla_w, and no velocities are stored: the old lists are kept
    instead. With mu = 0 this is plain gradient descent, bit for bit.

    L2 and momentum change every weight at every step, one pass in Python per
    mini-batch, which a larger mini-batch spreads over more examples.

    Returns:
        (cost, correct) of the mini-batch, measured during the forward passes.
    """
    found, cost, correct = _errors_of(network, examples, targets, dropout, rng)
    if previous is None and decay == 1.0 and in_place:
        weights, biases = network.weights, network.biases
    elif previous is None and decay == 1.0:
        weights = [[row[:] for row in w] for w in network.weights]
        biases = [b[:] for b in network.biases]
    elif previous is None:  # L2 weight decay: w -> (1 - eta lmbda / n) w
        weights = [[[decay * v for v in row] for row in w] for w in network.weights]
        biases = [b[:] for b in network.biases]
    else:
        mu = momentum  # v = w - w_prev: w -> (decay) w + mu v
        weights = [[[decay * v + mu * (v - v_prev) for v, v_prev in zip(row, row_prev)]
                    for row, row_prev in zip(w, w_prev)]
                   for w, w_prev in zip(network.weights, previous[0])]
        biases = [[v + mu * (v - v_prev) for v, v_prev in zip(b, b_prev)]
                  for b, b_prev in zip(network.biases, previous[1])]
    _descend(found, weights, biases, eta / len(examples))
    network.weights, network.biases = weights, biases
    return cost, correct


def _errors_of(network, examples, targets, dropout=0.0, rng=None):
    """The forward pass, BP1 and BP2 of every example, at the network's weights.

    With dropout, each example gets fresh masks drawn from ``rng``.

    Returns:
        (found, cost, correct): found is one (activations, deltas, nonzero)
        per example; cost and correct are the mini-batch's, measured during
        the forward passes.
    """
    cost_fn = network.cost.fn
    hidden = network.sizes[1:-1]
    if dropout:
        kept, draw = 1.0 / (1.0 - dropout), rng.random
    found = []
    cost = 0.0
    correct = 0
    for x, label, nonzero in examples:
        y = targets[label]
        masks = None
        if dropout:  # 0 for a dropped neuron, 1/(1-p) for a kept one
            masks = [[0.0 if draw() < dropout else kept for _ in range(n)] for n in hidden]
        zs, activations, deltas = network._errors(x, y, nonzero, masks)  # forward, BP1, BP2
        output = activations[-1]
        cost += cost_fn(output, y)
        correct += argmax(output) == label
        found.append((activations, deltas, nonzero))
    return found, cost, correct


def _descend(found, weights, biases, step):
    """Subtract step * dC_x/dw and step * dC_x/db of every example from the lists
    ``weights`` and ``biases`` (changed in place), step = eta/m.

    ``found`` holds each example's (activations, deltas, nonzero), from
    ``_errors_of``. The sum over the mini-batch is taken one example at a
    time: each example's share is subtracted straight from the lists, which is
    the step of the formula (up to rounding in the last digits) without
    building nabla_w.
    """
    for activations, deltas, nonzero in found:
        for i, delta in enumerate(deltas):
            b, a_prev = biases[i], activations[i]
            steps = [step * d for d in delta]
            for j, step_d in enumerate(steps):
                b[j] -= step_d                 # BP3: dC/db^l_j = delta^l_j
            # BP4: dC/dw^l_jk = a^(l-1)_k delta^l_j, so w^l_jk -= step delta^l_j a^(l-1)_k.
            # It is zero where a_k is zero: the first layer visits the image's nonzero
            # pixels only, later layers their nonzero activations (ReLU, dropout).
            inputs = nonzero if i == 0 else nonzero_indices(a_prev)
            subtract_outer_by_threes(weights[i], steps, a_prev, inputs)  # sums.py


def _augmented(batch, augment, rng, positions):
    """The examples of ``batch`` with their images replaced by augment(x, rng), and the
    nonzero pixels of each new image found (cheaply: one pass over the image)."""
    examples = []
    for x, label, _ in batch:
        new_x = augment(x, rng)
        check_input(new_x, len(positions), "an image made by augment")
        examples.append((new_x, label, nonzero_indices(new_x, positions)))
    return examples


def _describe(augment):
    """How the History records an augment function: its settings() if it has them
    (an augment.Distorter), its repr otherwise; None for no augmentation."""
    if augment is None:
        return None
    if callable(getattr(augment, "settings", None)):
        return dict(augment.settings(), kind=type(augment).__name__)
    return repr(augment)[:200]


def _check_options(network, lmbda, momentum, dropout, patience, halvings, augment,
                   evaluation_data):
    """Raise ValueError for a bad chapter 3 option of ``sgd`` (see there)."""
    check_number(lmbda, "lmbda", 0)
    check_number(momentum, "momentum", 0, 1)
    check_number(dropout, "dropout", 0, 1)
    if dropout and len(network.sizes) < 3:
        raise ValueError("dropout needs a hidden layer; a %r network has none" % (network.sizes,))
    if patience is not None:
        check_whole_number(patience, "patience", 1)
        if not evaluation_data:
            raise ValueError("patience (early stopping) needs evaluation data to watch")
    check_whole_number(halvings, "halvings", 0)
    if halvings and patience is None:
        raise ValueError("halvings (the learning-rate schedule) needs patience: how many "
                         "epochs without improvement before eta is halved")
    if augment is not None and not callable(augment):
        raise ValueError("augment must be a function augment(x, rng) -> new x, got %.40r"
                         % (augment,))
    if momentum:  # the velocities are one more set of numbers as large as the weights
        check_size(network.sizes, copies=COPIES_WHILE_TRAINING + 1)


def sgd(network, training_data, epochs, mini_batch_size, eta, evaluation_data=None,
        seed=None, on_batch=None, on_epoch=None, history=None, lmbda=0.0, momentum=0.0,
        dropout=0.0, patience=None, halvings=0, augment=None):
    """Train ``network`` by mini-batch stochastic gradient descent.

    Args:
        network: a Network, trained in place. It gets new weight and bias lists
            at the start of every epoch (a reference taken before, e.g. in
            on_epoch, keeps its values), which the epoch's plain steps change
            in place; with L2 or momentum every step makes new lists.
        training_data: list of (x, label).
        epochs: number of passes over the training data (at most: early
            stopping may end sooner).
        mini_batch_size: m, the number of examples per gradient step.
        eta: the learning rate (the first one, with ``halvings``).
        evaluation_data: optional list of (x, label), evaluated after each epoch
            (validation data while tuning; the test set only for a final figure).
        seed: seed of the random choices (an int, or a random.Random to draw from).
        on_batch: optional callback ``on_batch(info)`` after every mini-batch;
            ``info`` is a dict with "epoch", "batch" (1-based), "batches"
            (per epoch), "examples_seen", "examples_total" (over all epochs),
            "cost" and "accuracy" of that mini-batch, "seconds" since the start.
        on_epoch: optional callback ``on_epoch(record, network)`` after every
            epoch, with that epoch's History record.
        history: optional History to record into (and return); the caller then
            keeps what was recorded even if training is interrupted.
        lmbda: L2 regularisation (0: none): every step multiplies the weights
            by 1 - eta lmbda / n, n = len(training_data).
        momentum: mu in [0, 1) (0: none): v -> mu v - (eta/m) sum nabla, w -> w + v.
        dropout: p in [0, 1) (0: none): the probability of switching off each
            hidden neuron for one training example (the kept ones scaled by
            1/(1 - p)).
        patience: early stopping (None: none): stop after this many epochs in
            a row without a new best accuracy on ``evaluation_data``.
        halvings: the learning-rate schedule (needs ``patience``): when the
            patience runs out, halve eta and go on, up to this many times;
            the next time, stop.
        augment: None, or a function ``augment(x, rng) -> new x`` (e.g. an
            ``augment.Distorter``), called with sgd's random generator on each
            training image once per epoch, as its mini-batch comes up, so a
            distorted copy of the data set is never held in memory. The
            nonzero pixels of each new image are found again.

    Returns:
        History (``stopped`` says why training ended early, if it did).

    Raises:
        TrainingDiverged: the cost, a weight or a bias became NaN or infinite,
            or (quadratic cost) after an epoch every output is stuck at 0 or 1
            and the network is no better than chance (checked on the first
            STUCK_SAMPLE training examples, so also for a run on a handful of
            examples); eta is far too large either way.
        ValueError: bad arguments, checked before any training: no data,
            epochs not a whole number >= 0, mini_batch_size not a whole
            number >= 1, eta not a positive finite number (True is refused),
            an option out of its range (or patience without evaluation data),
            or a bad example, named by its index: "training example 17: pixel
            300 is nan", a label outside 0..n_out-1, an input of the wrong size.
    """
    check_whole_number(epochs, "epochs", 0)
    check_whole_number(mini_batch_size, "mini_batch_size", 1)
    check_eta(eta)
    if not training_data:
        raise ValueError("no training data")
    _check_options(network, lmbda, momentum, dropout, patience, halvings, augment,
                   evaluation_data)
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
                "seed": seed if not isinstance(seed, random.Random) else None,
                "cost": network.cost.name, "activations": network.activation_names,
                "lmbda": lmbda, "momentum": momentum, "dropout": dropout,
                "patience": patience, "halvings": halvings, "augment": _describe(augment)}
    if history is None:
        history = History(settings)
    else:
        history.settings.update(settings)
    decay = 1.0 - eta * lmbda / n if lmbda else 1.0
    # Momentum: the weights before the last step (at first the same: velocity 0).
    previous = (network.weights, network.biases) if momentum else None
    positions = list(range(n_in))  # shared by the nonzero lists of augmented images
    schedule = Schedule(eta, patience, halvings)  # early stopping and halving eta
    batches_per_epoch = math.ceil(n / mini_batch_size)
    seen = 0
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        epoch_start = time.perf_counter()
        # New lists for the epoch, changed in place by its plain steps (faster than
        # new lists at every step): a reference taken before it keeps its values.
        network.weights = [[row[:] for row in w] for w in network.weights]
        network.biases = [b[:] for b in network.biases]
        epoch_cost = 0.0
        epoch_correct = 0
        for b, batch in enumerate(mini_batches(examples, mini_batch_size, rng), 1):
            if augment is not None:
                batch = _augmented(batch, augment, rng, positions)
            before = network.weights, network.biases
            cost, correct = _step(network, batch, eta, targets, decay, previous, momentum,
                                  dropout, rng, in_place=True)
            if momentum:
                previous = before
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
        record = {"epoch": epoch, "eta": eta, "seconds": time.perf_counter() - epoch_start,
                  "examples_seen": seen, "train_cost": epoch_cost / n,
                  "train_accuracy": epoch_correct / n}
        check_not_diverged(network, examples[:STUCK_SAMPLE], epoch, eta)
        if held_out:
            result = _evaluate(network, held_out)
            record.update({"evaluation_cost": result.cost, "evaluation_accuracy": result.accuracy,
                           "evaluation_correct": result.correct,
                           "evaluation_total": result.total})
        history.epochs.append(record)
        if on_epoch is not None:
            on_epoch(record, network)
        if held_out and not schedule.after_epoch(epoch, result.accuracy):
            history.stopped = schedule.stopped
            break
        if schedule.eta != eta:  # halved: the step and the weight decay shrink with it
            eta = schedule.eta
            decay = 1.0 - eta * lmbda / n if lmbda else 1.0
    return history
