"""Backpropagation, one number at a time: a walkthrough for the classroom.

Examples:
    python -m mnist_scratch.backprop                       # a [2, 3, 2] network, seed 1
    python -m mnist_scratch.backprop --sizes 2 2 1 --x 1 0 --y 1
    python -m mnist_scratch.backprop --figure backprop.png # also draw it, for the projector
    python -m mnist_scratch.backprop --figure net.png --width 13.3 --dpi 144
    python -m mnist_scratch.backprop --step                # one part per Enter, for class
    python -m mnist_scratch.backprop --slides slides/      # one picture per step

It prints one forward pass and one backward pass through a tiny network: every
weighted input z, activation a and error delta, and the gradients dC/db and
dC/dw, each labelled with the equation (BP1-BP4) that produced it. Then it
estimates every gradient again by central differences (mnist_scratch.gradcheck)
and prints how far the two disagree.

``--step`` shows it one part at a time for the class: the forward pass, then
BP1, BP2, BP3 and BP4, then the check, each after Enter. ``--slides DIR``
draws the same steps as pictures (needs the viz extras): the network with the
part being computed highlighted and arrows for the direction of the flow;
numbers not computed yet are shown as "?".

From Python, without the command line:

    from mnist_scratch import backprop
    data = backprop.walkthrough([2, 3, 2], seed=1, x=[0.5, -0.3], y=[1.0, 0.0])
    print(backprop.format_walkthrough(data))

The numbers come from ``Network.backprop_trace`` itself: this file only
formats them, so what the class sees is what the library computes.
Layers are numbered as in the book: l = 1 is the input, l = L the output.
"""

import math
import os
import sys

from .cli import (ArgumentParser, CommandError, finite_float, line_printer, load_visualizer,
                  output_folder, run_main)
from .gradcheck import max_relative_error, numerical_gradient
from .network import Network

__all__ = ["walkthrough", "walkthrough_parts", "format_walkthrough", "step_through", "PARTS",
           "agrees", "check_sizes", "main", "MAX_NEURONS",
           "MAX_LAYERS", "MAX_INPUT", "MAX_TARGET"]

DEFAULT_SIZES = [2, 3, 2]
DEFAULT_X = [0.5, -0.3]
DEFAULT_Y = [1.0, 0.0]
DEFAULT_SEED = 1
STEP_H = 1e-5       # the step of the central differences
# Central differences are only accurate to about 1e-10 (rounding in C(p +- h),
# divided by 2h), so a gradient entry far smaller than that cannot be checked
# relatively: entries below ERROR_FLOOR are compared by their absolute
# difference / ERROR_FLOOR instead. A wrong backprop is off by 10% or more.
ERROR_FLOOR = 1e-4
AGREEMENT = 1e-5    # largest relative error that counts as "backprop is right"

# A walkthrough is for a slide: small networks, and numbers of a sensible size.
MAX_NEURONS = 8     # per layer
MAX_LAYERS = 10     # counting the input layer
# Pixels are 0 to 1 and a sigmoid output lies between 0 and 1. Far beyond these
# bounds the numerical check stops being a check: with a target y of 10 the cost
# is about 50 and rounding in C(p + h) - C(p - h) swamps the small gradients;
# with an input of 1000 a step h in a weight moves z by 0.01, too far for a
# central difference. (A target of 1e200 even overflows the cost.) Inside them
# backprop and the numerical gradients agree on thousands of random networks.
MAX_INPUT = 100.0   # largest |x_k|
MAX_TARGET = 2.0    # largest |y_j|


def check_sizes(sizes):
    """Raise ValueError unless ``sizes`` is a walkthrough-sized network; return it as a list."""
    sizes = list(sizes)
    if (not 2 <= len(sizes) <= MAX_LAYERS
            or any(isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_NEURONS
                   for n in sizes)):
        raise ValueError("sizes %s: a walkthrough network has 2 to %d layers of 1 to %d neurons "
                         "(larger networks do not fit on a slide)" % (sizes, MAX_LAYERS, MAX_NEURONS))
    return sizes


