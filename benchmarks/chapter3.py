"""Chapter 3 ("From 95% to 98%") measured by the project's own runs: two figures and a table.

    python benchmarks/chapter3.py figures                 # docs/figures/slowdown.png, overfitting.png
    python benchmarks/chapter3.py figures --python pypy3  # the overfitting runs under PyPy (faster)
    python benchmarks/chapter3.py table --python pypy3    # the table of improvements (about 30 min)
    python benchmarks/chapter3.py table --python pypy3 --rows 7 8   # only rows 7 and 8

``figures`` draws (needs the viz extra, matplotlib):

slowdown.png
    the learning slowdown: the book's single sigmoid neuron with one input
    x = 1, started saturated (weight and bias -2, so its output is 0.02) and
    trained towards the target 1 by gradient descent (eta 0.15, one example),
    once with the quadratic cost and once with the cross-entropy cost: the
    cost after each epoch, side by side. (The book starts at w = b = 2, an
    output of 0.98, with the target 0; here the neuron is mirrored, because
    a network with one output neuron has the one-hot target 1. sigma' is
    symmetric, so the curves are the same.)
overfitting.png
    overfitting: [784, 30, 10] trained on only the first 1,000 training
    images for 400 epochs (cross-entropy, N(0, 1) weights, eta 0.5,
    mini-batches of 10, as in the book), without and with L2 regularisation
    (lmbda 0.1): the accuracy on those 1,000 images reaches 100% while the
    accuracy on the 10,000 validation images stalls, and L2 raises where it
    stalls.

``table`` trains one network per row of the table "From 95% to 98%", each
row adding one change to the row before, with ``python -m mnist_scratch.learn``
run by ``--python``; every row trains on the same number of examples (30
epochs of the 50,000 training images; the expanded data, 5 times larger,
gets 6 epochs). It prints the table in Markdown (best epoch by validation
accuracy, its validation and test accuracy, the training time) and writes it
to WORK/table.md. The runs' output and histories go into ``--work``; a run
whose output is already there is not trained again, so an interrupted table
resumes, and the figures are redrawn without training.

Every run is deterministic: the same command gives the same numbers on the
same Python (the times vary with the machine's load).
"""

import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from mnist_scratch.network import Network  # noqa: E402
from mnist_scratch.training import History, evaluate, sgd  # noqa: E402

LEARN = ["-m", "mnist_scratch.learn"]
FONT = 17  # points: readable on a projector

# ---------------------------------------------------------------- the slowdown

SLOWDOWN_ETA = 0.15
SLOWDOWN_EPOCHS = 300


def slowdown_curves():
    """{cost name: (costs, outputs)}: the cost and the output of the single saturated
    neuron at epochs 0..SLOWDOWN_EPOCHS, for the quadratic and the cross-entropy cost."""
    example = [([1.0], 0)]  # input x = 1; one output neuron, so label 0 is the target y = 1
    curves = {}
    for cost in ("quadratic", "cross-entropy"):
        net = Network([1, 1], cost=cost)
        net.weights, net.biases = [[[-2.0]]], [[-2.0]]  # z = -4: output 0.018, saturated
        costs, outputs = [evaluate(net, example).cost], [net.feedforward([1.0])[0]]

        def on_epoch(record, network, costs=costs, outputs=outputs):
            costs.append(record["evaluation_cost"])
            outputs.append(network.feedforward([1.0])[0])

        sgd(net, example, SLOWDOWN_EPOCHS, 1, SLOWDOWN_ETA, evaluation_data=example, seed=1,
            on_epoch=on_epoch)
        curves[cost] = costs, outputs
    return curves


def draw_slowdown(path):
    from matplotlib.figure import Figure

    curves = slowdown_curves()
    fig = Figure(figsize=(15, 6.2), layout="constrained")
    axes = fig.subplots(1, 2)
    titles = {"quadratic": "Quadratic cost: a slow start",
              "cross-entropy": "Cross-entropy cost: fastest when most wrong"}
    colours = {"quadratic": "tab:red", "cross-entropy": "tab:blue"}
    for ax, (cost, (costs, outputs)) in zip(axes, curves.items()):
        ax.plot(range(len(costs)), costs, color=colours[cost], linewidth=4)
        ax.set_title(titles[cost], fontsize=FONT + 1)
        ax.set_xlabel("epoch", fontsize=FONT)
        ax.set_ylabel("%s cost" % cost, fontsize=FONT)
        ax.set_xlim(0, SLOWDOWN_EPOCHS)
        ax.set_ylim(0, costs[0] * 1.08)
        ax.tick_params(labelsize=FONT - 2)
        ax.grid(alpha=0.3)
        notes = "\n".join("output after %3d epochs: %.2f" % (e, outputs[e])
                          for e in (0, 30, 100, SLOWDOWN_EPOCHS))
        # Where the curve is not: lower left for the quadratic cost, upper right otherwise.
        corner = (0.03, 0.05, "left", "bottom") if cost == "quadratic" else (0.97, 0.95, "right", "top")
        ax.text(corner[0], corner[1], notes, transform=ax.transAxes, ha=corner[2], va=corner[3],
                fontsize=FONT - 3, family="monospace",
                bbox=dict(facecolor="white", edgecolor="0.7", alpha=0.9))
    fig.suptitle("One sigmoid neuron, x = 1, started saturated (w = b = -2, output 0.02), "
                 "target 1, eta %g" % SLOWDOWN_ETA, fontsize=FONT)
    fig.savefig(path, dpi=100)
    return path


