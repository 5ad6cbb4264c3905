"""A worked solution of the exercise track (for testing the checker only).

It deliberately repeats the library's ideas in the plainest possible code, the
way a student would write them, instead of importing mnist_scratch.
"""

import gzip
import io
import json
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


def gradient_sums(weights, biases, mini_batch):
    """The sums over the mini-batch of backprop's nabla_b and nabla_w."""
    sum_b = [[0.0] * len(b) for b in biases]
    sum_w = [[[0.0] * len(row) for row in w] for w in weights]
    for x, label in mini_batch:
        nabla_b, nabla_w = backprop(weights, biases, x, one_hot(label, len(biases[-1])))
        sum_b = [add(s, g) for s, g in zip(sum_b, nabla_b)]
        sum_w = [[add(s, g) for s, g in zip(sw, gw)] for sw, gw in zip(sum_w, nabla_w)]
    return sum_b, sum_w


def update_mini_batch(weights, biases, mini_batch, eta):
    sum_b, sum_w = gradient_sums(weights, biases, mini_batch)
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


# Step 6 draws with matplotlib: it is imported inside the functions, so that the
# other steps work on a Python without it.

def weights_to_image(row):
    return [row[28 * k:28 * k + 28] for k in range(28)]


def _grid(count):
    """(rows, columns) of a grid of count tiles, at most 10 a row."""
    columns = min(10, count)
    return (count + columns - 1) // columns, columns


def plot_images(images, labels, path, guesses=None):
    import matplotlib.pyplot as plt

    rows, columns = _grid(len(images))
    fig, axes = plt.subplots(rows, columns, figsize=(1.3 * columns, 1.6 * rows), squeeze=False,
                             layout="constrained")
    for ax in axes.flat[len(images):]:
        ax.axis("off")   # the empty places of the last row
    for i, ax in enumerate(axes.flat[:len(images)]):
        ax.imshow(weights_to_image(images[i]), cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        if guesses is None:
            ax.set_title("label %d" % labels[i], fontsize=11)
        elif guesses[i] == labels[i]:
            ax.set_title("label %d\nguess %d" % (labels[i], guesses[i]), fontsize=11)
        else:   # a wrong guess: a red title and a thick red frame
            ax.set_title("label %d\nguess %d" % (labels[i], guesses[i]), fontsize=11,
                         color="red")
            for spine in ax.spines.values():
                spine.set_color("red")
                spine.set_linewidth(3)
    fig.savefig(path, dpi=150)
    return fig


def _weight_figure(rows_of_weights, limit, title=None):
    """Each neuron's 784 weights as a 28 x 28 tile, on one colour scale [-limit, limit]."""
    import matplotlib.pyplot as plt

    clipped = max(abs(w) for row in rows_of_weights for w in row) > limit

    rows, columns = _grid(len(rows_of_weights))
    fig, axes = plt.subplots(rows, columns, figsize=(1.3 * columns + 1.2, 1.5 * rows + 0.8),
                             squeeze=False, layout="constrained")
    for ax in axes.flat:
        ax.axis("off")
    for j, row in enumerate(rows_of_weights):
        ax = axes.flat[j]
        shown = ax.imshow(weights_to_image(row), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title("neuron %d" % j, fontsize=10)
    fig.colorbar(shown, ax=axes, shrink=0.9, extend="both" if clipped else "neither",
                 label="weight (blue < 0 < red)")
    if title:
        fig.suptitle(title)
    return fig


def plot_weights(weights, path):
    first = weights[0]
    # The scale's end: 99.5% of the weights are smaller. The few larger ones get the
    # end colour, and the rest are not all washed out to white by one big weight.
    sizes = sorted(abs(w) for row in first for w in row)
    limit = sizes[int(0.995 * (len(sizes) - 1))]
    fig = _weight_figure(first, limit, "The weights into each hidden neuron")
    fig.savefig(path, dpi=150)
    return fig


def plot_history(costs, accuracies, path):
    import matplotlib.pyplot as plt

    epochs = list(range(1, len(costs) + 1))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    left.plot(epochs, costs, "o-", color="tab:blue")
    left.set_title("cost per epoch")
    left.set_ylabel("mean cost")
    right.plot(epochs, [100 * a for a in accuracies], "o-", color="tab:green")
    right.set_title("accuracy per epoch")
    right.set_ylabel("% of the images right")
    for ax in (left, right):
        ax.set_xlabel("epoch")
        if len(epochs) <= 15:
            ax.set_xticks(epochs)   # one tick per epoch
        ax.grid(alpha=0.3)
    fig.savefig(path, dpi=150)
    return fig


def make_gif(frames, path, seconds_per_frame=0.5):
    import matplotlib.pyplot as plt
    from PIL import Image

    # One colour scale for every frame, so that a colour means the same weight throughout.
    limit = max(abs(w) for weights in frames for row in weights for w in row)
    pictures = []
    for k, weights in enumerate(frames):
        fig = _weight_figure(weights, limit, "snapshot %d of %d" % (k + 1, len(frames)))
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        plt.close(fig)
        pictures.append(Image.open(buffer).convert("RGB"))
    pictures[0].save(path, save_all=True, append_images=pictures[1:], loop=0,
                     duration=round(1000 * seconds_per_frame))
    return path


def save_network(weights, biases, path):
    sizes = [len(weights[0][0])] + [len(w) for w in weights]
    data = {"format": "mnist_scratch.network", "version": 2, "sizes": sizes,
            "cost": "quadratic", "activations": ["sigmoid"] * len(weights),
            "weights": weights, "biases": biases}
    with open(path, "w") as f:
        json.dump(data, f)   # json writes every float with all its digits


def load_network(path):
    with open(path) as f:
        data = json.load(f)
    return data["weights"], data["biases"]
