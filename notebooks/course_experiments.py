"""Notebook 07: experiments. Sweeps of the hidden layer, eta and the mini-batch size (each
run saved, so running a cell again trains nothing it has trained before), the student's
prediction checked by measurement, and saving and loading a network as JSON, written by
the student and read by the library."""

from course_common import CHECK, CHOOSE, SETUP, check_cell, stub

NOTEBOOKS = {}

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

At the end you save a trained network as JSON with a function of your own, and load one,
in the format the library reads and writes.

Pytest marker: `pytest -m step7`. From the shell: `python -m mnist_scratch.sweep --help`."""),
    ("code", SETUP + CHECK + """
from statistics import mean
from mnist_scratch import sweep
# Every run trains on a subset of MNIST; what a sweep does not vary keeps the book's
# setting: sizes [784, 30, 10], eta 3.0, mini-batches of 10.
N_TRAIN, N_VALID, N_TEST, EPOCHS = (500, 200, 200, 2) if QUICK else (10000, 2000, 2000, 3)
SUBSET = {"limit": [N_TRAIN], "validation_limit": [N_VALID], "test_limit": [N_TEST]}
SWEEPS = "sweeps"  # a relative path: in the folder the notebook runs in

trained_now = []   # the runs the sweep going on now has trained (not found saved)

def progress(result, done, total, skipped):
    \"\"\"run_sweep calls this after every run: count the runs on one line.\"\"\"
    if not skipped:
        trained_now.append(result)
    print("%d/%d" % (done, total), end=" ", flush=True)
    if done == total:
        print("(%d trained now, %d saved earlier)" % (len(trained_now), total - len(trained_now)))
        trained_now.clear()

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
        print("  %-22s %s" % (label, "  ".join(words)))""" + CHOOSE),
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
second time, the saved runs answer at once: the count under it says how many runs it trained
now and how many it found saved."""),
    ("code", """my_guess = None  # "epochs" or "hidden\""""),
    ("code", """# [784, 10, 10] for two epochs (its accuracy after the first and after the second)
# and [784, 30, 10] for one, with three seeds each.
runs = sweep.run_sweep(sweep.grid(sizes=[[784, 10, 10]], epochs=[2], **SUBSET)
                       + sweep.grid(sizes=[[784, 30, 10]], epochs=[1], **SUBSET),
                       os.path.join(SWEEPS, "your-turn"), repeats=3, on_result=progress)
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
    ("md", """## Saving a network

A trained network is worth keeping: `python -m mnist_scratch.learn --save FILE` and
`Network.save` write it as JSON, a text format that any language reads. A network trained for
one epoch, saved by the library and read back with nothing but Python's `json` (the format is
documented in `mnist_scratch/formats.py`):"""),
    ("code", """import json
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import evaluate, sgd
SAVED = "my_networks"   # a relative path: in the folder the notebook runs in
os.makedirs(SAVED, exist_ok=True)
net = Network([784, 30, 10], seed=1)
sgd(net, load_mnist("train", limit=N_TRAIN), epochs=1, mini_batch_size=10, eta=3.0, seed=1)
test = load_mnist("test", limit=N_TEST)
library_file = os.path.join(SAVED, "saved-by-the-library.json")
net.save(library_file)
with open(library_file) as f:
    data = json.load(f)
for key, value in data.items():   # each key with its value as the file writes it
    if key == "weights":
        shown = "[%d matrices: %s]" % (len(value), ", ".join("%d rows of %d numbers" % (len(w), len(w[0]))
                                                             for w in value))
    elif key == "biases":
        shown = "[%d vectors of %s numbers]" % (len(value), " and ".join(str(len(b)) for b in value))
    else:
        shown = json.dumps(value)
    print("%-14s %s" % (json.dumps(key) + ":", shown))"""),
    ("md", """## Your turn: save and load

Write `save_network(weights, biases, path)`: the network as JSON in that format, so that the
library's `Network.load` reads it: `"format"` (`"mnist_scratch.network"`), `"version"` (2),
`"sizes"`, `"cost"` (`"quadratic"`), `"activations"` (`"sigmoid"` for each layer with
weights), `"weights"` and `"biases"`. `json.dump` writes every float so that it reads back
exactly. Then `load_network(path)`: read such a file, written by your `save_network` or by
the library, and return `(weights, biases)`."""),
    ("code", stub("save_network(weights, biases, path)")),
    ("code", check_cell("save_network")),
    ("code", stub("load_network(path)")),
    ("code", check_cell("load_network")),
    ("md", """The network above saved by your `save_network`, read by the library; then the library's
file read by your `load_network`. A saved network must come back the same, bit for bit:"""),
    ("code", """def library_save_network(weights, biases, path):
    Network.from_parameters(weights, biases).save(path)

def library_load_network(path):
    network = Network.load(path)
    return network.weights, network.biases

your_file = os.path.join(SAVED, "saved-by-you.json")
yours_or_library(save_network, library_save_network)(net.weights, net.biases, your_file)
again = Network.load(your_file)
print("the library read %s: sizes %s, the same weights and biases: %s"
      % (your_file, again.sizes, again.weights == net.weights and again.biases == net.biases))
print("accuracy on %d test images: %.1f%% before saving, %.1f%% after loading"
      % (len(test), 100 * evaluate(net, test).accuracy, 100 * evaluate(again, test).accuracy))
weights, biases = yours_or_library(load_network, library_load_network)(library_file)
print("read back from %s: the same weights and biases: %s"
      % (library_file, weights == net.weights and biases == net.biases))"""),
    ("md", """## Further

The book's runs train on all 50,000 images for 30 epochs. The same as a sweep, with three
seeds each, takes several hours on a 2-core machine (one [784, 30, 10] run is about half an
hour); `--jobs` sets how many run at once, and from Python `run_sweep(..., executor=...)`
takes any `concurrent.futures` executor, a process pool or a cluster's:

    python -m mnist_scratch.sweep --sizes 784,30,10 784,100,10 --epochs 30 --repeats 3 \\
        --out sweeps/book --jobs 2"""),
]
