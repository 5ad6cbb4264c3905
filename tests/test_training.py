"""Tests for training.py: mini-batches, one SGD step, whole runs, evaluation (step 5).

The last test trains a real [784, 30, 10] network on 10,000 real MNIST images.
"""

import copy
import math
import random

import pytest

from conftest import parameter_bits, synthetic_data
from mnist_scratch import network as network_module
from mnist_scratch.linalg import one_hot
from mnist_scratch.network import Network, quadratic_cost
from mnist_scratch.training import (Evaluation, History, TrainingDiverged, evaluate, mini_batches,
                                    sgd, update_mini_batch)

pytestmark = pytest.mark.step5




# ------------------------------------------------------------ mini_batches

def test_mini_batches_use_every_example_exactly_once():
    data = [([float(i)], i) for i in range(23)]
    batches = mini_batches(data, 5, random.Random(1))
    assert [len(b) for b in batches] == [5, 5, 5, 5, 3]
    used = sorted(label for batch in batches for _, label in batch)
    assert used == list(range(23))


def test_mini_batches_shuffle_reproducibly_and_leave_the_data_alone():
    data = [([float(i)], i) for i in range(50)]
    original = list(data)
    first = mini_batches(data, 10, random.Random(7))
    assert first == mini_batches(data, 10, random.Random(7))
    assert first != mini_batches(data, 10, random.Random(8))
    assert [label for batch in first for _, label in batch] != list(range(50)), "not shuffled"
    assert data == original


def test_mini_batches_edge_sizes():
    data = [([0.0], i) for i in range(4)]
    assert len(mini_batches(data, 1, random.Random(0))) == 4
    assert [len(b) for b in mini_batches(data, 10, random.Random(0))] == [4]
    assert mini_batches([], 3, random.Random(0)) == []
    with pytest.raises(ValueError, match="mini_batch_size"):
        mini_batches(data, 0, random.Random(0))


# ------------------------------------------------------------ update_mini_batch

def slow_reference_update(network, batch, eta):
    """w - eta/m sum_x dC_x/dw, computed with one fresh backprop per example and plain loops."""
    gradients = [network.backprop(x, one_hot(label, network.sizes[-1])) for x, label in batch]
    step = eta / len(batch)
    biases = [[b_j - step * sum(g[0][i][j] for g in gradients) for j, b_j in enumerate(b)]
              for i, b in enumerate(network.biases)]
    weights = [[[w_jk - step * sum(g[1][i][j][k] for g in gradients) for k, w_jk in enumerate(row)]
                for j, row in enumerate(w)] for i, w in enumerate(network.weights)]
    return weights, biases


def assert_close(ours, reference, rel=1e-12):
    """Nested lists of floats equal to ``rel`` relative to the largest entry of each row."""
    if isinstance(reference[0], list):
        assert len(ours) == len(reference)
        for u, v in zip(ours, reference):
            assert_close(u, v, rel)
        return
    scale = max(abs(v) for v in reference)
    assert ours == pytest.approx(reference, rel=0, abs=rel * scale)


@pytest.mark.parametrize("sizes", [[8, 6, 10], [8, 10], [8, 7, 5, 10], [784, 30, 10]])
def test_update_equals_the_textbook_formula(train_full, sizes):
    """The step subtracts each example's share from the new weights instead of
    summing nabla_w first: the same formula, equal up to rounding in the last digits."""
    net = Network(sizes, seed=3)
    batch = synthetic_data(7, n_in=sizes[0], seed=4) if sizes[0] == 8 else train_full[:7]
    expected_weights, expected_biases = slow_reference_update(net, batch, eta=2.5)
    untouched = [[row[:] for row in w] for w in net.weights]
    update_mini_batch(net, batch, 2.5)
    assert_close(net.weights, expected_weights)
    assert_close(net.biases, expected_biases)
    assert net.weights != untouched


def test_update_moves_the_cost_down_on_its_batch():
    net = Network([8, 6, 10], seed=1)
    batch = synthetic_data(10, seed=2)
    before = evaluate(net, batch).cost
    update_mini_batch(net, batch, 0.5)
    assert evaluate(net, batch).cost < before


def test_update_replaces_the_lists_instead_of_changing_them():
    """A reference to the old weights stays a snapshot: training never writes into it."""
    net = Network([8, 6, 10], seed=1)
    old_weights, old_biases = net.weights, net.biases
    saved = copy.deepcopy((old_weights, old_biases))
    update_mini_batch(net, synthetic_data(10), 3.0)
    assert (old_weights, old_biases) == saved
    assert net.weights is not old_weights and net.biases is not old_biases
    assert net.weights != old_weights
    assert all(new is not old for new, old in zip(net.weights[0], old_weights[0]))


