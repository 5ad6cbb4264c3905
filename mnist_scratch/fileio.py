"""Reading and writing files safely, for every command and loader of the project.

Writing is atomic: a crash, Ctrl-C or a second thread never leaves a
half-written file behind. The bytes go to a temporary file in the same
folder (a short name such as ``.tmp-3f9a0c1b``), which is then renamed over
the target. A rename within one folder is atomic, so the target is always
either the old file or the complete new one. On top of that:

- an existing file keeps its permission bits (a private 0600 file stays private);
- a symbolic link is written through: its target gets the new content and
  the link stays a link;
- the process umask is never read or changed (that would race with other
  threads): a new file is created with mode 0666 and the kernel applies the
  umask, exactly as ``open(path, "w")`` would.

Reading refuses what is not a regular file (a folder, ``/dev/zero``, a named
pipe) before opening anything that could block or never end, gunzips
transparently (told by the first two bytes, not by the name), and can stop
as soon as more than a given number of bytes come out, so a huge file or a
gzip bomb costs bounded memory.

Every error names the file the caller gave (never the temporary file) and
fits on one line.
"""

import contextlib
import gzip
import os
import stat
import zlib

__all__ = ["GZIP_MAGIC", "check_writable", "atomic_write_bytes", "atomic_write_text",
           "open_input", "read_bytes", "ensure_folder", "same_file"]

GZIP_MAGIC = b"\x1f\x8b"  # the first two bytes of every gzip file
TEMP_PREFIX = ".tmp-"     # temporary files are TEMP_PREFIX + 8 hex digits: 13 characters
CHUNK_BYTES = 2 ** 20     # gzip data is decompressed a megabyte at a time

