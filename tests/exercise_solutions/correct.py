"""A worked solution of the exercise track (for testing the checker only).

It deliberately repeats the library's ideas in the plainest possible code, the
way a student would write them, instead of importing mnist_scratch.
"""

import gzip
import math
import random
import struct


def _read(path, magic):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    (found,) = struct.unpack(">I", raw[:4])
    if found != magic:
        raise ValueError("%s: magic number %d, expected %d" % (path, found, magic))
    return raw


def read_labels(path):
    raw = _read(path, 2049)
    (n,) = struct.unpack(">I", raw[4:8])
    return list(raw[8:8 + n])


def read_images(path):
    raw = _read(path, 2051)
    n, rows, cols = struct.unpack(">III", raw[4:16])
    pixels = raw[16:]
    size = rows * cols
    return [[list(pixels[i * size + r * cols:i * size + (r + 1) * cols]) for r in range(rows)]
            for i in range(n)]


def image_to_vector(image):
    return [pixel / 255 for row in image for pixel in row]


def add(u, v):
    return [a + b for a, b in zip(u, v)]


def sub(u, v):
    return [a - b for a, b in zip(u, v)]


def scale(c, v):
    return [c * a for a in v]


def dot(u, v):
    return sum(a * b for a, b in zip(u, v))


def matvec(m, v):
    return [dot(row, v) for row in m]


def transpose(m):
    return [[row[j] for row in m] for j in range(len(m[0]))]


def outer(u, v):
    return [[a * b for b in v] for a in u]


def sigmoid(z):
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def mean_square_error(u, v):
    return sum((a - b) ** 2 for a, b in zip(u, v)) / len(u)


def argmax(v):
    best = 0
    for i in range(1, len(v)):
        if v[i] > v[best]:
            best = i
    return best


def one_hot(label, n=10):
    y = [0.0] * n
    y[label] = 1.0
    return y


def feedforward(weights, biases, x):
    return [sigmoid(z) for z in add(matvec(weights, x), biases)]


def predict(weights, biases, x):
    return argmax(feedforward(weights, biases, x))


def evaluate(weights, biases, data):
    cost = 0.0
    correct = 0
    for x, label in data:
        a = feedforward(weights, biases, x)
        cost += 0.5 * sum((aj - yj) ** 2 for aj, yj in zip(a, one_hot(label, len(a))))
        correct += argmax(a) == label
    return cost / len(data), correct / len(data)


def update(weights, biases, mini_batch, eta):
    sum_b = [0.0] * len(biases)
    sum_w = [[0.0] * len(row) for row in weights]
    for x, label in mini_batch:
        a = feedforward(weights, biases, x)
        y = one_hot(label, len(a))
        delta = [(aj - yj) * aj * (1 - aj) for aj, yj in zip(a, y)]
        sum_b = add(sum_b, delta)
        sum_w = [add(s, g) for s, g in zip(sum_w, outer(delta, x))]
    step = eta / len(mini_batch)
    new_weights = [sub(w, scale(step, g)) for w, g in zip(weights, sum_w)]
    return new_weights, sub(biases, scale(step, sum_b))


def backprop(weights, biases, x, y):
    activations = [x]
    zs = []
    for w, b in zip(weights, biases):
        z = add(matvec(w, activations[-1]), b)
        zs.append(z)
        activations.append([sigmoid(v) for v in z])
    deltas = [None] * len(weights)
    a = activations[-1]
    deltas[-1] = [(aj - yj) * aj * (1 - aj) for aj, yj in zip(a, y)]   # BP1
    for i in range(len(weights) - 2, -1, -1):                           # BP2
        back = matvec(transpose(weights[i + 1]), deltas[i + 1])
        deltas[i] = [e * aj * (1 - aj) for e, aj in zip(back, activations[i + 1])]
    nabla_b = [list(d) for d in deltas]                                 # BP3
    nabla_w = [outer(d, a_prev) for d, a_prev in zip(deltas, activations)]  # BP4
    return nabla_b, nabla_w


