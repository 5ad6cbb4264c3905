"""Tests for network.py: the sigmoid network and backpropagation.

Step 3 covers the forward pass, predictions and the cost; step 4 checks
backpropagation against central differences and against an independent numpy
implementation of the same four equations. Saved files are tested in
test_formats.py.
"""

import math
import platform
import statistics

import pytest

from conftest import parameter_bits, random_vector
from mnist_scratch.gradcheck import max_relative_error, numerical_gradient
from mnist_scratch.linalg import one_hot
from mnist_scratch import network as network_module
from mnist_scratch.network import (BYTES_PER_PARAMETER, COPIES_WHILE_TRAINING, INITS, Network,
                                   check_size, nonzero_indices, quadratic_cost, sigmoid,
                                   sigmoid_prime, weighted_inputs, weighted_inputs_in_c)

try:
    import numpy as np
except ImportError:  # e.g. on PyPy: the tests that compare with numpy are skipped
    np = None

step3 = pytest.mark.step3
step4 = pytest.mark.step4
needs_numpy = pytest.mark.skipif(np is None, reason="numpy, the reference, is not installed")


# ------------------------------------------------------------ numpy reference

def np_params(net):
    return [np.array(w) for w in net.weights], [np.array(b) for b in net.biases]


def np_sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the same function, computed differently


def np_feedforward(net, x):
    a = np.array(x, dtype=float)
    for w, b in zip(*np_params(net)):
        a = np_sigmoid(w @ a + b)
    return a


def np_backprop(net, x, y):
    """The four equations of backpropagation in numpy, written independently."""
    weights, biases = np_params(net)
    a = np.array(x, dtype=float)
    activations, zs = [a], []
    for w, b in zip(weights, biases):
        z = w @ a + b
        a = np_sigmoid(z)
        zs.append(z)
        activations.append(a)
    delta = (activations[-1] - np.array(y)) * np_sigmoid(zs[-1]) * (1 - np_sigmoid(zs[-1]))  # BP1
    nabla_b, nabla_w = [None] * len(weights), [None] * len(weights)
    for i in range(len(weights) - 1, -1, -1):
        nabla_b[i] = delta                                # BP3
        nabla_w[i] = np.outer(delta, activations[i])      # BP4
        if i:
            s = np_sigmoid(zs[i - 1])
            delta = (weights[i].T @ delta) * s * (1 - s)  # BP2
    return nabla_b, nabla_w


def assert_gradients_close(ours, reference, rtol=1e-10, atol=1e-14):
    (b1, w1), (b2, w2) = ours, reference
    assert len(b1) == len(b2) and len(w1) == len(w2)
    for u, v in zip(b1, b2):
        np.testing.assert_allclose(u, v, rtol=rtol, atol=atol)
    for m1, m2 in zip(w1, w2):
        np.testing.assert_allclose(m1, m2, rtol=rtol, atol=atol)


def random_example(rng, net, zero_fraction=0.0):
    x = random_vector(rng, net.sizes[0], zero_fraction)
    x = [abs(v) for v in x]  # pixel-like inputs in [0, 1]
    return x, one_hot(rng.randrange(net.sizes[-1]), net.sizes[-1])


# ------------------------------------------------------------ sigmoid and cost

@step3
@pytest.mark.parametrize("z, expected", [(-1000.0, 0.0), (1000.0, 1.0), (0.0, 0.5),
                                         (-math.inf, 0.0), (math.inf, 1.0)])
def test_sigmoid_is_stable_at_the_extremes(z, expected):
    """exp(1000) overflows; the stable sigmoid never calls exp on a positive number."""
    assert sigmoid(z) == expected


@step3
def test_sigmoid_values_and_symmetry():
    assert sigmoid(2.0) == pytest.approx(1 / (1 + math.exp(-2.0)), rel=1e-15)
    assert sigmoid(-2.0) == pytest.approx(1 / (1 + math.exp(2.0)), rel=1e-15)
    for z in (-30.0, -3.0, -0.1, 0.7, 12.0):
        assert sigmoid(z) + sigmoid(-z) == pytest.approx(1.0, rel=1e-15)
        assert 0.0 < sigmoid(z) < 1.0


@step3
def test_sigmoid_prime():
    assert sigmoid_prime(0.0) == 0.25
    assert sigmoid_prime(1000.0) == 0.0 and sigmoid_prime(-1000.0) == 0.0
    h = 1e-6
    for z in (-4.0, -0.5, 0.3, 2.0):
        numeric = (sigmoid(z + h) - sigmoid(z - h)) / (2 * h)
        assert sigmoid_prime(z) == pytest.approx(numeric, rel=1e-8)


