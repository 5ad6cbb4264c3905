"""Write the course notebooks (01_... to 10_...) from the cells below, without outputs.

Run ``python notebooks/build_notebooks.py`` after editing a cell here; the
tests check that the committed .ipynb files are exactly what this script writes.
"""

import os

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))

SETUP = '''import os
# Quick mode (MNIST_SCRATCH_QUICK=1, used by the tests) runs on small subsets.
QUICK = os.environ.get("MNIST_SCRATCH_QUICK") == "1"'''

# Steps 1 to 5 and 8 to 10 end with Your-turn cells and their checks.
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


NOTEBOOKS["08_cross_entropy_and_softmax"] = [
    ("md", """# Step 8: the cross-entropy cost and softmax

Chapter 3 of the book begins with a puzzle: a network whose output is badly wrong should learn
fast, yet with the quadratic cost a sigmoid neuron that is *confidently* wrong learns very
slowly. This notebook finds the culprit in BP1, replaces the cost with one that does not have
the problem (cross-entropy), and meets softmax, an output layer whose outputs are
probabilities. Your turn: derive and write the cross-entropy error `delta^L`, check it against
numerical gradients, and write a softmax that never overflows.

Pytest marker: `pytest -m step8`. From the shell: `python -m mnist_scratch.learn --cost cross-entropy`."""),
    ("code", SETUP + CHECK + "\n" + PLOTS + """
import math
from mnist_scratch.activations import sigmoid, Softmax
from mnist_scratch.costs import QuadraticCost, CrossEntropyCost
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import sgd
from mnist_scratch.gradcheck import numerical_gradient, max_relative_error
N_TRAIN, N_VALID, EPOCHS = (500, 300, 2) if QUICK else (3000, 1000, 3)"""),
    ("md", """## One neuron that starts badly wrong

The book's example: one sigmoid neuron with one input, trained on a single example, input
`x = 1` and target `y = 0`. Gradient descent on one example is BP1 (the error `delta = dC/dz`
of the neuron, which the cost object works out), then BP3 and BP4 (`dC/db = delta`,
`dC/dw = delta * x`). We start it twice, from `w = 0.6, b = 0.9` (output 0.82, wrong) and
from `w = 2, b = 2` (output 0.98, *very* wrong), with the same learning rate."""),
    ("code", """def train_one_neuron(cost, w, b, eta=0.15, steps=300):
    \"\"\"Gradient descent for one sigmoid neuron on the one example x = 1, y = 0.
    Returns its output after every step.\"\"\"
    x, y = 1.0, 0.0
    outputs = []
    for _ in range(steps):
        z = w * x + b
        a = sigmoid(z)
        delta = cost.delta([z], [a], [y])[0]          # BP1 of this cost
        w, b = w - eta * delta * x, b - eta * delta   # BP4 and BP3, one step
        outputs.append(sigmoid(w * x + b))
    return outputs

runs = {"quadratic, from w = 0.6, b = 0.9": train_one_neuron(QuadraticCost, 0.6, 0.9),
        "quadratic, from w = 2, b = 2": train_one_neuron(QuadraticCost, 2.0, 2.0),
        "cross-entropy, from w = 2, b = 2": train_one_neuron(CrossEntropyCost, 2.0, 2.0)}
for name, outputs in runs.items():
    print("%-34s output after 1, 50, 100, 300 steps:" % name,
          "  ".join("%.3f" % outputs[i] for i in (0, 49, 99, 299)))

fig = visualize.new_figure(6.5, 3.2)
ax = fig.subplots()
for name, outputs in runs.items():
    ax.plot(range(1, len(outputs) + 1), outputs, label=name)
ax.set_xlabel("gradient step")
ax.set_ylabel("output a (the target is 0)")
ax.legend()
ax.grid(alpha=0.3)
display(fig)"""),
    ("md", """With the quadratic cost the neuron that starts at 0.98 hardly moves for the first hundred
steps: the *more* wrong it is, the *slower* it learns. The reason is in BP1. For the
quadratic cost `C = 1/2 (a - y)^2`,

    BP1  delta = dC/dz = (a - y) sigma'(z)

and `sigma'(z) = a (1 - a)` is tiny when the neuron saturates (`a` near 0 or 1):"""),
    ("code", """for z in (0.0, 2.0, 4.0, 6.0):
    a = sigmoid(z)
    print("z = %.0f: a = %.4f, sigma'(z) = a (1 - a) = %.4f" % (z, a, a * (1 - a)))"""),
    ("md", """At `z = 4` the error is multiplied by 0.018, and every gradient of the network goes
through `delta` (BP2 to BP4). A network that starts with saturated output neurons is stuck at
first, however wrong it is.

## The cross-entropy cost

For sigmoid outputs the book proposes the *cross-entropy* cost, summed over the output neurons:

    C = -sum_j [ y_j ln a_j + (1 - y_j) ln(1 - a_j) ]

It is positive, and near 0 only when every `a_j` is near its target `y_j`, as a cost must be.
Its derivative with respect to an output is

    dC/da_j = -y_j / a_j + (1 - y_j) / (1 - a_j)

and BP1 multiplies that by `sigma'(z_j) = a_j (1 - a_j)`. Something cancels: in **Your turn**
you will work out what `delta^L` is left, and why the neuron above then learns fastest when
it is most wrong. (The library's version is `mnist_scratch.costs.CrossEntropyCost`; try
before you read it.)"""),
    ("code", """a_values = [0.02, 0.5, 0.98]
print("target y = 0:")
for a in a_values:
    print("  a = %.2f   quadratic cost %.4f   cross-entropy cost %.4f"
          % (a, QuadraticCost.fn([a], [0.0]), CrossEntropyCost.fn([a], [0.0])))"""),
    ("md", """The cross-entropy cost also punishes a confident mistake much harder: `-ln(1 - 0.98)`
is about 3.9, against 0.48 for the quadratic cost.

## On MNIST: a network that starts saturated

`init="standard"` draws every weight from N(0, 1), as the book's chapter 1 does: with 784
inputs the weighted inputs are large and many neurons start saturated. Here are the first
epochs of three networks from the same start: the quadratic cost (with the book's learning
rate for it, 3.0), cross-entropy and the log-likelihood cost (below), both with the book's 0.5.
With the quadratic cost and `eta = 0.5` it is slower still."""),
    ("code", """train = load_mnist("train", limit=N_TRAIN)
validation = load_mnist("validation", limit=N_VALID)
for cost, eta in (("quadratic", 3.0), ("cross-entropy", 0.5), ("log-likelihood", 0.5)):
    net = Network([784, 30, 10], seed=1, init="standard", cost=cost)
    history = sgd(net, train, epochs=EPOCHS, mini_batch_size=10, eta=eta,
                  evaluation_data=validation, seed=1)
    print("%-15s eta %.1f  validation accuracy after each epoch: %s" % (cost, eta, "  ".join(
        "%.1f%%" % (100 * r["evaluation_accuracy"]) for r in history.epochs)))"""),
    ("md", """## Softmax and the log-likelihood cost

A *softmax* output layer turns the weighted inputs `z^L` into positive numbers that add up
to 1, a probability for each digit:

    a_j = e^(z_j) / sum_k e^(z_k)

Its cost is the *log-likelihood* `C = -ln a_label`, small when the network gives the right
digit a probability near 1. Its BP1 works out to the same simple `delta^L = a - y` (the book
shows it; `mnist_scratch/costs.py` has the algebra), so it does not slow down either. Choose
it with `Network(..., cost="log-likelihood")` or `learn --cost log-likelihood`.

One trap: `e^z` overflows a float for `z` above about 709, and rounds to 0.0 below about -745:"""),
    ("code", """z = [1000.0, 1001.0, 1002.0]
try:
    print([math.exp(v) for v in z])
except OverflowError as e:
    print("math.exp(1000):", type(e).__name__, e)
print("sum of e^z for z = [-1000, -1000]:", sum(math.exp(v) for v in [-1000.0, -1000.0]))
a = Softmax.fn(z)
print("the library's softmax of", z, "=", [round(v, 4) for v in a], "adding up to %g" % sum(a))"""),
    ("md", """## Checking a delta with numerical gradients

BP3 says `dC/db^L_j = delta^L_j`: the error of an output neuron is the derivative of the cost
with respect to its bias. So nudging each output bias up and down (`gradcheck`, as in step 4)
measures `delta^L` without any calculus. For the library's cross-entropy network:"""),
    ("code", """net = Network([3, 4, 2], seed=5, cost="cross-entropy")
x, y = [0.5, -1.0, 2.0], [0.0, 1.0]
zs, activations = net.forward(x)
numerical = numerical_gradient(net, x, y)[0][-1]   # dC/db^L, by central differences
print("numerical dC/db^L:", numerical)
print("the whole gradient against backprop: largest relative error %.1e"
      % max_relative_error(net.backprop(x, y), numerical_gradient(net, x, y)))"""),
    ("md", """## Your turn

1. On paper: multiply `dC/da_j` above by `sigma'(z_j) = a_j (1 - a_j)` and simplify. What is
   `delta^L_j`? Why does the neuron that starts at 0.98 now learn fast?
2. Write `cross_entropy_delta(z, a, y)`, returning `delta^L` as a list (one number per output
   neuron). The check tries hand-made cases, saturated outputs, and the numerical gradients of
   a real network; keeping the quadratic cost's `sigma'(z)` or the sign the wrong way round
   gets its own hint.
3. Write `softmax(z)` for a list `z`. It must work for `z = [1000.0, 1001.0, 1002.0]` and for
   `z = [-1000.0, -1000.0]`. Hint: what happens to the result if you subtract the same number
   from every `z_j`?"""),
    ("code", """def cross_entropy_delta(z, a, y):
    # your code here (replace the next line)
    raise NotImplementedError"""),
    ("code", """passed = check.check_function("cross_entropy_delta", cross_entropy_delta)"""),
    ("code", """# Your delta next to the numerical gradient of the [3, 4, 2] network above:
# a gradcheck of your own
try:
    yours = cross_entropy_delta(zs[-1], activations[-1], y)
except NotImplementedError:
    print("TODO: write cross_entropy_delta above, then run this cell again")
else:
    print("your delta^L:     ", yours)
    print("numerical dC/db^L:", numerical)"""),
    ("code", """def softmax(z):
    # your code here (replace the next line)
    raise NotImplementedError"""),
    ("code", """passed = check.check_function("softmax", softmax)"""),
    ("md", """Step 8 has one more function, the cost itself: write `cross_entropy_cost` in your own file
(`python -m mnist_scratch.check --template my_steps.py`) and check the whole step with
`python -m mnist_scratch.check 8 my_steps.py`."""),
]

