"""Tests for predict.py: reading digits from picture files, and its figure.

The pictures in tests/pictures/ were made once by ``python benchmarks/handwriting.py
tests/pictures --examples --seed 7``: MNIST test digits drawn on synthetic
paper (JPEG and PNG), named after the digits they hold, e.g. ``ruled-1.jpg``,
and bad files (not a picture, empty, truncated, a decompression bomb, a blank
page). They are decoded here for real, and read with the shipped network.
"""

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import zlib

import pytest

from conftest import ROOT
from mnist_scratch import predict
from mnist_scratch.network import Network

PIL = pytest.importorskip("PIL")  # reading pictures needs Pillow (the viz extra)
from PIL import Image  # noqa: E402

PICTURES = os.path.join(ROOT, "tests", "pictures")
PROG = "python -m mnist_scratch.predict"
NAMED = re.compile(r"^([a-z]+)-(\d+)\.(jpg|png)$")  # e.g. number-806.jpg holds 806


def picture(name):
    return os.path.join(PICTURES, name)


def example_digits():
    """(file name, digits) for every example picture named after its digits."""
    found = sorted((name, NAMED.match(name).group(2)) for name in os.listdir(PICTURES)
                   if NAMED.match(name))
    assert len(found) >= 10, found
    return found


def example(category):
    """(file path, digits) of the example picture of ``category``, e.g. "ruled"."""
    name, digits = [(n, d) for n, d in example_digits() if n.startswith(category + "-")][0]
    return picture(name), digits


# The "hard" picture combines uneven light, ruled paper and a coloured pen; it is
# read, but what it reads is not asserted (benchmarks/handwriting.py measures that).
CLEAR = [(name, digits) for name, digits in example_digits() if not name.startswith("hard-")]
BAD = [
    ("not-a-picture.jpg", "not a picture"),
    ("empty.png", "an empty file (0 bytes)"),
    ("truncated.jpg", "a truncated or damaged picture"),
    ("blank-page.jpg", "no ink found"),
    ("bomb.png", "too large to read: 10,000,000,000 pixels"),
]


@pytest.fixture(scope="module")
def network():
    return predict.load_network()


def run_main(argv, capsys):
    """predict.main(argv) -> (exit status, stdout lines, stderr lines)."""
    status = predict.main(argv)
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err.splitlines()


def run_python(code, *args, timeout=120):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def write_png(path, width, height, colour=True):
    """A real PNG of width x height black pixels, compressed row by row: a few
    hundred KB on disk for hundreds of MB of pixels."""
    def chunk(kind, data):
        return (len(data).to_bytes(4, "big") + kind + data
                + (zlib.crc32(kind + data) & 0xFFFFFFFF).to_bytes(4, "big"))
    header = (width.to_bytes(4, "big") + height.to_bytes(4, "big")
              + bytes([8, 2 if colour else 0, 0, 0, 0]))
    row = bytes(1 + width * (3 if colour else 1))  # filter byte 0, then the pixels
    squeeze = zlib.compressobj(9)
    data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
                + chunk(b"IEND", b""))
    return str(path)


# ------------------------------------------------------------ reading the examples

@pytest.mark.parametrize("name, digits", CLEAR)
def test_the_clear_examples_are_read_right(network, name, digits):
    reading = predict.predict_picture(network, picture(name))
    assert reading.digits == digits
    assert len(reading.confidences) == len(reading.boxes) == len(reading.vectors) == len(digits)
    assert all(0.1 <= c <= 1.0 for c in reading.confidences)
    width, height = reading.size
    for top, left, bottom, right in reading.boxes:
        assert 0 <= top < bottom <= height and 0 <= left < right <= width
    # Left to right.
    assert [box[1] for box in reading.boxes] == sorted(box[1] for box in reading.boxes)


def test_the_hard_example_is_read_without_error(network):
    reading = predict.predict_picture(network, example("hard")[0])
    assert reading.digits.isdigit()


def test_the_network_sees_mnist_like_inputs(network):
    """Ink 1 on paper 0, the digit in the middle of the frame, the border empty."""
    reading = predict.predict_picture(network, example("plain")[0])
    vector = reading.vectors[0]
    assert len(vector) == 784 and min(vector) == 0.0 and max(vector) == 1.0
    border = [vector[r * 28 + c] for r in range(28) for c in range(28)
              if min(r, c) < 2 or max(r, c) > 25]
    assert max(border) == 0.0
    assert sum(v > 0 for v in vector) < 0.4 * 784