def test_sgd_steps_in_place_exactly_as_update_mini_batch_steps_with_new_lists():
    """sgd changes the epoch's lists in place; each step must still compute every
    example's gradient at the weights the mini-batch started from."""
    data = synthetic_data(47)
    stepped = Network([8, 6, 10], seed=4)
    trained = copy.deepcopy(stepped)
    rng = random.Random(9)
    for _ in range(2):
        for batch in mini_batches(data, 5, rng):
            update_mini_batch(stepped, batch, 2.0)
    sgd(trained, data, 2, 5, 2.0, seed=9)
    assert parameter_bits(trained) == parameter_bits(stepped)


def test_a_reference_taken_after_an_epoch_keeps_its_values():
    """learn and sweep keep the best epoch's lists by reference."""
    net = Network([8, 6, 10], seed=2)
    kept = []
    sgd(net, synthetic_data(30), 3, 5, 3.0, seed=1,
        on_epoch=lambda record, network: kept.append((network.weights, copy.deepcopy(
            network.weights))))
    assert all(reference == values for reference, values in kept)
    assert kept[0][0] != kept[-1][0]


def test_update_returns_cost_and_correct_before_the_step():
    net = Network([8, 6, 10], seed=5)
    batch = synthetic_data(12, seed=6)
    before = evaluate(net, batch)
    cost, correct = update_mini_batch(net, batch, 3.0)
    assert cost == pytest.approx(before.cost * len(batch), rel=1e-12)
    assert correct == before.correct


def test_update_with_given_targets_is_the_same():
    a, b = Network([8, 6, 10], seed=5), Network([8, 6, 10], seed=5)
    batch = synthetic_data(6)
    update_mini_batch(a, batch, 1.0)
    update_mini_batch(b, batch, 1.0, targets=[one_hot(k) for k in range(10)])
    assert parameter_bits(a) == parameter_bits(b)


def test_weights_of_inputs_that_are_always_zero_do_not_move():
    net = Network([8, 6, 10], seed=5)
    batch = synthetic_data(6)
    for x, _ in batch:
        x[3] = 0.0
    before = [row[3] for row in net.weights[0]]
    update_mini_batch(net, batch, 3.0)
    assert [row[3] for row in net.weights[0]] == before
    assert [row[2] for row in net.weights[0]] != [row[2] for row in Network([8, 6, 10], seed=5).weights[0]]


# ------------------------------------------------------------ sgd

def test_sgd_history_and_callbacks():
    net = Network([8, 6, 10], seed=1)
    data, held_out = synthetic_data(25), synthetic_data(9, seed=1)
    batches, epochs = [], []
    history = sgd(net, data, 3, 10, 3.0, evaluation_data=held_out, seed=2,
                  on_batch=batches.append, on_epoch=lambda record, network: epochs.append((record, network)))
    assert [e["epoch"] for e in history.epochs] == [1, 2, 3]
    assert len(history.batch_cost) == len(history.batch_accuracy) == 9  # 3 epochs x (10 + 10 + 5)
    assert history.batch_examples == [10, 20, 25, 35, 45, 50, 60, 70, 75]
    assert all(0.0 <= a <= 1.0 for a in history.batch_accuracy)
    assert history.settings == {"epochs": 3, "mini_batch_size": 10, "eta": 3.0,
                                "training_examples": 25, "sizes": [8, 6, 10], "seed": 2,
                                "cost": "quadratic", "activations": ["sigmoid", "sigmoid"],
                                "lmbda": 0.0, "momentum": 0.0, "dropout": 0.0, "patience": None,
                                "halvings": 0, "augment": None}
    assert history.stopped is None
    for record in history.epochs:
        assert record["eta"] == 3.0
        assert set(record) == {"epoch", "eta", "seconds", "examples_seen", "train_cost", "train_accuracy",
                               "evaluation_cost", "evaluation_accuracy", "evaluation_correct",
                               "evaluation_total"}
        assert record["evaluation_total"] == 9
        assert record["evaluation_accuracy"] == record["evaluation_correct"] / 9
        assert record["examples_seen"] == 25 * record["epoch"]
    # The last record describes the final network.
    final = evaluate(net, held_out)
    assert history.epochs[-1]["evaluation_correct"] == final.correct
    assert history.epochs[-1]["evaluation_cost"] == final.cost
    # on_batch: once per mini-batch, with the documented keys.
    assert len(batches) == 9
    assert set(batches[0]) == {"epoch", "batch", "batches", "examples_seen", "examples_total",
                               "cost", "accuracy", "seconds"}
    assert [(i["epoch"], i["batch"]) for i in batches[:4]] == [(1, 1), (1, 2), (1, 3), (2, 1)]
    assert all(i["batches"] == 3 and i["examples_total"] == 75 for i in batches)
    assert [i["cost"] for i in batches] == history.batch_cost
    # on_epoch: once per epoch, with the record and the network.
    assert [record for record, _ in epochs] == history.epochs
    assert all(network is net for _, network in epochs)


