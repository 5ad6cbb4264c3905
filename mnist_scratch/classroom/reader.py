"""Reading drawings in a process of their own, on the second core.

Python runs one thread's code at a time (the global interpreter lock), so
in one process a drawing would be read at half speed while a network trains
in a thread next to it, and slower still with every request that arrives at
the same moment. The server has two cores: live training runs in the
server's process, and drawings are read in a child process, one after the
other in the order they arrive (``concurrent.futures.ProcessPoolExecutor``
with one worker). A request's thread only checks the drawing, sends it, and
waits for the answer without holding the lock.

A child that dies is replaced. Where no child process can be started (some
sandboxes have no semaphores), drawings are read in the request's thread
instead: slower while networks train, never wrong.
"""

import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..network import Network
from .api import read_rows

__all__ = ["DrawingReader"]

MAX_RESTARTS = 3  # children that die one after the other: then drawings are read in the server
_network = None   # in the child process: the network that reads the drawings


def _load(network_dict):
    """The child process's start: rebuild the network from its saved form.

    The child ignores Ctrl-C: the terminal sends it to the server and its child
    alike, and the server, not the child, decides when the child stops.
    """
    global _network
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _network = Network.from_dict(network_dict)


def _read(rows):
    return read_rows(_network, rows)


class DrawingReader:
    """Reads drawings with ``network`` in a child process (see the module docstring).

    ``read(rows)`` is ``api.read_rows(network, rows)``, computed in the child.
    """

    def __init__(self, network, use_process=True):
        self.network = network
        self._lock = threading.Lock()
        self._restarts = 0
        self._pool = self._start() if use_process else None

    def _start(self):
        """A pool of one child process, started now (spawned: a fresh interpreter, not a
        copy of this threaded one), or None where this Python cannot make one."""
        try:
            pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_load, initargs=(self.network.to_dict(),))
            pool.submit(int)  # start the child while the page loads
        except Exception:  # no semaphores, or (Debian's PyPy 3.9) an executor that cannot spawn
            return None
        return pool

    def read(self, rows):
        pool = self._pool
        if pool is not None:
            try:
                return pool.submit(_read, rows).result()
            except BrokenProcessPool:  # the child died (killed, out of memory): start another
                self._replace(pool)
        return read_rows(self.network, rows)

    def _replace(self, pool):
        """Start a new child after ``pool``'s died; after MAX_RESTARTS, read in this process."""
        with self._lock:
            if self._pool is pool:
                pool.shutdown(wait=False)
                self._restarts += 1
                self._pool = self._start() if self._restarts <= MAX_RESTARTS else None

    @property
    def in_child(self):
        """True while drawings are read in a child process."""
        return self._pool is not None

    def child_pid(self):
        """The process id of the child that reads the drawings (None without one)."""
        pool = self._pool
        return None if pool is None else pool.submit(os.getpid).result()

    def close(self):
        with self._lock:
            if self._pool is not None:
                # Wait for the idle child to exit: a pool still shutting down while the
                # interpreter exits can print a traceback (seen on Python 3.9).
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
