"""Tests for fileio.py: atomic writes, checked outputs, and inputs that are not plain files.

Nothing here is mocked but the failures themselves: a write that raises
Ctrl-C half-way, a rename that fails. Permission tests run as an ordinary
user; under root they run in a forked child that drops to user "nobody".
"""

import gzip
import os
import shutil
import stat
import sys
import tempfile
import threading

import pytest

from conftest import current_umask, gzip_bomb, needs_tracemalloc, tracemalloc
from mnist_scratch import fileio
from mnist_scratch.fileio import (atomic_write_bytes, atomic_write_text, check_writable,
                                  ensure_folder, open_input, read_bytes, same_file)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files and permissions")


class Bad(ValueError):
    """The error class a caller passes in (as idx.py passes IdxError)."""


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)




def outcome(call):
    """What ``call()`` did, as a short string: "ok" or "<ErrorType>: <message>"."""
    try:
        call()
    except Exception as e:
        return "%s: %s" % (type(e).__name__, e)
    return "ok"


def as_unprivileged(call):
    """outcome(call), run as a user without root's powers: right here if this process
    is not root, else in a forked child that becomes user and group "nobody" (65534)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return outcome(call)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            result = outcome(call)
        except BaseException as e:
            result = "child failed: %r" % e
        os.write(write_end, result.encode("utf-8", "replace"))
        os._exit(0)
    os.close(write_end)
    chunks = []
    while True:
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8")


@pytest.fixture
def open_folder():
    """A folder everyone may enter (tmp_path's parents are private to root)."""
    folder = tempfile.mkdtemp(prefix="fileio-test-")
    os.chmod(folder, 0o755)
    yield folder
    for root, dirs, _ in os.walk(folder):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
    shutil.rmtree(folder)


# ------------------------------------------------------------ check_writable

def test_an_empty_path_is_refused():
    with pytest.raises(ValueError, match="empty path"):
        check_writable("")
    with pytest.raises(ValueError, match="empty path"):
        atomic_write_text("", "x")


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        check_writable(str(tmp_path / "missing" / "out.json"))
    assert "missing" in str(error.value) and "does not exist" in str(error.value)


def test_a_file_used_as_a_folder_is_named(tmp_path):
    (tmp_path / "plain").write_text("x")
    with pytest.raises(NotADirectoryError, match="plain is not a folder"):
        check_writable(str(tmp_path / "plain" / "out.json"))


def test_a_folder_is_not_a_file_name(tmp_path):
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        check_writable(str(tmp_path))


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null here")
def test_a_device_is_not_replaced():
    """An atomic write renames over its target: over /dev/null that would destroy it."""
    with pytest.raises(OSError, match="not a regular file"):
        atomic_write_text("/dev/null", "x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_names_longer_than_the_filesystem_allows_are_refused(tmp_path):
    limit = fileio._name_max(str(tmp_path))
    with pytest.raises(ValueError, match="%d bytes long, more than the %d" % (limit + 1, limit)):
        check_writable(str(tmp_path / ("x" * (limit + 1))))
    # the limit is in bytes: "é" is two bytes in UTF-8
    with pytest.raises(ValueError, match="bytes long"):
        check_writable(str(tmp_path / ("é" * (limit // 2 + 1))))


def test_a_name_of_the_largest_legal_length_can_be_written(tmp_path):
    """The temporary name is short, so it is never the one that is too long."""
    limit = fileio._name_max(str(tmp_path))
    path = tmp_path / ("n" * limit)
    atomic_write_text(str(path), "fits")
    assert path.read_text() == "fits" and os.listdir(tmp_path) == [path.name]


@posix_only
def test_a_folder_that_is_not_writable_is_named_not_the_temporary_file(open_folder):
    locked = os.path.join(open_folder, "locked")
    os.mkdir(locked)
    os.chmod(locked, 0o555)
    target = os.path.join(locked, "net.json")
    for call in (lambda: check_writable(target), lambda: atomic_write_text(target, "x")):
        result = as_unprivileged(call)
        assert result.startswith("PermissionError: cannot write %s" % target)
        assert "not writable" in result and ".tmp-" not in result
    assert os.listdir(locked) == []


@posix_only
def test_a_read_only_file_is_not_replaced(open_folder):
    target = os.path.join(open_folder, "keep.json")
    with open(target, "w") as f:
        f.write("old")
    os.chmod(target, 0o444)
    os.chmod(open_folder, 0o777)  # the folder is writable: only the file says no
    result = as_unprivileged(lambda: atomic_write_text(target, "new"))
    assert result == "PermissionError: cannot write %s: the file is read-only" % target
    with open(target) as f:
        assert f.read() == "old"


@posix_only
def test_a_symbolic_link_loop_is_named(tmp_path):
    loop = tmp_path / "loop"
    os.symlink(str(loop), str(loop))
    with pytest.raises(OSError) as error:
        atomic_write_text(str(loop), "x")
    assert str(loop) in str(error.value) and "\n" not in str(error.value)


# ------------------------------------------------------------ atomic writes

@posix_only
def test_a_new_file_gets_the_umask_and_the_umask_is_never_touched(tmp_path, monkeypatch):
    old = os.umask(0o027)
    try:
        def no_umask(*args):
            raise AssertionError("fileio must not call os.umask (other threads depend on it)")
        monkeypatch.setattr(os, "umask", no_umask)
        atomic_write_bytes(str(tmp_path / "new.bin"), b"abc")
        atomic_write_bytes(str(tmp_path / "new.bin"), b"abcd")
    finally:
        monkeypatch.undo()
        os.umask(old)
    assert mode_of(tmp_path / "new.bin") == 0o640
    assert (tmp_path / "new.bin").read_bytes() == b"abcd"


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755, 0o604])
def test_an_existing_file_keeps_its_permission_bits(tmp_path, mode):
    path = tmp_path / "file.json"
    path.write_text("old")
    os.chmod(path, mode)
    atomic_write_text(str(path), "new")
    assert path.read_text() == "new" and mode_of(path) == mode


@posix_only
def test_writing_through_a_symbolic_link_keeps_the_link(tmp_path):
    real_folder = tmp_path / "real"
    real_folder.mkdir()
    target = real_folder / "net.json"
    target.write_text("old")
    os.chmod(target, 0o600)
    link = tmp_path / "link.json"
    os.symlink(os.path.join("real", "net.json"), str(link))  # a relative link
    atomic_write_text(str(link), "new")
    assert os.path.islink(link) and os.readlink(link) == os.path.join("real", "net.json")
    assert target.read_text() == "new" and mode_of(target) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real"]
    assert os.listdir(real_folder) == ["net.json"]


@posix_only
def test_a_dangling_link_gets_its_target_created(tmp_path):
    link = tmp_path / "link.json"
    os.symlink(str(tmp_path / "made.json"), str(link))
    atomic_write_text(str(link), "hello")
    assert os.path.islink(link) and (tmp_path / "made.json").read_text() == "hello"


class InterruptedWrite:
    """A file object whose write stores half the bytes, then raises Ctrl-C."""

    def __init__(self, f):
        self.f = f

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()

    def write(self, raw):
        self.f.write(raw[:len(raw) // 2])
        self.f.flush()
        raise KeyboardInterrupt


@pytest.mark.parametrize("point, existing", [
    ("open", True), ("write", True), ("fsync", True), ("chmod", True), ("replace", True),
    ("open", False), ("write", False), ("fsync", False), ("replace", False),  # new: no chmod
])
def test_an_interrupted_write_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch,
                                                                        point, existing):
    """Ctrl-C at each step of a write: creating the temporary file, writing it
    (half of it written), flushing it to disk, setting its mode, renaming it."""
    path = tmp_path / "data.bin"
    if existing:
        path.write_bytes(b"old contents")

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt
    if point == "write":
        monkeypatch.setattr(fileio, "open", lambda fd, mode: InterruptedWrite(open(fd, mode)),
                            raising=False)
    else:
        monkeypatch.setattr(os, point, interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(str(path), b"new contents" * 1000)
    monkeypatch.undo()
    if existing:
        assert path.read_bytes() == b"old contents"
        assert os.listdir(tmp_path) == ["data.bin"]
    else:
        assert os.listdir(tmp_path) == []


def test_writes_from_many_threads_to_one_file_are_each_complete(tmp_path):
    """Eight threads write 20 times each to the same file (and to their own):
    the file always ends up as one complete payload, no temporary file is left,
    and the umask is what it was."""
    umask = current_umask()
    payloads = [bytes([k]) * (100000 + k) for k in range(8)]
    shared = str(tmp_path / "shared.bin")
    errors = []

    def work(k):
        try:
            for _ in range(20):
                atomic_write_bytes(shared, payloads[k])
                atomic_write_bytes(str(tmp_path / ("own-%d.bin" % k)), payloads[k])
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(payloads))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and current_umask() == umask
    with open(shared, "rb") as f:
        assert f.read() in payloads
    assert len(os.listdir(tmp_path)) == len(payloads) + 1
    for k, payload in enumerate(payloads):
        assert (tmp_path / ("own-%d.bin" % k)).read_bytes() == payload


# ------------------------------------------------------------ reading

def test_gzip_is_told_by_its_bytes_not_its_name(tmp_path):
    plain_named_gz = tmp_path / "a.gz"
    plain_named_gz.write_bytes(b"plain")
    gz_named_plain = tmp_path / "b.txt"
    gz_named_plain.write_bytes(gzip.compress(b"compressed"))
    assert read_bytes(str(plain_named_gz)) == b"plain"
    assert read_bytes(str(gz_named_plain)) == b"compressed"
    with open_input(str(gz_named_plain)) as stream:
        assert stream.read(4) == b"comp" and stream.read() == b"ressed"


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="^IDX file not found: .*absent"):
        read_bytes(str(tmp_path / "absent"), "IDX file", Bad)
    (tmp_path / "plain").write_text("x")
    with pytest.raises(FileNotFoundError, match="not found"):
        read_bytes(str(tmp_path / "plain" / "inside"), "IDX file", Bad)
    with pytest.raises(FileNotFoundError, match="empty"):
        read_bytes("", "IDX file", Bad)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_dev_zero_is_refused_before_reading_a_byte():
    with pytest.raises(Bad, match=r"^/dev/zero: not a regular file \(it is a device\)$"):
        read_bytes("/dev/zero", "network file", Bad)
    with pytest.raises(Bad, match="not a regular file"):
        with open_input("/dev/zero", "network file", Bad):
            pass


@posix_only
def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(str(pipe))
    with pytest.raises(Bad, match=r"pipe: not a regular file \(it is a named pipe\)"):
        read_bytes(str(pipe), "file", Bad)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(Bad, match=r"not a regular file \(it is a folder\)"):
        read_bytes(str(tmp_path), "file", Bad)


@pytest.mark.parametrize("spoil", ["truncated", "garbage"])
def test_damaged_gzip_names_the_file(tmp_path, spoil):
    raw = gzip.compress(os.urandom(5000))
    raw = raw[:len(raw) // 2] if spoil == "truncated" else raw[:20] + b"\x00" * 100 + raw[120:]
    path = tmp_path / "data.gz"
    path.write_bytes(raw)
    with pytest.raises(Bad) as error:
        read_bytes(str(path), "file", Bad)
    assert str(error.value).startswith("%s: damaged gzip data" % path)


def test_max_bytes_is_exact(tmp_path):
    path = tmp_path / "data"
    path.write_bytes(b"x" * 100)
    assert read_bytes(str(path), max_bytes=100) == b"x" * 100
    with pytest.raises(Bad, match="data: more than 99 bytes; a network file may hold at most"):
        read_bytes(str(path), "network file", Bad, max_bytes=99)
    gz = tmp_path / "data.gz"
    gz.write_bytes(gzip.compress(b"x" * 100))
    assert read_bytes(str(gz), max_bytes=100) == b"x" * 100
    with pytest.raises(Bad, match="more than 99 bytes"):
        read_bytes(str(gz), "file", Bad, max_bytes=99)


@needs_tracemalloc
def test_a_gzip_bomb_stops_at_the_limit_with_bounded_memory(tmp_path):
    """256 MB of zeros in a file of about 256 KB: reading stops after 1 MB."""
    path = gzip_bomb(tmp_path / "bomb.gz", b"", 256)
    assert os.path.getsize(path) < 2 ** 20
    tracemalloc.start()
    try:
        with pytest.raises(Bad, match="more than 1 MB"):
            read_bytes(path, "file", Bad, max_bytes=2 ** 20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2 ** 20


@needs_tracemalloc
def test_a_small_gzip_file_costs_little_memory_under_a_large_limit(tmp_path):
    path = tmp_path / "small.gz"
    path.write_bytes(gzip.compress(b"x" * 1000))
    tracemalloc.start()
    try:
        assert read_bytes(str(path), max_bytes=512 * 2 ** 20) == b"x" * 1000
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2 ** 20  # the limit is not reserved up front


@posix_only
def test_an_unreadable_file_is_named(open_folder):
    path = os.path.join(open_folder, "secret")
    with open(path, "w") as f:
        f.write("x")
    os.chmod(path, 0o600)
    assert as_unprivileged(lambda: read_bytes(path)) == \
        "PermissionError: cannot read %s: permission denied" % path


# ------------------------------------------------------------ ensure_folder and same_file

def test_ensure_folder_creates_parents_and_returns_the_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert ensure_folder(os.path.join("a", "b", "c")) == str(tmp_path / "a" / "b" / "c")
    assert (tmp_path / "a" / "b" / "c").is_dir()
    assert ensure_folder("a") == str(tmp_path / "a")  # an existing folder is fine


def test_ensure_folder_refuses_a_file_and_an_empty_path(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(NotADirectoryError, match="it is a file"):
        ensure_folder(str(tmp_path / "f"), "--out")
    with pytest.raises(NotADirectoryError):
        ensure_folder(str(tmp_path / "f" / "below"))
    with pytest.raises(ValueError, match="empty path"):
        ensure_folder("")


@posix_only
def test_ensure_folder_names_a_folder_it_cannot_create(open_folder):
    locked = os.path.join(open_folder, "locked")
    os.mkdir(locked)
    os.chmod(locked, 0o555)
    result = as_unprivileged(lambda: ensure_folder(os.path.join(locked, "new")))
    assert result.startswith("PermissionError: cannot create the output folder %s"
                             % os.path.join(locked, "new"))
    assert as_unprivileged(lambda: ensure_folder(locked)).startswith(
        "PermissionError: cannot write into the output folder %s" % locked)


def test_same_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    assert same_file("x.json", os.path.join("sub", "..", "x.json"))  # neither exists yet
    assert same_file("x.json", str(tmp_path / "x.json"))
    assert not same_file("x.json", "y.json")
    (tmp_path / "x.json").write_text("x")
    if hasattr(os, "symlink") and sys.platform != "win32":
        os.symlink("x.json", "link.json")
        assert same_file("link.json", "x.json")
        os.link("x.json", "hard.json")
        assert same_file("hard.json", "x.json")
    assert not same_file("x.json", "sub")
