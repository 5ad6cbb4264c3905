"""Seconds per training epoch: mnist_scratch on several Pythons against numpy, side by side.

    python benchmarks/epoch.py                          # this Python, and PyPy if pypy3 is installed
    python benchmarks/epoch.py --python /usr/bin/python3.13 --python /opt/pypy/bin/pypy3
    python benchmarks/epoch.py --examples 10000 --naive 200 --no-pypy

Every variant trains [784, 30, 10] with mini-batch SGD (mini-batch 10, eta 3.0)
on the same real MNIST examples, and the figures are scaled to an epoch of
50,000 examples. The variants take turns, round by round, in one run (other
Pythons run as worker processes that wait for their turn), so a change in the
machine's load hits all of them alike, and the ratios mean the same on any
machine, however fast or busy it is.

  numpy per example   the book's network.py with numpy arrays: backprop one
                      example at a time, then the mini-batch step. The
                      reference pure Python is measured against.
  numpy batched       the same algorithm with each mini-batch as one matrix
                      (the book's "fully matrix-based" exercise).
  mnist_scratch       the project's own sgd, one epoch per round, on this
                      Python and on each --python (and PyPy, if installed),
                      timed as sgd times an epoch.
                      numpy is not needed there: a Python without numpy (PyPy)
                      is compared with numpy measured under this one.
  naive               (--naive N) textbook nested loops on plain lists, with no
                      zero skipping, on this Python.

Each variant first trains untimed on --warmup other examples, so PyPy's
compiler has warmed up, as it has in any real run. numpy runs under the Python
that runs this script (its rows name it): to compare each Python with numpy on
that same Python, run the script under each. numpy is used here only,
never in mnist_scratch itself.
"""

import argparse
import math
import os
import platform
import random
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from mnist_scratch.datasets import load_mnist  # noqa: E402
from mnist_scratch.network import Network, sigmoid  # noqa: E402
from mnist_scratch.training import sgd  # noqa: E402

SIZES = [784, 30, 10]
MINI_BATCH_SIZE = 10
ETA = 3.0
EPOCH = 50000


def python_name():
    """E.g. "CPython 3.11.7" or "PyPy 7.3.11 (3.9.16)"."""
    if platform.python_implementation() == "PyPy":
        v = sys.pypy_version_info
        return "PyPy %d.%d.%d (%s)" % (v.major, v.minor, v.micro, platform.python_version())
    return "%s %s" % (platform.python_implementation(), platform.python_version())


def numpy_version():
    """numpy's version, or "(not installed)"."""
    try:
        import numpy
    except ImportError:
        return "(not installed)"
    return numpy.__version__


# ------------------------------------------------------------ the trainers
# Each factory returns train(examples) -> seconds spent training on them.

def mnist_scratch_trainer(seed):
    network = Network(SIZES, seed=seed)
    rng = random.Random(seed)

    def train(data):
        history = sgd(network, data, 1, MINI_BATCH_SIZE, ETA, seed=rng)
        # The epoch's own time, as `learn` reports it: without the checks of the
        # examples, which sgd makes once per call, not once per epoch.
        return history.epochs[0]["seconds"]
    return train


def numpy_setup(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    biases = [rng.standard_normal((n, 1)) for n in SIZES[1:]]
    weights = [rng.standard_normal((n_out, n_in)) / math.sqrt(n_in)
               for n_in, n_out in zip(SIZES[:-1], SIZES[1:])]

    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))
    return np, weights, biases, sigmoid


def numpy_trainer(seed):
    np, weights, biases, sigmoid = numpy_setup(seed)
    shuffle = random.Random(seed).shuffle

    def backprop(x, y):
        activation, activations = x, [x]
        for b, w in zip(biases, weights):
            activation = sigmoid(w @ activation + b)
            activations.append(activation)
        a = activations[-1]
        delta = (a - y) * a * (1 - a)                                   # BP1
        nabla_b = [None] * len(weights)
        nabla_w = [None] * len(weights)
        nabla_b[-1], nabla_w[-1] = delta, delta @ activations[-2].T     # BP3, BP4
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


def numpy_batched_trainer(seed):
    np, weights, biases, sigmoid = numpy_setup(seed)
    shuffle = random.Random(seed).shuffle

    def train(data):
        order = list(range(len(data)))
        shuffle(order)
        # One column per example, in the shuffled order (not timed, as above).
        xs = np.array([data[i][0] for i in order]).T
        ys = np.zeros((10, len(data)))
        ys[[data[i][1] for i in order], range(len(data))] = 1.0
        start = time.perf_counter()
        for k in range(0, len(data), MINI_BATCH_SIZE):
            x, y = xs[:, k:k + MINI_BATCH_SIZE], ys[:, k:k + MINI_BATCH_SIZE]
            activations = [x]
            for b, w in zip(biases, weights):
                activations.append(sigmoid(w @ activations[-1] + b))
            a = activations[-1]
            delta = (a - y) * a * (1 - a)                               # BP1, a column per example
            step = ETA / x.shape[1]
            new_weights, new_biases = [None] * len(weights), [None] * len(weights)
            for l in range(len(weights) - 1, -1, -1):
                new_biases[l] = biases[l] - step * delta.sum(axis=1, keepdims=True)   # BP3
                new_weights[l] = weights[l] - step * (delta @ activations[l].T)       # BP4
                if l:
                    a = activations[l]
                    delta = (weights[l].T @ delta) * a * (1 - a)        # BP2
            weights[:], biases[:] = new_weights, new_biases
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