@step3
def test_quadratic_cost():
    assert quadratic_cost([0.5, 0.5], [1.0, 0.0]) == 0.25
    assert quadratic_cost([0.0, 1.0, 0.0], [0.0, 1.0, 0.0]) == 0.0
    assert quadratic_cost([1.0, 1.0, 1.0], [0.0, 0.0, 0.0]) == 1.5


# ------------------------------------------------------------ construction

@step3
def test_shapes_of_weights_and_biases():
    net = Network([5, 4, 3, 2], seed=0)
    assert net.sizes == [5, 4, 3, 2] and net.num_layers == 4
    assert [len(b) for b in net.biases] == [4, 3, 2]
    assert [(len(w), len(w[0])) for w in net.weights] == [(4, 5), (3, 4), (2, 3)]
    assert all(len(row) == len(w[0]) for w in net.weights for row in w)
    assert repr(net) == "Network([5, 4, 3, 2])"


@step3
def test_same_seed_same_weights_bit_for_bit():
    a, b = Network([784, 30, 10], seed=7), Network([784, 30, 10], seed=7)
    assert parameter_bits(a) == parameter_bits(b)


@step3
def test_different_seeds_give_different_weights():
    a, b = Network([10, 5, 3], seed=1), Network([10, 5, 3], seed=2)
    assert a.weights != b.weights and a.biases != b.biases
    assert Network([10, 5, 3]).weights != Network([10, 5, 3]).weights  # seed None: fresh


@step3
def test_init_scaled_and_standard_have_the_documented_spread():
    """scaled: weights ~ N(0, 1/n_in); standard: N(0, 1); biases ~ N(0, 1) in both."""
    for init, std in (("scaled", 1 / math.sqrt(400)), ("standard", 1.0)):
        net = Network([400, 100], seed=3, init=init)
        w = [w_jk for row in net.weights[0] for w_jk in row]
        assert abs(statistics.fmean(w)) < 0.05 * std
        assert statistics.pstdev(w) == pytest.approx(std, rel=0.03), init
    # 100 biases: a loose check, but 0.1 or 20 would fail it.
    assert statistics.pstdev(Network([400, 100], seed=3).biases[0]) == pytest.approx(1.0, rel=0.25)


@step3
def test_init_zeros():
    net = Network([4, 3, 2], init="zeros")
    assert all(v == 0.0 for b in net.biases for v in b)
    assert all(v == 0.0 for w in net.weights for row in w for v in row)
    assert net.feedforward([1.0, 0.0, 0.5, 0.2]) == [0.5, 0.5]
    assert set(INITS) == {"scaled", "standard", "zeros"}


@step3
@pytest.mark.parametrize("sizes", [[784], [], [3, 0], [3, -2], [3, 2.0], [3, True], ["3", 2]])
def test_bad_sizes_are_rejected(sizes):
    with pytest.raises(ValueError):
        Network(sizes)


@step3
def test_unknown_init_is_rejected():
    with pytest.raises(ValueError, match="xavier"):
        Network([3, 2], init="xavier")


# ------------------------------------------------------------ feedforward and predict

@step3
def test_feedforward_by_hand():
    net = Network.from_parameters([[[1.0, 2.0]]], [[0.5]])
    assert net.feedforward([1.0, 1.0]) == [sigmoid(3.5)]
    assert net.feedforward([0.0, 0.0]) == [sigmoid(0.5)]
    assert net.sizes == [2, 1]


@step3
@needs_numpy
def test_feedforward_matches_numpy(rng):
    for sizes in ([3, 4, 2], [784, 30, 10], [6, 5, 4, 3]):
        net = Network(sizes, seed=rng.randrange(1000))
        for zero_fraction in (0.0, 0.8):
            x, _ = random_example(rng, net, zero_fraction)
            np.testing.assert_allclose(net.feedforward(x), np_feedforward(net, x), rtol=1e-12)


@step3
def test_predict_is_argmax_of_the_output():
    # Output neuron j fires for input j: the network copies the index of the largest input.
    net = Network.from_parameters([[[10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 10.0]]],
                                  [[-5.0, -5.0, -5.0]])
    assert net.predict([1.0, 0.0, 0.0]) == 0
    assert net.predict([0.0, 0.2, 0.9]) == 2
    assert net.predict([0.1, 0.8, 0.3]) == 1


