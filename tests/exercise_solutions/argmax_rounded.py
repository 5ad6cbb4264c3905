"""Typical mistake (step 3): argmax compares the entries rounded to two decimals (as they
were printed), so outputs closer than 0.01 look equal. Only a hidden case catches it."""

from correct import *  # noqa: F401,F403  everything else is right


def argmax(v):
    rounded = [round(value, 2) for value in v]
    return rounded.index(max(rounded))
