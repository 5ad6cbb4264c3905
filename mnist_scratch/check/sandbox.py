"""Running a student's file in a child process, with a time limit and a memory cap.

The checker runs code it has never seen, so a student's bug must never take
the checker down. A ``Sandbox`` starts one child process (worker.py) that
loads the student's file and runs the checks of one function after another;
this process only sends names and receives results as plain data. So:

- a function that never returns is stopped at its time limit: TIMEOUT;
- one that ends the child (``os._exit``, a crash) or uses more memory than
  the cap (on Linux, a limit on the child's address space; under PyPy also
  its garbage collector's PYPY_GC_MAX) is an ERROR;
- in both cases a fresh child loads the file again for the functions that are
  left, and this process carries on as if nothing happened.

One child serves a whole run (loading the data once), unless a function
times out or crashes. The same module will serve grading a folder of files:
``check_file`` checks one file and returns nothing but dicts, lists and
strings (json.dumps them as they are)::

    report = check_file("my_steps.py", step=3)
    # {"file": "my_steps.py", "error": None, "functions": [
    #     {"name": "sigmoid", "status": "PASS", "outcomes": [
    #         {"status": "PASS", "title": "sigmoid(0) == 0.5", "expected": "", ...}, ...]},
    #     ...]}
"""

import contextlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time

from . import worker
from .loading import StudentFileError, read_source
from .outcome import ERROR, TIMEOUT, Outcome, overall_status
from .runner import STEPS, TIME_LIMITS

__all__ = ["Sandbox", "check_file", "time_limit_of", "DEFAULT_MEMORY_MB", "LOAD_TIME_LIMIT",
           "StudentFileError"]

# MB the child may use above its size at start: the checks' own data (one MNIST
# file read whole) needs about 100; a student's mistake is usually far more.
DEFAULT_MEMORY_MB = 1000

# Seconds the student's file may take to load (its top-level code).
LOAD_TIME_LIMIT = 10.0

# Seconds a new child may take to start Python and import the checker, before
# it loads the student's file (generous: a busy machine, a cold disk, PyPy).
START_TIME_LIMIT = 60.0


def time_limit_of(name):
    """The default time limit of a function's checks, in seconds (learn gets the longest)."""
    return TIME_LIMITS[name]


_ENVIRONMENT_LOCK = threading.Lock()


@contextlib.contextmanager
def _pypy_heap_limit(memory_mb):
    """Under PyPy, set PYPY_GC_MAX for the moment a child starts.

    PyPy's garbage collector reads it when the interpreter starts and raises
    MemoryError past it, where the address-space cap alone would crash PyPy's
    JIT. A child inherits the environment as it is when it starts, so the
    variable is set for that moment and then put back.
    """
    if memory_mb is None or sys.implementation.name != "pypy":
        yield
        return
    with _ENVIRONMENT_LOCK:
        before = os.environ.get("PYPY_GC_MAX")
        os.environ["PYPY_GC_MAX"] = "%dMB" % memory_mb
        try:
            yield
        finally:
            if before is None:
                del os.environ["PYPY_GC_MAX"]
            else:
                os.environ["PYPY_GC_MAX"] = before


def _outcome_from(message):
    """The outcome dict carried by an ["outcome", {...}] message, checked field by field."""
    try:
        return Outcome.from_dict(message[1]).as_dict()
    except (AttributeError, IndexError, TypeError, ValueError):
        raise _Died("sent the checker something it cannot read") from None


class _TimedOut(Exception):
    pass


class _Died(Exception):
    """The child ended (or sent something unreadable); the message says how."""


