"""Check your own versions of the library's steps, one step at a time.

The exercise track: copy the template, write the functions of a step, and
run the checks for that step against them::

    python -m mnist_scratch.check --template my_steps.py   # copy the empty template
    python -m mnist_scratch.check 1 my_steps.py            # check step 1
    python -m mnist_scratch.check 3 my_steps.py --only argmax
    python -m mnist_scratch.check all my_steps.py          # every step
    python -m mnist_scratch.check --list                   # the steps and their functions
    python -m mnist_scratch.check 5 my_steps.py --timeout 120 --memory 2000

Every check prints PASS, TODO (the function still raises NotImplementedError),
FAIL with what was expected, what came back and a hint, TIMEOUT (it ran past
its time limit: 10 s per function, 30 s for learn) or ERROR (it ended or
crashed the process running it, or used more than --memory MB). The exit
code is 0 when everything checked passed, 1 otherwise, and 2 when the file
could not be used at all (missing, a syntax error, an error while loading it).

Your file runs in a child process (sandbox.py), so nothing it does can stop
the checker: after a TIMEOUT or an ERROR, a fresh process checks the
functions that are left. The file may have any name and encoding a Python
script may have.

The steps are numbered as the notebooks and the pytest markers are, so
"step 3" means the same thing everywhere. Step 6 (pictures of your network:
digits with wrong guesses marked, weight images, learning curves, an
optional GIF) needs matplotlib and Pillow; step 7 saves and loads your
network as JSON the library can read. The checks use small examples you can
work out by hand, and the real MNIST data (a few images; the ``learn`` check
trains on 1,000).

From a notebook, ``check_function("argmax", argmax)`` runs one function's
checks in the notebook's own process and returns True if all passed; it never
raises.

The package: command.py (the command line), sandbox.py and worker.py (the
child process), runner.py (running one function's checks), compare.py
(comparisons and hints), watch.py (noticing a function that only calls the
library's own), outcome.py (results as data), loading.py (loading the
student's file), grade.py and report.py (grading a class), step1.py ...
step10.py (the checks of each step). Step 6 reads a student's figures and
picture files with mnist_scratch/visualize_checks.py, the one module of the
checker that uses matplotlib and Pillow.
"""

from .command import build_parser, main
from .loading import StudentFileError, load_student_file, template_path
from .outcome import ERROR, FAIL, PASS, STATUSES, TIMEOUT, TODO, Outcome
from .runner import CHECKS, STEPS, TIME_LIMITS, Checker, check_function, check_step, run_checks
from .sandbox import Sandbox, check_file

__all__ = ["STEPS", "CHECKS", "TIME_LIMITS", "Outcome", "STATUSES", "PASS", "FAIL", "TODO",
           "TIMEOUT", "ERROR", "Checker", "check_function", "check_step", "run_checks",
           "Sandbox", "check_file", "load_student_file", "StudentFileError", "template_path",
           "build_parser", "main"]
