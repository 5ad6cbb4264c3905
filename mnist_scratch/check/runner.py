"""Running the checks of one function, in this process.

Each step's module (step1.py ... step5.py, step8.py ... step10.py) writes its
checks as generators: ``check(checker, f)`` calls the student's function
``f`` through the checker, compares, and yields one title per check that
passed; it stops with ``Failed`` or ``NotWritten`` otherwise. A ``Checker``
runs such a generator and turns what happens into Outcomes, whatever the
student's code does: returns nonsense, raises any exception (even
``BaseException``), exits, or runs out of memory.

The checker is also what one run shares: the temporary folder for the small
IDX files the checks write, the real MNIST examples (loaded once), and the
last call of the student's function (the title of a failure).

Every call of the student's function is watched (watch.py): a function that
changes its arguments, uses the random module's shared generator or calls the
library's answer fails, even with the right result. A check may run a case
as a hidden one (``with checker.hidden() as title:``): the report then says
that hidden check 2 of argmax passed or failed, with the hint, but never
what it was called with or what the right answer was.

This module runs the student's code in the calling process. The command
line runs it in a child process instead (sandbox.py), with a time limit and
a memory cap; notebooks call ``check_function`` here, on a function that
already lives in the notebook's own process.
"""

import contextlib
import os
import shutil
import sys
import tempfile
import traceback

from ..datasets import FILES, DataError, find_file, load_mnist
from ..idx import IdxError, read_idx, write_idx
from . import step1, step2, step3, step4, step5, step6, step7, step8, step9, step10
from .compare import PLAIN_HINT, Failed, NotWritten, describe, safe_str, setup_problem, show_arg
from .outcome import ERROR, FAIL, PASS, TODO, Outcome, step_summary
from .watch import ANSWERS as _DEFAULT_ANSWERS
from .watch import Watch, library_failure

__all__ = ["STEPS", "CHECKS", "OPTIONAL", "TIME_LIMITS", "Checker", "step_of", "run_checks",
           "check_function", "check_step"]

_STEP_MODULES = {1: step1, 2: step2, 3: step3, 4: step4, 5: step5, 6: step6, 7: step7,
                 8: step8, 9: step9, 10: step10}

# step -> (title, the functions the student writes for it, in order)
STEPS = {step: (module.TITLE, list(module.CHECKS)) for step, module in _STEP_MODULES.items()}

# The functions that earn no points when graded (their steps' OPTIONAL), e.g. make_gif
OPTIONAL = frozenset(name for module in _STEP_MODULES.values()
                     for name in getattr(module, "OPTIONAL", ()))

# function name -> its checks: a generator function check(checker, f)
CHECKS = {name: check for module in _STEP_MODULES.values() for name, check in module.CHECKS.items()}

# function name -> the hint for a failure whose check gave none (e.g. an exception)
HINTS = {name: hint for module in _STEP_MODULES.values() for name, hint in module.HINTS.items()}

# function name -> the library modules whose functions count as its answer (watch.py)
ANSWERS = dict(_DEFAULT_ANSWERS)
for _module in _STEP_MODULES.values():
    ANSWERS.update(getattr(_module, "ANSWERS", {}))

# exception -> the hint for it, when neither the check nor the function has one
EXCEPTION_HINTS = {
    "OverflowError": "math.exp(x) raises OverflowError for x above about 709 (e^710 is too big "
                     "for a float). If it comes from your sigmoid: for negative z use the equal "
                     "form e^z / (1 + e^z), so that math.exp only ever sees z <= 0.",
}

# Seconds the checks of one function may take (the student's code and the
# check's own work) when run in the sandbox; most take well under a second.
DEFAULT_TIME_LIMIT = 10.0
TIME_LIMITS = {name: getattr(module, "TIME_LIMITS", {}).get(name, DEFAULT_TIME_LIMIT)
               for module in _STEP_MODULES.values() for name in module.CHECKS}

# How many examples of each split to load the first time one is needed: enough
# for every check, so each MNIST file is read once per run.
_PRELOAD = {"train": 1000, "validation": 500, "test": 30}
_FIRST_IMAGES = 5


