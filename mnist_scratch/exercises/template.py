"""My own versions of mnist_scratch's steps.

Fill in one step at a time, then check it:

    python -m mnist_scratch.check 1 my_steps.py        # or 2 to 10, all
    python -m mnist_scratch.check 3 my_steps.py --only argmax

Every function below raises NotImplementedError until you write it; the
checker reports those as TODO. Keep the names and arguments: the checker
calls them. Never change an argument (return new lists); use the rng you are
given or random.Random(seed), never the random module's own functions; write
each function yourself (one that only calls mnist_scratch's fails). Some
checks are hidden: you see the hint, not the input. Use only the standard
library (no numpy), to see every multiplication; step 6 draws with
matplotlib. The notebooks (notebooks/01_... to 10_...) explain each step;
read the library's version (mnist_scratch/idx.py, linalg.py, network.py,
training.py, costs.py, activations.py, visualize_figures.py, formats.py,
preprocess.py) only after you have tried.

Conventions (the same as the library's):
    A vector is a list of floats; a matrix is a list of rows.
    An example is a pair (x, label): x is a list of 784 floats in [0, 1],
    label an int 0-9.
    Layers are numbered as in the book: layer 1 is the input, layer L the
    output. The input layer has no weights, so weights[0] feeds layer 2:
    weights[i] is the book's w^(i+2) and biases[i] its b^(i+2).
    weights[i] has one ROW per neuron of layer i+2 and one column per neuron
    of layer i+1, so weights[i][j][k] (the book's w^(i+2)_jk) joins neuron k
    of layer i+1 to neuron j of layer i+2.
"""

import gzip
import io
import json
import math
import random
import struct


# ---------------------------------------------------------------- step 1
# Reading the IDX files. The MNIST files are gzipped: open them with
# gzip.open(path, "rb") and read() all the bytes. struct.unpack(">I", four_bytes)
# reads one big-endian unsigned 32-bit integer.

def read_labels(path):
    """Read an IDX label file.

    The file is: magic number 2049 (4 bytes), the number of labels n (4 bytes),
    then n labels of one byte each.

    Args:
        path: the (gzipped) label file, e.g. the t10k-labels-idx1-ubyte.gz file.

    Returns:
        list of n ints 0-9.

    Raises:
        ValueError: the magic number is not 2049.
    """
    raise NotImplementedError("step 1: write read_labels")


def read_images(path):
    """Read an IDX image file.

    The file is: magic number 2051, the number of images, the number of rows,
    the number of columns (4 bytes each), then the pixels (one byte each,
    0 = white, 255 = black), image after image, row after row.

    Args:
        path: the (gzipped) image file.

    Returns:
        list of images; each image is a list of rows, each row a list of ints
        0-255 (for MNIST: 28 rows of 28 pixels).

    Raises:
        ValueError: the magic number is not 2051.
    """
    raise NotImplementedError("step 1: write read_images")


def image_to_vector(image):
    """Flatten an image into the network's input vector.

    Args:
        image: list of rows of ints 0-255.

    Returns:
        list of floats in [0, 1], each pixel / 255, the top row first.
    """
    raise NotImplementedError("step 1: write image_to_vector")


# ---------------------------------------------------------------- step 2
# Vectors and matrices on plain lists. Never change an argument: build and
# return a new list.

def add(u, v):
    """u + v, entry by entry."""
    raise NotImplementedError("step 2: write add")


def sub(u, v):
    """u - v, entry by entry."""
    raise NotImplementedError("step 2: write sub")


def scale(c, v):
    """The number c times the vector v."""
    raise NotImplementedError("step 2: write scale")


def dot(u, v):
    """The dot product: the sum of u[i] * v[i] (one number)."""
    raise NotImplementedError("step 2: write dot")


def matvec(m, v):
    """The matrix m times the vector v.

    Args:
        m: a matrix of shape (rows, cols).
        v: a vector of length cols.

    Returns:
        vector of length rows: entry i is dot(m[i], v).
    """
    raise NotImplementedError("step 2: write matvec")


def transpose(m):
    """The transpose: row j of the result is column j of m."""
    raise NotImplementedError("step 2: write transpose")


def outer(u, v):
    """The outer product: the matrix whose entry [i][j] is u[i] * v[j]."""
    raise NotImplementedError("step 2: write outer")


