"""Read the digits in your own pictures: photos, scans, drawings.

Examples:
    python -m mnist_scratch.predict photo.jpg                 # photo.jpg: 7 (98.1%)
    python -m mnist_scratch.predict number.png                # number.png: 2026 (2 97.0%, 0 99.1%, ...)
    python -m mnist_scratch.predict *.jpg --csv > digits.csv  # one row per file
    python -m mnist_scratch.predict *.jpg --figure readings.png   # what the network saw
    python -m mnist_scratch.predict digit.png --single        # the whole picture is one digit
    python -m mnist_scratch.predict photo.jpg --network my-net.json

From Python:
    from mnist_scratch import predict
    network = predict.load_network()                    # the best shipped network
    reading = predict.predict_picture(network, "photo.jpg")
    reading.digits, reading.confidences                 # "7", [0.981]

How a picture becomes the network's input (mnist_scratch/preprocess.py does
the work, in the standard library): the picture is decoded here with Pillow,
turned upright by its EXIF orientation tag (phones store pictures sideways and
say so in the tag), and shrunk (area averaging) to at most WORKING_SIDE pixels
on its long side. Then the lighting is flattened (shadows, gradients), ruled
or squared paper lines are removed, the ink is found and split into digits,
and each digit is scaled into a 20 x 20 box and centred by its centre of mass
in a 28 x 28 frame, white on black: the way MNIST was made.

Confidence: the network's ten outputs normalised to sum to 1, the chosen
digit's share: a_j / (a_0 + ... + a_9). For a softmax output layer (chapter 3)
the outputs already sum to 1 and this is the probability the network gives;
for sigmoid outputs it is only a share, not a calibrated probability. A low
share says the network hesitated; a high one does not prove it is right.

--csv prints ``file,digits,confidence``: the file as given, the digits read,
and the LOWEST confidence of its digits as a number from 0 to 1 (one number
per file, so a spreadsheet can sort by it; the weakest digit decides whether a
number can be trusted). Files that cannot be read get no row: their error
line goes to the standard error, as without --csv.

Bad pictures (not a picture, empty, truncated, missing, a folder, a blank
page, a picture too large to decode) get one line each on the standard error,
naming the file; the other files are still read, and the exit status is 2 if
any file failed. A picture larger than MAX_PIXELS (from its header, before a
pixel is decoded) is refused, so memory stays bounded.

Reading pictures needs Pillow (the ``viz`` extra); --figure also needs
matplotlib.
"""

import csv
import math
import os
import re
import shlex
import stat
import sys
import time
import warnings

from . import preprocess
from .cli import (VIZ_REQUIREMENTS, ArgumentParser, CommandError, line_printer, load_visualizer,
                  path_text, run_main)
from .datasets import shipped_network
from .network import Network

__all__ = ["NETWORK_NAMES", "WORKING_SIDE", "MAX_PIXELS", "PictureError", "Reading",
           "default_network", "load_network", "pillow", "decode_picture", "read_picture",
           "output_shares", "predict_picture", "format_reading", "main"]

# The shipped networks, best first: the chapter 3 network when it is there.
NETWORK_NAMES = ("mnist-784-100-10.json", "mnist-784-30-10.json")
WORKING_SIDE = preprocess.WORKING_SIDE  # pixels on the long side of the picture that is read
MAX_PIXELS = preprocess.MAX_PIXELS      # larger pictures are refused before they are decoded
PROG = "python -m mnist_scratch.predict"
EXIF_ORIENTATION = 0x0112              # the EXIF tag that says how to turn the picture upright
THUMBNAIL_SIDE = 480                    # pixels on the long side of the picture kept for --figure


class PictureError(ValueError):
    """A file that cannot be read as a picture; the message starts with the file's name."""


class Reading:
    """What the network read in one picture.

    Attributes:
        path: the file, as given.
        digits: the digits read, left to right, as a str, e.g. "2026".
        confidences: one float in [0, 1] per digit (see ``output_shares``).
        boxes: one (top, left, bottom, right) per digit, in the pixels of the
            picture that was read (``size``).
        vectors: one list of 784 floats per digit: the 28 x 28 input the
            network saw, row by row, 0.0 = paper, 1.0 = ink.
        outputs: one list of 10 output activations per digit.
        size: (width, height) of the picture that was read, after the EXIF
            rotation and the shrinking to WORKING_SIDE.
        original_size: (width, height) stored in the file.
        orientation: the EXIF orientation tag (1 to 8) if the file has one, else
            None; 3, 6 and 8 are turns by 180, 90 and 270 degrees (5 and 7 turn
            and mirror, so 5 to 8 swap the width and height).
        thumbnail: a small Pillow image of the picture (for --figure), or None.
        seconds: the time it took, decoding included.
    """

    def __init__(self, path, digits, confidences, boxes, vectors, outputs, size, original_size,
                 orientation=None, thumbnail=None, seconds=0.0):
        self.path = path
        self.digits = digits
        self.confidences = confidences
        self.boxes = boxes
        self.vectors = vectors
        self.outputs = outputs
        self.size = size
        self.original_size = original_size
        self.orientation = orientation
        self.thumbnail = thumbnail
        self.seconds = seconds

    def __repr__(self):
        return "Reading(%r, %r)" % (self.path, self.digits)


