"""Draw a tiny network with its activations and deltas, for the projector.

Used by ``python -m mnist_scratch.backprop --figure FILE``. Each neuron is a
circle showing its activation a (shaded from white, 0, to black, 1, like the
MNIST pixels) and, underneath, its error delta; each weight is a line whose
width grows with |w| and whose colour is its sign (blue positive, red
negative), labelled with w and its gradient dC/dw. Needs matplotlib.
"""

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .fileio import atomic_write_bytes  # noqa: E402

__all__ = ["draw_backprop", "save_backprop_figure"]

POSITIVE, NEGATIVE = "#1f5fbf", "#c0392b"   # colours of positive and negative weights
DELTA_COLOUR = "#8e44ad"


def _positions(sizes):
    """(x, y) of every neuron, layer by layer, centred vertically."""
    gap = 1.9  # vertical distance between neurons, room for the z and delta labels
    return [[(4.0 * l, gap * ((n - 1) / 2.0 - j)) for j in range(n)] for l, n in enumerate(sizes)]


def draw_backprop(data):
    """A matplotlib Figure of the walkthrough ``data`` (from backprop.walkthrough)."""
    net = data["network"]
    sizes = net.sizes
    pos = _positions(sizes)
    activations, zs, deltas = data["activations"], data["zs"], data["deltas"]
    biggest = max(abs(v) for w in net.weights for row in w for v in row) or 1.0
    fig, ax = plt.subplots(figsize=(4.4 * len(sizes), 2.2 * max(sizes) + 2.4), dpi=110)
    # weights first, so the circles are drawn over the lines
    for i, w in enumerate(net.weights):
        for j, row in enumerate(w):
            for k, value in enumerate(row):
                (x0, y0), (x1, y1) = pos[i][k], pos[i + 1][j]
                ax.plot([x0, x1], [y0, y1], color=POSITIVE if value >= 0 else NEGATIVE,
                        linewidth=0.8 + 5.0 * abs(value) / biggest, alpha=0.55, zorder=1)
                # spread the labels along the lines so that they do not cover each other
                t = 0.22 + 0.56 * (j / (len(w) - 1) if len(w) > 1 else 0.5)
                ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0),
                        "w=%+.2f\n∂C/∂w=%+.3f" % (value, data["nabla_w"][i][j][k]),
                        fontsize=9.5, ha="center", va="center", zorder=2,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
    for l, layer in enumerate(pos):
        for j, (x, y) in enumerate(layer):
            a = activations[l][j]
            ax.add_patch(plt.Circle((x, y), 0.42, facecolor=str(1.0 - min(max(a, 0.0), 1.0)),
                                    edgecolor="black", linewidth=1.5, zorder=3))
            ax.text(x, y, "%.3f" % a, ha="center", va="center", fontsize=12, zorder=4,
                    color="white" if a > 0.55 else "black", fontweight="bold")
            if l > 0:
                ax.text(x, y - 0.58, "z=%+.3f\nδ=%+.4f" % (zs[l - 1][j], deltas[l - 1][j]),
                        ha="center", va="top", fontsize=10.5, color=DELTA_COLOUR, zorder=4)
        title = "layer %d\n%s" % (l + 1, "input x" if l == 0 else
                                  ("output (BP1)" if l == len(pos) - 1 else "hidden (BP2)"))
        ax.text(layer[0][0], max(y for _, y in layer) + 0.75, title, ha="center", va="bottom",
                fontsize=13, fontweight="bold")
    last = pos[-1]
    for j, (x, y) in enumerate(last):
        ax.text(x + 0.62, y, "y=%g" % data["y"][j], ha="left", va="center", fontsize=12)
    ax.set_title("Backpropagation in a %s network: C = %.4f; circles show a, purple shows z and δ "
                 "= ∂C/∂z\nbackprop vs numerical gradients: largest relative error %.1e"
                 % (sizes, data["cost"], data["max_error"]), fontsize=12)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.autoscale_view()
    xs = [x for layer in pos for x, _ in layer]
    ys = [y for layer in pos for _, y in layer]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 1.4)
    ax.set_ylim(min(ys) - 1.6, max(ys) + 1.7)
    fig.tight_layout()
    return fig


def save_backprop_figure(data, path):
    """Draw the walkthrough and write it to ``path`` as a PNG, atomically."""
    fig = draw_backprop(data)
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    atomic_write_bytes(path, buffer.getvalue())
