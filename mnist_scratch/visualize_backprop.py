"""Draw a tiny network with every number of one backprop step, for the projector.

Used by ``python -m mnist_scratch.backprop --figure FILE``; from Python:

    from mnist_scratch import backprop, visualize_backprop, visualize_backprop_slides
    data = backprop.walkthrough([3, 5, 4, 2])
    fig = visualize_backprop.draw_backprop(data)              # a matplotlib Figure
    visualize_backprop.save_backprop_figure(data, "net.png", dpi=150)
    visualize_backprop_slides.save_backprop_slides(data, "slides/")   # one PNG per step

The slides (``python -m mnist_scratch.backprop --slides DIR``) are the same
figure once per step of the walkthrough (visualize_backprop_slides.py), STAGES: the forward pass, BP1, BP2,
BP3 and BP4. On each, what that step computes is highlighted in yellow,
arrows show which way the numbers flow (forward, then back through the
weights), and the numbers not computed yet read "?". Every slide has the
same size and layout, so flipping through them only changes what is new.

What the figure shows, in the book's numbering (layer 1 is the input):
    circles   the neurons; the fill is the activation a (white 0, black 1, like
              the MNIST pixels), its value is written inside
    under a neuron   its bias b, weighted input z and, in purple, its error
              delta = dC/dz (BP1 for the output layer, BP2 for the others)
    lines     the weights: red positive, blue negative (as in the weight
              images), the wider the larger |w|
    tables    under each gap between two layers: the weights w^l and biases b^l
              that feed layer l, then their gradients dC/dw^l (BP4) and dC/db^l
              (BP3); row j is neuron j of layer l, column k neuron k of layer l-1
    legend    at the bottom: the fill scale and the line colours

Everything is laid out in inches from the size of its text, so nothing
overlaps and no area is left empty; the text is large enough to read from the
back of a classroom. ``width`` scales the whole figure, text included.
Needs matplotlib; draws without a display (no pyplot).
"""


from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Rectangle

from .backprop import agrees
from .visualize import check_figure_path, save_figure

__all__ = ["draw_backprop", "save_backprop_figure", "check_backprop_figure", "figure_size",
           "figure_pixels", "figure_options",
           "SLIDE_NAMES", "STAGES", "DEFAULT_DPI", "MAX_PIXELS"]

POSITIVE, NEGATIVE = "#c0392b", "#1f5fbf"   # red positive, blue negative, as in the weight images
DELTA_COLOUR = "#7d3c98"                    # purple: what the backward pass computes
RULE_COLOUR = "#888888"
HIGHLIGHT = "#ffe680"                       # what the slide's step computes
NOT_YET = "#b0b0b0"                         # "?": a number a later step computes
FADED = 0.15                                # alpha of weight lines a step does not use

DEFAULT_DPI = 150          # crisp on a projector
FONT = 20.0                # points: the base text size at the figure's natural width
MAX_NATURAL_WIDTH = 40.0   # inches; a wider network gets smaller text instead
MIN_WIDTH, MAX_WIDTH = 2.0, 200.0   # inches, for --width
MIN_DPI, MAX_DPI = 20, 1200
MAX_PIXELS = 12000         # on either side of a PNG (a 12000 x 12000 image is 576 MB)
RASTER = ("png", "jpg", "jpeg", "tif", "tiff", "webp")   # formats made of pixels
MONO = "DejaVu Sans Mono"  # ships with matplotlib; every character is 0.602 em wide
CHAR = 0.602               # the width of one monospace character, in em
SANS_CHAR = 0.62           # a generous average width of a DejaVu Sans character, in em
LINE = 1.3                 # line spacing, in em