# ------------------------------------------------------------------ the network

def default_network():
    """The path of the best shipped network: the chapter 3 one when it exists,
    else the chapter 1 [784, 30, 10] one."""
    for name in NETWORK_NAMES:
        if os.path.isfile(shipped_network(name)):
            return shipped_network(name)
    return shipped_network(NETWORK_NAMES[-1])  # missing: Network.load names it


def load_network(path=None):
    """Load a network that reads MNIST digits (784 inputs, 10 outputs).

    Args:
        path: a network file saved by ``learn --save``; None for ``default_network()``.

    Raises:
        ValueError, OSError: the file is missing or damaged (the message names
            it), or the network has other sizes.
    """
    path = default_network() if path is None else path
    network = Network.load(path)
    if network.sizes[0] != 784 or network.sizes[-1] != 10:
        raise ValueError("%s: a network of sizes %s does not read MNIST digits (784 inputs, "
                         "10 outputs)" % (path, network.sizes))
    return network


def output_shares(outputs):
    """The ten outputs normalised to sum to 1: each output's share a_j / sum(a).

    Softmax outputs already sum to 1 (they are returned as they are, up to
    rounding); sigmoid outputs lie in (0, 1) but need not sum to 1. Should the
    outputs all be 0, every digit gets the same share.
    """
    outputs = [max(a, 0.0) for a in outputs]
    total = sum(outputs)
    if not total > 0.0:
        return [1.0 / len(outputs)] * len(outputs)
    return [a / total for a in outputs]


# ------------------------------------------------------------------ decoding

def pillow():
    """Pillow's ``Image`` and ``ImageOps`` modules, imported when a picture is read.

    Raises:
        CommandError: Pillow is not installed; the message says how to install it.
    """
    try:
        from PIL import Image, ImageOps
    except ImportError as e:
        requirement = [r for r in VIZ_REQUIREMENTS if r.startswith("pillow")][0]
        raise CommandError('reading pictures needs Pillow (%s); install it with: %s -m pip install "%s"'
                           % (e, shlex.quote(sys.executable), requirement)) from None
    return Image, ImageOps


def _open_checked(path):
    """Open the file ``path`` for reading (binary) after checking that it is a
    non-empty regular file; the message of a PictureError names it."""
    try:
        mode = os.stat(path).st_mode  # before opening: a named pipe could block forever
    except (FileNotFoundError, NotADirectoryError):
        raise PictureError("%s: file not found" % path) from None
    except PermissionError:
        raise PictureError("%s: cannot read it (permission denied)" % path) from None
    if stat.S_ISDIR(mode):
        raise PictureError("%s: a folder, not a picture file" % path)
    if not stat.S_ISREG(mode):
        raise PictureError("%s: not a regular file (a device or a named pipe?), not a picture"
                           % path)
    try:
        f = open(path, "rb")
    except PermissionError:
        raise PictureError("%s: cannot read it (permission denied)" % path) from None
    if os.fstat(f.fileno()).st_size == 0:
        f.close()
        raise PictureError("%s: an empty file (0 bytes), not a picture" % path)
    return f


# How the commonest picture files begin, to tell a damaged one from something else.
SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"),
              (b"GIF89a", "GIF"))


def _signature(head):
    """The format whose signature the bytes ``head`` start with, or None."""
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


def _describe_size(width, height):
    return "%d x %d = %s pixels" % (width, height, "{:,}".format(width * height))


