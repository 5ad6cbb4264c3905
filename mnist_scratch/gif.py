"""Train a network while recording its weights, then write GIFs of it learning.

Examples:
    python -m mnist_scratch.gif                       # [784, 10] from zeros: 10,000 images, 30 s
    python -m mnist_scratch.gif --out my_gifs --mini-batch-size 1 --eta 0.3 --limit 99 --frames 100
                                                      # one frame after every example (99 images)
    python -m mnist_scratch.gif --out my_gifs --init scaled           # from random weights instead
    python -m mnist_scratch.gif --out my_gifs --per-epoch --epochs 10 --limit 5000  # per epoch
    python -m mnist_scratch.gif --out my_gifs --sizes 784 30 10 --init scaled --eta 3.0
                                          # what each digit "looks for" through 30 hidden neurons
    python -m mnist_scratch.gif --out my_gifs --frames 40 --duration 0.2 --loop 1

It writes into --out (default: the project's gifs/ folder, whose GIFs are the
first command's; give --out an existing folder of your own to keep them):
    digit-0.gif ... digit-9.gif   one GIF per output digit
    digits.gif                    all ten side by side

What a tile shows: for a network without hidden layers ([784, 10]), output
neuron j's 784 incoming weights, i.e. the template digit j is matched
against. With hidden layers, what digit j "looks for" through them: the
product of the weight matrices (see visualize.looks_for). Red = positive
weight (ink there votes for the digit), blue = negative; every frame of every
GIF uses the same colour scale, printed on the colour bar.

Recording is nearly free: training never changes a weight list in place, it
builds new ones, so a snapshot is just a reference to the current lists.
The pictures are drawn after training. The caption of each frame gives the
examples seen so far and the accuracy of that snapshot on --validation-limit
validation images (measured after training, so it does not slow it down).

"Record after every example" means --mini-batch-size 1 (each mini-batch is
then one example) with --every 1.
"""

import math
import os
import sys
import time

from .cli import (ArgumentParser, CommandError, line_printer, load_visualizer,
                  non_negative_int, positive_float, positive_int, run_main)
from .datasets import load_mnist
from .network import INITS, Network
from .progress import Progress, count, format_seconds
from .training import TrainingDiverged, evaluate, sgd

# Defaults: a single-layer network from all-zero weights gives the clearest
# pictures (every template starts white and the digits appear out of nothing).
DEFAULT_SIZES = [784, 10]      # neurons per layer
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


def default_gif_dir():
    """The project's gifs/ folder (next to the package, like the data folder)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(os.path.dirname(here), "gifs")


def frame_points(batches_per_epoch, epochs, every=1, per_epoch=False, frames=None):
    """Which moments to record, as numbers of mini-batches trained so far.

    The candidates are 0 (before training), then every ``every`` mini-batches
    (or the end of each epoch with ``per_epoch``), and always the very end.
    If there are more than ``frames`` candidates, ``frames`` of them are
    picked evenly, keeping the first and the last.

    Returns:
        sorted list of distinct ints in [0, batches_per_epoch * epochs].
    """
    total = batches_per_epoch * epochs
    if per_epoch:
        candidates = [batches_per_epoch * e for e in range(epochs + 1)]
    else:
        candidates = list(range(0, total + 1, every))
        if candidates[-1] != total:
            candidates.append(total)
    if frames is not None and len(candidates) > frames:
        if frames == 1:
            return [total]
        step = (len(candidates) - 1) / (frames - 1)
        candidates = sorted({candidates[round(i * step)] for i in range(frames)})
    return candidates


class Recorder:
    """Keeps references to a network's weight lists at chosen mini-batches.

    Use ``recorder.on_batch`` as sgd's on_batch callback. Each snapshot is
    (examples_seen, weights, biases); since training replaces the lists
    instead of changing them, the references stay as they were.

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
            self.snapshots.append((0, network.weights, network.biases))

    def on_batch(self, info):
        self.batches += 1
        if self.batches in self.points:
            self.snapshots.append((info["examples_seen"], self.network.weights,
                                   self.network.biases))


def tiles_of(weights):
    """The ten pictures of one snapshot: the weights of a [784, 10] network, or what each
    output "looks for" (the product of the weight matrices) with hidden layers.

    Returns:
        list of sizes[-1] rows of 784 numbers.
    """
    if len(weights) == 1:
        return weights[0]
    from .visualize import weight_product
    return list(weight_product(weights))


