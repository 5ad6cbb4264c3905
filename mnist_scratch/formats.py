"""The saved network file format (JSON), and the rules by which every file is read.

A saved network (format "mnist_scratch.network", version 2)::

    {"format": "mnist_scratch.network", "version": 2,
     "sizes": [784, 100, 10],
     "cost": "cross-entropy",
     "activations": ["relu", "sigmoid"],
     "weights": [Matrix per layer; rows = neurons of the next layer],
     "biases":  [Vector per layer],
     "meta": {free-form facts, e.g. how it was trained; optional}}

- "cost" is one of "quadratic", "cross-entropy", "log-likelihood" (costs.py).
- "activations" names the activation function of each layer with weights,
  so it has len(sizes) - 1 entries: the hidden layers share one of
  "sigmoid", "tanh", "relu" (activations.py), and the output layer's is the
  cost's: "sigmoid" for "quadratic" and "cross-entropy", "softmax" for
  "log-likelihood". [784, 30, 10] trained as in chapter 1 is
  ``"cost": "quadratic", "activations": ["sigmoid", "sigmoid"]``.
- A version 2 file must give both; anything else (an unknown name, a
  softmax hidden layer, an output layer that does not fit the cost, hidden
  layers that differ) is refused, naming it.

Version 1 (the first release; the shipped data/networks/*.json) has a
single ``"activation": "sigmoid"`` and ``"cost": "quadratic"`` instead, both
optional, and no "activations": every version 1 network is a sigmoid
network with the quadratic cost, and loads as one. A file without
"version" is read as version 1 (and refused if it names other activations
or costs: it would need "version": 2).

Floats are written with Python's repr, which reads back exactly, so a
save/load round trip is bit for bit. "format" and "meta" may be left out;
keys a version does not know are ignored. Saving always writes version 2.
Training histories have a format of their own (history.py), read by the
same rules.

What loading accepts, and why
-----------------------------
A file may come from anywhere (a classmate, a download, a typo on the command
line), so a loader checks everything and fails with ONE line that names the
file and the problem; it never shows a traceback, and never needs unbounded
time or memory:

- Only a regular file is read: a folder, ``/dev/zero`` or a named pipe is
  refused before it is opened ("not a regular file").
- At most MAX_FILE_BYTES (512 MB) of JSON, after gunzipping; reading stops at
  the limit, so a gzip bomb costs no more. A [784, 800, 10] network is about
  13 MB; the shipped [784, 30, 10] one is 0.5 MB.
- Lists and objects nested at most MAX_NESTING (100) deep: the text is
  scanned before it is parsed, so ``[[[[...]]]]`` a thousand deep is one
  clear error on every Python, never a RecursionError. A network needs 4.
- Integers of at most MAX_INT_DIGITS (4300) digits, on every Python version
  (reading a longer one takes time that grows with the square of its length).
- A key given twice in one object is refused, naming the key: JSON allows
  it, but silently keeping one of the two values would hide an editing mistake.
- ``"version"`` must be a whole number: ``true`` is refused, although Python
  treats True as 1, because a bool is not a version.
- ``"meta"``, if present, must be an object: anything else is refused, naming
  it, rather than silently dropped.
- Every weight and bias must be a finite number (not NaN, not Infinity, not
  an integer too large for a float), and so must every number in "meta";
  NaN and Infinity are not JSON, and a network holding them predicts nothing.
  Any finite float loads, however large (a weight of 1e308 is legal; such a
  network's weighted inputs may overflow to infinity, which the sigmoid
  handles, giving outputs of exactly 0 or 1).
- A history must hold only finite numbers, in the ranges history.py lists.
- Values quoted in a message are cut to about 80 characters, so a 20 MB
  string in "sizes" gives a short line.

Saving is the mirror image: a network or history that would not load is not
saved (``"refusing to save net.json: weights[0][3][5] is nan, not a finite
number"``), NaN and Infinity are never written, and every save is atomic
(see fileio.py), so what saves always loads.
"""

import json
import math
import os
import re
import reprlib

from .activations import ACTIVATIONS
from .costs import COSTS
from .fileio import atomic_write_text, read_bytes

__all__ = ["FORMAT", "FORMAT_VERSION", "VERSIONS", "MAX_FILE_BYTES", "MAX_NESTING",
           "MAX_INT_DIGITS", "NetworkFormatError", "network_to_dict", "network_from_dict",
           "save_network", "load_network", "parse_json", "read_json", "json_problem",
           "is_finite", "is_number", "shorten"]

