"""Write the course notebooks (01_... to 07_...) from the cells below, without outputs.

Run ``python notebooks/build_notebooks.py`` after editing a cell here; the
tests check that the committed .ipynb files are exactly what this script writes.
"""

import os

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))

SETUP = '''import os
# Quick mode (MNIST_SCRATCH_QUICK=1, used by the tests) runs on small subsets.
QUICK = os.environ.get("MNIST_SCRATCH_QUICK") == "1"'''

# Steps 1 to 5 end with a Your-turn cell and its check.
CHECK = """
from mnist_scratch import check"""

PLOTS = '''%matplotlib inline
from IPython.display import display
from mnist_scratch import visualize'''

NOTEBOOKS = {}

NOTEBOOKS["01_idx_files_and_digits"] = [
    ("md", """# Step 1: reading the IDX files and looking at digits

MNIST is 70,000 handwritten digits, 28 x 28 grey pixels each, with the digit each one shows.
They come in *IDX files*: a tiny header, then the numbers. In this notebook you will read
the header by hand, look at some digits, and write your own `read_labels`.

Pytest marker for this step: `pytest -m step1`."""),
    ("code", SETUP + CHECK + "\n" + PLOTS),
    ("md", """## The header, byte by byte

A label file starts with the *magic number* 2049 (`00 00 08 01`: two zero bytes, type 8 =
unsigned byte, 1 dimension), then the number of labels, each a big-endian 32-bit integer.
Then one byte per label. The files are gzipped."""),
    ("code", """import gzip
import struct
from mnist_scratch.datasets import find_data_dir
labels_path = os.path.join(find_data_dir(), "t10k-labels-idx1-ubyte.gz")
with gzip.open(labels_path, "rb") as f:
    raw = f.read()
print("first 12 bytes:", raw[:12].hex(" "))
magic, count = struct.unpack(">II", raw[:8])
print("magic number", magic, "- count", count)
print("first labels:", list(raw[8:18]))"""),
    ("md", """The library's reader (`mnist_scratch.idx.read_idx`) does the same and checks every field.
`load_mnist` turns the files into `(x, label)` pairs: `x` is 784 floats in [0, 1], row by row."""),
    ("code", """from mnist_scratch.datasets import load_mnist
test = load_mnist("test", limit=20)
x, label = test[0]
print(len(x), "pixels, label", label)
# the image as text: one character per pixel
for row in range(28):
    print("".join(" .:-=+*#%@"[min(9, int(v * 10))] for v in x[row * 28:(row + 1) * 28]))"""),
    ("code", """fig = visualize.plot_images([x for x, _ in test], [label for _, label in test], columns=10)
display(fig)"""),
    ("md", """## Your turn

Write `read_labels(path)`: open the gzipped file, check that the magic number is 2049
(raise `ValueError` otherwise), read the count, and return the labels as a list of ints.
The check below runs it on the real test labels (the first five are 7 2 1 0 4) and on
small files, and says what is wrong if something is. Until you write it, the check says TODO."""),
    ("code", """def read_labels(path):
    # your code here (replace the next line)
    raise NotImplementedError"""),
    ("code", """passed = check.check_function("read_labels", read_labels)"""),
    ("md", """When that passes, do the same for `read_images` and `image_to_vector` in your own
file: `python -m mnist_scratch.check --template my_steps.py`, then
`python -m mnist_scratch.check 1 my_steps.py`."""),
]

