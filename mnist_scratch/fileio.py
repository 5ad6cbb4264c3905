"""Atomic file writes: a crash or Ctrl-C never leaves a half-written file behind.

The bytes go to a temporary file in the same folder, which is then renamed over
the target. A rename within one folder is atomic, so the target is either the
old file or the complete new one.
"""

import gzip
import os
import tempfile
import zlib

__all__ = ["GZIP_MAGIC", "read_bytes", "check_writable", "atomic_write_bytes",
           "atomic_write_text"]

GZIP_MAGIC = b"\x1f\x8b"  # the first two bytes of every gzip file


def read_bytes(path, what="file", error=ValueError):
    """The bytes of ``path``, decompressed if they are gzip (told by the magic bytes,
    not by the file name).

    Raises:
        FileNotFoundError: no such file ("<what> not found: <path>").
        error: the gzip data is damaged (the message names the file).
    """
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise FileNotFoundError("%s not found: %s" % (what, path)) from None
    if raw[:2] == GZIP_MAGIC:
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, ValueError, zlib.error) as e:
            raise error("%s: damaged gzip data (%s)" % (path, e)) from None
    return raw


def check_writable(path):
    """Check that a file can be written at ``path``, before any work is done for it.

    Raises:
        FileNotFoundError: the folder of ``path`` does not exist (the message names it).
        IsADirectoryError: ``path`` is a folder, not a file name.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError("cannot write %s: folder %s does not exist" % (path, folder))
    if os.path.isdir(path):
        raise IsADirectoryError("cannot write %s: it is a folder; give a file name such as %s"
                                % (path, os.path.join(path, "name.ext")))


def atomic_write_bytes(path, raw):
    """Write the bytes ``raw`` to ``path`` atomically.

    Raises:
        FileNotFoundError, IsADirectoryError: see ``check_writable``.
    """
    path = os.fspath(path)
    check_writable(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix="-" + os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        # mkstemp makes the file private (0600); give it the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_text(path, text):
    """Write the string ``text`` to ``path`` as UTF-8, atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))