@step3
def test_sparse_forward_equals_dense_exactly(rng):
    """Skipping zero inputs changes nothing: w * 0 adds exactly nothing to a sum."""
    net = Network([50, 20, 10], seed=5)
    w, b = net.weights[0], net.biases[0]
    for zero_fraction in (0.0, 0.5, 0.81, 0.98, 1.0):
        a = [abs(v) for v in random_vector(rng, 50, zero_fraction)]
        dense = []
        for row, b_j in zip(w, b):  # z_j = b_j + w_j0 a_0 + w_j1 a_1 + ..., every k, in order
            total = b_j
            for w_jk, a_k in zip(row, a):
                total += w_jk * a_k
            dense.append(total)
        assert weighted_inputs(w, b, a) == dense
        assert weighted_inputs(w, b, a, nonzero_indices(a)) == dense
        assert weighted_inputs(w, b, a, range(50)) == dense
    one_nonzero = [0.0] * 50
    one_nonzero[17] = 0.3
    assert weighted_inputs(w, b, one_nonzero) == [row[17] * 0.3 + b_j for row, b_j in zip(w, b)]


@step3
def test_the_sums_in_c_agree_with_the_plain_loops(rng, train_full):
    """weighted_inputs_in_c (math.sumprod, CPython 3.12+) computes the same z as the
    reference weighted_inputs, to rounding, whatever the zeros; the forward pass uses
    it exactly where it is the faster one."""
    for sizes in ([784, 30, 10], [50, 20, 10]):
        net = Network(sizes, seed=2)
        inputs = [x for x, _ in train_full[:5]] if sizes[0] == 784 else [
            [abs(v) for v in random_vector(rng, 50, zero_fraction)]
            for zero_fraction in (0.0, 0.5, 0.98, 1.0)]
        for a in inputs:
            for w, b in zip(net.weights, net.biases):
                reference = weighted_inputs(w, b, a)
                assert weighted_inputs_in_c(w, b, a) == pytest.approx(reference, rel=1e-13,
                                                                      abs=1e-13)
                assert weighted_inputs_in_c(w, b, a, nonzero_indices(a)) == \
                    weighted_inputs_in_c(w, b, a)
                a = [sigmoid(z) for z in reference]
    one_nonzero = [0.0] * 50
    one_nonzero[17] = 0.3
    w, b = Network([50, 4], seed=1).weights[0], Network([50, 4], seed=1).biases[0]
    assert weighted_inputs_in_c(w, b, one_nonzero) == weighted_inputs(w, b, one_nonzero)
    in_c = hasattr(math, "sumprod") and platform.python_implementation() == "CPython"
    assert network_module.SUMS_IN_C == in_c


@step3
@pytest.mark.parametrize("in_c", [False, True])
def test_both_forward_passes_give_the_same_predictions(monkeypatch, train_full, in_c):
    net = Network([784, 30, 10], seed=3)
    expected = [net.predict(x) for x, _ in train_full[:50]]
    monkeypatch.setattr(network_module, "SUMS_IN_C", in_c)
    assert [net.predict(x) for x, _ in train_full[:50]] == expected
    zs, activations = net.forward(train_full[0][0])
    assert activations[-1] == pytest.approx(net.feedforward(train_full[0][0]), rel=1e-15)


@step3
@pytest.mark.parametrize("method", ["feedforward", "predict", "forward"])
@pytest.mark.parametrize("length", [0, 3, 5])
def test_input_of_the_wrong_length_is_rejected(method, length):
    net = Network([4, 3, 2], seed=0)
    with pytest.raises(ValueError) as error:
        getattr(net, method)([0.5] * length)
    assert str(length) in str(error.value) and "4" in str(error.value)


@step3
def test_forward_keeps_every_layer(rng):
    net = Network([4, 3, 2], seed=0)
    x = [0.1, 0.0, 0.7, 1.0]
    zs, activations = net.forward(x)
    assert activations[0] == x
    assert [len(z) for z in zs] == [3, 2]
    assert activations[1:] == [[sigmoid(v) for v in z] for z in zs]
    assert activations[-1] == net.feedforward(x)


# ------------------------------------------------------------ backpropagation

