"""The backprop walkthrough as slides: one PNG per step, the step highlighted.

``python -m mnist_scratch.backprop --slides DIR`` writes them, for a teacher
to step through on a projector: the forward pass, then BP1, BP2, BP3 and BP4
(STAGES), each drawn by ``visualize_backprop.draw_backprop`` with that
step's layer highlighted and the numbers later steps compute shown as "?".
"""

import os

from .visualize import check_figure_path, save_figure
from .visualize_backprop import DEFAULT_DPI, SLIDE_NAMES, STAGES, draw_backprop, figure_pixels

__all__ = ["check_backprop_slides", "save_backprop_slides"]


def check_backprop_slides(data, folder=None, width=None, dpi=DEFAULT_DPI):
    """Check, before anything is drawn, the slides' size and, given an existing ``folder``,
    that each slide can be written there. Returns the size as text: "2711 x 1927 pixels".

    Raises:
        ValueError: more than MAX_PIXELS on a side; and as ``check_figure_path``.
    """
    size = "%d x %d pixels" % figure_pixels(data, width, dpi, slides=True)
    if folder is not None:
        for name in SLIDE_NAMES:
            check_figure_path(os.path.join(folder, name))
    return size


def save_backprop_slides(data, folder, width=None, dpi=DEFAULT_DPI):
    """Draw one PNG per step (STAGES) into the existing ``folder``; the paths, in order.

    Args:
        data: the dict returned by ``backprop.walkthrough``.
        folder: where to write them (``cli.output_folder`` makes it).
        width: inches, or None for the natural width (large text).
        dpi: pixels per inch.
    """
    check_backprop_slides(data, folder, width, dpi)
    paths = []
    for stage, name in zip(STAGES, SLIDE_NAMES):
        path = os.path.join(folder, name)
        save_figure(draw_backprop(data, width, highlight=stage), path, dpi=dpi)
        paths.append(path)
    return paths
