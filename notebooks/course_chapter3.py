"""Notebooks 08 and 09: chapter 3 of the book. The cross-entropy cost and softmax (the
student writes ``cross_entropy_delta`` and ``softmax``), then overfitting, L2
regularisation and early stopping (the student writes ``update_mini_batch_l2``)."""

from course_common import CHECK, CHOOSE, PLOTS, SETUP, check_cell, paste_stub, stub

NOTEBOOKS = {}

NOTEBOOKS["08_cross_entropy_and_softmax"] = [
    ("md", """# Step 8: the cross-entropy cost and softmax

Chapter 3 of the book begins with a puzzle: a network whose output is badly wrong should learn
fast, yet with the quadratic cost a sigmoid neuron that is *confidently* wrong learns very
slowly. This notebook finds the culprit in BP1, replaces the cost with one that does not have
the problem (cross-entropy), and meets softmax, an output layer whose outputs are
probabilities. Your turn: derive and write the cross-entropy error `delta^L`, check it against
numerical gradients, write a softmax that never overflows, and the cross-entropy cost itself.

Pytest marker: `pytest -m step8`. From the shell: `python -m mnist_scratch.learn --cost cross-entropy`."""),
    ("code", SETUP + CHECK + "\n" + PLOTS + """
import math
from mnist_scratch.activations import sigmoid, Softmax
from mnist_scratch.costs import QuadraticCost, CrossEntropyCost
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import sgd
from mnist_scratch.gradcheck import numerical_gradient, max_relative_error
N_TRAIN, N_VALID, EPOCHS = (500, 300, 2) if QUICK else (3000, 1000, 3)""" + CHOOSE),
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
digit a probability near 1. Its BP1 works out to the same simple `delta^L` as the
cross-entropy cost's, which you derive below (the book shows both), so it does not slow down
either. Choose
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
    ("code", stub("cross_entropy_delta(z, a, y)")),
    ("code", check_cell("cross_entropy_delta")),
    ("code", """# Your delta next to the numerical gradient of the [3, 4, 2] network above:
# a gradcheck of your own
delta = yours_or_library(cross_entropy_delta, CrossEntropyCost.delta)(zs[-1], activations[-1], y)
print("delta^L:          ", delta)
print("numerical dC/db^L:", numerical)"""),
    ("code", stub("softmax(z)")),
    ("code", check_cell("softmax")),
    ("code", """a = yours_or_library(softmax, Softmax.fn)([1000.0, 1001.0, 1002.0])
print("softmax([1000.0, 1001.0, 1002.0]) =", [round(v, 4) for v in a], "adding up to %g" % sum(a))"""),
    ("md", """4. The cost itself, `cross_entropy_cost(a, y)`: `-sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)]`,
   one number. A term whose factor `y_j` or `1 - y_j` is 0 counts as 0: skip it, so that an
   output of exactly 0.0 or 1.0 never makes you take `math.log(0)`."""),
    ("code", stub("cross_entropy_cost(a, y)")),
    ("code", check_cell("cross_entropy_cost")),
    ("md", """All of step 8 in a file of your own (`python -m mnist_scratch.check --template
my_steps.py`): `python -m mnist_scratch.check 8 my_steps.py`."""),
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
    return fig""" + CHOOSE),
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
`(1 - eta * lmbda / n)` and the biases not. The check compares one step with the library's
on real images; decaying the biases too, dividing by `m` instead of `n`, or growing the
weights instead of shrinking them each get a hint.

For the gradients of one example it needs your `backprop` of step 4 (a function that calls
the library's FAILs its check): paste it into the next cell in place of the stub, or import
it from a file of your own (`from my_steps import backprop`). The target is
`y = one_hot(label)`: your own from step 3, or `from mnist_scratch.linalg import one_hot`."""),
    ("code", paste_stub("backprop(weights, biases, x, y)", "notebook 04")),
    ("code", check_cell("backprop")),
    ("code", stub("update_mini_batch_l2(weights, biases, mini_batch, eta, lmbda, n)")),
    ("code", check_cell("update_mini_batch_l2")),
    ("md", """In your own file: `python -m mnist_scratch.check 9 my_steps.py`."""),
]
