"""Check your own versions of the library's steps, one step at a time.

The exercise track: copy the template, write the functions of a step, and
run the checks for that step against them::

    python -m mnist_scratch.check --template my_steps.py   # copy the empty template
    python -m mnist_scratch.check 1 my_steps.py            # check step 1
    python -m mnist_scratch.check 3 my_steps.py --only argmax
    python -m mnist_scratch.check all my_steps.py
    python -m mnist_scratch.check --list                   # the steps and their functions

Every check prints PASS, TODO (the function still raises NotImplementedError)
or FAIL with what was expected, what came back and a hint. The exit code is 0
when everything checked passed, 1 otherwise, and 2 when the file could not be
used at all (missing, a syntax error, an error while importing it).

The steps are numbered as the notebooks and the pytest markers are, so
"step 3" means the same thing everywhere. Steps 6 and 7 (watching the network
learn, experiments) have no functions to write; their exercises are in the
notebooks. The checks use small examples you can work out by hand, and the
real MNIST data (a few images; the ``learn`` check trains on 1,000).

From a notebook, ``check_function("argmax", argmax)`` runs one function's
checks and returns True if all passed; it never raises.
"""

import copy
import importlib.util
import math
import os
import random
import shutil
import sys
import tempfile
import traceback

from .cli import ArgumentParser, CommandError, run_main
from .fileio import atomic_write_bytes

__all__ = ["STEPS", "Outcome", "check_function", "check_step", "load_student_file",
           "StudentFileError", "template_path", "main"]

# step -> (title, the functions the student writes for it, in order)
STEPS = {
    1: ("reading the IDX files and looking at digits",
        ["read_labels", "read_images", "image_to_vector"]),
    2: ("vectors and matrices on plain lists",
        ["add", "sub", "scale", "dot", "matvec", "transpose", "outer"]),
    3: ("a single-layer network: predict, cost, accuracy, one gradient step",
        ["sigmoid", "mean_square_error", "argmax", "one_hot", "feedforward", "predict",
         "evaluate", "update"]),
    4: ("backpropagation, checked against the library", ["backprop"]),
    5: ("the multilayer network and mini-batch SGD on MNIST",
        ["create_batches", "update_mini_batch", "learn"]),
    6: ("watching it learn (exercises in notebook 06)", []),
    7: ("experiments (exercises in notebook 07)", []),
}

PASS, FAIL, TODO = "PASS", "FAIL", "TODO"


class Outcome:
    """The result of one check.

    Attributes:
        status: "PASS", "FAIL" or "TODO" (not written yet).
        title: what was checked, e.g. "argmax([6, 2, 7, 10, 5])".
        expected, got: descriptions of the right answer and of what came back
            (empty for a pass).
        hint: what to look at, for a failure.
    """

    def __init__(self, status, title, expected="", got="", hint=""):
        self.status = status
        self.title = title
        self.expected = expected
        self.got = got
        self.hint = hint

    def __repr__(self):
        return "Outcome(%s, %r)" % (self.status, self.title)

    def lines(self):
        """The outcome as printable lines."""
        out = ["  %s  %s" % (self.status, self.title)]
        for label, text in (("expected", self.expected), ("got", self.got), ("hint", self.hint)):
            if text:
                out.append("        %-9s %s" % (label + ":", text))
        return out


class _NotWritten(Exception):
    """The student's function raised NotImplementedError."""


class _Failed(Exception):
    """A check failed; carries the Outcome fields."""

    def __init__(self, expected, got, hint=""):
        super().__init__(got)
        self.expected, self.got, self.hint = expected, got, hint


# ---------------------------------------------------------------- helpers

def _short(value, limit=110):
    """repr of ``value``, shortened to ``limit`` characters (floats rounded)."""
    def rounded(v):
        if isinstance(v, float):
            return round(v, 6)
        if isinstance(v, (list, tuple)):
            return type(v)(rounded(u) for u in v)
        return v
    text = repr(rounded(value))
    return text if len(text) <= limit else text[:limit - 5] + " ...]"


def _describe(value, top=True):
    """A short description of a value's type and shape, e.g. 'a list of 3 lists of 2 numbers'."""
    if isinstance(value, (list, tuple)):
        kind = type(value).__name__
        if not value:
            return "an empty %s" % kind
        inner = _describe(value[0], top=False)
        inner = inner.replace("a ", "", 1) if inner.startswith("a ") else inner
        return "a %s of %d %s" % (kind, len(value), inner if len(value) == 1 else _plural(inner))
    if isinstance(value, bool):
        return "a bool (%r)" % value
    if isinstance(value, (int, float)):
        return "a number (%s)" % _short(value) if top else "a number"
    if value is None:
        return "None (did you forget to return?)"
    return "a %s" % type(value).__name__


def _plural(word):
    parts = word.split(" ", 1)
    head = parts[0]
    if head in ("int", "float", "str", "bool", "number", "list", "tuple"):
        head += "s"
    return " ".join([head] + parts[1:])


