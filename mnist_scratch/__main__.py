"""``python -m mnist_scratch``: list the commands, one line each.

    python -m mnist_scratch                  # what there is
    python -m mnist_scratch learn --epochs 1 # the same as python -m mnist_scratch.learn --epochs 1

Each command is a module with its own ``--help``.
"""

import importlib
import importlib.util
import sys

__all__ = ["COMMANDS", "available_commands", "usage", "main"]

PROG = "python -m mnist_scratch"

# name -> what it does (at most 45 characters, so a line fits 80 columns), in the
# order of the course. (viz): needs the viz extra, pip install "mnist_scratch[viz]".
COMMANDS = {
    "learn": "train a network on MNIST, report accuracy",
    "gif": "GIFs of a network learning (viz)",
    "plots": "every figure of a trained network (viz)",
    "backprop": "one backprop step, numbers labelled BP1-BP4",
    "check": "check your own code step by step, with hints",
    "sweep": "train a grid of settings; a table and a plot",
    "notebook": "run the course notebooks (notebooks extra)",
    "predict": "read digits from image files",
    "serve": "the classroom page: draw, learn, backprop",
}


def available_commands():
    """The commands of COMMANDS that this installation has, as (name, description)."""
    return [(name, text) for name, text in COMMANDS.items()
            if importlib.util.find_spec("mnist_scratch." + name) is not None]


def usage():
    """The text that ``python -m mnist_scratch`` prints."""
    commands = available_commands()
    width = max(len(name) for name, _ in commands)
    lines = ["mnist_scratch: a neural network for handwritten digits, in pure Python.",
             "",
             "Commands (each has --help):"]
    lines += ["  python -m mnist_scratch.%-*s  %s" % (width, name, text) for name, text in commands]
    lines += ["",
              "`python -m mnist_scratch NAME ARGS...` runs the command NAME, e.g.",
              "  python -m mnist_scratch learn --epochs 1 --limit 2000"]
    return "\n".join(lines) + "\n"


def main(argv=None):
    """List the commands, or run the one named first in ``argv``. Returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in dict(available_commands()):
        sys.stderr.write("%s: error: unknown command %r; choose one of %s (see %s --help)\n"
                         % (PROG, name, ", ".join(n for n, _ in available_commands()), PROG))
        return 2
    return importlib.import_module("mnist_scratch." + name).main(rest)


if __name__ == "__main__":
    sys.exit(main())
