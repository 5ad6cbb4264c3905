"""Tests for the chapter 3 options of training.sgd: L2 regularisation, momentum, dropout,
early stopping and the learning-rate schedule, augmented data, and the cross-entropy cost
against the learning slowdown (on real MNIST)."""

import math
import random

import pytest

from conftest import parameter_bits, synthetic_data
from mnist_scratch.history import History
from mnist_scratch.linalg import one_hot
from mnist_scratch.network import Network
from mnist_scratch.schedule import Schedule
from mnist_scratch.training import _step, check_examples, one_hots, sgd, update_mini_batch

pytestmark = pytest.mark.step9


def gradient_sum(network, batch):
    """sum_x dC_x/db and sum_x dC_x/dw over the batch, by one fresh backprop per example."""
    gradients = [network.backprop(x, one_hot(label, network.sizes[-1])) for x, label in batch]
    nabla_b = [[sum(g[0][i][j] for g in gradients) for j in range(len(b))]
               for i, b in enumerate(network.biases)]
    nabla_w = [[[sum(g[1][i][j][k] for g in gradients) for k in range(len(row))]
                for j, row in enumerate(w)] for i, w in enumerate(network.weights)]
    return nabla_b, nabla_w


def assert_close(ours, reference, rel=1e-12):
    if isinstance(reference[0], list):
        for u, v in zip(ours, reference):
            assert_close(u, v, rel)
        return
    assert ours == pytest.approx(reference, rel=0, abs=rel * max(abs(v) for v in reference))


# ------------------------------------------------------------ L2 regularisation

def test_l2_by_hand_on_one_neuron():
    """One sigmoid neuron, one example: w' = (1 - eta lmbda / n) w - eta dC/dw, b' = b - eta dC/db."""
    net = Network.from_parameters([[[0.5, -0.25]]], [[0.1]])
    x = [1.0, 0.5]
    update_mini_batch(net, [(x, 0)], eta=2.0, lmbda=10.0, n=40)  # decay 1 - 2 * 10 / 40 = 0.5
    a = 1 / (1 + math.exp(-(0.5 * 1.0 - 0.25 * 0.5 + 0.1)))   # z = 0.475
    delta = (a - 1.0) * a * (1 - a)                             # BP1, target y = [1.0]
    assert net.weights[0][0] == pytest.approx([0.5 * 0.5 - 2.0 * delta * 1.0,
                                               0.5 * -0.25 - 2.0 * delta * 0.5], rel=1e-15)
    assert net.biases[0][0] == pytest.approx(0.1 - 2.0 * delta, rel=1e-15)  # biases do not decay


def test_l2_step_is_the_books_formula(train_full):
    net = Network([784, 30, 10], seed=3, cost="cross-entropy")
    batch, eta, lmbda, n = train_full[:7], 0.5, 5.0, 1000
    nabla_b, nabla_w = gradient_sum(net, batch)
    decay, step = 1 - eta * lmbda / n, eta / len(batch)
    expected_w = [[[decay * w_jk - step * g for w_jk, g in zip(row, grow)]
                   for row, grow in zip(w, gw)] for w, gw in zip(net.weights, nabla_w)]
    expected_b = [[b_j - step * g for b_j, g in zip(b, gb)] for b, gb in zip(net.biases, nabla_b)]
    plain = Network([784, 30, 10], seed=3, cost="cross-entropy")
    update_mini_batch(net, batch, eta, lmbda=lmbda, n=n)
    update_mini_batch(plain, batch, eta)
    assert_close(net.weights, expected_w)
    assert_close(net.biases, expected_b)
    assert net.biases == plain.biases and net.weights != plain.weights


def test_sgd_decays_by_the_size_of_the_whole_training_set():
    data = synthetic_data(12)
    a, b = Network([8, 6, 10], seed=1), Network([8, 6, 10], seed=1)
    sgd(a, data, 1, 12, 1.0, seed=4, lmbda=3.0)
    update_mini_batch(b, data, 1.0, lmbda=3.0, n=12)
    assert_close(a.weights, b.weights)  # one full batch: the same step, shuffled sum


