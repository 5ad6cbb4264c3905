"""Train a network on MNIST from the command line.

Examples:
    python -m mnist_scratch.learn                          # 3 epochs, a few minutes
    python -m mnist_scratch.learn --epochs 30 --save net.json   # the book's full run
    python -m mnist_scratch.learn --sizes 784 10 --eta 1.0  # a single-layer network
    python -m mnist_scratch.learn --limit 10000 --epochs 1  # a quick look (under a minute)
    python -m mnist_scratch.learn --data-dir ~/mnist        # MNIST files somewhere else
    python -m mnist_scratch.learn --plots figures           # also learning curves, confusion matrix

Chapter 3's improvements, each off unless asked for (see training.sgd):
    python -m mnist_scratch.learn --sizes 784 100 10 --cost cross-entropy --lmbda 5 \
        --eta 0.5 --epochs 30                               # the book's 98%
    python -m mnist_scratch.learn --cost log-likelihood --activation relu --eta 0.1
    python -m mnist_scratch.learn --patience 10 --halvings 6 --epochs 100   # the schedule
    python -m mnist_scratch.learn --expand                  # + shifted copies (5x the data)
    python -m mnist_scratch.learn --distort                 # new random distortions each epoch

Per epoch it prints the accuracy on the 10,000 validation images (the last
10,000 of the training file, which it never trains on); at the end it scores
the best epoch's network once on the 10,000 test images. With --save, the best
network so far (by validation accuracy) is written after every epoch that
improves on it. Ctrl-C stops training: the best network of the finished
epochs stays saved and the history of the run so far is written; a Ctrl-C
before the first epoch has finished saves no network (and says so). Further
Ctrl-Cs while those files are written are ignored, so they are never lost.

What can be checked before training is checked before the data is even
loaded: the sizes of the network (and the memory it needs, and that of
--expand), the options that need one another (--halvings needs --patience,
--patience needs validation images, --dropout a hidden layer) and every
output file and folder (a missing --plots folder is created).
"""

import argparse
import os
import sys
import time

from . import network as network_module

from .activations import ACTIVATIONS
from .augment import Distorter, shifted_copies, shifted_copies_bytes
from .checks import physical_memory
from .cli import (ArgumentParser, CommandError, handle_interrupts, line_printer,
                  load_visualizer, non_negative_int, output_folder, path_text, positive_float,
                  positive_int, run_main)
from .costs import COSTS
from .datasets import FILES, DataError, find_file, load_mnist
from .fileio import check_writable, same_file
from .network import INITS, Network
from .progress import Progress, count, format_seconds
from .training import History, TrainingDiverged, evaluate, sgd

# Defaults: the book's setup (Nielsen, chapter 1), except the number of epochs,
# kept small so that a first run takes a few minutes; --epochs 30 is the book's.
DEFAULT_SIZES = [784, 30, 10]  # neurons per layer: 28x28 inputs, 30 hidden, 10 digits
DEFAULT_EPOCHS = 3             # passes over the 50,000 training images
DEFAULT_MINI_BATCH_SIZE = 10   # examples per gradient step
DEFAULT_ETA = 3.0              # learning rate
DEFAULT_SEED = 1               # seeds the initial weights and the shuffles
DEFAULT_COST = "quadratic"     # chapter 1's cost; chapter 3: cross-entropy, log-likelihood
DEFAULT_ACTIVATION = "sigmoid" # the hidden neurons
TRAINING_IMAGES = 50000        # the training split of MNIST (the rest is validation)
# --distort STRENGTH: the largest distortion at strength 1, each limit scaled by STRENGTH
# (see augment.Distorter): rotation in degrees, change of size, shear, shift in pixels.
DISTORTION_AT_STRENGTH_1 = {"rotation": 10.0, "scale": 0.1, "shear": 0.2, "shift": 1.5}
MAX_DISTORTION = 4.0           # beyond this a digit can turn into another (a 6 into a 9)
FULL_RUN = "python -m mnist_scratch.learn --epochs 30 --save mnist-784-30-10.json"
PROG = "python -m mnist_scratch.learn"
PLOT_FILES = ("curves.png", "confusion.png")


def fraction(text):
    """An argparse type: a number in [0, 1) (a probability, a momentum)."""
    value = non_negative_float(text)
    if value >= 1:
        raise argparse.ArgumentTypeError("must be less than 1, got %s" % text)
    return value