NOTEBOOKS["02_vectors_and_matrices"] = [
    ("md", """# Step 2: vectors and matrices on plain lists

The network only needs a handful of operations: add two vectors, multiply a matrix by a
vector, transpose a matrix, the outer product. Here they are on plain Python lists
(`mnist_scratch.linalg`): a vector is a list of numbers, a matrix a list of rows.

Pytest marker: `pytest -m step2`."""),
    ("code", SETUP + CHECK),
    ("code", """from mnist_scratch import linalg
m = [[1, 2, 3],
     [4, 5, 6]]          # 2 rows, 3 columns
v = [1, 0, -1]
print("shape", linalg.shape(m))
print("m v   =", linalg.matvec(m, v), "  one entry per ROW of m")
print("m^T   =", linalg.transpose(m))
print("outer =", linalg.outer([1, 2], [3, 4, 5]))
print("dot   =", linalg.dot([1, 2, 3], [4, 5, 6]))"""),
    ("md", """Shapes tell you most mistakes: a (2, 3) matrix times a vector of 3 gives a vector of 2.
The library raises an error naming both shapes when they do not fit:"""),
    ("code", """try:
    linalg.matvec(m, [1, 2])
except ValueError as e:
    print("ValueError:", e)"""),
    ("md", """## Your turn

Write `matvec(m, v)` without the library: entry `i` of the result is the dot product of
row `m[i]` with `v`. The check tries a square matrix (where a transposed answer looks
plausible) and a 2 x 3 one."""),
    ("code", """def matvec(m, v):
    # your code here (replace the next line)
    raise NotImplementedError"""),
    ("code", """passed = check.check_function("matvec", matvec)"""),
    ("md", """Then write `transpose` and `outer` the same way, and check all of step 2 in your file
with `python -m mnist_scratch.check 2 my_steps.py`."""),
]

NOTEBOOKS["03_single_layer_network"] = [
    ("md", """# Step 3: a single-layer network

784 inputs, 10 sigmoid outputs, no hidden layer: `a = sigmoid(w x + b)`. The digit the
network picks is the output with the largest activation (`argmax`). Its cost on one example
is `C = 1/2 ||a - y||^2` with `y = one_hot(label)`.

Pytest marker: `pytest -m step3`."""),
    ("code", SETUP + CHECK + """
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import evaluate, update_mini_batch
from mnist_scratch.linalg import argmax
N_TRAIN, N_TEST = (500, 200) if QUICK else (5000, 1000)
train = load_mnist("train", limit=N_TRAIN)
test = load_mnist("test", limit=N_TEST)"""),
    ("code", """net = Network([784, 10], seed=1)
x, label = test[0]
a = net.feedforward(x)
print("outputs:", [round(v, 3) for v in a])
print("picks", argmax(a), "- the label is", label)
print("before training:", evaluate(net, test))"""),
    ("md", """## One gradient step, by hand

For this network the gradient of the cost is short: with `delta = (a - y) * a * (1 - a)`
(entry by entry), `dC/db = delta` and `dC/dw[j][k] = delta[j] * x[k]`. A step moves every
weight against its gradient, averaged over a mini-batch, times the learning rate `eta`."""),
    ("code", """batch = train[:10]
before = evaluate(net, batch).cost
update_mini_batch(net, batch, eta=3.0)
print("cost on the batch: %.4f -> %.4f" % (before, evaluate(net, batch).cost))"""),
    ("code", """# Many steps: one pass over the training subset
for k in range(0, len(train), 10):
    update_mini_batch(net, train[k:k + 10], eta=3.0)
print("after one epoch:", evaluate(net, test))"""),
    ("md", """## Your turn

Write `argmax(v)`: the index of the largest entry (the first one on a tie). Then
`evaluate` in your own file returns the accuracy with it."""),
    ("code", """def argmax(v):
    # your code here (replace the next line)
    raise NotImplementedError"""),
    ("code", """passed = check.check_function("argmax", argmax)"""),
]

