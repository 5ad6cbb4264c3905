"""Notebooks 01 to 03: reading the IDX files, vectors and matrices on lists, a single-layer
network. The student writes the reader, the list operations and the whole single-layer
network (feedforward, evaluate and the gradient step ``update``)."""

from course_common import CHECK, CHOOSE, LIBRARY_EVALUATE, PLOTS, SETUP, check_cell, stub

NOTEBOOKS = {}

NOTEBOOKS["01_idx_files_and_digits"] = [
    ("md", """# Step 1: reading the IDX files and looking at digits

MNIST is 70,000 handwritten digits, 28 x 28 grey pixels each, with the digit each one shows.
They come in *IDX files*: a tiny header, then the numbers. In this notebook you read the start
of a header by hand and look at some digits; then you write the reader yourself:
`read_labels`, `read_images` and `image_to_vector`, each with a check.

Pytest marker for this step: `pytest -m step1`."""),
    ("code", SETUP + CHECK + "\n" + PLOTS + CHOOSE),
    ("md", """## The header, byte by byte

An IDX file starts with a *magic number* of four bytes: two zero bytes, one byte for the type
of the numbers (8 = unsigned byte) and one for how many dimensions they have. Then comes the
size of each dimension, each a 32-bit integer stored *big-endian* (most significant byte
first), then the numbers themselves. The MNIST files are gzipped. The first bytes of the test
images:"""),
    ("code", """import gzip
import struct
from mnist_scratch.datasets import find_data_dir
images_path = os.path.join(find_data_dir(), "t10k-images-idx3-ubyte.gz")
labels_path = os.path.join(find_data_dir(), "t10k-labels-idx1-ubyte.gz")
with gzip.open(images_path, "rb") as f:
    raw = f.read()
print(len(raw), "bytes; the first 16:", raw[:16].hex(" "))
(magic,) = struct.unpack(">I", raw[0:4])   # ">I": one big-endian unsigned 32-bit integer
print("magic number %d = 0x%08x: type 0x%02x, %d dimensions" % (magic, magic, raw[2], raw[3]))"""),
    ("md", """Three dimensions, so the next 12 bytes are three sizes: the number of images, of rows
and of columns (`struct.unpack(">III", ...)` reads three at once). Then the pixels, one byte
each, 0 for white paper to 255 for black ink, image after image, row after row. A label file
has the magic number 2049 (one dimension: the number of labels), then one byte per label.

The library's reader (`mnist_scratch.idx.read_idx`) does all that and checks every field.
`load_mnist` turns the files into `(x, label)` pairs: `x` is the image's 784 pixels, row by
row, scaled to floats in [0, 1]."""),
    ("code", """from mnist_scratch.datasets import load_mnist
test = load_mnist("test", limit=20)
x, label = test[0]
print(len(x), "pixels, label", label)
# the image as text: one character per pixel
for row in range(28):
    print("".join(" .:-=+*#%@"[min(9, int(v * 10))] for v in x[row * 28:(row + 1) * 28]))"""),
    ("code", """fig = visualize.plot_images([x for x, _ in test], [label for _, label in test], columns=10)
display(fig)"""),
    ("md", """## Your turn: the reader

Write `read_labels(path)`: open the gzipped file and read all its bytes, check that the magic
number is 2049 (raise `ValueError` otherwise), read the count, and return that many labels as
a list of ints. The check runs it on the real test labels (the first five are 7 2 1 0 4), on a
small file of its own and on an image file, which it must refuse. Until you write it, the
check says TODO."""),
    ("code", stub("read_labels(path)")),
    ("code", check_cell("read_labels")),
    ("md", """Now `read_images(path)`: the magic number must be 2051; then read the count, rows and
columns, and return a list of images, each image a list of `rows` rows, each row a list of
`columns` ints 0-255. Indexing or slicing `bytes` gives ints: `raw[16]` is the first pixel,
`list(raw[16:19])` the first three. The check tries a tiny file whose pixels are 0, 1, 2, ...,
so a mix-up of rows and columns shows."""),
    ("code", stub("read_images(path)")),
    ("code", check_cell("read_images")),
    ("md", """Last, `image_to_vector(image)`: the network's input, one list of floats in [0, 1] (each
pixel divided by 255), the top row first, then the next row, and so on."""),
    ("code", stub("image_to_vector(image)")),
    ("code", check_cell("image_to_vector")),
    ("md", """## Your reader at work

All 10,000 test digits, read with your three functions (until they pass their checks, the
library's reader stands in): how many of each digit there are, and twenty of them."""),
    ("code", """from mnist_scratch.datasets import load_images, load_labels
labels = yours_or_library(read_labels, load_labels)(labels_path)
if passed.get("read_images") and passed.get("image_to_vector"):
    vectors = [image_to_vector(image) for image in read_images(images_path)]
else:
    print("Your read_images and image_to_vector have not both passed their checks yet: "
          "the library's load_images stands in for them here.")
    vectors = load_images(images_path)
print(len(labels), "labels,", len(vectors), "images of", len(vectors[0]), "pixels each")
print("how many of each digit:", {digit: labels.count(digit) for digit in range(10)})
display(visualize.plot_images(vectors[20:40], labels[20:40], columns=10))"""),
    ("md", """The same functions in a file of your own, checked all at once:
`python -m mnist_scratch.check --template my_steps.py`, paste them in, then
`python -m mnist_scratch.check 1 my_steps.py`."""),
]

