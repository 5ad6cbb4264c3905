"""What the checker watches while a student's function runs.

A right answer can still hide three mistakes, and each one bites later, in
code that trusts the function:

- **It changed its arguments.** ``weights[i][j] -= step`` or
  ``rng.shuffle(data)`` changes the caller's lists: the code that called the
  function (``learn``, a notebook cell, the checker) no longer has what it
  had. Every list argument is copied before the call and compared after it.
- **It used the random module's shared generator** (``random.shuffle``,
  ``random.gauss``, ``random.seed``): then the seed given to ``learn`` (or the
  ``rng`` given to ``create_batches``) does not decide the result. The
  generator's state is compared before and after the call.
- **It called the library's answer** (``return linalg.matvec(m, v)``, or
  ``Network.backprop``): the exercise is to write it. While the function runs,
  ``sys.setprofile`` sees every Python function it calls; one that belongs to
  ``mnist_scratch`` and is the exercise's answer (the library function of the
  same name, or a module or function named in ANSWERS) is reported. The student's own helpers,
  the standard library and the checker itself never count.

Watching costs time (a Python call per function call), so each call is
watched for its first WATCHED_EVENTS events only: the small cases of every
check are watched whole, and a function that hands its work to the library
does so from its first lines.
"""

import inspect
import random
import sys

from .compare import Failed

__all__ = ["ANSWERS", "Watch", "argument_names", "library_failure"]

# Calls and returns watched per call of the student's function, at most.
WATCHED_EVENTS = 100000

# CPython lets the profile function switch itself off (sys.setprofile(None)),
# which makes the rest of the call run at full speed. PyPy 3.9 crashes when it
# does that again and again, so there the function stays and returns at once.
_SWITCH_OFF_INSIDE = sys.implementation.name != "pypy"

_PACKAGE = "mnist_scratch."
_NOT_LIBRARY = ("mnist_scratch.check", "mnist_scratch.exercises")

_NETWORK = ("network", "training", "gradcheck")

# function -> the parts of mnist_scratch that are its answer: a module ("linalg": its
# every function) or one function ("visualize_figures.to_image"). Besides these, a
# library function with the exercise's own name always counts (linalg.argmax for
# argmax). A step module may add to this with its own ANSWERS.
ANSWERS = {
    "read_labels": ("idx", "datasets"), "read_images": ("idx", "datasets"),
    "image_to_vector": ("idx", "datasets"),
    "add": ("linalg",), "sub": ("linalg",), "scale": ("linalg",), "dot": ("linalg",),
    "matvec": ("linalg",), "transpose": ("linalg",), "outer": ("linalg",),
    "sigmoid": ("activations",), "mean_square_error": ("costs",),
    "feedforward": _NETWORK, "predict": _NETWORK, "evaluate": _NETWORK, "update": _NETWORK,
    "backprop": _NETWORK, "create_batches": ("training",), "update_mini_batch": _NETWORK,
    "learn": _NETWORK, "update_mini_batch_l2": _NETWORK,
    "cross_entropy_cost": ("costs",), "cross_entropy_delta": ("costs",),
    "softmax": ("activations",),
    "crop_to_ink": ("preprocess",), "centre_of_mass": ("preprocess",),
}

LIBRARY_HINT = ("Write it yourself: the exercise is to see every step in plain Python. Use "
                "the standard library (math, random, gzip, struct) and your own functions "
                "from the earlier steps; read the library's version once yours passes.")

RANDOM_HINT = ("Use the random.Random you were given (rng.shuffle, rng.gauss), or in learn "
               "one made from the seed, once: rng = random.Random(seed). The random module's "
               "own functions share one generator with every other piece of code, so the same "
               "seed would not give the same result.")

CHANGED_HINT = ("Build new lists and return them; never change a list you were given: the "
                "caller still needs it. `w[j][k] -= ...`, `z = b` followed by `z[j] += ...` "
                "(z IS the list b, not a copy), `.append`, `.sort()` or `rng.shuffle(data)` "
                "change the caller's list; `[w - s for w, s in zip(row, steps)]` or "
                "`list(data)` make new ones.")

SHUFFLED_HINT = ("Shuffle a copy: shuffled = list(data); rng.shuffle(shuffled). rng.shuffle "
                 "(and .sort()) reorder the list they are given, and this one belongs to the "
                 "caller.")

# A list whose first item is one of these is copied item by item; any other
# list is a list of numbers (or strings), copied in one go.
_CONTAINERS = (list, tuple, dict)


def snapshot(value):
    """A copy of the lists, tuples and dicts inside ``value``, to compare with it later.

    Numbers and strings cannot change; other objects (a random.Random) are not
    compared, so they are kept as they are. A list is taken to hold items of
    one kind, as every argument of the checks does: copying a row of 784
    floats with list() is what keeps this fast.
    """
    kind = type(value)
    if kind is list or kind is tuple:
        if value and type(value[0]) in _CONTAINERS:
            copied = [snapshot(item) for item in value]
        else:
            copied = list(value)
        return copied if kind is list else tuple(copied)
    if kind is dict:
        return {key: snapshot(item) for key, item in value.items()}
    return value


