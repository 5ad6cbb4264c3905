"""Tests for idx.py: reading and writing IDX files (step 1).

The malformed files are written byte by byte with struct.pack; the real
MNIST files are checked against their published headers, label counts and
SHA-256 digests.
"""

import gzip
import hashlib
import os
import platform
import struct
from collections import Counter

import pytest

from conftest import (DATA_DIR, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS, gzip_bomb,
                      idx_header, write_bytes)
from mnist_scratch.idx import TYPES, IdxData, IdxError, read_idx, read_idx_bytes, write_idx

pytestmark = pytest.mark.step1

# One sample of values per element type, each exactly representable in it.
SAMPLES = {
    0x08: [0, 1, 127, 128, 254, 255],
    0x09: [-128, -1, 0, 1, 100, 127],
    0x0B: [-32768, -1, 0, 1, 1000, 32767],
    0x0C: [-2**31, -1, 0, 1, 123456789, 2**31 - 1],
    0x0D: [-1.5, -0.25, 0.0, 0.5, 3.0, 1024.125],  # exact in 4-byte floats
    0x0E: [-1e300, -0.1, 0.0, 1 / 3, 2.5e-300, 6.02214076e23],
}


# ------------------------------------------------------------ round trips

@pytest.mark.parametrize("type_code", sorted(TYPES))
@pytest.mark.parametrize("suffix", [".gz", ""])
@pytest.mark.parametrize("shape", [(6,), (2, 3), (3, 1, 2)])
def test_round_trip_every_type(tmp_path, type_code, suffix, shape):
    path = str(tmp_path / ("data.idx" + suffix))
    values = SAMPLES[type_code]
    write_idx(path, values, shape, type_code=type_code)
    with open(path, "rb") as f:
        assert (f.read(2) == b"\x1f\x8b") == (suffix == ".gz")
    data = read_idx(path)
    assert data.shape == shape
    assert data.type_code == type_code
    assert list(data.data) == values
    assert len(data) == shape[0]
    assert os.listdir(str(tmp_path)) == ["data.idx" + suffix], "no temporary files left behind"


def test_unsigned_bytes_come_back_as_bytes_other_types_as_lists(tmp_path):
    write_idx(tmp_path / "u8", [1, 2, 3], (3,))
    write_idx(tmp_path / "f8", [1.0, 2.0, 3.0], (3,), type_code=0x0E)
    assert read_idx(tmp_path / "u8").data == b"\x01\x02\x03"
    assert read_idx(tmp_path / "f8").data == [1.0, 2.0, 3.0]


def test_written_bytes_follow_the_format(tmp_path):
    """The writer produces exactly header + big-endian elements."""
    path = tmp_path / "shorts"
    write_idx(path, [1, -2, 258, 0, 7, -32768], (2, 3), type_code=0x0B)
    expected = idx_header((2, 3), 0x0B) + struct.pack(">6h", 1, -2, 258, 0, 7, -32768)
    assert path.read_bytes() == expected


def test_reader_understands_hand_made_bytes(tmp_path):
    raw = idx_header((2, 2), 0x0C) + struct.pack(">4i", 1, -2, 3, -400000)
    data = read_idx(write_bytes(tmp_path / "ints", raw))
    assert data.shape == (2, 2)
    assert data.tolist() == [[1, -2], [3, -400000]]
    assert read_idx_bytes(raw).tolist() == [[1, -2], [3, -400000]]


def test_gzip_is_told_by_magic_bytes_not_by_name(tmp_path):
    raw = idx_header((4,)) + bytes([9, 8, 7, 6])
    gzipped_without_gz = write_bytes(tmp_path / "labels.idx", raw, gz=True)
    raw_named_gz = write_bytes(tmp_path / "labels.idx.gz", raw, gz=False)
    assert read_idx(gzipped_without_gz).data == bytes([9, 8, 7, 6])
    assert read_idx(raw_named_gz).data == bytes([9, 8, 7, 6])


def test_compress_argument_overrides_the_name(tmp_path):
    write_idx(tmp_path / "a.gz", [1, 2], (2,), compress=False)
    write_idx(tmp_path / "b", [1, 2], (2,), compress=True)
    assert (tmp_path / "a.gz").read_bytes()[:2] != b"\x1f\x8b"
    assert (tmp_path / "b").read_bytes()[:2] == b"\x1f\x8b"
    assert read_idx(tmp_path / "a.gz").data == read_idx(tmp_path / "b").data == b"\x01\x02"