NOTEBOOKS["04_backprop"] = [
    ("md", """# Step 4: backpropagation, derived on a tiny network

With a hidden layer the gradient needs the chain rule through every layer. Backpropagation
organises it in four equations (Nielsen, chapter 2):

    BP1  delta^L = (a^L - y) (.) sigma'(z^L)
    BP2  delta^l = ((w^(l+1))^T delta^(l+1)) (.) sigma'(z^l)
    BP3  dC/db^l_j  = delta^l_j
    BP4  dC/dw^l_jk = a^(l-1)_k delta^l_j

Pytest marker: `pytest -m step4`. In class: `python -m mnist_scratch.backprop --figure net.png`."""),
    ("code", SETUP + CHECK + """
%matplotlib inline
from IPython.display import display
from mnist_scratch.backprop import walkthrough, format_walkthrough
from mnist_scratch.visualize_backprop import draw_backprop
from mnist_scratch.network import Network
from mnist_scratch.gradcheck import numerical_gradient, max_relative_error"""),
    ("md", """## One example, every number

The book numbers the layers from 1, the input, to L, the output: `w^l` and `b^l` feed
layer `l`, so a `[2, 3, 2]` network has `w^2`, `b^2` (into the hidden layer) and `w^3`,
`b^3` (into the output layer). The walkthrough runs one example through it and prints
every `z`, `a` and `delta` and both gradients, each labelled with its equation."""),
    ("code", """data = walkthrough([2, 3, 2], seed=1, x=[0.5, -0.3], y=[1.0, 0.0])
print(format_walkthrough(data))"""),
    ("md", """The same numbers on one picture: the fill of a circle is its activation, under each
neuron are its bias `b`, its `z` and (purple, the backward pass) its `delta`; the tables
under each gap hold the weights and biases feeding the next layer and their gradients."""),
    ("code", """display(draw_backprop(data, width=12))"""),
    ("md", """## Why we trust it: numerical gradients

Nudge one weight by `h` up and down and watch the cost: `(C(w + h) - C(w - h)) / 2h`.
That needs no calculus, only two forward passes per parameter, so it is too slow to train
with but perfect to check backprop."""),
    ("code", """net = Network([3, 4, 2], seed=3)
x, y = [0.2, -1.0, 0.7], [0.0, 1.0]
print("largest relative error:", max_relative_error(net.backprop(x, y), numerical_gradient(net, x, y)))"""),
    ("code", """# Look inside: backprop_trace keeps every number of the example. In the book's
# numbering the input is layer 1, so activations[0] is a^1 = x, zs[0] is z^2, deltas[0] delta^2.
trace = net.backprop_trace(x, y)
def rounded(v):
    return [round(number, 4) for number in v]
print("a^1 =", rounded(trace["activations"][0]))
for i in range(len(trace["zs"])):
    l = i + 2
    print("layer %d: z^%d =" % (l, l), rounded(trace["zs"][i]),
          " a^%d =" % l, rounded(trace["activations"][i + 1]),
          " delta^%d =" % l, rounded(trace["deltas"][i]))"""),
    ("md", """## Your turn

Write `backprop(weights, biases, x, y)` for any number of layers, returning
`(nabla_b, nabla_w)` shaped like `biases` and `weights`. The check compares it with the
library on three networks; a sign error or a transposed `nabla_w` gets its own hint."""),
    ("code", """def backprop(weights, biases, x, y):
    # your code here (replace the next line)
    raise NotImplementedError"""),
    ("code", """passed = check.check_function("backprop", backprop)"""),
]

NOTEBOOKS["05_multilayer_sgd"] = [
    ("md", """# Step 5: the multilayer network and mini-batch SGD on MNIST

Shuffle the training data, cut it into mini-batches of `m` examples, take one gradient step
per mini-batch, repeat for a number of epochs: that is `mnist_scratch.training.sgd`.
Always measure on data the network did not train on (the validation split).

Pytest marker: `pytest -m step5`. From the shell: `python -m mnist_scratch.learn`."""),
    ("code", SETUP + CHECK + """
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import sgd, mini_batches
N_TRAIN, N_VALID, EPOCHS = (1000, 300, 2) if QUICK else (10000, 2000, 5)
train = load_mnist("train", limit=N_TRAIN)
validation = load_mnist("validation", limit=N_VALID)"""),
    ("code", """import random
batches = mini_batches(train, 10, random.Random(0))
print(len(batches), "mini-batches of", [len(b) for b in batches[:3]], "...")"""),
    ("code", """net = Network([784, 30, 10], seed=1)
history = sgd(net, train, epochs=EPOCHS, mini_batch_size=10, eta=3.0,
              evaluation_data=validation, seed=1)
for record in history.epochs:
    print("epoch %d: validation accuracy %.1f%%, %.1f s"
          % (record["epoch"], 100 * record["evaluation_accuracy"], record["seconds"]))"""),
    ("md", """## Your turn

Write `create_batches(data, mini_batch_size, rng)`: shuffle a copy with `rng.shuffle`, then
cut it into slices of `m`. The last batch is smaller when `len(data)` is not a multiple of
`m`; no example may be lost."""),
    ("code", """def create_batches(data, mini_batch_size, rng):
    # your code here (replace the next line)
    raise NotImplementedError"""),
    ("code", """passed = check.check_function("create_batches", create_batches)"""),
]