def non_negative_float(text):
    """An argparse type: a finite number >= 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a number" % text) from None
    if not (0.0 <= value < float("inf")):
        raise argparse.ArgumentTypeError("must be a finite number, at least 0, got %s" % text)
    return value


def distortion_strength(text):
    """An argparse type: the strength of --distort, a number in [0, MAX_DISTORTION]."""
    value = non_negative_float(text)
    if value > MAX_DISTORTION:
        raise argparse.ArgumentTypeError("must be at most %g, got %s" % (MAX_DISTORTION, text))
    return value


def distorter(strength):
    """The augment function of ``--distort STRENGTH``: an augment.Distorter whose
    limits are DISTORTION_AT_STRENGTH_1 times ``strength``; None for 0 (off)."""
    if not strength:
        return None
    return Distorter(**{name: limit * strength for name, limit in DISTORTION_AT_STRENGTH_1.items()})


def check_training_options(sizes, dropout, patience, halvings, validation_limit, expand,
                           limit, option="--"):
    """Raise CommandError for chapter 3 options that cannot work together, before any data
    is loaded: --halvings without --patience, --patience without validation images,
    --dropout without a hidden layer, --expand beyond this machine's memory.
    (Each value's own range is checked by the argument types.)"""
    if halvings and patience is None:
        raise CommandError("%shalvings %d needs %spatience: how many epochs without a better "
                           "validation accuracy before eta is halved" % (option, halvings, option))
    if patience is not None and validation_limit == 0:
        raise CommandError("%spatience needs validation images to watch; drop "
                           "%svalidation-limit 0" % (option, option))
    if dropout and len(sizes) < 3:
        raise CommandError("%sdropout needs a hidden layer; %s has none"
                           % (option, " ".join(map(str, sizes))))
    if expand:
        images = min(limit or TRAINING_IMAGES, TRAINING_IMAGES)
        needed, memory = shifted_copies_bytes(images), physical_memory()
        if memory is not None and needed > memory / 2:
            raise CommandError("%sexpand: the shifted copies of %d images need about %.1f GB; "
                               "this machine has %.1f GB (use %slimit)"
                               % (option, images, needed / 1e9, memory / 1e9, option))


def build_parser():
    parser = ArgumentParser(
        prog=PROG,
        description="Train a network on MNIST by mini-batch SGD, in pure Python.",
        epilog="The book's full setup: " + FULL_RUN)
    parser.add_argument("--sizes", type=positive_int, nargs="+", default=DEFAULT_SIZES,
                        metavar="N", help="layer sizes, input first (default: 784 30 10)")
    parser.add_argument("--epochs", type=non_negative_int, default=DEFAULT_EPOCHS,
                        help="passes over the training data (default: %(default)s)")
    parser.add_argument("--mini-batch-size", type=positive_int, default=DEFAULT_MINI_BATCH_SIZE,
                        metavar="M", help="examples per gradient step (default: %(default)s)")
    parser.add_argument("--eta", type=positive_float, default=DEFAULT_ETA,
                        help="learning rate (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="random seed for weights and shuffles (default: %(default)s)")
    parser.add_argument("--init", choices=INITS, default="scaled",
                        help="initial weights: scaled = N(0, 1/inputs) (default), standard = "
                             "N(0, 1) as in the book's network.py, zeros")
    parser.add_argument("--cost", choices=list(COSTS), default=DEFAULT_COST,
                        help="the cost: quadratic (default, chapter 1), cross-entropy (sigmoid "
                             "outputs), log-likelihood (softmax outputs)")
    parser.add_argument("--activation", choices=list(ACTIVATIONS), default=DEFAULT_ACTIVATION,
                        help="the hidden neurons (default: %(default)s)")
    parser.add_argument("--lmbda", type=non_negative_float, default=0.0,
                        help="L2 regularisation: weights decay by (1 - eta lmbda / n) each step, "
                             "n the number of training images (default: 0, none; the book: 5)")
    parser.add_argument("--momentum", type=fraction, default=0.0, metavar="MU",
                        help="momentum mu in [0, 1) (default: 0, none)")
    parser.add_argument("--dropout", type=fraction, default=0.0, metavar="P",
                        help="probability of switching off each hidden neuron for one training "
                             "image, in [0, 1) (default: 0, none)")
    parser.add_argument("--patience", type=positive_int, default=None, metavar="EPOCHS",
                        help="early stopping: stop after this many epochs without a better "
                             "validation accuracy (default: never)")
    parser.add_argument("--halvings", type=non_negative_int, default=0, metavar="K",
                        help="with --patience: halve eta instead of stopping, up to K times "
                             "(default: 0)")
    parser.add_argument("--expand", action="store_true",
                        help="add each training image moved one pixel up, down, left and right "
                             "(the book's expanded data: 5x the images)")
    parser.add_argument("--distort", type=distortion_strength, nargs="?", const=1.0, default=0.0,
                        metavar="STRENGTH",
                        help="train each epoch on new random distortions of the images (rotation "
                             "up to 10 degrees, size 10%%%%, shear 0.2, shift 1.5 pixels, all times "
                             "STRENGTH; default strength 1, at most %g)" % MAX_DISTORTION)
    parser.add_argument("--limit", type=positive_int, default=None,
                        help="train on only the first N of the 50,000 training images")
    parser.add_argument("--validation-limit", type=non_negative_int, default=None, metavar="N",
                        help="validate on only the first N of the 10,000 validation images "
                             "(0: no validation)")
    parser.add_argument("--test-limit", type=non_negative_int, default=None, metavar="N",
                        help="test on only the first N of the 10,000 test images (0: no test)")
    parser.add_argument("--data-dir", type=path_text, default=None,
                        help="folder with the four MNIST .gz files (default: the project's data/, "
                             "or $MNIST_DATA_DIR)")
    parser.add_argument("--save", metavar="FILE", type=path_text, default=None,
                        help="save the best network (by validation accuracy) as JSON")
    parser.add_argument("--history", metavar="FILE", type=path_text, default=None,
                        help="save the training history (per epoch and mini-batch) as JSON "
                             "(gzipped if FILE ends in .gz)")
    parser.add_argument("--plots", metavar="DIR", type=path_text, default=None,
                        help="at the end, write curves.png (learning curves) and confusion.png "
                             "(on the test images) into this folder, created if missing; "
                             "needs the viz extras (matplotlib, imageio, Pillow)")
    parser.add_argument("--quiet", action="store_true", help="no progress line, only results")
    return parser


def write_plots(folder, history, test_result, test_data):
    """Write the learning curves and (if there was a test) the confusion matrix into ``folder``.

    Returns:
        list of the files written.
    """
    viz = load_visualizer("--plots")
    curves, confusion = (os.path.join(folder, name) for name in PLOT_FILES)
    paths = []
    if history is not None and (history.batch_examples or history.epochs):
        viz.plot_learning_curves(history, path=curves,
                                 title="Learning curves of %s" % history.settings.get("sizes"))
        paths.append(curves)
    if test_result is not None:
        matrix = viz.confusion_matrix([label for _, label in test_data], test_result.predictions)
        viz.plot_confusion_matrix(matrix, path=confusion)
        paths.append(confusion)
    return paths


def check_arguments(args, say):
    """Everything that could stop the run later, checked before any data is loaded.

    Returns:
        the absolute path of the --plots folder (created if missing), or None.
    """
    if len(args.sizes) < 2:
        raise CommandError("--sizes needs at least two layers (inputs and outputs)")
    if args.sizes[0] != 784:
        raise CommandError("--sizes must start with 784, the number of pixels of an MNIST image")
    if args.sizes[-1] != 10:
        raise CommandError("--sizes must end with 10, one output neuron per digit")
    try:
        network_module.check_size(args.sizes)  # a network too big for memory, refused up front
    except ValueError as e:
        raise CommandError("--sizes: %s" % e) from None
    check_training_options(args.sizes, args.dropout, args.patience, args.halvings,
                           args.validation_limit, args.expand, args.limit)
    outputs = [(option, path) for option, path in (("--save", args.save), ("--history", args.history))
               if path is not None]
    for option, path in outputs:
        check_writable(path, "%s file" % option)
    plots = None
    if args.plots is not None:
        load_visualizer("--plots")  # fail now, not after training
        plots = output_folder(args.plots, say, "--plots folder")
        for name in PLOT_FILES:
            outputs.append(("--plots", os.path.join(plots, name)))
            check_writable(outputs[-1][1], "--plots file")
    # Two outputs into one file, or an output over the data, would lose a file.
    data_files = []
    for name in FILES["train"] + FILES["test"]:
        try:
            data_files.append(find_file(name, args.data_dir))
        except DataError:
            pass  # reported by the loader, with where it looked
    for i, (option, path) in enumerate(outputs):
        for other_option, other in outputs[:i]:
            if same_file(path, other):
                raise CommandError("%s and %s both name the file %s; give them different names"
                                   % (other_option, option, path))
        for data_file in data_files:
            if same_file(path, data_file):
                raise CommandError("%s %s would overwrite the MNIST file %s"
                                   % (option, path, data_file))
    return plots


def note_short_split(limit, examples, split, option):
    """A one-line note (or None) when ``limit`` asked for more examples than ``split`` has."""
    if limit is None or limit <= len(examples):
        return None
    extra = (" (the rest of the training file is kept for validation, never trained on)"
             if split == "training" else "")
    return ("%s: note: %s %d is more than the %d images of the %s split%s; using all %d"
            % (PROG, option, limit, len(examples), split, extra, len(examples)))


def run(args, out=None, err=None):
    """Train as ``args`` say. Returns the exit code."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    say = line_printer(out)
    with handle_interrupts() as interrupts:
        return train(args, say, err, interrupts)


def train(args, say, err, interrupts):
    """The run itself (see ``run``); a first Ctrl-C arrives as KeyboardInterrupt, and
    ``interrupts.deferred()`` keeps it from cutting a save short."""
    started = time.perf_counter()
    plots_folder = check_arguments(args, say)
    training_data = load_mnist("train", args.data_dir, limit=args.limit)
    validation_data = (load_mnist("validation", args.data_dir, limit=args.validation_limit)
                       if args.validation_limit != 0 else [])
    test_data = load_mnist("test", args.data_dir, limit=args.test_limit) if args.test_limit != 0 else []
    for note in (note_short_split(args.limit, training_data, "training", "--limit"),
                 note_short_split(args.validation_limit, validation_data, "validation",
                                  "--validation-limit"),
                 note_short_split(args.test_limit, test_data, "test", "--test-limit")):
        if note:
            line_printer(err)(note)
    images = len(training_data)
    if args.expand:
        training_data = shifted_copies(training_data)
    net = Network(args.sizes, seed=args.seed, init=args.init, activation=args.activation,
                  cost=args.cost)
    say("mnist_scratch: network %s, %s / %d validation / %d test images"
        % (args.sizes, ("%d training (%d and their shifted copies)" % (len(training_data), images)
                        if args.expand else "%d training" % images),
           len(validation_data), len(test_data)))
    say("%s, mini-batch size %d, eta %g, init %s, seed %d (data loaded in %.1f s)"
        % (count(args.epochs, "epoch"), args.mini_batch_size, args.eta, args.init, args.seed,
           time.perf_counter() - started))
    options = describe_options(args)
    if options:
        say(options)

    progress = None if args.quiet else Progress(len(training_data) * args.epochs, stream=err)
    # sgd gives the network new weight lists at the start of every epoch, so a
    # reference taken after an epoch is a free snapshot of the best network so far.
    best = {"accuracy": -1.0, "epoch": 0, "weights": net.weights, "biases": net.biases}
    epoch_now = {"epoch": 1}

    def on_batch(info):
        epoch_now["epoch"] = info["epoch"]
        if progress is not None:
            progress.update(info["examples_seen"], "epoch %d/%d" % (info["epoch"], args.epochs))

    def on_epoch(record, network):
        epoch_now["epoch"] = record["epoch"] + 1
        if progress is not None:
            progress.clear()
        # Keep the best network before printing: a Ctrl-C right after the line
        # appears then still finds this epoch in ``best``.
        # Without validation data there is nothing to choose by: keep the latest.
        improved = not validation_data or record["evaluation_accuracy"] > best["accuracy"]
        if improved:
            best.update(accuracy=record.get("evaluation_accuracy", -1.0), epoch=record["epoch"],
                        weights=network.weights, biases=network.biases)
        # The learning rate, once the schedule has changed it.
        rate = "  eta %g" % record["eta"] if record.get("eta", args.eta) != args.eta else ""
        if validation_data:
            say("Epoch %d/%d: %d / %d (%.2f%%)  cost %.4f  %.1f s%s"
                % (record["epoch"], args.epochs, record["evaluation_correct"],
                   record["evaluation_total"], 100 * record["evaluation_accuracy"],
                   record["evaluation_cost"], record["seconds"], rate))
        else:
            say("Epoch %d/%d: training accuracy %.2f%%  cost %.4f  %.1f s%s"
                % (record["epoch"], args.epochs, 100 * record["train_accuracy"],
                   record["train_cost"], record["seconds"], rate))
        if improved and args.save:
            with interrupts.deferred():
                save_best(args, best, len(training_data))

    # Given to sgd, so it survives a Ctrl-C; sgd adds the settings it knows.
    history = History({"expand": args.expand, "distort": args.distort})
    interrupted = False
    try:
        sgd(net, training_data, args.epochs, args.mini_batch_size, args.eta,
            evaluation_data=validation_data, seed=args.seed,
            on_batch=on_batch, on_epoch=on_epoch, history=history,
            lmbda=args.lmbda, momentum=args.momentum, dropout=args.dropout,
            patience=args.patience, halvings=args.halvings, augment=distorter(args.distort))
    except KeyboardInterrupt:
        # From here on, further Ctrl-Cs are ignored (see cli.Interrupts): the saves finish.
        interrupted = True
        if progress is not None:
            progress.clear()
        say("Interrupted.")
        if args.save and best["epoch"]:
            # Save the best network once more: the Ctrl-C may have come between
            # keeping an epoch in ``best`` and saving it. (Saves are atomic.)
            save_best(args, best, len(training_data))
        elif args.save:
            say("No network saved: the run stopped in epoch %d, before any epoch finished "
                "(--save writes the best network at the end of each epoch)." % epoch_now["epoch"])
    except TrainingDiverged as e:
        if progress is not None:
            progress.clear()
        raise CommandError(str(e)) from None

    if history.stopped:  # early stopping ("stopped after epoch 23: no better ...")
        say(history.stopped[0].upper() + history.stopped[1:] + ".")
    if args.history:
        with interrupts.deferred():
            history.save(args.history)
        say("Saved the history to %s" % args.history)
    if best["epoch"] == 0:
        say("No epoch finished; nothing to report.")
        return 130 if interrupted else 0
    net.weights, net.biases = best["weights"], best["biases"]
    if validation_data:
        say("Best epoch: %d, validation accuracy %.2f%%" % (best["epoch"], 100 * best["accuracy"]))
    result = None
    if test_data and not interrupted:
        result = evaluate(net, test_data)
        say("Test accuracy of that network: %d / %d (%.2f%%)  cost %.4f"
            % (result.correct, result.total, 100 * result.accuracy, result.cost))
    if plots_folder is not None and not interrupted:
        for path in write_plots(plots_folder, history, result, test_data):
            say("Wrote %s" % path)
    if args.save:
        say("Saved to %s" % args.save)
    say("Total time %s." % format_seconds(time.perf_counter() - started))
    if args.epochs < 30 and not interrupted and not args.quiet:
        say("The book's full setup (about 7 minutes; under 30 s with PyPy): " + FULL_RUN)
    return 130 if interrupted else 0


def describe_options(args):
    """The chapter 3 options of a run as one line, e.g. "cost cross-entropy, L2 lmbda 5";
    "" when every one is off (chapter 1's network)."""
    parts = []
    if args.cost != DEFAULT_COST:
        parts.append("cost %s%s" % (args.cost, " (softmax outputs)"
                                    if args.cost == "log-likelihood" else ""))
    if args.activation != DEFAULT_ACTIVATION:
        parts.append("%s hidden neurons" % args.activation)
    if args.lmbda:
        parts.append("L2 lmbda %g" % args.lmbda)
    if args.momentum:
        parts.append("momentum %g" % args.momentum)
    if args.dropout:
        parts.append("dropout %g" % args.dropout)
    if args.patience is not None:
        parts.append("stop after %s without a better validation accuracy"
                     % count(args.patience, "epoch"))
        if args.halvings:
            parts.append("but first halve eta, up to %s" % count(args.halvings, "time"))
    if args.expand:
        parts.append("shifted copies of the training images")
    if args.distort:
        parts.append("random distortions (strength %g) each epoch" % args.distort)
    return ", ".join(parts)


def save_best(args, best, training_examples):
    """Save the best network so far to ``args.save``, with how it was trained."""
    meta = {"trained_by": PROG, "epoch": best["epoch"],
            "validation_accuracy": best["accuracy"], "epochs": args.epochs,
            "mini_batch_size": args.mini_batch_size, "eta": args.eta, "seed": args.seed,
            "init": args.init, "training_examples": training_examples,
            "cost": args.cost, "activation": args.activation, "lmbda": args.lmbda,
            "momentum": args.momentum, "dropout": args.dropout, "patience": args.patience,
            "halvings": args.halvings, "expand": args.expand, "distort": args.distort}
    Network.from_parameters(best["weights"], best["biases"], meta, activation=args.activation,
                            cost=args.cost).save(args.save)


def main(argv=None):
    return run_main(build_parser(), run, argv)


if __name__ == "__main__":
    sys.exit(main())
