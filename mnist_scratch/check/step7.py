"""Checks of step 7: saving your network as JSON, and loading it again.

The student's file must be one the library reads: ``Network.load`` opens
what ``save_network`` wrote, and ``load_network`` opens what
``Network.save`` wrote (the format of formats.py, version 2). Both ways
must keep every float exactly, as JSON does when it writes Python's repr of
each one: the checks compare the numbers with ==, no tolerance, on a small
network of awkward floats and on a [784, 30, 10] one.
"""

import copy
import os

from ..datasets import shipped_network
from ..formats import NetworkFormatError
from ..network import Network
from .compare import Failed, NotWritten, close, describe, expect_pair
from ..visualize_checks import fresh_path

TITLE = "saving your network: JSON the library reads"

KEYS_HINT = ('The library needs a JSON object with the keys "sizes", "weights" and "biases", and '
             'with "version": 2 also "cost" and "activations": {"format": '
             '"mnist_scratch.network", "version": 2, "sizes": [784, 30, 10], "cost": '
             '"quadratic", "activations": ["sigmoid", "sigmoid"], "weights": weights, '
             '"biases": biases} (see mnist_scratch/formats.py).')
JSON_HINT = ("Write JSON with the json module: with open(path, 'w') as f: json.dump(data, f). "
             "The with block closes the file, so everything is written when save_network "
             "returns; str(data), repr or pickle are not JSON.")
DIGITS_HINT = ("Some digits were lost: write floats with json.dump, which keeps every digit "
               "(Python's repr of a float reads back exactly). Do not round them or format "
               "them with '%.6f'.")
LOAD_HINT = ("Read the file with json.load and return (data['weights'], data['biases']): the "
             "lists exactly as they are in the file.")

# Floats that only survive a save and a load with all their digits.
AWKWARD = [0.1, 1 / 3, -2 / 3 * 1e-7, 1e-300, -1.2345678901234567e200, 5e-324, 123456.789,
           3.141592653589793, 2.0 ** -30, 0.30000000000000004, -1.0, 2.5e-17]


def _awkward_network():
    """A [4, 3, 2] network whose weights and biases are the AWKWARD floats, in turn."""
    numbers = iter(AWKWARD * 3)
    weights = [[[next(numbers) for _ in range(4)] for _ in range(3)],
               [[next(numbers) for _ in range(3)] for _ in range(2)]]
    biases = [[next(numbers) for _ in range(3)], [next(numbers) for _ in range(2)]]
    return weights, biases


def _same(expected, got):
    """True if got holds exactly the numbers of expected (nested lists, ==, no tolerance)."""
    return close(expected, got, 0.0)


def _library_load(path):
    """Network.load(path), with its complaint turned into a failure with a hint."""
    name = os.path.basename(path)
    if not os.path.isfile(path):
        raise Failed("a file at the path given, %s" % name, "no file", JSON_HINT)
    try:
        return Network.load(path)
    except NetworkFormatError as e:
        problem = str(e).replace(path, name)
        hint = KEYS_HINT
        if "not valid JSON" in problem or "not a text" in problem:
            hint = JSON_HINT
        raise Failed("a file the library's Network.load reads", problem, hint) from None


def _first_difference(expected, got, where):
    """'weights[0][1][2] came back as 0.333333, not 0.3333333333333333' for the first
    number that differs (both nested lists of the same shape)."""
    if isinstance(expected, list):
        for k, (e, g) in enumerate(zip(expected, got)):
            if not _same(e, g):
                return _first_difference(e, g, "%s[%d]" % (where, k))
    return "%s came back as %r, not %r" % (where, got, expected)


def _expect_exact(expected, got, where, hint):
    if _same(expected, got):
        return
    if close(expected, got, 1e-5):
        raise Failed("the %s with every digit" % where, _first_difference(expected, got, where),
                     DIGITS_HINT)
    raise Failed("the %s as they were saved" % where, "different numbers (%s)" % describe(got),
                 hint)


def _save_case(checker, f, weights, biases, name):
    """Call save_network, then Network.load on the file it wrote, which must hold exactly
    the numbers saved; the file's path."""
    before = copy.deepcopy((weights, biases))
    path = fresh_path(checker, name)
    checker.call(f, weights, biases, path)
    if (weights, biases) != before:
        raise Failed("the weights and biases unchanged", "save_network changed them",
                     "Write the lists as they are; do not round or change them.")
    net = _library_load(path)
    _expect_exact(before[0], net.weights, "weights", KEYS_HINT)
    _expect_exact(before[1], net.biases, "biases", KEYS_HINT)
    return path


def check_save_network(checker, f):
    weights, biases = _awkward_network()
    path = _save_case(checker, f, weights, biases, "awkward.json")
    yield ("save_network([4, 3, 2] network of awkward floats such as 1/3 and 5e-324) writes JSON "
           "that Network.load reads, every digit kept")
    net = Network([784, 30, 10], seed=12)
    path = _save_case(checker, f, net.weights, net.biases, "network.json")
    yield "save_network(a [784, 30, 10] network): Network.load reads the same weights and biases"
    own_load = getattr(f, "__globals__", {}).get("load_network")
    if callable(own_load):
        try:
            got = expect_pair(checker.call(own_load, path), "(weights, biases)",
                              "load_network returns two things: return weights, biases.")
        except NotWritten:
            return  # the round trip waits for load_network
        _expect_exact(net.weights, got[0], "weights", LOAD_HINT)
        _expect_exact(net.biases, got[1], "biases", LOAD_HINT)
        yield ("save_network then your load_network give back the same numbers (a round "
               "trip through your own two functions)")


def _load_case(checker, f, path):
    expected = Network.load(path)
    got = expect_pair(checker.call(f, path), "(weights, biases)",
                      "Return the two lists: return data['weights'], data['biases'].")
    if isinstance(got[0], Network) or not isinstance(got[0], list):
        raise Failed("a list of weight matrices", describe(got[0]), LOAD_HINT)
    _expect_exact(expected.weights, got[0], "weights", LOAD_HINT)
    _expect_exact(expected.biases, got[1], "biases", LOAD_HINT)
    return expected


def check_load_network(checker, f):
    net = Network([784, 16, 10], seed=13, cost="cross-entropy")
    net.meta["trained"] = "not at all: a test of load_network"
    path = fresh_path(checker, "library.json")
    net.save(path)
    _load_case(checker, f, path)
    yield ("load_network(a [784, 16, 10] network saved by Network.save) gives its weights and "
           "biases, every digit")
    shipped = shipped_network("mnist-784-30-10.json")
    if os.path.isfile(shipped):
        _load_case(checker, f, shipped)
        yield "load_network(the shipped, trained mnist-784-30-10.json) gives the library's numbers"


# function -> its checks, in the order of the template
CHECKS = {"save_network": check_save_network, "load_network": check_load_network}

# function -> the hint for a failure whose check gave none (e.g. an exception)
HINTS = {"save_network": JSON_HINT, "load_network": LOAD_HINT}

# function -> the library modules whose functions count as its answer (watch.py):
# Network.save and Network.load are formats.save_network and formats.load_network.
ANSWERS = {"save_network": ("formats",), "load_network": ("formats",)}
