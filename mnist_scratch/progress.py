"""A progress line for long work: how far, how fast, how long still to go.

Used by the command-line tools (learn.py, gif.py), never by the core. On a
terminal the line redraws itself in place; in a log file (CI, a pipe) it
prints a plain line now and then instead of thousands of carriage returns.
"""

import sys
import time

__all__ = ["Progress", "format_seconds", "count"]


def count(n, noun):
    """``n`` and the noun, plural unless n is 1: count(1, "epoch") == "1 epoch"."""
    return "%d %s%s" % (n, noun, "" if n == 1 else "s")


def format_seconds(seconds):
    """12.3 -> '12s', 75 -> '1:15', 3725 -> '1:02:05'."""
    seconds = int(round(seconds))
    if seconds < 60:
        return "%ds" % seconds
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return "%d:%02d" % (minutes, seconds)
    hours, minutes = divmod(minutes, 60)
    return "%d:%02d:%02d" % (hours, minutes, seconds)


class Progress:
    """Prints ``label [#####.....] done/total unit  rate unit/s  elapsed m:ss  ETA m:ss``.

    For example ``epoch 1/3 [#######...] 300/1000 examples  5980 examples/s
    elapsed 0s  ETA 0s`` (ETA: the estimated time still to go).

    Args:
        total: the number of units of work (e.g. examples over all epochs).
        unit: what is counted, e.g. "examples".
        stream: where to print (default sys.stderr, so stdout stays clean).
        interval: seconds between redraws on a terminal.
        log_every: on a non-terminal, print a line every this fraction of the work.
    """

    def __init__(self, total, unit="examples", stream=None, interval=0.2, log_every=0.1):
        self.total = max(int(total), 1)
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self.log_every = log_every
        self.start = time.perf_counter()
        self.last_draw = 0.0
        self.next_log = log_every
        self.is_tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.drawn = False

    def line(self, done, label=""):
        """The progress line for ``done`` units, as a string."""
        elapsed = time.perf_counter() - self.start
        fraction = min(done / self.total, 1.0)
        rate = done / elapsed if elapsed > 0 else 0.0
        width = 24
        filled = int(fraction * width)
        bar = "#" * filled + "." * (width - filled)
        # Time still to go at the rate so far (not the learning rate eta!).
        eta_text = format_seconds((self.total - done) / rate) if rate > 0 else "?"
        return "%s[%s] %d/%d %s  %.0f %s/s  elapsed %s  ETA %s" % (
            (label + " ") if label else "", bar, done, self.total, self.unit, rate, self.unit,
            format_seconds(elapsed), eta_text)

    def update(self, done, label=""):
        """Report that ``done`` units are finished; redraws when it is time."""
        now = time.perf_counter()
        if self.is_tty:
            if now - self.last_draw >= self.interval or done >= self.total:
                self.last_draw = now
                self.stream.write("\r" + self.line(done, label) + "\033[K")
                self.stream.flush()
                self.drawn = True
        elif done / self.total >= self.next_log - 1e-12:
            while self.next_log <= done / self.total + 1e-12:
                self.next_log += self.log_every
            self.stream.write(self.line(done, label) + "\n")
            self.stream.flush()

    def clear(self):
        """Remove the live line (before printing a normal line under it)."""
        if self.is_tty and self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.drawn = False