# Sizes relative to FONT. Every length below is in "u", the height of the base text.
TITLE, HEADING, CIRCLE_TEXT, SMALL = 1.1, 1.0, 0.9, 0.85
RADIUS = 1.8               # of a neuron; fits "-0.300" (3.3 u) in bold at CIRCLE_TEXT
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
# The legend, one row at the bottom: (kind of swatch, label), and each swatch's width in u.
LEGEND = [("fill", "fill: activation a"), ("line+", "w > 0"), ("line-", "w < 0 (width: |w|)"),
          ("delta", "purple: backward pass")]
SWATCH = {"fill": 4.8, "line+": 2.5, "line-": 2.5, "delta": 1.2}
CAPTION = ("tables: row j is neuron j of layer l, column k is neuron k of layer l-1, "
           "counted from the top")
SLIDE_CAPTION = ("tables: row j is neuron j of layer l, column k neuron k of layer l-1;  "
                 "? = a later step computes it")
# The steps of the slides, in order; a slide shows what its step and the ones before computed.
STAGES = ("forward", "BP1", "BP2", "BP3", "BP4")
SLIDE_NAMES = tuple("backprop-%d-%s.png" % (n + 1, stage.lower()) for n, stage in enumerate(STAGES))


def _sup(n):
    return str(n).translate(SUPERSCRIPT)


def _number(v, decimals):
    """``v`` with a sign and ``decimals`` decimals, or 4 significant digits if that is long."""
    text = "%+.*f" % (decimals, v + 0.0)   # + 0.0 turns -0.0 (0 times a negative) into 0.0
    return text if len(text) <= decimals + 4 else "%+.4g" % v


def _short(v):
    """A value that fits inside a circle: at most 6 characters."""
    return "%.3f" % v if abs(v) < 10 else "%.4g" % v


def _table(data, i):
    """The cells of the table under gap i (weights[i], feeding book layer i + 2).

    Returns:
        dict with "headers" (over w, b, dC/dw, dC/db), "w", "b", "nabla_w",
        "nabla_b" (strings), "col" (characters per w column), "wide"
        (characters of the w block) and "bcol" (characters of the b column).
    """
    net, l = data["network"], _sup(i + 2)
    cells = {
        "w": [[_number(v, 3) for v in row] for row in net.weights[i]],
        "b": [_number(v, 3) for v in net.biases[i]],
        "nabla_w": [[_number(v, 4) for v in row] for row in data["nabla_w"][i]],
        "nabla_b": [_number(v, 4) for v in data["nabla_b"][i]],
        "headers": ["weights w" + l, "biases b" + l, "∂C/∂w%s (BP4)" % l, "∂C/∂b%s (BP3)" % l],
    }
    numbers = [t for row in cells["w"] + cells["nabla_w"] for t in row]
    cells["col"] = max(len(t) for t in numbers) + 2
    header = max(len(h) for h in cells["headers"]) + 1
    cells["bcol"] = max([len(t) + 2 for t in cells["b"] + cells["nabla_b"]] + [header])
    cells["wide"] = max(cells["col"] * len(net.weights[i][0]), header)
    return cells


def _table_width(cells):
    """Width of a table in u (its text is SMALL)."""
    return (cells["wide"] + 1 + cells["bcol"]) * CHAR * SMALL


def _legend_item_width(kind, label):
    return SWATCH[kind] + 0.5 + len(label) * SANS_CHAR * SMALL + 2.0


