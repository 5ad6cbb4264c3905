"""The checks of steps 6 and 7 (pictures of your network; saving it): the worked solution
passes, and each typical mistake fails its own function with its hint.

The pictures are really drawn and decoded: the checks read the student's Figure and the
PNG or GIF it saved. Without matplotlib and Pillow, step 6's tests are skipped, and the
checker itself must say in one line what is missing and how to install it: that is
tested here with a Python that cannot import matplotlib (a stand-in package that
refuses to import, and PyPy without the viz extra when it is installed).
"""

import copy
import io
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, VIZ_MISSING
from mnist_scratch import check
from mnist_scratch import visualize_checks as pictures
from mnist_scratch.check import report
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from test_check import assert_mistake_caught, run, solution


def viz():
    """Skip the test unless matplotlib and Pillow are installed; pyplot, drawing off screen."""
    pytest.importorskip("PIL.Image", reason=VIZ_MISSING)
    matplotlib = pytest.importorskip("matplotlib", reason=VIZ_MISSING)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


@pytest.fixture(scope="module")
def correct():
    """The worked solution, loaded as the checker loads a student's file."""
    return check.load_student_file(solution("correct"))


def outcomes(name, func, folder):
    os.makedirs(str(folder), exist_ok=True)  # as the sandbox makes its folder
    with check.Checker(folder=str(folder)) as checker:
        return list(checker.iter_checks(name, func))


def failure(name, func, folder):
    """The last outcome of a function's checks, which must be a FAIL."""
    last = outcomes(name, func, folder)[-1]
    assert last.status == "FAIL", last
    return last


# ------------------------------------------------------------- typical mistakes

MISTAKES = [
    (6, "plot_images_no_marks", "plot_images", ["tile 1 (label 2, guess 5) marked in red",
                                                "no red there", "spine.set_color('red')"]),
    (7, "save_network_rounded", "save_network", ["the weights with every digit",
                                                 "came back as 0.333333, not 0.3333333333333333",
                                                 "json.dump, which keeps every digit"]),
]


@pytest.mark.parametrize("step, mistake, function, words", [
    pytest.param(*m, marks=getattr(pytest.mark, "step%d" % m[0]), id=m[1]) for m in MISTAKES])
def test_typical_mistake_fails_its_function_with_its_hint(step, mistake, function, words):
    if step == 6:
        viz()
    assert_mistake_caught(step, mistake, function, words)


# ------------------------------------------------------------- step 6 in this process

@pytest.mark.step6
def test_weights_to_image_mistakes(correct, tmp_path):
    def transposed(row):
        return [[row[28 * c + k] for c in range(28)] for k in range(28)]
    assert "transposed" in failure("weights_to_image", transposed, tmp_path).hint

    def flat(row):
        return list(row)
    last = failure("weights_to_image", flat, tmp_path)
    assert last.expected == "28 rows of 28 numbers" and "28 pieces" in last.hint

    def changes_the_row(row):
        row[0] = 1.0
        return correct.weights_to_image(row)
    assert "unchanged" in failure("weights_to_image", changes_the_row, tmp_path).expected


@pytest.mark.step6
def test_plot_images_mistakes(correct, tmp_path):
    plt = viz()

    def no_return(images, labels, path, guesses=None):
        correct.plot_images(images, labels, path, guesses)
    assert "return fig" in failure("plot_images", no_return, tmp_path).hint

    def not_saved(images, labels, path, guesses=None):
        return correct.plot_images(images, labels, path + ".png", guesses)
    last = failure("plot_images", not_saved, tmp_path)
    assert "no file digits.png (but digits.png.png)" in last.got and "savefig" in last.hint

    def saves_an_empty_figure(images, labels, path, guesses=None):
        fig = correct.plot_images(images, labels, str(tmp_path / "elsewhere.png"), guesses)
        plt.figure(figsize=(8, 3)).savefig(path)
        return fig
    assert "a blank picture" in failure("plot_images", saves_an_empty_figure, tmp_path).got

    def transposed(images, labels, path, guesses=None):
        flipped = [[x[28 * c + r] for r in range(28) for c in range(28)] for x in images]
        return correct.plot_images(flipped, labels, path, guesses)
    last = failure("plot_images", transposed, tmp_path)
    assert last.got == "it is transposed" and "x[28 * r:28 * r + 28]" in last.hint

    def one_long_row(images, labels, path, guesses=None):
        fig, axes = plt.subplots(1, len(images), figsize=(1.2 * len(images), 1.6))
        for ax, x, label in zip(axes, images, labels):
            ax.imshow(correct.weights_to_image(x), cmap="gray_r")
            ax.set_title(str(label))
        fig.savefig(path)
        return fig
    assert failure("plot_images", one_long_row, tmp_path).got == "a row of 12"

    def red_titles_everywhere(images, labels, path, guesses=None):
        fig = correct.plot_images(images, labels, str(tmp_path / "first.png"), guesses)
        for ax in fig.axes:
            ax.title.set_color("red")
        fig.savefig(path)
        return fig
    last = failure("plot_images", red_titles_everywhere, tmp_path)
    assert last.expected == "no red on tile 0: no guesses were given" and "gray" in last.hint