def _close(a, b, tol):
    """True if the (nested) numbers a and b agree within ``tol`` (absolute or relative)."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(u, v, tol) for u, v in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) or math.isnan(b):
            return False
        return abs(a - b) <= tol * max(1.0, abs(a), abs(b))
    try:  # anything else (a string, a numpy array, ...): plain equality, if it has one
        return bool(a == b)
    except Exception:
        return False


def _scaled(value, c):
    if isinstance(value, (list, tuple)):
        return [_scaled(v, c) for v in value]
    return c * value


_last_call = [""]  # the student's call being checked, for the title of a failure

_MAGIC_HINT = ("An IDX file starts with a big-endian 32-bit magic number: 2049 (0x00000801) for "
               "labels, 2051 (0x00000803) for images. Read it with struct.unpack('>I', first4bytes) "
               "and raise ValueError if it is not the one you expect.")

_ERROR_HINTS = {
    "read_labels": "Open the file with gzip.open(path, 'rb'). " + _MAGIC_HINT,
    "read_images": "Open the file with gzip.open(path, 'rb'). " + _MAGIC_HINT,
    "matvec": "m v has one entry per ROW of m: [dot(row, v) for row in m]. Indexing past the end "
              "of a list often means the matrix was walked by columns (transposed).",
    "backprop": "Check the shapes layer by layer: weights[i] is (sizes[i+1], sizes[i]); BP2 "
                "multiplies by the TRANSPOSE of the next layer's weights.",
}


def _show_arg(value):
    if isinstance(value, str):
        return os.path.basename(value) or value
    text = _short(value, 40)
    return text if len(text) < 40 else _describe(value).replace("a list of ", "<list of ") + ">"


def _call(func, *args):
    """Call the student's function; NotImplementedError -> _NotWritten, errors -> _Failed."""
    _last_call[0] = "%s(%s)" % (getattr(func, "__name__", "function"),
                                ", ".join(_show_arg(a) for a in args))
    try:
        return func(*args)
    except NotImplementedError:
        raise _NotWritten() from None
    except (Exception, SystemExit) as e:  # the student's bug (or an exit()), reported as a failure
        tb = traceback.extract_tb(e.__traceback__)
        where = ""
        if len(tb) > 1:
            frame = tb[-1]
            where = " (at %s line %d: %s)" % (os.path.basename(frame.filename), frame.lineno,
                                              (frame.line or "").strip())
        raise _Failed("a result", "it raised %s: %s%s" % (type(e).__name__, e, where)) from None


_PLAIN_HINT = ("Return plain Python values: lists of floats for vectors, lists of rows for "
               "matrices, ints for labels, exactly as the template's docstring says.")


def _expect_close(expected, got, tol=1e-9, hint="", diagnoses=()):
    """Fail unless got ~ expected. ``diagnoses``: (wrong answer, hint) pairs for known mistakes."""
    if _close(expected, got, tol):
        return
    if not isinstance(got, (list, tuple, int, float)) and got is not None:
        # A numpy array, a generator, a dict...: the type is the mistake, whatever the values.
        raise _Failed(_short(expected), "%s: %s" % (_describe(got), " ".join(_short(got).split())),
                      _PLAIN_HINT)
    for wrong, wrong_hint in diagnoses:
        if _close(wrong, got, tol):
            raise _Failed(_short(expected), _short(got), wrong_hint)
    shape_note = ""
    if _describe(expected) != _describe(got) and not isinstance(expected, (int, float)):
        shape_note = "  [%s, expected %s]" % (_describe(got), _describe(expected))
    raise _Failed(_short(expected), _short(got) + shape_note, hint)


def _expect_raises(func, args, what, hint):
    try:
        result = func(*args)
    except NotImplementedError:
        raise _NotWritten() from None
    except SystemExit:
        raise _Failed("an exception (e.g. ValueError) because %s" % what,
                      "it called exit(), which would stop the whole program that uses it",
                      "Raise an error instead of exiting: raise ValueError('bad magic number "
                      "%d' % magic). The code that calls your function decides what to do.") from None
    except Exception:
        return
    raise _Failed("an exception (e.g. ValueError) because %s" % what,
                  "no exception; it returned %s" % _describe(result), hint)


# ------------------------------------------------------------ test data

def _data_dir():
    from .datasets import find_data_dir
    return find_data_dir(None)


def _data_file(name):
    """Path of one of the real MNIST files; _Failed with a clear message if missing."""
    from .datasets import DataError, _find_file
    try:
        return _find_file(_data_dir(), name)
    except DataError as e:
        raise _Failed("the real MNIST data", "could not find it", str(e)) from None


def _write_idx_gz(name, dims, body):
    """Write a small gzipped IDX file of unsigned bytes into the run's temporary folder.

    Its magic number is 0x0800 + len(dims): 2049 for labels (1 dimension), 2051
    for images (3 dimensions).
    """
    from .idx import write_idx
    path = os.path.join(_FILES.folder(), name)
    write_idx(path, body, dims, compress=True)
    return path


class _Files:
    """Small IDX files made once per run in a temporary folder."""

    def __init__(self):
        self._folder = None

    def folder(self):
        if self._folder is None:
            self._folder = tempfile.mkdtemp(prefix="mnist-check-")
        return self._folder

    def cleanup(self):
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


_FILES = _Files()

def _real_first_images(n):
    """The first n test images as lists of 28 rows of 28 ints, and their file (gzipped IDX)."""
    from .idx import read_idx
    data = read_idx(_data_file("t10k-images-idx3-ubyte.gz"))
    pixels = data.data[:n * 784]
    images = [[list(pixels[i * 784 + r * 28:i * 784 + (r + 1) * 28]) for r in range(28)]
              for i in range(n)]
    path = _write_idx_gz("first-%d-test-images.gz" % n, (n, 28, 28), pixels)
    return images, path


