"""Grading a class: python -m mnist_scratch.check grade DIR [options].

Every ``*.py`` file in DIR is one student's file (a file of the exercise
track: ``python -m mnist_scratch.check --template``). Each is checked for
every function of the steps chosen, and the grades are written as

    grades.csv   one row per student and function: student, step, function,
                 status (PASS, FAIL, TODO, TIMEOUT, ERROR) and detail
    grades.md    a table of students x steps, one point per function passed
                 (an optional function, such as make_gif, earns none: "+1")

Examples::

    python -m mnist_scratch.check grade submissions/
    python -m mnist_scratch.check grade submissions/ --steps 1 2 3 --out week3.csv
    python -m mnist_scratch.check grade submissions/ --timeout 20 --jobs 4

Each student's file is graded in a process of its own, whose current folder
is the file's folder; that process runs the file in a sandbox (sandbox.py:
a child process with a time limit per function and a memory cap), which puts
the file's folder first on sys.path, as Python does for a script. So a
student's file may import a helper module next to it (which, being a
``.py`` file in DIR, is graded too), and a function that loops forever or
crashes costs that function only: TIMEOUT or ERROR, and the student's other
functions are graded all the same. A file that cannot be imported at all (a
syntax error, an exception at the top level) gets ERROR for every function,
with the reason. What the students' code prints is thrown away.

``--jobs`` files are graded at the same time (default: one per CPU core).
From Python: ``grade_folder(folder, steps=[1, 2])`` returns the rows.
"""

import collections
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time

from ..cli import ArgumentParser, CommandError, non_negative_int, positive_float, positive_int, \
    run_main
from ..fileio import atomic_write_text, check_writable
from ..progress import format_seconds
from .loading import StudentFileError
from .outcome import ERROR, overall_status
from .report import OPTIONAL, csv_text, detail_of, markdown_summary, student_summary
from .runner import STEPS
from .sandbox import DEFAULT_MEMORY_MB, LOAD_TIME_LIMIT, START_TIME_LIMIT, Sandbox, time_limit_of

__all__ = ["find_students", "grade_folder", "default_jobs", "build_parser", "main"]

PROG = "python -m mnist_scratch.check grade"


