"""Tests for network.py: the sigmoid network, backpropagation, saving and loading.

Step 3 covers the forward pass, predictions, the cost and saved files; step 4
checks backpropagation against central differences and against an
independent numpy implementation of the same four equations.
"""

import json
import math
import os
import stat

import numpy as np
import pytest

from conftest import parameter_bits, random_vector
from mnist_scratch import fileio
from mnist_scratch.gradcheck import max_relative_error, numerical_gradient
from mnist_scratch.linalg import one_hot
from mnist_scratch.network import (FORMAT, FORMAT_VERSION, INITS, Network, NetworkFormatError,
                                   quadratic_cost, sigmoid, sigmoid_prime, weighted_inputs)

step3 = pytest.mark.step3
step4 = pytest.mark.step4


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
        w = np.array(net.weights[0])
        assert abs(w.mean()) < 0.05 * std
        assert w.std() == pytest.approx(std, rel=0.03), init
    # 100 biases: a loose check, but 0.1 or 20 would fail it.
    assert np.std(Network([400, 100], seed=3).biases[0]) == pytest.approx(1.0, rel=0.25)


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
        dense = [sum(w_jk * a_k for w_jk, a_k in zip(row, a)) + b_j for row, b_j in zip(w, b)]
        assert weighted_inputs(w, b, a) == dense
    one_nonzero = [0.0] * 50
    one_nonzero[17] = 0.3
    assert weighted_inputs(w, b, one_nonzero) == [row[17] * 0.3 + b_j for row, b_j in zip(w, b)]


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
def test_accumulate_mode_adds_up_single_example_gradients(rng):
    net = Network([6, 5, 3], seed=4)
    examples = [random_example(rng, net, zero_fraction=0.5) for _ in range(5)]
    nabla_b = [[0.0] * len(b) for b in net.biases]
    nabla_w = [[[0.0] * len(row) for row in w] for w in net.weights]
    for x, y in examples:
        returned = net.backprop(x, y, nabla_b, nabla_w)
        assert returned[0] is nabla_b and returned[1] is nabla_w  # filled in place
    # The same sum with plain loops over fresh single-example gradients.
    singles = [net.backprop(x, y) for x, y in examples]
    sum_b = [[sum(g[0][i][j] for g in singles) for j in range(len(b))]
             for i, b in enumerate(net.biases)]
    sum_w = [[[sum(g[1][i][j][k] for g in singles) for k in range(len(row))]
              for j, row in enumerate(w)] for i, w in enumerate(net.weights)]
    assert nabla_b == sum_b
    assert nabla_w == sum_w


@step4
def test_backprop_trace_holds_the_intermediate_values(rng):
    net = Network([4, 3, 2], seed=9)
    x, y = random_example(rng, net)
    trace = {}
    nabla_b, _ = net.backprop(x, y, trace=trace)
    zs, activations = net.forward(x)
    assert trace["zs"] == zs and trace["activations"] == activations
    assert trace["deltas"] == nabla_b  # BP3: dC/db = delta
    a = activations[-1]
    assert trace["deltas"][-1] == [(a_j - y_j) * a_j * (1 - a_j) for a_j, y_j in zip(a, y)]  # BP1


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


# ------------------------------------------------------------ save and load

def trained_looking_network():
    net = Network([7, 5, 3], seed=12)
    net.weights[0][0][0] = 1 / 3            # floats that need all 17 digits
    net.weights[1][2][4] = -0.0
    net.biases[1][0] = 5e-324               # the smallest subnormal
    net.meta = {"epoch": 3, "validation_accuracy": 0.9581, "note": "ünïcode", "nested": [1, {"a": None}]}
    return net


@step3
def test_save_load_round_trip_is_bit_for_bit(tmp_path):
    net = trained_looking_network()
    path = str(tmp_path / "net.json")
    net.save(path)
    loaded = Network.load(path)
    assert loaded.sizes == net.sizes and loaded.num_layers == 3
    assert parameter_bits(loaded) == parameter_bits(net)
    assert loaded.meta == net.meta
    x = [0.1 * k for k in range(7)]
    assert loaded.feedforward(x) == net.feedforward(x)