def _real_examples(split, n):
    from .datasets import DataError, load_mnist
    try:
        return load_mnist(split, limit=n)
    except DataError as e:
        raise _Failed("the real MNIST data", "could not load it", str(e)) from None


# ----------------------------------------------------------------- step 1

def _check_read_labels(f):
    path = _data_file("t10k-labels-idx1-ubyte.gz")
    labels = _call(f, path)
    if not isinstance(labels, list):
        raise _Failed("a list of 10000 ints", _describe(labels), "Return the labels as a list: list(body).")
    _expect_close([7, 2, 1, 0, 4], labels[:5],
                  hint="The labels start after an 8-byte header (magic number, then the count). "
                       "Skipping too few or too many bytes shifts everything.")
    if len(labels) != 10000:
        raise _Failed("10000 labels", "%d labels" % len(labels),
                      "Read the count from the header (bytes 4-8, big-endian) and return that many.")
    if not all(isinstance(v, int) and 0 <= v <= 9 for v in labels[:100]):
        raise _Failed("ints 0-9", _short(labels[:5]), "Each label is one unsigned byte: a digit 0-9.")
    yield "read_labels(t10k labels): 10000 labels, the first five are 7 2 1 0 4"

    small = _write_idx_gz("three-labels.gz", (3,), [3, 1, 4])
    _expect_close([3, 1, 4], _call(f, small),
                  hint="Use the count in the header, not a fixed 10000 or 60000.")
    yield "read_labels(a file of 3 labels) == [3, 1, 4]"

    wrong = _write_idx_gz("images-not-labels.gz", (1, 2, 2), [0, 1, 2, 3])  # magic 2051
    _expect_raises(f, (wrong,), "its magic number is 2051 (an image file), not 2049", _MAGIC_HINT)
    yield "read_labels refuses a file whose magic number is 2051 (an image file)"


def _check_read_images(f):
    body = list(range(12))
    tiny = _write_idx_gz("two-tiny-images.gz", (2, 2, 3), body)
    _expect_close([[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]], _call(f, tiny),
                  hint="Read the count, rows and columns from the header (three big-endian 32-bit "
                       "ints after the magic number), then cut the pixels row by row: each image is "
                       "a list of `rows` lists of `columns` ints.",
                  diagnoses=[([[[0, 3], [1, 4], [2, 5]], [[6, 9], [7, 10], [8, 11]]],
                              "Your images are transposed: the pixels are stored row by row, so the "
                              "first `columns` bytes are the top row.")])
    yield "read_images(two 2x3 images with pixels 0..11) gives rows in order"

    images, path = _real_first_images(5)
    got = _call(f, path)
    _expect_close(images[0][5:8], (got[0][5:8] if isinstance(got, list) and got and
                                   isinstance(got[0], list) else got),
                  hint="Each image should be 28 lists (rows) of 28 ints 0-255.")
    _expect_close(images, got, hint="Each image should be 28 lists (rows) of 28 ints 0-255.")
    yield "read_images(first 5 test images): 5 images of 28 rows of 28 pixels, as in the file"

    wrong = _write_idx_gz("labels-not-images.gz", (3,), [3, 1, 4])  # magic 2049
    _expect_raises(f, (wrong,), "its magic number is 2049 (a label file), not 2051", _MAGIC_HINT)
    yield "read_images refuses a file whose magic number is 2049 (a label file)"


def _check_image_to_vector(f):
    image = [[0, 255, 51], [102, 0, 255]]
    original = copy.deepcopy(image)
    _expect_close([0.0, 1.0, 0.2, 0.4, 0.0, 1.0], _call(f, image),
                  hint="Go through the rows in order and divide every pixel by 255.",
                  diagnoses=[([0.0, 0.4, 1.0, 0.0, 0.2, 1.0],
                              "You went column by column; go row by row (the top row first).")])
    if image != original:
        raise _Failed("the image unchanged", "your function changed its argument",
                      "Build a new list instead of changing the image.")
    yield "image_to_vector([[0, 255, 51], [102, 0, 255]]) == [0.0, 1.0, 0.2, 0.4, 0.0, 1.0]"

    images, _ = _real_first_images(1)
    x, label = _real_examples("test", 1)[0]
    _expect_close(x, _call(f, images[0]), tol=1e-12,
                  hint="784 floats, pixel / 255, the top row first.")
    yield "image_to_vector(first test image) matches the library's 784 floats"


# ----------------------------------------------------------------- step 2

def _unchanged(args, before, name):
    if list(args) != before:
        raise _Failed("the arguments unchanged", "%s changed its arguments" % name,
                      "Return a new list; do not change the lists you were given.")


def _simple(f, name, cases, hint, diagnoses_for=None):
    """Run (args, expected) cases; yield a title per case."""
    for args, expected in cases:
        before = copy.deepcopy(list(args))
        call_args = copy.deepcopy(list(args))
        got = _call(f, *call_args)
        diagnoses = diagnoses_for(*args) if diagnoses_for else ()
        _expect_close(expected, got, hint=hint, diagnoses=diagnoses)
        _unchanged(call_args, before, name)
        yield "%s(%s) == %s" % (name, ", ".join(_short(a) for a in args), _short(expected))