def test_the_exif_orientation_turns_the_picture_upright():
    path = example("exif")[0]
    with Image.open(path) as stored:
        orientation = stored.getexif().get(0x0112)
        stored_size = stored.size
    assert orientation in (3, 6, 8)  # the file really is stored turned
    image, original_size, tag = predict.decode_picture(path)
    assert original_size == stored_size and tag == orientation
    expected = stored_size[::-1] if orientation in (6, 8) else stored_size
    assert image.size == expected


def test_a_turned_copy_of_a_picture_reads_the_same(network, tmp_path):
    """Store a picture's pixels turned a quarter, with the tag that turns them back."""
    path, digits = example("number")
    with Image.open(path) as upright:
        exif = Image.Exif()
        exif[0x0112] = 8  # "turn 90 degrees clockwise to view"... of pixels turned the other way
        upright.transpose(Image.Transpose.ROTATE_270).save(tmp_path / "turned.jpg", quality=95,
                                                           exif=exif.tobytes())
    assert predict.predict_picture(network, str(tmp_path / "turned.jpg")).digits == digits
    # Without the tag, the same pixels are a sideways picture, and not read as the number.
    with Image.open(tmp_path / "turned.jpg") as turned:
        turned.save(tmp_path / "sideways.jpg", quality=95)
    try:
        sideways = predict.predict_picture(network, str(tmp_path / "sideways.jpg")).digits
    except predict.PictureError:
        sideways = None
    assert sideways != digits


def test_a_large_photo_is_shrunk_before_it_is_read(network, tmp_path):
    path, digits = example("squared")
    with Image.open(path) as small:
        large = small.convert("RGB").resize((small.width * 8, small.height * 8),
                                            Image.Resampling.BICUBIC)
    large.save(tmp_path / "large.jpg", quality=90)
    image, original_size, orientation = predict.decode_picture(str(tmp_path / "large.jpg"))
    assert orientation is None
    assert original_size == large.size and max(large.size) > 2 * predict.WORKING_SIDE
    assert max(image.size) == predict.WORKING_SIDE
    reading = predict.predict_picture(network, str(tmp_path / "large.jpg"))
    assert reading.digits == digits and reading.original_size == large.size


def test_grey_sixteen_bit_and_palette_pictures_are_read(network, tmp_path):
    path, digits = example("plain")
    with Image.open(path) as original:
        grey = original.convert("L")
    grey.save(tmp_path / "grey.png")
    grey.convert("I").point(lambda v: v * 256).convert("I;16").save(tmp_path / "deep.png")
    with Image.open(tmp_path / "deep.png") as deep:
        assert deep.mode.startswith("I")  # really 16 bits per pixel
    for name in ("grey.png", "deep.png"):
        assert predict.predict_picture(network, str(tmp_path / name)).digits == digits, name
    with Image.open(example("palette")[0]) as palette:
        assert palette.mode == "P"
    with Image.open(example("transparent")[0]) as drawing:
        assert drawing.mode == "RGBA" and drawing.getextrema()[3][0] == 0  # ink on nothing


def test_read_picture_gives_rows_of_rgb_tuples():
    path = example("colour")[0]
    rows = predict.read_picture(path)
    with Image.open(path) as image:
        assert (len(rows[0]), len(rows)) == image.size
        assert rows[5][7] == image.convert("RGB").getpixel((7, 5))
    assert all(len(row) == len(rows[0]) for row in rows)


def test_single_reads_all_the_ink_as_one_digit(network):
    reading = predict.predict_picture(network, example("number")[0], single=True)
    assert len(reading.digits) == 1 and len(reading.boxes) == 1
    path, digits = example("shadow")
    assert predict.predict_picture(network, path, single=True).digits == digits


def test_output_shares_sum_to_one():
    shares = predict.output_shares([0.9, 0.1, 0.0, 0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 0.2])
    assert sum(shares) == pytest.approx(1.0) and shares[0] == pytest.approx(0.6)
    softmax = [0.05] * 9 + [0.55]
    assert predict.output_shares(softmax) == pytest.approx(softmax)  # already probabilities
    assert predict.output_shares([0.0] * 10) == [0.1] * 10


