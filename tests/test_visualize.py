"""visualize.py is only a facade: every picture function in one import, for notebooks
and the README. The functions themselves are tested in test_analysis, test_figures
and test_gif."""

import pytest

from conftest import VIZ_MISSING

# Skipped, with this reason, where the viz extras are missing (the PyPy run installs only the core).
for _module in ("matplotlib", "imageio", "PIL", "numpy"):
    pytest.importorskip(_module, reason=VIZ_MISSING)


from mnist_scratch import analysis, gifwriter, visualize
from mnist_scratch import visualize_figures as figures

pytestmark = pytest.mark.step6


def test_every_name_is_the_function_of_its_module():
    modules = (analysis, figures, gifwriter)
    for name in visualize.__all__:
        owners = [m for m in modules if getattr(m, name, None) is getattr(visualize, name)]
        assert owners, name


def test_what_the_readme_and_notebooks_call_is_there():
    for name in ("plot_images", "plot_weight_images", "plot_learning_curves",
                 "plot_confusion_matrix", "confusion_matrix", "most_confused_pairs",
                 "looks_for", "save_figure", "check_figure_path", "write_weight_gifs"):
        assert callable(getattr(visualize, name)), name


def test_the_facade_defines_nothing():
    defined = [name for name, value in vars(visualize).items()
               if callable(value) and getattr(value, "__module__", "") == visualize.__name__]
    assert defined == []