def _check_add(f):
    return _simple(f, "add", [(([1, 2, 3], [4, 5, 6]), [5, 7, 9]), (([0.5], [-0.5]), [0.0])],
                   "Add entry by entry: [u[i] + v[i] for i in range(len(u))].")


def _check_sub(f):
    return _simple(f, "sub", [(([1, 2, 3], [4, 5, 6]), [-3, -3, -3])],
                   "Subtract entry by entry, u minus v.",
                   lambda u, v: [([b - a for a, b in zip(u, v)],
                                  "You computed v - u; sub(u, v) is u - v.")])


def _check_scale(f):
    return _simple(f, "scale", [((2, [1, -2, 3]), [2, -4, 6]), ((0.5, [4.0]), [2.0])],
                   "Multiply every entry of v by the number c: scale(c, v).")


def _check_dot(f):
    return _simple(f, "dot", [(([1, 2, 3], [4, 5, 6]), 32), (([1, 0], [0, 1]), 0)],
                   "The dot product is one number: the sum of u[i] * v[i].")


def _check_matvec(f):
    transposed_hint = ("You computed m^T v (the transpose): entry i of m v is dot(m[i], v), "
                       "row i of m times v, so the result has one entry per ROW of m.")
    yield from _simple(f, "matvec", [(([[1, 2], [3, 4]], [1, 1]), [3, 7])],
                       "Entry i of m v is the dot product of row m[i] with v.",
                       lambda m, v: [([sum(m[i][j] * v[i] for i in range(len(m)))
                                       for j in range(len(m[0]))], transposed_hint)])
    yield from _simple(f, "matvec", [(([[1, 2, 3], [4, 5, 6]], [1, 0, -1]), [-2, -2])],
                       "A 2x3 matrix times a vector of 3 gives a vector of 2: one entry per row. "
                       + transposed_hint)


def _check_transpose(f):
    return _simple(f, "transpose", [(([[1, 2, 3], [4, 5, 6]],), [[1, 4], [2, 5], [3, 6]]),
                                    (([[7]],), [[7]])],
                   "Row j of the transpose is column j of m: [[m[i][j] for i ...] for j ...].")


def _check_outer(f):
    return _simple(f, "outer", [(([1, 2], [3, 4, 5]), [[3, 4, 5], [6, 8, 10]])],
                   "outer(u, v)[i][j] = u[i] * v[j]: one row per entry of u.",
                   lambda u, v: [([[a * b for b in u] for a in v],
                                  "Your result is transposed: it should have one ROW per entry of u.")])


# ----------------------------------------------------------------- step 3

def _library_net(sizes, seed):
    from .network import Network
    return Network(sizes, seed=seed)


def _check_sigmoid(f):
    yield from _simple(f, "sigmoid", [((0,), 0.5), ((2.0,), 1 / (1 + math.exp(-2.0))),
                                      ((-1.0,), 1 / (1 + math.exp(1.0)))],
                       "sigma(z) = 1 / (1 + e^(-z)); use math.exp.")
    got = _call(f, -1000.0)
    _expect_close(0.0, got, hint="sigma(-1000) is 0.0 (to double precision).")
    yield "sigmoid(-1000.0) == 0.0 without an OverflowError"


def _check_mean_square_error(f):
    return _simple(f, "mean_square_error", [(([1, 2, 3], [1, 2, 5]), 4 / 3),
                                            (([0.0, 0.0], [3.0, 4.0]), 12.5)],
                   "The mean of the squared differences: sum((u[i] - v[i])**2) / len(u).",
                   lambda u, v: [(sum((a - b) ** 2 for a, b in zip(u, v)),
                                  "You returned the sum; divide by the number of entries.")])


def _check_argmax(f):
    return _simple(f, "argmax", [(([6, 2, 7, 10, 5],), 3), (([1, 3, 3],), 1), (([-2.5],), 0)],
                   "Return the INDEX of the largest entry (the first one if there is a tie), "
                   "not the entry itself.")


def _check_one_hot(f):
    for args, expected in (((3,), [0.0] * 3 + [1.0] + [0.0] * 6), ((0, 4), [1.0, 0.0, 0.0, 0.0])):
        got = _call(f, *args)
        _expect_close(expected, got,
                      hint="one_hot(label, n=10): a list of n zeros with a 1.0 at index label.")
        yield "one_hot%s == %s" % (_short(args).replace(",)", ")"), _short(expected))


def _single_layer():
    net = _library_net([784, 10], seed=1)
    # A single-layer network has one weight matrix and one bias vector.
    return net, copy.deepcopy(net.weights[0]), copy.deepcopy(net.biases[0])


_TRANSPOSED_W = ("weights[j][k] joins input k to output neuron j, so z_j = dot(weights[j], x) + "
                 "biases[j]. The weight matrix has one ROW per output neuron.")


