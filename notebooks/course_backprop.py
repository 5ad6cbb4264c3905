"""Notebooks 04 and 05: backpropagation, then the multilayer network trained by mini-batch
SGD on MNIST. The student writes ``backprop``, then ``create_batches``,
``update_mini_batch`` and ``learn``, and trains their own network."""

from course_common import CHECK, CHOOSE, SETUP, check_cell, paste_stub, stub

NOTEBOOKS = {}

NOTEBOOKS["04_backprop"] = [
    ("md", """# Step 4: backpropagation, derived on a tiny network

With a hidden layer the gradient needs the chain rule through every layer. Backpropagation
organises it in four equations (Nielsen, chapter 2). They use one product you may not have
met: `u (.) v`, the *Hadamard product*, multiplies two vectors of the same length entry by
entry: `[1, 2, 3] (.) [4, 5, 6] = [4, 10, 18]` (no sum, unlike the dot product). And
`sigma'` is the derivative of the sigmoid, `sigma'(z) = sigma(z) (1 - sigma(z))`, taken of
every entry of `z`.

    BP1  delta^L = (a^L - y) (.) sigma'(z^L)
    BP2  delta^l = ((w^(l+1))^T delta^(l+1)) (.) sigma'(z^l)
    BP3  dC/db^l_j  = delta^l_j
    BP4  dC/dw^l_jk = a^(l-1)_k delta^l_j

`delta^l` is the *error* of layer `l`, `dC/dz^l`: how much the cost changes when a neuron's
weighted input changes. BP1 gives it for the output layer `L`, BP2 carries it back one layer
at a time, and BP3 and BP4 turn it into the gradients of the biases and the weights.

Pytest marker: `pytest -m step4`. In class: `python -m mnist_scratch.backprop --figure net.png`."""),
    ("code", SETUP + CHECK + """
%matplotlib inline
from IPython.display import display
from mnist_scratch.backprop import walkthrough, format_walkthrough
from mnist_scratch.visualize_backprop import draw_backprop
from mnist_scratch.network import Network
from mnist_scratch.gradcheck import numerical_gradient, max_relative_error""" + CHOOSE),
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
`(nabla_b, nabla_w)` shaped like `biases` and `weights`. `weights` is a list of matrices,
`weights[i]` being the book's `w^(i+2)` (one row per neuron of layer `i+2`), and `biases` a
list of vectors. Go forward keeping every `z` and every activation, then backward with BP1 to
BP4. The check compares it with the library on three networks; a sign error or a transposed
`nabla_w` gets its own hint.

It needs a sigmoid and the list operations: paste yours from notebooks 02 and 03 above
`def backprop` in the next cell, or import the library's
(`from mnist_scratch.linalg import add, matvec, transpose, outer` and
`from mnist_scratch.activations import sigmoid`). Only `backprop` itself must be yours."""),
    ("code", stub("backprop(weights, biases, x, y)")),
    ("code", check_cell("backprop")),
    ("md", """Your backprop against the numerical gradients of the `[3, 4, 2]` network above, the way
the library's was checked:"""),
    ("code", """def library_backprop(weights, biases, x, y):
    \"\"\"The library's backprop in the form of yours: (nabla_b, nabla_w).\"\"\"
    return Network.from_parameters(weights, biases).backprop(x, y)

gradients = yours_or_library(backprop, library_backprop)(net.weights, net.biases, x, y)
print("largest relative error against the numerical gradients: %.1e"
      % max_relative_error(gradients, numerical_gradient(net, x, y)))"""),
]

