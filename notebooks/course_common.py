"""What every course notebook shares: the setup lines, the Your-turn stubs and check cells,
and how a later cell picks the student's function or the library's.

A notebook is a list of ``(kind, text)`` cells, kind "md" or "code"; build_notebooks.py
turns the lists into .ipynb files. The conventions the tests rely on:

- a Your-turn cell holds exactly one stub: ``def name(...)``, a comment, and
  ``raise NotImplementedError`` (see ``stub``); a function of an earlier notebook that a
  later one needs is such a stub too, to paste into (see ``paste_stub``);
- its check cell records the result in the dict ``passed`` (see ``check_cell``);
- a cell of stand-ins for functions of earlier notebooks that only the notebook's own
  cells call (the library's versions, in the student's form and under the student's
  names) contains the line PASTE_HERE, under which the student pastes their own.
"""

YOUR_CODE_HERE = "# your code here (replace the next line)"
PASTE_HERE = "# ---- paste yours under this line ----"

SETUP = '''import os
# Quick mode (MNIST_SCRATCH_QUICK=1, used by the tests) runs on small subsets.
QUICK = os.environ.get("MNIST_SCRATCH_QUICK") == "1"'''

CHECK = """
from mnist_scratch import check"""

PLOTS = '''%matplotlib inline
from IPython.display import display
from mnist_scratch import visualize'''

# Later cells use the student's function once its check has passed, the library's before.
CHOOSE = '''
passed = {}   # function name -> True once its check cell said PASS

def yours_or_library(yours, library):
    """Your function if its check passed; until then the library's version, saying so once."""
    if passed.get(yours.__name__):
        return yours
    print("Your %s has not passed its check yet: the library's version stands in for it here."
          % yours.__name__)
    return library'''

# The library's evaluate in the form of the student's: a single-layer network, one weight
# matrix and one bias vector (notebooks 03 and 06; the cell needs training and Network).
LIBRARY_EVALUATE = '''def library_evaluate(weights, biases, data):
    """The library's evaluate on a single-layer network in your form: (cost, accuracy)."""
    result = training.evaluate(Network.from_parameters([weights], [biases]), data)
    return result.cost, result.accuracy'''


def stub(signature):
    """A Your-turn cell: the function's first line, then nothing but NotImplementedError."""
    return "def %s:\n    %s\n    raise NotImplementedError" % (signature, YOUR_CODE_HERE)


def paste_stub(signature, where):
    """A stub for a function the student wrote in an earlier notebook (``where``)."""
    return "def %s:\n    # paste yours from %s here (replace the next line)\n    %s" % (
        signature, where, "raise NotImplementedError")


def check_cell(name, extra=""):
    """The check cell of one function: prints PASS, FAIL or TODO and records the result."""
    return 'passed["%s"] = check.check_function("%s", %s)%s' % (name, name, name, extra)