def test_the_default_network_is_the_best_shipped_one():
    path = predict.default_network()
    assert os.path.isfile(path)
    names = [n for n in predict.NETWORK_NAMES if os.path.isfile(os.path.join(os.path.dirname(path), n))]
    assert os.path.basename(path) == names[0]  # the first of the list that exists


# ------------------------------------------------------------ the command line

def test_one_line_per_file(capsys):
    (one, digit), (number, digits) = example("shadow"), example("number")
    status, out, err = run_main([one, number], capsys)
    assert status == 0 and err == [] and len(out) == 2
    assert re.fullmatch(re.escape("%s: %s" % (one, digit)) + r" \(\d+\.\d%\)", out[0]), out
    each = ", ".join(r"%s \d+\.\d%%" % d for d in digits)  # e.g. "8 99.8%, 1 99.9%"
    assert re.fullmatch(re.escape("%s: %s" % (number, digits)) + r" \(%s\)" % each, out[1]), out


@pytest.mark.parametrize("name, problem", BAD + [("missing.png", "file not found"),
                                                 ("", "a folder, not a picture file")])
def test_a_bad_file_is_one_line_and_the_others_are_still_read(capsys, name, problem):
    bad = picture(name) if name else PICTURES  # "" stands for the folder itself
    good = [example("plain")[0], example("ruled")[0]]
    status, out, err = run_main([good[0], bad, good[1]], capsys)
    assert status == 2 and len(err) == 1
    assert err[0].startswith("%s: error: %s: %s" % (PROG, bad, problem)), err
    assert [line.split(": ")[0] for line in out] == good


def test_every_bad_file_in_one_call(capsys):
    bad = [picture(name) for name, _ in BAD] + [picture("missing.png"), PICTURES]
    good, digit = example("colour")
    status, out, err = run_main(bad + [good], capsys)
    assert status == 2 and len(err) == len(bad)
    assert [line.split(": ")[2] for line in err] == bad  # in order, each naming its file
    assert len(out) == 1 and out[0].startswith("%s: %s (" % (good, digit))


def test_a_damaged_header_and_a_device_are_named(capsys, tmp_path):
    with open(example("palette")[0], "rb") as f:
        raw = bytearray(f.read())
    raw[20] ^= 0xFF  # inside the PNG's IHDR chunk: its checksum no longer matches
    damaged = tmp_path / "damaged.png"
    damaged.write_bytes(bytes(raw))
    files = [str(damaged)] + ([os.devnull] if os.path.exists("/dev/null") else [])
    status, out, err = run_main(files, capsys)
    assert status == 2 and out == [] and len(err) == len(files)
    assert err[0].endswith("%s: a damaged PNG file (its first bytes say PNG, but Pillow cannot "
                           "read its header)" % damaged)
    if len(files) > 1:
        assert "%s: not a regular file" % os.devnull in err[1]


