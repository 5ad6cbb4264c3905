"""Shared fixtures and helpers for the core test suite.

Tiny IDX files are written byte by byte with ``struct.pack`` (so the tests
do not trust the writer they are testing); the real MNIST files in ``data/``
are loaded at most once per test session.
"""

import gzip
import os
import random
import struct

import pytest

from mnist_scratch.datasets import load_mnist

try:
    import numpy as np  # the trusted reference of some tests; not installed under PyPy
except ImportError:
    np = None
try:
    import tracemalloc  # CPython's allocation counter; PyPy has none
except ImportError:
    tracemalloc = None

needs_numpy = pytest.mark.skipif(np is None, reason="numpy, the trusted reference, is not installed")
needs_tracemalloc = pytest.mark.skipif(
    tracemalloc is None, reason="tracemalloc counts CPython's allocations; this Python has none")
VIZ_MISSING = "the pictures need the viz extras (matplotlib, imageio, Pillow), which are not installed"

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(ROOT, "data")
NETWORKS_DIR = os.path.join(DATA_DIR, "networks")

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"


def idx_header(shape, type_code=0x08):
    """The header of an IDX file: two zero bytes, the type code, the number of
    dimensions, then each size as a big-endian unsigned 32-bit integer."""
    return struct.pack(">HBB%dI" % len(shape), 0, type_code, len(shape), *shape)


def write_bytes(path, raw, gz=False):
    """Write ``raw`` to ``path`` (gzipped if ``gz``) and return the path as a str."""
    with open(path, "wb") as f:
        f.write(gzip.compress(raw) if gz else raw)
    return str(path)


def gzip_bomb(path, header, megabytes):
    """Write a gzip file that decompresses to ``header`` and then ``megabytes`` MB of
    zeros, in about 1 KB per MB; return the path as a str.

    A gzip file may hold several members one after the other, and a reader
    joins them: the file is the header's member, then one compressed megabyte
    of zeros repeated, so even gigabytes are made at once.
    """
    zeros = gzip.compress(bytes(2**20), mtime=0)
    with open(path, "wb") as f:
        f.write(gzip.compress(header, mtime=0))
        for _ in range(megabytes):
            f.write(zeros)
    return str(path)


def make_mnist_folder(folder, n_train=12, n_test=5, seed=0, gz=True):
    """Write four tiny but valid MNIST files into ``folder``.

    Returns:
        dict split -> (list of raw pixel bytes per image, list of labels), for
        the "train" and "test" files.
    """
    rng = random.Random(seed)
    contents = {}
    for which, n, images_name, labels_name in (
            ("train", n_train, TRAIN_IMAGES, TRAIN_LABELS),
            ("test", n_test, TEST_IMAGES, TEST_LABELS)):
        # Mostly paper (0) with some ink, like a real digit; always one 0 and one 255.
        images = []
        for _ in range(n):
            pixels = [rng.choice((0, 0, 0, rng.randrange(256))) for _ in range(784)]
            pixels[0], pixels[1] = 0, 255
            images.append(bytes(pixels))
        labels = [rng.randrange(10) for _ in range(n)]
        if not gz:
            images_name, labels_name = images_name[:-3], labels_name[:-3]
        write_bytes(os.path.join(folder, images_name),
                    idx_header((n, 28, 28)) + b"".join(images), gz=gz)
        write_bytes(os.path.join(folder, labels_name), idx_header((n,)) + bytes(labels), gz=gz)
        contents[which] = (images, labels)
    return contents


@pytest.fixture
def tiny_mnist(tmp_path):
    """A folder with tiny gzipped MNIST files (12 training, 5 test images).

    Returns (folder, contents) with contents as made by ``make_mnist_folder``.
    """
    folder = tmp_path / "mnist"
    folder.mkdir()
    return str(folder), make_mnist_folder(str(folder))


@pytest.fixture
def rng():
    """A seeded random generator, so every "random" test is repeatable."""
    return random.Random(20240601)


@pytest.fixture(scope="session")
def train_full():
    """All 60,000 examples of the real training file, loaded once per session.

    ``train_full[:50000]`` is the "train" split and ``train_full[50000:]`` the
    "validation" split (test_datasets checks this).
    """
    return load_mnist("train-full")


@pytest.fixture(scope="session")
def test_set():
    """The 10,000 real test examples, loaded once per session."""
    return load_mnist("test")


def random_vector(rng, n, zero_fraction=0.0):
    """n floats in [-1, 1); about ``zero_fraction`` of them exactly 0.0."""
    return [0.0 if rng.random() < zero_fraction else rng.uniform(-1.0, 1.0) for _ in range(n)]


def random_matrix(rng, rows, cols):
    return [random_vector(rng, cols) for _ in range(rows)]


def parameter_bits(network):
    """Every weight and bias as its exact bit pattern (float.hex), for bit-for-bit checks."""
    return ([[float.hex(v) for v in b] for b in network.biases],
            [[[float.hex(v) for v in row] for row in w] for w in network.weights])

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


def current_umask():
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    umask = os.umask(0)  # elsewhere: read it by setting it (single-threaded here)
    os.umask(umask)
    return umask