NOTEBOOKS["09_overfitting_and_regularisation"] = [
    ("md", """# Step 9: overfitting and regularisation

A network with 23,860 weights and biases can learn a small training set by heart: the
training accuracy climbs towards 100% while the accuracy on images it has never seen stops
improving. That is *overfitting*. This notebook shows it on 1,000 training images (the book's
chapter 3 experiment), then two remedies: L2 regularisation, which keeps the weights small
("weight decay"), and early stopping, which stops when the validation accuracy stops
improving. Your turn: add weight decay to your own `update_mini_batch`.

Pytest marker: `pytest -m step9`. From the shell:
`python -m mnist_scratch.learn --cost cross-entropy --lmbda 5 --patience 10`."""),
    ("code", SETUP + CHECK + "\n" + PLOTS + """
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import sgd, evaluate
# The book's setting: [784, 30, 10], cross-entropy, eta 0.5, mini-batches of 10, weights
# drawn from N(0, 1) as in chapter 1 (init="standard"), and only 1,000 training images.
N_TRAIN, N_VALID, EPOCHS, PATIENCE = (200, 200, 6, 2) if QUICK else (1000, 2000, 30, 5)
train = load_mnist("train", limit=N_TRAIN)
validation = load_mnist("validation", limit=N_VALID)

def train_and_watch(lmbda=0.0, patience=None, epochs=EPOCHS):
    \"\"\"Train the book's network on `train`; returns it, its History and the accuracy on
    the training images after every epoch.\"\"\"
    net = Network([784, 30, 10], seed=1, init="standard", cost="cross-entropy")
    training_accuracy = []
    history = sgd(net, train, epochs=epochs, mini_batch_size=10, eta=0.5, seed=1,
                  evaluation_data=validation, lmbda=lmbda, patience=patience,
                  on_epoch=lambda record, net: training_accuracy.append(evaluate(net, train).accuracy))
    return net, history, training_accuracy

def sum_of_squares(net):
    return sum(w * w for matrix in net.weights for row in matrix for w in row)

def plot_accuracies(runs):
    \"\"\"One panel per run: the accuracy on the training and on the validation images.\"\"\"
    fig = visualize.new_figure(4.2 * len(runs), 3.2, layout="constrained")
    axes = fig.subplots(1, len(runs), squeeze=False)[0]
    for ax, (title, (_, history, training_accuracy)) in zip(axes, runs.items()):
        epochs = [r["epoch"] for r in history.epochs]
        ax.plot(epochs, [100 * a for a in training_accuracy], label="training images")
        ax.plot(epochs, [100 * r["evaluation_accuracy"] for r in history.epochs], label="validation images")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("epoch")
        ax.set_ylabel("accuracy (%)")
        ax.set_ylim(top=101)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right")
    return fig"""),
    ("md", """## Overfitting

Train on the small training set for many epochs, and after every epoch measure the accuracy
on the training images themselves and on validation images the network never trains on:"""),
    ("code", """plain = train_and_watch()
net, history, training_accuracy = plain
for record, accuracy in zip(history.epochs, training_accuracy):
    if record["epoch"] % 5 == 0 or record["epoch"] in (1, EPOCHS):
        print("epoch %2d: training images %5.1f%%, validation images %5.1f%%"
              % (record["epoch"], 100 * accuracy, 100 * record["evaluation_accuracy"]))
display(plot_accuracies({"no regularisation": plain}))"""),
    ("md", """The training accuracy keeps rising towards 100% while the validation accuracy levels off
well below it. After the first epochs the network gets better at *these* 1,000 images, not at
digits: it learns their peculiarities, the noise. More training data is the best cure (the
book reports about 95% for this network trained on all 50,000 images); when there is no more
data, we can make it harder for the network to learn noise.

## L2 regularisation: weight decay

L2 regularisation adds the squares of all the weights to the cost:

    C = C_0 + (lmbda / 2n) sum_w w^2

with `C_0` the cross-entropy cost, `n` the number of training images (all of them, not the
`m` of a mini-batch) and `lmbda` the strength. The new term's derivative is
`(lmbda / n) w`, so a gradient step becomes

    w -> (1 - eta lmbda / n) w - (eta / m) sum_x nabla_w C_x
    b -> b - (eta / m) sum_x nabla_b C_x

Before each step every weight shrinks a little: *weight decay*. The biases are left alone.
A network with small weights cannot build the sharp, detailed functions it takes to fit every
noisy image exactly; it has to find what most images have in common. `sgd(..., lmbda=...)`
does it; here with `lmbda = 1`:"""),
    ("code", """regularised = train_and_watch(lmbda=1.0)
for title, (net, history, training_accuracy) in (("no regularisation", plain), ("lmbda = 1", regularised)):
    best = max(history.epochs, key=lambda r: r["evaluation_accuracy"])
    print("%-18s last epoch: training %5.1f%%, validation %5.1f%%; best validation %5.1f%% "
          "(epoch %d); sum of w^2 %.0f" % (title, 100 * training_accuracy[-1],
                                          100 * history.epochs[-1]["evaluation_accuracy"],
                                          100 * best["evaluation_accuracy"], best["epoch"],
                                          sum_of_squares(net)))
display(plot_accuracies({"no regularisation": plain, "lmbda = 1": regularised}))"""),
    ("md", """The regularised network ends with far smaller weights and a higher validation accuracy,
and a smaller gap between training and validation accuracy. (Try other values: what does
`lmbda = 0.1` do in 30 epochs? And `lmbda = 50`?)

## Early stopping

The other remedy needs no change to the cost: watch the validation accuracy, and stop when
it has not improved for `patience` epochs, keeping the network of the best epoch
(`learn --patience` saves that one). It costs nothing to try and it saves the epochs that
would only have fitted noise. Say we did not know how many epochs to train for, and allowed
three times as many as above:"""),
    ("code", """net, history, _ = train_and_watch(patience=PATIENCE, epochs=3 * EPOCHS)
best = max(history.epochs, key=lambda r: r["evaluation_accuracy"])
print("%d of the %d epochs allowed ran. %s" % (len(history.epochs), 3 * EPOCHS,
                                             history.stopped or "(it never stopped early)"))
print("the network of its best epoch, %d: %.1f%% on the validation images; the last of the %d "
      "epochs above: %.1f%%" % (best["epoch"], 100 * best["evaluation_accuracy"], EPOCHS,
                               100 * plain[1].epochs[-1]["evaluation_accuracy"]))"""),
    ("md", """Early stopping does not make the best epoch better; it finds it and saves the time after
it. Regularisation changes what the network learns, so its best epoch is better. The two
work together (`learn --lmbda 5 --patience 10`), and both need data to watch that the network
does not train on: the validation split, never the test split.

## Your turn

Write `update_mini_batch_l2(weights, biases, mini_batch, eta, lmbda, n)`: your
`update_mini_batch` of step 5 (the quadratic cost), with the weights decayed by
`(1 - eta * lmbda / n)` and the biases not. For the gradients of one example you may use your
`backprop` of step 4, or the library's: `Network.from_parameters(weights, biases).backprop(x,
one_hot(label))`, with `from mnist_scratch.linalg import one_hot`. The check compares one
step with the library's on real images; decaying the biases too, dividing by `m` instead of
`n`, or growing the weights instead of shrinking them each get a hint."""),
    ("code", """def update_mini_batch_l2(weights, biases, mini_batch, eta, lmbda, n):
    # your code here (replace the next line)
    raise NotImplementedError"""),
    ("code", """passed = check.check_function("update_mini_batch_l2", update_mini_batch_l2)"""),
    ("md", """In your own file: `python -m mnist_scratch.check 9 my_steps.py`."""),
]