# ---------------------------------------------------------------- overfitting

OVERFITTING_RUNS = {  # lmbda -> learn arguments (the book's chapter 3 setup)
    lmbda: ["--sizes", "784", "30", "10", "--cost", "cross-entropy", "--init", "standard", "--eta", "0.5",
            "--mini-batch-size", "10", "--epochs", "400", "--limit", "1000", "--test-limit", "0",
            "--lmbda", repr(lmbda), "--seed", "1", "--quiet"]
    for lmbda in (0.0, 0.1)}


def run_learn(python, args, work, name):
    """Run ``python -m mnist_scratch.learn ARGS --history WORK/NAME.history.json.gz``, unless
    WORK/NAME.txt holds the output of an earlier run. Returns (output text, history path)."""
    out_path = os.path.join(work, name + ".txt")
    history_path = os.path.join(work, name + ".history.json.gz")
    if os.path.isfile(out_path) and os.path.isfile(history_path):
        with open(out_path, encoding="utf-8") as f:
            return f.read(), history_path
    command = [python] + LEARN + args + ["--history", history_path]
    print("running:", " ".join(command[1:]), flush=True)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        sys.exit("the run %s failed:\n%s" % (name, result.stderr))
    text = "$ python %s\n%s(wall clock %.0f s)\n" % (" ".join(LEARN + args), result.stdout,
                                                     time.perf_counter() - started)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text)
    return text, history_path


def draw_overfitting(path, python, work):
    from matplotlib.figure import Figure

    histories = {}
    for lmbda, args in OVERFITTING_RUNS.items():
        _, history_path = run_learn(python, args, work, "overfitting-lmbda-%g" % lmbda)
        histories[lmbda] = History.load(history_path)
    fig = Figure(figsize=(15, 6.5), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    for ax, (lmbda, history) in zip(axes, histories.items()):
        epochs = [r["epoch"] for r in history.epochs]
        train = [100 * r["train_accuracy"] for r in history.epochs]
        valid = [100 * r["evaluation_accuracy"] for r in history.epochs]
        ax.plot(epochs, train, color="tab:orange", linewidth=3,
                label="the 1,000 training images")
        ax.plot(epochs, valid, color="tab:blue", linewidth=3,
                label="10,000 validation images")
        best = max(range(len(valid)), key=valid.__getitem__)
        ax.annotate("best %.2f%% (epoch %d)\nlast %.2f%%" % (valid[best], epochs[best], valid[-1]),
                    (epochs[-1], valid[-1]), xytext=(0.97, 0.22), textcoords="axes fraction",
                    ha="right", fontsize=FONT - 2, color="tab:blue")
        ax.set_title("no regularisation" if not lmbda else "L2 regularisation, lmbda %g" % lmbda,
                     fontsize=FONT + 1)
        ax.set_xlabel("epoch", fontsize=FONT)
        ax.set_xlim(0, epochs[-1])
        ax.set_ylim(70, 100.5)
        ax.tick_params(labelsize=FONT - 2)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=FONT - 3, loc="lower right")
    axes[0].set_ylabel("accuracy (%)", fontsize=FONT)
    fig.suptitle("Overfitting: [784, 30, 10] trained on 1,000 images (training accuracy "
                 "measured during each epoch)", fontsize=FONT)
    fig.savefig(path, dpi=100)
    return path


# ---------------------------------------------------------------- the table