def decode_picture(path, side=WORKING_SIDE):
    """Decode the picture file ``path`` into an upright, small Pillow image.

    The steps: check the file; read the header and refuse more than
    MAX_PIXELS pixels before decoding any; decode (a JPEG directly at a
    reduced scale when it is large); turn it upright by its EXIF orientation;
    put transparent parts on white paper; shrink it, averaging areas, so that
    its long side has at most ``side`` pixels.

    Returns:
        (image, original_size, orientation): a Pillow image in mode "RGB" or
        "L" (grey), the (width, height) stored in the file, and its EXIF
        orientation tag (None without one).

    Raises:
        PictureError: the file is missing, a folder, empty, not a picture,
            truncated or damaged, or too large; the message names the file.
        CommandError: Pillow is not installed.
    """
    Image, ImageOps = pillow()
    with _open_checked(path) as f, warnings.catch_warnings():
        # Pillow warns about (and above twice its limit, refuses) very large
        # pictures; the size is checked against MAX_PIXELS here instead.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(f)  # reads the header only
        except Image.DecompressionBombError as e:
            # Pillow's own, larger limit: refused in the header too. Its message gives the size.
            pixels = re.search(r"\((\d+) pixels\)", str(e))
            raise PictureError("%s: too large to read: %s pixels, more than %s; shrink it first"
                               % (path, "{:,}".format(int(pixels.group(1))) if pixels else "millions of",
                                  "{:,}".format(MAX_PIXELS))) from None
        except Image.UnidentifiedImageError:
            f.seek(0)
            kind = _signature(f.read(8))
            if kind:
                raise PictureError("%s: a damaged %s file (its first bytes say %s, but Pillow "
                                   "cannot read its header)" % (path, kind, kind)) from None
            raise PictureError("%s: not a picture (Pillow recognises no image format in it: "
                               "PNG, JPEG, GIF, BMP, TIFF, WebP, ...)" % path) from None
        except Exception as e:  # a damaged header can fail in any of Pillow's plugins
            raise PictureError("%s: a damaged picture (%s: %s)" % (path, type(e).__name__, e)) from None
        width, height = original_size = image.size
        if width * height > MAX_PIXELS:
            raise PictureError("%s: too large to read: %s, more than %s; shrink it first"
                               % (path, _describe_size(width, height), "{:,}".format(MAX_PIXELS)))
        if width < 1 or height < 1:
            raise PictureError("%s: a picture of %d x %d pixels has nothing in it"
                               % (path, width, height))
        try:
            orientation = image.getexif().get(EXIF_ORIENTATION)
            image = _upright_and_small(image, side, Image, ImageOps)
        except MemoryError:
            raise PictureError("%s: not enough memory to decode %s"
                               % (path, _describe_size(width, height))) from None
        except Exception as e:  # Pillow's decoders raise many kinds of errors
            raise PictureError("%s: a truncated or damaged picture (%s)"
                               % (path, str(e) or type(e).__name__)) from None
    return image, original_size, orientation


def _upright_and_small(image, side, Image, ImageOps):
    """Decode, turn upright, flatten transparency, shrink (see decode_picture)."""
    width, height = image.size
    scale = min(1.0, side / max(width, height))
    if image.format == "JPEG" and scale < 1.0:
        # A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size directly: less
        # memory and time for a large photo. draft() keeps it at least this large.
        image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
    image.load()
    image = ImageOps.exif_transpose(image)
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        # 16-bit or float grey levels: stretch their range onto 0..255.
        image = image.convert("F")
        low, high = image.getextrema()
        spread = (high - low) or 1.0
        image = image.point(lambda v: (v - low) * 255.0 / spread).convert("L")
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    if has_alpha:
        # Transparent means paper: put the picture on white.
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    elif image.mode in ("1", "L"):
        image = image.convert("L")
    else:
        image = image.convert("RGB")
    width, height = image.size
    if max(width, height) > side:
        scale = side / max(width, height)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = image.resize(size, Image.Resampling.BOX)  # BOX: the average of each area
    return image


def image_rows(image):
    """A Pillow image in mode "L" or "RGB" as rows of pixels: grey levels 0..255,
    or (red, green, blue) tuples."""
    width, height = image.size
    raw = image.tobytes()
    if image.mode == "L":
        pixels = list(raw)
    else:
        pixels = list(zip(raw[0::3], raw[1::3], raw[2::3]))
    return [pixels[i * width:(i + 1) * width] for i in range(height)]


def read_picture(path):
    """The picture in the file ``path``, upright and shrunk to at most
    WORKING_SIDE pixels on its long side, as rows of (red, green, blue) tuples
    (0..255), or rows of grey levels for a grey picture.

    Raises:
        PictureError, CommandError: see ``decode_picture``.
    """
    return image_rows(decode_picture(path)[0])


# ------------------------------------------------------------------ reading