def _check_feedforward(f):
    w = [[1.0, -1.0], [0.5, 2.0], [0.0, 0.0]]
    b = [0.0, -1.0, 0.5]
    x = [2.0, 1.0]
    z = [1.0, 1.0 + 2.0 - 1.0, 0.5]
    expected = [1 / (1 + math.exp(-v)) for v in z]
    _expect_close(expected, _call(f, copy.deepcopy(w), list(b), list(x)), tol=1e-9,
                  hint="a = sigmoid(w x + b), entry by entry. " + _TRANSPOSED_W,
                  diagnoses=[(z, "You returned z = w x + b; apply the sigmoid to each entry.")])
    yield "feedforward(a 2-input, 3-output network) == sigmoid([1.0, 2.0, 0.5])"

    net, weights, biases = _single_layer()
    x, _ = _real_examples("test", 1)[0]
    _expect_close(net.feedforward(x), _call(f, weights, biases, x), tol=1e-9,
                  hint="a = sigmoid(w x + b) with w of shape 10 x 784. " + _TRANSPOSED_W)
    yield "feedforward(a [784, 10] network, first test image) matches the library"


def _check_predict(f):
    net, weights, biases = _single_layer()
    examples = _real_examples("test", 20)
    expected = [net.predict(x) for x, _ in examples]
    got = [_call(f, weights, biases, x) for x, _ in examples]
    _expect_close(expected, got, hint="predict returns the digit: argmax(feedforward(...)).")
    yield "predict(a [784, 10] network, 20 test images) matches the library"


def _check_evaluate(f):
    from .training import evaluate
    net, weights, biases = _single_layer()
    examples = _real_examples("test", 30)
    result = evaluate(net, examples)
    got = _call(f, weights, biases, examples)
    if not (isinstance(got, (list, tuple)) and len(got) == 2):
        raise _Failed("a pair (cost, accuracy)", _describe(got),
                      "Return both numbers: return cost, accuracy.")
    cost, accuracy = got
    _expect_close(result.accuracy, accuracy,
                  hint="accuracy = (number of examples with predict(...) == label) / len(data), "
                       "a fraction between 0 and 1.",
                  diagnoses=[(result.correct, "You returned the count of correct examples; "
                                              "divide by len(data).")])
    _expect_close(result.cost, cost,
                  hint="cost = the mean over the examples of 1/2 ||a - y||^2 with y = one_hot(label).",
                  diagnoses=[(result.cost * 0.2, "You used mean_square_error (the mean over the 10 "
                                                 "outputs); the network's cost is 1/2 the SUM of "
                                                 "squares, averaged over the examples."),
                             (result.cost * 2, "You left out the 1/2 of C = 1/2 ||a - y||^2."),
                             (result.cost * len(examples), "You returned the sum of the costs; "
                                                            "divide by len(data).")])
    yield "evaluate(a [784, 10] network, 30 test images) == (%.4f, %.4f) as in the library" % (
        result.cost, result.accuracy)


def _library_step(sizes, seed, batch, eta):
    from .network import Network
    from .training import update_mini_batch
    net = Network(sizes, seed=seed)
    weights, biases = copy.deepcopy(net.weights), copy.deepcopy(net.biases)
    update_mini_batch(net, batch, eta)
    return weights, biases, net.weights, net.biases


def _batch_cost(weights, biases, batch):
    from .network import Network
    from .training import evaluate
    return evaluate(Network.from_parameters(weights, biases), batch).cost


def _check_step_function(f, name, sizes, seed, single_layer=False):
    batch = _real_examples("train", 10)
    eta = 3.0
    weights, biases, new_w, new_b = _library_step(sizes, seed, batch, eta)
    if single_layer:  # the student's step 3 network is one matrix and one vector
        got = _call(f, copy.deepcopy(weights[0]), copy.deepcopy(biases[0]), batch, eta)
    else:
        got = _call(f, copy.deepcopy(weights), copy.deepcopy(biases), batch, eta)
    if not (isinstance(got, (list, tuple)) and len(got) == 2):
        raise _Failed("a pair (weights, biases) after the step", _describe(got),
                      "Return the new parameters: return weights, biases.")
    got_w, got_b = got
    if single_layer:
        got_w, got_b = [got_w], [got_b]
    sign_hint = None
    try:
        before = _batch_cost(weights, biases, batch)
        after = _batch_cost(got_w, got_b, batch)
        if after > before:
            sign_hint = ("The cost on this mini-batch went UP after your step (%.4f -> %.4f): "
                         "step against the gradient, w - (eta/m) nabla_w, and check the sign of "
                         "the error a - y." % (before, after))
    except Exception:
        pass
    m = len(batch)
    # Forgetting to divide by m makes the step m times too big: w + m (new_w - w).
    undivided_w = [[[wv + (nv - wv) * m for wv, nv in zip(rw, rn)] for rw, rn in zip(lw, ln)]
                   for lw, ln in zip(weights, new_w)]
    hint = sign_hint or ("One step: w -> w - (eta/m) * sum over the batch of nabla_w, the same "
                         "for b; for each example nabla_b = delta and nabla_w[j][k] = delta[j] * "
                         "x[k], with delta = (a - y) * a * (1 - a).")
    _expect_close(new_b, got_b, tol=1e-9, hint=hint,
                  diagnoses=[([[b0 + (b1 - b0) * m for b0, b1 in zip(lb0, lb1)]
                               for lb0, lb1 in zip(biases, new_b)],
                              "Your step is m times too big: divide eta by the mini-batch size m "
                              "(the gradient is the MEAN over the batch).")])
    _expect_close(new_w, got_w, tol=1e-9, hint=hint,
                  diagnoses=[(undivided_w, "Your step is m times too big: divide eta by the "
                                           "mini-batch size m.")])
    yield "%s(a %s network, 10 training images, eta 3.0) matches the library's step" % (
        name, sizes)