def _title(data, stage=None):
    """The two title lines: the network and the verdict, or a slide's step and its equation."""
    if stage is None:
        verdict = "agree" if agrees(data) else "DISAGREE"
        return ["Backpropagation in a %s network (seed %d): cost C = %.4f"
                % (data["network"].sizes, data["seed"], data["cost"]),
                "backprop and central differences %s: largest relative error %.1e"
                % (verdict, data["max_error"])]
    L = len(data["network"].sizes)
    hidden = list(range(L - 1, 1, -1))       # the layers BP2 computes, in its order
    if stage == "forward":
        lines = ["the forward pass, from the input x to the cost C",
                 "zˡ = wˡ aˡ⁻¹ + bˡ,  aˡ = σ(zˡ)  for l = %s;   C = ½‖a%s − y‖² = %.4f"
                 % (", ".join(str(l) for l in range(2, L + 1)), _sup(L), data["cost"])]
    elif stage == "BP1":
        lines = ["BP1: the error δ of the output layer",
                 "δ%s = (a%s − y) ⊙ σ′(z%s),  where σ′(z) = a (1 − a)" % (_sup(L), _sup(L), _sup(L))]
    elif stage == "BP2" and not hidden:
        lines = ["BP2: the error flows back through the weights",
                 "this network has no hidden layer: there is nothing to pass back"]
    elif stage == "BP2" and len(hidden) == 1:
        lines = ["BP2: the error flows back through the weights",
                 "δ%s = ((w%s)ᵀ δ%s) ⊙ σ′(z%s)" % (_sup(2), _sup(3), _sup(3), _sup(2))]
    elif stage == "BP2":
        lines = ["BP2: the error flows back through the weights, layer by layer",
                 "δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)  for l = %s" % ", then ".join(map(str, hidden))]
    elif stage == "BP3":
        lines = ["BP3: the gradient of each bias is the error of its neuron",
                 "∂C/∂bˡⱼ = δˡⱼ   (the tables' ∂C/∂b columns)"]
    else:
        lines = ["BP4: the gradient of each weight is the activation it carries times the error",
                 "∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ   (row j of ∂C/∂wˡ is δˡⱼ times the activations aˡ⁻¹)"]
    return ["Step %d of %d · %s" % (STAGES.index(stage) + 1, len(STAGES), lines[0]), lines[1]]


def _layout(data, width=None, stage=None, slides=False):
    """Where everything goes, in u, and how many inches a u is.

    ``stage`` picks a slide's title; with ``slides`` the layout makes room for
    the title of every slide, so that all slides have the same size.

    Returns:
        dict: "W", "H" (the figure in u), "u" (inches per u), "xs" (x of each
        layer), "ys" (y of each neuron, layer by layer), "tables" and their
        "widths", the tops of the "title", headings, tables, caption and legend
        ("title_y", "heading_y", "table_top", "caption_y", "legend_y"), the
        bottom of the neurons' labels ("labels_bottom") and the "title" lines.
    """
    sizes = data["network"].sizes
    tables = [_table(data, i) for i in range(len(sizes) - 1)]
    widths = [_table_width(t) for t in tables]
    label_width = 9 * CHAR * SMALL            # "δ=+0.0071" under a neuron
    # Layer distances: each table fits under its gap, with room to spare.
    gaps = [max(14.0, w + 2.0, label_width + 2 * RADIUS + 4.0) for w in widths]
    left = max(RADIUS, 4.5 * SANS_CHAR * HEADING) + 1.5          # "layer 1" / "input x"
    right = RADIUS + 0.5 + 5 * CHAR * SMALL + 1.5                # "y=1" after the output
    xs = [left]
    for gap in gaps:
        xs.append(xs[-1] + gap)
    title = _title(data, stage)
    titles = [_title(data, s) for s in STAGES] if slides or stage else [title]
    legend_width = sum(_legend_item_width(*item) for item in LEGEND)
    natural = max(xs[-1] + right, max(len(t) for t in sum(titles, [])) * SANS_CHAR * TITLE + 3.0,
                  legend_width + 2.0,
                  max(len(CAPTION), len(SLIDE_CAPTION)) * SANS_CHAR * SMALL + 3.0)
    shift = (natural - (xs[-1] + right)) / 2.0     # centre the network
    xs = [x + shift for x in xs]

    # Top to bottom, y going down from 0 (flipped at the end).
    pitch = 2 * RADIUS + 0.4 + 3 * LINE * SMALL + 0.6      # a neuron, its three lines, a gap
    tallest = max(sizes)
    y = 0.8
    title_y = y
    y += 2 * LINE * TITLE + 0.8
    heading_y = y
    y += 2 * LINE * HEADING + 0.6
    top_neuron = y + RADIUS
    middle = top_neuron + (tallest - 1) * pitch / 2.0
    ys = [[middle + (j - (n - 1) / 2.0) * pitch for j in range(n)] for n in sizes]
    labels_bottom = top_neuron + (tallest - 1) * pitch + RADIUS + 0.4 + 3 * LINE * SMALL
    y = labels_bottom + 1.2
    table_top = y
    rows = max(sizes[1:])
    y += (1.2 + rows + 0.6 + 1.2 + rows) * LINE * SMALL + 0.6
    caption_y = y
    y += LINE * SMALL + 0.4
    legend_y = y
    y += 2.2
    H = y
    inches = width if width is not None else min(natural * FONT / 72.0, MAX_NATURAL_WIDTH)
    scale = inches / natural
    return {"W": natural, "H": H, "u": scale, "xs": xs, "ys": ys, "tables": tables,
            "widths": widths, "table_top": table_top, "legend_y": legend_y,
            "heading_y": heading_y, "title_y": title_y, "caption_y": caption_y,
            "labels_bottom": labels_bottom, "title": title}


