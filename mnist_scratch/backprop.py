"""Backpropagation, one number at a time: a walkthrough for the classroom.

Examples:
    python -m mnist_scratch.backprop                       # a [2, 3, 2] network, seed 1
    python -m mnist_scratch.backprop --sizes 2 2 1 --x 1 0 --y 1
    python -m mnist_scratch.backprop --figure backprop.png # also draw it, for the projector

It prints one forward pass and one backward pass through a tiny network: every
weighted input z, activation a and error delta, and the gradients dC/db and
dC/dw, each labelled with the equation (BP1-BP4) that produced it. Then it
estimates every gradient again by central differences (mnist_scratch.gradcheck)
and prints how far the two disagree.

The numbers come from ``Network.backprop(..., trace={})`` itself: this file
only formats them, so what the class sees is what the library computes.
Layers are numbered as in the book: l = 1 is the input, l = L the output.
"""

import sys

from .cli import ArgumentParser, CommandError, finite_float, load_visualizer, run_main
from .gradcheck import max_relative_error, numerical_gradient
from .network import Network, quadratic_cost

__all__ = ["walkthrough", "format_walkthrough", "main"]

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


def walkthrough(sizes=None, seed=DEFAULT_SEED, x=None, y=None, h=STEP_H):
    """Run one example through a small network and collect every number.

    Args:
        sizes: layer sizes (default [2, 3, 2]).
        seed: seed of the network's random weights.
        x: input Vector (default [0.5, -0.3]; zeros padded/cut to fit sizes[0]).
        y: target Vector (default [1.0, 0.0]).
        h: step of the numerical gradient.

    Returns:
        dict with "network", "x", "y", "seed", "zs", "activations", "deltas",
        "nabla_b", "nabla_w" (from Network.backprop), "cost", "numerical"
        ((nabla_b, nabla_w) by central differences), its step "h" and
        "max_error".
    """
    sizes = list(sizes or DEFAULT_SIZES)
    x = list(x) if x is not None else _fit(DEFAULT_X, sizes[0])
    y = list(y) if y is not None else _fit(DEFAULT_Y, sizes[-1])
    if len(x) != sizes[0]:
        raise ValueError("--x needs %d numbers for sizes %s, got %d" % (sizes[0], sizes, len(x)))
    if len(y) != sizes[-1]:
        raise ValueError("--y needs %d numbers for sizes %s, got %d" % (sizes[-1], sizes, len(y)))
    network = Network(sizes, seed=seed)
    trace = {}
    nabla_b, nabla_w = network.backprop(x, y, trace=trace)
    numerical = numerical_gradient(network, x, y, h)
    return {
        "network": network, "x": x, "y": y, "seed": seed,
        "zs": trace["zs"], "activations": trace["activations"], "deltas": trace["deltas"],
        "nabla_b": nabla_b, "nabla_w": nabla_w,
        "cost": quadratic_cost(trace["activations"][-1], y),
        "numerical": numerical, "h": h,
        "max_error": max_relative_error((nabla_b, nabla_w), numerical, ERROR_FLOOR),
    }


def _fit(values, n):
    return (list(values) + [0.0] * n)[:n]


def _vector(v):
    return "[" + "  ".join("%+.6f" % number for number in v) + "]"


def _matrix(m, indent):
    pad = " " * indent
    return ("\n" + pad).join(_vector(row) for row in m)


def format_walkthrough(data):
    """The walkthrough as a list of lines (numbers with 6 decimals).

    Every quantity starts a line with its name and ``=``; a matrix continues on
    the following lines, one row per line, each starting with ``[``.
    """
    net = data["network"]
    L = net.num_layers
    zs, activations, deltas = data["zs"], data["activations"], data["deltas"]
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
    say("")
    say("Backward pass")
    say("  BP1  delta^%d = %s        (delta^%d = (a^%d - y) (.) sigma'(z^%d))"
        % (L, _vector(deltas[-1]), L, L, L))
    for i in range(len(deltas) - 2, -1, -1):
        l = i + 2
        say("  BP2  delta^%d = %s        (delta^%d = ((w^%d)^T delta^%d) (.) sigma'(z^%d))"
            % (l, _vector(deltas[i]), l, l + 1, l + 1, l))
    for i in range(len(deltas) - 1, -1, -1):
        l = i + 2
        say("  BP3  dC/db^%d = %s        (dC/db^%d_j = delta^%d_j)"
            % (l, _vector(data["nabla_b"][i]), l, l))
        say("  BP4  dC/dw^%d = %s" % (l, _matrix(data["nabla_w"][i], 16 + len(str(l)))))
        say("                 (dC/dw^%d_jk = a^%d_k delta^%d_j: row j is delta^%d_j times a^%d)"
            % (l, l - 1, l, l, l - 1))
    say("")
    say("Check against central differences, (C(p + h) - C(p - h)) / 2h with h = %g" % data["h"])
    num_b, num_w = data["numerical"]
    for i in range(len(deltas)):
        l = i + 2
        say("  numerical dC/db^%d = %s" % (l, _vector(num_b[i])))
        say("  numerical dC/dw^%d = %s" % (l, _matrix(num_w[i], 21 + len(str(l)))))
    verdict = "agree" if data["max_error"] < AGREEMENT else "DISAGREE"
    say("  largest relative error = %.2e: backprop and the numerical gradient %s (threshold %g)"
        % (data["max_error"], verdict, AGREEMENT))
    say("  (gradients smaller than %g are compared by their difference / %g)"
        % (ERROR_FLOOR, ERROR_FLOOR))
    return lines


def build_parser():
    parser = ArgumentParser(
        prog="python -m mnist_scratch.backprop",
        description="Print one forward and one backward pass through a tiny network, every "
                    "number labelled with its equation, checked against numerical gradients.")
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES, metavar="N",
                        help="layer sizes (default: 2 3 2)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="seed of the random weights (default: %(default)s)")
    parser.add_argument("--x", type=finite_float, nargs="+", default=None, metavar="X",
                        help="the input (default: 0.5 -0.3)")
    parser.add_argument("--y", type=finite_float, nargs="+", default=None, metavar="Y",
                        help="the target (default: 1 0)")
    parser.add_argument("--figure", metavar="FILE", default=None,
                        help="also draw the network with its activations and deltas, as PNG, "
                             "SVG or PDF by the file's suffix (needs the viz extras)")
    return parser


def main(argv=None, out=None):
    """The command line; returns 0 when backprop and the numerical gradients agree, 1 when
    they do not, 2 for a bad argument."""
    parser = build_parser()
    return run_main(parser, lambda args: _run(args, out or sys.stdout), argv)


def _run(args, out):
    if len(args.sizes) < 2 or any(n < 1 for n in args.sizes) or max(args.sizes) > 8:
        raise CommandError("--sizes needs at least two layers of 1 to 8 neurons (it is a "
                           "walkthrough; larger networks do not fit on a slide)")
    if args.figure:
        load_visualizer("--figure").check_figure_path(args.figure)
        from .visualize_backprop import save_backprop_figure
    data = walkthrough(args.sizes, args.seed, args.x, args.y)
    out.write("\n".join(format_walkthrough(data)) + "\n")
    if args.figure:
        save_backprop_figure(data, args.figure)
        out.write("Figure written to %s\n" % args.figure)
    return 0 if data["max_error"] < AGREEMENT else 1


if __name__ == "__main__":
    sys.exit(main())
