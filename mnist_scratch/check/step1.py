"""Checks of step 1: reading the IDX files and looking at digits.

Each check is a generator ``check(checker, f)``: it calls the student's
function ``f`` through ``checker.call``, compares with ``expect_close`` and
yields a title for every check that passed (see runner.py).
"""

import os

from .compare import Failed, describe, expect_close, short

TITLE = "reading the IDX files and looking at digits"

MAGIC_HINT = ("An IDX file starts with a big-endian 32-bit magic number: 2049 (0x00000801) for "
              "labels, 2051 (0x00000803) for images. Read it with struct.unpack('>I', first4bytes) "
              "and raise ValueError if it is not the one you expect.")


def _read_good_file(checker, f, path, what, magic):
    """Call f on a good file; an exception from it fails with a hint naming that file."""
    name = os.path.basename(path)
    try:
        return checker.call(f, path)
    except Failed as e:
        if not e.error:
            raise
        e.expected = "the contents of %s, %s (magic number %d)" % (name, what, magic)
        e.hint = ("%s is a good file: %s, whose magic number is %d, and your function raised "
                  "%s on it. If you compare the magic number, compare it with %d; check the "
                  "header's other numbers the same way. " % (name, what, magic, e.error, magic)
                  + MAGIC_HINT)
        raise


def check_read_labels(checker, f):
    labels = _read_good_file(checker, f, checker.test_labels_file(), "a label file", 2049)
    if not isinstance(labels, list):
        raise Failed("a list of 10000 ints", describe(labels),
                     "Return the labels as a list: list(body).")
    expect_close([7, 2, 1, 0, 4], labels[:5],
                 hint="The labels start after an 8-byte header (magic number, then the count). "
                      "Skipping too few or too many bytes shifts everything.")
    if len(labels) != 10000:
        raise Failed("10000 labels", "%d labels" % len(labels),
                     "Read the count from the header (bytes 4-8, big-endian) and return that many.")
    if not all(isinstance(v, int) and 0 <= v <= 9 for v in labels[:100]):
        raise Failed("ints 0-9", short(labels[:5]), "Each label is one unsigned byte: a digit 0-9.")
    yield "read_labels(t10k labels): 10000 labels, the first five are 7 2 1 0 4"

    small = checker.write_idx_gz("three-labels.gz", (3,), [3, 1, 4])
    expect_close([3, 1, 4], _read_good_file(checker, f, small, "a label file", 2049),
                 hint="Use the count in the header, not a fixed 10000 or 60000.")
    yield "read_labels(a file of 3 labels) == [3, 1, 4]"

    wrong = checker.write_idx_gz("images-not-labels.gz", (1, 2, 2), [0, 1, 2, 3])  # magic 2051
    checker.expect_raises(f, (wrong,), "its magic number is 2051 (an image file), not 2049",
                          MAGIC_HINT)
    yield "read_labels refuses a file whose magic number is 2051 (an image file)"


def check_read_images(checker, f):
    body = list(range(12))
    tiny = checker.write_idx_gz("two-tiny-images.gz", (2, 2, 3), body)
    expect_close([[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]],
                 _read_good_file(checker, f, tiny, "an image file", 2051),
                 hint="Read the count, rows and columns from the header (three big-endian 32-bit "
                      "ints after the magic number), then cut the pixels row by row: each image is "
                      "a list of `rows` lists of `columns` ints.",
                 diagnoses=[([[[0, 3], [1, 4], [2, 5]], [[6, 9], [7, 10], [8, 11]]],
                             "Your images are transposed: the pixels are stored row by row, so the "
                             "first `columns` bytes are the top row.")])
    yield "read_images(two 2x3 images with pixels 0..11) gives rows in order"

    images, path = checker.first_test_images(5)
    got = _read_good_file(checker, f, path, "an image file", 2051)
    first_rows = got[0][5:8] if isinstance(got, list) and got and isinstance(got[0], list) else got
    expect_close(images[0][5:8], first_rows,
                 hint="Each image should be 28 lists (rows) of 28 ints 0-255.")
    expect_close(images, got, hint="Each image should be 28 lists (rows) of 28 ints 0-255.")
    yield "read_images(first 5 test images): 5 images of 28 rows of 28 pixels, as in the file"

    wrong = checker.write_idx_gz("labels-not-images.gz", (3,), [3, 1, 4])  # magic 2049
    checker.expect_raises(f, (wrong,), "its magic number is 2049 (a label file), not 2051",
                          MAGIC_HINT)
    yield "read_images refuses a file whose magic number is 2049 (a label file)"


def check_image_to_vector(checker, f):
    image = [[0, 255, 51], [102, 0, 255]]
    expect_close([0.0, 1.0, 0.2, 0.4, 0.0, 1.0], checker.call(f, image),
                 hint="Go through the rows in order and divide every pixel by 255.",
                 diagnoses=[([0.0, 0.4, 1.0, 0.0, 0.2, 1.0],
                             "You went column by column; go row by row (the top row first)."),
                            ([0, 1, 0, 0, 0, 1],
                             "// is integer (floor) division: 51 // 255 is 0. Divide with /: "
                             "pixel / 255 is a float between 0 and 1.")])
    yield "image_to_vector([[0, 255, 51], [102, 0, 255]]) == [0.0, 1.0, 0.2, 0.4, 0.0, 1.0]"

    images, _ = checker.first_test_images(1)
    x, _ = checker.examples("test", 1)[0]
    expect_close(x, checker.call(f, images[0]), tol=1e-12,
                 hint="784 floats, pixel / 255, the top row first.")
    yield "image_to_vector(first test image) matches the library's 784 floats"


# function -> its checks, in the order of the template
CHECKS = {
    "read_labels": check_read_labels,
    "read_images": check_read_images,
    "image_to_vector": check_image_to_vector,
}

# function -> the hint for a failure whose check gave none (e.g. an exception)
HINTS = {
    "read_labels": "Open the file with gzip.open(path, 'rb'). " + MAGIC_HINT,
    "read_images": "Open the file with gzip.open(path, 'rb'). " + MAGIC_HINT,
}
