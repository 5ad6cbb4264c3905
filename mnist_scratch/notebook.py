"""Run a course notebook in the terminal and see what it prints, checks included.

Examples:
    python -m mnist_scratch.notebook                   # list the course notebooks
    python -m mnist_scratch.notebook 4                 # run notebooks/04_backprop.ipynb
    python -m mnist_scratch.notebook 4 --quick         # on small subsets: a few seconds
    python -m mnist_scratch.notebook my_copy.ipynb     # any notebook, by its path

It executes the notebook's code cells from top to bottom, as Jupyter's "Run
all" does, and prints each cell's text output as soon as the cell has run:
what it prints, its result, and a traceback if it raises (running stops
there). A figure is shown as one line (open the notebook in Jupyter to see
it). At the end it counts the PASS, FAIL and TODO lines the check cells
printed. The exit status is 0 when every cell ran and no check failed, 1
otherwise, 2 for a bad argument.

The notebook runs in a fresh Python kernel whose working folder is the one
the command is run from, so files a notebook writes land there; the notebook
file itself is not changed. Needs nbclient and ipykernel (the ``notebooks``
extra); the core never imports this module.
"""

import contextlib
import glob
import importlib.util
import os
import re
import shlex
import sys

from .cli import ArgumentParser, CommandError, positive_float, run_main
from .fileio import read_bytes

__all__ = ["NOTEBOOK_DIR", "find_notebook", "course_notebooks", "read_notebook", "run_notebook",
           "count_checks", "install_hint", "main"]

# The course notebooks ship with the project's source, next to the package.
NOTEBOOK_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "notebooks")
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024   # the course notebooks are about 10 kB
STATUS = re.compile(r"^\s*(PASS|FAIL|TODO)\b", re.MULTILINE)   # as the checks print them
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")                    # colours in IPython tracebacks
STATUSES = ("PASS", "FAIL", "TODO")


def install_hint():
    """The command that installs what running a notebook needs, into the Python running now."""
    return "%s -m pip install nbclient ipykernel" % shlex.quote(sys.executable)


def _runner_modules():
    """(nbformat, nbclient), or a CommandError saying how to install them."""
    try:
        import nbclient
        import nbformat
    except ImportError as e:
        problem = str(e)
    else:
        if importlib.util.find_spec("ipykernel") is not None:
            return nbformat, nbclient
        problem = "No module named 'ipykernel'"
    raise CommandError("running a notebook needs nbclient and ipykernel (%s); install them with: "
                       "%s (or, in the project folder: pip install -e \".[notebooks]\")"
                       % (problem, install_hint()))


def course_notebooks(folder=NOTEBOOK_DIR):
    """The numbered notebooks (01_... .ipynb) in ``folder``, in course order."""
    return sorted(glob.glob(os.path.join(glob.escape(folder), "[0-9][0-9]_*.ipynb")))


def find_notebook(name, folder=NOTEBOOK_DIR):
    """The path of the notebook ``name``: a course number ("4", "04") or a file's path.

    Raises:
        ValueError: no such course notebook, or ``name`` is a folder or not a .ipynb file.
        FileNotFoundError: the file does not exist.
    """
    if re.fullmatch(r"\d{1,2}", name):
        found = [p for p in course_notebooks(folder)
                 if int(os.path.basename(p)[:2]) == int(name)]
        if found:
            return found[0]
        numbers = [os.path.basename(p)[:2] for p in course_notebooks(folder)]
        if not numbers:
            raise ValueError("notebook %s: the course notebooks come with the project's source "
                             "(its notebooks/ folder, not found at %s); give the path of a "
                             ".ipynb file instead" % (name, folder))
        raise ValueError("there is no notebook %s; the course has %s to %s"
                         % (name, numbers[0], numbers[-1]))
    if os.path.isdir(name):
        raise ValueError("%s is a folder; give a notebook (.ipynb) or a number" % name)
    if not os.path.exists(name):
        raise FileNotFoundError("notebook not found: %s" % name)
    if not name.endswith(".ipynb"):
        raise ValueError("%s: not a notebook (a .ipynb file)" % name)
    return name


