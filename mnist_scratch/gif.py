"""Train a network while recording its weights, then write GIFs of it learning.

Examples:
    python -m mnist_scratch.gif                       # [784, 10] from zeros: 10,000 images, ~15 s
    python -m mnist_scratch.gif --out my_gifs --mini-batch-size 1 --eta 0.3 --limit 99 --frames 100
                                                      # one frame after every example (99 images)
    python -m mnist_scratch.gif --out my_gifs --init scaled           # from random weights instead
    python -m mnist_scratch.gif --out my_gifs --per-epoch --epochs 10 --limit 5000  # per epoch
    python -m mnist_scratch.gif --out my_gifs --sizes 784 30 10 --init scaled --eta 3.0
                                          # what each digit "looks for" through 30 hidden neurons
    python -m mnist_scratch.gif --out my_gifs --frames 40 --duration 0.2 --loop 1
    python -m mnist_scratch.gif --out my_gifs --dpi 100   # half the width and height (smaller files)

It writes into --out (default: the project's gifs/ folder, whose GIFs are the
first command's; the folder is created if missing):
    digit-0.gif ... digit-9.gif   one GIF per output digit
    digits.gif                    all ten side by side

From Python, without the command line (the same defaults):
    from mnist_scratch import gif
    paths = gif.make_gifs("my_gifs", limit=2000, frames=20)

What a tile shows: for a network without hidden layers ([784, 10]), output
neuron j's 784 incoming weights, i.e. the template digit j is matched
against. With hidden layers, what digit j "looks for" through them: the
product of the weight matrices (see analysis.looks_for). Red = positive
weight (ink there votes for the digit), blue = negative; every frame of every
GIF uses the same colour scale, printed on the colour bar.

Recording is nearly free: a snapshot copies the weight lists, whose numbers
it shares with the network (one pointer per weight, copied in C).
The pictures are drawn after training. The caption of each frame gives the
examples seen so far and the accuracy of that snapshot on --validation-limit
validation images (measured after training, so it does not slow it down).

"Record after every example" means --mini-batch-size 1 (each mini-batch is
then one example) with --every 1.

Everything that could stop the run is checked before training: the sizes,
the amount of work (at most MAX_EXAMPLES examples trained, MAX_FRAMES
frames), the memory the frames need, what a GIF can store, the folder.
"""

import math
import os
import sys
import time

from .analysis import weight_product
from .cli import (ArgumentParser, CommandError, line_printer, load_visualizer, non_negative_int,
                  output_folder, path_text, positive_float, positive_int, run_main)
from .datasets import SPLITS, load_mnist
from .network import INITS, Network, check_size
from .progress import Progress, count, format_seconds
from .training import TrainingDiverged, evaluate, sgd

# Defaults: a single-layer network from all-zero weights gives the clearest
# pictures (every template starts white and the digits appear out of nothing).
DEFAULT_SIZES = (784, 10)      # neurons per layer
DEFAULT_INIT = "zeros"         # starting weights
DEFAULT_LIMIT = 10000          # training images
DEFAULT_EPOCHS = 1             # passes over them
DEFAULT_MINI_BATCH_SIZE = 10   # examples per gradient step
DEFAULT_ETA = 1.0              # learning rate (3.0 saturates some outputs from zeros)
DEFAULT_EVERY = 1              # record after every this many mini-batches
DEFAULT_FRAMES = 30            # at most this many frames (chosen evenly)
DEFAULT_DURATION = 0.15        # seconds per frame
DEFAULT_PAUSE = 1.5            # seconds the last frame stays
DEFAULT_VALIDATION = 1000      # validation images that score each frame
DEFAULT_SEED = 1
DEFAULT_DPI = 200              # pixels per inch: digits.gif is about 1,500 pixels wide