def _numbers(values, n, what, bound, sizes):
    """``values`` as a list of n floats with |v| <= bound, or a ValueError naming ``what``."""
    values = list(values)
    if len(values) != n:
        raise ValueError("%s needs %d numbers for sizes %s, got %d" % (what, n, sizes, len(values)))
    numbers = []
    for v in values:
        try:
            number = float(v)
        except (TypeError, ValueError):
            raise ValueError("%s: %r is not a number" % (what, v)) from None
        if not math.isfinite(number):
            raise ValueError("%s: %r is not a finite number" % (what, v))
        if abs(number) > bound:
            raise ValueError("%s: %g is out of range; the walkthrough takes numbers from -%g to %g "
                             "(beyond that the numerical check loses its precision)"
                             % (what, number, bound, bound))
        numbers.append(number)
    return numbers


def walkthrough(sizes=None, seed=DEFAULT_SEED, x=None, y=None, h=STEP_H):
    """Run one example through a small network and collect every number.

    Args:
        sizes: layer sizes (default [2, 3, 2]); 2 to MAX_LAYERS layers of 1 to
            MAX_NEURONS neurons.
        seed: seed of the network's random weights.
        x: input Vector, shape (sizes[0],), every |x_k| <= MAX_INPUT (default
            [0.5, -0.3], padded with zeros or cut to fit sizes[0]).
        y: target Vector, shape (sizes[-1],), every |y_j| <= MAX_TARGET
            (default [1.0, 0.0], padded or cut the same way).
        h: step of the numerical gradient.

    Returns:
        dict with "network", "x", "y", "seed", "zs", "activations", "deltas",
        "nabla_b", "nabla_w" (from Network.backprop_trace, book layer l is
        index l - 2 of zs, deltas, nabla_b, nabla_w and index l - 1 of
        activations), "cost", "numerical" ((nabla_b, nabla_w) by central
        differences), its step "h" and "max_error".

    Raises:
        ValueError: sizes, x or y out of range (the message names which).
    """
    sizes = check_sizes(sizes or DEFAULT_SIZES)
    x = _numbers(_fit(DEFAULT_X, sizes[0]) if x is None else x, sizes[0], "the input x",
                 MAX_INPUT, sizes)
    y = _numbers(_fit(DEFAULT_Y, sizes[-1]) if y is None else y, sizes[-1], "the target y",
                 MAX_TARGET, sizes)
    network = Network(sizes, seed=seed)
    trace = network.backprop_trace(x, y)
    gradient = (trace["nabla_b"], trace["nabla_w"])
    numerical = numerical_gradient(network, x, y, h)
    return {
        "network": network, "x": x, "y": y, "seed": seed,
        "zs": trace["zs"], "activations": trace["activations"], "deltas": trace["deltas"],
        "nabla_b": trace["nabla_b"], "nabla_w": trace["nabla_w"],
        "cost": network.cost.fn(trace["activations"][-1], y),
        "numerical": numerical, "h": h,
        "max_error": max_relative_error(gradient, numerical, ERROR_FLOOR),
    }


def agrees(data):
    """True when backprop and the numerical gradients of ``data`` agree (NaN never does)."""
    return data["max_error"] < AGREEMENT


def _fit(values, n):
    return (list(values) + [0.0] * n)[:n]


def _vector(v):
    # + 0.0 turns -0.0 (a zero input times a negative delta, BP4) into 0.0
    return "[" + "  ".join("%+.6f" % (number + 0.0) for number in v) + "]"


def _matrix(m, indent):
    pad = " " * indent
    return ("\n" + pad).join(_vector(row) for row in m)


# The parts of the walkthrough, in order: what --step shows one at a time.
PARTS = ("forward", "BP1", "BP2", "BP3", "BP4", "check")
PART_NAMES = {"forward": "the forward pass", "BP1": "BP1 (the error of the output layer)",
              "BP2": "BP2 (the error, passed back through the hidden layers)",
              "BP3": "BP3 (the gradient of the biases)", "BP4": "BP4 (the gradient of the weights)",
              "check": "the check against central differences"}


