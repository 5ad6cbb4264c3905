"""The child process of the sandbox: load the student's file, run checks on request.

``serve`` runs in a process of its own (started by sandbox.py), so whatever
the student's code does (loops forever, eats memory, calls ``os._exit``)
the checker that started it carries on. It talks to its parent through a
pipe, one JSON message at a time:

    child -> parent                         parent -> child
    ["ready"]          set up, loading      "argmax"  check this function
    ["loaded"]         the file loaded      null      stop
    ["unusable", why]  it did not
    ["call", title]    about to call the student's function
    ["outcome", {...}] one check's Outcome.as_dict()
    ["done", restart]  the function's checks are over; restart is true if
                       this process is no longer fit to go on (out of memory)

The parent, not this process, keeps the time limits.
"""

import json
import os
import signal
import sys

from .loading import StudentFileError, load_student_file
from .runner import Checker

# Longest message either side accepts: an outcome is five short strings.
MAX_MESSAGE = 64 * 1024


def limit_memory(memory_mb):
    """Cap this process's address space at its current size plus ``memory_mb`` MB.

    Linux only (it reads /proc/self/statm); elsewhere, or without the resource
    module, nothing is capped. Returns True if the cap is in place.
    """
    try:
        import resource
    except ImportError:
        return False
    try:
        with open("/proc/self/statm") as f:
            size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        # Under PyPy the garbage collector keeps to memory_mb itself (PYPY_GC_MAX,
        # see sandbox.py) and raises MemoryError; the cap on the address space,
        # with room for the collector's own copies, only backs it up.
        headroom = 3 if sys.implementation.name == "pypy" else 1
        limit = size + headroom * memory_mb * 2**20
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError, AttributeError):
        return False
    return True


def serve(conn, path, memory_mb, folder):
    """The child's main function: load ``path``, then check functions until told to stop.

    Args:
        conn: this side of a multiprocessing Pipe.
        path: the student's file.
        memory_mb: the memory cap, in MB above the size at start (None: no cap).
        folder: where the checks write their small files (the parent removes it).
    """
    # A Ctrl-C reaches the parent, which stops this process; here a
    # KeyboardInterrupt can only come from the student's code.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def send(*message):
        _flush_student_output()
        conn.send_bytes(json.dumps(message).encode("utf-8"))

    capped = memory_mb is not None and limit_memory(memory_mb)
    send("ready")
    try:
        module = load_student_file(path, keep_folder_on_path=True)
    except StudentFileError as e:
        send("unusable", str(e))
        return
    except MemoryError:
        send("unusable", "importing %s used more than %d MB of memory" % (path, memory_mb)
             if capped else "importing %s ran out of memory" % path)
        return
    except KeyboardInterrupt:
        send("unusable", "importing %s failed: it raised KeyboardInterrupt" % path)
        return
    send("loaded")
    with Checker(folder=folder, contain_interrupts=True, memory_mb=memory_mb if capped else None,
                 on_call=lambda title: send("call", title)) as checker:
        while True:
            try:
                name = json.loads(conn.recv_bytes(MAX_MESSAGE).decode("utf-8"))
            except (EOFError, OSError):  # the parent is gone
                return
            if name is None:
                return
            for outcome in checker.iter_checks(name, _function(module, name)):
                send("outcome", outcome.as_dict())
            send("done", checker.out_of_memory)
            if checker.out_of_memory:
                return


def _function(module, name):
    """The student's function called ``name``, or None (even if the module's __getattr__ fails)."""
    try:
        return getattr(module, name, None)
    except BaseException:
        return None


def _flush_student_output():
    """Flush what the student's code printed, so it shows before the report's next line."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