@step3
def test_saved_file_is_the_documented_json(tmp_path):
    net = trained_looking_network()
    path = tmp_path / "net.json"
    net.save(str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT == "mnist_scratch.network"
    assert data["version"] == FORMAT_VERSION == 1
    assert data["sizes"] == [7, 5, 3]
    assert (data["activation"], data["cost"]) == ("sigmoid", "quadratic")
    assert data["weights"] == net.weights and data["biases"] == net.biases


@step3
def test_save_leaves_no_temporary_files_and_normal_permissions(tmp_path):
    path = tmp_path / "net.json"
    Network([3, 2], seed=0).save(str(path))
    Network([3, 2], seed=1).save(str(path))  # overwrite
    assert os.listdir(str(tmp_path)) == ["net.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o666 & ~umask


@step3
@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_failed_save_keeps_the_old_file(tmp_path, monkeypatch, failure):
    """The new file is written to a temporary name and renamed: if anything fails
    (even Ctrl-C) before the rename, the old file is intact and no temp file is left."""
    path = tmp_path / "net.json"
    Network([3, 2], seed=0).save(str(path))
    old = path.read_bytes()

    def broken_replace(src, dst):
        raise failure
    monkeypatch.setattr(fileio.os, "replace", broken_replace)
    with pytest.raises(type(failure)):
        Network([3, 2], seed=1).save(str(path))
    assert path.read_bytes() == old
    assert os.listdir(str(tmp_path)) == ["net.json"]


@step3
def test_failed_serialisation_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "net.json"
    Network([3, 2], seed=0).save(str(path))
    old = path.read_bytes()
    import mnist_scratch.network as network_module

    def broken_dumps(*args, **kwargs):
        raise TypeError("cannot serialise")
    monkeypatch.setattr(network_module.json, "dumps", broken_dumps)
    with pytest.raises(TypeError):
        Network([3, 2], seed=1).save(str(path))
    assert path.read_bytes() == old
    assert os.listdir(str(tmp_path)) == ["net.json"]


@step3
def test_save_into_a_missing_folder_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="no-such-folder"):
        Network([3, 2], seed=0).save(str(tmp_path / "no-such-folder" / "net.json"))


@step3
def test_load_missing_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.json"):
        Network.load(str(tmp_path / "absent.json"))


def valid_dict():
    return Network([3, 2, 2], seed=0).to_dict()


def edit(change):
    def make():
        data = valid_dict()
        change(data)
        return json.dumps(data)
    return make


MALFORMED_NETWORKS = {
    "not json": lambda: "{this is not json",
    "empty file": lambda: "",
    "an integer with 5000 digits": lambda: '{"sizes": [' + "7" * 5000 + ', 2]}',
    "a list": lambda: json.dumps([1, 2, 3]),
    "a number": lambda: "42",
    "missing sizes": edit(lambda d: d.pop("sizes")),
    "missing weights": edit(lambda d: d.pop("weights")),
    "missing biases": edit(lambda d: d.pop("biases")),
    "sizes disagree with weights": edit(lambda d: d.update(sizes=[3, 4, 2])),
    "too few weight matrices": edit(lambda d: d["weights"].pop()),
    "too many bias vectors": edit(lambda d: d["biases"].append([0.0, 0.0])),
    "ragged row": edit(lambda d: d["weights"][0][1].pop()),
    "missing row": edit(lambda d: d["weights"][1].pop()),
    "short bias vector": edit(lambda d: d["biases"][1].pop()),
    "NaN weight": edit(lambda d: d["weights"][0][0].__setitem__(0, float("nan"))),
    "Infinity bias": edit(lambda d: d["biases"][0].__setitem__(1, float("inf"))),
    "-Infinity weight": edit(lambda d: d["weights"][1][0].__setitem__(1, float("-inf"))),
    "int too large for a float": edit(lambda d: d["weights"][0][0].__setitem__(0, 10**400)),
    "string instead of a number": edit(lambda d: d["weights"][0][0].__setitem__(0, "0.5")),
    "null instead of a number": edit(lambda d: d["biases"][0].__setitem__(0, None)),
    "bool instead of a number": edit(lambda d: d["biases"][0].__setitem__(0, True)),
    "row is a number": edit(lambda d: d["weights"][0].__setitem__(0, 1.0)),
    "matrix is a dict": edit(lambda d: d["weights"].__setitem__(0, {"a": 1})),
    "wrong version": edit(lambda d: d.update(version=2)),
    "wrong format": edit(lambda d: d.update(format="keras")),
    "wrong activation": edit(lambda d: d.update(activation="relu")),
    "wrong cost": edit(lambda d: d.update(cost="cross-entropy")),
    "bool sizes": edit(lambda d: d.update(sizes=[3, True, 2])),
    "float sizes": edit(lambda d: d.update(sizes=[3.0, 2, 2])),
    "one size only": edit(lambda d: d.update(sizes=[3])),
    "sizes not a list": edit(lambda d: d.update(sizes="3 2 2")),
}


@step3
@pytest.mark.parametrize("case", sorted(MALFORMED_NETWORKS))
def test_malformed_network_files_are_rejected(tmp_path, case):
    path = tmp_path / "bad-network.json"
    path.write_text(MALFORMED_NETWORKS[case](), encoding="utf-8")
    with pytest.raises(NetworkFormatError) as error:
        Network.load(str(path))
    assert str(path) in str(error.value)


@step3
def test_binary_file_is_rejected(tmp_path):
    path = tmp_path / "net.json"
    path.write_bytes(b"\xff\xfe\x00\x81 binary")
    with pytest.raises(NetworkFormatError, match="net.json"):
        Network.load(str(path))


@step3
def test_valid_edits_still_load(tmp_path):
    """The checks are not too strict: optional keys may be absent, ints are numbers."""
    data = valid_dict()
    for key in ("format", "version", "activation", "cost", "meta"):
        data.pop(key)
    data["weights"][0][0][0] = 1  # an int weight
    path = tmp_path / "net.json"
    path.write_text(json.dumps(data))
    net = Network.load(str(path))
    assert net.weights[0][0][0] == 1.0 and type(net.weights[0][0][0]) is float
    assert net.meta == {}


@step3
def test_network_format_error_is_a_value_error():
    assert issubclass(NetworkFormatError, ValueError)