def test_train_cost_and_accuracy_are_means_over_the_batches():
    history = sgd(Network([8, 6, 10], seed=1), synthetic_data(25), 1, 10, 3.0, seed=2)
    sizes = [10, 10, 5]
    record = history.epochs[0]
    assert record["train_cost"] == pytest.approx(
        sum(c * m for c, m in zip(history.batch_cost, sizes)) / 25, rel=1e-12)
    assert record["train_accuracy"] == pytest.approx(
        sum(a * m for a, m in zip(history.batch_accuracy, sizes)) / 25, rel=1e-12)
    assert "evaluation_accuracy" not in record


def test_sgd_learns_a_learnable_task():
    net = Network([10, 10, 10], seed=1)
    data, held_out = synthetic_data(400, n_in=10, seed=1), synthetic_data(100, n_in=10, seed=2)
    before = evaluate(net, held_out)
    history = sgd(net, data, 10, 10, 10.0, evaluation_data=held_out, seed=1)
    assert history.epochs[-1]["evaluation_accuracy"] > 0.95 > 0.5 > before.accuracy


def test_zero_epochs_change_nothing():
    net = Network([8, 6, 10], seed=1)
    before = parameter_bits(net)
    history = sgd(net, synthetic_data(5), 0, 2, 3.0, seed=1)
    assert history.epochs == [] and history.batch_cost == []
    assert parameter_bits(net) == before


def test_same_seed_same_run_bit_for_bit(train_full):
    data, held_out = train_full[:300], train_full[50000:50100]
    runs = []
    for _ in range(2):
        net = Network([784, 30, 10], seed=4)
        history = sgd(net, data, 1, 10, 3.0, evaluation_data=held_out, seed=4)
        runs.append((parameter_bits(net), history.batch_cost, history.epochs[0]["evaluation_cost"],
                     history.epochs[0]["evaluation_correct"]))
    assert runs[0] == runs[1]
    other = Network([784, 30, 10], seed=4)
    sgd(other, data, 1, 10, 3.0, seed=5)  # a different order of mini-batches
    assert parameter_bits(other) != runs[0][0]


@pytest.mark.parametrize("in_c", [False, True])
def test_the_forward_pass_in_c_trains_like_the_plain_loops(monkeypatch, train_full, in_c):
    """CPython 3.12+ sums the forward pass and BP2 with math.sumprod, the others with plain
    loops (network.SUMS_IN_C). Either way a run is reproducible bit for bit, and
    the two agree to rounding: the same predictions, weights equal to 1e-11."""
    def run():
        net = Network([784, 30, 10], seed=4)
        sgd(net, train_full[:300], 1, 10, 3.0, seed=4)
        return net, evaluate(net, train_full[50000:50100]).predictions
    reference, predictions = run()  # whichever this Python uses
    monkeypatch.setattr(network_module, "SUMS_IN_C", in_c)
    net, other_predictions = run()
    assert other_predictions == predictions
    assert_close(net.weights, reference.weights, rel=1e-11)
    assert parameter_bits(run()[0]) == parameter_bits(net)


def test_seed_may_be_a_random_generator():
    a, b = Network([8, 6, 10], seed=1), Network([8, 6, 10], seed=1)
    sgd(a, synthetic_data(30), 2, 7, 3.0, seed=random.Random(9))
    history = sgd(b, synthetic_data(30), 2, 7, 3.0, seed=random.Random(9))
    assert parameter_bits(a) == parameter_bits(b)
    assert history.settings["seed"] is None


