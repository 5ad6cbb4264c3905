"""How well predict reads photo-like pictures of digits, measured on a set made here.

    python benchmarks/handwriting.py pictures/               # build the set into pictures/, then measure
    python benchmarks/handwriting.py pictures/ --per-category 40 --seed 2
    python benchmarks/handwriting.py pictures/ --measure-only --wrong   # measure a set built before
    python benchmarks/handwriting.py tests/pictures --examples  # the small set the tests read

The pictures are MNIST TEST digits (never trained on) drawn onto synthetic
paper: each digit at a random height (60 to 300 pixels), place and small
rotation, with its MNIST stroke width (a felt pen), on noisy paper, saved
mostly as JPEG (some PNG). The categories change one thing each from that
base, except "hard", which combines several:

    plain      dark pen on noisy white paper
    gradient   light falling off across the page (to 45-60% at the far side)
    shadow     a soft-edged shadow over part of the page and the digit
    ruled      ruled paper: blue lines (and sometimes a red margin)
    squared    squared paper: a grid of lines
    colour     a blue, red, green or purple pen
    exif       the pixels stored rotated, an EXIF orientation tag saying how to
               turn them upright (as phones save photos)
    large      a 2000-3000 pixel photo with the digit 150-400 pixels tall
    number     2 to 5 digits in a row, of slightly different sizes, which
               may touch
    hard       shadow or gradient, ruled or squared paper and a coloured pen together
    blank      no digit: a blank page, perhaps ruled or squared, perhaps under
               uneven light; read right when predict finds no ink

Everything is drawn from --seed: the same seed gives the same pictures. The
set is written to the folder given, with labels.csv (file, category, digits);
it is not meant to be committed. Then every picture is read as
``python -m mnist_scratch.predict`` reads it (and with --single), and by the
naive recipe (grey, resize to 28 x 28, invert; no EXIF, no cropping), with
each shipped network. A picture counts as right when every digit is read and
nothing else (a number is right only when the whole string is). For
comparison, "MNIST image" is the same network on the very same test digits
as MNIST stores them: what is lost on top of that is lost in the picture and
its preparation.

--examples writes the handful of small pictures the tests decode (one per
category, a blank page, and bad files: not a picture, empty, truncated, a
decompression bomb), named after what they hold, e.g. ``ruled-4.jpg``.

numpy and Pillow are used here (they draw the pictures); mnist_scratch's
reading path uses Pillow only to decode.
"""

import argparse
import csv
import math
import os
import struct
import sys
import time
import zlib

import numpy as np
import PIL
from PIL import Image, ImageOps

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from mnist_scratch import predict, preprocess  # noqa: E402
from mnist_scratch.datasets import load_mnist, shipped_network  # noqa: E402
from mnist_scratch.network import Network  # noqa: E402

CATEGORIES = ("plain", "gradient", "shadow", "ruled", "squared", "colour", "exif", "large",
              "number", "hard", "blank")
NETWORKS = ("mnist-784-30-10.json", "mnist-784-100-10.json")
PENS = {"blue": (35, 60, 190), "red": (190, 35, 45), "green": (25, 120, 60),
        "purple": (110, 40, 150)}
DARK_PENS = ((25, 25, 30), (20, 30, 70), (45, 40, 40))  # black, blue-black, graphite
LINE_BLUE = (140, 175, 225)
MARGIN_RED = (225, 120, 130)
# EXIF orientation -> how the stored pixels are turned from upright ones.
# The tag says how to turn the stored picture upright (ImageOps.exif_transpose
# undoes these).
STORED = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90,
          8: Image.Transpose.ROTATE_270}
EXIF_ORIENTATION = 0x0112


# ------------------------------------------------------------------ drawing

