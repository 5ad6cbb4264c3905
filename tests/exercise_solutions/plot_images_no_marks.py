"""Typical mistake (step 6): plot_images titles every tile with its label but never marks a
wrong guess: the guesses are ignored."""

from correct import *  # noqa: F401,F403  everything else is right
from correct import _grid, weights_to_image


def plot_images(images, labels, path, guesses=None):
    import matplotlib.pyplot as plt

    rows, columns = _grid(len(images))
    fig, axes = plt.subplots(rows, columns, figsize=(1.3 * columns, 1.6 * rows), squeeze=False)
    for ax in axes.flat[len(images):]:
        ax.axis("off")
    for i, ax in enumerate(axes.flat[:len(images)]):
        ax.imshow(weights_to_image(images[i]), cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title("label %d" % labels[i])
    fig.savefig(path, dpi=150)
    return fig