def walkthrough_parts(data):
    """The walkthrough as text, one part per step: a list of (name, text), names as PARTS.

    "forward" holds the network, its parameters and the forward pass; "BP1" to
    "BP4" the lines each equation computes; "check" the numerical gradients.
    Every quantity starts a line with its name and ``=``; a matrix continues
    on the following lines, one row per line, each starting with ``[``
    (numbers with 6 decimals). No text ends with a newline.
    """
    net = data["network"]
    L = net.num_layers
    zs, activations, deltas = data["zs"], data["activations"], data["deltas"]
    parts = []

    lines = []
    say = lines.append
    say("Backpropagation through a %s network (seed %d)" % (net.sizes, data["seed"]))
    say("Book numbering: layer 1 is the input, layer %d the output; w^l, b^l feed layer l." % L)
    say("Cost C = 1/2 ||a^%d - y||^2, so dC/da^%d = a^%d - y.  sigma'(z) = a (1 - a)." % (L, L, L))
    say("")
    say("The parameters")
    for i, (w, b) in enumerate(zip(net.weights, net.biases)):
        l = i + 2
        say("  w^%d = %s" % (l, _matrix(w, 8)))
        say("  b^%d = %s" % (l, _vector(b)))
    say("")
    say("Forward pass")
    say("  x = %s" % _vector(data["x"]))
    say("  y = %s" % _vector(data["y"]))
    say("  a^1 = %s        (the input x)" % _vector(activations[0]))
    for i in range(len(zs)):
        l = i + 2
        say("  z^%d = %s        (z^%d = w^%d a^%d + b^%d)" % (l, _vector(zs[i]), l, l, l - 1, l))
        say("  a^%d = %s        (a^%d = sigma(z^%d))" % (l, _vector(activations[i + 1]), l, l))
    say("  C = %.6f        (C = 1/2 ||a^%d - y||^2)" % (data["cost"], L))
    parts.append(("forward", "\n".join(lines)))

    parts.append(("BP1", "Backward pass, BP1: the error of the output layer\n"
                         "  BP1  delta^%d = %s        (delta^%d = (a^%d - y) (.) sigma'(z^%d))"
                  % (L, _vector(deltas[-1]), L, L, L)))

    lines = ["BP2: the error, passed back one layer at a time"]
    for i in range(len(deltas) - 2, -1, -1):
        l = i + 2
        lines.append("  BP2  delta^%d = %s        (delta^%d = ((w^%d)^T delta^%d) (.) sigma'(z^%d))"
                     % (l, _vector(deltas[i]), l, l + 1, l + 1, l))
    if len(deltas) == 1:
        lines.append("  (no hidden layer: there is no error to pass back)")
    parts.append(("BP2", "\n".join(lines)))

    lines = ["BP3: the gradient of the biases is the error"]
    for i in range(len(deltas) - 1, -1, -1):
        l = i + 2
        lines.append("  BP3  dC/db^%d = %s        (dC/db^%d_j = delta^%d_j)"
                     % (l, _vector(data["nabla_b"][i]), l, l))
    parts.append(("BP3", "\n".join(lines)))

    lines = ["BP4: the gradient of the weights, input activation times error"]
    for i in range(len(deltas) - 1, -1, -1):
        l = i + 2
        lines.append("  BP4  dC/dw^%d = %s" % (l, _matrix(data["nabla_w"][i], 16 + len(str(l)))))
        lines.append("                 (dC/dw^%d_jk = a^%d_k delta^%d_j: row j is delta^%d_j "
                     "times a^%d)" % (l, l - 1, l, l, l - 1))
    parts.append(("BP4", "\n".join(lines)))

    lines = ["Check against central differences, (C(p + h) - C(p - h)) / 2h with h = %g"
             % data["h"]]
    num_b, num_w = data["numerical"]
    for i in range(len(deltas)):
        l = i + 2
        lines.append("  numerical dC/db^%d = %s" % (l, _vector(num_b[i])))
        lines.append("  numerical dC/dw^%d = %s" % (l, _matrix(num_w[i], 21 + len(str(l)))))
    verdict = "agree" if agrees(data) else "DISAGREE"
    lines.append("  largest relative error = %.2e: backprop and the numerical gradient %s "
                 "(threshold %g)" % (data["max_error"], verdict, AGREEMENT))
    lines.append("  (gradients smaller than %g are compared by their difference / %g)"
                 % (ERROR_FLOOR, ERROR_FLOOR))
    parts.append(("check", "\n".join(lines)))
    return parts


def format_walkthrough(data):
    """The walkthrough as text: every part of ``walkthrough_parts``, a blank line between
    two parts. No final newline."""
    return "\n\n".join(text for _, text in walkthrough_parts(data))