def step_of(name):
    """The step whose functions include ``name``; KeyError if none does."""
    for step, (_, names) in STEPS.items():
        if name in names:
            return step
    raise KeyError(name)


class Checker:
    """Runs the checks of the exercise functions and holds what one run shares.

    Args:
        folder: where to write the small IDX files the checks make; default: a
            temporary folder, made when first needed and removed by close().
        contain_interrupts: treat a KeyboardInterrupt raised by the student's
            code as their bug (the sandbox's child process, where a real Ctrl-C
            never arrives) instead of letting it stop the run.
        memory_mb: the child's memory cap, for the message when it is hit.
        on_call: called with the title of each call of the student's function
            before it is made (the sandbox reports it if the call never returns).

    Use it as a context manager, or call close() when done.
    """

    def __init__(self, folder=None, contain_interrupts=False, memory_mb=None, on_call=None):
        self._folder = folder
        self._own_folder = folder is None
        self.contain_interrupts = contain_interrupts
        self.memory_mb = memory_mb
        self.on_call = on_call
        self.last_call = ""
        self.out_of_memory = False
        self._examples = {}
        self._test_pixels = None
        self._name = None      # the function whose checks are running
        self._hidden = 0       # how many of its hidden cases have started
        self._hiding = ""      # the title of the hidden case running, if one is
        self._verdicts = {}    # function name -> what watch.py learnt of the code it ran

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Remove the temporary folder, if this checker made it."""
        if self._own_folder and self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    # ------------------------------------------------ what the checks use

    def folder(self):
        """The folder for the run's small files."""
        if self._folder is None:
            self._folder = tempfile.mkdtemp(prefix="mnist-check-")
        return self._folder

    def write_idx_gz(self, name, dims, body):
        """Write a small gzipped IDX file of unsigned bytes into the run's folder; its path.

        Its magic number is 0x0800 + len(dims): 2049 for labels (1 dimension),
        2051 for images (3 dimensions).
        """
        path = os.path.join(self.folder(), name)
        write_idx(path, body, dims, compress=True)
        return path

    def examples(self, split, n):
        """The first n (x, label) examples of a split of the real MNIST data, loaded once."""
        have = self._examples.get(split)
        if have is None or len(have) < n:
            try:
                have = load_mnist(split, limit=max(n, _PRELOAD.get(split, 0)))
            except (DataError, IdxError, OSError) as e:
                raise setup_problem("the real MNIST data", e) from None
            self._examples[split] = have
        return have[:n]

    def test_labels_file(self):
        """A gzipped IDX copy of the real 10,000 test labels; its path.

        A copy, so that it is gzipped (as the template says) even when the data
        folder holds the files uncompressed; it has the real file's name, which
        a failure's title shows.
        """
        name = FILES["test"][1]
        try:
            labels = read_idx(find_file(name)).data
        except (DataError, IdxError, OSError) as e:
            raise setup_problem("the real MNIST test labels", e) from None
        return self.write_idx_gz(name if name.endswith(".gz") else name + ".gz",
                                 (len(labels),), labels)

    def first_test_images(self, n):
        """The first n test images as lists of 28 rows of 28 ints, and a gzipped IDX file of them."""
        if self._test_pixels is None or len(self._test_pixels) < n * 784:
            try:
                data = read_idx(find_file(FILES["test"][0]))
            except (DataError, IdxError, OSError) as e:
                raise setup_problem("the real MNIST test images", e) from None
            self._test_pixels = data.data[:max(n, _FIRST_IMAGES) * 784]
        pixels = self._test_pixels[:n * 784]
        images = [[list(pixels[i * 784 + r * 28:i * 784 + (r + 1) * 28]) for r in range(28)]
                  for i in range(n)]
        path = self.write_idx_gz("first-%d-test-images.gz" % n, (n, 28, 28), pixels)
        return images, path

    def _record(self, func, args):
        if self._hiding:  # a hidden case: its title never shows the arguments
            self.last_call = self._hiding
        else:
            self.last_call = "%s(%s)" % (getattr(func, "__name__", "function"),
                                         ", ".join(show_arg(a) for a in args))
        if self.on_call is not None:
            self.on_call(self.last_call)

    def call(self, func, *args):
        """Call the student's function, watching it (watch.py).

        NotImplementedError -> NotWritten; any other exception (even SystemExit
        or GeneratorExit) -> Failed naming it and its line; a call of the
        library's answer, a changed argument or the random module's shared
        generator -> Failed, whatever the result.
        """
        self._record(func, args)
        watch = Watch(self._name, args, ANSWERS.get(self._name, ()),
                      self._verdicts.setdefault(self._name, {}))
        try:
            with watch:
                result = func(*args)
        except NotImplementedError:
            raise NotWritten() from None
        except MemoryError:
            raise
        except KeyboardInterrupt:
            if not self.contain_interrupts:
                raise
            raise Failed("a result", "it raised KeyboardInterrupt",
                         public_got="it raised KeyboardInterrupt",
                         error="KeyboardInterrupt") from None
        except BaseException as e:  # the student's bug (or an exit()), reported as a failure
            if watch.library_call:
                raise library_failure(watch.library_call) from None
            where = _where(e)
            raise Failed("a result", "it raised %s%s" % (_exception_text(e), where),
                         _NOT_AN_ERROR_HINT if not isinstance(e, Exception) else "",
                         # a hidden case shows no message: it could quote the input
                         public_got="it raised %s%s" % (type(e).__name__, where),
                         error=type(e).__name__) from None
        problem = watch.problem(func)
        if problem is not None:
            raise problem
        return result

    @contextlib.contextmanager
    def hidden(self):
        """Run a hidden case: ``with checker.hidden() as title: ...``, then ``yield title``.

        Calls made inside are titled "argmax: hidden check 2" (also for the
        sandbox's TIMEOUT); a failure inside keeps its hint but loses its
        expected value and its input. The check's hints there must not quote
        the input either.
        """
        self._hidden += 1
        title = "%s: hidden check %d" % (self._name or "function", self._hidden)
        self._hiding = title
        try:
            yield title
        except (NotWritten, MemoryError):
            raise
        except Failed as e:
            raise e.hidden(title + " failed (its input is not shown)") from None
        except Exception as e:  # the check could not read the result
            raise Failed("", "something the check could not use (%s)" % type(e).__name__,
                         PLAIN_HINT).hidden(title + " failed (its input is not shown)") from None
        finally:
            self._hiding = ""

    def expect_raises(self, func, args, what, hint):
        """Fail unless calling the student's function raises an Exception (e.g. ValueError)."""
        self._record(func, args)
        expected = "an exception (e.g. ValueError) because %s" % what
        try:
            result = func(*args)
        except NotImplementedError:
            raise NotWritten() from None
        except SystemExit:
            raise Failed(expected,
                         "it called exit(), which would stop the whole program that uses it",
                         "Raise an error instead of exiting: raise ValueError('bad magic number "
                         "%d' % magic). The code that calls your function decides what to do.") \
                from None
        except MemoryError:
            raise
        except Exception:
            return
        except KeyboardInterrupt:
            if not self.contain_interrupts:
                raise
            return
        except BaseException as e:
            raise Failed(expected, "it raised %s, which is not an Exception"
                         % type(e).__name__, "Raise ValueError; code that catches errors with "
                         "'except Exception' would not catch a %s." % type(e).__name__) from None
        raise Failed(expected, "no exception; it returned %s" % describe(result), hint)

    # ------------------------------------------------------------ running

    def iter_checks(self, name, func):
        """Run every check of one function, yielding an Outcome as each one ends.

        Args:
            name: the function's name in the exercise track, e.g. "argmax".
            func: the student's function (or None if their file has none).
        """
        if name not in CHECKS:
            raise ValueError("no checks for %r; the functions are: %s" % (name, ", ".join(CHECKS)))
        if func is None:
            yield Outcome(FAIL, "%s: your file has no function named %s" % (name, name),
                          hint="Copy its stub from the template (python -m mnist_scratch.check "
                               "--template FILE) and keep the name and arguments.")
            return
        if not callable(func):
            yield Outcome(FAIL, "%s is not a function" % name, got=describe(func))
            return
        self.last_call = ""
        self._name, self._hidden, self._hiding = name, 0, ""
        cases = CHECKS[name](self, func)
        try:
            while True:
                outcome = self._next_outcome(name, cases)
                if outcome is None:
                    return
                yield outcome
                if outcome.status != PASS:
                    return
        finally:
            try:
                cases.close()
            except BaseException:  # a finally block of the student's generator, if it was one
                pass

    def _next_outcome(self, name, cases):
        """Run the next check of ``cases``; its Outcome, or None when there are no more."""
        try:
            passed = next(cases)
        except StopIteration:
            return None
        except NotWritten:
            return Outcome(TODO, "%s: not written yet (it raises NotImplementedError)" % name)
        except Failed as e:
            return Outcome(e.status, e.title or self.last_call or name, e.expected, e.got,
                           e.hint or EXCEPTION_HINTS.get(e.error) or HINTS.get(name, ""))
        except MemoryError:
            self.out_of_memory = True
            hint = ("Look for a list that grows without end, or one made far too big "
                    "(e.g. [0] * 10**10).")
            if self.memory_mb:
                return Outcome(ERROR, self.last_call or name, "a result",
                               "it used more than %d MB of memory" % self.memory_mb,
                               hint + " If your code really needs more, give it more with "
                                      "--memory MB.")
            return Outcome(ERROR, self.last_call or name, "a result",
                           "it ran out of memory (MemoryError)", hint)
        except KeyboardInterrupt:
            if not self.contain_interrupts:
                raise
            return Outcome(FAIL, self.last_call or name, "a result", "it raised KeyboardInterrupt")
        except BaseException as e:
            # The result came back in a form the check could not even look at
            # (a numpy array, a generator, a dict, ...).
            return Outcome(FAIL, self.last_call or name, "a result the check can read",
                           "something it could not use (%s)" % _exception_text(e), PLAIN_HINT)
        return Outcome(PASS, passed)


