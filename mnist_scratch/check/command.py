"""The command line: python -m mnist_scratch.check STEP FILE [options].

``python -m mnist_scratch.check grade DIR`` grades a class instead (grade.py).

It parses the arguments, loads the student's file in a sandbox (a child
process) and prints the outcomes of each step's checks as they come.
"""

import argparse
import os
import sys
import textwrap

from ..cli import ArgumentParser, CommandError, non_negative_int, positive_float, run_main
from ..fileio import atomic_write_bytes
from .loading import StudentFileError, template_path
from .outcome import PASS, TODO, Outcome, step_summary
from ..visualize_checks import viz_problem
from .runner import STEPS, step_of
from .sandbox import DEFAULT_MEMORY_MB, LOAD_TIME_LIMIT, Sandbox, time_limit_of
from .step6 import NEEDS_VIZ, OPTIONAL

__all__ = ["build_parser", "main"]


def _ranges(numbers):
    """Sorted whole numbers as ranges: [1, 2, 3, 4, 5, 8, 9, 10] -> "1-5, 8-10"."""
    runs = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join("%d-%d" % (a, b) if b > a else "%d" % a for a, b in runs)


_STEP_RANGE = _ranges(STEPS)


def _steps_text():
    lines = ["steps and the functions you write for each:"]
    for step, (title, names) in STEPS.items():
        lines.append("  %2d  %s" % (step, title))
        lines.append("      %s" % ", ".join(name + (" (optional)" if name in OPTIONAL else "")
                                        for name in names))
    lines.append("Step 6 draws with matplotlib and Pillow (pip install matplotlib pillow).")
    return "\n".join(lines)


def build_parser():
    parser = ArgumentParser(
        prog="python -m mnist_scratch.check",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
            "Check your own versions of the library's steps against small examples and the "
            "real MNIST data. Your file runs in a separate process, so an endless loop or a "
            "crash in it is reported (TIMEOUT, ERROR) and the other functions are still "
            "checked.", 79),
        epilog=_steps_text() + "\n\nStart with: python -m mnist_scratch.check --template "
                               "my_steps.py\nGrade a folder of files (one per student): "
                               "python -m mnist_scratch.check grade DIR (see grade --help)"
                               "\nExit status: 0 every check passed, 1 some did not, "
                               "2 the file or the arguments could not be used.")
    parser.add_argument("step", nargs="?", help="%s, or 'all'" % _STEP_RANGE)
    parser.add_argument("file", nargs="?", help="your Python file with the step's functions")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="check only these functions")
    parser.add_argument("--template", metavar="FILE",
                        help="copy the empty exercise template to FILE (never overwrites)")
    parser.add_argument("--list", action="store_true", help="list the steps and their functions")
    parser.add_argument("--timeout", type=positive_float, metavar="SECONDS",
                        help="time limit for each function's checks and for loading your file "
                             "(default: %g s, %g s for learn)"
                             % (time_limit_of("add"), time_limit_of("learn")))
    parser.add_argument("--memory", type=non_negative_int, metavar="MB",
                        default=DEFAULT_MEMORY_MB,
                        help="how much memory your code may use, in MB (default %d; 0: no "
                             "limit; Linux only)" % DEFAULT_MEMORY_MB)
    return parser


def main(argv=None, out=None):
    """The command line; returns the exit code (0 all passed, 1 some did not, 2 unusable input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["grade"]:  # grading a class: a command of its own
        from .grade import main as grade_main
        return grade_main(argv[1:], out=out)
    parser = build_parser()
    return run_main(parser, lambda args: _run(parser, args, out or sys.stdout), argv)


def _write_template(target, out):
    if os.path.lexists(target):
        raise CommandError("%s already exists; not overwriting it" % target)
    with open(template_path(), "rb") as f:
        atomic_write_bytes(target, f.read())
    out.write("Wrote the exercise template to %s. Fill in step 1, then run:\n"
              "    python -m mnist_scratch.check 1 %s\n" % (target, target))
    return 0


def _selected_steps(args):
    """{step: [function names]} for the command line's STEP and --only."""
    if args.step == "all":
        steps = list(STEPS)
    else:
        try:
            steps = [int(args.step)]
        except ValueError:
            steps = []
        if not steps or steps[0] not in STEPS:
            raise CommandError("step must be %s or 'all', got %r" % (_STEP_RANGE, args.step))
    if args.only:
        unknown = [n for n in args.only if n not in (m for _, names in STEPS.values() for m in names)]
        if unknown:
            raise CommandError("no function called %s in the exercises (see --list)"
                               % ", ".join(unknown))
        wrong = [n for n in args.only if step_of(n) not in steps]
        if wrong:
            raise CommandError("%s belongs to step %d, not step %s"
                               % (wrong[0], step_of(wrong[0]), args.step))
    selected = {}
    for step in steps:
        names = [n for n in STEPS[step][1] if not args.only or n in args.only]
        if names:
            selected[step] = names
    return selected


def _unchecked(selected):
    """The functions of ``selected`` that draw, if this Python cannot (no matplotlib or
    Pillow): ([names], the one line that says why and how to install them)."""
    drawing = [name for names in selected.values() for name in names if name in NEEDS_VIZ]
    problem = viz_problem() if drawing else None
    return (drawing, problem) if problem else ([], None)


def _run(parser, args, out):
    if args.list:
        out.write(_steps_text() + "\n")
        return 0
    if args.template:
        return _write_template(args.template, out)
    if not args.step or not args.file:
        parser.print_usage(sys.stderr)
        raise CommandError("give a STEP (%s or all) and your FILE" % _STEP_RANGE)
    selected = _selected_steps(args)
    unchecked, problem = _unchecked(selected)
    if unchecked:
        selected = {step: [n for n in names if n not in unchecked]
                    for step, names in selected.items()}
        if not any(selected.values()):
            raise CommandError(problem)
    box = Sandbox(args.file, memory_mb=args.memory or None,
                  load_time_limit=args.timeout or LOAD_TIME_LIMIT)
    try:
        box.start()
    except StudentFileError as e:
        box.close()
        raise CommandError("could not use your file: %s" % e) from None
    statuses = []
    with box:
        for step, names in selected.items():
            out.write("Step %d: %s\n" % (step, STEPS[step][0]))
            out.flush()
            step_statuses = []
            skipped = [name for name in STEPS[step][1] if name in unchecked]
            if skipped:
                out.write("  NOT CHECKED  %s: %s\n" % (", ".join(skipped), problem))
            for name in names:
                for data in box.run(name, args.timeout):
                    outcome = Outcome.from_dict(data)
                    if name in OPTIONAL and outcome.status == TODO:
                        outcome.title += " (optional: grading gives it no points)"
                    out.write("\n".join(outcome.lines()) + "\n")
                    out.flush()
                    step_statuses.append(outcome.status)
            out.write(step_summary(step, step_statuses) + "\n\n")
            statuses += step_statuses
    passed = statuses.count(PASS)
    if unchecked:
        out.write("%d of %d checks passed; %s not checked: they need matplotlib and Pillow.\n"
                  % (passed, len(statuses), ", ".join(unchecked)))
        return 1
    if passed == len(statuses):
        out.write(("All %d checks passed.\n" % passed) if passed > 1 else "The check passed.\n")
        return 0
    return 1