FORMAT = "mnist_scratch.network"
FORMAT_VERSION = 2  # what save writes
VERSIONS = (1, 2)   # what load reads
MAX_FILE_BYTES = 512 * 2 ** 20  # the most JSON a network or history file may hold (uncompressed)
MAX_NESTING = 100               # lists and objects in lists and objects, at most this deep
MAX_INT_DIGITS = 4300           # CPython's own limit for turning text into an int (3.11+)


class NetworkFormatError(ValueError):
    """A saved network file is malformed. The message names the file and the problem."""


# ------------------------------------------------------------------ messages

class _ShortRepr(reprlib.Repr):
    """repr, cut short: long strings and lists are elided in the middle."""

    def __init__(self):
        super().__init__()
        self.maxstring = self.maxother = 80
        self.maxlist = self.maxtuple = 8
        self.maxdict = 4
        self.maxlevel = 3

    def repr_int(self, x, level):
        if x.bit_length() > 128:  # repr itself is slow (and refused on 3.11+) for huge ints
            return "<an integer of about %d digits>" % int(x.bit_length() * math.log10(2) + 1)
        return repr(x)


_SHORT = _ShortRepr()


def shorten(value):
    """``repr(value)``, cut to about 80 characters, for quoting a value in an error message."""
    return _SHORT.repr(value)


# ------------------------------------------------------------------ reading JSON

class _Refused(Exception):
    """What is wrong with a file's contents, in a few words (the caller adds the file name)."""


# A JSON string (escapes included), or one bracket or brace, or an unterminated quote.
_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}"]', re.DOTALL)


def _nesting(text, limit):
    """How deep lists and objects nest in JSON ``text``, counting no further than limit + 1.

    Brackets inside strings do not count. Only the brackets and strings are
    visited (the regular expression skips everything else in C), so this is
    fast even for a big network file.
    """
    depth = deepest = 0
    for match in _STRUCTURE.finditer(text):
        c = text[match.start()]
        if c == '"':
            if match.end() - match.start() == 1:
                break  # an unterminated string: the parser will say so
        elif c in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


def _object(pairs):
    """json's object_pairs_hook: a dict, refusing a key given twice."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused("the key %s appears twice in one object" % shorten(key))
            seen.add(key)
    return obj


def _int(digits):
    """json's parse_int: an int, refusing absurdly long ones on every Python version."""
    if len(digits) > MAX_INT_DIGITS + 1:  # + 1 for a minus sign
        raise _Refused("an integer with %d digits (at most %d are read)"
                       % (len(digits.lstrip("-")), MAX_INT_DIGITS))
    return int(digits)


def _parse(raw):
    """The value of the UTF-8 JSON ``raw`` (bytes), by the rules above; raises _Refused."""
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark, as some editors write, is fine
    except UnicodeDecodeError:
        raise _Refused("not a text (JSON) file") from None
    if _nesting(text, MAX_NESTING) > MAX_NESTING:
        raise _Refused("lists or objects nested more than %d deep" % MAX_NESTING)
    try:
        return json.loads(text, object_pairs_hook=_object, parse_int=_int)
    except RecursionError:  # cannot happen after the scan, but never show one
        raise _Refused("lists or objects nested too deeply") from None
    except ValueError as e:  # JSONDecodeError: the message gives line and column
        raise _Refused("not valid JSON (%s)" % e) from None


def parse_json(raw, name, error=ValueError, kind=None):
    """Parse the JSON bytes ``raw`` by the rules of the module docstring.

    Raises:
        error: "<name>: <problem>" (not UTF-8, not JSON, too deep, a duplicate
            key, ...), or "<name>: not a <kind> (<problem>)" if kind is given.
    """
    try:
        return _parse(raw)
    except _Refused as e:
        if kind:
            raise error("%s: not a %s (%s)" % (name, kind, e)) from None
        raise error("%s: %s" % (name, e)) from None


def read_json(path, what, error=ValueError, kind=None):
    """Read the JSON file at ``path`` (plain or gzipped) by the rules of the module docstring.

    Args:
        what: what the file is, for "<what> not found: <path>".
        error, kind: as for ``parse_json``.

    Raises:
        FileNotFoundError: no such file.
        error: anything else (not a regular file, over MAX_FILE_BYTES, not JSON, ...).
    """
    path = os.fspath(path)
    raw = read_bytes(path, what, error, max_bytes=MAX_FILE_BYTES)
    return parse_json(raw, path, error, kind)


