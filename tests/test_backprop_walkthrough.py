"""The classroom walkthrough prints the numbers Network.backprop_trace computes, they
agree with the numerical gradients, and its figure is readable: nothing overlaps,
nothing is left empty, every bias is drawn."""

import io
import itertools
import random
import re
import subprocess
import sys

import pytest

from mnist_scratch import backprop
from mnist_scratch.gradcheck import numerical_gradient
from mnist_scratch.network import Network

pytestmark = pytest.mark.step4

NUMBER = re.compile(r"[+-]\d+\.\d+")


def printed_blocks(text):
    """{name: [numbers]} for every 'name = ...' line and its '[...' continuation lines."""
    blocks, current = {}, None
    for line in text.splitlines():
        match = re.match(r"^\s+(?:BP\d\s+)?(numerical dC/d[bw]\^\d+|[A-Za-z/^\d]+) = (.*)$", line)
        if match:
            current = match.group(1)
            values = match.group(2).split("(")[0]
            blocks[current] = [float(v) for v in NUMBER.findall(values)]
        elif current and line.strip().startswith("["):
            blocks[current] += [float(v) for v in NUMBER.findall(line)]
        else:
            current = None
    return blocks


def flat(nested):
    return [v for row in nested for v in (row if isinstance(row, list) else [row])]


@pytest.mark.parametrize("sizes, seed, x, y", [([2, 3, 2], 1, [0.5, -0.3], [1.0, 0.0]),
                                               ([3, 4, 3, 2], 5, [1.0, -0.5, 0.25], [0.0, 1.0])])
def test_printed_numbers_match_backprop_and_numerical_gradients(sizes, seed, x, y):
    argv = ["--sizes"] + [str(n) for n in sizes] + ["--seed", str(seed), "--x"] + \
        [str(v) for v in x] + ["--y"] + [str(v) for v in y]
    out = io.StringIO()
    assert backprop.main(argv, out=out) == 0
    text = out.getvalue()
    blocks = printed_blocks(text)

    net = Network(sizes, seed=seed)
    trace = net.backprop_trace(x, y)
    num_b, num_w = numerical_gradient(net, x, y)
    L = len(sizes)
    expected = {"a^1": x}
    for i in range(L - 1):
        l = i + 2   # the book's layer number
        expected["w^%d" % l] = flat(net.weights[i])
        expected["b^%d" % l] = net.biases[i]
        expected["z^%d" % l] = trace["zs"][i]
        expected["a^%d" % l] = trace["activations"][i + 1]
        expected["delta^%d" % l] = trace["deltas"][i]
        expected["dC/db^%d" % l] = trace["nabla_b"][i]
        expected["dC/dw^%d" % l] = flat(trace["nabla_w"][i])
        expected["numerical dC/db^%d" % l] = num_b[i]
        expected["numerical dC/dw^%d" % l] = flat(num_w[i])
    for name, values in expected.items():
        assert name in blocks, "%s not printed:\n%s" % (name, text)
        assert blocks[name] == pytest.approx(values, abs=6e-7), name
    # Each equation labels its lines.
    assert "BP1  delta^%d" % L in text
    assert text.count("BP2  delta^") == L - 2
    assert text.count("BP3  dC/db^") == L - 1 and text.count("BP4  dC/dw^") == L - 1
    assert "agree" in text and "DISAGREE" not in text


def test_walkthrough_is_callable_from_python_and_its_data_comes_from_the_library():
    data = backprop.walkthrough([2, 3, 2], seed=1, x=[0.5, -0.3], y=[1.0, 0.0])
    assert data["max_error"] < 1e-6 and backprop.agrees(data)
    net = Network([2, 3, 2], seed=1)
    assert (data["nabla_b"], data["nabla_w"]) == net.backprop([0.5, -0.3], [1.0, 0.0])
    assert data["deltas"] == net.backprop_trace([0.5, -0.3], [1.0, 0.0])["deltas"]
    text = backprop.format_walkthrough(data)
    assert isinstance(text, str) and not text.endswith("\n")
    out = io.StringIO()
    backprop.main([], out=out)
    assert out.getvalue() == text + "\n"      # the command prints exactly this