NOTEBOOKS["02_vectors_and_matrices"] = [
    ("md", """# Step 2: vectors and matrices on plain lists

The network only needs a handful of operations: add two vectors, multiply a matrix by a
vector, transpose a matrix, the outer product. On plain Python lists a vector is a list of
numbers and a matrix a list of rows. The library has them all (`mnist_scratch.linalg`); in
this notebook you write them yourself.

Pytest marker: `pytest -m step2`."""),
    ("code", SETUP + CHECK + CHOOSE),
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

Write each one with plain Python (loops, `zip`, `sum`, comprehensions), not with the library:
a function that calls `linalg` FAILs its check, however right its answers. Never change an
argument: build and return a new list.

First the three entry-by-entry ones: `add(u, v)` is `u + v`, `sub(u, v)` is `u - v`, and
`scale(c, v)` is the number `c` times each entry of `v`."""),
    ("code", stub("add(u, v)")),
    ("code", check_cell("add")),
    ("code", stub("sub(u, v)")),
    ("code", check_cell("sub")),
    ("code", stub("scale(c, v)")),
    ("code", check_cell("scale")),
    ("md", """`dot(u, v)`: the dot product, one number, the sum of `u[i] * v[i]`."""),
    ("code", stub("dot(u, v)")),
    ("code", check_cell("dot")),
    ("md", """`matvec(m, v)`: entry `i` of the result is the dot product of row `m[i]` with `v`, so the
result has one entry per row of `m` (your `dot` can do the work). The check tries a square
matrix, where a transposed answer looks plausible, and a 2 x 3 one."""),
    ("code", stub("matvec(m, v)")),
    ("code", check_cell("matvec")),
    ("md", """`transpose(m)`: row `j` of the result is column `j` of `m`, so a (2, 3) matrix becomes a
(3, 2) one. `outer(u, v)`: the matrix whose entry `[i][j]` is `u[i] * v[j]`, one row per entry
of `u`. Backprop needs both: the transpose to send errors back through the weights, the outer
product for the gradient of every weight."""),
    ("code", stub("transpose(m)")),
    ("code", check_cell("transpose")),
    ("code", stub("outer(u, v)")),
    ("code", check_cell("outer")),
    ("md", """## Your functions at work: a layer of neurons

A layer of two neurons with three inputs each is a (2, 3) weight matrix `w`, one row per
neuron, and a bias per neuron. Its weighted inputs are `z = w x + b`; step 4 sends errors
back through the same weights with `w^T delta`. With your functions:"""),
    ("code", """w = [[0.2, -0.5, 1.0],
     [1.5, 0.3, -0.2]]      # 2 neurons, 3 inputs each
b = [0.1, -0.4]
x = [1.0, 2.0, 3.0]
my_matvec = yours_or_library(matvec, linalg.matvec)
my_add = yours_or_library(add, linalg.add)
my_transpose = yours_or_library(transpose, linalg.transpose)
z = my_add(my_matvec(w, x), b)
print("z = w x + b =", [round(value, 6) for value in z], " one weighted input per neuron")
delta = [1.0, -1.0]
print("w^T delta =", [round(value, 6) for value in my_matvec(my_transpose(w), delta)],
      " one number per input")"""),
    ("md", """Check all of step 2 in a file of your own with
`python -m mnist_scratch.check 2 my_steps.py`."""),
]

NOTEBOOKS["03_single_layer_network"] = [
    ("md", """# Step 3: a single-layer network

784 inputs, 10 sigmoid outputs, no hidden layer: `a = sigmoid(w x + b)`. The digit the
network picks is the output with the largest activation (`argmax`). Its cost on one example
is `C = 1/2 ||a - y||^2` with `y = one_hot(label)`. In this notebook you write the whole
network: its output, how well it does, and the gradient step that trains it.

Here the network's weights are ONE matrix (10 rows of 784: row `j` feeds output neuron `j`)
and its biases ONE vector of 10, the book's `w^2` and `b^2` (layer 1 is the input).

Pytest marker: `pytest -m step3`."""),
    ("code", SETUP + CHECK + """
import math
from mnist_scratch import training
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
from mnist_scratch.linalg import argmax as library_argmax
N_TRAIN, N_TEST = (500, 200) if QUICK else (5000, 1000)
train = load_mnist("train", limit=N_TRAIN)
test = load_mnist("test", limit=N_TEST)""" + CHOOSE),
    ("code", """net = Network([784, 10], seed=1)    # the library's network, random weights
x, label = test[0]
a = net.feedforward(x)
print("outputs:", [round(v, 3) for v in a])
print("picks", library_argmax(a), "- the label is", label)"""),
    ("md", """## Your turn: the pieces

`sigmoid(z)` of one number: `1 / (1 + e^(-z))`, with `math.exp(v)` for `e^v`. But a float
cannot hold `e^1000`:"""),
    ("code", """try:
    math.exp(1000)
except OverflowError as e:
    print("math.exp(1000) raises OverflowError:", e)"""),
    ("md", """So `sigmoid(-1000.0)` must not compute `e^1000`: for a negative `z` use the equal form
`e^z / (1 + e^z)`."""),
    ("code", stub("sigmoid(z)")),
    ("code", check_cell("sigmoid")),
    ("md", """`one_hot(label, n=10)`: the target `y`, `n` zeros with a 1.0 at index `label`. And
`argmax(v)`: the index of the largest entry (the first one on a tie), the digit the network
picks."""),
    ("code", stub("one_hot(label, n=10)")),
    ("code", check_cell("one_hot")),
    ("code", stub("argmax(v)")),
    ("code", check_cell("argmax")),
    ("md", """## Your turn: the network's output and its score

`feedforward(weights, biases, x)`: `a = sigmoid(w x + b)`, entry `j` being
`sigmoid(dot(weights[j], x) + biases[j])` (write the loop, or paste your `matvec` from
notebook 02). `predict(weights, biases, x)`: the digit it picks."""),
    ("code", stub("feedforward(weights, biases, x)")),
    ("code", check_cell("feedforward")),
    ("code", stub("predict(weights, biases, x)")),
    ("code", check_cell("predict")),
    ("md", """`evaluate(weights, biases, data)` returns `(cost, accuracy)` on a list of `(x, label)`:
the cost is the mean over the examples of `1/2 sum_j (a_j - y_j)^2`, the accuracy the
fraction (0 to 1) of examples whose predicted digit is the label. The check compares both
with the library's on real test images."""),
    ("code", stub("evaluate(weights, biases, data)")),
    ("code", check_cell("evaluate")),
    ("md", """The library's versions in the form of yours stand in below until yours pass their
checks. Your `evaluate` on the untrained network: about one digit in ten, a guess."""),
    ("code", LIBRARY_EVALUATE + """

def library_update(weights, biases, mini_batch, eta):
    \"\"\"The library's gradient step on a single-layer network in your form.\"\"\"
    network = Network.from_parameters([weights], [biases])
    training.update_mini_batch(network, mini_batch, eta)
    return network.weights[0], network.biases[0]

measure = yours_or_library(evaluate, library_evaluate)
weights, biases = net.weights[0], net.biases[0]
cost, accuracy = measure(weights, biases, test)
print("before training: cost %.4f, accuracy %.1f%% on %d test images"
      % (cost, 100 * accuracy, len(test)))"""),
    ("md", """## One gradient step, by hand

Training moves every weight and bias a little against its gradient. For this network the
gradient for one example is short. With `a = feedforward(weights, biases, x)` and
`y = one_hot(label)`:

    delta_j   = (a_j - y_j) * a_j * (1 - a_j)     the error of output neuron j
    dC/db_j   = delta_j
    dC/dw_jk  = delta_j * x_k

A step on a mini-batch of `m` examples adds those up over its examples and moves against
their mean, times the learning rate `eta`:

    w_jk -> w_jk - (eta / m) * (the sum of dC/dw_jk over the mini-batch)
    b_j  -> b_j  - (eta / m) * (the sum of dC/db_j over the mini-batch)

## Your turn: `update`

Write `update(weights, biases, mini_batch, eta)`: that step, returning the new
`(weights, biases)` as new lists (do not change the ones you were given). The check compares
one step on 10 real training images with the library's; a step the wrong way, or `m` times
too big, gets its own hint."""),
    ("code", stub("update(weights, biases, mini_batch, eta)")),
    ("code", check_cell("update")),
    ("md", """Your step on the first mini-batch of 10 training images, measured on the same 10
images: the cost must go down."""),
    ("code", """step = yours_or_library(update, library_update)
batch = train[:10]
before, _ = measure(weights, biases, batch)
weights, biases = step(weights, biases, batch, 3.0)
after, _ = measure(weights, biases, batch)
print("cost on the mini-batch: %.4f -> %.4f" % (before, after))"""),
    ("md", """Many steps, one per mini-batch of 10, make one pass over the training images, an
*epoch*; then the test images, which it never trained on, tell how well it learned:"""),
    ("code", """for k in range(10, len(train), 10):
    weights, biases = step(weights, biases, train[k:k + 10], 3.0)
cost, accuracy = measure(weights, biases, test)
print("after one epoch on %d training images: cost %.4f, accuracy %.1f%% on %d test images"
      % (len(train), cost, 100 * accuracy, len(test)))"""),
    ("md", """Step 3 has one more function, `mean_square_error`: write it in your own file and check the
whole step with `python -m mnist_scratch.check 3 my_steps.py`."""),
]