def predict_picture(network, path, single=False, keep_thumbnail=False):
    """Read the digits in the picture file ``path`` with ``network``.

    Args:
        network: a Network with 784 inputs and 10 outputs.
        path: the picture file (PNG, JPEG, ... whatever Pillow reads).
        single: True to read the whole picture as one digit (all its ink),
            instead of finding the digits and splitting them.
        keep_thumbnail: keep a small copy of the picture in the Reading (for a figure).

    Returns:
        A Reading.

    Raises:
        PictureError: the file is not a readable picture, or has no ink in it
            (the message names the file).
        CommandError: Pillow is not installed.
    """
    started = time.perf_counter()
    image, original_size, orientation = decode_picture(path)
    try:
        found = preprocess.prepare(image_rows(image), single=single)
    except preprocess.NoInkError:
        raise PictureError("%s: no ink found (a blank page?)" % path) from None
    except ValueError as e:  # what preprocess refuses; not expected from a decoded picture
        raise PictureError("%s: %s" % (path, e)) from None
    boxes = [box for box, _ in found]
    vectors = [vector for _, vector in found]
    outputs = [network.feedforward(vector) for vector in vectors]
    shares = [output_shares(a) for a in outputs]
    chosen = [max(range(10), key=s.__getitem__) for s in shares]
    thumbnail = None
    if keep_thumbnail:
        thumbnail = image.copy()
        thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return Reading(path, "".join(str(d) for d in chosen), [s[d] for s, d in zip(shares, chosen)],
                   boxes, vectors, outputs, image.size, original_size, orientation, thumbnail,
                   time.perf_counter() - started)


def format_reading(reading):
    """One line: ``photo.jpg: 7 (98.1%)`` or ``n.png: 26 (2 97.0%, 6 95.5%)``."""
    if len(reading.digits) == 1:
        detail = "%.1f%%" % (100 * reading.confidences[0])
    else:
        detail = ", ".join("%s %.1f%%" % (d, 100 * c)
                           for d, c in zip(reading.digits, reading.confidences))
    return "%s: %s (%s)" % (reading.path, reading.digits, detail)


def csv_row(reading):
    """[file, digits, confidence]: the lowest confidence of the digits, from 0 to 1."""
    return [reading.path, reading.digits, "%.4f" % min(reading.confidences)]


# ------------------------------------------------------------------ the command

def build_parser():
    parser = ArgumentParser(
        prog=PROG,
        description="Read the handwritten digits in picture files (photos, scans, drawings) "
                    "with a trained network: one line per file, e.g. 'photo.jpg: 7 (98.1%)'. "
                    "Confidence is the digit's share of the ten outputs.")
    parser.add_argument("pictures", nargs="+", type=path_text, metavar="IMAGE",
                        help="picture files: PNG, JPEG, GIF, BMP, TIFF, WebP, ...")
    parser.add_argument("--network", type=path_text, default=None, metavar="FILE",
                        help="a network saved by learn --save (default: the best shipped one, "
                             "data/networks/%s if present, else %s)" % NETWORK_NAMES)
    parser.add_argument("--single", action="store_true",
                        help="each picture is one digit: read all its ink as one")
    parser.add_argument("--csv", action="store_true",
                        help="print 'file,digits,confidence' rows (confidence: the lowest of "
                             "the digits', from 0 to 1)")
    parser.add_argument("--figure", type=path_text, default=None, metavar="OUT.png",
                        help="also draw each picture, the digits found, what the network saw "
                             "and its outputs (needs matplotlib)")
    return parser


def _one_line(text):
    return text.replace("\r", "\\r").replace("\n", "\\n")


def run(args, out=None, err=None):
    """Read every picture of ``args``. Returns 0, or 2 if any file could not be read."""
    out = out or sys.stdout
    err = err or sys.stderr
    say = line_printer(out)
    pillow()  # before anything else: without Pillow no picture can be read
    if args.figure:
        visualize_predict = load_visualizer("--figure", "visualize_predict")
        visualize_predict.check_figure_path(args.figure)
    network_path = args.network or default_network()
    network = load_network(network_path)
    writer = csv.writer(out, lineterminator="\n") if args.csv else None
    if writer:
        writer.writerow(["file", "digits", "confidence"])
    readings = []  # (path, Reading) or (path, the error message), in order
    failed = 0
    for path in args.pictures:
        try:
            reading = predict_picture(network, path, single=args.single,
                                      keep_thumbnail=bool(args.figure))
        except MemoryError:
            reading = "%s: not enough memory to read it" % path
        except PictureError as e:
            reading = str(e)
        readings.append((path, reading))
        if isinstance(reading, str):
            failed += 1
            err.write("%s: error: %s\n" % (PROG, _one_line(reading)))
            err.flush()
        elif writer:
            writer.writerow(csv_row(reading))
            out.flush()
        else:
            say(_one_line(format_reading(reading)))
    if args.figure:
        title = "Read by the network %s (%s)" % (network.sizes, os.path.basename(network_path))
        visualize_predict.plot_readings(readings, title=title, path=args.figure)
        if not args.csv:
            say("Figure written to %s" % args.figure)
    return 2 if failed else 0


def main(argv=None):
    """The command line; returns the exit code (0, or 2 for a bad argument or any bad picture)."""
    return run_main(build_parser(), run, argv)


if __name__ == "__main__":
    sys.exit(main())