NOTEBOOKS["10_your_own_handwriting"] = [
    ("md", """# Step 10: your own handwriting

A network trained on MNIST reads MNIST's digits well. Photograph a digit you wrote, shrink
the photo to 28 x 28 and give it to the same network, and it is usually wrong: the photo is
nothing like the pictures it learned from. This notebook shows why, then makes a photo look
like MNIST one step at a time, the way `python -m mnist_scratch.predict photo.jpg` does
(`mnist_scratch/preprocess.py`, with `paper.py` for the light and `segment.py` for finding
the digits). Your turn: write two of those steps, the crop and the centre
of mass.

Pytest marker: `pytest -m step10`. From the shell:
`python -m mnist_scratch.predict photo.jpg --figure readings.png`."""),
    ("code", SETUP + CHECK + "\n" + PLOTS + """
import math
import random
from mnist_scratch import preprocess, predict
from mnist_scratch.datasets import load_mnist
from mnist_scratch.linalg import argmax
network = predict.load_network()    # the best network that ships with the project
test = load_mnist("test", limit=20)
# Quick mode draws smaller photos, and fewer of them.
SCALE, N_PHOTOS = (4, 5) if QUICK else (6, 20)

def make_photo(x, scale=SCALE, seed=3):
    \"\"\"A photo-like picture of the MNIST image x: grey levels 0..255 (255 = white), the
    digit drawn `scale` times larger in dark ink, off centre, on paper lit unevenly (darker
    to the right and at the bottom), with camera noise.\"\"\"
    rng = random.Random(seed)
    height, width = 38 * scale, 34 * scale
    top, left = 7 * scale, 2 * scale             # where the digit's 28 x 28 frame starts
    def ink(r, c):                               # x at (r, c) of the photo, by bilinear interpolation
        u, v = (r - top) / scale - 0.5, (c - left) / scale - 0.5
        r0, c0 = math.floor(u), math.floor(v)
        total = 0.0
        for rr, wr in ((r0, 1 - (u - r0)), (r0 + 1, u - r0)):
            for cc, wc in ((c0, 1 - (v - c0)), (c0 + 1, v - c0)):
                if 0 <= rr < 28 and 0 <= cc < 28:
                    total += wr * wc * x[rr * 28 + cc]
        return total
    photo = []
    for r in range(height):
        row = []
        for c in range(width):
            paper = 225 - 100 * c / width - 30 * r / height
            grey = paper * (1 - 0.75 * ink(r, c)) + rng.gauss(0, 6)
            row.append(min(255, max(0, round(grey))))
        photo.append(row)
    return photo

def show(grids, titles, photo_like=None):
    \"\"\"Grids side by side: photos as grey levels 0..255, ink as 0 (paper) to 1 (ink).\"\"\"
    fig = visualize.new_figure(2.3 * len(grids), 2.8, layout="constrained")
    for i, (ax, grid, title) in enumerate(zip(fig.subplots(1, len(grids), squeeze=False)[0], grids, titles)):
        if photo_like is not None and i in photo_like:
            ax.imshow(grid, cmap="gray", vmin=0, vmax=255)
        else:
            ax.imshow(grid, cmap=visualize.DIGIT_CMAP, vmin=0, vmax=1)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig

def read(vector):
    \"\"\"The digit the network picks for 784 inputs, and its share of the ten outputs.\"\"\"
    a = network.feedforward(vector)
    return argmax(a), a[argmax(a)] / sum(a)"""),
    ("md", """## A photo of a digit

To run anywhere, this notebook makes its own photo: the first MNIST test digit (a 7, never
trained on) drawn large in dark ink on paper under uneven light, with noise, as a phone would
see it. To try a photo of your own instead, set `MY_PHOTO` to its path (reading it needs
Pillow, in the `viz` extra); everything below then uses it."""),
    ("code", """MY_PHOTO = None   # e.g. "my_digit.jpg": a photo of ONE digit you wrote
x, label = test[0]
if MY_PHOTO:
    rows = predict.read_picture(MY_PHOTO)    # upright (EXIF), at most 1000 pixels on its long side
    photo = preprocess.grey_from_rgb(rows) if isinstance(rows[0][0], tuple) else rows
else:
    photo = make_photo(x)
print("the photo: %d x %d pixels; the MNIST image: 28 x 28, labelled %d" % (len(photo), len(photo[0]), label))
display(show([photo, [x[r * 28:(r + 1) * 28] for r in range(28)]], ["the photo", "the MNIST image"],
             photo_like={0}))"""),
    ("md", """## The naive way: shrink the whole photo to 28 x 28

Average the photo's pixels in a 28 x 28 grid of blocks and turn dark into ink
(`ink = 1 - grey / 255`), and the network reads... something else, most of the time:"""),
    ("code", """def naive_vector(photo):
    \"\"\"The whole photo averaged into 28 x 28 blocks, inverted: 784 inputs.\"\"\"
    h, w = len(photo), len(photo[0])
    vector = []
    for i in range(28):
        for j in range(28):
            block = [photo[r][c] for r in range(i * h // 28, (i + 1) * h // 28)
                     for c in range(j * w // 28, (j + 1) * w // 28)]
            vector.append(1 - sum(block) / len(block) / 255)
    return vector

naive = naive_vector(photo)
digit, share = read(naive)
print("the naive input is read as %d (%.0f%% of the outputs)" % (digit, 100 * share))
display(show([[naive[r * 28:(r + 1) * 28] for r in range(28)]], ["what the network sees"]))"""),
    ("md", """Compare it with the MNIST image. MNIST's paper is exactly 0, and here it is grey (and
greyer to the right, where the light falls off); MNIST's digits fill a 20 x 20 box centred in
the frame, and this one is small and off centre. The network has never seen anything like
it. The fix is to make the photo the way MNIST's images were made (LeCun, Cortes and Burges):
find the ink, crop it, scale it into a 20 x 20 box keeping its shape, and put its centre of
mass at the centre of a 28 x 28 frame.

## Step by step

**Lighting.** `flatten_lighting` estimates the paper's own brightness everywhere (the 90th
percentile of each cell of a coarse grid, interpolated between the cells) and divides every
pixel by it: the paper becomes white everywhere, shadow or not. **Ink.** `ink_from_grey`
does that (and removes the lines of ruled paper), then picks a threshold between paper and
ink (Otsu's method) and turns each pixel into ink from 0 (paper) to 1."""),
    ("code", """flat = preprocess.flatten_lighting(photo)
ink = preprocess.ink_from_grey(photo)
paper = sum(v == 0.0 for row in ink for v in row) / (len(ink) * len(ink[0]))
print("%.0f%% of the pixels are paper (exactly 0), as in MNIST's images" % (100 * paper))
display(show([photo, flat, ink], ["the photo", "lighting flattened", "the ink"], photo_like={0, 1}))"""),
    ("md", """**Crop.** `find_digits` finds the digits in the ink (connected pieces of ink, left to right)
and returns a box for each: `(top, left, bottom, right)`, the bottom and right ends left out as
in a slice. **Scale.** `scale_into_box` scales the crop so that its longer side is 20 pixels,
averaging areas so thin strokes become grey instead of vanishing. **Centre.** `centre_in_frame`
puts it into a 28 x 28 frame with its centre of mass at (14, 14)."""),
    ("code", """box = preprocess.find_digits(ink)[0]
cropped = preprocess.crop(ink, box)
boxed = preprocess.scale_into_box(cropped)
framed = preprocess.centre_in_frame(boxed)
print("box", box, "- crop %d x %d - scaled %d x %d - centre of mass in the frame (%.1f, %.1f)"
      % ((len(cropped), len(cropped[0]), len(boxed), len(boxed[0])) + preprocess.centre_of_mass(framed)))
digit, share = read(preprocess.to_vector(framed))
print("now the network reads %d (%.0f%% of the outputs)" % (digit, 100 * share))
display(show([cropped, boxed, framed], ["cropped", "scaled into a 20 x 20 box", "centred in 28 x 28"]))"""),
    ("md", """`preprocess.prepare(photo)` runs all of it for every digit in a picture (and also thickens
strokes thinner than MNIST's, which a ballpoint pen makes). On a set of such photos, the naive
way against the steps:"""),
    ("code", """naive_right = steps_right = 0
for x_k, label_k in test[:N_PHOTOS]:
    photo_k = make_photo(x_k)
    naive_right += read(naive_vector(photo_k))[0] == label_k
    found = preprocess.prepare(photo_k)
    steps_right += len(found) == 1 and read(found[0][1])[0] == label_k
print("%d photos of MNIST test digits: the naive way reads %d of them right, the steps %d"
      % (N_PHOTOS, naive_right, steps_right))"""),
    ("md", """## Your turn

Write two of the steps for a grid (a list of rows of floats, 0 = paper, 1 = ink):

1. `crop_to_ink(grid, threshold)`: the smallest part of the grid holding every pixel greater
   than `threshold`, as a new list of rows (the first and last such rows and columns
   included). Raise `ValueError` if there is none. An off-by-one at either end gets its own
   hint.
2. `centre_of_mass(grid)`: `(row, col)`, each pixel's position weighted by its ink:
   `row = sum(r * grid[r][c]) / sum(grid[r][c])` over all pixels, and the same for `col`.
   Rows count down from 0, columns right from 0. Returning `(col, row)`, or the plain average
   position of the inked pixels, each get a hint."""),
    ("code", """def crop_to_ink(grid, threshold=0.0):
    # your code here (replace the next line)
    raise NotImplementedError"""),
    ("code", """passed = check.check_function("crop_to_ink", crop_to_ink)"""),
    ("code", """def centre_of_mass(grid):
    # your code here (replace the next line)
    raise NotImplementedError"""),
    ("code", """passed = check.check_function("centre_of_mass", centre_of_mass)"""),
    ("code", """# Your two steps on the photo's ink, next to the library's
try:
    mine = crop_to_ink(ink, 0.0)
    print("your crop: %d x %d; your centre of mass of the framed digit: (%.2f, %.2f)"
          % ((len(mine), len(mine[0])) + tuple(centre_of_mass(framed))))
    print("the library: the largest piece of ink is %d x %d (specks left out); centre (%.2f, %.2f)"
          % ((len(cropped), len(cropped[0])) + preprocess.centre_of_mass(framed)))
except NotImplementedError:
    print("TODO: write crop_to_ink and centre_of_mass above, then run this cell again")"""),
    ("md", """Your crop keeps every pixel of ink, so a speck of noise far from the digit makes it
larger: `find_digits` first drops pieces much smaller than the largest one. Now photograph a
digit of your own (dark pen, plain paper, the digit filling a good part of the picture) and
read it: set `MY_PHOTO` above, or from the shell

    python -m mnist_scratch.predict my_digit.jpg --figure readings.png

which also reads numbers of several digits and draws what the network saw."""),
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
