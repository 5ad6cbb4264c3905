"""Write every static figure of a trained network, from the command line.

Examples:
    python -m mnist_scratch.plots --out figures              # the pretrained [784, 100, 10] network
    python -m mnist_scratch.plots data/networks/mnist-784-30-10.json --out figures  # chapter 1's
    python -m mnist_scratch.plots data/networks/mnist-784-10.json --out figures
    python -m mnist_scratch.plots net.json --history history.json --out figures
    (a history saved next to the network as NAME.history.json.gz is used by itself)
    python -m mnist_scratch.plots --out figures --test-limit 2000   # quicker, on 2,000 test images
    python -m mnist_scratch.plots --out figures --dpi 100           # smaller pictures

It writes into --out (created if missing):
    samples.png     the first test images with the label and the network's guess
    wrong.png       the test images the network got wrong while most sure
    weights.png     each first-layer neuron's incoming weights as a 28 x 28 image
                    (for [784, 10] the ten digit templates, otherwise the
                    receptive fields of the hidden neurons)
    looks_for.png   (networks with hidden layers) what each digit "looks for"
                    through them: the product of the weight matrices
    confusion.png   the confusion matrix on the test images; the most
                    confused pairs are also printed
    curves.png      (with a history) cost and accuracy during training
A figure of this list that the network does not get (looks_for.png for
[784, 10], curves.png without a history, wrong.png when every image is
right) is removed from --out if an earlier run left one there, and the
command says so: the folder never mixes two networks' figures.

From Python, without the command line:
    from mnist_scratch import plots
    paths = plots.write_all(network, test_data, "figures", history=history)
"""

import math
import os
import sys
import time

from .analysis import (confusion_matrix, describe_pair, largest_magnitude, looks_for,
                       most_confused_pairs)
from .cli import (ArgumentParser, CommandError, line_printer, load_visualizer, output_folder,
                  path_text, positive_float, positive_int, run_main)
from .datasets import load_mnist, shipped_network
from .network import Network
from .progress import count, format_seconds
from .training import History, evaluate

# The shipped networks (data/networks/): chapter 3's [784, 100, 10] is the default
# (the best one), chapter 1's [784, 30, 10] the one used if it is missing.
DEFAULT_NETWORK_NAME = "mnist-784-100-10.json"
CHAPTER1_NETWORK_NAME = "mnist-784-30-10.json"
SAMPLES = 30      # test images in samples.png
WRONG = 20        # images in wrong.png
DEFAULT_DPI = 150  # pixels per inch (figures.DEFAULT_DPI)
FIGURE_NAMES = ("samples.png", "wrong.png", "weights.png", "looks_for.png", "confusion.png",
                "curves.png")


def default_network():
    """The best pretrained network shipped in the project's data/networks/: chapter 3's
    [784, 100, 10] (DEFAULT_NETWORK_NAME), or chapter 1's [784, 30, 10] if that is missing."""
    path = shipped_network(DEFAULT_NETWORK_NAME)
    return path if os.path.isfile(path) else shipped_network(CHAPTER1_NETWORK_NAME)


def history_beside(network_path):
    """The training history saved next to a network, if there is one.

    ``mnist-784-30-10.json`` looks for ``mnist-784-30-10.history.json.gz``, then
    ``mnist-784-30-10.history.json``. Returns the path, or None.
    """
    stem = network_path[:-5] if network_path.endswith(".json") else network_path
    for candidate in (stem + ".history.json.gz", stem + ".history.json"):
        if os.path.isfile(candidate):
            return candidate
    return None


def empty_history(history):
    """What is wrong with a history that has no learning curves to draw, or None."""
    if history.epochs or history.batch_examples:
        return None
    return "the training history is empty (no epoch finished), so there are no learning curves"


