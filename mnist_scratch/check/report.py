"""The grades of a class as files: one CSV row per student and function, and a
Markdown table of points per student and step.

A grade row is a dict of five fields, the CSV's columns::

    {"student": "alice.py", "step": 3, "function": "argmax",
     "status": "PASS", "detail": "2 checks passed"}

``status`` is one of PASS, FAIL, TODO, TIMEOUT, ERROR (see outcome.py). A
function earns one point when it passes; the Markdown summary adds them up
per step and in total. An optional function (a step module's OPTIONAL, e.g.
make_gif) earns no point: leaving it TODO costs nothing, and a pass shows as
"+1" next to the points. Nothing here runs a student's code: grade.py does.
"""

import csv
import io

from . import runner
from .outcome import PASS, STATUSES, TODO

__all__ = ["COLUMNS", "OPTIONAL", "detail_of", "csv_text", "student_summary",
           "markdown_summary"]

COLUMNS = ("student", "step", "function", "status", "detail")

# A spreadsheet runs a cell that starts with one of these as a formula; a
# student's file name (or error message) must stay text.
_FORMULA_START = ("=", "+", "-", "@")

# In the Markdown notes, the names of the functions with a status are listed
# when there are at most this many; otherwise they are counted.
_NAMES_LISTED = 4

# The functions that earn no points (their steps' OPTIONAL).
OPTIONAL = runner.OPTIONAL


def detail_of(outcomes):
    """The CSV's ``detail`` of one function, from its checks' Outcome dicts.

    A pass says how many checks passed; anything else is the last check (the
    one that stopped the function) in one line: what was called, what was
    expected, what came back and the hint.
    """
    if outcomes and all(o["status"] == PASS for o in outcomes):
        return "%d check%s passed" % (len(outcomes), "" if len(outcomes) == 1 else "s")
    if not outcomes:
        return "no checks ran"
    last = outcomes[-1]
    parts = [last["title"]]
    parts += ["%s: %s" % (label, last[label]) for label in ("expected", "got", "hint")
              if last[label]]
    return _one_line("; ".join(parts))


def _one_line(text):
    return " ".join(str(text).split())


def _cell(value):
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(rows):
    """The rows as CSV text, with a header line of COLUMNS."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[column]) for column in COLUMNS])
    return out.getvalue()


def _by_student(rows):
    """{student: [rows]}, students in the order they first appear."""
    students = {}
    for row in rows:
        students.setdefault(row["student"], []).append(row)
    return students


def _points(rows):
    """(points, out of, optional functions passed) of some grade rows."""
    required = [row for row in rows if row["function"] not in OPTIONAL]
    extra = sum(row["status"] == PASS for row in rows if row["function"] in OPTIONAL)
    return sum(row["status"] == PASS for row in required), len(required), extra


def _plus(extra):
    return " +%d" % extra if extra else ""


def student_summary(rows):
    """One line for one student's rows, e.g. "21/22 passed (TIMEOUT: argmax)"; an
    optional function that passed adds "+1": "24/24 passed +1"."""
    passed, total, extra = _points(rows)
    text = "%d/%d passed%s" % (passed, total, _plus(extra))
    notes = _notes(rows)
    return text + (" (%s)" % notes if notes else "")


def _notes(rows):
    """What did not pass, by status: "TODO: 5 functions; FAIL: learn", or why the file
    could not be used at all."""
    if rows and all(row["status"] == "ERROR" for row in rows) and \
            len({row["detail"] for row in rows}) == 1 and len(rows) > 1:
        return "not usable: %s" % rows[0]["detail"]
    notes = []
    for status in STATUSES:
        if status == PASS:
            continue
        # An optional function not written yet is no problem; any other status is.
        names = [row["function"] + (" (optional)" if row["function"] in OPTIONAL else "")
                 for row in rows if row["status"] == status
                 and not (status == TODO and row["function"] in OPTIONAL)]
        if len(names) > _NAMES_LISTED:
            notes.append("%s: %d functions" % (status, len(names)))
        elif names:
            notes.append("%s: %s" % (status, ", ".join(names)))
    return "; ".join(notes)


def _markdown_cell(text):
    return _one_line(text).replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")


def _required(names):
    return [name for name in names if name not in OPTIONAL]


def _count(names):
    """How many functions a step has, e.g. "3", or "4 + 1 optional"."""
    optional = len(names) - len(_required(names))
    return "%d + %d optional" % (len(names) - optional, optional) if optional else str(len(names))


def markdown_summary(rows, steps, title="Grades"):
    """The Markdown summary: a table of students x steps, points = functions passed.

    Args:
        rows: grade rows (every student has a row for every function graded).
        steps: {step: (title, [function names])} of the steps graded, in order.
        title: the heading.

    Returns:
        the text: a heading, a line on how points are counted, the table (one
        row per student, a column per step, "passed/functions" and the total),
        then a note per student whose functions did not all pass.
    """
    students = _by_student(rows)
    functions = sum(len(_required(names)) for _, names in steps.values())
    optional = [name for _, names in steps.values() for name in names if name in OPTIONAL]
    lines = ["# %s" % title, "",
             "One point per function whose checks all pass; the CSV has every function's "
             "status and what went wrong.", ""]
    if optional:
        lines += ["Optional, for no points: %s; \"+1\" marks one that passed." % ", ".join(
            optional), ""]
    lines += ["Steps: " + "; ".join("%d %s (%s)" % (step, title, _count(names))
                                    for step, (title, names) in steps.items()) + ".", ""]
    header = ["student"] + ["step %d" % step for step in steps] + ["total"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join(["---"] + ["--:"] * (len(header) - 1)) + "|")
    for student, own in students.items():
        cells = [_markdown_cell(student)]
        for step, (_, names) in steps.items():
            passed, _, extra = _points([row for row in own if row["step"] == step])
            cells.append("%d/%d%s" % (passed, len(_required(names)), _plus(extra)))
        passed, _, extra = _points(own)
        cells.append("**%d/%d**%s" % (passed, functions, _plus(extra)))
        lines.append("| " + " | ".join(cells) + " |")
    notes = [(student, _notes(own)) for student, own in students.items()]
    notes = [(student, note) for student, note in notes if note]
    if notes:
        lines += ["", "## What did not pass", ""]
        lines += ["- %s: %s" % (_markdown_cell(student), _markdown_cell(note))
                  for student, note in notes]
    return "\n".join(lines) + "\n"