def _check_update(f):
    return _check_step_function(f, "update", [784, 10], seed=2, single_layer=True)


# ----------------------------------------------------------------- step 4

def _check_backprop_case(f, sizes, seed, x, y, title):
    from .network import Network
    net = Network(sizes, seed=seed)
    weights, biases = copy.deepcopy(net.weights), copy.deepcopy(net.biases)
    nabla_b, nabla_w = net.backprop(x, y)
    got = _call(f, weights, biases, list(x), list(y))
    if not (isinstance(got, (list, tuple)) and len(got) == 2):
        raise _Failed("a pair (nabla_b, nabla_w)", _describe(got),
                      "Return both gradients: return nabla_b, nabla_w.")
    got_b, got_w = got
    sign = ("Every number has the wrong sign: BP1 is delta^L = (a^L - y) (.) sigma'(z^L), "
            "with a - y, not y - a.")
    _expect_close(nabla_b, got_b, tol=1e-7,
                  hint="BP1 for the last layer, then BP2 going back; BP3: nabla_b = delta.",
                  diagnoses=[(_scaled(nabla_b, -1.0), sign),
                             (_scaled(nabla_b, 2.0), "Everything is twice too big: C = 1/2 ||a - y||^2 "
                                                     "so dC/da = a - y (no factor 2).")])
    _expect_close(nabla_w, got_w, tol=1e-7,
                  hint="BP4: nabla_w[l][j][k] = delta[j] * a_prev[k], one ROW per neuron of the "
                       "layer (the same shape as weights[l]).",
                  diagnoses=[(_scaled(nabla_w, -1.0), sign),
                             ([[list(col) for col in zip(*m)] for m in nabla_w],
                              "Your nabla_w is transposed: it must have the shape of weights, "
                              "row j = neuron j, so nabla_w[j][k] = delta[j] * a_prev[k].")])
    yield title


def _check_backprop(f):
    from .linalg import one_hot
    yield from _check_backprop_case(f, [2, 3, 2], 1, [0.5, -0.3], [1.0, 0.0],
                                    "backprop(a [2, 3, 2] network) matches Network.backprop")
    yield from _check_backprop_case(f, [3, 4, 4, 2], 7, [1.0, 0.0, -2.0], [0.0, 1.0],
                                    "backprop(a [3, 4, 4, 2] network) matches Network.backprop")
    x, label = _real_examples("test", 1)[0]
    yield from _check_backprop_case(f, [784, 16, 10], 3, x, one_hot(label),
                                    "backprop(a [784, 16, 10] network, first test image) "
                                    "matches Network.backprop")


# ----------------------------------------------------------------- step 5

