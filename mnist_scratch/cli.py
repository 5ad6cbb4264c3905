"""What the command-line tools share: one-line errors, argument types, a main wrapper.

Every command (``python -m mnist_scratch`` lists them) reports a bad argument
or a bad input file as ONE line, ``python -m mnist_scratch.X: error: ...``,
and exits with status 2; Ctrl-C exits with status 130. A student never sees a
traceback for a mistake on the command line. ``handle_interrupts`` lets a long
run save its files after a Ctrl-C, however often Ctrl-C is pressed.
"""

import argparse
import contextlib
import importlib
import math
import os
import shlex
import signal
import sys
import threading

from .datasets import DataError
from .fileio import ensure_folder

__all__ = ["CommandError", "ArgumentParser", "positive_int", "non_negative_int",
           "positive_float", "finite_float", "path_text", "VIZ_REQUIREMENTS", "viz_install_hint",
           "load_visualizer", "output_folder", "line_printer", "Interrupts", "handle_interrupts",
           "run_main"]

# What the pictures need: the ``viz`` extra of setup.cfg, which lists the same.
VIZ_REQUIREMENTS = ("matplotlib>=3.5", "imageio>=2.16", "pillow>=9.1")


class CommandError(Exception):
    """A problem with the command line or its inputs, reported as one line."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a bad argument gives one line (and a pointer to --help), not the usage."""

    def error(self, message):
        self.exit(2, "%s: error: %s (see --help)\n" % (self.prog, message))


def _number(text, convert, what, minimum, strict):
    try:
        value = convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not %s" % (text, what)) from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError("must be a finite number, got %s" % text)
    if value < minimum or (strict and value == minimum):
        raise argparse.ArgumentTypeError("must be %s %g, got %s"
                                         % ("more than" if strict else "at least", minimum, text))
    return value


def positive_int(text):
    """An argparse type: a whole number >= 1."""
    return _number(text, int, "a whole number", 1, strict=False)


def non_negative_int(text):
    """An argparse type: a whole number >= 0."""
    return _number(text, int, "a whole number", 0, strict=False)


def finite_float(text):
    """An argparse type: any finite number (not nan, not inf)."""
    return _number(text, float, "a number", -math.inf, strict=False)


def positive_float(text):
    """An argparse type: a finite number > 0."""
    return _number(text, float, "a number", 0, strict=True)


def path_text(text):
    """An argparse type: a file or folder name, which must not be empty."""
    if not text:
        raise argparse.ArgumentTypeError("empty name; give a file or folder name")
    return text


def viz_install_hint():
    """The command that installs the viz extras into the Python running now, from any
    folder: e.g. ``/usr/bin/python3 -m pip install "matplotlib>=3.5" ...``."""
    return "%s -m pip install %s" % (shlex.quote(sys.executable),
                                     " ".join('"%s"' % r for r in VIZ_REQUIREMENTS))


def load_visualizer(what, module="visualize"):
    """A picture module (default ``visualize``), imported only when ``what``
    (e.g. "--plots") needs it.

    The core runs on the standard library alone; the figures need the viz
    extras. Without them, this is a one-line CommandError saying how to install them.
    """
    try:
        return importlib.import_module("." + module, __package__)
    except ImportError as e:
        raise CommandError("%s needs matplotlib, imageio and Pillow (%s); install them with: %s"
                           % (what, e, viz_install_hint())) from None


def output_folder(path, say=None, what="output folder"):
    """Make sure the folder ``path`` exists, creating it (and its parents) if needed.

    Args:
        say: optional ``say(text)``; told "Created folder ..." when the folder is new.

    Returns:
        The absolute path of the folder.

    Raises:
        ValueError, NotADirectoryError, PermissionError: see ``fileio.ensure_folder``.
    """
    existed = os.path.isdir(path)
    folder = ensure_folder(path, what)
    if not existed and say is not None:
        say("Created folder %s" % folder)
    return folder


def line_printer(stream):
    """A function ``say(text)`` that prints one line to ``stream`` and flushes it at once,
    so that a line shows up while a long run is still going, even in a log file."""
    def say(text):
        stream.write(text + "\n")
        stream.flush()
    return say


class Interrupts:
    """Ctrl-C, handled so that a long run can always save its files.

    The first Ctrl-C stops the work as usual (KeyboardInterrupt), except inside a
    ``deferred()`` block, where it waits until the block ends. Every later
    Ctrl-C is only counted: the saves that follow the first one finish, however
    impatiently Ctrl-C is pressed again. Made by ``handle_interrupts()``.

    Attributes:
        count: the Ctrl-Cs received so far.
    """

    def __init__(self):
        self.count = 0
        self._holding = 0
        self._pending = False

    def _on_signal(self, signum, frame):
        self.count += 1
        if self.count == 1:
            if self._holding:
                self._pending = True
            else:
                raise KeyboardInterrupt

    @contextlib.contextmanager
    def deferred(self):
        """A block (writing a file) that a first Ctrl-C does not cut short: it is
        raised as KeyboardInterrupt when the block has finished."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
        if self._pending and not self._holding:
            self._pending = False
            raise KeyboardInterrupt


@contextlib.contextmanager
def handle_interrupts():
    """Handle Ctrl-C as ``Interrupts`` describes within the block; yields the Interrupts.

    Signals can only be handled in the main thread; elsewhere the block runs with
    Python's usual Ctrl-C handling (and ``deferred()`` defers nothing).
    """
    interrupts = Interrupts()
    if threading.current_thread() is not threading.main_thread():
        yield interrupts
        return
    previous = signal.signal(signal.SIGINT, interrupts._on_signal)
    try:
        yield interrupts
    finally:
        signal.signal(signal.SIGINT, previous)


def run_main(parser, run, argv=None, errors=(CommandError, DataError, ValueError, OSError)):
    """Parse ``argv`` with ``parser``, call ``run(args)`` and turn errors into exit codes.

    Returns:
        run's exit code; 2 after printing one line for an error of the types
        ``errors`` (ValueError and OSError cover the library's IdxError,
        NetworkFormatError and FileNotFoundError); 130 on Ctrl-C.
    """
    args = parser.parse_args(argv)
    try:
        return run(args)
    except errors as e:
        # One line, even if a file name in the message holds a line break.
        message = str(e).replace("\r", "\\r").replace("\n", "\\n")
        sys.stderr.write("%s: error: %s\n" % (parser.prog, message))
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("%s: interrupted\n" % parser.prog)
        return 130