_NOT_AN_ERROR_HINT = ("Return the result; to report a problem, raise an Exception such as "
                      "ValueError. SystemExit, GeneratorExit and BaseException are not errors: "
                      "they stop a program or a generator.")


def _exception_text(e):
    message = safe_str(e)
    return "%s: %s" % (type(e).__name__, message) if message else type(e).__name__


def _where(e):
    """' (at file line N: code)' for the innermost frame of the student's exception."""
    try:
        tb = traceback.extract_tb(e.__traceback__)
    except Exception:
        return ""
    if len(tb) < 2:  # only the checker's own frame
        return ""
    frame = tb[-1]
    return " (at %s line %d: %s)" % (os.path.basename(frame.filename), frame.lineno,
                                     (frame.line or "").strip())


# ------------------------------------------------- in-process entry points

def run_checks(name, func):
    """Run every check of one function in this process; a list of Outcome."""
    with Checker() as checker:
        return list(checker.iter_checks(name, func))


def check_function(name, func, out=None):
    """Run and print one function's checks (for notebooks). Never raises (but Ctrl-C stops it).

    Returns:
        True if every check passed.
    """
    out = out or sys.stdout
    try:
        outcomes = run_checks(name, func)
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # e.g. an unknown name: say so, as a failure
        outcomes = [Outcome(ERROR, name, got="the check could not run (%s)" % _exception_text(e))]
    for outcome in outcomes:
        out.write("\n".join(outcome.lines()) + "\n")
    return all(o.status == PASS for o in outcomes)


def check_step(step, namespace, only=None, out=None):
    """Run and print the checks of one step against the functions in ``namespace``, in this process.

    Args:
        step: a step with functions to write (1 to 5, 8 to 10; see STEPS).
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
    outcomes = []
    with Checker() as checker:
        for name in names:
            for outcome in checker.iter_checks(name, get(name)):
                out.write("\n".join(outcome.lines()) + "\n")
                out.flush()
                outcomes.append(outcome)
    out.write(step_summary(step, [o.status for o in outcomes]) + "\n\n")
    return outcomes