@pytest.mark.parametrize("kwargs, problem", [
    (dict(training_data=[]), "no training data"),
    (dict(epochs=-1), "epochs"),
    (dict(mini_batch_size=0), "mini_batch_size"),
    (dict(eta=0.0), "eta"),
    (dict(eta=-3.0), "eta"),
    (dict(eta=math.nan), "eta"),
    (dict(eta=math.inf), "eta"),
    (dict(eta="3.0"), "eta"),
    (dict(eta=True), "eta must be a positive number, got True"),
    (dict(eta=10 ** 400), "eta must be a positive number, got 1000"),
    (dict(epochs=2.5), "epochs must be a whole number, got 2.5"),
    (dict(epochs=True), "epochs must be a whole number"),
    (dict(mini_batch_size=2.0), "mini_batch_size must be a whole number, got 2.0"),
    (dict(training_data=[([0.5] * 8, 1, 2)]), "training example 0 is not a pair"),
])
def test_sgd_argument_errors(kwargs, problem):
    arguments = dict(network=Network([8, 6, 10], seed=1), training_data=synthetic_data(5),
                     epochs=1, mini_batch_size=2, eta=3.0)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=problem):
        sgd(**arguments)


def test_inputs_of_the_wrong_size_are_an_error():
    with pytest.raises(ValueError, match="^training example 0 has 8 values, but this network "
                                         "takes 784 inputs$"):
        sgd(Network([784, 10], seed=1), synthetic_data(5, n_in=8), 1, 2, 3.0)


def spoil(data, index, pixel=None, value=None, label=None):
    """A copy of data whose example ``index`` has one bad pixel or label."""
    data = [(list(x), y) for x, y in data]
    x, y = data[index]
    if pixel is not None:
        x[pixel] = value
    data[index] = (x, y if label is None else label)
    return data


@pytest.mark.parametrize("pixel, value, label, problem", [
    (300, math.nan, None, "pixel 300 is nan"),
    (0, math.inf, None, "pixel 0 is inf"),
    (783, -math.inf, None, "pixel 783 is -inf"),
    (5, "0.5", None, "pixel 5 is '0.5', not a number"),
    (None, None, -1, "label -1 is not in 0..9"),
    (None, None, 10, "label 10 is not in 0..9"),
    (None, None, 3.0, "label 3.0 is not in 0..9"),
    (None, None, True, "label True is not in 0..9"),
])
def test_bad_examples_are_named_before_training_starts(train_full, pixel, value, label, problem):
    """A bad pixel or label anywhere, even in the last example, stops sgd before its
    first step (a label of -1 would otherwise train as a 9, and 10 crash mid-epoch)."""
    data = train_full[:20]
    net = Network([784, 10], seed=1)
    before = parameter_bits(net)
    steps = []
    with pytest.raises(ValueError) as error:
        sgd(net, spoil(data, 17, pixel, value, label), 1, 5, 3.0, on_batch=steps.append)
    assert str(error.value) == "training example 17: " + problem
    assert steps == [] and parameter_bits(net) == before
    with pytest.raises(ValueError) as error:
        sgd(net, data, 1, 5, 3.0, evaluation_data=spoil(data, 3, pixel, value, label),
            on_batch=steps.append)
    assert str(error.value) == "evaluation example 3: " + problem
    assert steps == []
    with pytest.raises(ValueError) as error:
        evaluate(net, spoil(data, 2, pixel, value, label))
    assert str(error.value) == "example 2: " + problem
    with pytest.raises(ValueError) as error:
        update_mini_batch(net, spoil(data[:4], 1, pixel, value, label), 3.0)
    assert str(error.value) == "mini-batch example 1: " + problem
    assert parameter_bits(net) == before


def test_update_mini_batch_refuses_an_empty_batch_and_a_bad_eta():
    net = Network([8, 6, 10], seed=1)
    with pytest.raises(ValueError, match="empty mini-batch"):
        update_mini_batch(net, [], 3.0)
    with pytest.raises(ValueError, match="eta"):
        update_mini_batch(net, synthetic_data(2), True)


def test_non_finite_cost_raises_training_diverged():
    """Weights near the float limit overflow on inputs above 1: 2e308 = inf, and
    inf + (-inf) = NaN; the first mini-batch already has a NaN cost."""
    net = Network.from_parameters([[[1e308, -1e308]] * 3], [[0.0] * 3])
    with pytest.raises(TrainingDiverged) as error:
        sgd(net, [([2.0, 2.0], 1), ([2.0, 2.0], 0)], 1, 1, 3.0, seed=1)
    message = str(error.value)
    assert "nan" in message and "epoch 1, mini-batch 1" in message and "eta" in message