def test_no_traceback_from_the_command_line(tmp_path):
    result = run_python("import sys; from mnist_scratch import predict; "
                        "sys.exit(predict.main(sys.argv[1:]))",
                        picture("truncated.jpg"), picture("not-a-picture.jpg"), str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 3


def test_csv_rows(capsys, tmp_path, network):
    odd = str(tmp_path / "a, b.jpg")  # a comma in the name: quoted, as csv does
    number, digits = example("number")
    shutil.copy(number, odd)
    colour, digit = example("colour")
    status, out, err = run_main(["--csv", colour, picture("empty.png"), odd], capsys)
    assert status == 2 and len(err) == 1 and "empty.png" in err[0]
    rows = list(csv.reader(io.StringIO("\n".join(out))))
    assert rows[0] == ["file", "digits", "confidence"]
    assert [row[:2] for row in rows[1:]] == [[colour, digit], [odd, digits]]
    reading = predict.predict_picture(network, odd)
    assert float(rows[2][2]) == pytest.approx(min(reading.confidences), abs=1e-4)
    assert all(re.fullmatch(r"[01]\.\d{4}", row[2]) for row in rows[1:])


def test_another_network_and_a_bad_network(capsys, tmp_path):
    path, digit = example("shadow")
    status, out, _ = run_main(["--network", os.path.join(ROOT, "data", "networks",
                                                         "mnist-784-30-10.json"), path], capsys)
    assert status == 0 and out[0].startswith("%s: %s (" % (path, digit))
    Network([4, 3, 2], seed=1).save(str(tmp_path / "small.json"))
    for bad, problem in ((str(tmp_path / "small.json"), "does not read MNIST digits"),
                         (str(tmp_path / "none.json"), "not found")):
        status, out, err = run_main(["--network", bad, path], capsys)
        assert status == 2 and out == [] and len(err) == 1
        assert err[0].startswith(PROG + ": error: ") and problem in err[0] and bad in err[0]


def test_without_pillow_one_line_says_how_to_install_it():
    code = ("import sys; sys.modules['PIL'] = None  # as if Pillow were not installed\n"
            "from mnist_scratch import predict; sys.exit(predict.main(sys.argv[1:]))")
    result = run_python(code, example("plain")[0])
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(PROG + ": error: reading pictures needs Pillow")
    assert "pip install" in result.stderr and "pillow" in result.stderr


def test_the_core_does_not_import_pillow():
    result = run_python("import sys, mnist_scratch.predict, mnist_scratch.preprocess; "
                        "print(sorted(m for m in ('PIL', 'numpy', 'matplotlib') if m in sys.modules))")
    assert result.returncode == 0 and result.stdout.strip() == "[]"


# ------------------------------------------------------------ bombs: bounded memory

PEAK = ("import resource, sys\n"
        "from mnist_scratch import predict\n"
        "status = predict.main(sys.argv[1:])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"  # kilobytes on Linux
        "sys.exit(status)\n")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in kilobytes: Linux")
def test_a_decompression_bomb_is_refused_before_decoding(tmp_path):
    # 7000 x 7000 colour pixels: 147 MB when decoded, about 150 KB on disk, and
    # under Pillow's own limit (89 million pixels), so only predict's check stops it.
    real = write_png(tmp_path / "real-bomb.png", 7000, 7000)
    assert os.path.getsize(real) < 1_000_000
    with Image.open(real) as image:
        assert image.size == (7000, 7000)  # a well-formed PNG
    small = run_python(PEAK, example("plain")[0])
    assert small.returncode == 0, small.stderr
    for bomb, size in ((real, "7000 x 7000 = 49,000,000 pixels"),
                       (picture("bomb.png"), "10,000,000,000 pixels")):
        result = run_python(PEAK, bomb)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.splitlines() == [result.stderr.strip()]
        assert result.stderr.startswith("%s: error: %s: too large to read: %s"
                                        % (PROG, bomb, size)), result.stderr
        # The peak memory of reading the bomb is that of reading a small picture,
        # give or take: far below the 147 MB its pixels would need.
        extra_mb = (int(result.stdout.split()[-1]) - int(small.stdout.split()[-1])) / 1024
        assert extra_mb < 40, extra_mb


# ------------------------------------------------------------ the figure

def test_the_figure_shows_every_file(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out_png = str(tmp_path / "readings.png")
    files = [example("number")[0], picture("empty.png"), example("squared")[0]]
    status, out, err = run_main(files + ["--figure", out_png], capsys)
    assert status == 2 and len(err) == 1 and out[-1] == "Figure written to %s" % out_png
    with Image.open(out_png) as figure:
        figure.load()
        width, height = figure.size
        rgb = figure.convert("RGB")
    assert 1200 <= width <= 3000 and 1000 <= height <= 3000
    colours = rgb.getcolors(maxcolors=1 << 20)
    assert len(colours) > 200  # pictures, digits, bars: not a blank page
    # The boxes around the digits found are drawn in their own colour.
    from mnist_scratch.visualize_predict import BOX_COLOR
    box = tuple(int(BOX_COLOR[i:i + 2], 16) for i in (1, 3, 5))
    assert sum(n for n, c in colours if max(abs(a - b) for a, b in zip(c, box)) < 30) > 500


def test_the_figure_path_is_checked_before_reading(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    target = str(tmp_path / "missing-folder" / "f.png")
    status, out, err = run_main([example("plain")[0], "--figure", target], capsys)
    assert status == 2 and out == [] and len(err) == 1 and "missing-folder" in err[0]