def test_update_mini_batch_needs_n_with_lmbda():
    with pytest.raises(ValueError, match="n .the number of training examples"):
        update_mini_batch(Network([8, 10], seed=1), synthetic_data(3), 1.0, lmbda=1.0)


# ------------------------------------------------------------ momentum

def test_momentum_zero_is_plain_gradient_descent_bit_for_bit(train_full):
    """The momentum step with mu = 0 (w + 0 (w - w_prev), then the gradient) is the plain step."""
    examples = check_examples(train_full[:60], 784, 10)
    targets = one_hots(10)
    for decay in (1.0, 0.999):
        plain = Network([784, 20, 10], seed=2)
        moving = Network([784, 20, 10], seed=2)
        previous = (moving.weights, moving.biases)
        for k in range(0, 60, 10):
            _step(plain, examples[k:k + 10], 3.0, targets, decay)
            before = (moving.weights, moving.biases)
            _step(moving, examples[k:k + 10], 3.0, targets, decay, previous, momentum=0.0)
            previous = before
        assert parameter_bits(moving) == parameter_bits(plain)
    a, b = Network([784, 20, 10], seed=2), Network([784, 20, 10], seed=2)
    sgd(a, train_full[:60], 2, 10, 3.0, seed=1)
    sgd(b, train_full[:60], 2, 10, 3.0, seed=1, momentum=0.0)
    assert parameter_bits(a) == parameter_bits(b)


@pytest.mark.parametrize("lmbda", [0.0, 4.0])
def test_momentum_is_the_books_velocity_update(lmbda):
    """Two full-batch steps by hand: v1 = -(eta/m) g0 - (eta lmbda/n) w0, w1 = w0 + v1;
    v2 = mu v1 - (eta/m) g1 - (eta lmbda/n) w1 (g1 at w1), w2 = w1 + v2; biases alike,
    without the lmbda term."""
    data, mu, eta = synthetic_data(10), 0.8, 0.7
    m = n = len(data)
    net = Network([8, 6, 10], seed=9)
    trained = Network([8, 6, 10], seed=9)
    sgd(trained, data, 2, 10, eta, seed=1, momentum=mu, lmbda=lmbda)

    def velocity(network, old_v_w, old_v_b):
        nabla_b, nabla_w = gradient_sum(network, data)
        v_w = [[[mu * v - eta / m * g - eta * lmbda / n * w_jk
                 for v, g, w_jk in zip(vrow, grow, row)]
                for vrow, grow, row in zip(vw, gw, w)]
               for vw, gw, w in zip(old_v_w, nabla_w, network.weights)]
        v_b = [[mu * v - eta / m * g for v, g in zip(vb, gb)] for vb, gb in zip(old_v_b, nabla_b)]
        return v_w, v_b

    v_w = [[[0.0] * len(row) for row in w] for w in net.weights]
    v_b = [[0.0] * len(b) for b in net.biases]
    for _ in range(2):
        v_w, v_b = velocity(net, v_w, v_b)
        net.weights = [[[w_jk + v for w_jk, v in zip(row, vrow)] for row, vrow in zip(w, vw)]
                       for w, vw in zip(net.weights, v_w)]
        net.biases = [[b_j + v for b_j, v in zip(b, vb)] for b, vb in zip(net.biases, v_b)]
    assert_close(trained.weights, net.weights, rel=1e-11)
    assert_close(trained.biases, net.biases, rel=1e-11)
    plain = Network([8, 6, 10], seed=9)
    sgd(plain, data, 2, 10, eta, seed=1, lmbda=lmbda)
    assert plain.weights != trained.weights  # the second step differs: the velocity counts


# ------------------------------------------------------------ dropout

def test_dropout_zero_is_plain_training_and_dropout_is_reproducible(train_full):
    data = train_full[:50]
    runs = {}
    for name, seed, dropout in (("plain", 1, 0.0), ("zero", 1, 0.0), ("half", 1, 0.5),
                                ("half again", 1, 0.5), ("half, other seed", 2, 0.5)):
        net = Network([784, 20, 10], seed=3)
        sgd(net, data, 1, 10, 3.0, seed=seed, dropout=dropout)
        runs[name] = parameter_bits(net)
    assert runs["zero"] == runs["plain"]
    assert runs["half"] == runs["half again"]
    assert runs["half"] != runs["plain"] and runs["half"] != runs["half, other seed"]