def step_through(data, out, inp):
    """Print the walkthrough part by part, waiting for Enter (a line of ``inp``) before each.

    Works the same when ``inp`` is not a terminal (a pipe, a file of empty
    lines). At the end of ``inp``, stops cleanly.

    Returns:
        True if every part was shown.
    """
    parts = walkthrough_parts(data)
    for n, (_, text) in enumerate(parts):
        out.write(text + "\n")
        if n == len(parts) - 1:
            return True
        following = PART_NAMES[parts[n + 1][0]]
        out.write("\npress Enter for %s ... " % following)
        out.flush()
        if not inp.readline():
            out.write("\n(end of input: stopped before %s)\n" % following)
            return False
        if not _is_terminal(inp):  # a typed Enter is echoed; a line read from a pipe is not
            out.write("\n")
        out.write("\n")
    return True


def _is_terminal(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def build_parser():
    parser = ArgumentParser(
        prog="python -m mnist_scratch.backprop",
        description="Print one forward and one backward pass through a tiny network, every "
                    "number labelled with its equation, checked against numerical gradients.")
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES, metavar="N",
                        help="layer sizes, 2 to %d layers of 1 to %d neurons (default: 2 3 2)"
                             % (MAX_LAYERS, MAX_NEURONS))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="seed of the random weights (default: %(default)s)")
    parser.add_argument("--x", type=finite_float, nargs="+", default=None, metavar="X",
                        help="the input, numbers from -%g to %g (default: 0.5 -0.3)" % (
                            MAX_INPUT, MAX_INPUT))
    parser.add_argument("--y", type=finite_float, nargs="+", default=None, metavar="Y",
                        help="the target, numbers from -%g to %g (default: 1 0)" % (
                            MAX_TARGET, MAX_TARGET))
    parser.add_argument("--figure", metavar="FILE", default=None,
                        help="also draw the network with its activations, biases, deltas, weights "
                             "and gradients, as PNG, SVG or PDF by the file's suffix (needs the "
                             "viz extras)")
    parser.add_argument("--width", type=finite_float, default=None, metavar="INCHES",
                        help="width of the figure; everything in it, text included, scales with "
                             "it (default: as wide as its large text needs)")
    parser.add_argument("--dpi", type=int, default=None,
                        help="pixels per inch of a PNG figure or slide (default: 150)")
    parser.add_argument("--step", action="store_true",
                        help="show one part at a time (the forward pass, BP1, BP2, BP3, BP4, the "
                             "check), each after Enter; reads lines when the input is not a "
                             "terminal")
    parser.add_argument("--slides", metavar="DIR", default=None,
                        help="also draw one PNG per step (forward, BP1 ... BP4) into DIR, "
                             "created if missing, the part being computed highlighted (needs "
                             "the viz extras)")
    return parser


def main(argv=None, out=None, inp=None):
    """The command line; returns 0 when backprop and the numerical gradients agree (or
    --step ended early), 1 when they do not, 2 for a bad argument. ``inp``: where --step
    reads its Enters (default sys.stdin)."""
    parser = build_parser()
    return run_main(parser, lambda args: _run(args, out or sys.stdout, inp or sys.stdin), argv)


def _run(args, out, inp):
    if (args.width is not None or args.dpi is not None) and not (args.figure or args.slides):
        raise CommandError("--width and --dpi set the size of the pictures: add --figure FILE "
                           "or --slides DIR")
    if args.figure or args.slides:
        visualize_backprop = load_visualizer("--figure" if args.figure else "--slides",
                                             "visualize_backprop")
        slides = load_visualizer("--slides", "visualize_backprop_slides") if args.slides else None
        options = visualize_backprop.figure_options(args.width, args.dpi)
    data = walkthrough(args.sizes, args.seed, args.x, args.y)
    # Every check (the files' folders and formats, the size in pixels) before the first line.
    if args.figure:
        size = visualize_backprop.check_backprop_figure(data, args.figure, **options)
    if args.slides:
        slide_size = slides.check_backprop_slides(data, **options)
        folder = output_folder(args.slides, line_printer(out), "folder for the slides")
        slides.check_backprop_slides(data, folder, **options)
    shown_all = True
    if args.step:
        shown_all = step_through(data, out, inp)
    else:
        out.write(format_walkthrough(data) + "\n")
    if args.figure:
        visualize_backprop.save_backprop_figure(data, args.figure, **options)
        out.write("Figure written to %s (%s)\n" % (args.figure, size))
    if args.slides:
        paths = slides.save_backprop_slides(data, folder, **options)
        out.write("%d slides written to %s (%s each): %s\n"
                  % (len(paths), args.slides, slide_size,
                     ", ".join(os.path.basename(p) for p in paths)))
    return 0 if agrees(data) or not shown_all else 1


if __name__ == "__main__":
    sys.exit(main())