@pytest.mark.parametrize("sizes, n, eta", [([784, 30, 10], 20, 1e30), ([784, 10], 5, 1e30),
                                           ([784, 30, 10], 100, 1e308)])
def test_huge_learning_rate_raises_training_diverged(train_full, sizes, n, eta):
    """One step with a huge eta pushes every sigmoid into saturation: outputs stuck
    at 0 or 1, sigma'(z) = 0, no gradient ever again. Training stops and says so,
    also for a run on a handful of examples (the check looks at the network after
    the epoch, not at the accuracy counted during it)."""
    with pytest.raises(TrainingDiverged) as error:
        sgd(Network(sizes, seed=1), train_full[:n], 3, 10, eta, seed=1)
    message = str(error.value)
    assert "after epoch 1" in message and "eta = %g is too large" % eta in message
    assert "try a smaller learning rate (e.g. %g)" % (eta / 10) in message


@pytest.mark.parametrize("n, mini_batch_size, eta", [(1, 10, 3.0), (5, 10, 3.0), (20, 10, 3.0),
                                                     (99, 1, 0.3), (99, 10, 3.0)])
def test_honest_small_runs_are_not_called_diverged(train_full, n, mini_batch_size, eta):
    """Tiny runs with the usual learning rates (the command line's and the GIF
    examples') train for every epoch, whatever the seed."""
    for seed in (1, 2, 3):
        for sizes in ([784, 10], [784, 30, 10]):
            history = sgd(Network(sizes, seed=seed), train_full[:n], 3, mini_batch_size, eta,
                          seed=seed)
            assert len(history.epochs) == 3


def test_training_diverged_is_an_arithmetic_error():
    assert issubclass(TrainingDiverged, ArithmeticError)


# ------------------------------------------------------------ evaluate and History

def test_evaluate_counts():
    # A network that copies the index of its larger input: predictions are known.
    net = Network.from_parameters([[[10.0, -10.0], [-10.0, 10.0]]], [[0.0, 0.0]])
    data = [([1.0, 0.0], 0), ([0.0, 1.0], 1), ([1.0, 0.0], 1)]
    result = evaluate(net, data)
    assert (result.correct, result.total) == (2, 3)
    assert result.accuracy == 2 / 3
    assert result.predictions == [0, 1, 0]
    expected_cost = sum(quadratic_cost(net.feedforward(x), one_hot(label, 2)) for x, label in data) / 3
    assert result.cost == pytest.approx(expected_cost, rel=1e-15)
    assert "2 / 3" in repr(result) and "66.67%" in repr(result)


def test_evaluate_on_no_data():
    result = evaluate(Network([2, 2], seed=0), [])
    assert (result.correct, result.total, result.accuracy, result.cost) == (0, 0, 0.0, 0.0)
    assert isinstance(result, Evaluation)


def test_best_epoch_has_the_highest_evaluation_accuracy():
    history = sgd(Network([8, 6, 10], seed=1), synthetic_data(20), 3, 5, 3.0,
                  evaluation_data=synthetic_data(10, seed=3), seed=1)
    best = history.best_epoch()
    assert best["evaluation_accuracy"] == max(e["evaluation_accuracy"] for e in history.epochs)
    assert History().best_epoch() is None


def test_best_epoch_takes_the_first_of_equal_scores():
    history = History()
    history.epochs = [{"epoch": 1, "evaluation_accuracy": 0.5}, {"epoch": 2, "evaluation_accuracy": 0.7},
                      {"epoch": 3, "evaluation_accuracy": 0.7}]
    assert history.best_epoch()["epoch"] == 2


# ------------------------------------------------------------ real MNIST

def test_one_epoch_on_5000_real_images_reaches_80_percent(train_full):
    """[784, 30, 10], one epoch over the first 5,000 training images, mini-batches of
    10, eta 3.0: about 87% of 1,000 validation images are right (measured: 86.3%,
    87.4%, 87.0% for seeds 1, 2, 3). An untrained network gets about 10%. (The
    README's example trains on 10,000 images and its test checks the 90% it prints.)"""
    training_data, validation = train_full[:5000], train_full[50000:51000]
    net = Network([784, 30, 10], seed=1)
    assert evaluate(net, validation).accuracy < 0.2
    history = sgd(net, training_data, 1, 10, 3.0, evaluation_data=validation, seed=1)
    record = history.epochs[0]
    assert record["evaluation_total"] == 1000
    assert record["evaluation_accuracy"] >= 0.80
    assert record["train_accuracy"] >= 0.65  # measured while learning, so lower