def figure_data(network, test_data, history=None):
    """Everything the figures show, computed and checked before any file is written.

    Args:
        network: a trained Network with 784 inputs and 10 outputs.
        test_data: list of (x, label) to show and score (the test set).
        history: optional training.History for the learning curves.

    Returns:
        dict with "network", "test_data", "history", "evaluation" (an
        Evaluation), "matrix" (the confusion matrix), "pairs" (the most confused
        pairs), "looks_for" (None without hidden layers) and "names" (the
        figures that will be written, in order).

    Raises:
        ValueError: a network that is not an MNIST classifier, weights too
            large to draw, no test data, or an empty history.
    """
    if network.sizes[0] != 784 or network.sizes[-1] != 10:
        raise ValueError("a network of sizes %s is not an MNIST classifier (784 inputs, "
                         "10 outputs)" % (network.sizes,))
    if not test_data:
        raise ValueError("no test images to draw")
    if history is not None and empty_history(history):
        raise ValueError(empty_history(history))
    evaluation = evaluate(network, test_data)
    if not math.isfinite(evaluation.cost):
        raise ValueError("the network's outputs are not numbers (weights as large as %.3g "
                         "overflow); was its training diverging?"
                         % largest_magnitude(network.weights))
    product = None
    if len(network.weights) > 1:
        product = looks_for(network)
        if largest_magnitude(product) == math.inf:
            raise ValueError("the weights are too large to draw what each digit looks for: the "
                             "product of the weight matrices overflows (weights as large as "
                             "%.3g); was its training diverging?"
                             % largest_magnitude(network.weights))
    matrix = confusion_matrix([label for _, label in test_data], evaluation.predictions,
                              network.sizes[-1])
    names = ["samples.png"]
    if evaluation.correct < evaluation.total:
        names.append("wrong.png")
    names.append("weights.png")
    if product is not None:
        names.append("looks_for.png")
    names.append("confusion.png")
    if history is not None:
        names.append("curves.png")
    return {"network": network, "test_data": test_data, "history": history,
            "evaluation": evaluation, "matrix": matrix, "pairs": most_confused_pairs(matrix),
            "looks_for": product, "names": names}


def write_figures(data, out_dir, name="network", dpi=DEFAULT_DPI):
    """Draw the figures of ``figure_data`` into ``out_dir`` (created if missing).

    Returns:
        list of the paths written, in the order of ``data["names"]``.
    """
    from . import visualize_figures as figures
    from .fileio import ensure_folder
    figures.check_dpi(dpi)
    out_dir = ensure_folder(out_dir, "figure folder")
    network, test_data, evaluation = data["network"], data["test_data"], data["evaluation"]
    labels = [label for _, label in test_data]
    first = network.weights[0]
    single = len(network.weights) == 1
    draw = {
        "samples.png": lambda path: figures.plot_images(
            [x for x, _ in test_data[:SAMPLES]], labels[:SAMPLES],
            evaluation.predictions[:SAMPLES], path=path, dpi=dpi,
            title="%s on the first %d test images: right in green, wrong in red"
                  % (name, min(SAMPLES, len(test_data)))),
        "wrong.png": lambda path: figures.plot_confidently_wrong(
            network, test_data, count=WRONG, path=path, dpi=dpi,
            predictions=evaluation.predictions),
        "weights.png": lambda path: figures.plot_weight_images(
            first, path=path, dpi=dpi, columns=5 if single else 10,
            titles=["digit %d" % j if single else "hidden %d" % (j + 1)
                    for j in range(len(first))],
            title="%s: the weights into each %s" % (
                name, "output neuron (the digit templates)" if single
                else "hidden neuron (its receptive field)")),
        "looks_for.png": lambda path: figures.plot_weight_images(
            data["looks_for"], path=path, dpi=dpi, columns=5,
            titles=["digit %d" % j for j in range(network.sizes[-1])],
            colorbar_label="product of the weights",
            title="%s: what each digit looks for through the hidden layer%s\n"
                  "(the product of the weight matrices)"
                  % (name, "s" if len(network.weights) > 2 else "")),
        "confusion.png": lambda path: figures.plot_confusion_matrix(
            data["matrix"], path=path, dpi=dpi,
            title="%s on %s test images: %.2f%% right"
                  % (name, format(evaluation.total, ","), 100 * evaluation.accuracy)),
        "curves.png": lambda path: figures.plot_learning_curves(
            data["history"], path=path, dpi=dpi, title="%s: learning curves" % name),
    }
    paths = []
    for file_name in data["names"]:
        paths.append(os.path.join(out_dir, file_name))
        draw[file_name](paths[-1])
    return paths


def stale_figures(out_dir, names):
    """The figures of FIGURE_NAMES in ``out_dir`` that a run writing ``names`` does not
    replace: left there by an earlier run, of another network."""
    return [os.path.join(out_dir, file_name) for file_name in FIGURE_NAMES
            if file_name not in names and os.path.isfile(os.path.join(out_dir, file_name))]


def write_all(network, test_data, out_dir, history=None, name="network", dpi=DEFAULT_DPI):
    """Write every figure of ``network`` into ``out_dir``: what the command does, from Python.

    Everything is computed and checked before the first file is written. A
    figure the network does not get (see the module docstring) is removed from
    ``out_dir`` if an earlier run left one there.

    Args:
        network: a trained Network with 784 inputs and 10 outputs.
        test_data: list of (x, label) to show and score (the test set).
        out_dir: the folder to write into (created if missing).
        history: optional training.History for the learning curves.
        name: how the figures' titles name the network.
        dpi: pixels per inch.

    Returns:
        list of the paths written.
    """
    data = figure_data(network, test_data, history)
    paths = write_figures(data, out_dir, name, dpi)
    for path in stale_figures(out_dir, data["names"]):
        os.remove(path)
    return paths


