"""Notebook 06: watching it learn. The student trains a network with their own functions of
notebooks 03 and 05, keeps its history, and writes the pictures of it: the digits with
the network's wrong guesses marked, weight images, learning curves and (optionally) a GIF."""

from course_common import (CHECK, CHOOSE, LIBRARY_EVALUATE, PASTE_HERE, PLOTS, SETUP,
                           check_cell, stub)

NOTEBOOKS = {}

NOTEBOOKS["06_watching_it_learn"] = [
    ("md", """# Step 6: watching it learn

Numbers say how well a network does; pictures show what it learned and how. In this notebook
you train a network with your own functions, keep its history, and draw it: the digits with
its wrong guesses marked, its weights as images, its learning curves, and the confusion
matrix, which says which digits it mixes up. Each of your picture functions saves its figure
in the folder `pictures/`, in the folder this notebook runs in (in Jupyter, next to it).

Pytest marker: `pytest -m step6`. From the shell: `python -m mnist_scratch.plots --help` draws
every figure of a trained network, `python -m mnist_scratch.gif --help` GIFs of one learning."""),
    ("code", SETUP + CHECK + "\n" + PLOTS + """
import random
import matplotlib.pyplot as plt
from IPython.display import Image
from mnist_scratch import training
from mnist_scratch.datasets import load_mnist
from mnist_scratch.network import Network
N_TRAIN, N_VALID, EPOCHS = (1000, 300, 3) if QUICK else (10000, 2000, 5)
train = load_mnist("train", limit=N_TRAIN)
validation = load_mnist("validation", limit=N_VALID)
PICTURES = "pictures"   # a relative path: in the folder the notebook runs in
os.makedirs(PICTURES, exist_ok=True)

def show(fig):
    \"\"\"Show a figure once: display it, then close pyplot's figures so none shows again.\"\"\"
    display(fig)
    plt.close("all")""" + CHOOSE),
    ("md", """## Your functions from notebooks 03 and 05

The network below is trained by your `create_batches` and `update_mini_batch` and measured
by your `evaluate`. Paste them into the cell below, under the line that says so, together
with the functions they call (`backprop`, `feedforward`, `argmax`, ...). The cell runs each
one's check again, as in its own notebook; until yours is pasted and passes, the library's
version stands in for it."""),
    ("code", """# Your evaluate (notebook 03), create_batches and update_mini_batch (notebook 05): paste
# them under the line below with the functions they call (backprop, feedforward, one_hot,
# ...; the library's one_hot: from mnist_scratch.linalg import one_hot), or import them
# from a file of your own:
#     from my_steps import evaluate, create_batches, update_mini_batch
# Until then the library's versions stand in: the same arguments, the same results.
""" + LIBRARY_EVALUATE + """

def library_create_batches(data, mini_batch_size, rng):
    return training.mini_batches(data, mini_batch_size, rng)

def library_update_mini_batch(weights, biases, mini_batch, eta):
    network = Network.from_parameters(weights, biases)
    training.update_mini_batch(network, mini_batch, eta)
    return network.weights, network.biases

evaluate, create_batches, update_mini_batch = (library_evaluate, library_create_batches,
                                               library_update_mini_batch)
""" + PASTE_HERE + """


def checked(name, yours, library):
    \"\"\"Yours if you pasted it and it passes its check; otherwise the library's version.\"\"\"
    if yours is library or not check.check_function(name, yours):
        standing_in.append(name)
        return library
    return yours

standing_in = []
evaluate = checked("evaluate", evaluate, library_evaluate)
create_batches = checked("create_batches", create_batches, library_create_batches)
update_mini_batch = checked("update_mini_batch", update_mini_batch, library_update_mini_batch)
if standing_in:
    print("The library stands in for your %s: paste yours above; each is used once it "
          "passes its check." % ", ".join(standing_in))"""),
    ("md", """## Training, with a history

A network with no hidden layer, `[784, 10]`, every weight and bias starting at zero, so that
whatever its weights become, it learned: each output neuron's 784 weights will turn into a
picture. After every epoch your `evaluate` measures it on the validation images; those
numbers, one cost and one accuracy per epoch, are its *history*. Now and then a copy of its
weights is kept as well, for the GIF at the end."""),
    ("code", """weights = [[[0.0] * 784 for _ in range(10)]]   # one matrix: 10 neurons of 784 weights
biases = [[0.0] * 10]
rng = random.Random(1)
costs, accuracies = [], []                     # the history: one of each per epoch
snapshots = [weights[0]]                       # the weights now and then, for the GIF
seen = 0                                       # mini-batches trained on so far
for epoch in range(1, EPOCHS + 1):
    for batch in create_batches(train, 10, rng):
        weights, biases = update_mini_batch(weights, biases, batch, 1.0)
        seen += 1
        if seen in (1, 2, 5, 10, 20, 50):      # early on the weights change fastest
            snapshots.append([list(row) for row in weights[0]])
    snapshots.append([list(row) for row in weights[0]])
    cost, accuracy = evaluate(weights[0], biases[0], validation)
    costs.append(cost)
    accuracies.append(accuracy)
    print("epoch %d: cost %.4f, accuracy %.1f%% on %d validation images"
          % (epoch, cost, 100 * accuracy, len(validation)))
network = Network.from_parameters(weights, biases)   # the library's view of it, for its guesses"""),
    ("md", """## Your turn: the digits and the network's guesses

Write `plot_images(images, labels, path, guesses=None)`: one tile per image, at most 10 tiles
a row, each titled with its label. With `guesses`, a tile whose guess is not its label is
marked in red: its title says both (`4 -> 9`), in red, and/or it gets a red frame. Save the
figure as a PNG at `path` and return it.

With matplotlib, one digit on a figure of its own looks like this:"""),
    ("code", """x, label = validation[0]
fig, ax = plt.subplots(figsize=(1.6, 1.8))   # one tile; the size in inches
ax.imshow(visualize.to_image(x), cmap="gray_r", vmin=0, vmax=1)   # 28 rows of 28 pixels
ax.set_title("label %d" % label, color="black")
ax.set_xticks([])
ax.set_yticks([])
show(fig)"""),
    ("md", """`fig, axes = plt.subplots(rows, columns, figsize=(width, height), squeeze=False)` makes a
grid of tiles (`axes[r][c]`; `ax.axis("off")` hides an unused one), `ax.spines.values()` are a
tile's four edges (`spine.set_color("red")`, `spine.set_linewidth(3)`), and
`fig.savefig(path)` saves the figure."""),
    ("code", stub("plot_images(images, labels, path, guesses=None)")),
    ("code", check_cell("plot_images")),
    ("md", """Thirty validation images with your network's guesses:"""),
    ("code", """def library_plot_images(images, labels, path, guesses=None):
    return visualize.plot_images(images, labels, predictions=guesses, path=path)

shown = validation[:30]
guesses = [network.predict(x) for x, _ in shown]
print(sum(g != label for g, (_, label) in zip(guesses, shown)), "of these", len(shown), "are wrong")
images, labels = [x for x, _ in shown], [label for _, label in shown]
path = os.path.join(PICTURES, "guesses.png")
show(yours_or_library(plot_images, library_plot_images)(images, labels, path, guesses))"""),
    ("md", """## Your turn: the weights as pictures

Output neuron `j` computes `sigmoid(w_j . x + b_j)`: each of its 784 weights multiplies one
pixel. Put each weight where its pixel is and the weights become a picture of what the neuron
looks for.

`weights_to_image(row)`: the 784 weights of one neuron as 28 rows of 28 numbers, row `k` of
the image being `row[28k:28k+28]`. Plain Python, no matplotlib."""),
    ("code", stub("weights_to_image(row)")),
    ("code", check_cell("weights_to_image")),
    ("md", """`plot_weights(weights, path)`: one tile per neuron of the first layer (the rows of
`weights[0]`), each drawn with your `weights_to_image` and titled with its number. Use a
diverging colour map centred at 0, such as `cmap="RdBu_r"` (red above 0, blue below, white
at 0), with the SAME scale on every tile: `vmin=-limit, vmax=limit`, where `limit` is the
largest absolute weight of them all, so that colours can be compared between tiles. A colour
bar shows the scale (`fig.colorbar(image, ax=axes)`, `image` being what `imshow` returned,
`axes` the list of tiles). Save it as a PNG at `path` and return it."""),
    ("code", stub("plot_weights(weights, path)")),
    ("code", check_cell("plot_weights")),
    ("code", """def library_plot_weights(weights, path):
    return visualize.plot_weight_images(weights[0], path=path)

path = os.path.join(PICTURES, "weights.png")
show(yours_or_library(plot_weights, library_plot_weights)(weights, path))"""),
    ("md", """Red weights make a neuron's output larger where the pixel is inked, blue ones smaller.
Look at the tile of the 0: where is it red, where blue, and how does that help it say "0" to a
0 and not to a 1?

## Your turn: learning curves

`plot_history(costs, accuracies, path)`: two panels side by side, the cost after each epoch
and the accuracy after each epoch (lists of equal length, one number per epoch), the epochs
counted from 1 along the bottom, each axis labelled. Save it as a PNG at `path` and return
it. (`fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))` gives the two panels;
`ax.plot(xs, ys, "o-")` draws a curve with its points.)"""),
    ("code", stub("plot_history(costs, accuracies, path)")),
    ("code", check_cell("plot_history")),
    ("md", """Your network's own history, measured by your `evaluate` after each epoch of your
`update_mini_batch`:"""),
    ("code", """if passed.get("plot_history"):
    show(plot_history(costs, accuracies, os.path.join(PICTURES, "history.png")))
else:
    print("Your plot_history has not passed its check yet; until it does, the history as numbers:")
    for epoch, (cost, accuracy) in enumerate(zip(costs, accuracies), 1):
        print("  epoch %d: cost %.4f, accuracy %.1f%%" % (epoch, cost, 100 * accuracy))"""),
    ("md", """How much does each epoch add? The first one does most of the work: it starts from
nothing. (The library draws the same curves per mini-batch as well:
`visualize.plot_learning_curves(history)` for the `History` that `training.sgd` returns.)

## The confusion matrix

Row `i`, column `j`: how many validation images of the digit `i` the network read as `j`.
The diagonal holds the right answers; everything off it is a mistake."""),
    ("code", """result = training.evaluate(network, validation)
matrix = visualize.confusion_matrix([label for _, label in validation], result.predictions)
show(visualize.plot_confusion_matrix(matrix, top=0))"""),
    ("md", """## Your turn

From the confusion matrix, which true digit is most often taken for which other digit?
Set `pair = (true_digit, predicted_digit)`. The check compares with the matrix."""),
    ("code", """pair = None  # your answer, e.g. (4, 9)"""),
    ("code", """mistakes = [(i, j) for i in range(10) for j in range(10) if i != j]   # off the diagonal
worst = max(mistakes, key=lambda p: matrix[p[0]][p[1]])
if pair is None:
    print("TODO: set pair above, then run this cell again")
elif pair not in mistakes:
    print("FAIL: pair must be two different digits 0-9, (true_digit, predicted_digit), e.g. (4, 9)")
elif matrix[pair[0]][pair[1]] == matrix[worst[0]][worst[1]]:
    print("PASS: %d was taken for %d %d times" % (pair[0], pair[1], matrix[pair[0]][pair[1]]))
else:
    print("FAIL: %d taken for %d happened %d times; look for the largest number off the diagonal"
          % (pair[0], pair[1], matrix[pair[0]][pair[1]]))"""),
    ("md", """## Optional: a GIF of it learning

`make_gif(frames, path, seconds_per_frame=0.5)`: `frames` is a list of first-layer weight
matrices (the `snapshots` kept while training); write an animated GIF at `path`, one frame per
snapshot, each drawn as `plot_weights` draws its weights, all on ONE colour scale (otherwise
the colours flicker from frame to frame), and return `path`. One way: for each frame save a
figure into `buffer = io.BytesIO()` with `fig.savefig(buffer, format="png")`, close it
(`plt.close(fig)`), open the picture with `PIL.Image.open(buffer)`, and write them all with
`pictures[0].save(path, save_all=True, append_images=pictures[1:], duration=500, loop=0)`
(milliseconds per frame). Optional: a TODO here costs nothing."""),
    ("code", stub("make_gif(frames, path, seconds_per_frame=0.5)")),
    ("code", check_cell("make_gif")),
    ("code", """def library_make_gif(frames, path, seconds_per_frame=0.5):
    captions = ["snapshot %d of %d" % (k + 1, len(frames)) for k in range(len(frames))]
    pictures = visualize.render_weight_frames(frames, captions, [str(j) for j in range(len(frames[0]))],
                                              visualize.symmetric_limit(frames), dpi=80)
    visualize.write_gif(path, list(pictures), duration=seconds_per_frame)
    return path

gif = yours_or_library(make_gif, library_make_gif)(snapshots, os.path.join(PICTURES, "learning.gif"))
plt.close("all")   # the figures your make_gif drew its frames on, if it left them open
display(Image(filename=gif))"""),
]