def figure_size(data, width=None, slides=False):
    """(width, height) of the figure (or of every slide) in inches; natural width (large
    text) when ``width`` is None."""
    layout = _layout(data, width, slides=slides)
    return layout["W"] * layout["u"], layout["H"] * layout["u"]


def figure_options(width=None, dpi=None):
    """Check a requested ``width`` (inches) and ``dpi``; return them as keyword arguments.

    Raises:
        ValueError: naming --width or --dpi and its range.
    """
    if width is not None and not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ValueError("--width %g: the figure can be %g to %g inches wide"
                         % (width, MIN_WIDTH, MAX_WIDTH))
    if dpi is not None and not MIN_DPI <= dpi <= MAX_DPI:
        raise ValueError("--dpi %d: use %d to %d pixels per inch" % (dpi, MIN_DPI, MAX_DPI))
    return {"width": width, "dpi": DEFAULT_DPI if dpi is None else dpi}


def figure_pixels(data, width=None, dpi=DEFAULT_DPI, slides=False):
    """(width, height) of the figure (or of every slide) as a PNG, in pixels, checked
    before anything is drawn.

    Raises:
        ValueError: the image would be more than MAX_PIXELS on a side.
    """
    inches = figure_size(data, width, slides)
    pixels = tuple(int(round(side * dpi)) for side in inches)
    if max(pixels) > MAX_PIXELS:
        raise ValueError("the figure would be %d x %d pixels, more than %d on a side: use a "
                         "smaller --width or --dpi" % (pixels + (MAX_PIXELS,)))
    return pixels


def check_backprop_figure(data, path, width=None, dpi=DEFAULT_DPI):
    """Check, before anything is drawn, that the figure of ``data`` can be written to ``path``.

    Returns:
        its size as text: "2320 x 1927 pixels" for a PNG, "15.5 x 12.8 inches" for a
        PDF or SVG.

    Raises:
        ValueError: an unknown suffix, or an image of more than MAX_PIXELS on a side.
        FileNotFoundError, IsADirectoryError, PermissionError: see
            ``visualize.check_figure_path``.
    """
    if check_figure_path(path) in RASTER:
        return "%d x %d pixels" % figure_pixels(data, width, dpi)
    return "%.1f x %.1f inches" % figure_size(data, width)


