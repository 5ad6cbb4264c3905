"""Training threads that take turns: sharing the processor fairly.

Python runs one thread's code at a time, so threads that compute at once do
not finish sooner: they only slow each other down, and an unlucky one can
wait far longer than its share. So the classroom's training sessions queue
instead: one trains for a short turn, then goes to the back of the queue,
first come first served.
"""

import collections
import threading

__all__ = ["Turns", "Cancelled"]


class Cancelled(Exception):
    """Raised by Turns.take when the caller was told to stop while it waited."""


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
