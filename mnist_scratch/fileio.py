"""Atomic file writes: a crash or Ctrl-C never leaves a half-written file behind.

The bytes go to a temporary file in the same folder, which is then renamed over
the target. A rename within one folder is atomic, so the target is either the
old file or the complete new one.
"""

import os
import tempfile

__all__ = ["atomic_write_bytes", "atomic_write_text"]


def atomic_write_bytes(path, raw):
    """Write the bytes ``raw`` to ``path`` atomically.

    Raises:
        FileNotFoundError: the folder of ``path`` does not exist (the message names it).
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError("cannot write %s: folder %s does not exist" % (path, folder))
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
