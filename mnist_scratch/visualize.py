"""Every picture function in one place: ``from mnist_scratch import visualize``.

A convenience for notebooks and scripts; nothing is defined here. The work is
done in three modules, one idea each:

    analysis.py   the numbers behind the pictures (standard library only):
                  confusion_matrix, most_confused_pairs, describe_pair,
                  confidently_wrong, looks_for, weight_product, moving_average,
                  symmetric_limit
    visualize_figures.py  matplotlib figures: plot_images, plot_confidently_wrong,
                  plot_weight_images, plot_learning_curves,
                  plot_confusion_matrix, save_figure
    gifwriter.py  animated GIFs: render_weight_frames, write_gif,
                  write_weight_gifs

Importing this module imports matplotlib and Pillow (the ``viz`` extra); to
compute without drawing, import ``mnist_scratch.analysis`` instead.
"""

from .analysis import (confidently_wrong, confusion_matrix, describe_pair, looks_for,
                       most_confused_pairs, moving_average, output_weighted_inputs,
                       symmetric_limit,
                       weight_product)
from .visualize_figures import (DEFAULT_DPI, DIGIT_CMAP, FIGURE_FORMATS, WEIGHT_CMAP, check_figure_path,
                      new_figure, plot_confidently_wrong, plot_confusion_matrix, plot_images,
                      plot_learning_curves, plot_weight_images, save_figure, to_image)
from .gifwriter import (CAPTION_SEPARATOR, DEFAULT_GIF_DPI, MAX_GIF_LOOP, MAX_GIF_SECONDS,
                        gif_palette, nearest_colors, render_weight_frames, write_gif,
                        write_weight_gifs)

__all__ = [
    "confidently_wrong", "confusion_matrix", "describe_pair", "looks_for", "most_confused_pairs",
    "moving_average", "output_weighted_inputs", "symmetric_limit", "weight_product",
    "DEFAULT_DPI", "DIGIT_CMAP", "FIGURE_FORMATS", "WEIGHT_CMAP", "check_figure_path",
    "new_figure", "plot_confidently_wrong", "plot_confusion_matrix", "plot_images",
    "plot_learning_curves", "plot_weight_images", "save_figure", "to_image",
    "CAPTION_SEPARATOR", "DEFAULT_GIF_DPI", "MAX_GIF_LOOP", "MAX_GIF_SECONDS", "gif_palette",
    "nearest_colors", "render_weight_frames", "write_gif", "write_weight_gifs",
]