NOTEBOOKS["06_watching_it_learn"] = [
    ("md", """# Step 6: watching it learn

Weight images show what each neuron responds to; learning curves show how fast the cost
falls; the confusion matrix shows which digits get mixed up. (For GIFs of the weights
changing while it learns: `python -m mnist_scratch.gif --help`.)

Pytest marker: `pytest -m step6`."""),
    ("code", SETUP + "\n" + PLOTS + """
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import sgd, evaluate
N_TRAIN, N_VALID = (1000, 300) if QUICK else (10000, 2000)
train = load_mnist("train", limit=N_TRAIN)
validation = load_mnist("validation", limit=N_VALID)"""),
    ("code", """# A single-layer network started at zero: its weights become pictures of the digits
net = Network([784, 10], seed=1, init="zeros")
history = sgd(net, train, epochs=2, mini_batch_size=10, eta=1.0, evaluation_data=validation, seed=1)
display(visualize.plot_weight_images(net.weights[0], titles=[str(d) for d in range(10)], columns=10))"""),
    ("code", """display(visualize.plot_learning_curves(history))"""),
    ("code", """result = evaluate(net, validation)
matrix = visualize.confusion_matrix([label for _, label in validation], result.predictions)
display(visualize.plot_confusion_matrix(matrix))"""),
    ("md", """## Your turn

From the confusion matrix, which true digit is most often taken for which other digit?
Set `pair = (true_digit, predicted_digit)`. The check compares with the matrix."""),
    ("code", """pair = None  # your answer, e.g. (4, 9)"""),
    ("code", """worst = max(((i, j) for i in range(10) for j in range(10) if i != j),
            key=lambda p: matrix[p[0]][p[1]])
if pair is None:
    print("TODO: set pair above, then run this cell again")
elif matrix[pair[0]][pair[1]] == matrix[worst[0]][worst[1]]:
    print("PASS: %d was taken for %d %d times" % (pair[0], pair[1], matrix[pair[0]][pair[1]]))
else:
    print("FAIL: %d taken for %d happened %d times; look for the largest number off the diagonal"
          % (pair[0], pair[1], matrix[pair[0]][pair[1]]))"""),
]