@pytest.mark.step6
def test_plot_images_right_answers_drawn_another_way_pass(correct, tmp_path):
    """Long titles that reach over the next tile's, and the library's to_image (the notebook
    itself shows it) for each tile: the red of a marked tile's title is its own alone."""
    plt = viz()
    from mnist_scratch import visualize

    def long_titles(images, labels, path, guesses=None):
        fig, axes = plt.subplots(2, 10, figsize=(10, 2.6))
        for ax in axes.flat:
            ax.axis("off")
        for k, (ax, x, label) in enumerate(zip(axes.flat, images, labels)):
            ax.axis("on")
            ax.imshow(visualize.to_image(x), cmap="gray_r")
            ax.set_xticks([])
            ax.set_yticks([])
            wrong = guesses is not None and guesses[k] != label
            ax.set_title("label %d, guess %s" % (label, "-" if guesses is None else guesses[k]),
                         fontsize=9, color="red" if wrong else "black")
            for spine in ax.spines.values():
                spine.set_color("red" if wrong else "black")
                spine.set_linewidth(3 if wrong else 1)
        fig.tight_layout()
        fig.savefig(path, dpi=150)
        return fig
    examples = load_mnist("test", limit=12)
    fig = long_titles([x for x, _ in examples], [y for _, y in examples],
                      str(tmp_path / "overlap.png"))
    titles = [ax.title.get_window_extent(fig.canvas.get_renderer()) for ax in fig.axes[:2]]
    assert titles[0].x1 > titles[1].x0   # the titles do reach over each other
    plt.close(fig)
    assert [o.status for o in outcomes("plot_images", long_titles, tmp_path)] == ["PASS"] * 2

    def library_to_image(row):   # but weights_to_image itself is the student's to write
        return visualize.to_image(row)
    assert "visualize_figures.to_image" in failure("weights_to_image", library_to_image,
                                                   tmp_path).got


@pytest.mark.step6
def test_plot_weights_mistakes(correct, tmp_path):
    plt = viz()

    def draw(weights, path, cmap="RdBu_r", same_scale=True):
        first = weights[0]
        limit = max(abs(w) for row in first for w in row)
        fig, axes = plt.subplots(2, 8, figsize=(10, 3))
        for ax, row in zip(axes.flat, first):
            if same_scale:
                ax.imshow(correct.weights_to_image(row), cmap=cmap, vmin=-limit, vmax=limit)
            else:
                ax.imshow(correct.weights_to_image(row), cmap=cmap)
        fig.savefig(path)
        return fig
    assert [o.status for o in outcomes("plot_weights", draw, tmp_path)] == ["PASS"]

    last = failure("plot_weights", lambda w, p: draw(w, p, same_scale=False), tmp_path)
    assert "centred at 0" in last.expected and "vmin=-limit, vmax=limit" in last.hint
    last = failure("plot_weights", lambda w, p: draw(w, p, cmap="gray"), tmp_path)
    assert "diverging" in last.expected and "'gray'" in last.got

    def scaled_per_tile(weights, path):  # each tile divided by its own largest |weight|
        own = [[w / max(abs(v) for v in row) for w in row] for row in weights[0]]
        return draw([own], path)
    last = failure("plot_weights", scaled_per_tile, tmp_path)
    assert last.expected == "one colour scale for every tile"

    from mnist_scratch import visualize

    def library_tiles(weights, path):
        return visualize.plot_weight_images(weights[0], path=path)
    assert "visualize_figures.plot_weight_images" in failure("plot_weights", library_tiles,
                                                             tmp_path).got


