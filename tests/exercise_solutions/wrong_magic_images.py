"""Typical mistake (step 1): checking the image file against the labels' magic number."""

import gzip
import struct

from correct import *  # noqa: F401,F403  everything else is right


def read_images(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, n, rows, cols = struct.unpack(">IIII", raw[:16])
    if magic != 2049:
        raise ValueError("not an image file")
    size = rows * cols
    return [[list(raw[16 + i * size + r * cols:16 + i * size + (r + 1) * cols])
             for r in range(rows)] for i in range(n)]