NOTEBOOKS["05_multilayer_sgd"] = [
    ("md", """# Step 5: the multilayer network and mini-batch SGD on MNIST

Shuffle the training data, cut it into mini-batches of `m` examples, take one gradient step
per mini-batch, repeat for a number of epochs: that is stochastic gradient descent (SGD),
`mnist_scratch.training.sgd` in the library. Always measure on data the network did not
train on (the validation split). In this notebook you write it: `create_batches`,
`update_mini_batch` (with backprop) and `learn`, and train your own network on MNIST.

Pytest marker: `pytest -m step5`. From the shell: `python -m mnist_scratch.learn`."""),
    ("code", SETUP + CHECK + """
import random
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.training import sgd, mini_batches, evaluate
N_TRAIN, N_VALID, EPOCHS = (1000, 300, 2) if QUICK else (10000, 2000, 5)
train = load_mnist("train", limit=N_TRAIN)
validation = load_mnist("validation", limit=N_VALID)""" + CHOOSE),
    ("md", """## Your backprop from notebook 04

Your `update_mini_batch` below needs the gradients of each example: your `backprop` of
notebook 04, since the checks want your own code all the way down (a function that calls the
library's backprop FAILs). Paste it into the next cell in place of the stub, or import it
from a file of your own: `from my_steps import backprop`."""),
    ("code", paste_stub("backprop(weights, biases, x, y)", "notebook 04")),
    ("code", check_cell("backprop")),
    ("md", """## SGD with the library

Mini-batches first: a shuffled copy of the data, cut into slices of `m`."""),
    ("code", """batches = mini_batches(train, 10, random.Random(0))
print(len(batches), "mini-batches of", [len(b) for b in batches[:3]], "...")"""),
    ("code", """net = Network([784, 30, 10], seed=1)
history = sgd(net, train, epochs=EPOCHS, mini_batch_size=10, eta=3.0,
              evaluation_data=validation, seed=1)
for record in history.epochs:
    print("epoch %d: validation accuracy %.1f%%, %.1f s"
          % (record["epoch"], 100 * record["evaluation_accuracy"], record["seconds"]))"""),
    ("md", """## Your turn: mini-batches

Write `create_batches(data, mini_batch_size, rng)`: shuffle a copy of `data` with
`rng.shuffle` (so that a seed fixes the order), then cut it into slices of
`m = mini_batch_size` examples. The last batch is smaller when `len(data)` is not a multiple
of `m`; no example may be lost, and `data` itself must not change."""),
    ("code", stub("create_batches(data, mini_batch_size, rng)")),
    ("code", check_cell("create_batches")),
    ("md", """## Your turn: one step of gradient descent

Write `update_mini_batch(weights, biases, mini_batch, eta)` for a network of any number of
layers (lists of matrices and vectors, as `backprop` takes): add up `backprop`'s gradients
over the mini-batch, with `y = one_hot(label)` (your own from notebook 03, or the library's:
`from mnist_scratch.linalg import one_hot`), then step against their mean:

    w -> w - (eta / m) * (the sum of nabla_w),   b -> b - (eta / m) * (the sum of nabla_b)

Return the new `(weights, biases)` as new lists. It is step 3's `update` with backprop for the
gradients; the check compares one step with the library's."""),
    ("code", stub("update_mini_batch(weights, biases, mini_batch, eta)")),
    ("code", check_cell("update_mini_batch")),
    ("md", """## Your turn: training from scratch

Write `learn(training_data, sizes, epochs, mini_batch_size, eta, seed)` (with `import math`
for `math.sqrt`): start from
`rng = random.Random(seed)`, draw the biases from `rng.gauss(0, 1)` and the weights of a layer
with `n_in` inputs from `rng.gauss(0, 1 / math.sqrt(n_in))` (small weights keep the sigmoids
from saturating; `weights[i]` has `sizes[i+1]` rows of `sizes[i]` numbers); then, for each
epoch, `create_batches` with that `rng` and `update_mini_batch` on every batch. Return the
trained `(weights, biases)`. The check trains your `[784, 30, 10]` network for one epoch on
1,000 real images and wants at least 50% on 500 validation images (a few seconds)."""),
    ("code", stub("learn(training_data, sizes, epochs, mini_batch_size, eta, seed)")),
    ("code", check_cell("learn")),
    ("md", """## Your network on MNIST

Your `learn` on the training images above, then the library scores it on the validation
images, to compare with the library's `sgd` run further up (the same settings). Plain lists
are slower than the library's loops: at full size this takes a minute or two."""),
    ("code", """def library_learn(training_data, sizes, epochs, mini_batch_size, eta, seed):
    \"\"\"The library's sgd in the form of your learn: the trained (weights, biases).\"\"\"
    network = Network(sizes, seed=seed)
    sgd(network, training_data, epochs, mini_batch_size, eta, seed=seed)
    return network.weights, network.biases

weights, biases = yours_or_library(learn, library_learn)(train, [784, 30, 10], EPOCHS, 10, 3.0, 1)
result = evaluate(Network.from_parameters(weights, biases), validation)
print("after %d epochs on %d images: %d of %d validation images right (%.1f%%)"
      % (EPOCHS, len(train), result.correct, result.total, 100 * result.accuracy))"""),
]