def test_dropped_neurons_learn_nothing_from_their_example(train_full):
    """One example, dropout 0.5: the dropped hidden neurons' incoming weights and biases
    stay exactly as they were; the kept ones move (and without dropout, all move)."""
    x, label = train_full[0]
    for dropout in (0.0, 0.5):
        net = Network([784, 40, 10], seed=5)
        before = [row[:] for row in net.weights[0]], net.biases[0][:]
        sgd(net, [(x, label)], 1, 1, 1.0, seed=8, dropout=dropout)
        unchanged = [j for j in range(40) if net.weights[0][j] == before[0][j]]
        assert [j for j in range(40) if net.biases[0][j] == before[1][j]] == unchanged
        if dropout:
            assert 8 <= len(unchanged) <= 32
        else:
            assert unchanged == []


def test_dropout_needs_a_hidden_layer():
    with pytest.raises(ValueError, match="dropout needs a hidden layer"):
        sgd(Network([8, 10], seed=1), synthetic_data(5), 1, 5, 1.0, dropout=0.5)


# ------------------------------------------------------------ early stopping and the schedule

def test_sgd_stops_and_halves_where_the_schedule_says(train_full):
    """A small real run with patience 1 and 2 halvings: replaying its validation
    accuracies through a Schedule gives the same etas and the same last epoch."""
    train, validation = train_full[:300], train_full[50000:50200]
    net = Network([784, 10], seed=1)
    history = sgd(net, train, 40, 10, 1.0, evaluation_data=validation, seed=1,
                  patience=1, halvings=2)
    epochs, etas, schedule = replay(history, eta=1.0, patience=1, halvings=2)
    assert len(history.epochs) == epochs < 40
    assert [record["eta"] for record in history.epochs] == etas
    assert etas[-1] == 0.25  # it did halve twice
    assert history.stopped == schedule.stopped and "after halving eta 2 times" in history.stopped
    assert history.settings["patience"] == 1 and history.settings["halvings"] == 2


def replay(history, **settings):
    schedule = Schedule(**settings)
    etas = []
    for record in history.epochs:
        etas.append(schedule.eta)
        if not schedule.after_epoch(record["epoch"], record["evaluation_accuracy"]):
            break
    return len(etas), etas, schedule


def test_plain_early_stopping_on_real_data(train_full):
    net = Network([784, 10], seed=2)
    history = sgd(net, train_full[:200], 40, 10, 3.0,
                  evaluation_data=train_full[50000:50100], seed=2, patience=2)
    assert len(history.epochs) == replay(history, eta=3.0, patience=2)[0] < 40
    assert {record["eta"] for record in history.epochs} == {3.0}
    assert history.stopped.startswith("stopped after epoch %d" % len(history.epochs))


# ------------------------------------------------------------ augmented data

def shift_right(x, rng=None):
    """The image moved one pixel to the right (uses no random numbers)."""
    return [0.0 if k % 28 == 0 else x[k - 1] for k in range(784)]


def test_augment_is_applied_to_every_image_every_epoch_with_fresh_nonzero_pixels(train_full):
    """An augment that draws nothing trains exactly like the data transformed beforehand:
    so each new image's own nonzero pixels were used (not those of the original)."""
    data = train_full[:40]
    calls = []

    def augment(x, rng):
        calls.append(rng)
        return shift_right(x)
    a, b = Network([784, 15, 10], seed=4), Network([784, 15, 10], seed=4)
    sgd(a, data, 2, 10, 3.0, seed=5, augment=augment)
    sgd(b, [(shift_right(x), label) for x, label in data], 2, 10, 3.0, seed=5)
    assert parameter_bits(a) == parameter_bits(b)
    assert len(calls) == 80 and all(isinstance(rng, random.Random) for rng in calls)
    c = Network([784, 15, 10], seed=4)
    sgd(c, data, 2, 10, 3.0, seed=5)
    assert parameter_bits(c) != parameter_bits(a)