def draw_backprop(data, width=None, highlight=None):
    """A matplotlib Figure of the walkthrough ``data`` (from backprop.walkthrough).

    Args:
        data: the dict returned by ``backprop.walkthrough``.
        width: the figure's width in inches; None for its natural width, where
            the base text is 20 points.
        highlight: None for every number at once; or one of STAGES for that
            step's slide: what it computes highlighted, later numbers as "?".
    """
    if highlight is not None and highlight not in STAGES:
        raise ValueError("highlight must be None or one of %s, got %r" % (", ".join(STAGES),
                                                                          highlight))
    lay = _layout(data, width, highlight)
    u, H = lay["u"], lay["H"]
    fig = Figure(figsize=(lay["W"] * u, H * u))
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, lay["W"])
    ax.set_ylim(0, H)     # one unit is one u on both axes, so circles stay round
    ax.axis("off")
    pt = u * 72.0          # points in one u: a font of size 1 u, a line 1 u wide
    # How far the slide has got: which numbers are known yet (all of them without a slide).
    known = len(STAGES) if highlight is None else STAGES.index(highlight)

    def text(x, y, s, size, **kw):
        """Text at (x, y) measured from the top, ``size`` in u."""
        kw.setdefault("zorder", 5)
        return ax.text(x, H - y, s, fontsize=size * pt, **kw)

    def band(x0, y0, x1, y1):
        """A highlight behind everything, from (x0, y0) to (x1, y1) measured from the top."""
        ax.add_patch(Rectangle((x0, H - y1), x1 - x0, y1 - y0, facecolor=HIGHLIGHT,
                               edgecolor="none", zorder=0))

    _draw_network(ax, data, lay, text, pt, highlight, known, band)
    _draw_tables(ax, lay, text, pt, highlight, known, band)
    _draw_legend(ax, lay, text, pt, CAPTION if highlight is None else SLIDE_CAPTION)
    for n, line in enumerate(lay["title"]):
        text(lay["W"] / 2.0, lay["title_y"] + n * LINE * TITLE, line, TITLE, ha="center",
             va="top", fontweight="bold" if n == 0 else "normal")
    return fig