@step4
@pytest.mark.parametrize("sizes, h", [([3, 4, 2], 1e-5), ([4, 6, 5, 3], 1e-4)])
@pytest.mark.parametrize("zero_fraction", [0.0, 0.5])
def test_backprop_matches_central_differences(rng, sizes, h, zero_fraction):
    """Every weight and bias: backprop and (C(p+h) - C(p-h)) / 2h agree to 1e-6.

    The step h trades the h^2 error of the formula against rounding (about
    1e-16 / h). Gradients shrink layer by layer in a deeper sigmoid network,
    so there a larger h keeps the rounding small next to them.
    """
    net = Network(sizes, seed=sum(sizes))
    for _ in range(3):
        x, y = random_example(rng, net, zero_fraction)
        if zero_fraction:
            x[0] = 0.0  # at least one exact zero: the sparse path
            x[1] = 0.25
        analytic = net.backprop(x, y)
        numeric = numerical_gradient(net, x, y, h=h)
        assert max_relative_error(analytic, numeric) < 1e-6


@step4
def test_backprop_on_saturating_weights_matches_central_differences(rng):
    """Large weights ('standard' init, inputs up to 1) make small gradients; still right."""
    net = Network([6, 5, 3], seed=11, init="standard")
    x, y = random_example(rng, net)
    assert max_relative_error(net.backprop(x, y), numerical_gradient(net, x, y)) < 1e-6


@step4
def test_zero_inputs_get_exactly_zero_weight_gradients():
    """BP4: dC/dw_jk = a_k delta_j is exactly 0 where the input a_k is 0."""
    net = Network([4, 3, 2], seed=1)
    x = [0.0, 0.6, 0.0, 0.9]
    _, nabla_w = net.backprop(x, one_hot(1, 2))
    for row in nabla_w[0]:
        assert row[0] == 0.0 and row[2] == 0.0
        assert row[1] != 0.0 and row[3] != 0.0


@step4
@needs_numpy
@pytest.mark.parametrize("sizes", [[3, 4, 2], [784, 30, 10], [8, 6, 5, 4]])
def test_backprop_matches_numpy_reference(rng, sizes):
    net = Network(sizes, seed=len(sizes))
    for zero_fraction in (0.0, 0.8):
        x, y = random_example(rng, net, zero_fraction)
        assert_gradients_close(net.backprop(x, y), np_backprop(net, x, y))


@step4
def test_backprop_returns_shapes_like_the_parameters(rng):
    net = Network([5, 4, 3], seed=2)
    nabla_b, nabla_w = net.backprop(*random_example(rng, net))
    assert [len(v) for v in nabla_b] == [len(b) for b in net.biases]
    assert [(len(m), len(m[0])) for m in nabla_w] == [(len(w), len(w[0])) for w in net.weights]


@step4
def test_backprop_trace_holds_every_intermediate_value(rng):
    net = Network([4, 3, 2], seed=9)
    x, y = random_example(rng, net)
    trace = net.backprop_trace(x, y)
    assert set(trace) == {"zs", "activations", "deltas", "nabla_b", "nabla_w"}
    zs, activations = net.forward(x)
    assert trace["zs"] == zs and trace["activations"] == activations
    assert (trace["nabla_b"], trace["nabla_w"]) == net.backprop(x, y)
    assert trace["deltas"] == trace["nabla_b"]  # BP3: dC/db = delta
    a = activations[-1]
    assert trace["deltas"][-1] == [(a_j - y_j) * a_j * (1 - a_j) for a_j, y_j in zip(a, y)]  # BP1
    # BP4: dC/dw^l_jk = a^(l-1)_k delta^l_j
    assert trace["nabla_w"][1][1][2] == activations[1][2] * trace["deltas"][1][1]


@step4
def test_backprop_rejects_wrong_lengths():
    net = Network([4, 3, 2], seed=0)
    with pytest.raises(ValueError, match="target"):
        net.backprop([0.1] * 4, [0.0] * 3)
    with pytest.raises(ValueError, match="input"):
        net.backprop([0.1] * 5, [0.0] * 2)


@step4
def test_backprop_does_not_change_the_network(rng):
    net = Network([4, 3, 2], seed=0)
    before = parameter_bits(net)
    net.backprop(*random_example(rng, net))
    assert parameter_bits(net) == before


# ------------------------------------------------------------ bad inputs and sizes

@step3
@pytest.mark.parametrize("bad, shown", [(math.nan, "nan"), (math.inf, "inf"), (-math.inf, "-inf"),
                                        ("0.5", "'0.5', not a number"),
                                        (None, "None, not a number"),
                                        (10 ** 400, "an integer too large for a float")],
                         ids=["nan", "inf", "-inf", "str", "None", "10**400"])
