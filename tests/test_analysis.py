"""Tests of analysis.py, the numbers behind the pictures, against numpy and plain loops.

analysis.py is core: it must import nothing beyond the standard library, so
a command can print a confusion matrix without matplotlib.
"""

import math
import subprocess
import sys

import pytest

from mnist_scratch import analysis
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import sgd

from conftest import needs_numpy, np

pytestmark = pytest.mark.step6


def test_analysis_imports_only_the_standard_library():
    code = ("import sys, mnist_scratch.analysis\n"
            "print(sorted(m for m in ('numpy', 'matplotlib', 'PIL', 'imageio') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_confusion_matrix_and_most_confused_pairs():
    labels = [4, 4, 4, 9, 9, 3, 5, 5, 1]
    predictions = [4, 9, 9, 4, 9, 5, 3, 5, 1]
    matrix = analysis.confusion_matrix(labels, predictions)
    assert matrix[4][9] == 2 and matrix[9][4] == 1 and matrix[4][4] == 1
    assert sum(map(sum, matrix)) == len(labels)
    assert analysis.most_confused_pairs(matrix) == [(4, 9, 2, 1), (3, 5, 1, 1)]
    assert analysis.most_confused_pairs(matrix, top=1) == [(4, 9, 2, 1)]
    with pytest.raises(ValueError, match="2 labels but 1 predictions"):
        analysis.confusion_matrix([1, 2], [1])


def test_describe_pair_is_one_readable_line():
    assert analysis.describe_pair((4, 9, 22, 29)) == "4 read as 9: 22 times; 9 read as 4: 29 times"
    assert analysis.describe_pair((0, 6, 1, 0)) == "0 read as 6: once; 6 read as 0: never"


@needs_numpy
def test_output_weighted_inputs_are_the_z_of_the_output_layer():
    net = Network([784, 5, 10], seed=2)
    x = load_mnist("test", limit=1)[0][0]
    w1, w2 = (np.array(w) for w in net.weights)
    b1, b2 = (np.array(b) for b in net.biases)
    hidden = 1 / (1 + np.exp(-(w1 @ np.array(x) + b1)))
    zs = analysis.output_weighted_inputs(net, x)
    assert np.allclose(zs, w2 @ hidden + b2)
    assert np.allclose(1 / (1 + np.exp(-np.array(zs))), net.feedforward(x))


@pytest.fixture(scope="module")
def quick_network():
    """A [784, 10] network after one quick epoch: it makes plenty of mistakes."""
    net = Network([784, 10], seed=3)
    sgd(net, load_mnist("train", limit=500), 1, 10, 3.0, seed=3)
    return net


@needs_numpy
def test_confidently_wrong_are_wrong_sorted_and_have_a_runner_up(quick_network):
    data = load_mnist("test", limit=300)
    wrong = analysis.confidently_wrong(quick_network, data, count=8)
    assert len(wrong) == 8, "a network trained for a second makes mistakes"
    for mistake in wrong:
        output = quick_network.feedforward(mistake.x)
        assert mistake.predicted == int(np.argmax(output)) != mistake.label
        assert mistake.runner_up == int(np.argsort(mistake.zs)[-2])
        assert np.allclose(mistake.zs, analysis.output_weighted_inputs(quick_network, mistake.x))
    strengths = [m.zs[m.predicted] for m in wrong]
    assert strengths == sorted(strengths, reverse=True)
    assert all(m.zs[m.predicted] > m.zs[m.label] for m in wrong)
    # Given the predictions, only the wrong ones are fed forward again: the same answer.
    predictions = [quick_network.predict(x) for x, _ in data]
    again = analysis.confidently_wrong(quick_network, data, count=8, predictions=predictions)
    assert [(m.label, m.predicted) for m in again] == [(m.label, m.predicted) for m in wrong]


@needs_numpy
def test_weight_product_is_the_matrix_product():
    single = Network([784, 10], seed=1)
    assert analysis.looks_for(single) == single.weights[0]
    deep = Network([784, 5, 4, 10], seed=1)
    w1, w2, w3 = (np.array(w) for w in deep.weights)
    product = analysis.looks_for(deep)
    assert np.array(product).shape == (10, 784)
    assert np.allclose(product, w3 @ w2 @ w1)


def test_largest_magnitude():
    assert analysis.largest_magnitude([[1.0, -3.0], [2.0]]) == 3.0
    assert analysis.largest_magnitude([[1.0, math.nan]]) == math.inf
    assert analysis.largest_magnitude([[1e308 * 10]]) == math.inf


@needs_numpy
def test_moving_average_against_a_plain_loop():
    values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0]
    window = 3
    expected = []
    for i in range(len(values)):
        last = values[max(0, i - window + 1):i + 1]
        expected.append(sum(last) / len(last))
    assert np.allclose(analysis.moving_average(values, window), expected)
    assert analysis.moving_average(values, 1) == values
    assert analysis.moving_average([], 5) == []
    with pytest.raises(ValueError):
        analysis.moving_average(values, 0)


@pytest.mark.parametrize("q", [0, 12.5, 50, 99.5, 100])
@needs_numpy
def test_percentile_as_numpy_computes_it(q):
    values = [float(v) for v in np.random.default_rng(5).normal(size=101)]
    assert math.isclose(analysis.percentile_of(values, q), np.percentile(values, q))


def test_symmetric_limit():
    assert analysis.symmetric_limit([[[0.0, 0.0]]]) == 1.0  # all zero: still a valid scale
    assert analysis.symmetric_limit([[1.0, -3.0], [2.0]], percentile=100) == 3.0
    # one group per frame: the largest percentile over the frames
    frames = [[[0.1, -0.2]], [[0.5, -0.4]]]
    assert analysis.symmetric_limit(frames, percentile=100) == 0.5
    # robust: what is not finite is left out, and huge weights still give a drawable scale
    assert analysis.symmetric_limit([[math.inf, math.nan, 2.0]], percentile=100) == 2.0
    assert analysis.symmetric_limit([[1e308, -1e308]]) == analysis.LARGEST_LIMIT
    assert math.isfinite(2 * 20 * analysis.LARGEST_LIMIT)