def _draw_network(ax, data, lay, text, pt, highlight, known, band):
    net, H = data["network"], lay["H"]
    xs, ys = lay["xs"], lay["ys"]
    activations, zs, deltas = data["activations"], data["zs"], data["deltas"]
    last = len(net.sizes) - 1
    biggest = max(abs(v) for w in net.weights for row in w for v in row) or 1.0
    # Weights first, so that the circles and labels are drawn over the lines. A slide
    # fades the weights its step does not use (BP2 uses all but the first layer's).
    used = {"BP1": 0, "BP3": 0, "BP2": last - 1}.get(highlight, last)
    for i, w in enumerate(net.weights):
        alpha = 0.65 if i >= last - used else FADED
        for j, row in enumerate(w):
            for k, value in enumerate(row):
                ax.add_line(Line2D([xs[i], xs[i + 1]], [H - ys[i][k], H - ys[i + 1][j]],
                                   color=POSITIVE if value >= 0 else NEGATIVE, alpha=alpha,
                                   linewidth=(0.06 + 0.3 * abs(value) / biggest) * pt,
                                   zorder=1))
    headings = ["input x"] + ["hidden, δ by BP2"] * (last - 1) + ["output, δ by BP1"]
    half = [max(len("layer %d = L" % (l + 1)) * SANS_CHAR * HEADING,
                len(h) * SANS_CHAR * SMALL, 9 * CHAR * SMALL) / 2.0 + 0.4
            for l, h in enumerate(headings)]
    lit = {"forward": range(1, last + 1), "BP1": [last], "BP2": range(1, last)}.get(highlight, [])
    if highlight is not None:
        for l in lit:
            band(xs[l] - half[l], lay["heading_y"] - 0.4, xs[l] + half[l],
                 lay["labels_bottom"] + 0.3)
        # Arrows between the headings: forward to the right, the error back to the left.
        flow = {"forward": [(l, l + 1) for l in range(last)],
                "BP2": [(l + 1, l) for l in range(last - 1, 0, -1)]}.get(highlight, [])
        y = H - lay["heading_y"] - 0.5 * LINE * HEADING
        for a, b in flow:
            step = 1 if b > a else -1
            ax.annotate("", xy=(xs[b] - step * (half[b] + 0.3), y),
                        xytext=(xs[a] + step * (half[a] + 0.3), y),
                        arrowprops={"arrowstyle": "-|>", "linewidth": 0.15 * pt,
                                    "mutation_scale": 1.5 * pt,
                                    "color": "black" if step > 0 else DELTA_COLOUR})
    for l, x in enumerate(xs):
        text(x, lay["heading_y"], "layer %d%s" % (l + 1, " = L" if l == last else ""), HEADING,
             ha="center", va="top", fontweight="bold")
        text(x, lay["heading_y"] + LINE * HEADING, headings[l], SMALL, ha="center", va="top")
        # BP1 computes the output layer's delta, BP2 the others'.
        delta_known = known >= (1 if l == last else 2)
        for j, y in enumerate(ys[l]):
            a = activations[l][j]
            ax.add_patch(Circle((x, H - y), RADIUS, facecolor=str(1.0 - min(max(a, 0.0), 1.0)),
                                edgecolor="black", linewidth=0.1 * pt, zorder=3))
            text(x, y, _short(a), CIRCLE_TEXT, ha="center", va="center", family=MONO,
                 fontweight="bold", color="white" if a > 0.55 else "black")
            if l > 0:
                below = y + RADIUS + 0.4
                if highlight in ("BP3", "BP4"):   # both are made of these deltas
                    band(x - 5 * CHAR * SMALL, below + 2 * LINE * SMALL - 0.15,
                         x + 5 * CHAR * SMALL, below + 3 * LINE * SMALL)
                # A box under each label hides the weight lines behind it.
                box = {"facecolor": HIGHLIGHT if l in lit else "white", "edgecolor": "none",
                       "alpha": 0.85, "pad": 0.1 * pt}
                text(x, below, "b=%s\nz=%s" % (_number(net.biases[l - 1][j], 3),
                                                _number(zs[l - 1][j], 3)),
                     SMALL, ha="center", va="top", family=MONO, linespacing=LINE, bbox=box)
                if highlight in ("BP3", "BP4"):
                    box = dict(box, facecolor=HIGHLIGHT)
                text(x, below + 2 * LINE * SMALL,
                     "δ=%s" % (_number(deltas[l - 1][j], 4) if delta_known else "?"), SMALL,
                     ha="center", va="top", family=MONO,
                     color=DELTA_COLOUR if delta_known else NOT_YET, bbox=box)
            if l == last:
                text(x + RADIUS + 0.5, y, "y=%g" % data["y"][j], SMALL, ha="left", va="center",
                     family=MONO)