def create_batches(data, mini_batch_size, rng):
    shuffled = list(data)
    rng.shuffle(shuffled)
    return [shuffled[k:k + mini_batch_size] for k in range(0, len(shuffled), mini_batch_size)]


def update_mini_batch(weights, biases, mini_batch, eta):
    sum_b = [[0.0] * len(b) for b in biases]
    sum_w = [[[0.0] * len(row) for row in w] for w in weights]
    for x, label in mini_batch:
        nabla_b, nabla_w = backprop(weights, biases, x, one_hot(label, len(biases[-1])))
        sum_b = [add(s, g) for s, g in zip(sum_b, nabla_b)]
        sum_w = [[add(s, g) for s, g in zip(sw, gw)] for sw, gw in zip(sum_w, nabla_w)]
    step = eta / len(mini_batch)
    new_weights = [[sub(row, scale(step, g)) for row, g in zip(w, sw)]
                   for w, sw in zip(weights, sum_w)]
    new_biases = [sub(b, scale(step, sb)) for b, sb in zip(biases, sum_b)]
    return new_weights, new_biases


def learn(training_data, sizes, epochs, mini_batch_size, eta, seed):
    rng = random.Random(seed)
    biases = [[rng.gauss(0, 1) for _ in range(n)] for n in sizes[1:]]
    weights = [[[rng.gauss(0, 1 / math.sqrt(n_in)) for _ in range(n_in)] for _ in range(n_out)]
               for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    for _ in range(epochs):
        for batch in create_batches(training_data, mini_batch_size, rng):
            weights, biases = update_mini_batch(weights, biases, batch, eta)
    return weights, biases


def cross_entropy_cost(a, y):
    total = 0.0
    for aj, yj in zip(a, y):
        if yj != 0:
            total -= yj * math.log(aj)
        if yj != 1:
            total -= (1 - yj) * math.log(1 - aj)
    return total


def cross_entropy_delta(z, a, y):
    return [aj - yj for aj, yj in zip(a, y)]


def softmax(z):
    biggest = max(z)
    exps = [math.exp(v - biggest) for v in z]
    total = sum(exps)
    return [e / total for e in exps]


def gradient_sums(weights, biases, mini_batch):
    """The sums over the mini-batch of backprop's nabla_b and nabla_w."""
    sum_b = [[0.0] * len(b) for b in biases]
    sum_w = [[[0.0] * len(row) for row in w] for w in weights]
    for x, label in mini_batch:
        nabla_b, nabla_w = backprop(weights, biases, x, one_hot(label, len(biases[-1])))
        sum_b = [add(s, g) for s, g in zip(sum_b, nabla_b)]
        sum_w = [[add(s, g) for s, g in zip(sw, gw)] for sw, gw in zip(sum_w, nabla_w)]
    return sum_b, sum_w


def update_mini_batch_l2(weights, biases, mini_batch, eta, lmbda, n):
    sum_b, sum_w = gradient_sums(weights, biases, mini_batch)
    step = eta / len(mini_batch)
    decay = 1 - eta * lmbda / n
    new_weights = [[sub(scale(decay, row), scale(step, g)) for row, g in zip(w, sw)]
                   for w, sw in zip(weights, sum_w)]
    new_biases = [sub(b, scale(step, sb)) for b, sb in zip(biases, sum_b)]
    return new_weights, new_biases


def crop_to_ink(grid, threshold=0.0):
    rows = [r for r, row in enumerate(grid) if any(v > threshold for v in row)]
    cols = [c for c in range(len(grid[0])) if any(row[c] > threshold for row in grid)]
    if not rows:
        raise ValueError("no ink above the threshold %r" % threshold)
    return [row[cols[0]:cols[-1] + 1] for row in grid[rows[0]:rows[-1] + 1]]


def centre_of_mass(grid):
    mass = row_sum = col_sum = 0.0
    for r, line in enumerate(grid):
        for c, v in enumerate(line):
            mass += v
            row_sum += r * v
            col_sum += c * v
    if mass == 0:
        raise ValueError("no ink")
    return row_sum / mass, col_sum / mass