def test_predict_names_the_bad_pixel(bad, shown):
    net = Network([5, 3, 2], seed=0)
    x = [0.0, 0.2, 0.5, 1.0, 0.1]
    x[3] = bad
    with pytest.raises(ValueError, match="^the input: pixel 3 is ") as error:
        net.predict(x)
    assert str(error.value) == "the input: pixel 3 is " + shown


@step3
def test_predict_accepts_finite_pixels_whose_sum_overflows():
    net = Network.from_parameters([[[1e-300, 1e-300]]], [[0.0]])
    assert net.predict([1e308, 1e308]) == 0


@step3
def test_check_size_refuses_a_network_too_large_for_the_memory():
    with pytest.raises(ValueError) as error:
        Network([784, 100000000, 10])
    message = str(error.value)
    assert message.startswith("a [784, 100000000, 10] network has 79,500,000,010 weights and "
                              "biases and would need about 7632.0 GB of memory")
    assert "this machine has" in message
    with pytest.raises(ValueError, match="need about 0.0 GB .* only 0.0 GB"):
        check_size([784, 30, 10], available_bytes=1000)
    # [784, 30, 10]: 23,860 parameters, 32 bytes each, three sets while training.
    assert check_size([784, 30, 10]) == 23860 * 32 * 3
    assert check_size([784, 30, 10], available_bytes=23860 * 96) == 23860 * 96
    with pytest.raises(ValueError, match="layer sizes must be positive"):
        check_size([784, 10 ** 30, -1])
    with pytest.raises(ValueError, match=r"\[784, 1000000000000000000000000000000, 10\] network"):
        check_size([784, 10 ** 30, 10])


@step3
def test_the_memory_estimate_is_honest():
    """A new network takes about BYTES_PER_PARAMETER per weight or bias, and a training
    step, while the old weights are kept, about twice that (tracemalloc counts what
    Python allocates); the third set in COPIES_WHILE_TRAINING is the best network
    so far, which the command line keeps."""
    if platform.python_implementation() != "CPython":
        pytest.skip("the estimate counts CPython's float objects; tracemalloc is CPython's")
    import tracemalloc
    from mnist_scratch.training import update_mini_batch
    parameters = 100 * 785 + 10 * 101  # [784, 100, 10]
    one_set = parameters * BYTES_PER_PARAMETER
    batch = [([0.5] * 784, label) for label in range(10)]  # no zero pixel: every weight moves
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        net = Network([784, 100, 10], seed=1)
        made = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.reset_peak()
        kept = net.weights, net.biases
        update_mini_batch(net, batch, 1.0)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert net.weights is not kept[0]
    assert 0.9 < made / one_set < 1.15
    assert 1.8 < peak / one_set < 2.3 < COPIES_WHILE_TRAINING


# ------------------------------------------------------------ costs and activations (chapter 3)

COSTS = ["quadratic", "cross-entropy", "log-likelihood"]
HIDDEN = ["sigmoid", "tanh", "relu"]
COMBINATIONS = [(cost, activation) for cost in COSTS for activation in HIDDEN]


@step4
@pytest.mark.parametrize("cost, activation", COMBINATIONS)
@pytest.mark.parametrize("sizes", [[3, 4, 2], [5, 6, 6, 3], [4, 3, 3, 3, 2]])
def test_backprop_matches_central_differences_for_every_cost_and_activation(
        rng, cost, activation, sizes):
    """BP1 comes from the cost, BP2 from the hidden activation: every pair, shallow and
    deep, agrees with (C(p+h) - C(p-h)) / 2h of the network's own cost: to 1e-6 of each
    entry, or to 1e-9 for an entry below 1e-3 (the rounding of the differences is about
    1e-16 C / h = 1e-11 here, more than 1e-6 of the smallest entries of a deep network)."""
    net = Network(sizes, seed=len(sizes), activation=activation, cost=cost)
    for _ in range(3):
        x, y = random_example(rng, net, zero_fraction=0.3)
        analytic = net.backprop(x, y)
        numeric = numerical_gradient(net, x, y, h=1e-5)
        assert max_relative_error(analytic, numeric, floor=1e-3) < 1e-6


@step4
@pytest.mark.parametrize("cost, activation", COMBINATIONS)
def test_same_seed_same_network_bit_for_bit_for_every_cost_and_activation(rng, cost, activation):
    """The seed alone fixes the weights (the cost and activation draw nothing), and
    the same network computes the same gradient bit for bit."""
    a = Network([6, 5, 4, 3], seed=7, activation=activation, cost=cost)
    b = Network([6, 5, 4, 3], seed=7, activation=activation, cost=cost)
    assert parameter_bits(a) == parameter_bits(b) == parameter_bits(Network([6, 5, 4, 3], seed=7))
    x, y = random_example(rng, a)
    assert repr(a.backprop(x, y)) == repr(b.backprop(x, y))
    assert a.feedforward(x) == b.feedforward(x)