def _draw_tables(ax, lay, text, pt, highlight, known, band):
    """Under each gap: w^l and b^l, then dC/dw^l (BP4) and dC/db^l (BP3)."""
    H, step, char = lay["H"], LINE * SMALL, CHAR * SMALL
    rows = max(len(t["b"]) for t in lay["tables"])
    for i, cells in enumerate(lay["tables"]):
        left = (lay["xs"][i] + lay["xs"][i + 1]) / 2.0 - lay["widths"][i] / 2.0
        rule = left + (cells["wide"] + 0.5) * char       # the line between w and b
        b_right = left + lay["widths"][i]
        n_in, n_out = len(cells["w"][0]), len(cells["b"])
        w_left = left + (cells["wide"] - cells["col"] * n_in) * char   # right-align the block
        for block, (wkey, bkey) in enumerate((("w", "b"), ("nabla_w", "nabla_b"))):
            top = lay["table_top"] + block * (1.2 + rows + 0.6) * step
            bottom = top + (1.2 + n_out) * step
            colour = "black" if block == 0 else DELTA_COLOUR
            # BP3 computes the dC/db column, BP4 the dC/dw block.
            w_known, b_known = block == 0 or known >= 4, block == 0 or known >= 3
            if block == 1 and highlight == "BP3":
                band(rule, top - 0.3, b_right + 0.3, bottom + 0.2)
            elif block == 1 and highlight == "BP4":
                band(left - 0.3, top - 0.3, rule, bottom + 0.2)
            w_name, b_name = cells["headers"][2 * block:2 * block + 2]
            text(left + cells["wide"] * char / 2.0, top, w_name, SMALL, ha="center", va="top",
                 family=MONO, color=colour, fontweight="bold")
            text((rule + b_right) / 2.0, top, b_name, SMALL, ha="center", va="top",
                 family=MONO, color=colour, fontweight="bold")
            for j, row in enumerate(cells[wkey]):
                y = top + (1.2 + j) * step
                for k, value in enumerate(row):
                    text(w_left + (k + 1) * cells["col"] * char, y, value if w_known else "?",
                         SMALL, ha="right", va="top", family=MONO,
                         color=colour if w_known else NOT_YET)
                text(b_right, y, cells[bkey][j] if b_known else "?", SMALL, ha="right",
                     va="top", family=MONO, color=colour if b_known else NOT_YET)
            ax.add_line(Line2D([rule, rule], [H - top - 1.1 * step, H - bottom],
                               color=RULE_COLOUR, linewidth=0.05 * pt))


def _draw_legend(ax, lay, text, pt, caption=CAPTION):
    """One row at the bottom: the fill scale, the line colours, the purple of the backward pass."""
    H = lay["H"]
    text(lay["W"] / 2.0, lay["caption_y"], caption, SMALL, ha="center", va="top",
         style="italic")
    y = lay["legend_y"] + 1.0
    x = (lay["W"] - sum(_legend_item_width(*item) for item in LEGEND)) / 2.0
    for kind, label in LEGEND:
        if kind == "fill":
            # A strip of grey from white (a = 0) to black (a = 1), as in the circles.
            text(x, y, "0", SMALL * 0.8, ha="left", va="center")
            ax.imshow([[v / 50.0 for v in range(51)]], cmap="gray_r", vmin=0, vmax=1,
                      extent=(x + 0.8, x + 4.0, H - y - 0.45, H - y + 0.45), aspect="auto",
                      zorder=2)
            ax.add_patch(Rectangle((x + 0.8, H - y - 0.45), 3.2, 0.9, fill=False,
                                   edgecolor="black", linewidth=0.05 * pt, zorder=3))
            text(x + 4.2, y, "1", SMALL * 0.8, ha="left", va="center")
        elif kind == "delta":
            text(x + SWATCH[kind] / 2.0, y, "δ", SMALL * 1.2, ha="center", va="center",
                 color=DELTA_COLOUR, fontweight="bold")
        else:
            ax.add_line(Line2D([x, x + SWATCH[kind]], [H - y, H - y], linewidth=0.25 * pt,
                               alpha=0.65, color=POSITIVE if kind == "line+" else NEGATIVE))
        text(x + SWATCH[kind] + 0.5, y, label, SMALL, ha="left", va="center",
             color=DELTA_COLOUR if kind == "delta" else "black")
        x += _legend_item_width(kind, label)
    ax.set_xlim(0, lay["W"])    # imshow moves the limits; put them back
    ax.set_ylim(0, H)


def save_backprop_figure(data, path, width=None, dpi=DEFAULT_DPI):
    """Draw the walkthrough and write it to ``path`` atomically (.png, .svg, .pdf: by the suffix).

    Args:
        data: the dict returned by ``backprop.walkthrough``.
        path: the file to write.
        width: inches, or None for the natural width (large text).
        dpi: pixels per inch of a PNG.

    Raises:
        as ``check_backprop_figure``, before anything is drawn.
    """
    check_backprop_figure(data, path, width, dpi)
    save_figure(draw_backprop(data, width), path, dpi=dpi)