def test_idxdata_items_and_tolist():
    data = IdxData((3, 2, 2), 0x08, bytes(range(12)))
    assert data.item_size() == 4
    assert data.items() == [bytes([0, 1, 2, 3]), bytes([4, 5, 6, 7]), bytes([8, 9, 10, 11])]
    assert data.tolist() == [[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9], [10, 11]]]
    assert "(3, 2, 2)" in repr(data) and "unsigned byte" in repr(data)


# ------------------------------------------------------------ malformed files

MALFORMED = {
    "wrong magic": (b"\x08\x03\x00\x00" + struct.pack(">I", 1) + b"\x00", "magic"),
    "second magic byte nonzero": (b"\x00\x01\x08\x01" + struct.pack(">I", 1) + b"\x00", "magic"),
    "unknown type code": (struct.pack(">HBBI", 0, 0x0A, 1, 1) + b"\x00", "type code 0x0A"),
    "zero dimensions": (struct.pack(">HBB", 0, 0x08, 0), "0 dimensions"),
    "zero-size dimension": (idx_header((3, 0, 2)), "size 0"),
    "absurd dimensions": (idx_header((65535, 65535, 65535)), "absurd"),
    "empty file": (b"", "too short"),
    "header shorter than 4 bytes": (b"\x00\x00\x08", "too short"),
    "truncated header": (struct.pack(">HBB", 0, 0x08, 3) + struct.pack(">2I", 10, 28), "truncated header"),
    "truncated data": (idx_header((10, 28, 28)) + bytes(784 * 10 - 1), "truncated"),
    "truncated multi-byte data": (idx_header((3,), 0x0E) + bytes(8 * 3 - 4), "truncated"),
    "trailing bytes": (idx_header((2,)) + b"\x01\x02\x03", "trailing"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gz"])
def test_malformed_files_raise_idx_error_naming_the_file(tmp_path, case, gz):
    raw, problem = MALFORMED[case]
    path = write_bytes(tmp_path / "broken-file.idx", raw, gz=gz)
    with pytest.raises(IdxError) as error:
        read_idx(path)
    message = str(error.value)
    assert path in message
    assert problem in message


def test_idx_error_is_a_value_error():
    assert issubclass(IdxError, ValueError)


@pytest.mark.parametrize("shape", [(65536, 65536), (1000, 1000, 1000), (2**32 - 1,)])
def test_huge_header_fails_without_allocating(tmp_path, shape):
    """A damaged header claiming gigabytes must be refused before anything that big is built."""
    if platform.python_implementation() != "CPython":
        pytest.skip("tracemalloc traces CPython's allocator only")
    tracemalloc = pytest.importorskip("tracemalloc")
    path = write_bytes(tmp_path / "huge", idx_header(shape) + bytes(100))
    tracemalloc.start()
    try:
        with pytest.raises(IdxError, match="absurd|truncated"):
            read_idx(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, "reading a tiny file allocated %d bytes" % peak


def test_gzip_bomb_is_refused_after_the_bytes_its_header_claims(tmp_path):
    """Ten labels, then a gigabyte of zeros in about a megabyte of gzip: the reader
    stops one byte after the ten labels instead of decompressing it all."""
    path = gzip_bomb(tmp_path / "bomb.gz", idx_header((10,)) + bytes(range(10)), megabytes=1024)
    assert os.path.getsize(path) < 2_000_000
    if platform.python_implementation() == "CPython":
        import tracemalloc
        tracemalloc.start()
    try:
        with pytest.raises(IdxError, match="trailing") as error:
            read_idx(path)
        if platform.python_implementation() == "CPython":
            _, peak = tracemalloc.get_traced_memory()
            assert peak < 5_000_000, "a bomb cost %d bytes" % peak
    finally:
        if platform.python_implementation() == "CPython":
            tracemalloc.stop()
    assert path in str(error.value)


def test_max_elements_refuses_a_bigger_header(tmp_path):
    path = write_bytes(tmp_path / "five", idx_header((5,)) + bytes(5))
    assert read_idx(path, max_elements=5).shape == (5,)
    with pytest.raises(IdxError, match="more than 4 elements") as error:
        read_idx(path, max_elements=4)
    assert path in str(error.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_and_device_are_refused_without_blocking(tmp_path):
    fifo = str(tmp_path / "pipe.idx")
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    with pytest.raises(IdxError, match="not a regular file") as error:
        read_idx(fifo)
    assert fifo in str(error.value)
    if os.path.exists("/dev/zero"):
        with pytest.raises(IdxError, match="not a regular file"):
            read_idx("/dev/zero")


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(IdxError, match="not a regular file"):
        read_idx(tmp_path)


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "bad crc", "garbage after magic"])
def test_damaged_gzip_raises_idx_error(tmp_path, damage):
    raw = idx_header((200,)) + bytes(range(200))
    gz = gzip.compress(raw)
    if damage == "truncated":
        gz = gz[:len(gz) // 2]
    elif damage == "flipped byte":
        gz = gz[:12] + bytes([gz[12] ^ 0xFF]) + gz[13:]
    elif damage == "bad crc":
        gz = gz[:-8] + b"\x00\x00\x00\x00" + gz[-4:]
    else:
        gz = b"\x1f\x8b" + b"\xff" * 40
    path = write_bytes(tmp_path / "damaged.gz", gz)
    with pytest.raises(IdxError, match="damaged gzip") as error:
        read_idx(path)
    assert path in str(error.value)


def test_missing_file_names_it(tmp_path):
    path = str(tmp_path / "nowhere.idx")
    with pytest.raises(FileNotFoundError, match="nowhere.idx"):
        read_idx(path)


@pytest.mark.parametrize("kwargs", [
    dict(data=[1, 2, 3], shape=(2,)),             # wrong count
    dict(data=[], shape=()),                      # no dimensions
    dict(data=[], shape=(0,)),                    # zero-size dimension
    dict(data=[1], shape=(1,), type_code=0x0A),   # unknown type
    dict(data=[256], shape=(1,)),                 # does not fit an unsigned byte
    dict(data=[-1], shape=(1,)),
    dict(data=[200], shape=(1,), type_code=0x09), # does not fit a signed byte
])
def test_write_idx_rejects_bad_arguments(tmp_path, kwargs):
    path = tmp_path / "out.idx"
    with pytest.raises(ValueError):
        write_idx(path, **kwargs)
    assert not path.exists()
    assert os.listdir(str(tmp_path)) == []


def test_write_idx_into_missing_folder_names_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing-folder"):
        write_idx(tmp_path / "missing-folder" / "x.idx", [1], (1,))


# ------------------------------------------------------------ the real MNIST files

REAL_HEADERS = {
    TRAIN_IMAGES: (2051, (60000, 28, 28)),
    TRAIN_LABELS: (2049, (60000,)),
    TEST_IMAGES: (2051, (10000, 28, 28)),
    TEST_LABELS: (2049, (10000,)),
}

REAL_SHA256 = {
    TEST_IMAGES: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    TEST_LABELS: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    TRAIN_IMAGES: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    TRAIN_LABELS: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
}

TRAIN_LABEL_COUNTS = {0: 5923, 1: 6742, 2: 5958, 3: 6131, 4: 5842,
                      5: 5421, 6: 5918, 7: 6265, 8: 5851, 9: 5949}
TEST_LABEL_COUNTS = {0: 980, 1: 1135, 2: 1032, 3: 1010, 4: 982,
                     5: 892, 6: 958, 7: 1028, 8: 974, 9: 1009}


@pytest.mark.parametrize("name", sorted(REAL_HEADERS))
def test_real_file_headers(name):
    magic, shape = REAL_HEADERS[name]
    with gzip.open(os.path.join(DATA_DIR, name), "rb") as f:
        header = f.read(4 + 4 * len(shape))
    assert struct.unpack(">I", header[:4])[0] == magic
    assert struct.unpack(">%dI" % len(shape), header[4:]) == shape


@pytest.mark.parametrize("name", sorted(REAL_SHA256))
def test_real_files_are_the_published_ones(name):
    with gzip.open(os.path.join(DATA_DIR, name), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    assert digest == REAL_SHA256[name]


@pytest.mark.parametrize("name, counts", [(TRAIN_LABELS, TRAIN_LABEL_COUNTS),
                                          (TEST_LABELS, TEST_LABEL_COUNTS)])
def test_real_label_counts(name, counts):
    data = read_idx(os.path.join(DATA_DIR, name))
    assert data.type_code == 0x08
    assert data.shape == (sum(counts.values()),)
    assert dict(Counter(data.data)) == counts


def test_first_test_labels():
    assert list(read_idx(os.path.join(DATA_DIR, TEST_LABELS)).data[:5]) == [7, 2, 1, 0, 4]


def test_real_test_images_read_with_the_right_shape():
    data = read_idx(os.path.join(DATA_DIR, TEST_IMAGES))
    assert data.shape == (10000, 28, 28)
    assert len(data.data) == 10000 * 784
    first = data.items()[0]
    assert len(first) == 784
    assert max(first) == 255 and min(first) == 0
