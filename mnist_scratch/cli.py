"""What the command-line tools share: one-line errors, argument types, a main wrapper.

Every command (learn, gif, plots, check, backprop) reports a bad argument or
a bad input file as ONE line, ``python -m mnist_scratch.X: error: ...``, and
exits with status 2; Ctrl-C exits with status 130. A student never sees a
traceback for a mistake on the command line.
"""

import argparse
import math
import sys

from .datasets import DataError

__all__ = ["CommandError", "ArgumentParser", "positive_int", "non_negative_int",
           "positive_float", "finite_float", "load_visualizer", "line_printer", "run_main"]


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


def load_visualizer(what):
    """The visualize module, imported only when ``what`` (e.g. "--plots") needs it.

    The core runs on the standard library alone; the figures need the viz
    extras. Without them, this is a one-line CommandError saying how to install them.
    """
    try:
        from . import visualize
    except ImportError as e:
        raise CommandError("%s needs matplotlib and imageio (%s): pip install -e \".[viz]\""
                           % (what, e)) from None
    return visualize


def line_printer(stream):
    """A function ``say(text)`` that prints one line to ``stream`` and flushes it at once,
    so that a line shows up while a long run is still going, even in a log file."""
    def say(text):
        stream.write(text + "\n")
        stream.flush()
    return say


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
        sys.stderr.write("%s: error: %s\n" % (parser.prog, e))
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("%s: interrupted\n" % parser.prog)
        return 130