@step4
@pytest.mark.parametrize("cost, activation", COMBINATIONS)
def test_the_layers_use_the_chosen_functions(rng, cost, activation):
    net = Network([5, 4, 4, 3], seed=2, activation=activation, cost=cost)
    output = "softmax" if cost == "log-likelihood" else "sigmoid"
    assert net.activation_names == [activation, activation, output]
    assert (net.cost.name, net.activation.name) == (cost, activation)
    x, y = random_example(rng, net)
    trace = net.backprop_trace(x, y)
    zs, activations = trace["zs"], trace["activations"]
    for f, z, a in zip(net.activation_functions, zs, activations[1:]):
        assert a == f.fn(z)
    assert trace["deltas"][-1] == net.cost.delta(zs[-1], activations[-1], y)  # BP1
    if cost == "log-likelihood":
        assert sum(activations[-1]) == pytest.approx(1.0, rel=1e-15)
    assert activations[-1] == net.feedforward(x)


@step4
def test_relu_zeros_are_skipped_with_the_same_result(rng):
    """A ReLU layer's zero outputs are skipped like zero pixels: the same z as dense sums."""
    net = Network([6, 8, 3], seed=4, activation="relu")
    x, _ = random_example(rng, net)
    zs, activations = net.forward(x)
    hidden = activations[1]
    assert 0.0 in hidden and any(hidden)
    w, b = net.weights[1], net.biases[1]
    dense = [b_j + sum(row[k] * hidden[k] for k in range(8)) for row, b_j in zip(w, b)]
    assert zs[1] == pytest.approx(dense, rel=1e-15)


@step4
@pytest.mark.parametrize("activation", HIDDEN)
def test_backprop_with_dropout_masks_is_the_gradient_of_the_thinned_network(rng, activation):
    """With dropout masks fixed, the network is an ordinary function of its parameters:
    the deltas (BP1, BP2 through the masks) give its gradient."""
    net = Network([5, 6, 4, 3], seed=3, activation=activation, cost="cross-entropy")
    masks = [[0.0, 2.0, 2.0, 0.0, 2.0, 2.0], [2.0, 0.0, 2.0, 2.0]]  # p = 0.5
    x, y = random_example(rng, net)
    zs, activations, deltas = net._errors(x, y, None, masks)
    assert activations[1][0] == activations[1][3] == 0.0 and activations[2][1] == 0.0
    assert deltas[0][0] == deltas[0][3] == 0.0 and deltas[1][1] == 0.0  # dropped: no error

    def cost():
        return net.cost.fn(net.forward(x, None, masks)[1][-1], y)

    h = 1e-5
    for i, (w, delta, a_prev) in enumerate(zip(net.weights, deltas, activations)):
        for j in range(len(w)):
            for vector, k, analytic in ((w[j], 1, delta[j] * a_prev[1]),  # BP4
                                        (net.biases[i], j, delta[j])):   # BP3
                original = vector[k]
                vector[k] = original + h
                plus = cost()
                vector[k] = original - h
                minus = cost()
                vector[k] = original
                assert analytic == pytest.approx((plus - minus) / (2 * h), rel=1e-6, abs=1e-9)


@step3
def test_unknown_cost_or_activation_is_rejected():
    with pytest.raises(ValueError, match="unknown cost 'hinge'; choose one of quadratic, "
                                         "cross-entropy, log-likelihood"):
        Network([3, 2], cost="hinge")
    with pytest.raises(ValueError, match="unknown activation 'softmax'; choose one of sigmoid, "
                                         "tanh, relu"):
        Network([3, 4, 2], activation="softmax")


@step3
def test_repr_names_what_is_not_the_default():
    assert repr(Network([3, 4, 2], activation="relu", cost="log-likelihood")) == \
        "Network([3, 4, 2], activation='relu', cost='log-likelihood')"
    assert repr(Network([3, 2], cost="cross-entropy")) == "Network([3, 2], cost='cross-entropy')"
    net = Network.from_parameters([[[1.0, 2.0]]], [[0.5]], activation="tanh", cost="log-likelihood")
    assert net.activation_names == ["softmax"] and net.feedforward([0.3, 0.1]) == [1.0]
