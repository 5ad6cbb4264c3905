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
when something is wrong, *before* allocating anything the header asks for. It
reads a file as a stream and never more than its header describes, so even a
file that decompresses to gigabytes costs no more memory than that.
"""

import gzip
import io
import math
import os
import struct
import sys
from array import array

from .fileio import atomic_write_bytes, open_input

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


def _read_up_to(stream, n):
    """Up to ``n`` bytes of ``stream`` (fewer only at its end). A stream may hand
    out fewer bytes than asked for, so this reads until it has them all."""
    chunks = []
    while n > 0:
        chunk = stream.read(min(n, 1 << 16))  # 64 KB at a time: a short file costs little
        if not chunk:
            break
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _read_idx_stream(stream, name, max_elements):
    """Parse an IDX file from a binary stream of its (uncompressed) bytes.

    The header is read and checked first; then exactly the bytes it describes,
    and one more to see whether the file is longer than its header says. So a
    file that goes on and on (a gzip bomb: gigabytes of zeros in a few hundred
    kilobytes) costs no more memory than its header claims.
    """
    head = _read_up_to(stream, 4)
    if len(head) < 4:
        raise IdxError("%s: too short for an IDX header (%d bytes, need at least 4)"
                       % (name, len(head)))
    zero, type_code, ndim = struct.unpack(">HBB", head)
    if zero != 0:
        raise IdxError("%s: wrong magic number 0x%08X: an IDX file starts with two zero bytes"
                       % (name, struct.unpack(">I", head)[0]))
    if type_code not in TYPES:
        raise IdxError("%s: unknown element type code 0x%02X (known: %s)"
                       % (name, type_code, ", ".join("0x%02X" % c for c in sorted(TYPES))))
    if ndim == 0:
        raise IdxError("%s: the header says 0 dimensions" % name)
    sizes = _read_up_to(stream, 4 * ndim)
    if len(sizes) < 4 * ndim:
        raise IdxError("%s: truncated header: %d dimensions need %d bytes, file has %d"
                       % (name, ndim, 4 + 4 * ndim, 4 + len(sizes)))
    shape = struct.unpack(">%dI" % ndim, sizes)
    count = 1
    for n in shape:
        if n == 0:
            raise IdxError("%s: dimension of size 0 in shape %s" % (name, shape))
        count *= n
        if count > max_elements:
            raise IdxError("%s: absurd shape %s (more than %d elements)" % (name, shape, max_elements))
    fmt, size, type_name = TYPES[type_code]
    # Only now, with the header checked, read what it describes.
    body = _read_up_to(stream, count * size)
    if len(body) < count * size:
        raise IdxError("%s: truncated: header says shape %s of %s = %d bytes of data, file has %d"
                       % (name, shape, type_name, count * size, len(body)))
    if stream.read(1):
        raise IdxError("%s: unexpected trailing bytes after the %d elements the header describes"
                       % (name, count))
    if type_code == 0x08:
        data = body
    else:
        values = array(fmt)
        values.frombytes(body)
        if sys.byteorder == "little":  # IDX numbers are big-endian: swap them
            values.byteswap()
        data = values.tolist()
    return IdxData(shape, type_code, data)


def read_idx_bytes(raw, name="<bytes>", max_elements=MAX_ELEMENTS):
    """Parse the (uncompressed) bytes of an IDX file. ``name`` is used in error messages."""
    return _read_idx_stream(io.BytesIO(raw), name, max_elements)


def read_idx(path, max_elements=MAX_ELEMENTS):
    """Read an IDX file, gzipped or raw.

    The file is read as a stream (decompressed on the fly), never more than its
    header describes: a damaged or hostile file is refused with bounded memory.

    Args:
        path: file name (str or os.PathLike).
        max_elements: refuse a header that describes more elements than this.

    Returns:
        IdxData with ``shape``, ``type_code`` and flat ``data``.

    Raises:
        FileNotFoundError: no such file (the message names it).
        IdxError: the file is not valid IDX, is damaged gzip, or is not a
            regular file (a folder, a device, a named pipe); the message names it.
    """
    path = os.fspath(path)
    with open_input(path, "IDX file", IdxError) as stream:
        return _read_idx_stream(stream, path, max_elements)


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

