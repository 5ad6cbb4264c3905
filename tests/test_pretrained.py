"""The pretrained networks shipped in data/networks/ (steps 3 and 5).

These files are part of the project: if one is missing, these tests fail
(they do not skip), because the notebooks and the README rely on them.
"""

import os

import pytest

from conftest import NETWORKS_DIR, ROOT
from mnist_scratch.network import Network
from mnist_scratch.training import evaluate

HIDDEN = os.path.join(NETWORKS_DIR, "mnist-784-30-10.json")
CHAPTER_3 = os.path.join(NETWORKS_DIR, "mnist-784-100-10.json")
SINGLE_LAYER = os.path.join(NETWORKS_DIR, "mnist-784-10.json")


README = os.path.join(ROOT, "README.md")


def readme_row(file_name):
    """The README's results-table row for a shipped network file."""
    with open(README, encoding="utf-8") as f:
        rows = [line for line in f if line.startswith("|") and "`%s`" % file_name in line]
    assert len(rows) == 1, "the README should have one results row for %s" % file_name
    return rows[0]


def assert_readme_reports(net, result, file_name):
    """The README's numbers are the measured ones: test and validation accuracy, best epoch."""
    row = readme_row(file_name)
    assert "**%.2f%%**" % (100 * result.accuracy) in row, row
    assert "%.2f%%" % (100 * net.meta["validation_accuracy"]) in row, row
    assert "| %d of %d |" % (net.meta["epoch"], net.meta["epochs"]) in row, row


def load_shipped(path):
    assert os.path.isfile(path), "the pretrained network %s is missing" % path
    return Network.load(path)


@pytest.mark.step5
def test_pretrained_784_30_10_scores_at_least_95_percent_on_the_test_set(test_set):
    net = load_shipped(HIDDEN)
    assert net.sizes == [784, 30, 10]
    assert net.meta.get("trained_by") == "python -m mnist_scratch.learn"
    result = evaluate(net, test_set)
    assert result.total == 10000
    assert result.accuracy >= 0.95, result
    assert_readme_reports(net, result, "mnist-784-30-10.json")


@pytest.mark.step3
def test_pretrained_784_10_scores_at_least_90_percent_on_the_test_set(test_set):
    net = load_shipped(SINGLE_LAYER)
    assert net.sizes == [784, 10]
    result = evaluate(net, test_set)
    assert result.total == 10000
    assert result.accuracy >= 0.90, result
    assert_readme_reports(net, result, "mnist-784-10.json")


@pytest.mark.step8
def test_chapter_3_network_beats_the_book_on_the_test_set(test_set):
    """[784, 100, 10], ReLU and softmax, L2, distortions: chosen by validation accuracy.
    The book's chapter 3 network scores 98.04%; this one measured 98.88%."""
    net = load_shipped(CHAPTER_3)
    assert net.sizes == [784, 100, 10]
    assert net.activation_names == ["relu", "softmax"] and net.cost.name == "log-likelihood"
    result = evaluate(net, test_set)
    assert result.total == 10000
    assert result.accuracy >= 0.985, result
    assert_readme_reports(net, result, "mnist-784-100-10.json")