def test_bad_arguments_give_exit_code_2(capsys):
    assert backprop.main(["--sizes", "2", "3", "2", "--x", "1"]) == 2
    assert "the input x needs 2 numbers" in capsys.readouterr().err
    assert backprop.main(["--sizes", "784", "10"]) == 2
    assert backprop.main(["--sizes"] + ["2"] * (backprop.MAX_LAYERS + 1)) == 2
    assert "do not fit on a slide" in capsys.readouterr().err
    assert backprop.main(["--dpi", "100"], out=io.StringIO()) == 2     # no --figure
    assert "add --figure" in capsys.readouterr().err
    with pytest.raises(ValueError, match="sizes"):
        backprop.walkthrough([2, 0, 2])
    with pytest.raises(ValueError, match="not a number"):
        backprop.walkthrough([2, 2], x=["a", 1])


def test_the_reported_overflow_is_one_line_and_exit_status_2(tmp_path):
    """`--y 1e200 0` used to end in an OverflowError traceback (the cost overflowed)."""
    done = subprocess.run([sys.executable, "-m", "mnist_scratch.backprop", "--y", "1e200", "0"],
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("python -m mnist_scratch.backprop: error: the target y: 1e+200")


@pytest.mark.parametrize("argv, words", [(["--x", "1e200", "0"], "the input x: 1e+200"),
                                         (["--x", "0", "-100.5"], "the input x: -100.5"),
                                         (["--y", "0", "2.5"], "the target y: 2.5")])
def test_numbers_beyond_the_bounds_are_refused(argv, words, capsys):
    out = io.StringIO()
    assert backprop.main(argv, out=out) == 2
    err = capsys.readouterr().err
    assert words in err and "out of range" in err and err.count("\n") == 1
    assert out.getvalue() == ""


def test_inside_the_bounds_backprop_and_the_numerical_check_agree():
    """The bounds are where the central differences stay a real check: on random
    networks with inputs and targets at and inside the bounds, they agree."""
    rng = random.Random(7)
    bx, by = backprop.MAX_INPUT, backprop.MAX_TARGET
    for _ in range(150):
        sizes = [rng.randint(1, backprop.MAX_NEURONS) for _ in range(rng.randint(2, 5))]
        x = [rng.choice([bx, -bx, rng.uniform(-bx, bx)]) for _ in range(sizes[0])]
        y = [rng.choice([by, -by, rng.uniform(-by, by)]) for _ in range(sizes[-1])]
        data = backprop.walkthrough(sizes, rng.randrange(10 ** 6), x, y)
        assert backprop.agrees(data), (sizes, x, y, data["max_error"])


@pytest.mark.parametrize("sizes, seed", [([8, 8, 8, 8, 8], 25), ([8, 8, 8, 8, 8, 8, 8], 1),
                                         ([3, 5, 2, 6, 6, 3, 6, 8], 660885)])
def test_deep_networks_agree_despite_tiny_gradients(sizes, seed):
    """Deep nets have gradient entries of 1e-9 and less, which central differences
    (accurate to about 1e-10) cannot resolve relatively; they must not read as DISAGREE."""
    data = backprop.walkthrough(sizes, seed)
    assert min(abs(v) for m in data["nabla_w"] for row in m for v in row) < 1e-6
    assert data["max_error"] < backprop.AGREEMENT
    out = io.StringIO()
    args = ["--sizes"] + [str(n) for n in sizes] + ["--seed", str(seed)]
    assert backprop.main(args, out=out) == 0
    assert "DISAGREE" not in out.getvalue()


def test_a_broken_backprop_reads_as_disagree():
    """The verdict is not a formality: output-layer gradients 1% off fail it, and so do NaNs."""
    data = backprop.walkthrough()
    correct = data["nabla_b"][-1]
    data["nabla_b"][-1] = [g * 1.01 for g in correct]
    data["max_error"] = backprop.max_relative_error((data["nabla_b"], data["nabla_w"]),
                                                    data["numerical"], backprop.ERROR_FLOOR)
    assert "DISAGREE" in backprop.format_walkthrough(data)
    data["nabla_b"][-1] = [float("nan")] * len(correct)
    data["max_error"] = backprop.max_relative_error((data["nabla_b"], data["nabla_w"]),
                                                    data["numerical"], backprop.ERROR_FLOOR)
    assert "DISAGREE" in backprop.format_walkthrough(data)


def test_a_zero_input_prints_zero_gradients_without_a_minus_sign():
    text = backprop.format_walkthrough(backprop.walkthrough([2, 2], 1, [1.0, 0.0], [1.0, 0.0]))
    assert "-0.000000" not in text


# ------------------------------------------------------------------ the figure

def decode_png(path):
    """The PNG as an (height, width, 3) float array in [0, 1]: decoded, not trusted."""
    import matplotlib.image
    raw = open(path, "rb").read()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    return matplotlib.image.imread(str(path))[..., :3]


def text_problems(fig):
    """Texts that overlap another text (by more than a pixel each way) or leave the figure."""
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer))
             for ax in fig.axes for t in ax.texts if t.get_text()]
    problems = [("outside", text) for text, b in boxes
                if b.x0 < -1 or b.y0 < -1 or b.x1 > fig.bbox.width + 1
                or b.y1 > fig.bbox.height + 1]
    for (t1, b1), (t2, b2) in itertools.combinations(boxes, 2):
        if (min(b1.x1, b2.x1) - max(b1.x0, b2.x0) > 1
                and min(b1.y1, b2.y1) - max(b1.y0, b2.y0) > 1):
            problems.append(("overlap", t1, t2))
    return problems, [text for text, _ in boxes]