# Each row: (the change, the learn arguments of the whole row). Every row keeps the
# changes above it; the budget is 1.5 million examples per row.
BASE = ["--mini-batch-size", "10", "--seed", "1", "--quiet"]
TABLE = [
    ("chapter 1: quadratic cost, N(0, 1) weights, eta 3.0",
     ["--sizes", "784", "30", "10", "--cost", "quadratic", "--init", "standard", "--eta", "3.0",
      "--epochs", "30"]),
    ("quadratic -> cross-entropy cost (eta 0.5)",
     ["--sizes", "784", "30", "10", "--cost", "cross-entropy", "--init", "standard", "--eta", "0.5",
      "--epochs", "30"]),
    ("N(0, 1) -> N(0, 1/n_in) weights (scaled initialisation)",
     ["--sizes", "784", "30", "10", "--cost", "cross-entropy", "--init", "scaled", "--eta", "0.5",
      "--epochs", "30"]),
    ("+ L2 regularisation, lmbda 5",
     ["--sizes", "784", "30", "10", "--cost", "cross-entropy", "--lmbda", "5", "--eta", "0.5",
      "--epochs", "30"]),
    ("30 -> 100 hidden neurons",
     ["--sizes", "784", "100", "10", "--cost", "cross-entropy", "--lmbda", "5", "--eta", "0.5",
      "--epochs", "30"]),
    ("softmax outputs and the log-likelihood cost",
     ["--sizes", "784", "100", "10", "--cost", "log-likelihood", "--lmbda", "5", "--eta", "0.5",
      "--epochs", "30"]),
    ("sigmoid -> ReLU hidden neurons (eta 0.1)",
     ["--sizes", "784", "100", "10", "--cost", "log-likelihood", "--activation", "relu",
      "--lmbda", "5", "--eta", "0.1", "--epochs", "30"]),
    ("+ the expanded data (shifted copies, 5x; 6 epochs)",
     ["--sizes", "784", "100", "10", "--cost", "log-likelihood", "--activation", "relu",
      "--lmbda", "5", "--eta", "0.1", "--expand", "--epochs", "6"]),
]


def parse_run(text):
    """(best epoch, validation %, test %, seconds) from the output of learn."""
    best = re.search(r"Best epoch: (\d+), validation accuracy ([\d.]+)%", text)
    test = re.search(r"Test accuracy of that network: \d+ / \d+ \(([\d.]+)%\)", text)
    seconds = sum(float(s) for s in re.findall(r"  ([\d.]+) s(?:  eta [\d.e-]+)?$", text, re.M))
    return int(best.group(1)), float(best.group(2)), float(test.group(1)), seconds


def python_name(python):
    """What --python is, e.g. 'PyPy 3.9.16' or 'CPython 3.12.1'."""
    code = "import platform; print(platform.python_implementation(), platform.python_version())"
    return subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip()


def make_table(python, work, rows=None):
    """Train the rows of TABLE (the numbers in ``rows``, 1-based, or all) that have not
    been trained yet, then print and write the table of every row trained so far."""
    lines = ["Measured with %s; training time = the sum of the epochs' times (without "
             "loading or validation)." % python_name(python), "",
             "| change | best epoch | validation | **test** | training time (min:s) |",
             "|---|---|---|---|---|"]
    commands = []
    for k, (change, args) in enumerate(TABLE, 1):
        if rows and k not in rows:
            if not os.path.isfile(os.path.join(work, "table-%d.txt" % k)):
                continue  # not asked for, and not trained yet
        text, _ = run_learn(python, args + BASE, work, "table-%d" % k)
        epoch, valid, test, seconds = parse_run(text)
        epochs = args[args.index("--epochs") + 1]
        lines.append("| %s | %d of %s | %.2f%% | **%.2f%%** | %d:%02d |"
                     % (change, epoch, epochs, valid, test, seconds // 60, seconds % 60))
        commands.append("python -m mnist_scratch.learn " + " ".join(args + BASE))
        print(lines[-1], flush=True)
    table = "\n".join(lines + ["", "Commands, one per row:", ""] + commands) + "\n"
    with open(os.path.join(work, "table.md"), "w", encoding="utf-8") as f:
        f.write(table)
    print(table)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("figures", "table"))
    parser.add_argument("--python", default=sys.executable,
                        help="the Python that trains (e.g. pypy3 with mnist_scratch installed; "
                             "default: this one)")
    parser.add_argument("--work", default=os.path.join(ROOT, "sweeps", "chapter3"),
                        help="folder for the runs' output and histories (default: sweeps/chapter3)")
    parser.add_argument("--rows", type=int, nargs="+", metavar="K",
                        help="table: train only these rows (1 to %d), e.g. to share the rows "
                             "between two processes; default: all" % len(TABLE))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "figures"),
                        help="folder for the figures (default: docs/figures)")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    if args.what == "table":
        make_table(args.python, args.work, args.rows)
        return
    os.makedirs(args.out, exist_ok=True)
    print("wrote", draw_slowdown(os.path.join(args.out, "slowdown.png")))
    print("wrote", draw_overfitting(os.path.join(args.out, "overfitting.png"), args.python,
                                    args.work))


if __name__ == "__main__":
    main()