def argument_names(func, n):
    """The names of the first n parameters of ``func`` ("argument 3" where it has none)."""
    try:
        names = [p.name for p in inspect.signature(func).parameters.values()]
    except Exception:  # a builtin, or an object whose signature cannot be read
        names = []
    return [names[i] if i < len(names) else "argument %d" % (i + 1) for i in range(n)]


def library_failure(where):
    """The Failed of a function that called the library's answer ``where``."""
    got = "it calls the library's %s" % where
    return Failed("your own code", got, LIBRARY_HINT, public_got=got)


class Watch:
    """Watches one call of a student's function: use as ``with Watch(...) as watch:``.

    Args:
        name: the exercise, e.g. "matvec" (None: do not look for library calls).
        args: the arguments of the call.
        answers: the library modules ("linalg") and functions
            ("visualize_figures.to_image") that count as the answer (besides the
            functions called ``name``).
        verdicts: a dict kept between calls of the same exercise: code object ->
            the library function it is, if it is an answer ("" if not).

    After the call, ``library_call`` names the library answer the function
    called (or is empty), and ``problem(func)`` gives the Failed to report, if any.
    """

    def __init__(self, name, args, answers=(), verdicts=None):
        self.name = name
        self.args = args
        self.answers = frozenset(answers)
        self.verdicts = {} if verdicts is None else verdicts
        self.library_call = ""
        self._events = 0
        self._done = False
        self._before = None
        self._ids = None
        self._random_state = None
        self._old_profile = None

    def __enter__(self):
        self._before = [snapshot(a) for a in self.args]
        self._ids = [[id(item) for item in a] if type(a) is list else None for a in self.args]
        self._random_state = random.getstate()
        if self.name is not None:
            self._old_profile = sys.getprofile()
            sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc):
        if self.name is not None:
            sys.setprofile(self._old_profile)
        return False

    def _profile(self, frame, event, arg):
        if self._done:
            return
        if event == "call":
            code = frame.f_code
            verdict = self.verdicts.get(code)
            if verdict is None:
                verdict = self.verdicts[code] = self._answer(frame)
            if verdict:
                self.library_call = verdict
                self._stop()  # found: nothing more to watch
                return
        self._events += 1
        if self._events > WATCHED_EVENTS:
            self._stop()

    def _stop(self):
        self._done = True
        if _SWITCH_OFF_INSIDE:
            sys.setprofile(None)

    def _answer(self, frame):
        """The library function running in ``frame`` if it is an answer of the exercise, else ""."""
        module = frame.f_globals.get("__name__")
        if not isinstance(module, str) or not module.startswith(_PACKAGE) or \
                module.startswith(_NOT_LIBRARY):
            return ""
        code = frame.f_code
        inside = module[len(_PACKAGE):]
        if code.co_name != self.name and inside not in self.answers and \
                "%s.%s" % (inside, code.co_name) not in self.answers:
            return ""
        qualname = getattr(code, "co_qualname", None)  # Python 3.11 and later
        if qualname is None:
            owner = frame.f_locals.get("self", frame.f_locals.get("cls"))
            owner = owner if isinstance(owner, type) else type(owner) if owner is not None else None
            qualname = "%s.%s" % (owner.__name__, code.co_name) if owner else code.co_name
        return "%s.%s" % (module, qualname)

    def problem(self, func):
        """The Failed for what went wrong besides the answer itself, or None."""
        if self.library_call:
            return library_failure(self.library_call)
        names = argument_names(func, len(self.args))
        for i, (before, now) in enumerate(zip(self._before, self.args)):
            try:
                same = before == now
            except Exception:  # an argument that cannot be compared: not ours to judge
                same = True
            if not same:
                return self._changed(names[i], i, now)
        if random.getstate() != self._random_state:
            got = ("it used the random module's shared generator (random.shuffle, "
                   "random.gauss, random.seed, ...)")
            return Failed("the random module's shared generator left alone", got, RANDOM_HINT,
                          public_got=got)
        return None

    def _changed(self, name, i, now):
        ids = self._ids[i]
        now_ids = [id(item) for item in now] if type(now) is list else None
        # The same items in another order: shuffled (or sorted) in place.
        reordered = (ids is not None and now_ids is not None and now_ids != ids
                     and sorted(now_ids) == sorted(ids))
        if reordered:
            got = "it reordered %s, the caller's list, in place" % name
            hint = SHUFFLED_HINT
        else:
            got = "it changed %s, the caller's list" % name
            hint = CHANGED_HINT
        return Failed("the caller's %s, unchanged" % name, got, hint, public_got=got)