# os.O_BINARY exists on Windows only (no newline translation); O_NONBLOCK on POSIX
# only (opening a named pipe must not wait for a writer).
_O_BINARY = getattr(os, "O_BINARY", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _kind(mode):
    """What a file that is not a regular file is, in a few words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _name_max(folder):
    """The longest file name (in bytes) the filesystem of ``folder`` allows."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # no pathconf (Windows), or no answer
        return 255


def _real_target(path):
    """The file that writing ``path`` really changes: symbolic links resolved."""
    return os.path.realpath(os.path.abspath(path))


def check_writable(path, what="output file"):
    """Check that a file can be written at ``path``, before any work is done for it.

    Symbolic links are followed: what is checked is the file that would be written.

    Raises:
        ValueError: ``path`` is empty, or its file name is longer than the
            filesystem allows.
        FileNotFoundError: the folder of ``path`` does not exist (the message names it).
        IsADirectoryError: ``path`` is a folder, not a file name.
        PermissionError: the folder is not writable, or the file is read-only.
        OSError: ``path`` exists but is not a regular file (a device, a named pipe).
    """
    path = os.fspath(path)
    if not path:
        raise ValueError("cannot write the %s: empty path" % what)
    real = _real_target(path)
    folder = os.path.dirname(real)
    if not os.path.isdir(folder):
        if os.path.exists(folder):
            raise NotADirectoryError("cannot write %s: %s is not a folder" % (path, folder))
        raise FileNotFoundError("cannot write %s: folder %s does not exist" % (path, folder))
    if os.path.isdir(real):
        raise IsADirectoryError("cannot write %s: it is a folder; give a file name such as %s"
                                % (path, os.path.join(path, "name.ext")))
    name_bytes = len(os.fsencode(os.path.basename(real)))
    limit = _name_max(folder)
    if name_bytes > limit:
        raise ValueError("cannot write %s: the file name is %d bytes long, more than the %d "
                         "this filesystem allows" % (path, name_bytes, limit))
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as e:  # e.g. a symbolic link that points to itself
        raise type(e)("cannot write %s: %s" % (path, e.strerror or e)) from None
    if mode is not None and not stat.S_ISREG(mode):
        raise OSError("cannot write %s: it is %s, not a regular file" % (path, _kind(mode)))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError("cannot write %s: permission denied (folder %s is not writable)"
                              % (path, folder))
    if mode is not None and not os.access(real, os.W_OK):
        raise PermissionError("cannot write %s: the file is read-only" % path)


def _create_temp(folder, mode):
    """Create a new empty file in ``folder`` with a short random name; (fd, name)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY
    while True:
        # The name only has to be unique; it is not a random choice of the results.
        tmp = os.path.join(folder, TEMP_PREFIX + os.urandom(4).hex())
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:
            continue


def atomic_write_bytes(path, raw):
    """Write the bytes ``raw`` to ``path`` atomically.

    Safe to call from several threads at once, for different files or the same
    one (the last rename wins; every version of the file is complete). An
    existing file keeps its permission bits; a new one gets 0666 less the umask.

    Raises:
        ValueError, FileNotFoundError, IsADirectoryError, PermissionError,
        OSError: see ``check_writable``; OSError (naming ``path``) if writing fails.
    """
    path = os.fspath(path)
    check_writable(path)
    real = _real_target(path)
    folder = os.path.dirname(real)
    try:
        keep_mode = stat.S_IMODE(os.stat(real).st_mode)
    except FileNotFoundError:
        keep_mode = None
    tmp = None
    try:
        try:
            # 0666: the kernel applies the umask, as open(path, "w") would; an
            # existing file's own mode is set below, once the file is private to us.
            fd, tmp = _create_temp(folder, 0o666 if keep_mode is None else 0o600)
        except OSError as e:
            raise type(e)("cannot write %s: %s" % (path, e.strerror or e)) from None
        with open(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())  # on disk before the rename, so a power cut cannot empty it
        if keep_mode is not None:
            os.chmod(tmp, keep_mode)
        os.replace(tmp, real)
    except BaseException:  # Ctrl-C too: never leave the temporary file behind
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:  # already renamed, or never created
                pass
        raise


def atomic_write_text(path, text):
    """Write the string ``text`` to ``path`` as UTF-8, atomically (see ``atomic_write_bytes``)."""
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def open_input(path, what="file", error=ValueError):
    """Open ``path`` for reading: a context manager giving a binary stream.

    The stream gives the file's bytes, gunzipped if the file is gzip (told by
    its first two bytes). Damaged gzip data raises ``error`` when it is read.

    Raises:
        FileNotFoundError: no such file ("<what> not found: <path>").
        PermissionError: the file cannot be read (the message names it).
        error: ``path`` is not a regular file ("<path>: not a regular file (a folder)"),
            or its gzip data is damaged.
    """
    path = os.fspath(path)
    if not path:
        raise FileNotFoundError("%s not found: the path is empty" % what)

    def refuse(mode):
        return error("%s: not a regular file (it is %s)" % (path, _kind(mode)))

    try:
        # stat before opening: opening a device or a named pipe can block or have effects.
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise refuse(mode)
        fd = os.open(path, os.O_RDONLY | _O_BINARY | _O_NONBLOCK)
    except (FileNotFoundError, NotADirectoryError):
        raise FileNotFoundError("%s not found: %s" % (what, path)) from None
    except PermissionError:
        raise PermissionError("cannot read %s: permission denied" % path) from None
    f = open(fd, "rb")
    try:
        mode = os.fstat(f.fileno()).st_mode  # again: it may have changed since the stat
        if not stat.S_ISREG(mode):
            raise refuse(mode)
        if f.read(2) != GZIP_MAGIC:
            f.seek(0)
            yield f
            return
        f.seek(0)
        with gzip.GzipFile(fileobj=f, mode="rb") as stream:
            try:
                yield stream
            except (gzip.BadGzipFile, EOFError, zlib.error) as e:
                raise error("%s: damaged gzip data (%s)" % (path, e)) from None
    finally:
        f.close()


def _megabytes(n):
    return "%d bytes" % n if n < 2 ** 20 else "%g MB" % round(n / 2 ** 20, 1)


def read_bytes(path, what="file", error=ValueError, max_bytes=None):
    """The bytes of ``path``, decompressed if they are gzip (see ``open_input``).

    Args:
        max_bytes: if given, refuse a file that holds (or decompresses to) more
            than this many bytes; reading stops as soon as the limit is passed,
            so memory stays bounded even for a gzip bomb.

    Raises:
        FileNotFoundError, PermissionError, error: see ``open_input``.
        error: more than ``max_bytes`` bytes (the message names the file).
    """
    path = os.fspath(path)

    def too_large():
        return error("%s: more than %s; a %s may hold at most that much"
                     % (path, _megabytes(max_bytes), what))

    with open_input(path, what, error) as f:
        if not isinstance(f, gzip.GzipFile):
            if max_bytes is not None and os.fstat(f.fileno()).st_size > max_bytes:
                raise too_large()  # known without reading a byte
            return f.read()
        if max_bytes is None:
            return f.read()
        # Decompress in pieces: f.read(max_bytes + 1) would reserve all of it at once.
        raw = bytearray()
        while True:
            piece = f.read(CHUNK_BYTES)
            if not piece:
                return bytes(raw)
            raw += piece
            if len(raw) > max_bytes:
                raise too_large()


def ensure_folder(path, what="output folder"):
    """Make sure the folder ``path`` exists (creating it and its parents) and is writable.

    Returns:
        The absolute path of the folder.

    Raises:
        ValueError: ``path`` is empty.
        NotADirectoryError: ``path`` (or a parent) exists but is a file.
        PermissionError: the folder cannot be created or written to.
    """
    path = os.fspath(path)
    if not path:
        raise ValueError("cannot use the %s: empty path" % what)
    if os.path.exists(path) and not os.path.isdir(path):
        raise NotADirectoryError("cannot use %s as the %s: it is a file, not a folder"
                                 % (path, what))
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise type(e)("cannot create the %s %s: %s" % (what, path, e.strerror or e)) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise PermissionError("cannot write into the %s %s: permission denied" % (what, path))
    return os.path.abspath(path)


def same_file(a, b):
    """True if the paths ``a`` and ``b`` name the same file (after resolving links,
    ``..`` and, on Windows, case), whether or not it exists yet."""
    a, b = os.fspath(a), os.fspath(b)
    try:
        if os.path.samefile(a, b):  # also catches two hard links to one file
            return True
    except OSError:  # one of them does not exist (yet)
        pass
    return os.path.normcase(_real_target(a)) == os.path.normcase(_real_target(b))
