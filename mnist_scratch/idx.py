"""Read and write IDX files, the format the MNIST data comes in.

An IDX file is a tiny header followed by a flat array of numbers:

    bytes 0-1   two zero bytes
    byte  2     type code of the elements (0x08 = unsigned byte, see TYPES)
    byte  3     number of dimensions, d
    then        d sizes, each a big-endian unsigned 32-bit integer
    then        prod(sizes) elements, big-endian, row-major

For MNIST the labels are a 1-d file of unsigned bytes (magic number 2049 =
0x00000801) and the images a 3-d file of unsigned bytes (magic number 2051 =
0x00000803): count x 28 rows x 28 columns.

This module knows nothing about machine learning. It reads files that are
gzipped or raw (told apart by the gzip magic bytes, not by the file name),
checks every header field, and raises IdxError naming the file and the problem
when something is wrong, *before* allocating anything the header asks for.
"""

import gzip
import math
import os
import struct
import sys
from array import array

from .fileio import atomic_write_bytes, read_bytes

__all__ = ["IdxError", "IdxData", "TYPES", "read_idx", "write_idx", "read_idx_bytes"]

# type code -> (struct format letter, size in bytes, name)
TYPES = {
    0x08: ("B", 1, "unsigned byte"),
    0x09: ("b", 1, "signed byte"),
    0x0B: ("h", 2, "short (2 bytes)"),
    0x0C: ("i", 4, "int (4 bytes)"),
    0x0D: ("f", 4, "float (4 bytes)"),
    0x0E: ("d", 8, "double (8 bytes)"),
}

# No real IDX file has this many elements; a header claiming more is damaged.
MAX_ELEMENTS = 2**31


class IdxError(ValueError):
    """A file is not a valid IDX file. The message names the file and the problem."""


class IdxData:
    """The contents of an IDX file.

    Attributes:
        shape: tuple of ints, e.g. (10000, 28, 28).
        type_code: the IDX element type code, e.g. 0x08.
        data: flat sequence of all elements in row-major order; for unsigned
            bytes a ``bytes`` object (indexing gives ints 0-255), otherwise a
            list of numbers.
    """

    def __init__(self, shape, type_code, data):
        self.shape = tuple(shape)
        self.type_code = type_code
        self.data = data

    def __len__(self):
        return self.shape[0]

    def item_size(self):
        """Number of elements in one item along the first axis (784 for MNIST images)."""
        return math.prod(self.shape[1:])

    def items(self):
        """List of the items along the first axis, each a flat slice of ``data``."""
        size = self.item_size()
        data = self.data
        return [data[i:i + size] for i in range(0, len(data), size)]

    def tolist(self):
        """The data as nested lists with this shape (as numpy's ``tolist`` would give)."""
        def nest(flat, shape):
            if len(shape) == 1:
                return list(flat)
            step = len(flat) // shape[0]
            return [nest(flat[i:i + step], shape[1:]) for i in range(0, len(flat), step)]
        return nest(self.data, self.shape)

    def __repr__(self):
        return "IdxData(shape=%r, type=%s)" % (self.shape, TYPES[self.type_code][2])


def read_idx_bytes(raw, name="<bytes>"):
    """Parse the (uncompressed) bytes of an IDX file. ``name`` is used in error messages."""
    if len(raw) < 4:
        raise IdxError("%s: too short for an IDX header (%d bytes, need at least 4)" % (name, len(raw)))
    zero, type_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0:
        raise IdxError("%s: wrong magic number 0x%08X: an IDX file starts with two zero bytes"
                       % (name, struct.unpack(">I", raw[:4])[0]))
    if type_code not in TYPES:
        raise IdxError("%s: unknown element type code 0x%02X (known: %s)"
                       % (name, type_code, ", ".join("0x%02X" % c for c in sorted(TYPES))))
    if ndim == 0:
        raise IdxError("%s: the header says 0 dimensions" % name)
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise IdxError("%s: truncated header: %d dimensions need %d bytes, file has %d"
                       % (name, ndim, header_size, len(raw)))
    shape = struct.unpack(">%dI" % ndim, raw[4:header_size])
    count = 1
    for n in shape:
        if n == 0:
            raise IdxError("%s: dimension of size 0 in shape %s" % (name, shape))
        count *= n
        if count > MAX_ELEMENTS:
            raise IdxError("%s: absurd shape %s (more than %d elements)" % (name, shape, MAX_ELEMENTS))
    fmt, size, type_name = TYPES[type_code]
    expected = header_size + count * size
    # Check the length before building anything the header asks for.
    if len(raw) < expected:
        raise IdxError("%s: truncated: header says shape %s of %s = %d bytes of data, file has %d"
                       % (name, shape, type_name, count * size, len(raw) - header_size))
    if len(raw) > expected:
        raise IdxError("%s: %d unexpected trailing bytes after the %d elements the header describes"
                       % (name, len(raw) - expected, count))
    body = raw[header_size:]
    if type_code == 0x08:
        data = bytes(body)
    else:
        values = array(fmt)
        values.frombytes(body)
        if sys.byteorder == "little":  # IDX numbers are big-endian: swap them
            values.byteswap()
        data = values.tolist()
    return IdxData(shape, type_code, data)


def read_idx(path):
    """Read an IDX file, gzipped or raw.

    Args:
        path: file name (str or os.PathLike).

    Returns:
        IdxData with ``shape``, ``type_code`` and flat ``data``.

    Raises:
        FileNotFoundError: no such file (the message names it).
        IdxError: the file is not valid IDX (the message names it and the problem).
    """
    path = os.fspath(path)
    return read_idx_bytes(read_bytes(path, "IDX file", IdxError), name=path)


def write_idx(path, data, shape, type_code=0x08, compress=None):
    """Write a flat sequence of numbers as an IDX file, atomically.

    Args:
        path: where to write. Gzipped if ``compress`` is true, or if it is None
            and the name ends in ".gz".
        data: flat sequence of prod(shape) numbers, row-major.
        shape: sequence of dimension sizes, each at least 1.
        type_code: IDX element type (default 0x08, unsigned byte).
        compress: see ``path``.
    """
    path = os.fspath(path)
    if type_code not in TYPES:
        raise ValueError("unknown IDX type code 0x%02X" % type_code)
    shape = tuple(int(n) for n in shape)
    if not shape or len(shape) > 255 or any(n < 1 for n in shape):
        raise ValueError("bad IDX shape %r" % (shape,))
    count = math.prod(shape)
    if len(data) != count:
        raise ValueError("shape %s needs %d elements, got %d" % (shape, count, len(data)))
    fmt = TYPES[type_code][0]
    header = struct.pack(">HBB%dI" % len(shape), 0, type_code, len(shape), *shape)
    try:
        body = struct.pack(">%d%s" % (count, fmt), *data)
    except struct.error as e:
        raise ValueError("cannot store these values as %s: %s" % (TYPES[type_code][2], e)) from None
    raw = header + body
    if compress is None:
        compress = path.endswith(".gz")
    if compress:
        raw = gzip.compress(raw, mtime=0)
    atomic_write_bytes(path, raw)