class Sandbox:
    """One student's file, loaded in a child process.

    Args:
        path: the student's file.
        memory_mb: how many MB the child may grow by (None: no cap).
        load_time_limit: seconds the file's top-level code may take.

    Use as a context manager (which loads the file, raising StudentFileError
    if it cannot be used), then ``run(name)`` for each function::

        with Sandbox("my_steps.py") as box:
            for outcome in box.run("argmax"):      # plain dicts, one per check
                print(outcome["status"], outcome["title"])
    """

    def __init__(self, path, memory_mb=DEFAULT_MEMORY_MB, load_time_limit=LOAD_TIME_LIMIT):
        self.path = os.fspath(path)
        self.memory_mb = memory_mb
        self.load_time_limit = load_time_limit
        self._process = None
        self._conn = None
        self._folder = None

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self):
        """Start a child and load the student's file in it.

        Raises:
            StudentFileError: the file cannot be used (missing, a syntax error,
                an exception, an exit, too long or too much memory while loading).
        """
        if self._process is not None:
            return
        read_source(self.path)  # a missing or unreadable file: say so before starting a process
        if self._folder is None:
            self._folder = tempfile.mkdtemp(prefix="mnist-check-")
        # "spawn" starts a fresh interpreter: nothing of this process (threads,
        # open files, a notebook's state) leaks into the child. It works
        # the same on Linux, macOS and Windows, CPython and PyPy.
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(target=worker.serve, name="mnist-check-student",
                                  args=(theirs, self.path, self.memory_mb, self._folder),
                                  daemon=True)
        with _pypy_heap_limit(self.memory_mb):
            process.start()
        theirs.close()  # so that the child's end closing is seen here as end-of-file
        self._process, self._conn = process, ours
        try:
            ready = self._receive(time.monotonic() + START_TIME_LIMIT)
        except (_TimedOut, _Died) as e:
            self._stop()
            raise StudentFileError("the process to check %s in did not start (%s)"
                                   % (self.path, e or "no answer in %g s" % START_TIME_LIMIT)) \
                from None
        if ready[0] != "ready":
            self._stop()
            raise StudentFileError("the process to check %s in did not start" % self.path)
        try:
            message = self._receive(time.monotonic() + self.load_time_limit)
        except _TimedOut:
            self._stop()
            raise StudentFileError(
                "importing %s took longer than %g s. Does it run something at the top level "
                "(training, a test, an endless loop)? Put that code under "
                "if __name__ == \"__main__\":" % (self.path, self.load_time_limit)) from None
        except _Died as e:
            self._stop()
            raise StudentFileError("importing %s %s" % (self.path, e)) from None
        if message[0] != "loaded":
            self._stop()
            raise StudentFileError(str(message[1]) if message[0] == "unusable" and len(message) > 1
                                   else "importing %s went wrong in the checker" % self.path)

    def run(self, name, time_limit=None):
        """Run the checks of one function; yield each outcome as a dict as it ends.

        Args:
            name: a function of the exercise track, e.g. "argmax".
            time_limit: seconds for all of its checks (default: time_limit_of(name)).

        The last outcome is a TIMEOUT or an ERROR if the function ran too long,
        took the child down, or used too much memory; the child is then
        replaced before the next function.
        """
        if name not in TIME_LIMITS:
            raise ValueError("no checks for %r" % (name,))
        if time_limit is None:
            time_limit = time_limit_of(name)
        if self._process is None:  # the last function stopped the child: a fresh one
            try:
                self.start()
            except StudentFileError as e:
                yield Outcome(ERROR, name, "your file loaded in a fresh process",
                              "it could not be loaded again: %s" % e).as_dict()
                return
        finished = False
        last_call = name
        try:
            self._send(name)
            deadline = time.monotonic() + time_limit
            while True:
                message = self._receive(deadline)
                if message[0] == "call":
                    last_call = str(message[1])
                elif message[0] == "outcome":
                    yield _outcome_from(message)
                elif message[0] == "done":
                    finished = True
                    if message[1]:  # out of memory: not fit to go on
                        self._stop()
                    return
                else:
                    raise _Died("sent a message the checker does not know")
        except _TimedOut:
            finished = True
            self._stop()
            yield Outcome(TIMEOUT, last_call, "an answer within %g s" % time_limit,
                          "it was still running after %g s" % time_limit,
                          "Look for a loop that never ends (a while loop whose condition never "
                          "changes). If your code is only slow, give it longer: --timeout %d"
                          % max(60, 4 * time_limit)).as_dict()
        except _Died as e:
            finished = True
            self._stop()
            yield Outcome(ERROR, last_call, "a result", "it %s" % e,
                          "Return a result or raise an exception; never end the program from "
                          "a function (os._exit, os.kill, ...).").as_dict()
        finally:
            if not finished:  # abandoned half-way (Ctrl-C, an error here): the child is busy
                self._stop()

    def close(self):
        """Stop the child (if running) and remove the run's temporary folder."""
        if self._process is not None:
            try:
                self._send(None)
                self._process.join(2)
            except (OSError, ValueError):
                pass
        self._stop()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    # -------------------------------------------------------- the pipe

    def _send(self, name):
        try:
            self._conn.send_bytes(json.dumps(name).encode("utf-8"))
        except (OSError, ValueError):
            raise _Died(self._ended()) from None

    def _receive(self, deadline):
        """The child's next message (a list), by ``deadline`` (time.monotonic())."""
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not self._conn.poll(remaining):
            raise _TimedOut()
        try:
            message = json.loads(self._conn.recv_bytes(worker.MAX_MESSAGE).decode("utf-8"))
        except (EOFError, OSError):
            raise _Died(self._ended()) from None
        except ValueError:  # not JSON: something wrote into the pipe
            raise _Died("sent the checker something it cannot read") from None
        if not (isinstance(message, list) and message and isinstance(message[0], str)):
            raise _Died("sent the checker something it cannot read")
        return message

    def _ended(self):
        """How the child ended, in words: 'ended the process ... (exit status 0)'."""
        self._process.join(5)
        code = self._process.exitcode
        if code is None:
            return "closed its connection to the checker"
        if code < 0 and self.memory_mb:  # e.g. an abort when memory ran out
            return ("crashed the process that runs your code (signal %d), perhaps by using "
                    "more than %d MB of memory" % (-code, self.memory_mb))
        if code < 0:
            return "crashed the process that runs your code (signal %d)" % -code
        return "ended the process that runs your code (exit status %d)" % code

    def _stop(self):
        """Kill the child, if any, and forget it."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5)
            try:
                process.close()
            except ValueError:  # still running: the OS will reap it
                pass


def check_file(path, step=None, functions=None, time_limit=None, memory_mb=DEFAULT_MEMORY_MB,
               load_time_limit=LOAD_TIME_LIMIT):
    """Check one student's file: one step, or the functions named. Plain data in, plain data out.

    Args:
        path: the student's file.
        step: a step of STEPS, e.g. 3 (the functions of that step); or
        functions: a list of function names (see STEPS).
        time_limit: seconds per function for all of them (default: each its own).
        memory_mb: the child's memory cap in MB (None: no cap).
        load_time_limit: seconds the file's top-level code may take.

    Returns:
        {"file": path, "error": None, or why the file could not be used (then
        "functions" is empty), "functions": [{"name": ..., "status": one of
        PASS FAIL TODO TIMEOUT ERROR, "outcomes": [Outcome dicts]}, ...]}

    The child is started with multiprocessing's "spawn", which imports the
    calling script again in the child: in a script of your own, call this
    under ``if __name__ == "__main__":``.
    """
    if (step is None) == (functions is None):
        raise ValueError("give either a step or a list of functions")
    names = STEPS[step][1] if step is not None else list(functions)
    unknown = [n for n in names if n not in TIME_LIMITS]
    if unknown:
        raise ValueError("no checks for %s" % ", ".join(map(repr, unknown)))
    report = {"file": os.fspath(path), "error": None, "functions": []}
    try:
        with Sandbox(path, memory_mb=memory_mb, load_time_limit=load_time_limit) as box:
            for name in names:
                outcomes = list(box.run(name, time_limit))
                report["functions"].append({
                    "name": name, "status": overall_status(o["status"] for o in outcomes),
                    "outcomes": outcomes})
    except StudentFileError as e:
        report["error"] = str(e)
    return report
