"""Tests for training.py: mini-batches, one SGD step, whole runs, evaluation (step 5).

The last test trains a real [784, 30, 10] network on 10,000 real MNIST images.
"""

import copy
import json
import math
import random

import pytest

from conftest import parameter_bits
from mnist_scratch.linalg import one_hot
from mnist_scratch.network import Network, quadratic_cost
from mnist_scratch.training import (Evaluation, History, TrainingDiverged, evaluate, mini_batches,
                                    sgd, update_mini_batch)

pytestmark = pytest.mark.step5


def synthetic_data(n, n_in=8, n_out=10, seed=0):
    """n examples (x, label) whose label depends on x, so there is something to learn."""
    rng = random.Random(seed)
    data = []
    for _ in range(n):
        label = rng.randrange(n_out)
        x = [rng.random() * 0.3 for _ in range(n_in)]
        x[rng.randrange(n_in)] = 0.0  # some exact zeros, as in images
        x[label % n_in] = 1.0
        data.append((x, label))
    return data


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


@pytest.mark.parametrize("sizes", [[8, 6, 10], [8, 10], [8, 7, 5, 10]])
def test_update_equals_the_textbook_formula(sizes):
    net = Network(sizes, seed=3)
    batch = synthetic_data(7, seed=4)
    expected_weights, expected_biases = slow_reference_update(net, batch, eta=2.5)
    update_mini_batch(net, batch, 2.5)
    assert net.weights == expected_weights
    assert net.biases == expected_biases


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
                                "training_examples": 25, "sizes": [8, 6, 10], "seed": 2}
    for record in history.epochs:
        assert set(record) == {"epoch", "seconds", "examples_seen", "train_cost", "train_accuracy",
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
])
def test_sgd_argument_errors(kwargs, problem):
    arguments = dict(network=Network([8, 6, 10], seed=1), training_data=synthetic_data(5),
                     epochs=1, mini_batch_size=2, eta=3.0)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=problem):
        sgd(**arguments)


def test_inputs_of_the_wrong_size_are_an_error():
    with pytest.raises(ValueError, match="input"):
        sgd(Network([784, 10], seed=1), synthetic_data(5, n_in=8), 1, 2, 3.0)


def test_non_finite_cost_raises_training_diverged():
    """Weights near the float limit overflow on inputs above 1: 2e308 = inf, and
    inf + (-inf) = NaN; the first mini-batch already has a NaN cost."""
    net = Network.from_parameters([[[1e308, -1e308]] * 3], [[0.0] * 3])
    with pytest.raises(TrainingDiverged) as error:
        sgd(net, [([2.0, 2.0], 1), ([2.0, 2.0], 0)], 1, 1, 3.0, seed=1)
    message = str(error.value)
    assert "nan" in message and "epoch 1, mini-batch 1" in message and "eta" in message


def test_huge_learning_rate_raises_training_diverged(train_full):
    """With eta = 1e308 one step pushes every sigmoid into saturation: outputs stuck
    at 0 or 1, sigma'(z) = 0, no gradient ever again. Training stops and says so."""
    net = Network([784, 30, 10], seed=1)
    with pytest.raises(TrainingDiverged, match="eta = 1e\\+308") as error:
        sgd(net, train_full[:100], 3, 10, 1e308, seed=1)
    assert "try a smaller learning rate (e.g. 1e+307)" in str(error.value)


def test_a_handful_of_examples_is_not_called_stuck(train_full):
    """The training accuracy is counted before each step, so one example trained once
    is 0% "right" however well it learns; that is no evidence of saturation."""
    net = Network([784, 10], seed=1)
    for n in (1, 5, 20):
        history = sgd(net, train_full[:n], 1, 1, 30.0, seed=1)
        assert len(history.epochs) == 1


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


def test_history_round_trip_and_best_epoch(tmp_path):
    history = sgd(Network([8, 6, 10], seed=1), synthetic_data(20), 3, 5, 3.0,
                  evaluation_data=synthetic_data(10, seed=3), seed=1)
    path = tmp_path / "history.json"
    history.save(str(path))
    assert json.loads(path.read_text())["epochs"] == history.epochs
    loaded = History.load(str(path))
    assert loaded.to_dict() == history.to_dict()
    best = loaded.best_epoch()
    assert best["evaluation_accuracy"] == max(e["evaluation_accuracy"] for e in history.epochs)
    assert History().best_epoch() is None


def test_best_epoch_takes_the_first_of_equal_scores():
    history = History()
    history.epochs = [{"epoch": 1, "evaluation_accuracy": 0.5}, {"epoch": 2, "evaluation_accuracy": 0.7},
                      {"epoch": 3, "evaluation_accuracy": 0.7}]
    assert history.best_epoch()["epoch"] == 2


# ------------------------------------------------------------ real MNIST

@pytest.mark.slow
def test_one_epoch_on_10000_real_images_reaches_85_percent(train_full):
    """[784, 30, 10], one epoch over the first 10,000 training images, mini-batches of
    10, eta 3.0, seed 1: about 90% of 2,000 validation images are right (measured:
    90.0%; seeds 2 and 3 give 89.1% and 90.4%). An untrained network gets about 10%."""
    training_data, validation = train_full[:10000], train_full[50000:52000]
    net = Network([784, 30, 10], seed=1)
    assert evaluate(net, validation).accuracy < 0.2
    history = sgd(net, training_data, 1, 10, 3.0, evaluation_data=validation, seed=1)
    record = history.epochs[0]
    assert record["evaluation_total"] == 2000
    assert record["evaluation_accuracy"] >= 0.85
    assert record["train_accuracy"] >= 0.75  # measured while learning, so lower