@pytest.mark.step6
def test_plot_history_mistakes(correct, tmp_path):
    plt = viz()

    def one_panel(costs, accuracies, path):
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot(costs, label="cost")
        ax.plot(accuracies, label="accuracy")
        ax.set_title("learning")
        fig.savefig(path)
        return fig
    last = failure("plot_history", one_panel, tmp_path)
    assert last.got == "both in one panel" and "plt.subplots(1, 2)" in last.hint

    def too_small(costs, accuracies, path):
        fig = correct.plot_history(costs, accuracies, str(tmp_path / "big.png"))
        fig.savefig(path, dpi=25)
        return fig
    last = failure("plot_history", too_small, tmp_path)
    assert "250 x 100 pixels" in last.got and "at least 300 pixels wide" in last.expected

    def returns_the_axes(costs, accuracies, path):
        return correct.plot_history(costs, accuracies, path).axes[0]
    assert "You returned an Axes" in failure("plot_history", returns_the_axes, tmp_path).hint


@pytest.mark.step6
def test_make_gif_mistakes(correct, tmp_path):
    viz()

    def in_seconds(frames, path, seconds_per_frame=0.5):
        return correct.make_gif(frames, path, seconds_per_frame / 1000)
    last = failure("make_gif", in_seconds, tmp_path)
    assert "MILLISECONDS" in last.hint and last.expected.startswith("250 ms a frame")

    def the_first_frame_three_times(frames, path, seconds_per_frame=0.5):
        return correct.make_gif([frames[0]] * len(frames), path, seconds_per_frame)
    last = failure("make_gif", the_first_frame_three_times, tmp_path)
    assert last.expected == "frame 1 different from frame 0, as the snapshots are"
    assert "the same picture" in last.got


@pytest.mark.step6
def test_without_matplotlib_a_check_is_one_error_that_says_how_to_install(monkeypatch,
                                                                           tmp_path):
    monkeypatch.setattr(pictures, "viz_problem", lambda: "no matplotlib here")
    (last,) = outcomes("plot_history", lambda *args: None, tmp_path)
    assert last.status == "ERROR" and "Install them with:" in last.hint
    assert sys.executable in last.hint and "matplotlib" in last.hint
    # weights_to_image is plain Python: it is still checked.
    assert {o.status for o in outcomes("weights_to_image", lambda row: None, tmp_path)} == {"FAIL"}


def hidden_matplotlib(tmp_path):
    """An environment whose Python cannot import matplotlib (a package that refuses to)."""
    package = tmp_path / "hidden" / "matplotlib"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise ImportError('No module named matplotlib')\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(tmp_path / "hidden"), ROOT] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    return env