# ---------------------------------------------------------------- step 3
# A single-layer network: 784 inputs, 10 sigmoid outputs, no hidden layer.
# Here weights is ONE matrix (10 x 784) and biases ONE vector (10): the book's
# w^2 and b^2, since layer 1 is the input and layer 2 the output.

def sigmoid(z):
    """The logistic function 1 / (1 + e^(-z)) of one number.

    It must not raise OverflowError for z = -1000 (math.exp(1000) does):
    for negative z use the equal form e^z / (1 + e^z).
    """
    raise NotImplementedError("step 3: write sigmoid")


def mean_square_error(u, v):
    """The mean of the squared differences: sum((u[i] - v[i])**2) / len(u)."""
    raise NotImplementedError("step 3: write mean_square_error")


def argmax(v):
    """The index of the largest entry of v (the first one on a tie).

    argmax([6, 2, 7, 10, 5]) is 3.
    """
    raise NotImplementedError("step 3: write argmax")


def one_hot(label, n=10):
    """The "categorical" target vector: n zeros with a 1.0 at index label.

    one_hot(3) is [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0].
    """
    raise NotImplementedError("step 3: write one_hot")


def feedforward(weights, biases, x):
    """The output of a single-layer network: a = sigmoid(weights x + biases).

    Args:
        weights: matrix of shape (outputs, inputs).
        biases: vector of length outputs.
        x: input vector of length inputs.

    Returns:
        vector of length outputs, every entry in (0, 1).
    """
    raise NotImplementedError("step 3: write feedforward")


def predict(weights, biases, x):
    """The digit the single-layer network picks for x: the argmax of its output."""
    raise NotImplementedError("step 3: write predict")


def evaluate(weights, biases, data):
    """How well a single-layer network does on labelled data.

    Args:
        weights, biases: the network.
        data: list of (x, label).

    Returns:
        (cost, accuracy): cost is the mean over the examples of
        C = 1/2 * sum_j (a_j - y_j)**2 with y = one_hot(label); accuracy is the
        fraction (0 to 1) of examples whose predicted digit is the label.
    """
    raise NotImplementedError("step 3: write evaluate")


def update(weights, biases, mini_batch, eta):
    """One step of gradient descent for the single-layer network.

    For each example (x, label) with y = one_hot(label) and a = feedforward(...):
        delta = (a - y) * a * (1 - a)          entry by entry
        gradient of the biases:  delta
        gradient of the weights: outer(delta, x)
    Sum those over the mini-batch, then step against the mean:
        weights -> weights - (eta / m) * sum,  biases -> biases - (eta / m) * sum
    with m = len(mini_batch).

    Returns:
        (new_weights, new_biases).
    """
    raise NotImplementedError("step 3: write update")


# ---------------------------------------------------------------- step 4
# Backpropagation for a network with any number of layers. Now weights is a
# LIST of matrices and biases a LIST of vectors, one per layer after the input:
# weights[i] is the book's w^(i+2), biases[i] its b^(i+2).

def backprop(weights, biases, x, y):
    """The gradient of C = 1/2 ||a^L - y||^2 for one example.

    The book's layers are l = 1 (the input, a^1 = x) to L (the output).
    Forward: for l = 2 to L keep z^l = w^l a^(l-1) + b^l and a^l = sigmoid(z^l).
    Backward, with sigma'(z^l) = a^l (1 - a^l) entry by entry:
        BP1  delta^L = (a^L - y) * sigma'(z^L)
        BP2  delta^l = (transpose(w^(l+1)) delta^(l+1)) * sigma'(z^l)   for l = L-1 down to 2
        BP3  nabla_b^l = delta^l
        BP4  nabla_w^l = outer(delta^l, a^(l-1))
    In Python, with lists that start at 0: w^l is weights[l-2], b^l is
    biases[l-2], and nabla_b[l-2], nabla_w[l-2] hold layer l's gradients.

    Args:
        weights: list of matrices; biases: list of vectors.
        x: input vector; y: target vector (e.g. one_hot(label)).

    Returns:
        (nabla_b, nabla_w), shaped exactly like biases and weights.
    """
    raise NotImplementedError("step 4: write backprop")


# ---------------------------------------------------------------- step 5
# Mini-batch stochastic gradient descent on the multilayer network.

def create_batches(data, mini_batch_size, rng):
    """Shuffle a copy of data with rng and cut it into mini-batches.

    Args:
        data: list of examples (do not change it).
        mini_batch_size: m.
        rng: a random.Random; shuffle with rng.shuffle so a seed fixes the result.

    Returns:
        list of mini-batches, each a list of m examples; the last one is smaller
        when len(data) is not a multiple of m. Every example appears once.
    """
    raise NotImplementedError("step 5: write create_batches")


