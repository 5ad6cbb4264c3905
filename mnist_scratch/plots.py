"""Write every static figure of a trained network, from the command line.

Examples:
    python -m mnist_scratch.plots --out figures              # the pretrained [784, 30, 10] network
    python -m mnist_scratch.plots data/networks/mnist-784-10.json --out figures
    python -m mnist_scratch.plots net.json --history history.json --out figures
    (a history saved next to the network as NAME.history.json.gz is used by itself)
    python -m mnist_scratch.plots --out figures --test-limit 2000   # quicker, on 2,000 test images

It writes into --out (an existing folder):
    samples.png     the first test images with the label and the network's guess
    wrong.png       the test images the network got wrong while most sure
    weights.png     each first-layer neuron's incoming weights as a 28 x 28 image
                    (for [784, 10] the ten digit templates, otherwise the
                    receptive fields of the hidden neurons)
    looks_for.png   (networks with hidden layers) what each digit "looks for"
                    through them: the product of the weight matrices
    confusion.png   the confusion matrix on the test images; the most
                    confused pairs are also printed
    curves.png      (with --history) cost and accuracy during training
"""

import os
import sys
import time

from .cli import ArgumentParser, CommandError, load_visualizer, positive_int, run_main
from .datasets import load_mnist
from .network import Network
from .progress import format_seconds
from .training import evaluate

DEFAULT_NETWORK_NAME = "mnist-784-30-10.json"
SAMPLES = 30      # test images in samples.png
WRONG = 20        # images in wrong.png


def default_network():
    """The pretrained [784, 30, 10] network shipped in the project's data/networks/."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(os.path.dirname(here), "data", "networks", DEFAULT_NETWORK_NAME)


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


def write_all(network, test_data, out_dir, history=None, name="network"):
    """Write every figure of ``network`` into ``out_dir``.

    Args:
        network: a trained Network with 784 inputs and 10 outputs.
        test_data: list of (x, label) to show and score (the test set).
        out_dir: an existing folder.
        history: optional training.History for the learning curves.
        name: how the figures' titles name the network.

    Returns:
        (paths, evaluation, pairs): the files written, the Evaluation on
        test_data and the most confused pairs (see visualize.most_confused_pairs).
    """
    from . import visualize as viz
    if not os.path.isdir(out_dir):
        raise FileNotFoundError("output folder %s does not exist" % out_dir)
    paths = []

    def path(file_name):
        paths.append(os.path.join(out_dir, file_name))
        return paths[-1]

    result = evaluate(network, test_data)
    labels = [label for _, label in test_data]
    shown = test_data[:SAMPLES]
    viz.plot_images([x for x, _ in shown], labels[:SAMPLES], result.predictions[:SAMPLES],
                    title="%s on the first %d test images: right in green, wrong in red"
                          % (name, len(shown)),
                    path=path("samples.png"))
    if result.correct < result.total:
        viz.plot_confidently_wrong(network, test_data, count=WRONG, path=path("wrong.png"),
                                   predictions=result.predictions)
    first = network.weights[0]
    if len(network.weights) == 1:
        viz.plot_weight_images(first, titles=["digit %d" % j for j in range(len(first))],
                               columns=5, title="%s: the weights into each output neuron "
                                                "(the digit templates)" % name,
                               path=path("weights.png"))
    else:
        viz.plot_weight_images(first, titles=["hidden %d" % (j + 1) for j in range(len(first))],
                               columns=10, title="%s: the weights into each hidden neuron "
                                                 "(its receptive field)" % name,
                               path=path("weights.png"))
        viz.plot_weight_images(viz.looks_for(network),
                               titles=["digit %d" % j for j in range(network.sizes[-1])],
                               columns=5, colorbar_label="summed weight",
                               title="%s: what each digit looks for through the hidden layer%s\n"
                                     "(product of the weight matrices)"
                                     % (name, "s" if len(network.weights) > 2 else ""),
                               path=path("looks_for.png"))
    matrix = viz.confusion_matrix(labels, result.predictions, network.sizes[-1])
    viz.plot_confusion_matrix(
        matrix, title="%s on %s test images: %.2f%% right"
                      % (name, format(result.total, ","), 100 * result.accuracy),
        path=path("confusion.png"))
    if history is not None:
        viz.plot_learning_curves(history, title="%s: learning curves" % name,
                                 path=path("curves.png"))
    return paths, result, viz.most_confused_pairs(matrix)


def build_parser():
    parser = ArgumentParser(
        prog="python -m mnist_scratch.plots",
        description="Write every figure of a trained network: sample predictions, the most "
                    "confidently wrong images, weight images, the confusion matrix and (with "
                    "--history) the learning curves.")
    parser.add_argument("network", nargs="?", default=None, metavar="NETWORK.json",
                        help="a network saved by learn --save (default: the pretrained "
                             "data/networks/%s)" % DEFAULT_NETWORK_NAME)
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="existing folder to write the PNG files into")
    parser.add_argument("--history", metavar="FILE", default=None,
                        help="a training history saved by learn --history, for curves.png "
                             "(default: NETWORK.history.json.gz next to the network, if any)")
    parser.add_argument("--test-limit", type=positive_int, default=None, metavar="N",
                        help="use only the first N of the 10,000 test images")
    parser.add_argument("--data-dir", default=None,
                        help="folder with the MNIST files (default: the project's data/)")
    return parser


def run(args, out=None):
    """Make the figures as ``args`` say. Returns the exit code."""
    out = out or sys.stdout
    if not os.path.isdir(args.out):
        raise CommandError("output folder %s does not exist" % args.out)
    load_visualizer("drawing the figures")  # fail early, with a clear message
    from .training import History
    started = time.perf_counter()
    path = args.network or default_network()
    history = None
    history_path = args.history or history_beside(path)
    if history_path:
        history = History.load(history_path)  # checked: a ValueError names the file
        if not history.epochs and not history.batch_examples:
            raise CommandError("%s: the training history is empty (no epoch finished), so "
                               "there are no learning curves to draw" % history_path)
    network = Network.load(path)
    if network.sizes[0] != 784 or network.sizes[-1] != 10:
        raise CommandError("%s: a network of sizes %s is not an MNIST classifier (784 inputs, "
                           "10 outputs)" % (path, network.sizes))
    test_data = load_mnist("test", args.data_dir, limit=args.test_limit)
    name = str(network.sizes)
    paths, result, pairs = write_all(network, test_data, args.out, history, name=name)
    out.write("Network %s from %s: %d / %d test images right (%.2f%%)\n"
              % (name, path, result.correct, result.total, 100 * result.accuracy))
    if pairs:
        out.write("Most confused pairs (true/predicted, both ways): %s\n" % ", ".join(
            "%d and %d: %d (%d as %d, %d as %d)" % (a, b, ab + ba, ab, b, ba, a)
            for a, b, ab, ba in pairs))
    for written in paths:
        out.write("Wrote %s\n" % written)
    out.write("Total time %s.\n" % format_seconds(time.perf_counter() - started))
    return 0


def main(argv=None):
    return run_main(build_parser(), run, argv)


if __name__ == "__main__":
    sys.exit(main())
