"""Sharing the processor fairly: threads that take turns.

Python runs one thread's code at a time, so threads that compute at once do
not finish sooner: they only slow each other down, and an unlucky one can
wait far longer than its share. The classroom server makes its busy threads
queue instead:

    TicketLock   the requests that compute (reading a drawing, the backprop
                 walkthrough) are served one at a time, first come first served
    Turns        the training sessions train one at a time, each for a short
                 turn, then go to the back of the queue

Standard library only.
"""

import collections
import threading

__all__ = ["TicketLock", "Turns", "Cancelled"]


class Cancelled(Exception):
    """Raised by Turns.take when the caller was told to stop while it waited."""


class TicketLock:
    """A lock taken in the order it was asked for (first come, first served).

    The requests that compute (reading a drawing, the walkthrough) take it
    in turn: Python runs one thread's code at a time anyway, and in arrival
    order each is answered as fast as one alone, where 20 threads switching
    back and forth would each take 20 times as long, and some much longer.
    """

    def __init__(self):
        self._changed = threading.Condition()
        self._next = 0      # the next ticket to hand out
        self._serving = 0   # the ticket whose turn it is

    def __enter__(self):
        with self._changed:
            ticket = self._next
            self._next += 1
            while self._serving != ticket:
                self._changed.wait()

    def __exit__(self, *exc):
        with self._changed:
            self._serving += 1
            self._changed.notify_all()

    @property
    def busy(self):
        """True while a thread holds the lock or waits for it."""
        return self._next != self._serving


class Turns:
    """Training threads take turns: one at a time, first come first served.

    ``take`` waits until it is the caller's turn; ``give_back`` ends it.
    A caller whose ``stop_requested`` became true while it waited (``wake``
    makes the waiting callers look) leaves the queue with Cancelled.
    """

    def __init__(self):
        self._changed = threading.Condition()
        self._queue = collections.deque()
        self._holder = None

    def take(self, session):
        with self._changed:
            self._queue.append(session)
            while self._holder is not None or self._queue[0] is not session:
                if session.stop_requested:
                    self._queue.remove(session)
                    self._changed.notify_all()
                    raise Cancelled()
                self._changed.wait()
            self._queue.popleft()
            self._holder = session

    def give_back(self, session):
        with self._changed:
            if self._holder is session:
                self._holder = None
                self._changed.notify_all()

    def others_waiting(self):
        return bool(self._queue)

    def wake(self):
        """Let every waiting thread look at its stop flag again."""
        with self._changed:
            self._changed.notify_all()