def is_number(value):
    """True for an int or a float (bools are not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_finite(value):
    """True for an int or float that is a finite float (bools are not numbers here)."""
    if not is_number(value):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float, e.g. 10**400
        return False


def _cut(where):
    """A place such as meta['a'][0][0]..., cut to about 80 characters."""
    return where if len(where) <= 80 else where[:76] + "...]"


def json_problem(value, where, level=2):
    """The first place in ``value`` (dicts, lists, strings, numbers, None) that is not
    plain JSON of finite numbers, or that is nested deeper than MAX_NESTING; None if
    there is none. ``level`` is how deep ``value`` itself sits in the file (the
    file's outermost object is level 1)."""
    stack = [(value, where, level)]
    while stack:  # a loop, not recursion: a deep value cannot overflow the stack
        value, where, level = stack.pop()
        if isinstance(value, (dict, list, tuple)):
            if level > MAX_NESTING:
                return "%s is nested more than %d deep" % (_cut(where), MAX_NESTING)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            # reversed onto the stack, so the first problem in reading order is found first
            stack.extend(reversed([(v, "%s[%s]" % (where, shorten(k)), level + 1)
                                   for k, v in items]))
        elif isinstance(value, float) and not math.isfinite(value):
            return "%s is %s, not a finite number" % (_cut(where), shorten(value))
        elif not (value is None or isinstance(value, (str, bool, int, float))):
            return "%s is a %s, which JSON cannot hold" % (_cut(where), type(value).__name__)
    return None


# ------------------------------------------------------------------ networks

def network_to_dict(net):
    """The network as a dict in the format above, version 2 (the lists are the
    network's own, not copies)."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "sizes": list(net.sizes),
        "cost": net.cost.name,
        "activations": net.activation_names,
        "weights": net.weights,
        "biases": net.biases,
        "meta": net.meta,
    }


def _neurons(data, version, layers, fail):
    """(hidden activation name, cost name) of a network dict, checked; see the docstring."""
    if version == 1:
        for key, sigmoid in (("activation", "sigmoid"), ("activations", ["sigmoid"] * layers)):
            if data.get(key, sigmoid) != sigmoid:
                fail("a version 1 network has sigmoid neurons only, found %r %s; "
                     "other activations need \"version\": 2" % (key, shorten(data[key])))
        if data.get("cost", "quadratic") != "quadratic":
            fail("a version 1 network has the quadratic cost, found %s; other costs need "
                 "\"version\": 2" % shorten(data["cost"]))
        return "sigmoid", "quadratic"
    for key in ("cost", "activations"):
        if key not in data:
            fail("missing key %r (a version 2 file names its cost and activations)" % key)
    cost, names = data["cost"], data["activations"]
    if not isinstance(cost, str) or cost not in COSTS:
        fail("unknown cost %s; one of %s" % (shorten(cost), ", ".join(map(repr, COSTS))))
    if (not isinstance(names, list) or len(names) != layers
            or not all(isinstance(name, str) for name in names)):
        fail("'activations' must be a list of %d names (one per layer with weights), found %s"
             % (layers, shorten(names)))
    output = COSTS[cost].output.name
    if names[-1] != output:
        fail("the output layer of a network with the %s cost is %r, found %s"
             % (cost, output, shorten(names[-1])))
    hidden = names[:-1]
    for name in hidden:
        if name not in ACTIVATIONS:
            fail("unknown hidden-layer activation %s; one of %s"
                 % (shorten(name), ", ".join(map(repr, ACTIVATIONS))))
    if len(set(hidden)) > 1:
        fail("the hidden layers must share one activation, found %s" % shorten(hidden))
    return (hidden[0] if hidden else "sigmoid"), cost


def _check_network(data, fail):
    """Check a network dict; (weights, biases, meta, activation, cost), the weights
    and biases as fresh lists of floats, activation the hidden layers' name.

    ``fail(problem)`` raises; it is called with the first problem found.
    """
    if not isinstance(data, dict):
        fail("expected a JSON object, found %s" % type(data).__name__)
    for key in ("sizes", "weights", "biases"):
        if key not in data:
            fail("missing key %r" % key)
    if data.get("format", FORMAT) != FORMAT:
        fail("format is %s, expected %r" % (shorten(data["format"]), FORMAT))
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        fail("'version' must be a whole number, found %s" % shorten(version))
    if version not in VERSIONS:
        fail("format version %s is not supported (this version of mnist_scratch reads %s)"
             % (shorten(version), " and ".join(map(str, VERSIONS))))
    meta = data.get("meta", {})
    if not isinstance(meta, dict):
        fail("'meta' must be a JSON object, found %s" % shorten(meta))
    problem = json_problem(meta, "meta", 2)
    if problem:
        fail(problem)
    sizes = data["sizes"]
    if (not isinstance(sizes, list) or len(sizes) < 2
            or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in sizes)):
        fail("'sizes' must be a list of at least two positive integers, found %s" % shorten(sizes))
    weights, biases = data["weights"], data["biases"]
    layers = len(sizes) - 1
    if not isinstance(weights, list) or len(weights) != layers:
        fail("'weights' must be a list of %d matrices for sizes %s" % (layers, shorten(sizes)))
    if not isinstance(biases, list) or len(biases) != layers:
        fail("'biases' must be a list of %d vectors for sizes %s" % (layers, shorten(sizes)))
    activation, cost = _neurons(data, version, layers, fail)

    def check_vector(v, n, where):
        if not isinstance(v, list) or len(v) != n:
            found = "length %d" % len(v) if isinstance(v, list) else type(v).__name__
            fail("%s must be a list of %d numbers, found %s" % (where, n, found))
        # The usual case in two C-level passes: nothing but finite floats.
        if set(map(type, v)) <= {float} and all(map(math.isfinite, v)):
            return list(v)
        for k, number in enumerate(v):
            if not is_number(number):
                fail("%s[%d] is %s, not a number" % (where, k, shorten(number)))
            if not is_finite(number):
                fail("%s[%d] is %s, not a finite number" % (where, k, shorten(number)))
        return [float(number) for number in v]

    checked_weights, checked_biases = [], []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        w = weights[i]
        if not isinstance(w, list) or len(w) != n_out:
            found = "%d rows" % len(w) if isinstance(w, list) else type(w).__name__
            fail("weights[%d] must have %d rows (one per neuron of layer %d), found %s"
                 % (i, n_out, i + 2, found))
        checked_weights.append([check_vector(row, n_in, "weights[%d][%d]" % (i, j))
                                for j, row in enumerate(w)])
        checked_biases.append(check_vector(biases[i], n_out, "biases[%d]" % i))
    return checked_weights, checked_biases, meta, activation, cost


def network_from_dict(data, name="<dict>", cls=None):
    """Build a network from a dict in the saved format, checking everything.

    Args:
        data: the dict (e.g. parsed from a file).
        name: what to call it in messages (the file name).
        cls: the class to build (default: network.Network).

    Raises:
        NetworkFormatError: "<name>: <what is wrong>".
    """
    def fail(problem):
        raise NetworkFormatError("%s: %s" % (name, problem))

    weights, biases, meta, activation, cost = _check_network(data, fail)
    if cls is None:
        from .network import Network as cls  # here, not at the top: network.py imports this module
    return cls.from_parameters(weights, biases, meta, activation=activation, cost=cost)


def save_network(net, path):
    """Save ``net`` as JSON at ``path``, atomically.

    Raises:
        ValueError: the network would not load again ("refusing to save <path>:
            weights[0][3][5] is nan, not a finite number"); nothing is written.
        OSError: see fileio.atomic_write_bytes.
    """
    path = os.fspath(path)
    data = network_to_dict(net)

    def fail(problem):
        raise ValueError("refusing to save %s: %s" % (path, problem))

    _check_network(data, fail)
    atomic_write_text(path, json.dumps(data, separators=(",", ":"), allow_nan=False) + "\n")


def load_network(path, cls=None):
    """Load a network saved by ``save_network`` (plain or gzipped JSON, version 1 or 2).

    Raises:
        FileNotFoundError: no such file ("network file not found: <path>").
        NetworkFormatError: anything else that is wrong, naming the file (not a
            regular file, too large, not JSON, a missing key, a ragged row, a NaN, ...).
    """
    path = os.fspath(path)
    return network_from_dict(read_json(path, "network file", NetworkFormatError), path, cls)