def build_parser():
    parser = ArgumentParser(
        prog="python -m mnist_scratch.gif",
        description="Train a network on MNIST while recording its weights, then write GIFs "
                    "of the weight images changing: one per digit and one grid of all ten.",
        epilog="Record after every single example: --mini-batch-size 1 --every 1 "
               "(and a smaller --eta, e.g. 0.3).")
    parser.add_argument("--sizes", type=positive_int, nargs="+", default=DEFAULT_SIZES,
                        metavar="N", help="layer sizes (default: 784 10; with hidden layers the "
                                          "GIFs show what each digit 'looks for' through them)")
    parser.add_argument("--init", choices=INITS, default=DEFAULT_INIT,
                        help="starting weights: zeros (default, clearest pictures), scaled or "
                             "standard (random)")
    parser.add_argument("--limit", type=positive_int, default=DEFAULT_LIMIT, metavar="N",
                        help="train on the first N training images (default: %(default)s)")
    parser.add_argument("--epochs", type=positive_int, default=DEFAULT_EPOCHS,
                        help="passes over them (default: %(default)s)")
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
                             "(default: %(default)s)")
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
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="folder to write the GIFs into (default: the project's gifs/)")
    parser.add_argument("--data-dir", default=None,
                        help="folder with the MNIST files (default: the project's data/)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser


def run(args, out=None, err=None):
    """Train, record and write the GIFs as ``args`` say. Returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    if len(args.sizes) < 2 or args.sizes[0] != 784 or args.sizes[-1] != 10:
        raise CommandError("--sizes must start with 784 (pixels) and end with 10 (digits)")
    if args.init == "zeros" and len(args.sizes) > 2:
        raise CommandError("--init zeros cannot train hidden layers (every hidden neuron would "
                           "stay the same); use --init scaled")
    out_dir = args.out or default_gif_dir()
    if not os.path.isdir(out_dir):
        raise CommandError("output folder %s does not exist" % out_dir)
    visualize = load_visualizer("making GIFs")
    # Before any training: a GIF cannot store these, so say so now, not minutes later.
    for option, seconds in (("--duration", args.duration), ("--pause", args.pause)):
        if seconds > visualize.MAX_GIF_SECONDS:
            raise CommandError("%s %g is longer than a GIF can show one frame (%g seconds)"
                               % (option, seconds, visualize.MAX_GIF_SECONDS))
    if args.loop > visualize.MAX_GIF_LOOP:
        raise CommandError("--loop %d is more plays than a GIF can store (%d); 0 plays forever"
                           % (args.loop, visualize.MAX_GIF_LOOP))

    say = line_printer(out)

    started = time.perf_counter()
    training_data = load_mnist("train", args.data_dir, limit=args.limit)
    validation_data = (load_mnist("validation", args.data_dir, limit=args.validation_limit)
                       if args.validation_limit else [])
    net = Network(args.sizes, seed=args.seed, init=args.init)
    batches_per_epoch = math.ceil(len(training_data) / args.mini_batch_size)
    points = frame_points(batches_per_epoch, args.epochs, args.every, args.per_epoch, args.frames)
    recorder = Recorder(net, points)
    init_names = {"zeros": "all-zero", "scaled": "random (scaled)",
                  "standard": "random (standard)"}
    say("mnist_scratch.gif: network %s from %s weights, %d images x %s, mini-batch %d, "
        "eta %g, %s" % (args.sizes, init_names[args.init], len(training_data),
                        count(args.epochs, "epoch"), args.mini_batch_size, args.eta,
                        count(len(points), "frame")))

    progress = None if args.quiet else Progress(len(training_data) * args.epochs, stream=err)

    def on_batch(info):
        recorder.on_batch(info)
        if progress is not None:
            progress.update(info["examples_seen"], "training")

    try:
        sgd(net, training_data, args.epochs, args.mini_batch_size, args.eta, seed=args.seed,
            on_batch=on_batch)
    except TrainingDiverged as e:
        raise CommandError(str(e)) from None
    finally:
        if progress is not None:
            progress.clear()
    trained = time.perf_counter()
    say("Trained in %s." % format_seconds(trained - started))

    # Score every snapshot (after training, so recording costs training nothing).
    snapshots = recorder.snapshots
    captions = []
    progress = None if args.quiet else Progress(len(snapshots), unit="frames", stream=err)
    for i, (seen, weights, biases) in enumerate(snapshots, 1):
        caption = "%s examples seen" % format(seen, ",")
        if validation_data:
            score = evaluate(Network.from_parameters(weights, biases), validation_data)
            caption += visualize.CAPTION_SEPARATOR + "%.1f%% right on %s validation images" % (
                100 * score.accuracy, format(score.total, ","))
        captions.append(caption)
        if progress is not None:
            progress.update(i, "scoring")
    if progress is not None:
        progress.clear()

    frames = [tiles_of(weights) for _, weights, _ in snapshots]
    pictures = len(frames) * (len(frames[0]) + 1)  # a GIF per tile, and the grid GIF
    progress = None if args.quiet else Progress(pictures, unit="frames", stream=err)
    result = visualize.write_weight_gifs(
        out_dir, frames, captions, ["digit %d" % d for d in range(10)],
        duration=args.duration, loop=args.loop, last_duration=args.pause,
        on_frame=(lambda done, total: progress.update(done, "drawing")) if progress else None)
    if progress is not None:
        progress.clear()
    vmin, vmax = result["limits"]
    say("Wrote %d GIFs of %s into %s (colour scale %.3g to %.3g on every frame)."
        % (len(result["paths"]), count(result["frames"], "frame"), out_dir, vmin, vmax))
    say("Last frame: %s." % captions[-1].replace(visualize.CAPTION_SEPARATOR, ", "))
    say("Total time %s." % format_seconds(time.perf_counter() - started))
    return 0


def main(argv=None):
    return run_main(build_parser(), run, argv)


if __name__ == "__main__":
    sys.exit(main())