@pytest.mark.step6
@pytest.mark.parametrize("python", ["this", "pypy3"])
def test_without_the_viz_extra_the_command_says_so_in_one_line(tmp_path, python):
    if python == "this":
        command, env = [sys.executable], hidden_matplotlib(tmp_path)
    else:
        pypy = shutil.which("pypy3")
        if pypy is None or subprocess.run([pypy, "-c", "import matplotlib"],
                                          capture_output=True).returncode == 0:
            pytest.skip("needs a PyPy without matplotlib")
        command, env = [pypy], dict(os.environ, PYTHONPATH=ROOT)
    done = subprocess.run(command + ["-m", "mnist_scratch.check", "6", solution("correct")],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    skipped = [line for line in done.stdout.splitlines() if "NOT CHECKED" in line]
    assert len(skipped) == 1, done.stdout
    assert "plot_images, plot_weights, plot_history, make_gif" in skipped[0]
    assert "install them with: " in skipped[0] and "-m pip install" in skipped[0]
    assert done.stdout.count("PASS  weights_to_image") == 2
    # Nothing left to check at all: one error line, exit status 2.
    done = subprocess.run(command + ["-m", "mnist_scratch.check", "6", solution("correct"),
                                     "--only", "plot_images"],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=300)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "error: step 6 draws with matplotlib" in done.stderr


# ------------------------------------------------------------- step 7 in this process

@pytest.mark.step7
def test_save_network_mistakes(correct, tmp_path):
    def no_cost(weights, biases, path):
        with open(path, "w") as f:
            json.dump({"version": 2, "sizes": [len(weights[0][0])] + [len(w) for w in weights],
                       "weights": weights, "biases": biases}, f)
    last = failure("save_network", no_cost, tmp_path)
    assert "missing key 'cost'" in last.got and '"activations": ["sigmoid", "sigmoid"]' in last.hint

    def not_json(weights, biases, path):
        with open(path, "w") as f:
            f.write(str({"sizes": [4, 3, 2], "weights": weights, "biases": biases}))
    last = failure("save_network", not_json, tmp_path)
    assert "not valid JSON" in last.got and "json.dump(data, f)" in last.hint

    def rounds_in_place(weights, biases, path):
        for matrix in weights:
            for row in matrix:
                row[:] = [round(w, 3) for w in row]
        correct.save_network(weights, biases, path)
    assert "unchanged" in failure("save_network", rounds_in_place, tmp_path).expected

    def library_save(weights, biases, path):
        Network.from_parameters(weights, biases).save(path)
    assert "it calls the library's" in failure("save_network", library_save, tmp_path).got


@pytest.mark.step7
def test_a_round_trip_alone_is_not_enough(correct, tmp_path):
    """A save and a load that both transpose the matrices agree with each other; the
    library's Network.load is what catches them."""
    def save_transposed(weights, biases, path):
        correct.save_network([[list(c) for c in zip(*m)] for m in weights], biases, path)

    def load_transposed(path):
        weights, biases = correct.load_network(path)
        return [[list(c) for c in zip(*m)] for m in weights], biases
    weights, biases = Network([5, 4, 3], seed=1).weights, Network([5, 4, 3], seed=1).biases
    save_transposed(weights, biases, str(tmp_path / "own.json"))
    assert load_transposed(str(tmp_path / "own.json")) == (weights, biases)
    last = failure("save_network", save_transposed, tmp_path)
    assert "Network.load reads" in last.expected and "must be a list of 4" in last.got


@pytest.mark.step7
def test_load_network_mistakes(correct, tmp_path):
    def returns_a_network(path):
        return Network([784, 16, 10])
    assert "a pair (weights, biases)" in failure("load_network", returns_a_network,
                                                 tmp_path).expected

    def returns_the_dict(path):
        with open(path) as f:
            data = json.load(f)
        return data, None
    assert failure("load_network", returns_the_dict, tmp_path).expected == \
        "a list of weight matrices"


@pytest.mark.step7
def test_the_round_trip_uses_the_students_own_load_network(correct, tmp_path):
    namespace = {"correct": correct}
    exec("def save_network(weights, biases, path):\n"
         "    correct.save_network(weights, biases, path)\n"
         "def load_network(path):\n"
         "    raise NotImplementedError\n", namespace)
    titles = [o.title for o in outcomes("save_network", namespace["save_network"], tmp_path)]
    assert len(titles) == 2 and not any("round trip" in t for t in titles)
    exec("def load_network(path):\n    return [[[0.0]]], [[0.0]]\n", namespace)
    last = outcomes("save_network", namespace["save_network"], tmp_path)[-1]
    assert last.status == "FAIL" and last.title.startswith("load_network(network.json)")


# ------------------------------------------------------------- files, template, grading

@pytest.mark.step6
def test_the_checks_write_only_into_the_checkers_folder(correct, tmp_path, monkeypatch):
    viz()
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    folder = tmp_path / "checker"
    for step in (6, 7):
        for name in check.STEPS[step][1]:
            assert {o.status for o in outcomes(name, getattr(correct, name), folder)} == {"PASS"}
    assert os.listdir(str(here)) == []
    assert set(os.listdir(str(folder))) == {"digits.png", "guesses.png", "weights.png",
                                            "history.png", "weights.gif", "awkward.json",
                                            "network.json", "library.json"}


@pytest.mark.step6
def test_template_imports_no_picture_library_at_the_top():
    """The template must load on a Python without matplotlib: step 6 imports it inside
    its functions, and the step's comment says so."""
    with open(check.template_path(), encoding="utf-8") as f:
        source = f.read()
    top = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert top == ["import gzip", "import io", "import json", "import math", "import random",
                   "import struct"]
    assert "Import it INSIDE each function" in source


@pytest.mark.step6
def test_list_marks_the_optional_function_and_a_todo_says_it_costs_nothing(tmp_path):
    viz()
    code, out = run(["--list"])
    assert code == 0 and "make_gif (optional)" in out
    path = tmp_path / "steps.py"
    path.write_text("from correct import *  # noqa\n\n\ndef make_gif(frames, path, s=0.5):\n"
                    "    raise NotImplementedError\n")
    shutil.copy(solution("correct"), str(tmp_path / "correct.py"))
    code, out = run(["6", str(path), "--only", "make_gif", "weights_to_image"])
    assert "TODO  make_gif: not written yet" in out and "grading gives it no points" in out


def rows_of(student, statuses):
    return [{"student": student, "step": 6, "function": name, "status": status, "detail": "d"}
            for name, status in zip(check.STEPS[6][1], statuses)]


@pytest.mark.step6
def test_an_optional_function_earns_no_point_and_its_todo_costs_none():
    steps = {6: check.STEPS[6]}
    assert check.STEPS[6][1][-1] == "make_gif" and report.OPTIONAL == {"make_gif"}
    rows = (rows_of("all.py", ["PASS"] * 5) + rows_of("no_gif.py", ["PASS"] * 4 + ["TODO"])
            + rows_of("bad_gif.py", ["PASS"] * 4 + ["FAIL"])
            + rows_of("half.py", ["PASS", "PASS", "FAIL", "TODO", "PASS"]))
    table = report.markdown_summary(rows, steps)
    assert "| all.py | 4/4 +1 | **4/4** +1 |" in table
    assert "| no_gif.py | 4/4 | **4/4** |" in table
    assert "| bad_gif.py | 4/4 | **4/4** |" in table
    assert "| half.py | 2/4 +1 | **2/4** +1 |" in table
    assert "pictures of your network: digits, weights, learning curves (4 + 1 optional)" in table
    assert "Optional, for no points: make_gif" in table
    assert "no_gif.py" not in table.split("## What did not pass")[1]
    assert "- bad_gif.py: FAIL: make_gif (optional)" in table
    assert "- half.py: FAIL: plot_weights; TODO: plot_history" in table
    assert report.student_summary(rows_of("x.py", ["PASS"] * 4 + ["TODO"])) == "4/4 passed"
    assert report.student_summary(rows_of("x.py", ["PASS"] * 5)) == "4/4 passed +1"


@pytest.mark.step6
def test_grading_a_class_on_step_6_gives_no_point_for_the_gif(tmp_path):
    viz()
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(solution("correct"), str(folder / "correct.py"))
    (folder / "no_gif.py").write_text(
        "from correct import *  # noqa\n\n\ndef make_gif(frames, path, seconds_per_frame=0.5):\n"
        "    raise NotImplementedError('step 6: write make_gif (optional)')\n")
    out = io.StringIO()
    code = check.main(["grade", str(folder), "--steps", "6", "--out", str(tmp_path / "g.csv"),
                       "--jobs", "1"], out=out)
    assert code == 0, out.getvalue()
    text = out.getvalue()
    assert "(5 functions each, 1 of them optional)" in text
    assert "correct.py: 4/4 passed +1" in text and "no_gif.py: 4/4 passed\n" in text
    assert "| no_gif.py | 4/4 | **4/4** |" in text
    rows = (tmp_path / "g.csv").read_text().splitlines()
    assert "no_gif.py,6,make_gif,TODO,make_gif: not written yet" in "\n".join(rows)


@pytest.mark.step7
def test_load_network_reads_the_library_file_exactly(correct, tmp_path):
    net = Network([784, 16, 10], seed=2, cost="log-likelihood", activation="relu")
    net.save(str(tmp_path / "net.json"))
    weights, biases = correct.load_network(str(tmp_path / "net.json"))
    assert weights == net.weights and biases == net.biases
    saved = copy.deepcopy((weights, biases))
    correct.save_network(weights, biases, str(tmp_path / "again.json"))
    again = Network.load(str(tmp_path / "again.json"))
    assert (again.weights, again.biases) == saved
