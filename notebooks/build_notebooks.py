"""Write the course notebooks (01_... to 10_...), without outputs, from their cells.

    python notebooks/build_notebooks.py              # rewrite every notebook in notebooks/
    python notebooks/build_notebooks.py --out DIR    # write them into DIR instead

The cells live in one module per part of the course, next to this script:

    course_common.py       what every notebook shares: setup lines, stubs, check cells
    course_basics.py       01 IDX files, 02 vectors and matrices, 03 a single-layer network
    course_backprop.py     04 backpropagation, 05 mini-batch SGD
    course_pictures.py     06 watching it learn: the student's own figures
    course_experiments.py  07 experiments: sweeps, saving a network as JSON
    course_chapter3.py     08 cross-entropy and softmax, 09 overfitting and regularisation
    course_handwriting.py  10 your own handwriting

Edit a cell there, then run this script; the tests check that the committed .ipynb files
are exactly what it writes.
"""

import argparse
import os
import sys

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)   # the course_* modules sit next to this script
sys.dont_write_bytecode = True   # and no __pycache__ folder joins them among the notebooks

import course_backprop  # noqa: E402
import course_basics  # noqa: E402
import course_chapter3  # noqa: E402
import course_experiments  # noqa: E402
import course_handwriting  # noqa: E402
import course_pictures  # noqa: E402

NOTEBOOKS = {}
for part in (course_basics, course_backprop, course_pictures, course_experiments,
             course_chapter3, course_handwriting):
    NOTEBOOKS.update(part.NOTEBOOKS)


def build(name, cells):
    """The notebook ``name`` (e.g. "04_backprop") made of ``cells``, a list of (kind, text)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, (kind, text) in enumerate(cells):
        cell = (nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text))
        cell["id"] = "%s-%02d" % (name[:2], i)  # fixed ids: rebuilding changes nothing
        nb.cells.append(cell)
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write the course notebooks from their cells.")
    parser.add_argument("--out", default=HERE, metavar="DIR",
                        help="the folder to write them into (default: this script's folder)")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nbformat.write(build(name, cells), os.path.join(args.out, name + ".ipynb"))


if __name__ == "__main__":
    main()