NOTEBOOKS["07_experiments"] = [
    ("md", """# Step 7: experiments

Change one setting at a time and predict the result before you run it: the hidden layer
size, the learning rate `eta`, the mini-batch size, the number of epochs, the settings
Nielsen varies in chapter 1 of the book. Every run here is seeded, so the numbers repeat
exactly.

Each experiment is a *sweep*. `sweep.grid(eta=[0.1, 3.0])` lists every combination of the
values given (a setting not given keeps the default of `python -m mnist_scratch.learn`), and
`sweep.run_sweep` trains one network per combination, and per seed with `repeats`. Like
`learn`, a run keeps the network of its best epoch (by validation accuracy) and scores that
one once on test images. Each finished run is saved in a folder under `sweeps/`, in the
folder this notebook runs in; running a cell again skips the runs saved there, so only new
settings train.

Pytest marker: `pytest -m step7`. From the shell: `python -m mnist_scratch.sweep --help`."""),
    ("code", SETUP + """
from statistics import mean
from mnist_scratch import sweep
# Every run trains on a subset of MNIST; what a sweep does not vary keeps the book's
# setting: sizes [784, 30, 10], eta 3.0, mini-batches of 10.
N_TRAIN, N_VALID, N_TEST, EPOCHS = (500, 200, 200, 2) if QUICK else (10000, 2000, 2000, 3)
SUBSET = {"limit": [N_TRAIN], "validation_limit": [N_VALID], "test_limit": [N_TEST]}
SWEEPS = "sweeps"  # a relative path: in the folder the notebook runs in

def progress(result, done, total, skipped):
    \"\"\"run_sweep calls this after every run: count the runs on one line.\"\"\"
    print("%d/%d" % (done, total), end="\\n" if done == total else " ", flush=True)

def show(results):
    \"\"\"Print one line per setting: the test accuracy of each seed's run, and their mean.\"\"\"
    varied = sweep.varied_settings(results) or ["sizes"]
    by_setting = {}
    for r in results:
        label = ", ".join("%s %s" % (name, r["settings"][name]) for name in varied)
        by_setting.setdefault(label, []).append(r)
    print("test accuracy of each run's best epoch:")
    for label, runs in by_setting.items():
        scores = [100 * r["test_accuracy"] for r in runs if r["status"] == "ok"]
        words = ["%.1f%%" % score for score in scores]
        if len(scores) > 1:
            words.append("(mean %.1f%%, spread %.1f points)" % (mean(scores), max(scores) - min(scores)))
        words += ["seed %d: training broke down: %s" % (r["seed"], r["message"])
                  for r in runs if r["status"] != "ok"]
        print("  %-22s %s" % (label, "  ".join(words)))"""),
    ("code", """%matplotlib inline
from IPython.display import display
from mnist_scratch.visualize_sweep import plot_sweep_curves, plot_sweep_options"""),
    ("md", """## The learning rate eta

Predict: which `eta` does best after a few epochs? What does `eta = 100` do (the book tries
it too)? The first figure shows the validation accuracy after every epoch, the second the
test accuracy each run ends with."""),
    ("code", """eta_grid = sweep.grid(eta=[0.1, 1.0, 3.0, 100.0], epochs=[EPOCHS], **SUBSET)
print(len(eta_grid), "settings, the first:", eta_grid[0])
eta_results = sweep.run_sweep(eta_grid, os.path.join(SWEEPS, "eta"), on_result=progress)
show(eta_results)
display(plot_sweep_curves(eta_results), plot_sweep_options(eta_results))"""),
    ("md", """A tiny `eta` barely moves the weights in one epoch; a huge one overshoots and the
sigmoids saturate (their derivative is nearly 0, so learning stalls). Training checks for
that after every epoch, and the sweep records such a run as *diverged* (a red cross in the
second figure) and goes on with the next one.

The same sweep from the shell, at the notebook's full size; it also writes the table
(`results.csv`, `results.md`) and both figures (`curves.png`, `options.png`) into its
folder, and run from the folder this notebook ran in, it finds the runs above and trains
nothing again:

    python -m mnist_scratch.sweep --eta 0.1 1 3 100 --epochs 3 --limit 10000 \\
        --validation-limit 2000 --test-limit 2000 --out sweeps/eta

## The hidden layer

Predict: how much does a hidden layer help, and do more hidden neurons always help?
`[784, 10]` has no hidden layer at all. One epoch each here (the number of epochs is the
question at the end); with one point per run the curves would show nothing, so only the
second figure."""),
    ("code", """hidden_grid = sweep.grid(sizes=[[784, 10], [784, 10, 10], [784, 30, 10], [784, 100, 10]],
                         epochs=[1], **SUBSET)
hidden_results = sweep.run_sweep(hidden_grid, os.path.join(SWEEPS, "hidden"), on_result=progress)
show(hidden_results)
display(plot_sweep_options(hidden_results))"""),
    ("md", """## The mini-batch size, and how much is luck

Predict: with the same number of epochs, which mini-batch size does best, 1, 10 or 100?

Another seed starts from other random weights and shuffles the examples in another order,
so the accuracy changes a little from run to run. With `repeats=3` every setting trains
with the seeds 1, 2 and 3: in the first figure the band around a curve runs from the
lowest seed to the highest, in the second each seed is a dot and the bar is their mean."""),
    ("code", """batch_grid = sweep.grid(mini_batch_size=[1, 10, 100], epochs=[EPOCHS], **SUBSET)
batch_results = sweep.run_sweep(batch_grid, os.path.join(SWEEPS, "mini-batch"), repeats=3,
                                on_result=progress)
show(batch_results)
display(plot_sweep_curves(batch_results), plot_sweep_options(batch_results))"""),
    ("md", """With the same number of epochs, a larger mini-batch means fewer steps per epoch: each
step is better informed but there are fewer of them. A mini-batch of 1 takes ten times as
many steps as one of 10, each of about the same size (a step follows the *average* gradient
of its mini-batch) but noisier. A difference between two settings that is smaller than the
spread between seeds may be luck: measure again with more seeds before you believe it.

From the shell, two runs at a time (`--jobs 2`, one process each):

    python -m mnist_scratch.sweep --mini-batch-size 1 10 100 --repeats 3 --epochs 3 \\
        --limit 10000 --validation-limit 2000 --test-limit 2000 --out sweeps/mini-batch --jobs 2

## Your turn

Predict first: does a second epoch help more than going from 10 to 30 hidden neurons?
Set `my_guess` to `"epochs"` or `"hidden"`, then run the check cell, which measures both
(three seeds each). It trains even before you guess but shows nothing until you do; the
second time, the saved runs answer at once."""),
    ("code", """my_guess = None  # "epochs" or "hidden\""""),
    ("code", """# [784, 10, 10] for two epochs (its accuracy after the first and after the second)
# and [784, 30, 10] for one, with three seeds each.
runs = sweep.run_sweep(sweep.grid(sizes=[[784, 10, 10]], epochs=[2], **SUBSET)
                       + sweep.grid(sizes=[[784, 30, 10]], epochs=[1], **SUBSET),
                       os.path.join(SWEEPS, "your-turn"), repeats=3)
small, large = runs[:3], runs[3:]
after_one_epoch = mean(r["epoch_accuracy"][0] for r in small)
gain_epochs = 100 * (mean(r["epoch_accuracy"][1] for r in small) - after_one_epoch)
gain_hidden = 100 * (mean(r["epoch_accuracy"][0] for r in large) - after_one_epoch)
answer = "epochs" if gain_epochs > gain_hidden else "hidden"
if my_guess not in ("epochs", "hidden"):
    print('TODO: set my_guess first ("epochs" or "hidden"), then run this cell again')
else:
    print("validation accuracy, mean of three seeds: a second epoch %+.1f points, "
          "30 instead of 10 hidden neurons %+.1f points" % (gain_epochs, gain_hidden))
    print("PASS" if my_guess == answer else "Not this time: %s helped more here. Why?" % answer)"""),
    ("md", """## Further

The book's runs train on all 50,000 images for 30 epochs. The same as a sweep, with three
seeds each, takes several hours on a 2-core machine (one [784, 30, 10] run is about half an
hour); `--jobs` sets how many run at once, and from Python `run_sweep(..., executor=...)`
takes any `concurrent.futures` executor, a process pool or a cluster's:

    python -m mnist_scratch.sweep --sizes 784,30,10 784,100,10 --epochs 30 --repeats 3 \\
        --out sweeps/book --jobs 2"""),
]


def build(name, cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, (kind, text) in enumerate(cells):
        cell = (nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text))
        cell["id"] = "%s-%02d" % (name[:2], i)  # fixed ids: rebuilding changes nothing
        nb.cells.append(cell)
    return nb


def main():
    for name, cells in NOTEBOOKS.items():
        nbformat.write(build(name, cells), os.path.join(HERE, name + ".ipynb"))


if __name__ == "__main__":
    main()