@pytest.mark.parametrize("sizes", [[2, 3, 2], [3, 5, 4, 2], [1, 8, 1], [8, 8, 8], [2, 2, 1, 3]])
def test_figure_text_never_overlaps_and_every_bias_is_drawn(sizes):
    visualize_backprop = pytest.importorskip("mnist_scratch.visualize_backprop")
    data = backprop.walkthrough(sizes)
    fig = visualize_backprop.draw_backprop(data)
    problems, texts = text_problems(fig)
    assert problems == []
    everything = "\n".join(texts)
    for b in data["network"].biases:
        for value in b:
            assert "b=%+.3f" % value in everything       # under the neuron
            assert "%+.3f" % value in texts               # in the table
    assert "biases b²" in texts and "∂C/∂b² (BP3)" in texts and "∂C/∂w² (BP4)" in texts
    assert any("activation" in t for t in texts)          # the legend of the fill
    # A wider request scales everything, text included: still no overlap.
    assert text_problems(visualize_backprop.draw_backprop(data, width=5.0))[0] == []


@pytest.mark.parametrize("sizes", [[2, 3, 2], [3, 5, 4, 2]])
def test_figure_png_is_full_size_and_uses_its_whole_area(sizes, tmp_path):
    visualize_backprop = pytest.importorskip("mnist_scratch.visualize_backprop")
    path = tmp_path / "backprop.png"
    out = io.StringIO()
    argv = ["--sizes"] + [str(n) for n in sizes] + ["--figure", str(path)]
    assert backprop.main(argv, out=out) == 0
    width, height = visualize_backprop.figure_pixels(backprop.walkthrough(sizes))
    assert "Figure written to %s (%d x %d pixels)" % (path, width, height) in out.getvalue()
    pixels = decode_png(path)
    assert abs(pixels.shape[1] - width) <= 1 and abs(pixels.shape[0] - height) <= 1
    # Large by default: at least 1800 pixels wide, so the base text is about 40 pixels high.
    assert pixels.shape[1] >= 1800
    assert pixels.std() > 0.05                          # not a blank page
    ink = (pixels < 0.6).any(axis=2)
    assert ink.mean() > 0.01                            # circles, lines, text
    # Ink reaches close to every edge, and every quarter of the picture has some.
    rows, cols = ink.any(axis=1).nonzero()[0], ink.any(axis=0).nonzero()[0]
    h, w = ink.shape
    assert rows[0] < 0.05 * h and rows[-1] > 0.95 * h
    assert cols[0] < 0.1 * w and cols[-1] > 0.9 * w
    for quarter in (ink[:h // 2, :w // 2], ink[:h // 2, w // 2:],
                    ink[h // 2:, :w // 2], ink[h // 2:, w // 2:]):
        assert quarter.mean() > 0.005
    # Red and blue weight lines and purple deltas are there.
    red, green, blue = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    assert ((red > 0.6) & (blue < 0.5) & (green < 0.5)).sum() > 100
    assert ((blue > 0.6) & (red < 0.5)).sum() > 100


def test_figure_width_and_dpi_options(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    path = tmp_path / "small.png"
    assert backprop.main(["--figure", str(path), "--width", "6", "--dpi", "50"],
                         out=io.StringIO()) == 0
    assert decode_png(path).shape[1] == 300
    for argv, words in ((["--width", "1"], "--width 1"), (["--dpi", "5000"], "--dpi 5000"),
                        (["--width", "200", "--dpi", "1000"], "pixels")):
        out = io.StringIO()
        assert backprop.main(["--figure", str(tmp_path / "big.png")] + argv, out=out) == 2
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1
        assert out.getvalue() == "" and not (tmp_path / "big.png").exists()


def test_figure_format_follows_the_suffix(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    svg = tmp_path / "backprop.svg"
    assert backprop.main(["--figure", str(svg)], out=io.StringIO()) == 0
    assert b"<svg" in svg.read_bytes()[:400]
    out = io.StringIO()
    assert backprop.main(["--figure", str(tmp_path / "backprop.txt")], out=out) == 2
    err = capsys.readouterr().err
    assert "backprop.txt" in err and ".png" in err and err.count("\n") == 1
    assert out.getvalue() == "" and not (tmp_path / "backprop.txt").exists()
    assert backprop.main(["--figure", str(tmp_path / "missing" / "b.png")], out=out) == 2
    assert "does not exist" in capsys.readouterr().err
    # A format that needs LaTeX, and a folder instead of a file: refused before any work.
    for target, words in ((tmp_path / "b.pgf", "'.pgf'"), (tmp_path, "it is a folder")):
        assert backprop.main(["--figure", str(target)], out=out) == 2
        assert words in capsys.readouterr().err
    assert out.getvalue() == ""


@pytest.mark.parametrize("argv", [["--x", "nan", "1"], ["--y", "1", "inf"]])
def test_inputs_must_be_finite_numbers(argv, capsys):
    with pytest.raises(SystemExit) as done:
        backprop.main(argv, out=io.StringIO())
    assert done.value.code == 2
    assert "must be a finite number" in capsys.readouterr().err


# ------------------------------------------------------- step by step, and the slides

PART_MARKERS = ["Forward pass", "BP1  delta^3", "BP2  delta^2", "BP3  dC/db^3", "BP4  dC/dw^3",
                "largest relative error"]


def test_step_mode_shows_the_parts_in_order_one_enter_each():
    """Piped Enters (not a terminal): every part, in order, each after its prompt; with the
    prompts taken out, the text is exactly the walkthrough's."""
    done = subprocess.run([sys.executable, "-m", "mnist_scratch.backprop", "--step"],
                          input="\n" * 5, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == ""
    text = done.stdout
    where = [text.index(marker) for marker in PART_MARKERS]
    assert where == sorted(where)
    prompts = [text.index("press Enter for %s" % name) for name in
               ("BP1", "BP2", "BP3", "BP4", "the check")]
    # forward < prompt < BP1 < prompt < BP2 ... : each part waits for its Enter
    assert sorted(where + prompts) == [v for pair in zip(where, prompts + [None])
                                       for v in pair if v is not None]
    kept = [line for line in text.splitlines() if line and not line.startswith("press Enter")]
    whole = backprop.format_walkthrough(backprop.walkthrough())
    assert kept == [line for line in whole.splitlines() if line]


class Enters:
    """Stdin for --step: records what had been printed each time a line is read."""

    def __init__(self, out, lines):
        self.out, self.lines, self.seen = out, lines, []

    def readline(self):
        self.seen.append(self.out.getvalue())
        return self.lines.pop(0) if self.lines else ""

    def isatty(self):
        return False


def test_step_mode_waits_before_each_part_and_stops_cleanly_at_end_of_input():
    out = io.StringIO()
    enters = Enters(out, ["\n", "\n"])
    assert backprop.main(["--step", "--sizes", "2", "3", "3", "2"], out=out, inp=enters) == 0
    first, second, third = enters.seen
    # Before the first Enter only the forward pass is out; then one more part per Enter.
    assert "Forward pass" in first and "BP1" not in first.replace("press Enter for BP1", "")
    assert first.rstrip().endswith("press Enter for BP1 (the error of the output layer) ...")
    assert "BP1  delta^4" in second and "BP2  delta^" not in second
    assert "BP2  delta^3" in third and "BP2  delta^2" in third and "BP3" not in \
        third.replace("press Enter for BP3", "")
    # The input ended at the third prompt: a clean stop, saying so; no gradient lines.
    text = out.getvalue()
    assert text.endswith("(end of input: stopped before BP3 (the gradient of the biases))\n")
    assert "dC/db^" not in text


def test_step_mode_at_once_end_of_input_exits_cleanly():
    done = subprocess.run([sys.executable, "-m", "mnist_scratch.backprop", "--step"],
                          input="", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == ""
    assert "Forward pass" in done.stdout and "BP1  delta" not in done.stdout
    assert "end of input" in done.stdout


def test_a_network_without_hidden_layer_says_bp2_has_nothing_to_do():
    parts = dict(backprop.walkthrough_parts(backprop.walkthrough([2, 2])))
    assert list(parts) == list(backprop.PARTS)
    assert "no hidden layer" in parts["BP2"] and "delta^" not in parts["BP2"]


HIGHLIGHT_RGB = (1.0, 0xe6 / 255, 0x80 / 255)


def yellow(pixels):
    """Where a slide is highlighted."""
    return (abs(pixels - HIGHLIGHT_RGB) < 0.03).all(axis=2)


def test_slides_one_png_per_step_with_the_step_highlighted(tmp_path):
    visualize_backprop = pytest.importorskip("mnist_scratch.visualize_backprop")
    folder = tmp_path / "new" / "slides"          # made if missing, parents too
    out = io.StringIO()
    assert backprop.main(["--slides", str(folder), "--dpi", "50"], out=out) == 0
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(visualize_backprop.SLIDE_NAMES) and len(names) == 5
    assert "5 slides written to %s" % folder in out.getvalue()
    data = backprop.walkthrough()
    width, height = visualize_backprop.figure_pixels(data, dpi=50, slides=True)
    lay = visualize_backprop._layout(data, slides=True)
    scale = lay["u"] * 50                              # pixels per layout unit
    xs = [x * scale for x in lay["xs"]]               # the layers' columns, in pixels
    table_top = lay["table_top"] * scale
    slides = {}
    for stage, name in zip(visualize_backprop.STAGES, visualize_backprop.SLIDE_NAMES):
        pixels = decode_png(folder / name)
        assert abs(pixels.shape[1] - width) <= 1 and abs(pixels.shape[0] - height) <= 1
        assert pixels.std() > 0.05                    # not blank
        slides[stage] = pixels

    def lit_columns(stage):
        """The layers whose column is highlighted above the tables."""
        mask = yellow(slides[stage])[:int(table_top)]
        return [l for l, x in enumerate(xs) if mask[:, int(x) - 2:int(x) + 3].mean() > 0.3]

    assert lit_columns("forward") == [1, 2]           # every layer the forward pass computes
    assert lit_columns("BP1") == [2]                  # the output layer
    assert lit_columns("BP2") == [1]                  # the hidden layer
    for stage in ("BP3", "BP4"):                      # the gradient tables, not the columns
        assert lit_columns(stage) == []
        assert yellow(slides[stage])[int(table_top):].mean() > 0.02
    # BP3 lights the bias-gradient columns, BP4 the weight-gradient blocks: different places.
    assert (yellow(slides["BP3"]) != yellow(slides["BP4"])).mean() > 0.02
    # What a step has not computed yet reads "?": exactly those numbers, slide by slide.
    sizes = data["network"].sizes
    n_b, n_w = sum(sizes[1:]), sum(a * b for a, b in zip(sizes, sizes[1:]))
    unknown = [sum(t in ("?", "δ=?") for t in text_problems(
        visualize_backprop.draw_backprop(data, highlight=stage))[1])
        for stage in visualize_backprop.STAGES]
    assert unknown == [n_w + n_b + n_b, n_w + n_b + n_b - sizes[-1], n_w + n_b, n_w, 0]
    # Arrows between the headings: black forward, purple back in BP2, none in BP1.
    band = slice(int(lay["heading_y"] * scale), int((lay["heading_y"] + 2.6) * scale))
    between = slice(int(xs[1] + 0.3 * (xs[2] - xs[1])), int(xs[1] + 0.7 * (xs[2] - xs[1])))
    red, green, blue = (slides["BP2"][band, between][..., c] for c in range(3))
    assert ((red > 0.35) & (green < 0.35) & (blue > 0.45)).sum() > 20   # purple
    assert (slides["forward"][band, between] < 0.2).all(axis=2).sum() > 20
    assert (slides["BP1"][band, between] < 0.6).any(axis=2).sum() == 0


@pytest.mark.parametrize("sizes", [[3, 5, 4, 2], [2, 2], [2, 2, 1, 3]])
def test_slide_text_never_overlaps(sizes):
    visualize_backprop = pytest.importorskip("mnist_scratch.visualize_backprop")
    data = backprop.walkthrough(sizes)
    size = None
    for stage in visualize_backprop.STAGES:
        fig = visualize_backprop.draw_backprop(data, highlight=stage)
        problems, texts = text_problems(fig)
        assert problems == [], stage
        assert texts[-2].startswith("Step %d of 5" % (visualize_backprop.STAGES.index(stage) + 1))
        assert size in (None, tuple(fig.get_size_inches()))     # every slide the same size
        size = tuple(fig.get_size_inches())
    with pytest.raises(ValueError, match="highlight"):
        visualize_backprop.draw_backprop(data, highlight="BP5")


def test_slides_are_checked_before_anything_is_written(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    folder = tmp_path / "slides"
    out = io.StringIO()
    assert backprop.main(["--slides", str(folder), "--width", "200", "--dpi", "1000"],
                         out=out) == 2
    assert "pixels" in capsys.readouterr().err and not folder.exists()
    (tmp_path / "file").write_text("")
    assert backprop.main(["--slides", str(tmp_path / "file")], out=out) == 2
    err = capsys.readouterr().err
    assert "it is a file, not a folder" in err and err.count("\n") == 1
    assert out.getvalue() == ""