def read_notebook(path):
    """The notebook at ``path`` (nbformat 4), checked: a ValueError naming the file if it
    is not a readable notebook."""
    nbformat, _ = _runner_modules()
    raw = read_bytes(path, what="notebook", max_bytes=MAX_NOTEBOOK_BYTES)
    try:
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except (ValueError, RecursionError, nbformat.ValidationError, KeyError, TypeError,
            AttributeError) as e:
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise ValueError("%s: not a valid notebook (%s)" % (path, first[:120])) from None
    return nb


def count_checks(text):
    """{"PASS": n, "FAIL": n, "TODO": n}: the lines of ``text`` that start with each."""
    found = STATUS.findall(text)
    return {status: found.count(status) for status in STATUSES}


def output_text(output):
    """What a terminal can show of one cell output: text, a figure's note, a traceback."""
    kind = output.get("output_type")
    if kind == "stream":
        return output.get("text", "")
    if kind in ("execute_result", "display_data"):
        data = output.get("data", {})
        if any(key.startswith("image/") for key in data):
            return "[a figure: open the notebook in Jupyter to see it]\n"
        text = data.get("text/plain", "")
        return text + "\n" if text else ""
    if kind == "error":
        return ANSI.sub("", "\n".join(output.get("traceback", []))) + "\n"
    return ""


@contextlib.contextmanager
def _quick_mode():
    """MNIST_SCRATCH_QUICK=1 in the environment, which the kernel inherits; restored after."""
    saved = os.environ.get("MNIST_SCRATCH_QUICK")
    os.environ["MNIST_SCRATCH_QUICK"] = "1"
    try:
        yield
    finally:
        if saved is None:
            del os.environ["MNIST_SCRATCH_QUICK"]
        else:
            os.environ["MNIST_SCRATCH_QUICK"] = saved


@contextlib.contextmanager
def _kernel(client):
    """``client.setup_kernel()``: a running kernel inside the block; one that cannot start
    is a one-line CommandError."""
    from jupyter_client.kernelspec import NoSuchKernel
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(client.setup_kernel())
        except NoSuchKernel as e:
            raise CommandError("the notebook asks for the kernel %r, which is not installed "
                               "here (%s)" % (e.args[0] if e.args else "?", install_hint())) from None
        except RuntimeError as e:
            raise CommandError("could not start a Python kernel for the notebook: %s" % e) from None
        yield