def update_mini_batch(weights, biases, mini_batch, eta):
    """One step of gradient descent for a multilayer network, using backprop.

    Sum backprop's gradients over the mini-batch (y = one_hot(label)); with m =
    len(mini_batch) (the last batch may be smaller than the others),
    w -> w - (eta / m) * sum of nabla_w, b -> b - (eta / m) * sum of nabla_b.

    Returns:
        (new_weights, new_biases).
    """
    raise NotImplementedError("step 5: write update_mini_batch")


def learn(training_data, sizes, epochs, mini_batch_size, eta, seed):
    """Train a network from random weights by mini-batch SGD.

    Start with rng = random.Random(seed); biases drawn from rng.gauss(0, 1) and
    weights from rng.gauss(0, 1 / math.sqrt(n_in)) where n_in is the number of
    inputs of the layer (small weights keep the sigmoids from saturating):
    weights[i] (the book's w^(i+2)) is sizes[i+1] rows of sizes[i] numbers.
    Then, for each epoch, create_batches and update_mini_batch on each batch.

    Args:
        training_data: list of (x, label).
        sizes: layer sizes, e.g. [784, 30, 10].
        epochs, mini_batch_size, eta: as in the book.
        seed: an int.

    Returns:
        (weights, biases) after training.
    """
    raise NotImplementedError("step 5: write learn")


# ---------------------------------------------------------------- step 6
# Pictures of your network, drawn with matplotlib (pip install matplotlib pillow).
# Import it INSIDE each function (import matplotlib.pyplot as plt), so that your
# other steps still run on a Python without it. Save each picture at path
# (fig.savefig(path, dpi=150)), at least 300 pixels wide for a projector.

def weights_to_image(row):
    """784 numbers (an image x, or one neuron's weights) as 28 rows of 28 floats.

    Row k of the picture is row[28 * k:28 * k + 28].
    """
    raise NotImplementedError("step 6: write weights_to_image")


def plot_images(images, labels, path, guesses=None):
    """A grid of digits, one tile per image, at most 10 tiles a row.

    Args:
        images: list of n vectors of 784 floats in [0, 1] (draw them in gray).
        labels: list of n ints; each tile is titled with its label.
        path: the .png file to save.
        guesses: None, or list of n ints, the network's digit for each image:
            mark in red each tile whose guess differs from its label (e.g. a
            red title "7 -> 2" and a red frame), and nothing else.

    Returns the matplotlib Figure.
    """
    raise NotImplementedError("step 6: write plot_images")


def plot_weights(weights, path):
    """The weights into each hidden neuron, one 28 x 28 tile per neuron.

    Args:
        weights: a network's list of matrices; weights[0] has one row of 784
            weights per hidden neuron: one tile per row.
        path: the .png file to save.

    Draw every tile on ONE colour scale centred at 0, with a diverging map:
    imshow(..., cmap="RdBu_r", vmin=-limit, vmax=limit), limit the largest
    |weight| of weights[0]. Then white is 0, red > 0, blue < 0, everywhere.
    Returns the matplotlib Figure.
    """
    raise NotImplementedError("step 6: write plot_weights")


def plot_history(costs, accuracies, path):
    """Learning curves: two panels, the cost and the accuracy per epoch.

    Args:
        costs: list of floats, one per epoch.
        accuracies: list of floats in [0, 1], one per epoch (or draw them in %).
        path: the .png file to save.

    One line of len(costs) points per panel; a title or y label on each panel
    says what it shows, and the x axis is the epoch. Returns the Figure.
    """
    raise NotImplementedError("step 6: write plot_history")


def make_gif(frames, path, seconds_per_frame=0.5):
    """OPTIONAL: an animated GIF of the weights as the network learns.

    Args:
        frames: list of snapshots of weights[0] taken during training, each a
            matrix of one row of 784 weights per hidden neuron.
        path: the .gif file to save.
        seconds_per_frame: how long each frame shows.

    One frame per snapshot, all on one colour scale: draw each (as in
    plot_weights), save it into io.BytesIO() and open it with PIL.Image.open,
    then pictures[0].save(path, save_all=True, append_images=pictures[1:],
    duration=milliseconds, loop=0). Returns path.
    """
    raise NotImplementedError("step 6: write make_gif (optional)")


