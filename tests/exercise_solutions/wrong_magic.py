"""Typical mistake (step 1): checking the label file against the images' magic number."""

import gzip
import struct

from correct import *  # noqa: F401,F403  everything else is right


def read_labels(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, n = struct.unpack(">II", raw[:8])
    if magic != 2051:
        raise ValueError("bad magic number %d" % magic)
    return list(raw[8:8 + n])
