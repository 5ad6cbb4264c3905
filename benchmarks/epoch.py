"""Seconds per training epoch: mnist_scratch against a numpy version of the same loop.

    python benchmarks/epoch.py                 # 5,000 examples per variant, scaled to 50,000
    python benchmarks/epoch.py --examples 10000 --naive 200

All variants train [784, 30, 10] with mini-batch SGD (mini-batch 10, eta 3.0)
on the same real MNIST examples, in one run, and the figures are scaled to an
epoch of 50,000 examples. Comparing ratios measured side by side makes the
result meaningful on any machine, however fast it is.

  mnist_scratch   the project's own update_mini_batch (pure Python)
  numpy           the same per-example backprop loop written with numpy arrays
                  (as in the book's network.py: one example at a time, then the
                  mini-batch step), which is what pure Python is measured against
  naive           (--naive N) textbook nested loops on plain lists, with no
                  idioms: every product written out, no zero skipping

numpy is used here only, never in mnist_scratch itself.
"""

import argparse
import math
import os
import platform
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mnist_scratch.datasets import load_mnist  # noqa: E402
from mnist_scratch.network import Network, sigmoid  # noqa: E402
from mnist_scratch.training import mini_batches, update_mini_batch  # noqa: E402

SIZES = [784, 30, 10]
MINI_BATCH_SIZE = 10
ETA = 3.0
EPOCH = 50000


def mnist_scratch_trainer(seed):
    network = Network(SIZES, seed=seed)
    rng = random.Random(seed)

    def train(data):
        batches = mini_batches(data, MINI_BATCH_SIZE, rng)
        start = time.perf_counter()
        for batch in batches:
            update_mini_batch(network, batch, ETA)
        return time.perf_counter() - start
    return train


def numpy_trainer(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    biases = [rng.standard_normal((n, 1)) for n in SIZES[1:]]
    weights = [rng.standard_normal((n_out, n_in)) / math.sqrt(n_in)
               for n_in, n_out in zip(SIZES[:-1], SIZES[1:])]
    shuffle = random.Random(seed).shuffle

    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))

    def backprop(x, y):
        activation, activations = x, [x]
        for b, w in zip(biases, weights):
            activation = sigmoid(w @ activation + b)
            activations.append(activation)
        a = activations[-1]
        delta = (a - y) * a * (1 - a)                       # BP1
        nabla_b = [None] * len(weights)
        nabla_w = [None] * len(weights)
        nabla_b[-1], nabla_w[-1] = delta, delta @ activations[-2].T   # BP3, BP4
        for l in range(2, len(SIZES)):
            a = activations[-l]
            delta = (weights[-l + 1].T @ delta) * a * (1 - a)           # BP2
            nabla_b[-l], nabla_w[-l] = delta, delta @ activations[-l - 1].T
        return nabla_b, nabla_w

    def train(data):
        examples = []  # converting to arrays is not timed: numpy keeps its data as arrays
        for x, label in data:
            y = np.zeros((10, 1))
            y[label] = 1.0
            examples.append((np.array(x).reshape(784, 1), y))
        shuffle(examples)
        start = time.perf_counter()
        for k in range(0, len(examples), MINI_BATCH_SIZE):
            batch = examples[k:k + MINI_BATCH_SIZE]
            sum_b = [np.zeros(b.shape) for b in biases]
            sum_w = [np.zeros(w.shape) for w in weights]
            for x, y in batch:
                nabla_b, nabla_w = backprop(x, y)
                sum_b = [s + n for s, n in zip(sum_b, nabla_b)]
                sum_w = [s + n for s, n in zip(sum_w, nabla_w)]
            step = ETA / len(batch)
            weights[:] = [w - step * s for w, s in zip(weights, sum_w)]
            biases[:] = [b - step * s for b, s in zip(biases, sum_b)]
        return time.perf_counter() - start
    return train


def naive_trainer(seed):
    """Plain nested loops, as a first version on lists usually looks."""
    network = Network(SIZES, seed=seed)
    weights, biases = network.weights, network.biases

    def train(data):
        return naive_epoch(weights, biases, data)
    return train


def naive_epoch(weights, biases, data):
    start = time.perf_counter()
    for k in range(0, len(data), MINI_BATCH_SIZE):
        batch = data[k:k + MINI_BATCH_SIZE]
        nabla_b = [[0.0] * len(b) for b in biases]
        nabla_w = [[[0.0] * len(w[0]) for _ in w] for w in weights]
        for x, label in batch:
            activations = [x]
            for w, b in zip(weights, biases):
                a_prev = activations[-1]
                z = []
                for j in range(len(w)):
                    total = b[j]
                    for i in range(len(a_prev)):
                        total += w[j][i] * a_prev[i]
                    z.append(total)
                activations.append([sigmoid(v) for v in z])
            a = activations[-1]
            delta = [(a[j] - (1.0 if j == label else 0.0)) * a[j] * (1 - a[j]) for j in range(len(a))]
            for layer in range(len(weights) - 1, -1, -1):
                a_prev = activations[layer]
                for j in range(len(delta)):
                    nabla_b[layer][j] += delta[j]
                    for i in range(len(a_prev)):
                        nabla_w[layer][j][i] += delta[j] * a_prev[i]
                if layer:
                    w = weights[layer]
                    delta = [sum(w[j][i] * delta[j] for j in range(len(delta)))
                             * a_prev[i] * (1 - a_prev[i]) for i in range(len(a_prev))]
        step = ETA / len(batch)
        for layer in range(len(weights)):
            for j in range(len(weights[layer])):
                biases[layer][j] -= step * nabla_b[layer][j]
                for i in range(len(weights[layer][j])):
                    weights[layer][j][i] -= step * nabla_w[layer][j][i]
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=5000,
                        help="examples timed for mnist_scratch and numpy (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="the examples are timed in this many rounds, the variants taking "
                             "turns, so a change in machine load hits all alike (default: %(default)s)")
    parser.add_argument("--naive", type=int, default=0, metavar="N",
                        help="also time the naive nested loops on N examples (e.g. 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)

    data = load_mnist("train", args.data_dir, limit=args.examples)
    print("Python %s on %s; [784, 30, 10], mini-batch %d, %d examples timed in %d rounds, "
          "scaled to an epoch of %d" % (platform.python_version(), platform.machine(),
                                        MINI_BATCH_SIZE, len(data), args.rounds, EPOCH))
    variants = [("numpy", numpy_trainer, len(data)),
                ("mnist_scratch", mnist_scratch_trainer, len(data)),
                ("naive", naive_trainer, args.naive)]
    trainers, seconds, counts = {}, {}, {}
    for name, factory, n in variants:
        if n <= 0:
            continue
        try:
            trainers[name] = factory(args.seed)
        except ImportError as e:
            print("%-14s skipped (%s)" % (name, e))
            continue
        seconds[name], counts[name] = 0.0, 0
    for r in range(args.rounds):
        for name, factory, n in variants:
            if name not in trainers:
                continue
            chunk = data[r * n // args.rounds:(r + 1) * n // args.rounds]
            seconds[name] += trainers[name](chunk)
            counts[name] += len(chunk)
    per_epoch = {name: seconds[name] / counts[name] * EPOCH for name in trainers}
    base = per_epoch.get("numpy")
    for name, value in per_epoch.items():
        ratio = " %6.1fx numpy" % (value / base) if base else ""
        print("%-14s %8.1f s per epoch  %7.0f us per example%s"
              % (name, value, value / EPOCH * 1e6, ratio))


if __name__ == "__main__":
    main()