def _check_create_batches(f):
    for n, m in ((23, 5), (20, 5), (7, 10)):
        data = [([float(i)], i % 10) for i in range(n)]
        before = copy.deepcopy(data)
        batches = _call(f, data, m, random.Random(1))
        if data != before:
            raise _Failed("the data unchanged", "your function changed (or shuffled) the list it "
                          "was given", "Shuffle a copy: shuffled = list(data); rng.shuffle(shuffled).")
        if not isinstance(batches, list) or not all(isinstance(b, list) for b in batches):
            raise _Failed("a list of lists", _describe(batches), "Return a list of mini-batches, "
                          "each a list of examples.")
        sizes = [len(b) for b in batches]
        expected_sizes = [m] * (n // m) + ([n % m] if n % m else [])
        try:
            seen = sorted(x[0][0] for b in batches for x in b)
        except (TypeError, IndexError, KeyError):
            item = next(x for b in batches for x in b)
            hint = ("Put the examples in the batches, not their positions: shuffled[k:k + m] "
                    "is a list of (x, label) pairs." if isinstance(item, int) else
                    "Keep each example whole: an (x, label) pair, exactly as it is in data.")
            raise _Failed("batches of the examples themselves, (x, label) pairs",
                          "batches holding %s" % _describe(item), hint) from None
        if sizes != expected_sizes:
            total = sum(sizes)
            if total < n:
                hint = ("%d of the %d examples are missing: the last, smaller batch was dropped "
                        "or cut short. Use range(0, len(data), m) and slices "
                        "shuffled[k:k + m]." % (n - total, n))
            elif total > n:
                hint = "Some examples are in two batches: slice shuffled[k:k + m], not k:k + m + 1."
            else:
                hint = "Cut the shuffled list into consecutive slices of m: shuffled[k:k + m]."
            raise _Failed("%d batches of sizes %s (all %d examples)" % (len(expected_sizes),
                                                                        expected_sizes, n),
                          "%d batches of sizes %s (%d examples)" % (len(sizes), sizes, sum(sizes)),
                          hint)
        if seen != [float(i) for i in range(n)]:
            raise _Failed("every example exactly once", "some repeated, some missing",
                          "Shuffle, then slice; do not draw examples at random with replacement.")
        yield "create_batches(%d examples, m=%d) gives batches of sizes %s, every example once" % (
            n, m, expected_sizes)
    data = [([float(i)], i % 10) for i in range(50)]
    first = _call(f, data, 10, random.Random(5))
    second = _call(f, data, 10, random.Random(5))
    if [x for b in first for x in b] == data:
        raise _Failed("a shuffled order", "the examples in their original order",
                      "Shuffle a copy of the data with rng.shuffle before cutting it.")
    if first != second:
        raise _Failed("the same batches for the same seed", "different batches",
                      "Use only the rng you were given (rng.shuffle), not the random module.")
    yield "create_batches shuffles, with the rng it was given (same seed, same batches)"


def _check_update_mini_batch(f):
    return _check_step_function(f, "update_mini_batch", [784, 16, 10], seed=4)


LEARN_TRAINING, LEARN_VALIDATION, LEARN_THRESHOLD = 1000, 500, 0.5


def _check_learn(f):
    from .network import Network
    from .training import evaluate
    training = _real_examples("train", LEARN_TRAINING)
    validation = _real_examples("validation", LEARN_VALIDATION)
    got = _call(f, training, [784, 30, 10], 1, 10, 3.0, 1)
    if not (isinstance(got, (list, tuple)) and len(got) == 2):
        raise _Failed("a pair (weights, biases)", _describe(got),
                      "Return the trained parameters: return weights, biases.")
    try:
        net = Network.from_parameters(*got)
        result = evaluate(net, validation)
    except Exception as e:
        raise _Failed("weights shaped [(30, 784), (10, 30)], biases [30, 10]",
                      "parameters the library cannot use (%s)" % e,
                      "weights[i] has one row per neuron of layer i+1.") from None
    if result.accuracy < LEARN_THRESHOLD:
        raise _Failed("at least %.0f%% on %d validation images (the library gets about 71%%)"
                      % (100 * LEARN_THRESHOLD, LEARN_VALIDATION),
                      "%.1f%%" % (100 * result.accuracy),
                      "Start from small random weights, N(0, 1/n_in) (rng.gauss(0, 1/math.sqrt("
                      "n_in))), biases N(0, 1); then for each epoch create_batches and "
                      "update_mini_batch on each batch. 10% means it is guessing.")
    yield ("learn(1000 training images, [784, 30, 10], 1 epoch, m=10, eta=3.0) reaches %.1f%% "
           "on 500 validation images (needs %.0f%%)" % (100 * result.accuracy,
                                                       100 * LEARN_THRESHOLD))


CHECKS = {
    "read_labels": _check_read_labels, "read_images": _check_read_images,
    "image_to_vector": _check_image_to_vector,
    "add": _check_add, "sub": _check_sub, "scale": _check_scale, "dot": _check_dot,
    "matvec": _check_matvec, "transpose": _check_transpose, "outer": _check_outer,
    "sigmoid": _check_sigmoid, "mean_square_error": _check_mean_square_error,
    "argmax": _check_argmax, "one_hot": _check_one_hot, "feedforward": _check_feedforward,
    "predict": _check_predict, "evaluate": _check_evaluate, "update": _check_update,
    "backprop": _check_backprop,
    "create_batches": _check_create_batches, "update_mini_batch": _check_update_mini_batch,
    "learn": _check_learn,
}


def _step_of(name):
    for step, (_, names) in STEPS.items():
        if name in names:
            return step
    raise KeyError(name)


# -------------------------------------------------------------- running

def run_checks(name, func):
    """Run every check of one function.

    Args:
        name: the function's name in the exercise track, e.g. "argmax".
        func: the student's function (or None if their file has none).

    Returns:
        list of Outcome.
    """
    if name not in CHECKS:
        raise ValueError("no checks for %r; the functions are: %s" % (name, ", ".join(CHECKS)))
    if func is None:
        return [Outcome(FAIL, "%s: your file has no function named %s" % (name, name),
                        hint="Copy its stub from the template (python -m mnist_scratch.check "
                             "--template FILE) and keep the name and arguments.")]
    if not callable(func):
        return [Outcome(FAIL, "%s is not a function" % name, got=_describe(func))]
    outcomes = []
    _last_call[0] = ""
    cases = CHECKS[name](func)
    while True:
        try:
            title = next(cases)
        except StopIteration:
            break
        except _NotWritten:
            outcomes.append(Outcome(TODO, "%s: not written yet (it raises NotImplementedError)"
                                    % name))
            break
        except _Failed as e:
            hint = e.hint or _ERROR_HINTS.get(name, "")
            outcomes.append(Outcome(FAIL, _last_call[0] or name, e.expected, e.got, hint))
            break
        except Exception as e:
            # The result came back in a form the check could not even look at
            # (a numpy array, a generator, a dict, ...).
            outcomes.append(Outcome(
                FAIL, _last_call[0] or name, "a result the check can read",
                "something it could not use (%s: %s)" % (type(e).__name__, e), _PLAIN_HINT))
            break
        else:
            outcomes.append(Outcome(PASS, title))
    return outcomes


def check_function(name, func, out=None):
    """Run and print one function's checks (for notebooks). Never raises.

    Returns:
        True if every check passed.
    """
    out = out or sys.stdout
    try:
        outcomes = run_checks(name, func)
    finally:
        _FILES.cleanup()
    for outcome in outcomes:
        out.write("\n".join(outcome.lines()) + "\n")
    return all(o.status == PASS for o in outcomes)


def check_step(step, namespace, only=None, out=None):
    """Run and print the checks of one step against the functions in ``namespace``.

    Args:
        step: 1 to 7.
        namespace: a module or a dict holding the student's functions.
        only: optional list of function names to check (default: all of the step).
        out: stream to print to (default sys.stdout).

    Returns:
        list of Outcome.
    """
    out = out or sys.stdout
    title, names = STEPS[step]
    if only:
        names = [n for n in names if n in only]
    get = namespace.get if isinstance(namespace, dict) else lambda n: getattr(namespace, n, None)
    out.write("Step %d: %s\n" % (step, title))
    if not names:
        out.write("  (no functions to check in this step%s)\n"
                  % ("" if only else "; its exercises are in the notebook"))
    outcomes = []
    try:
        for name in names:
            for outcome in run_checks(name, get(name)):
                out.write("\n".join(outcome.lines()) + "\n")
                out.flush()
                outcomes.append(outcome)
    finally:
        _FILES.cleanup()
    counts = {s: sum(o.status == s for o in outcomes) for s in (PASS, FAIL, TODO)}
    out.write("Step %d: %d passed, %d failed, %d not written yet.\n\n"
              % (step, counts[PASS], counts[FAIL], counts[TODO]))
    return outcomes


class StudentFileError(Exception):
    """The student's file could not be loaded; the message says why, in one paragraph."""


def load_student_file(path):
    """Import the student's file as a module, turning every problem into StudentFileError."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise StudentFileError("cannot find the file %s. Make one with: python -m mnist_scratch.check "
                               "--template %s" % (path, path))
    try:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        code = compile(source, path, "exec")
    except SyntaxError as e:
        raise StudentFileError("%s has a syntax error on line %s: %s: %s"
                               % (path, e.lineno, e.msg, (e.text or "").strip())) from None
    except UnicodeDecodeError:
        raise StudentFileError("%s is not a UTF-8 text file" % path) from None
    folder = os.path.dirname(os.path.abspath(path))
    name = "student_" + os.path.splitext(os.path.basename(path))[0].replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, folder)  # so the file may import its own helper modules
    try:
        exec(code, module.__dict__)
    except SystemExit:
        raise StudentFileError("importing %s stopped the program (it calls exit() or "
                               "sys.exit() at the top level); put that code under "
                               "if __name__ == \"__main__\":" % path) from None
    except Exception as e:
        tb = traceback.extract_tb(e.__traceback__)
        line = next((fr.lineno for fr in reversed(tb) if fr.filename == path), "?")
        raise StudentFileError("importing %s failed on line %s: %s: %s"
                               % (path, line, type(e).__name__, e)) from None
    finally:
        sys.path.remove(folder)
    return module


def template_path():
    """The path of the exercise template shipped with the package."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "exercises", "template.py")


def build_parser():
    parser = ArgumentParser(
        prog="python -m mnist_scratch.check",
        description="Check your own versions of the library's steps against small examples and "
                    "the real MNIST data.",
        epilog="Start with: python -m mnist_scratch.check --template my_steps.py")
    parser.add_argument("step", nargs="?", help="1-7, or 'all'")
    parser.add_argument("file", nargs="?", help="your Python file with the step's functions")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="check only these functions")
    parser.add_argument("--template", metavar="FILE",
                        help="copy the empty exercise template to FILE (never overwrites)")
    parser.add_argument("--list", action="store_true", help="list the steps and their functions")
    return parser