def test_augment_with_the_distorter_is_reproducible(train_full):
    from mnist_scratch.augment import Distorter
    data = train_full[:30]
    runs = []
    for seed in (1, 1, 2):
        net = Network([784, 10], seed=3)
        history = sgd(net, data, 2, 10, 1.0, seed=seed, augment=Distorter())
        runs.append(parameter_bits(net))
    assert runs[0] == runs[1] != runs[2]
    assert history.settings["augment"]["kind"] == "Distorter"
    assert history.settings["augment"]["rotation"] == Distorter().rotation


def test_a_bad_image_from_augment_is_named():
    def spoil(x, rng):
        return x[:3] + [math.nan] + x[4:]
    with pytest.raises(ValueError, match="an image made by augment: pixel 3 is nan"):
        sgd(Network([8, 10], seed=1), synthetic_data(5), 1, 5, 1.0, augment=spoil)


# ------------------------------------------------------------ the history and bad options

def test_the_history_records_every_option_and_saves(tmp_path, train_full):
    net = Network([784, 12, 10], seed=1, activation="relu", cost="log-likelihood")
    history = sgd(net, train_full[:40], 2, 10, 0.5, evaluation_data=train_full[50000:50020],
                  seed=3, lmbda=0.5, momentum=0.5, dropout=0.2, patience=5, halvings=1,
                  augment=shift_right)
    settings = history.settings
    assert {key: settings[key] for key in ("cost", "activations", "lmbda", "momentum", "dropout",
                                           "patience", "halvings")} == {
        "cost": "log-likelihood", "activations": ["relu", "softmax"], "lmbda": 0.5,
        "momentum": 0.5, "dropout": 0.2, "patience": 5, "halvings": 1}
    assert settings["augment"].startswith("<function shift_right")
    assert [record["eta"] for record in history.epochs] == [0.5, 0.5]
    path = str(tmp_path / "history.json.gz")
    history.save(path)
    loaded = History.load(path)
    assert loaded.to_dict() == history.to_dict() and loaded.stopped is None


@pytest.mark.parametrize("options, problem", [
    ({"lmbda": -1.0}, "lmbda must be a number >= 0"),
    ({"lmbda": math.nan}, "lmbda must be"),
    ({"momentum": 1.0}, r"momentum must be a number in \[0, 1\)"),
    ({"momentum": -0.1}, "momentum must be"),
    ({"momentum": True}, "momentum must be"),
    ({"dropout": 1.0}, r"dropout must be a number in \[0, 1\)"),
    ({"patience": 0}, "patience must be at least 1"),
    ({"patience": 2.5}, "patience must be a whole number"),
    ({"patience": 2}, "patience .early stopping. needs evaluation data"),
    ({"halvings": 2}, "halvings .the learning-rate schedule. needs patience"),
    ({"halvings": -1}, "halvings must be at least 0"),
    ({"augment": "distort"}, "augment must be a function"),
])
def test_bad_options_are_refused_before_training(options, problem):
    net = Network([8, 6, 10], seed=1)
    before = parameter_bits(net)
    with pytest.raises(ValueError, match=problem):
        sgd(net, synthetic_data(5), 1, 5, 1.0, **options)
    assert parameter_bits(net) == before


# ------------------------------------------------------------ the learning slowdown, on MNIST

@pytest.mark.step8
def test_cross_entropy_learns_faster_than_quadratic_from_a_saturated_start(train_full):
    """init="standard" on [784, 100, 10]: weighted inputs of size ~10, every sigmoid
    saturated. After one epoch on 1,000 images (eta 0.5) the quadratic cost, whose BP1
    carries sigma'(z^L) ~ 0, has hardly learned; the cross-entropy cost has (measured:
    about 19% against 64% on 500 validation images)."""
    train, validation = train_full[:1000], train_full[50000:50500]
    accuracy = {}
    for cost in ("quadratic", "cross-entropy"):
        net = Network([784, 100, 10], seed=1, init="standard", cost=cost)
        history = sgd(net, train, 1, 10, 0.5, evaluation_data=validation, seed=1)
        accuracy[cost] = history.epochs[0]["evaluation_accuracy"]
    assert accuracy["cross-entropy"] > 0.5
    assert accuracy["cross-entropy"] > accuracy["quadratic"] + 0.25