def run_notebook(path, quick=False, timeout=None, cwd=None, out=None):
    """Execute the notebook at ``path`` cell by cell, printing each cell's text output.

    Args:
        path: a .ipynb file.
        quick: run on small subsets (sets MNIST_SCRATCH_QUICK=1 for the kernel;
            otherwise the kernel sees the environment as it is).
        timeout: seconds a cell may run; None for no limit.
        cwd: the kernel's working folder (default: the current one).
        out: stream to print to (default sys.stdout).

    Returns:
        dict with "cells" (code cells run, of "total"), "PASS", "FAIL", "TODO" (lines the
        checks printed), "error" (None, or what stopped the run) and "text"
        (everything printed for the cells).
    """
    _, nbclient = _runner_modules()
    out = out or sys.stdout
    nb = read_notebook(path)
    # log_level: the kernel's own start-up warnings are not the notebook's output.
    client = nbclient.NotebookClient(nb, timeout=timeout,
                                     extra_arguments=["--IPKernelApp.log_level=ERROR"],
                                     resources={"metadata": {"path": cwd or os.getcwd()}})
    printed, ran, error = [], 0, None

    def say(text):
        printed.append(text)
        out.write(text)
        out.flush()

    code = [(i, cell) for i, cell in enumerate(nb.cells)
            if cell.cell_type == "code" and cell.source.strip()]
    headings = {i: [line for line in cell.source.splitlines() if line.startswith("#")]
                for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown"}
    previous = -1    # the index of the last code cell run
    with _quick_mode() if quick else contextlib.nullcontext(), _kernel(client):
        for number, (index, cell) in enumerate(code, 1):
            # The headings of the text since the last code cell, to show where we are.
            for i in range(previous + 1, index):
                for line in headings.get(i, []):
                    out.write("\n%s\n" % line)
            previous = index
            lines = cell.source.strip().splitlines()
            first = next((line for line in lines if not line.startswith("#")), lines[0])
            out.write("\n-- cell %d of %d: %s\n" % (number, len(code), first[:70]))
            out.flush()
            try:
                client.execute_cell(cell, index)
            except nbclient.exceptions.CellExecutionError as e:
                error = "cell %d raised %s: %s" % (number, e.ename, e.evalue)
            except nbclient.exceptions.CellTimeoutError:
                error = "cell %d ran longer than %g seconds (--timeout)" % (number, timeout)
            except nbclient.exceptions.DeadKernelError as e:
                error = "the kernel died in cell %d (%s)" % (number, e)
            for output in cell.get("outputs", []):
                say(output_text(output))
            ran = number
            if error:
                break
    text = "".join(printed)
    result = {"cells": ran, "total": len(code), "error": error, "text": text}
    result.update(count_checks(text))
    return result


def summary(name, result):
    """The last lines the command prints."""
    counts = "PASS %d, FAIL %d, TODO %d" % (result["PASS"], result["FAIL"], result["TODO"])
    lines = ["", "== %s: %d of %d code cells ran; checks: %s"
             % (name, result["cells"], result["total"], counts)]
    if result["error"]:
        lines.append("== stopped: %s (the traceback is above)" % result["error"])
    if result["TODO"]:
        lines.append("== TODO: a Your-turn cell is still a stub; write it, then run again")
    return lines


def build_parser():
    parser = ArgumentParser(
        prog="python -m mnist_scratch.notebook",
        description="Run a course notebook top to bottom in the terminal and print every cell's "
                    "text output, with a count of its PASS, FAIL and TODO lines.")
    parser.add_argument("notebook", nargs="?", metavar="NOTEBOOK",
                        help="a course notebook's number (1 to 10) or the path of a .ipynb file; "
                             "without it, list the course notebooks")
    parser.add_argument("--quick", action="store_true",
                        help="use small subsets of MNIST (MNIST_SCRATCH_QUICK=1): seconds, "
                             "not minutes")
    parser.add_argument("--timeout", type=positive_float, default=None, metavar="SECONDS",
                        help="stop if one cell runs longer than this (default: no limit)")
    return parser


def main(argv=None, out=None):
    """The command line; returns 0 when the notebook ran through with no FAIL, 1 when a cell
    raised or a check failed, 2 for a bad argument or a missing nbclient."""
    parser = build_parser()
    return run_main(parser, lambda args: _run(args, out or sys.stdout), argv)


def _run(args, out):
    if args.notebook is None:
        found = course_notebooks()
        if not found:
            raise CommandError("the course notebooks come with the project's source (its "
                               "notebooks/ folder, not found at %s)" % NOTEBOOK_DIR)
        out.write("The course notebooks (in %s):\n" % NOTEBOOK_DIR)
        for path in found:
            out.write("  %s\n" % os.path.basename(path))
        out.write("Run one with: python -m mnist_scratch.notebook 1 --quick\n")
        return 0
    path = find_notebook(args.notebook)
    read_notebook(path)   # a bad file is one line, before the kernel starts
    out.write("Running %s%s\n" % (path, " (quick mode: small subsets)" if args.quick else ""))
    out.flush()
    result = run_notebook(path, quick=args.quick, timeout=args.timeout, out=out)
    out.write("\n".join(summary(os.path.basename(path), result)) + "\n")
    return 1 if result["error"] or result["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
