"""Typical mistake (step 2): matvec walks the columns of the matrix instead of its rows."""

from correct import *  # noqa: F401,F403  everything else is right


def matvec(m, v):
    return [sum(m[i][j] * v[i] for i in range(len(m))) for j in range(len(m[0]))]
