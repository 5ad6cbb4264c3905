"""mnist_scratch: a neural network for handwritten digits, from scratch in pure Python.

The core (linalg, idx, datasets, network, training, gradcheck) uses only the
standard library. The visualizers import matplotlib and imageio themselves.
``python -m mnist_scratch`` lists the command-line tools.
"""

__version__ = "0.1.0"