# How much one run may do, checked before it starts.
MAX_EXAMPLES = 5_000_000       # examples trained in all: 100 epochs of the 50,000 images
MAX_FRAMES = 150               # frames per GIF
MAX_FRAME_PIXELS = 160_000_000  # frames x pixels of one GIF, held in memory while it is written
MAX_SNAPSHOT_NUMBERS = 50_000_000  # frames x weights and biases, held until the frames are drawn


def default_gif_dir():
    """The project's gifs/ folder (next to the package, like the data folder)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(os.path.dirname(here), "gifs")


def frame_points(batches_per_epoch, epochs, every=1, per_epoch=False, frames=None):
    """Which moments to record, as numbers of mini-batches trained so far.

    The candidates are 0 (before training), then every ``every`` mini-batches
    (or the end of each epoch with ``per_epoch``), and always the very end.
    If there are more than ``frames`` candidates, ``frames`` of them are
    picked evenly, keeping the first and the last. Only the picked moments
    are computed, so a run of billions of mini-batches costs no memory here.

    Returns:
        sorted list of distinct ints in [0, batches_per_epoch * epochs].
    """
    total = batches_per_epoch * epochs
    step = batches_per_epoch if per_epoch else every
    candidates = total // step + 1      # 0, step, 2 step, ...
    if total % step:
        candidates += 1                 # ... and the end
    if frames is None or candidates <= frames:
        picked = range(candidates)
    elif frames == 1:
        return [total]
    else:
        # i (candidates - 1) / (frames - 1), rounded, in whole numbers (exact for any size)
        picked = [(2 * i * (candidates - 1) + frames - 1) // (2 * (frames - 1))
                  for i in range(frames)]
    return sorted({min(i * step, total) for i in picked})


class Recorder:
    """Keeps references to a network's weight lists at chosen mini-batches.

    Use ``recorder.on_batch`` as sgd's on_batch callback. Each snapshot is
    (examples_seen, weights, biases), copies of the lists (sgd changes them in
    place within an epoch). The numbers themselves are shared, not copied: a
    snapshot costs one pointer per weight.

    Args:
        network: the Network being trained.
        points: the mini-batch counts to record at (from ``frame_points``).
    """

    def __init__(self, network, points):
        self.network = network
        self.points = set(points)
        self.batches = 0
        self.snapshots = []
        if 0 in self.points:
            self._take(0)

    def on_batch(self, info):
        self.batches += 1
        if self.batches in self.points:
            self._take(info["examples_seen"])

    def _take(self, examples_seen):
        network = self.network
        self.snapshots.append((examples_seen, [[row[:] for row in w] for w in network.weights],
                               [b[:] for b in network.biases]))


def tiles_of(weights):
    """The ten pictures of one snapshot: the weights of a [784, 10] network, or what each
    output "looks for" (the product of the weight matrices) with hidden layers.

    Returns:
        list of sizes[-1] rows of 784 numbers.
    """
    if len(weights) == 1:
        return weights[0]
    return weight_product(weights)


def _big(n):
    """A count for a message: 12,345 or, when huge, 1.23e+40."""
    digits = str(n)
    if len(digits) <= 12:
        return format(n, ",")
    return "%s.%se+%d" % (digits[0], digits[1:3], len(digits) - 1)


def check_options(sizes=DEFAULT_SIZES, init=DEFAULT_INIT, limit=DEFAULT_LIMIT,
                  epochs=DEFAULT_EPOCHS, mini_batch_size=DEFAULT_MINI_BATCH_SIZE,
                  every=DEFAULT_EVERY, per_epoch=False, frames=DEFAULT_FRAMES,
                  duration=DEFAULT_DURATION, pause=DEFAULT_PAUSE, loop=0, dpi=DEFAULT_DPI,
                  names=None):
    """Refuse, before any work, a run that could not finish or could not be stored.

    Args:
        the options of ``make_gifs``; ``names``: optional dict saying what to
        call an option in a message (the command passes "--epochs" for "epochs").

    Returns:
        the number of moments recorded (``len(frame_points(...))``).

    Raises:
        ValueError: one line naming the option and the limit it breaks.
    """
    def name(option):
        return (names or {}).get(option, option)

    sizes = list(sizes)
    if len(sizes) < 2 or sizes[0] != 784 or sizes[-1] != 10:
        raise ValueError("%s must start with 784 (pixels) and end with 10 (digits), got %.80r"
                         % (name("sizes"), sizes))
    if init == "zeros" and len(sizes) > 2:
        raise ValueError("%s zeros cannot train hidden layers (every hidden neuron would stay "
                         "the same); use %s scaled" % (name("init"), name("init")))
    check_size(sizes)
    for option, value in (("limit", limit), ("epochs", epochs),
                          ("mini_batch_size", mini_batch_size), ("every", every),
                          ("frames", frames)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError("%s must be a whole number of at least 1, got %.80r"
                             % (name(option), value))
    _, start, end = SPLITS["train"]
    images = min(limit, end - start)
    if images * epochs > MAX_EXAMPLES:
        raise ValueError("%s %s x %s training images = %s examples, more than the %s one GIF "
                         "run trains on; use fewer epochs or images"
                         % (name("epochs"), _big(epochs), format(images, ","),
                            _big(images * epochs), format(MAX_EXAMPLES, ",")))
    if frames > MAX_FRAMES:
        raise ValueError("%s %s is more than the %d frames a GIF here can have"
                         % (name("frames"), _big(frames), MAX_FRAMES))
    from . import gifwriter  # the picture modules, only once the numbers are known to be sane
    if not gifwriter.MIN_GIF_DPI <= dpi <= gifwriter.MAX_GIF_DPI:
        raise ValueError("%s must be from %d to %d, got %.80r"
                         % (name("dpi"), gifwriter.MIN_GIF_DPI, gifwriter.MAX_GIF_DPI, dpi))
    gifwriter.check_gif_timing(duration, loop, pause)
    batches = math.ceil(images / mini_batch_size)
    moments = len(frame_points(batches, epochs, every, per_epoch, frames))
    parameters = sum(n_out * (n_in + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    if moments * parameters > MAX_SNAPSHOT_NUMBERS:
        raise ValueError("%d frames of a network of %s weights and biases are %s numbers to keep "
                         "until they are drawn, more than %s; use fewer %s or a smaller network"
                         % (moments, format(parameters, ","), format(moments * parameters, ","),
                            format(MAX_SNAPSHOT_NUMBERS, ","), name("frames")))
    width, height = gifwriter.gif_layout(10, 5, gifwriter.GRID_TILE, 1, dpi)["pixels"]
    if moments * width * height > MAX_FRAME_PIXELS:
        raise ValueError("%d frames of %d x %d pixels (%s %g) are %s pixels to hold while the "
                         "GIF is written, more than %s; use fewer %s or a lower %s"
                         % (moments, width, height, name("dpi"), dpi,
                            format(moments * width * height, ","), format(MAX_FRAME_PIXELS, ","),
                            name("frames"), name("dpi")))
    return moments


def record(sizes=DEFAULT_SIZES, init=DEFAULT_INIT, limit=DEFAULT_LIMIT, epochs=DEFAULT_EPOCHS,
           mini_batch_size=DEFAULT_MINI_BATCH_SIZE, eta=DEFAULT_ETA, every=DEFAULT_EVERY,
           per_epoch=False, frames=DEFAULT_FRAMES, validation_limit=DEFAULT_VALIDATION,
           seed=DEFAULT_SEED, data_dir=None, progress=None):
    """Train a network on MNIST, keeping snapshots of its weights, and caption each one.

    Args:
        see ``make_gifs``.

    Returns:
        dict with "snapshots" (list of (examples_seen, weights, biases)),
        "captions" (one per snapshot), "training_examples" and "seconds"
        (the training time).

    Raises:
        TrainingDiverged: eta so large that the cost overflowed.
    """
    training_data = load_mnist("train", data_dir, limit=limit)
    validation_data = (load_mnist("validation", data_dir, limit=validation_limit)
                       if validation_limit else [])
    net = Network(list(sizes), seed=seed, init=init)
    batches_per_epoch = math.ceil(len(training_data) / mini_batch_size)
    recorder = Recorder(net, frame_points(batches_per_epoch, epochs, every, per_epoch, frames))
    total = len(training_data) * epochs

    def on_batch(info):
        recorder.on_batch(info)
        if progress is not None:
            progress("training", info["examples_seen"], total)

    started = time.perf_counter()
    sgd(net, training_data, epochs, mini_batch_size, eta, seed=seed, on_batch=on_batch)
    seconds = time.perf_counter() - started
    # Score every snapshot (after training, so recording costs training nothing).
    from .gifwriter import CAPTION_SEPARATOR
    captions = []
    for i, (seen, weights, biases) in enumerate(recorder.snapshots, 1):
        caption = "%s examples seen" % format(seen, ",")
        if validation_data:
            score = evaluate(Network.from_parameters(weights, biases), validation_data)
            caption += CAPTION_SEPARATOR + "%.1f%% right on %s validation images" % (
                100 * score.accuracy, format(score.total, ","))
        captions.append(caption)
        if progress is not None:
            progress("scoring", i, len(recorder.snapshots))
    return {"snapshots": recorder.snapshots, "captions": captions,
            "training_examples": len(training_data), "seconds": seconds}


def draw(recording, out_dir, duration=DEFAULT_DURATION, pause=DEFAULT_PAUSE, loop=0,
         dpi=DEFAULT_DPI, progress=None):
    """Write the GIFs of a ``record`` result into ``out_dir`` (created if missing).

    Returns:
        dict with "paths", "limits" and "frames", as ``gifwriter.write_weight_gifs``.
    """
    from .gifwriter import write_weight_gifs
    snapshots = recording["snapshots"]
    hidden = len(snapshots[0][1]) > 1
    return write_weight_gifs(
        out_dir, [tiles_of(weights) for _, weights, _ in snapshots], recording["captions"],
        ["digit %d" % d for d in range(10)], duration=duration, loop=loop, last_duration=pause,
        dpi=dpi, colorbar_label="product of the weights" if hidden else "weight",
        on_frame=(lambda done, total: progress("drawing", done, total)) if progress else None)


def make_gifs(out_dir, sizes=DEFAULT_SIZES, init=DEFAULT_INIT, limit=DEFAULT_LIMIT,
              epochs=DEFAULT_EPOCHS, mini_batch_size=DEFAULT_MINI_BATCH_SIZE, eta=DEFAULT_ETA,
              every=DEFAULT_EVERY, per_epoch=False, frames=DEFAULT_FRAMES,
              duration=DEFAULT_DURATION, pause=DEFAULT_PAUSE, loop=0,
              validation_limit=DEFAULT_VALIDATION, seed=DEFAULT_SEED, data_dir=None,
              dpi=DEFAULT_DPI, progress=None):
    """Train a network, record it and write its GIFs: what the command does, from Python.

    Args:
        out_dir: the folder to write into (created if missing).
        sizes: layer sizes, 784 first and 10 last.
        init: "zeros", "scaled" or "standard" starting weights.
        limit: train on the first ``limit`` training images.
        epochs, mini_batch_size, eta, seed: as for ``training.sgd``.
        every: record after every ``every`` mini-batches (or, with
            ``per_epoch``, after every epoch).
        frames: keep at most this many of those moments (evenly spread).
        duration, pause: seconds per frame, and for the last frame.
        loop: plays, 0 = forever.
        validation_limit: validation images that score each frame (0: none).
        data_dir: the folder of the MNIST files (default: the project's data/).
        dpi: pixels per inch of the pictures.
        progress: optional ``progress(stage, done, total)``, called with stage
            "training" (examples), "scoring" and "drawing" (frames).

    Returns:
        list of the paths written: digit-0.gif ... digit-9.gif, then digits.gif.

    Raises:
        ValueError: an option out of range (checked before anything starts).
        TrainingDiverged: eta so large that the cost overflowed.
    """
    check_options(sizes, init, limit, epochs, mini_batch_size, every, per_epoch, frames,
                  duration, pause, loop, dpi)
    from .fileio import ensure_folder
    out_dir = ensure_folder(out_dir, "GIF folder")
    recording = record(sizes, init, limit, epochs, mini_batch_size, eta, every, per_epoch,
                       frames, validation_limit, seed, data_dir, progress)
    return draw(recording, out_dir, duration, pause, loop, dpi, progress)["paths"]


def build_parser():
    parser = ArgumentParser(
        prog="python -m mnist_scratch.gif",
        description="Train a network on MNIST while recording its weights, then write GIFs "
                    "of the weight images changing: one per digit and one grid of all ten.",
        epilog="Record after every single example: --mini-batch-size 1 --every 1 "
               "(and a smaller --eta, e.g. 0.3).")
    parser.add_argument("--sizes", type=positive_int, nargs="+", default=list(DEFAULT_SIZES),
                        metavar="N", help="layer sizes (default: 784 10; with hidden layers the "
                                          "GIFs show what each digit 'looks for' through them)")
    parser.add_argument("--init", choices=INITS, default=DEFAULT_INIT,
                        help="starting weights: zeros (default, clearest pictures), scaled or "
                             "standard (random)")
    parser.add_argument("--limit", type=positive_int, default=DEFAULT_LIMIT, metavar="N",
                        help="train on the first N training images (default: %(default)s)")
    parser.add_argument("--epochs", type=positive_int, default=DEFAULT_EPOCHS,
                        help="passes over them (default: %%(default)s; at most %s examples in all)"
                             % format(MAX_EXAMPLES, ","))
    parser.add_argument("--mini-batch-size", type=positive_int, default=DEFAULT_MINI_BATCH_SIZE,
                        metavar="M", help="examples per step (default: %(default)s; 1 = a frame "
                                          "can follow every example)")
    parser.add_argument("--eta", type=positive_float, default=DEFAULT_ETA,
                        help="learning rate (default: %(default)s)")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--every", type=positive_int, default=DEFAULT_EVERY, metavar="K",
                      help="record after every K mini-batches (default: %(default)s)")
    when.add_argument("--per-epoch", action="store_true", help="record after every epoch")
    parser.add_argument("--frames", type=positive_int, default=DEFAULT_FRAMES,
                        help="at most this many frames, picked evenly from the recorded moments "
                             "(default: %%(default)s, at most %d)" % MAX_FRAMES)
    parser.add_argument("--duration", type=positive_float, default=DEFAULT_DURATION,
                        metavar="SECONDS", help="seconds per frame (default: %(default)s)")
    parser.add_argument("--pause", type=positive_float, default=DEFAULT_PAUSE, metavar="SECONDS",
                        help="seconds the last frame stays (default: %(default)s)")
    parser.add_argument("--loop", type=non_negative_int, default=0,
                        help="times to play: 0 = forever (default), 1 = once, ...")
    parser.add_argument("--validation-limit", type=non_negative_int, default=DEFAULT_VALIDATION,
                        metavar="N", help="validation images that score each frame for its "
                                          "caption (default: %(default)s; 0 = no accuracy)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="seed of the starting weights and the shuffles (default: %(default)s)")
    parser.add_argument("--dpi", type=positive_float, default=DEFAULT_DPI,
                        help="pixels per inch: the default %(default)s makes digits.gif about "
                             "1,500 pixels wide, for a projector; 100 halves width and height "
                             "(30 to 400)")
    parser.add_argument("--out", type=path_text, default=None, metavar="DIR",
                        help="folder to write the GIFs into, created if missing (default: the "
                             "project's gifs/)")
    parser.add_argument("--data-dir", type=path_text, default=None,
                        help="folder with the MNIST files (default: the project's data/)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser


# What the options are called on the command line, for check_options' messages.
OPTION_NAMES = {"sizes": "--sizes", "init": "--init", "limit": "--limit", "epochs": "--epochs",
                "mini_batch_size": "--mini-batch-size", "every": "--every",
                "frames": "--frames", "dpi": "--dpi"}


def run(args, out=None, err=None):
    """Train, record and write the GIFs as ``args`` say. Returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    say = line_printer(out)
    # Before any training: everything that could stop the run later.
    gifwriter = load_visualizer("making GIFs", "gifwriter")
    for option, seconds in (("--duration", args.duration), ("--pause", args.pause)):
        if seconds > gifwriter.MAX_GIF_SECONDS:
            raise CommandError("%s %g is longer than a GIF can show one frame (%g seconds)"
                               % (option, seconds, gifwriter.MAX_GIF_SECONDS))
    if args.loop > gifwriter.MAX_GIF_LOOP:
        raise CommandError("--loop %d is more plays than a GIF can store (%d); 0 plays forever"
                           % (args.loop, gifwriter.MAX_GIF_LOOP))
    try:
        moments = check_options(args.sizes, args.init, args.limit, args.epochs,
                                args.mini_batch_size, args.every, args.per_epoch, args.frames,
                                args.duration, args.pause, args.loop, args.dpi, OPTION_NAMES)
    except ValueError as e:
        raise CommandError(str(e)) from None
    init_names = {"zeros": "all-zero", "scaled": "random (scaled)",
                  "standard": "random (standard)"}
    say("mnist_scratch.gif: network %s from %s weights, %s training images x %s, mini-batch %d, "
        "eta %g, %s" % (list(args.sizes), init_names[args.init],
                        format(min(args.limit, SPLITS["train"][2]), ","),
                        count(args.epochs, "epoch"), args.mini_batch_size, args.eta,
                        count(moments, "frame")))
    out_dir = output_folder(args.out or default_gif_dir(), say, "GIF folder")
    started = time.perf_counter()
    bars = {}

    def progress(stage, done, total):
        if args.quiet:
            return
        if stage not in bars:
            for bar in bars.values():
                bar.clear()
            bars[stage] = Progress(total, unit="examples" if stage == "training" else "frames",
                                   stream=err)
        bars[stage].update(done, stage)

    try:
        recording = record(args.sizes, args.init, args.limit, args.epochs, args.mini_batch_size,
                           args.eta, args.every, args.per_epoch, args.frames,
                           args.validation_limit, args.seed, args.data_dir, progress)
        say("Trained in %s." % format_seconds(recording["seconds"]))
        result = draw(recording, out_dir, args.duration, args.pause, args.loop, args.dpi,
                      progress)
    except TrainingDiverged as e:
        raise CommandError(str(e)) from None
    finally:
        for bar in bars.values():
            bar.clear()
    vmin, vmax = result["limits"]
    from .gifwriter import CAPTION_SEPARATOR
    say("Wrote %d GIFs of %s into %s (colour scale %.3g to %.3g on every frame):"
        % (len(result["paths"]), count(result["frames"], "frame"), out_dir, vmin, vmax))
    say("  " + " ".join(os.path.basename(p) for p in result["paths"]))
    say("Last frame: %s." % recording["captions"][-1].replace(CAPTION_SEPARATOR, ", "))
    say("Total time %s." % format_seconds(time.perf_counter() - started))
    return 0


def main(argv=None):
    return run_main(build_parser(), run, argv)


if __name__ == "__main__":
    sys.exit(main())
