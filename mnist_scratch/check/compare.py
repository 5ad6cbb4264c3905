"""Comparing a student's answer with the right one, and saying what is wrong.

The checks of every step use these: ``expect_close`` compares (nested)
numbers within a tolerance and, when they differ, picks the hint of a known
mistake if the answer matches it; ``describe`` and ``short`` turn any value
into a few words for the report. A check stops with ``Failed`` (what was
expected, what came back, a hint) or ``NotWritten`` (the stub still raises
NotImplementedError).

Nothing here runs the student's code except ``==`` and ``repr`` on what their
function returned, and both are guarded: an answer that cannot be compared or
printed is a wrong answer, not a crash of the checker.
"""

import math

from .outcome import ERROR, FAIL

PLAIN_HINT = ("Return plain Python values: lists of floats for vectors, lists of rows for "
              "matrices, ints for labels, exactly as the template's docstring says.")


class NotWritten(Exception):
    """The student's function raised NotImplementedError."""


class Failed(Exception):
    """A check did not pass; carries what the report says.

    Attributes:
        expected, got, hint: as in Outcome.
        status: FAIL for a wrong answer; ERROR when the check itself could not
            run (for example, the MNIST data is missing).
        title: the report's title for this failure; empty: the checker's last call.
        public_got: what came back, in words that cannot give a hidden case's
            input away (None: "a wrong answer").
        error: the name of the exception the student's code raised, if it raised one.
    """

    def __init__(self, expected, got, hint="", status=FAIL, title="", public_got=None, error=""):
        super().__init__(got)
        self.expected, self.got, self.hint, self.status = expected, got, hint, status
        self.title, self.public_got, self.error = title, public_got, error

    def hidden(self, title):
        """This failure as a hidden case reports it: ``title``, no expected value, and what
        came back only in words that cannot show the case's input or answer."""
        return Failed("", self.public_got or "a wrong answer", self.hint, self.status, title,
                      self.public_got, self.error)


def setup_problem(what, error):
    """A Failed for a problem of the checker's own, not of the student's code."""
    return Failed(what, "the checker could not get it", str(error), status=ERROR,
                  public_got="the checker could not get it")


def safe_repr(value):
    """repr(value), or a description if the value's own __repr__ fails."""
    try:
        return repr(value)
    except Exception as e:
        return "<a %s whose repr() raised %s>" % (type(value).__name__, type(e).__name__)


def safe_str(value):
    """str(value), or a description if it fails (for exception messages)."""
    try:
        return str(value)
    except Exception as e:
        return "<str() raised %s>" % type(e).__name__


def short(value, limit=110):
    """repr of ``value``, shortened to ``limit`` characters (floats rounded)."""
    def rounded(v):
        if isinstance(v, float):
            return round(v, 6)
        if type(v) in (list, tuple):
            return type(v)(rounded(u) for u in v)
        return v
    text = safe_repr(rounded(value))
    return text if len(text) <= limit else text[:limit - 5] + " ...]"


def describe(value, top=True):
    """A short description of a value's type and shape, e.g. 'a list of 3 lists of 2 numbers'."""
    if isinstance(value, (list, tuple)):
        kind = type(value).__name__
        if not value:
            return "an empty %s" % kind
        inner = describe(value[0], top=False)
        inner = inner.replace("a ", "", 1) if inner.startswith("a ") else inner
        return "a %s of %d %s" % (kind, len(value), inner if len(value) == 1 else _plural(inner))
    if isinstance(value, bool):
        return "a bool (%r)" % value
    if isinstance(value, (int, float)):
        return "a number (%s)" % short(value) if top else "a number"
    if value is None:
        return "None (did you forget to return?)"
    return "a %s" % type(value).__name__


def _plural(word):
    parts = word.split(" ", 1)
    head = parts[0]
    if head in ("int", "float", "str", "bool", "number", "list", "tuple"):
        head += "s"
    return " ".join([head] + parts[1:])


def show_arg(value):
    """An argument as it appears in a check's title: a file by its name, a big list by its shape."""
    if isinstance(value, str):
        return value.replace("\\", "/").rsplit("/", 1)[-1] or value
    text = short(value, 40)
    if len(text) < 40 and not text.startswith("<"):
        return text
    what = describe(value)
    return "<%s>" % (what[len("a "):] if what.startswith("a list of ") else what)


def close(a, b, tol):
    """True if the (nested) numbers a and b agree within ``tol`` (absolute or relative)."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(close(u, v, tol) for u, v in zip(a, b))
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


def scaled(value, c):
    """The (nested) numbers of ``value`` times c."""
    if isinstance(value, (list, tuple)):
        return [scaled(v, c) for v in value]
    return c * value


def expect_close(expected, got, tol=1e-9, hint="", diagnoses=()):
    """Fail unless got ~ expected. ``diagnoses``: (wrong answer, hint) pairs for known mistakes."""
    if close(expected, got, tol):
        return
    if not isinstance(got, (list, tuple, int, float)) and got is not None:
        # A numpy array, a generator, a dict...: the type is the mistake, whatever the values.
        raise Failed(short(expected), "%s: %s" % (describe(got), " ".join(short(got).split())),
                     PLAIN_HINT, public_got=describe(got))
    public = describe(None) if got is None else None
    for wrong, wrong_hint in diagnoses:
        if close(wrong, got, tol):
            raise Failed(short(expected), short(got), wrong_hint, public_got=public)
    shape_note = ""
    if describe(expected) != describe(got) and not isinstance(expected, (int, float)):
        shape_note = "  [%s, expected %s]" % (describe(got), describe(expected))
    raise Failed(short(expected), short(got) + shape_note, hint, public_got=public)


def expect_pair(got, what, hint):
    """Fail unless ``got`` is a pair (a list or tuple of two things); ``what`` names them."""
    if not (isinstance(got, (list, tuple)) and len(got) == 2):
        raise Failed("a pair %s" % what, describe(got), hint, public_got=describe(got, top=False))
    return got
