"""Loading a student's file as a module, whatever its name or encoding.

The file is read as bytes, compiled and run in a fresh module, so it may be
called ``my_steps.py`` or ``my_steps.txt``, start with a UTF-8 byte order mark,
or declare another encoding in a ``# -*- coding: latin-1 -*-`` line (Python
reads both, as it does for any script). Every problem, from a missing file to
an exception on its last line, becomes one ``StudentFileError`` whose message
says what to fix.
"""

import os
import re
import stat
import sys
import traceback
import types

__all__ = ["StudentFileError", "load_student_file", "template_path", "MAX_SOURCE_BYTES"]

# A file of exercises is a few kilobytes; anything this big is not one.
MAX_SOURCE_BYTES = 5 * 2**20


class StudentFileError(Exception):
    """The student's file could not be loaded; the message says why, in one paragraph."""


def template_path():
    """The path of the exercise template shipped with the package."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(package, "exercises", "template.py")


def read_source(path):
    """The bytes of the student's file; StudentFileError if it is not a readable, small, regular file."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise StudentFileError("cannot find the file %s. Make one with: python -m "
                               "mnist_scratch.check --template %s" % (path, path)) from None
    except OSError as e:
        raise StudentFileError("cannot read %s: %s" % (path, e.strerror or e)) from None
    if stat.S_ISDIR(info.st_mode):
        raise StudentFileError("%s is a folder; give the Python file with your functions" % path)
    if not stat.S_ISREG(info.st_mode):  # /dev/zero, a pipe...: reading could block or never end
        raise StudentFileError("%s is not a regular file" % path)
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_SOURCE_BYTES + 1)
    except OSError as e:
        raise StudentFileError("cannot read %s: %s" % (path, e.strerror or e)) from None
    if len(raw) > MAX_SOURCE_BYTES:
        raise StudentFileError("%s is larger than %d MB; that is not a file of exercises"
                               % (path, MAX_SOURCE_BYTES // 2**20))
    return raw


def module_name(path):
    """The name the student's module gets: "student_" and the file's name, as an identifier."""
    stem = os.path.basename(path).split(".", 1)[0]
    return "student_" + re.sub(r"\W", "_", stem)


def load_student_file(path, keep_folder_on_path=False):
    """Run the student's file as a fresh module and return it.

    Args:
        path: the file (any name; Python source in UTF-8 or with a coding line).
        keep_folder_on_path: leave the file's folder on sys.path afterwards (the
            sandbox's child does, so the functions may import helper modules
            from their folder when they run, not only when the file loads).

    Returns:
        the module.

    Raises:
        StudentFileError: the file is missing or unreadable, has a syntax error,
            or raised an exception or exited while it ran.
        MemoryError: running the file ran out of memory (the caller knows the cap).
    """
    path = os.fspath(path)
    raw = read_source(path)
    try:
        # compile() on bytes honours a BOM and a coding line, as python does for a script.
        code = compile(raw, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        if "codec can't decode" in str(e.msg):
            raise StudentFileError("%s is not a UTF-8 text file (line %s). Save it as UTF-8, or "
                                   "name its encoding in its first line: # -*- coding: latin-1 -*-"
                                   % (path, e.lineno)) from None
        if not e.lineno:
            raise StudentFileError("%s cannot be read as Python: %s" % (path, e.msg)) from None
        raise StudentFileError("%s has a syntax error on line %s: %s: %s"
                               % (path, e.lineno, e.msg, (e.text or "").strip())) from None
    except ValueError as e:  # null bytes (PyPy raises ValueError, CPython SyntaxError)
        raise StudentFileError("%s cannot be read as Python: %s" % (path, e)) from None
    name = module_name(path)
    module = types.ModuleType(name)
    module.__file__ = os.path.abspath(path)
    # Registered, as an import would, so that the file's classes and dataclasses work.
    sys.modules[name] = module
    folder = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, folder)  # so the file may import its own helper modules
    try:
        exec(code, module.__dict__)
    except SystemExit:
        raise StudentFileError("importing %s stopped the program (it calls exit() or "
                               "sys.exit() at the top level); put that code under "
                               "if __name__ == \"__main__\":" % path) from None
    except MemoryError:
        raise
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        raise StudentFileError("importing %s failed on line %s: %s"
                               % (path, _line_in(e, path), _exception_text(e))) from None
    finally:
        if not keep_folder_on_path and folder in sys.path:
            sys.path.remove(folder)
    return module


def _line_in(e, path):
    """The last line of ``path`` in the exception's traceback, or '?'."""
    try:
        tb = traceback.extract_tb(e.__traceback__)
    except Exception:
        return "?"
    return next((frame.lineno for frame in reversed(tb) if frame.filename == path), "?")


def _exception_text(e):
    try:
        return "%s: %s" % (type(e).__name__, e)
    except Exception:
        return type(e).__name__