def write_training_figures(out_dir, history=None, labels=None, predictions=None, name=None,
                           dpi=DEFAULT_DPI):
    """The figures at the end of a training run (``learn --plots``): curves.png from the
    history and confusion.png from the test predictions, whichever there is.

    Args:
        out_dir: the folder to write into (created if missing).
        history: optional training.History.
        labels, predictions: optional, the test labels and the network's digits.
        name: how the titles name the network (e.g. "[784, 30, 10]").
        dpi: pixels per inch.

    Returns:
        list of the paths written.
    """
    from . import visualize_figures as figures
    from .fileio import ensure_folder
    figures.check_dpi(dpi)
    out_dir = ensure_folder(out_dir, "figure folder")
    paths = []
    if history is not None and (history.epochs or history.batch_examples):
        paths.append(os.path.join(out_dir, "curves.png"))
        figures.plot_learning_curves(history, path=paths[-1], dpi=dpi,
                                     title="Learning curves of %s" % (name or "the network"))
    if labels is not None and predictions is not None and len(labels):
        paths.append(os.path.join(out_dir, "confusion.png"))
        matrix = confusion_matrix(labels, predictions)
        figures.plot_confusion_matrix(matrix, path=paths[-1], dpi=dpi)
    return paths


def build_parser():
    parser = ArgumentParser(
        prog="python -m mnist_scratch.plots",
        description="Write every figure of a trained network: sample predictions, the most "
                    "confidently wrong images, weight images, the confusion matrix and (with "
                    "a history) the learning curves.")
    parser.add_argument("network", nargs="?", type=path_text, default=None, metavar="NETWORK.json",
                        help="a network saved by learn --save (default: the pretrained "
                             "data/networks/%s)" % DEFAULT_NETWORK_NAME)
    parser.add_argument("--out", required=True, type=path_text, metavar="DIR",
                        help="folder to write the PNG files into (created if missing)")
    parser.add_argument("--history", metavar="FILE", type=path_text, default=None,
                        help="a training history saved by learn --history, for curves.png "
                             "(default: NETWORK.history.json.gz next to the network, if any)")
    parser.add_argument("--test-limit", type=positive_int, default=None, metavar="N",
                        help="use only the first N of the 10,000 test images")
    parser.add_argument("--dpi", type=positive_float, default=DEFAULT_DPI,
                        help="pixels per inch (default: %(default)s, for a projector; 100 "
                             "makes every figure two thirds as wide)")
    parser.add_argument("--data-dir", type=path_text, default=None,
                        help="folder with the MNIST files (default: the project's data/)")
    return parser


def run(args, out=None):
    """Make the figures as ``args`` say. Returns the exit code."""
    out = out or sys.stdout
    say = line_printer(out)
    figures = load_visualizer("drawing the figures", "visualize_figures")  # fail early, with a clear message
    try:
        figures.check_dpi(args.dpi, "--dpi")
    except ValueError as e:
        raise CommandError(str(e)) from None
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        raise CommandError("cannot use %s as the --out folder: it is a file, not a folder"
                           % args.out)
    started = time.perf_counter()
    # Every input is read and checked before the first file is written.
    path = args.network or default_network()
    history_path = args.history or history_beside(path)
    history = History.load(history_path) if history_path else None  # errors name the file
    if history is not None and empty_history(history):
        raise CommandError("%s: %s" % (history_path, empty_history(history)))
    network = Network.load(path)
    test_data = load_mnist("test", args.data_dir, limit=args.test_limit)
    try:
        data = figure_data(network, test_data, history)
    except ValueError as e:
        raise CommandError("%s: %s" % (path, e)) from None
    out_dir = output_folder(args.out, say, "--out folder")
    name = str(network.sizes)
    paths = write_figures(data, out_dir, name, args.dpi)
    evaluation = data["evaluation"]
    say("Network %s from %s: %d / %d test images right (%.2f%%)"
        % (name, path, evaluation.correct, evaluation.total, 100 * evaluation.accuracy))
    if data["pairs"]:
        say("Most confused pairs (true digit read as another):")
        for pair in data["pairs"]:
            say("  " + describe_pair(pair))
    say("Wrote %s into %s: %s" % (count(len(paths), "figure"), out_dir,
                                  ", ".join(os.path.basename(p) for p in paths)))
    why = {"wrong.png": "every test image is right", "looks_for.png": "no hidden layer",
           "curves.png": "no training history"}
    for stale in stale_figures(out_dir, data["names"]):
        os.remove(stale)
        say("Removed %s, left by an earlier run (this network has %s)"
            % (stale, why.get(os.path.basename(stale), "none")))
    say("Total time %s." % format_seconds(time.perf_counter() - started))
    return 0


def main(argv=None):
    return run_main(build_parser(), run, argv)


if __name__ == "__main__":
    sys.exit(main())
