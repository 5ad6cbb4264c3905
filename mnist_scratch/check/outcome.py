"""The result of one check: an object to print, and plain data to send or store.

A check ends in one of five statuses:

    PASS     the function gave the right answer
    FAIL     it gave a wrong answer, or raised an exception
    TODO     it still raises NotImplementedError (not written yet)
    TIMEOUT  it took longer than its time limit (an endless loop?)
    ERROR    it took down the process running it (os._exit, a crash), used
             more memory than allowed, or the check itself could not run

Plain data (``Outcome.as_dict()``) is a dict of five strings, so results can
cross a process boundary as JSON and be kept in a file for grading.
"""

PASS, FAIL, TODO, TIMEOUT, ERROR = "PASS", "FAIL", "TODO", "TIMEOUT", "ERROR"
STATUSES = (PASS, FAIL, TODO, TIMEOUT, ERROR)

# A student's exception message or repr can be as long as they like; a report
# line never needs more than this.
MAX_TEXT = 1000


def _cut(text):
    text = str(text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 4] + " ..."


class Outcome:
    """The result of one check.

    Attributes:
        status: one of PASS, FAIL, TODO, TIMEOUT, ERROR.
        title: what was checked, e.g. "argmax([6, 2, 7, 10, 5])".
        expected, got: descriptions of the right answer and of what came back
            (empty for a pass).
        hint: what to look at, for anything but a pass.
    """

    FIELDS = ("status", "title", "expected", "got", "hint")

    def __init__(self, status, title, expected="", got="", hint=""):
        if status not in STATUSES:
            raise ValueError("unknown status %r" % (status,))
        self.status = status
        self.title = _cut(title)
        self.expected = _cut(expected)
        self.got = _cut(got)
        self.hint = _cut(hint)

    def __repr__(self):
        return "Outcome(%s, %r)" % (self.status, self.title)

    def as_dict(self):
        """The outcome as plain data: {"status", "title", "expected", "got", "hint"}."""
        return {field: getattr(self, field) for field in self.FIELDS}

    @classmethod
    def from_dict(cls, data):
        """The inverse of ``as_dict``."""
        return cls(*(data.get(field, "") for field in cls.FIELDS))

    def lines(self):
        """The outcome as printable lines."""
        out = ["  %s  %s" % (self.status, self.title)]
        for label, text in (("expected", self.expected), ("got", self.got), ("hint", self.hint)):
            if text:
                out.append("        %-9s %s" % (label + ":", text))
        return out


def overall_status(statuses):
    """One status for a function from those of its checks: the first problem wins.

    A function's checks stop at the first one that does not pass, so its
    status is that check's; no checks at all counts as an ERROR.
    """
    statuses = list(statuses)
    for status in (ERROR, TIMEOUT, FAIL, TODO):
        if status in statuses:
            return status
    return PASS if statuses else ERROR


def step_summary(step, statuses):
    """The closing line of a step, e.g. "Step 3: 7 passed, 1 failed, 0 not written yet."."""
    statuses = list(statuses)
    text = "Step %d: %d passed, %d failed, %d not written yet" % (
        step, statuses.count(PASS), statuses.count(FAIL), statuses.count(TODO))
    if statuses.count(TIMEOUT):
        text += ", %d timed out" % statuses.count(TIMEOUT)
    if statuses.count(ERROR):
        text += ", %d stopped with an error" % statuses.count(ERROR)
    return text + "."