# ---------------------------------------------------------------- step 7
# Saving your network as JSON in the library's format (mnist_scratch/formats.py),
# so that the library's Network.load reads your file and you read the library's:
#   {"format": "mnist_scratch.network", "version": 2, "sizes": [784, 30, 10],
#    "cost": "quadratic", "activations": ["sigmoid", "sigmoid"],
#    "weights": weights, "biases": biases}

def save_network(weights, biases, path):
    """Write the network (weights[i]: sizes[i+1] rows of sizes[i] floats) as JSON at path.

    Write it with json.dump, which keeps every digit of every float: loading
    the file gives back exactly the same numbers. Do not change the lists.
    """
    raise NotImplementedError("step 7: write save_network")


def load_network(path):
    """Read a network saved by save_network or by the library's Network.save.

    Returns (weights, biases): the lists exactly as they are in the file.
    """
    raise NotImplementedError("step 7: write load_network")


# ---------------------------------------------------------------- step 8
# The cross-entropy cost and softmax (the book's chapter 3). a is the output
# layer's activations a^L, z its weighted inputs z^L, y the target (e.g.
# one_hot(label)).

def cross_entropy_cost(a, y):
    """The cross-entropy cost of one example: C = -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)].

    A term whose factor y_j or 1 - y_j is 0 counts as 0 (skip it): an output
    of exactly 0.0 or 1.0 must not make you take math.log(0). Returns one
    number, >= 0.
    """
    raise NotImplementedError("step 8: write cross_entropy_cost")


def cross_entropy_delta(z, a, y):
    """BP1 for the cross-entropy cost and sigmoid outputs: delta^L = dC/dz^L.

    BP1 says delta^L = dC/da (.) sigma'(z^L). Work out dC/da_j for the
    cross-entropy cost, multiply by sigma'(z_j) = a_j (1 - a_j), and simplify:
    what is left?

    z, a, y: vectors of the same length (a = sigmoid(z) entry by entry).
    Returns the vector delta^L.
    """
    raise NotImplementedError("step 8: write cross_entropy_delta")


def softmax(z):
    """The softmax of the vector z: a_j = e^(z_j) / sum_k e^(z_k).

    The outputs are positive and add up to 1. It must work for z = [1000.0,
    1001.0] (math.exp(1000) raises OverflowError) and for z = [-1000.0,
    -1000.0] (each e^(z_j) rounds to 0.0): think about what subtracting the
    same number from every z_j does to the result.
    """
    raise NotImplementedError("step 8: write softmax")


# ---------------------------------------------------------------- step 9
# L2 regularisation. The regularised cost is C = C_0 + (lmbda / 2n) sum w^2
# over every weight (no biases), n the number of training examples.

def update_mini_batch_l2(weights, biases, mini_batch, eta, lmbda, n):
    """One step of gradient descent with L2 regularisation ("weight decay").

    As update_mini_batch (step 5, the quadratic cost), with the weights
    shrunk first:
        w -> (1 - eta * lmbda / n) * w - (eta / m) * sum of nabla_w
        b -> b - (eta / m) * sum of nabla_b
    with m = len(mini_batch) and n the size of the whole training set.

    Returns:
        (new_weights, new_biases).
    """
    raise NotImplementedError("step 9: write update_mini_batch_l2")


# ---------------------------------------------------------------- step 10
# Your own handwriting: two steps of making a photo's digit look like MNIST's.
# A grid is a list of rows of floats, 0.0 = paper, 1.0 = ink; grid[r][c] is
# row r (counted down from 0) and column c (counted right from 0).

def crop_to_ink(grid, threshold=0.0):
    """The smallest part of grid holding every pixel greater than threshold.

    Returns:
        a new grid: the rows from the first to the last with such a pixel,
        each cut to the columns from the first to the last with one (both
        ends included).

    Raises:
        ValueError: no pixel is greater than threshold.
    """
    raise NotImplementedError("step 10: write crop_to_ink")


def centre_of_mass(grid):
    """The centre of mass of the ink: each pixel's position weighted by its ink.

        row = sum of r * grid[r][c] / sum of grid[r][c]
        col = sum of c * grid[r][c] / sum of grid[r][c]
    over every pixel (r, c); pixel (0, 0) is the top left one.

    Returns:
        (row, col), two floats.

    Raises:
        ValueError: the grid has no ink (its sum is 0).
    """
    raise NotImplementedError("step 10: write centre_of_mass")