def default_jobs():
    """How many files to grade at the same time: the CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def find_students(folder):
    """The students' files in ``folder``: every regular ``*.py`` file, sorted by name.

    Hidden files (an editor's ``.#alice.py``) are left out.

    Raises:
        FileNotFoundError, NotADirectoryError: ``folder`` is not a folder.
        ValueError: it holds no .py file.
    """
    folder = os.fspath(folder)
    if not os.path.exists(folder):
        raise FileNotFoundError("folder %s does not exist" % folder)
    if not os.path.isdir(folder):
        raise NotADirectoryError("%s is not a folder; give the folder of the students' files"
                                 % folder)
    try:
        names = os.listdir(folder)
    except OSError as e:
        raise type(e)("cannot list the folder %s: %s" % (folder, e.strerror or e)) from None
    files = sorted((name for name in names
                    if name.endswith(".py") and not name.startswith(".")
                    and os.path.isfile(os.path.join(folder, name))),
                   key=lambda name: (name.lower(), name))
    if not files:
        raise ValueError("no .py files in %s; every .py file there is one student's work"
                         % folder)
    return [os.path.join(folder, name) for name in files]


def _selected(steps):
    """{step: (title, [function names])} of the steps to grade (all by default)."""
    if steps is None:
        return dict(STEPS)
    unknown = [step for step in steps if step not in STEPS]
    if unknown:
        raise ValueError("no step %s; the steps with functions to write are %s"
                         % (unknown[0], ", ".join(str(s) for s in STEPS)))
    return {step: STEPS[step] for step in STEPS if step in steps}


# ------------------------------------------------------- one student's process

def _grade_one(conn, path, names, time_limit, memory_mb, load_time_limit):
    """Grade one file; runs in a process of its own, sending what it finds to ``conn``.

    Messages: ("function", name, [outcome dicts]) as each function ends,
    ("unusable", why) if the file cannot be loaded, then ("done",).
    """
    # The grading process decides when to stop; SIGTERM then unwinds through the
    # sandbox's clean-up, which stops the child running the student's code.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def stop(signum, frame):
        raise SystemExit(1)

    signal.signal(signal.SIGTERM, stop)
    # The student's prints would garble the teacher's terminal: the sandbox's
    # child inherits these file descriptors.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    folder, name = os.path.split(os.path.abspath(path))
    os.chdir(folder)  # the sandbox's child starts in this folder too
    try:
        with Sandbox(name, memory_mb=memory_mb, load_time_limit=load_time_limit) as box:
            for function in names:
                conn.send(("function", function, list(box.run(function, time_limit))))
    except StudentFileError as e:
        conn.send(("unusable", str(e)))
    conn.send(("done",))
    conn.close()


class _Student:
    """One file being graded: its process, its connection and the rows so far."""

    def __init__(self, path, names, options, context):
        self.path = path
        self.names = names
        self.outcomes = {}
        self.unusable = None
        self.done = False
        self.conn, self._theirs = context.Pipe(duplex=False)
        self.process = context.Process(target=_grade_one, name="mnist-grade-student",
                                       args=(self._theirs, path, names) + options)
        self.started = False
        time_limit, _, load_time_limit = options
        # A backstop only: every function at its limit, each in a fresh child.
        self.deadline = time.monotonic() + sum(
            (time_limit or time_limit_of(n)) + START_TIME_LIMIT + load_time_limit for n in names)

    def start(self):
        self.process.start()
        self.started = True
        self._theirs.close()  # so that the process ending reads as end-of-file here

    def receive(self):
        """Handle one message; False when the process has nothing more to say."""
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            self.finish("the process grading this file ended before it was done")
            return False
        if message[0] == "function":
            self.outcomes[message[1]] = message[2]
        elif message[0] == "unusable":
            self.unusable = message[1]
        else:
            self.finish()
            return False
        return True

    def finish(self, problem=None):
        """Stop the process; functions not graded yet are ERROR with ``problem``."""
        if problem:
            for name in self.names:
                if name not in self.outcomes and self.unusable is None:
                    self.outcomes[name] = [{"status": ERROR, "title": name, "expected": "",
                                            "got": problem, "hint": ""}]
        self.done = True
        self.conn.close()
        if not self.started:  # stopped (Ctrl-C) while it was being started
            self._theirs.close()
            if self.process.pid is None:
                return
        if problem is None:
            self.process.join(5)  # it said it was done: let it end by itself
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()

    def rows(self, student, steps):
        rows = []
        for step, (_, names) in steps.items():
            for name in names:
                if self.unusable is not None:
                    status, detail = ERROR, self.unusable
                else:
                    outcomes = self.outcomes.get(name, [])
                    status = overall_status(o["status"] for o in outcomes)
                    detail = detail_of(outcomes)
                rows.append({"student": student, "step": step, "function": name,
                             "status": status, "detail": " ".join(detail.split())})
        return rows


def grade_folder(folder, steps=None, time_limit=None, memory_mb=DEFAULT_MEMORY_MB, jobs=None,
                 load_time_limit=None, on_student=None, on_progress=None):
    """Grade every student's file in ``folder``; the grade rows (see report.py).

    Args:
        folder: the folder of the students' ``*.py`` files.
        steps: the steps to grade, e.g. [1, 2, 3] (default: all).
        time_limit: seconds per function (default: each function's own, as the
            checker's); also the limit on loading a file when given.
        memory_mb: each student's memory cap in MB (None: no cap).
        jobs: files graded at the same time (default: default_jobs()).
        load_time_limit: seconds a file's top-level code may take.
        on_student: called as on_student(rows) with a student's rows when the
            student is done.
        on_progress: called as on_progress(students_done, functions_done) when
            a function or a student is done.

    Returns:
        the rows, students sorted by file name, each student's functions in
        the order of the steps.

    The students are graded in child processes started with "spawn", which
    imports the calling script again: call this under ``if __name__ == "__main__":``.
    """
    steps = _selected(steps)
    students = find_students(folder)
    names = [name for _, functions in steps.values() for name in functions]
    if load_time_limit is None:
        load_time_limit = time_limit or LOAD_TIME_LIMIT
    options = (time_limit, memory_mb, load_time_limit)
    jobs = min(jobs or default_jobs(), len(students))
    context = multiprocessing.get_context("spawn")
    waiting = collections.deque(students)
    running = []
    results = {}
    functions_done = 0
    try:
        while waiting or running:
            while waiting and len(running) < jobs:
                running.append(_Student(waiting.popleft(), names, options, context))
                running[-1].start()
            ready = multiprocessing.connection.wait([s.conn for s in running], timeout=1.0)
            for student in running:
                before = len(student.outcomes)
                if student.conn in ready:
                    while not student.done and student.conn.poll() and student.receive():
                        pass
                elif time.monotonic() > student.deadline:
                    student.finish("grading this file took too long and was stopped")
                # When a student is done, so are all its functions (even if it did not load).
                functions_done += (len(names) if student.done else len(student.outcomes)) - before
                if student.done:
                    results[student.path] = student.rows(os.path.basename(student.path), steps)
                    if on_student is not None:
                        on_student(results[student.path])
                if on_progress is not None and (student.done or student.conn in ready):
                    on_progress(len(results), functions_done)
            running = [s for s in running if not s.done]
    finally:
        for student in running:  # Ctrl-C or an error here: stop every grading process
            if not student.done:
                student.finish()
    return [row for path in students for row in results[path]]


# --------------------------------------------------------- the command line

def build_parser():
    parser = ArgumentParser(
        prog=PROG,
        description="Grade a class: check every .py file in DIR (one student each) for every "
                    "function of the steps, each file in a process of its own, and write a "
                    "CSV (one row per student and function) and a Markdown table of points.",
        epilog="Exit status: 0 the class was graded, 2 the folder or the arguments could not "
               "be used, 130 interrupted.")
    parser.add_argument("folder", metavar="DIR", help="the folder of the students' .py files")
    parser.add_argument("--steps", type=positive_int, nargs="+", metavar="N",
                        help="grade only these steps (default: all: %s)"
                             % " ".join(str(s) for s in STEPS))
    parser.add_argument("--out", default="grades.csv", metavar="FILE.csv",
                        help="the CSV to write (default: grades.csv); the Markdown table goes "
                             "next to it, as FILE.md")
    parser.add_argument("--timeout", type=positive_float, metavar="SECONDS",
                        help="time limit for each function's checks and for loading a file "
                             "(default: %g s, %g s for learn)"
                             % (time_limit_of("add"), time_limit_of("learn")))
    parser.add_argument("--memory", type=non_negative_int, metavar="MB", default=DEFAULT_MEMORY_MB,
                        help="how much memory each student's code may use, in MB (default %d; "
                             "0: no limit; Linux only)" % DEFAULT_MEMORY_MB)
    parser.add_argument("--jobs", type=positive_int, metavar="N",
                        help="files graded at the same time (default: the CPU cores, here %d)"
                             % default_jobs())
    return parser


def main(argv=None, out=None):
    """The grade command; returns the exit status (0 graded, 2 unusable input, 130 Ctrl-C)."""
    parser = build_parser()
    return run_main(parser, lambda args: _run(args, out or sys.stdout, sys.stderr), argv)


def _outputs(path):
    """The CSV and Markdown files to write, both checked before any grading."""
    if not path.endswith(".csv"):
        raise CommandError("--out %s: give a file name ending in .csv (the Markdown table is "
                           "written next to it, with .md)" % path)
    markdown = path[:-len(".csv")] + ".md"
    for target in (path, markdown):
        check_writable(target, "grades")
    return path, markdown


class _Progress:
    """The teacher's view while it runs: a line per student on ``out``, and on
    ``err`` how many are done, the time so far and the time still to go."""

    def __init__(self, students, functions, out, err):
        self.students, self.functions = students, functions
        self.out, self.err = out, err
        self.start = time.monotonic()
        self.is_tty = hasattr(err, "isatty") and err.isatty()
        self.done = 0

    def line(self, students_done, functions_done):
        elapsed = time.monotonic() - self.start
        rate = students_done / elapsed * 60 if elapsed > 0 else 0.0
        # The time to go from the functions done: finer than whole students.
        left = ("ETA %s" % format_seconds(elapsed * (self.functions - functions_done)
                                          / functions_done)) if functions_done else "ETA ?"
        return "graded %d/%d students  %.1f students/min  elapsed %s  %s" % (
            students_done, self.students, rate, format_seconds(elapsed), left)

    def progress(self, students_done, functions_done):
        if self.is_tty:
            self.err.write("\r" + self.line(students_done, functions_done) + "\033[K")
            self.err.flush()
        elif students_done > self.done:   # a log file: one line per student
            self.err.write(self.line(students_done, functions_done) + "\n")
            self.err.flush()
        self.done = students_done

    def student(self, rows):
        if self.is_tty:
            self.err.write("\r\033[K")
        self.out.write("%s: %s\n" % (rows[0]["student"], student_summary(rows)))
        self.out.flush()

    def elapsed(self):
        return time.monotonic() - self.start


def _run(args, out, err):
    steps = _selected(args.steps)
    students = find_students(args.folder)
    csv_path, markdown_path = _outputs(args.out)
    jobs = min(args.jobs or default_jobs(), len(students))
    names = [name for _, functions in steps.values() for name in functions]
    optional = sum(name in OPTIONAL for name in names)
    out.write("Grading %d file%s in %s: step%s %s (%d functions each%s), %d at a time\n"
              % (len(students), "" if len(students) == 1 else "s", args.folder,
                 "" if len(steps) == 1 else "s", ", ".join(str(s) for s in steps), len(names),
                 ", %d of them optional" % optional if optional else "", jobs))
    out.flush()
    view = _Progress(len(students), len(students) * len(names), out, err)
    rows = grade_folder(args.folder, steps=list(steps), time_limit=args.timeout,
                        memory_mb=args.memory or None, jobs=jobs,
                        on_student=view.student, on_progress=view.progress)
    if view.is_tty:
        err.write("\n")
    summary = markdown_summary(rows, steps, "Grades of %s" % os.path.basename(
        os.path.normpath(os.path.abspath(args.folder))))
    atomic_write_text(csv_path, csv_text(rows))
    atomic_write_text(markdown_path, summary)
    out.write("\n" + summary + "\n")
    out.write("Graded %d files in %s. Wrote %s (%d rows: one per student and function) and %s "
              "(points per student and step).\n"
              % (len(students), format_seconds(view.elapsed()), csv_path, len(rows),
                 markdown_path))
    return 0
