"""The classroom walkthrough prints the numbers Network.backprop computes, and they
agree with the numerical gradients."""

import io
import re

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
    trace = {}
    nabla_b, nabla_w = net.backprop(x, y, trace=trace)
    num_b, num_w = numerical_gradient(net, x, y)
    L = len(sizes)
    expected = {"a^1": x}
    for i in range(L - 1):
        l = i + 2
        expected["w^%d" % l] = flat(net.weights[i])
        expected["b^%d" % l] = net.biases[i]
        expected["z^%d" % l] = trace["zs"][i]
        expected["a^%d" % l] = trace["activations"][i + 1]
        expected["delta^%d" % l] = trace["deltas"][i]
        expected["dC/db^%d" % l] = nabla_b[i]
        expected["dC/dw^%d" % l] = flat(nabla_w[i])
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


def test_walkthrough_data_comes_from_the_library():
    data = backprop.walkthrough()
    assert data["max_error"] < 1e-6
    net = Network([2, 3, 2], seed=1)
    assert (data["nabla_b"], data["nabla_w"]) == net.backprop([0.5, -0.3], [1.0, 0.0])


def test_bad_arguments_give_exit_code_2(capsys):
    assert backprop.main(["--sizes", "2", "3", "2", "--x", "1"]) == 2
    assert backprop.main(["--sizes", "784", "10"]) == 2
    assert "error" in capsys.readouterr().err


def test_figure_is_written_and_not_blank(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "backprop.png"
    out = io.StringIO()
    assert backprop.main(["--figure", str(path)], out=out) == 0
    raw = path.read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib.image
    pixels = matplotlib.image.imread(str(path))
    assert pixels.std() > 0.05          # not a blank page
    assert (pixels[..., :3] < 0.2).mean() > 0.005   # some dark ink: circles, text


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
    assert "DISAGREE" in "\n".join(backprop.format_walkthrough(data))
    data["nabla_b"][-1] = [float("nan")] * len(correct)
    data["max_error"] = backprop.max_relative_error((data["nabla_b"], data["nabla_w"]),
                                                    data["numerical"], backprop.ERROR_FLOOR)
    assert "DISAGREE" in "\n".join(backprop.format_walkthrough(data))


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
