"""Build steps that setup.cfg cannot say: ship the MNIST data inside the package.

The data lives once, in the project's top-level ``data/`` folder (the four
MNIST files and the pretrained networks in ``data/networks/``). A wheel, or a
plain ``pip install .``, copies that folder into the built package as
``mnist_scratch/data/``, where ``mnist_scratch.datasets`` looks for it first.
An editable install (``pip install -e .``) copies nothing: the package then
finds the ``data/`` folder next to it in the source tree.

Everything else (name, version, extras) is in setup.cfg.
"""

import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")


def data_files():
    """The files of data/ to ship, as paths relative to data/ (sorted)."""
    found = []
    for folder, _, names in os.walk(DATA):
        for name in names:
            if name.endswith((".gz", ".json", ".md")):
                found.append(os.path.relpath(os.path.join(folder, name), DATA))
    return sorted(found)


class build_py_with_data(build_py):
    """build_py, then copy data/ into the built package as mnist_scratch/data/."""

    def data_targets(self):
        """(source, target) for every data file, or none for an editable install."""
        if getattr(self, "editable_mode", False):
            return []  # the editable package reads data/ in place
        return [(os.path.join(DATA, name),
                 os.path.join(self.build_lib, "mnist_scratch", "data", name))
                for name in data_files()]

    def run(self):
        super().run()
        for source, target in self.data_targets():
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(source, target)

    def get_outputs(self, *args, **kwargs):
        return super().get_outputs(*args, **kwargs) + [t for _, t in self.data_targets()]


setup(cmdclass={"build_py": build_py_with_data})
