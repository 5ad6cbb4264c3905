"""Draw a tiny network with its activations and deltas, for the projector.

Used by ``python -m mnist_scratch.backprop --figure FILE``. Each neuron is a
circle showing its activation a (shaded from white, 0, to black, 1, like the
MNIST pixels) and, underneath, its error delta; each weight is a line whose
width grows with |w| and whose colour is its sign (red positive, blue
negative, as in the weight images); under each gap between two layers, a
table gives those weights and their gradients dC/dw, row j for neuron j.
Needs matplotlib; draws without a display (no pyplot).
"""

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from .visualize import save_figure

__all__ = ["draw_backprop", "save_backprop_figure"]

POSITIVE, NEGATIVE = "#c0392b", "#1f5fbf"   # red positive, blue negative, as in the weight images
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
    fig = Figure(figsize=(4.4 * len(sizes), 2.2 * max(sizes) + 2.4), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    # weights first, so the circles are drawn over the lines
    for i, w in enumerate(net.weights):
        for j, row in enumerate(w):
            for k, value in enumerate(row):
                (x0, y0), (x1, y1) = pos[i][k], pos[i + 1][j]
                ax.plot([x0, x1], [y0, y1], color=POSITIVE if value >= 0 else NEGATIVE,
                        linewidth=0.8 + 5.0 * abs(value) / biggest, alpha=0.6, zorder=1)
    # The numbers of each weight layer go in a table under the gap they span:
    # labels on the lines themselves would cover each other where lines cross.
    xs = [x for layer in pos for x, _ in layer]
    ys = [y for layer in pos for _, y in layer]
    bottom = min(ys) - 1.5
    for i, w in enumerate(net.weights):
        book_layer = i + 2  # the book numbers layers from 1 (the input): w^2 feeds layer 2
        rows = ["w^%d" % book_layer] + [" ".join("%+7.3f" % v for v in row) for row in w]
        rows += ["", "dC/dw^%d (BP4)" % book_layer]
        rows += [" ".join("%+7.4f" % g for g in row) for row in data["nabla_w"][i]]
        ax.text((pos[i][0][0] + pos[i + 1][0][0]) / 2, bottom, "\n".join(rows), ha="center",
                va="top", fontsize=11, family="monospace", zorder=4)
    for l, layer in enumerate(pos):
        for j, (x, y) in enumerate(layer):
            a = activations[l][j]
            ax.add_patch(Circle((x, y), 0.42, facecolor=str(1.0 - min(max(a, 0.0), 1.0)),
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
                 "= ∂C/∂z\nlines: red w > 0, blue w < 0, width |w|;  backprop vs numerical "
                 "gradients: largest relative error %.1e"
                 % (sizes, data["cost"], data["max_error"]), fontsize=12)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_xlim(min(xs) - 0.8, max(xs) + 1.4)
    table_lines = 3 + 2 * max(sizes[1:])
    ax.set_ylim(min(ys) - 1.7 - 0.36 * table_lines, max(ys) + 1.7)
    fig.tight_layout()
    return fig


def save_backprop_figure(data, path):
    """Draw the walkthrough and write it to ``path`` atomically (.png, .svg, .pdf: by the suffix)."""
    fig = draw_backprop(data)
    save_figure(fig, path, dpi=fig.dpi)