# ------------------------------------------------------------ rounds and workers

def chunks(n, rounds):
    """The (start, end) of each round's examples among the first n."""
    return [(r * n // rounds, (r + 1) * n // rounds) for r in range(rounds)]


def load_data(args):
    """The timed examples and, after them, the warm-up examples."""
    data = load_mnist("train", args.data_dir, limit=args.examples + args.warmup)
    return data[:args.examples], data[args.examples:]


def worker(args):
    """Run as a worker for another Python: train mnist_scratch when told to.

    Reads "warmup", "round R" or "quit" lines; answers each with the seconds spent.
    """
    timed, warmup = load_data(args)
    train = mnist_scratch_trainer(args.seed)
    parts = chunks(len(timed), args.rounds)
    print("ready %s" % python_name(), flush=True)
    for line in sys.stdin:
        command = line.split()
        if command == ["warmup"]:
            seconds = train(warmup) if warmup else 0.0
        elif command and command[0] == "round":
            start, end = parts[int(command[1])]
            seconds = train(timed[start:end])
        else:
            break
        print("%.9f" % seconds, flush=True)


class Remote:
    """mnist_scratch trained by another Python, in a worker process."""

    def __init__(self, python, args):
        command = [python, os.path.abspath(__file__), "--worker", "--examples", str(args.examples),
                   "--rounds", str(args.rounds), "--warmup", str(args.warmup),
                   "--seed", str(args.seed)]
        if args.data_dir:
            command += ["--data-dir", args.data_dir]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        universal_newlines=True)
        ready = self.process.stdout.readline().split(None, 1)
        if len(ready) != 2 or ready[0] != "ready":
            self.process.kill()
            raise RuntimeError("%s did not start as a worker" % python)
        self.name = "mnist_scratch, " + ready[1].strip()

    def ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self):
        try:
            self.process.stdin.write("quit\n")
            self.process.stdin.close()
        except OSError:
            pass
        self.process.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=5000,
                        help="examples timed per variant (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="the examples are timed in this many rounds, the variants taking "
                             "turns, so a change in machine load hits all alike (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=3000,
                        help="untimed examples each variant trains on first (default: %(default)s)")
    parser.add_argument("--python", action="append", default=[], metavar="PATH",
                        help="also time mnist_scratch under this Python (repeatable)")
    parser.add_argument("--no-pypy", action="store_true",
                        help="do not look for pypy3 on the PATH")
    parser.add_argument("--naive", type=int, default=0, metavar="N",
                        help="also time the naive nested loops on N examples (e.g. 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)

    timed, warmup = load_data(args)
    pythons = list(args.python)
    pypy = shutil.which("pypy3")
    if pypy and not args.no_pypy and pypy not in pythons:
        pythons.append(pypy)

    numpy_name = "numpy %s" % numpy_version()
    per_example, batched_name = (numpy_name + " per example, " + python_name(),
                                 numpy_name + " batched, " + python_name())
    local = [(per_example, numpy_trainer, len(timed)),
             (batched_name, numpy_batched_trainer, len(timed)),
             ("mnist_scratch, " + python_name(), mnist_scratch_trainer, len(timed)),
             ("naive, " + python_name(), naive_trainer, args.naive)]
    variants = []  # (name, run(command) -> seconds, examples timed)
    for name, factory, n in local:
        if n <= 0:
            continue
        try:
            train = factory(args.seed)
        except ImportError as e:
            print("%-40s skipped (%s)" % (name, e))
            continue
        parts = chunks(n, args.rounds)

        def run(command, train=train, parts=parts):
            if command == "warmup":
                return train(warmup) if warmup else 0.0
            start, end = parts[int(command.split()[1])]
            return train(timed[start:end])
        variants.append((name, run, n))
    remotes = []
    try:
        for python in pythons:
            try:
                remote = Remote(python, args)
            except (OSError, RuntimeError) as e:
                print("%-40s skipped (%s)" % (python, e))
                continue
            remotes.append(remote)
            variants.append((remote.name, remote.ask, len(timed)))

        print("[784, 30, 10], mini-batch %d, eta %g: %d examples per variant timed in %d rounds "
              "(after %d untimed), scaled to an epoch of %d"
              % (MINI_BATCH_SIZE, ETA, len(timed), args.rounds, len(warmup), EPOCH))
        seconds = {name: 0.0 for name, _, _ in variants}
        for _, run, _ in variants:
            run("warmup")
        for r in range(args.rounds):
            for name, run, _ in variants:
                seconds[name] += run("round %d" % r)
    finally:
        for remote in remotes:
            remote.close()

    per_epoch = {name: seconds[name] / n * EPOCH for name, _, n in variants}
    base = per_epoch.get(per_example)
    batched = per_epoch.get(batched_name)
    print("%-40s %12s %14s %14s %14s" % ("", "s per epoch", "us per example", "x numpy",
                                         "x numpy batched"))
    for name, _, _ in variants:
        value = per_epoch[name]
        print("%-40s %12.1f %14.0f %14s %14s"
              % (name, value, value / EPOCH * 1e6,
                 "%.2f" % (value / base) if base else "-",
                 "%.1f" % (value / batched) if batched else "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