class Page:
    """A sheet of paper being drawn on: float RGB in 0..255, shape (height, width, 3)."""

    def __init__(self, rng, width, height):
        self.rng = rng
        tint = np.array([rng.uniform(238, 252), rng.uniform(236, 250), rng.uniform(230, 248)])
        self.pixels = np.ones((height, width, 3)) * tint
        # Paper texture: smooth blotches (coarse noise enlarged) and fine grain.
        coarse = np.array(rng.standard_normal((max(2, height // 40), max(2, width // 40))))
        blotches = np.asarray(Image.fromarray(coarse.astype(np.float32), "F").resize(
            (width, height), Image.Resampling.BILINEAR))
        self.pixels += 4.0 * blotches[:, :, None]
        self.grain = rng.uniform(3.0, 7.0)

    @property
    def size(self):
        return self.pixels.shape[1], self.pixels.shape[0]

    def lines(self, spacing, colour, thickness, vertical=False, offset=None):
        """Ruled lines every ``spacing`` pixels, across the page."""
        height, width = self.pixels.shape[:2]
        length = width if vertical else height
        start = self.rng.uniform(0, spacing) if offset is None else offset
        position = start
        while position < length:
            self.line(position, colour, thickness, vertical)
            position += spacing

    def line(self, position, colour, thickness, vertical=False):
        """One line, antialiased: its ink covers rows (or columns) by the overlap."""
        height, width = self.pixels.shape[:2]
        length = width if vertical else height
        index = np.arange(length) + 0.5
        cover = np.clip(thickness / 2 + 0.5 - np.abs(index - position), 0.0, 1.0) * 0.9
        colour = np.array(colour, dtype=float)
        if vertical:
            cover = cover[None, :, None]
        else:
            cover = cover[:, None, None]
        self.pixels = self.pixels * (1 - cover) + (self.pixels * colour / 255.0) * cover

    def ink(self, mask, left, top, colour, darkness):
        """Write with a pen: ``mask`` (0..1 floats) at (left, top), clipped to the page."""
        height, width = self.pixels.shape[:2]
        mh, mw = mask.shape
        y0, x0 = max(0, top), max(0, left)
        y1, x1 = min(height, top + mh), min(width, left + mw)
        if y0 >= y1 or x0 >= x1:
            return
        cover = darkness * mask[y0 - top:y1 - top, x0 - left:x1 - left, None]
        region = self.pixels[y0:y1, x0:x1]
        self.pixels[y0:y1, x0:x1] = region * (1 - cover) + np.array(colour, dtype=float) * cover

    def light(self, kind):
        """Uneven light: "gradient" (a linear fall-off) or "shadow" (a soft-edged dark area)."""
        rng = self.rng
        height, width = self.pixels.shape[:2]
        ys, xs = np.mgrid[0:height, 0:width].astype(float)
        angle = rng.uniform(0, 2 * math.pi)
        # Distance along a random direction, 0 .. 1 over the page.
        along = xs * math.cos(angle) + ys * math.sin(angle)
        along = (along - along.min()) / max(1e-9, along.max() - along.min())
        if kind == "gradient":
            far = rng.uniform(0.45, 0.6)
            factor = 1.0 - (1.0 - far) * along
        else:
            # A shadow's edge crosses the middle part of the page, blurred over 3-10% of it.
            edge = rng.uniform(0.3, 0.7)
            blur = rng.uniform(0.03, 0.1)
            depth = rng.uniform(0.4, 0.6)
            inside = 1.0 / (1.0 + np.exp(-(along - edge) / blur))
            factor = 1.0 - (1.0 - depth) * inside
        self.pixels *= factor[:, :, None]

    def finish(self):
        """The page as an 8-bit RGB Pillow image, with the sensor's grain added."""
        noisy = self.pixels + self.rng.normal(0.0, self.grain, self.pixels.shape)
        return Image.fromarray(np.clip(np.rint(noisy), 0, 255).astype(np.uint8), "RGB")


def digit_mask(vector, height, angle, rng):
    """An MNIST digit (784 floats) as a pen mask ``height`` pixels tall (its 20-pixel
    box; the 28 x 28 frame scales along), turned by ``angle`` degrees."""
    tile = Image.fromarray((np.array(vector).reshape(28, 28) * 255).astype(np.uint8), "L")
    side = max(8, round(28 * height / 20))
    tile = tile.resize((side, side), Image.Resampling.BICUBIC)
    tile = tile.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=0)
    mask = np.asarray(tile, dtype=float) / 255.0
    # Enlarged MNIST strokes have wide soft edges; a pen's edge is sharper.
    return np.clip((mask - 0.15) / 0.3, 0.0, 1.0)


def paper_and_pen(rng, category):
    """(pen colour, darkness, ruling, light) for a category (see the module docstring)."""
    pen = DARK_PENS[rng.integers(len(DARK_PENS))]
    darkness = rng.uniform(0.85, 1.0)
    ruling = light = None
    if category == "gradient":
        light = "gradient"
    elif category == "shadow":
        light = "shadow"
    elif category in ("ruled", "squared"):
        ruling = category
    elif category == "colour":
        pen = list(PENS.values())[rng.integers(len(PENS))]
        darkness = rng.uniform(0.8, 1.0)
    elif category == "blank":
        light = (None, "gradient", "shadow")[rng.integers(3)]
        ruling = (None, None, "ruled", "squared")[rng.integers(4)]
    elif category == "hard":
        light = ("gradient", "shadow")[rng.integers(2)]
        ruling = ("ruled", "squared")[rng.integers(2)]
        pen = list(PENS.values())[rng.integers(len(PENS))]
        darkness = rng.uniform(0.75, 0.95)
    return pen, darkness, ruling, light


def rule(page, ruling, digit_height):
    rng = page.rng
    if ruling == "ruled":
        page.lines(digit_height * rng.uniform(0.6, 1.2), LINE_BLUE, rng.uniform(1.0, 3.0))
        if rng.random() < 0.5:
            page.line(page.size[0] * rng.uniform(0.05, 0.15), MARGIN_RED, rng.uniform(1.5, 3.0),
                      vertical=True)
    elif ruling == "squared":
        spacing = digit_height * rng.uniform(0.3, 0.6)
        thickness = rng.uniform(1.0, 2.0)
        page.lines(spacing, LINE_BLUE, thickness)
        page.lines(spacing, LINE_BLUE, thickness, vertical=True)


def draw_picture(rng, category, digits, small=False):
    """One picture of ``digits`` (a list of 784-float MNIST vectors) in ``category``.

    Returns:
        An upright RGB Pillow image.
    """
    if not digits:  # a blank page
        page = Page(rng, int(rng.uniform(200, 420 if small else 1200)),
                    int(rng.uniform(160, 320 if small else 900)))
        _, _, ruling, light = paper_and_pen(rng, category)
        rule(page, ruling, rng.uniform(60, 200))
        if light:
            page.light(light)
        return page.finish()
    if category == "large":
        height = rng.uniform(150, 400)
        width_page, height_page = int(rng.uniform(2000, 3000)), 0
        height_page = int(width_page * rng.uniform(0.6, 0.8))
    else:
        height = rng.uniform(60, 120 if small else 300)
        if category in ("number", "hard") and len(digits) > 1:
            height = min(height, 200.0)
    angles = [rng.uniform(-12, 12) for _ in digits]
    heights = [height * (rng.uniform(0.85, 1.15) if len(digits) > 1 else 1.0) for _ in digits]
    masks = [digit_mask(v, h, a, rng) for v, h, a in zip(digits, heights, angles)]
    # Digits side by side: each 28-pixel frame has about 4 pixels of margin on
    # each side; a random gap from overlapping (touching digits) to well apart.
    gaps = [int(height * rng.uniform(-0.5, 0.1)) for _ in digits[1:]]
    row_width = sum(m.shape[1] for m in masks) + sum(gaps)
    row_height = max(m.shape[0] for m in masks)
    if category != "large":
        width_page = int(max(row_width * rng.uniform(1.3, 2.2), row_height * 1.2))
        height_page = int(row_height * rng.uniform(1.3, 2.2))
        if small:
            width_page, height_page = min(width_page, 420), min(height_page, 320)
    page = Page(rng, width_page, height_page)
    pen, darkness, ruling, light = paper_and_pen(rng, category)
    rule(page, ruling, height)
    left = int(rng.uniform(0, max(1, width_page - row_width)))
    top = int(rng.uniform(0, max(1, height_page - row_height)))
    x = left
    for i, mask in enumerate(masks):
        jitter = int(rng.uniform(-0.08, 0.08) * height) if len(masks) > 1 else 0
        y = top + (row_height - mask.shape[0]) // 2 + jitter
        page.ink(mask, x, y, pen, darkness)
        x += mask.shape[1] + (gaps[i] if i < len(gaps) else 0)
    if light:
        page.light(light)
    return page.finish()


def save_picture(image, path, rng, orientation=None, quality=None):
    """Save as JPEG or PNG (by the suffix); with an EXIF orientation, the pixels
    are stored turned so that the tag turns them upright again."""
    options = {}
    if orientation is not None:
        stored = image.transpose(STORED[orientation])
        exif = Image.Exif()
        exif[EXIF_ORIENTATION] = orientation
        options["exif"] = exif.tobytes()
        # The tag really does turn the stored pixels upright.
        assert ImageOps.exif_transpose(_tagged(stored, orientation)).tobytes() == image.tobytes()
        image = stored
    if path.endswith(".png"):
        image.save(path, "PNG", **options)
    else:
        image.save(path, "JPEG", quality=quality or int(rng.uniform(75, 93)), **options)


def _tagged(image, orientation):
    copy = image.copy()
    exif = copy.getexif()
    exif[EXIF_ORIENTATION] = orientation
    copy.info["exif"] = exif.tobytes()
    return copy


def picture_plan(rng, category, test_set):
    """(digit vectors, labels str, orientation or None, suffix, test set indices) for one picture."""
    count = {"number": int(rng.integers(2, 6)), "blank": 0}.get(category, 1)
    indices = [int(i) for i in rng.integers(len(test_set), size=count)]
    chosen = [test_set[i] for i in indices]
    orientation = int((3, 6, 8)[rng.integers(3)]) if category == "exif" else None
    suffix = ".jpg" if category in ("exif", "large") or rng.random() < 0.8 else ".png"
    return ([x for x, _ in chosen], "".join(str(y) for _, y in chosen), orientation, suffix,
            indices)


def build_set(folder, per_category, seed, say):
    """Draw ``per_category`` pictures of every category into ``folder``; write labels.csv."""
    os.makedirs(folder, exist_ok=True)
    test_set = load_mnist("test")
    rng = np.random.default_rng(seed)
    rows = []
    started = time.perf_counter()
    for category in CATEGORIES:
        for i in range(per_category):
            digits, labels, orientation, suffix, indices = picture_plan(rng, category, test_set)
            name = "%s-%03d%s" % (category, i, suffix)
            image = draw_picture(rng, category, digits)
            save_picture(image, os.path.join(folder, name), rng, orientation)
            rows.append((name, category, labels, " ".join(map(str, indices))))
    with open(os.path.join(folder, "labels.csv"), "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["file", "category", "digits", "test_indices"])
        writer.writerows(rows)
    say("Built %d pictures (%d per category, seed %d) in %s in %.0f s"
        % (len(rows), per_category, seed, folder, time.perf_counter() - started))
    return rows


# ------------------------------------------------------------------ the test examples

def png_bomb(width, height):
    """A PNG whose header claims ``width`` x ``height`` grey pixels, with almost no data."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(width + 1))) + chunk(b"IEND", b""))


def build_examples(folder, seed, say):
    """The small pictures the tests decode, named after what they hold: one JPEG per
    category but "large" (megabytes; the tests make their own), a palette PNG, a
    drawing on a transparent background, a blank page, and bad files."""
    os.makedirs(folder, exist_ok=True)
    test_set = load_mnist("test")
    rng = np.random.default_rng(seed)
    written = []
    for category in CATEGORIES:
        if category in ("large", "blank"):
            continue  # megabytes; and the blank page is made below
        digits, labels, orientation, _, _ = picture_plan(rng, category, test_set)
        image = draw_picture(rng, category, digits, small=True)
        name = "%s-%s.jpg" % (category, labels)
        save_picture(image, os.path.join(folder, name), rng, orientation, quality=80)
        written.append(name)
    # A PNG with a palette of 16 colours, as a drawing program may save one.
    digits, labels, _, _, _ = picture_plan(rng, "plain", test_set)
    image = draw_picture(rng, "plain", digits, small=True).quantize(16)
    written.append("palette-%s.png" % labels)
    image.save(os.path.join(folder, written[-1]), "PNG", optimize=True)
    # Ink on a transparent background: only the alpha channel holds the digit.
    digits, labels, _, _, _ = picture_plan(rng, "plain", test_set)
    mask = digit_mask(digits[0], 90, 0, rng)
    alpha = Image.fromarray((mask * 255).astype(np.uint8), "L").crop((-20, -10, mask.shape[1] + 60,
                                                                       mask.shape[0] + 10))
    drawing = Image.new("RGBA", alpha.size, (0, 0, 0, 0))
    drawing.putalpha(alpha)
    written.append("transparent-%s.png" % labels)
    drawing.save(os.path.join(folder, written[-1]), "PNG", optimize=True)
    blank = Page(rng, 300, 220)
    blank.light("shadow")
    written.append("blank-page.jpg")
    blank.finish().save(os.path.join(folder, written[-1]), "JPEG", quality=80)
    # A truncated JPEG: the first 60% of a real one.
    with open(os.path.join(folder, written[0]), "rb") as f:
        raw = f.read()
    bad = {"truncated.jpg": raw[:len(raw) * 6 // 10],
           "not-a-picture.jpg": b"These are words, not pixels.\n" * 20,
           "empty.png": b"",
           "bomb.png": png_bomb(100000, 100000)}
    for name, data in bad.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    written += list(bad)
    total = sum(os.path.getsize(os.path.join(folder, name)) for name in written)
    say("Wrote %d example pictures (%.0f KB) into %s: %s"
        % (len(written), total / 1024, folder, ", ".join(written)))
    return written


# ------------------------------------------------------------------ measuring

def naive_vector(path):
    """The naive recipe: grey, resize the whole picture to 28 x 28, invert."""
    with Image.open(path) as image:
        small = image.convert("L").resize((28, 28))
        return [1.0 - v / 255.0 for v in small.tobytes()]


def read_as_predict(path, single):
    """(the 784-vectors predict feeds the network, seconds to decode and prepare)."""
    started = time.perf_counter()
    rows = predict.read_picture(path)
    try:
        found = preprocess.prepare(rows, single=single)
    except preprocess.NoInkError:
        found = []
    return [vector for _, vector in found], time.perf_counter() - started


def digits_read(network, vectors):
    return "".join(str(network.predict(v)) for v in vectors)


def measure(folder, say, show_wrong=False):
    with open(os.path.join(folder, "labels.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    networks = [(name, Network.load(shipped_network(name))) for name in NETWORKS
                if os.path.isfile(shipped_network(name))]
    methods = ("MNIST image", "predict", "predict --single", "naive")
    test_set = load_mnist("test")
    right = {}   # (network, method, category) -> number right
    counts = {}  # category -> pictures
    seconds = {}  # category -> [seconds per picture, predict's decoding and preparing]
    wrong = []    # (file, digits, what predict read) with the last (best) network
    started = time.perf_counter()
    for row in rows:
        path, category, labels = os.path.join(folder, row["file"]), row["category"], row["digits"]
        counts[category] = counts.get(category, 0) + 1
        vectors, took = read_as_predict(path, single=False)
        seconds.setdefault(category, []).append(took)
        single = read_as_predict(path, single=True)[0] if category != "number" else None
        naive = naive_vector(path)
        for name, network in networks:
            originals = [test_set[int(i)][0] for i in row["test_indices"].split()]
            answers = {"MNIST image": digits_read(network, originals),
                       "predict": digits_read(network, vectors),
                       "predict --single": (digits_read(network, single)
                                            if single is not None else None),
                       "naive": str(network.predict(naive))}
            for method in methods:
                key = (name, method, category)
                right[key] = right.get(key, 0) + (answers[method] == labels)
            if name == networks[-1][0] and answers["predict"] != labels:
                wrong.append((row["file"], labels, answers["predict"]))
    say("Measured %d pictures in %.0f s" % (len(rows), time.perf_counter() - started))
    report(networks, methods, right, counts, seconds, say)
    if show_wrong:
        say("")
        say("Read wrong by predict with %s (file: digits, read):" % networks[-1][0])
        for name, labels, answer in wrong:
            say("  %s: %s, read %s" % (name, labels or "none", answer or "nothing (no ink)"))


def applies(category, method):
    """Whether a method is measured on a category: --single and the naive recipe
    read one digit; a blank page has no MNIST image and the naive recipe always
    reads a digit."""
    if category == "number":
        return method in ("MNIST image", "predict")
    if category == "blank":
        return method in ("predict", "predict --single")
    return True


def report(networks, methods, right, counts, seconds, say):
    categories = [c for c in CATEGORIES if c in counts]
    single_digit = [c for c in categories if c not in ("number", "blank")]
    for name, _ in networks:
        say("")
        say("Network %s: pictures read right (%%)" % name)
        say("| category | pictures | " + " | ".join(methods) + " |")
        say("|---|---:|" + "---:|" * len(methods))
        for category in categories:
            cells = []
            for method in methods:
                if not applies(category, method):
                    cells.append("-")
                else:
                    cells.append("%.0f" % (100.0 * right[(name, method, category)] / counts[category]))
            say("| %s | %d | %s |" % (category, counts[category], " | ".join(cells)))
        for label, group in (("all single digits", single_digit), ("all", categories)):
            total = sum(counts[c] for c in group)
            cells = []
            for method in methods:
                if not all(applies(c, method) for c in group):
                    cells.append("-")
                else:
                    hits = sum(right[(name, method, c)] for c in group)
                    cells.append("**%.1f**" % (100.0 * hits / total))
            say("| %s | %d | %s |" % (label, total, " | ".join(cells)))
    say("")
    say("Seconds per picture for predict to decode and prepare (the network adds ~1 ms):")
    say("| category | mean | median | max |")
    say("|---|---:|---:|---:|")
    everything = []
    for category in categories:
        times = sorted(seconds[category])
        everything += times
        say("| %s | %.2f | %.2f | %.2f |" % (category, sum(times) / len(times),
                                              times[len(times) // 2], times[-1]))
    everything.sort()
    say("| all | %.2f | %.2f | %.2f |" % (sum(everything) / len(everything),
                                          everything[len(everything) // 2], everything[-1]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="where to write the pictures (created if missing)")
    parser.add_argument("--per-category", type=int, default=25, help="pictures per category")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--measure-only", action="store_true",
                        help="measure the set already in the folder")
    parser.add_argument("--wrong", action="store_true",
                        help="also list the pictures predict read wrong")
    parser.add_argument("--examples", action="store_true",
                        help="write the small example set for the tests instead")
    args = parser.parse_args(argv)

    def say(text):
        print(text, flush=True)

    say("Python %s, Pillow %s, numpy %s" % (sys.version.split()[0], PIL.__version__, np.__version__))
    if args.examples:
        build_examples(args.folder, args.seed, say)
        return 0
    if not args.measure_only:
        build_set(args.folder, args.per_category, args.seed, say)
    measure(args.folder, say, args.wrong)
    return 0


if __name__ == "__main__":
    sys.exit(main())