def main(argv=None, out=None):
    """The command line; returns the exit code (0 all passed, 1 some did not, 2 unusable input)."""
    parser = build_parser()
    return run_main(parser, lambda args: _run(parser, args, out or sys.stdout), argv)


def _run(parser, args, out):
    if args.list:
        for step, (title, names) in STEPS.items():
            out.write("step %d  %s\n        %s\n" % (step, title, ", ".join(names) or "-"))
        return 0
    if args.template:
        if os.path.exists(args.template):
            raise CommandError("%s already exists; not overwriting it" % args.template)
        with open(template_path(), "rb") as f:
            atomic_write_bytes(args.template, f.read())
        out.write("Wrote the exercise template to %s. Fill in step 1, then run:\n"
                  "    python -m mnist_scratch.check 1 %s\n" % (args.template, args.template))
        return 0
    if not args.step or not args.file:
        parser.print_usage(sys.stderr)
        raise CommandError("give a STEP (1-7 or all) and your FILE")
    if args.step == "all":
        steps = list(STEPS)
    else:
        try:
            steps = [int(args.step)]
            STEPS[steps[0]]
        except (ValueError, KeyError):
            raise CommandError("step must be 1-7 or 'all', got %r" % args.step) from None
    if args.only:
        unknown = [n for n in args.only if n not in CHECKS]
        if unknown:
            raise CommandError("no function called %s in the exercises (see --list)"
                               % ", ".join(unknown))
        if args.step != "all":
            wrong = [n for n in args.only if _step_of(n) not in steps]
            if wrong:
                raise CommandError("%s belongs to step %d, not step %s"
                                   % (wrong[0], _step_of(wrong[0]), args.step))
    try:
        module = load_student_file(args.file)
    except StudentFileError as e:
        raise CommandError("could not use your file: %s" % e) from None
    outcomes = []
    for step in steps:
        outcomes += check_step(step, module, only=args.only, out=out)
    failed = [o for o in outcomes if o.status != PASS]
    if not failed and outcomes:
        out.write(("All %d checks passed.\n" % len(outcomes)) if len(outcomes) > 1
                  else "The check passed.\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
