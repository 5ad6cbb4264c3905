"""Checks of step 2: vectors and matrices on plain lists.

Every function of this step gets small cases worked out by hand; a known
wrong answer (v - u for u - v, a transposed product) gets its own hint.
Some cases are hidden (HIDDEN_MATVEC): the report says whether they passed, and the
hint when not, never their input.
"""

import copy

from .compare import expect_close, short

TITLE = "vectors and matrices on plain lists"


def cases(checker, f, name, examples, hint, diagnoses_for=None):
    """Run (args, expected) examples; yield a title per example that passed.

    The student's function gets copies of the arguments (the checker fails it
    if it changes them). Used by steps 2 and 3.
    """
    for args, expected in examples:
        got = checker.call(f, *copy.deepcopy(list(args)))
        diagnoses = diagnoses_for(*args) if diagnoses_for else ()
        expect_close(expected, got, hint=hint, diagnoses=diagnoses)
        yield "%s(%s) == %s" % (name, ", ".join(short(a) for a in args), short(expected))


def hidden_cases(checker, f, examples, hint, diagnoses_for=None):
    """As ``cases``, for hidden examples: ``hint`` and the diagnoses' hints must not
    quote the input or the answer, since they are shown."""
    for args, expected in examples:
        with checker.hidden() as title:
            got = checker.call(f, *copy.deepcopy(list(args)))
            diagnoses = diagnoses_for(*args) if diagnoses_for else ()
            expect_close(expected, got, hint=hint, diagnoses=diagnoses)
        yield title


def check_add(checker, f):
    return cases(checker, f, "add", [(([1, 2, 3], [4, 5, 6]), [5, 7, 9]),
                                     (([0.5], [-0.5]), [0.0])],
                 "Add entry by entry: [u[i] + v[i] for i in range(len(u))].")


def check_sub(checker, f):
    return cases(checker, f, "sub", [(([1, 2, 3], [4, 5, 6]), [-3, -3, -3])],
                 "Subtract entry by entry, u minus v.",
                 lambda u, v: [([b - a for a, b in zip(u, v)],
                                "You computed v - u; sub(u, v) is u - v.")])


def check_scale(checker, f):
    return cases(checker, f, "scale", [((2, [1, -2, 3]), [2, -4, 6]), ((0.5, [4.0]), [2.0])],
                 "Multiply every entry of v by the number c: scale(c, v).")


def check_dot(checker, f):
    return cases(checker, f, "dot", [(([1, 2, 3], [4, 5, 6]), 32), (([1, 0], [0, 1]), 0)],
                 "The dot product is one number: the sum of u[i] * v[i].")


TRANSPOSED_MATVEC = ("You computed m^T v (the transpose): entry i of m v is dot(m[i], v), "
                     "row i of m times v, so the result has one entry per ROW of m.")


# A 3 x 4 matrix of floats of both signs: m v has 3 entries.
HIDDEN_MATVEC = [(([[0.5, -1.25, 2.0, 0.0], [1.5, 0.25, -0.5, 3.0], [-2.0, 1.0, 1.0, -1.0]],
                   [2.0, -1.0, 0.5, 1.5]), [3.25, 7.0, -6.0])]


def check_matvec(checker, f):
    yield from cases(checker, f, "matvec", [(([[1, 2], [3, 4]], [1, 1]), [3, 7])],
                     "Entry i of m v is the dot product of row m[i] with v.",
                     lambda m, v: [([sum(m[i][j] * v[i] for i in range(len(m)))
                                     for j in range(len(m[0]))], TRANSPOSED_MATVEC)])
    yield from cases(checker, f, "matvec", [(([[1, 2, 3], [4, 5, 6]], [1, 0, -1]), [-2, -2])],
                     "A 2x3 matrix times a vector of 3 gives a vector of 2: one entry per row. "
                     + TRANSPOSED_MATVEC)
    yield from hidden_cases(checker, f, HIDDEN_MATVEC,
                            "m v has one entry per ROW of m, entry i being dot(m[i], v), for "
                            "any numbers (floats of both signs) and any shape (rows, cols).")


def check_transpose(checker, f):
    return cases(checker, f, "transpose", [(([[1, 2, 3], [4, 5, 6]],), [[1, 4], [2, 5], [3, 6]]),
                                           (([[7]],), [[7]])],
                 "Row j of the transpose is column j of m: [[m[i][j] for i ...] for j ...].")


def check_outer(checker, f):
    return cases(checker, f, "outer", [(([1, 2], [3, 4, 5]), [[3, 4, 5], [6, 8, 10]])],
                 "outer(u, v)[i][j] = u[i] * v[j]: one row per entry of u.",
                 lambda u, v: [([[a * b for b in u] for a in v],
                                "Your result is transposed: it should have one ROW per entry "
                                "of u.")])


# function -> its checks, in the order of the template
CHECKS = {
    "add": check_add, "sub": check_sub, "scale": check_scale, "dot": check_dot,
    "matvec": check_matvec, "transpose": check_transpose, "outer": check_outer,
}

# function -> the hint for a failure whose check gave none (e.g. an exception)
HINTS = {
    "matvec": "m v has one entry per ROW of m: [dot(row, v) for row in m]. Indexing past the end "
              "of a list often means the matrix was walked by columns (transposed).",
}
