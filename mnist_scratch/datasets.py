"""Load the MNIST splits as lists of ``(x, label)`` examples.

Every example everywhere in this project has one format, ``(x, label)``:
``x`` is a list of 784 floats in [0, 1] (the 28 x 28 pixels row by row, 0.0 =
white paper, 1.0 = black ink) and ``label`` is an int 0-9. The one-hot target
vector ``y`` is made only where a cost needs it (``one_hot(label)``).

Splits (as in Nielsen's book, so its numbers compare):
    "train"       the first 50,000 images of the training file
    "validation"  the last 10,000 images of the training file
    "train-full"  all 60,000 images of the training file
    "test"        the 10,000 images of the test file

Where the data is, the first of:
    1. ``data_dir``, if given (the commands' ``--data-dir``);
    2. the folder named by the environment variable MNIST_DATA_DIR, if set;
    3. the data shipped inside the installed package, ``mnist_scratch/data/``
       (a wheel or ``pip install .`` copies the project's ``data/`` there);
    4. the project's ``data/`` folder next to the package folder (a source
       checkout, or ``pip install -e .``).
Both 3 and 4 are found from this file, so they work from any working
directory. The pretrained networks are in the ``networks/`` folder beside the
shipped MNIST files: ``networks_dir()``, ``shipped_network(name)``.
"""

import os

from .idx import IdxError, read_idx
from .linalg import one_hot

__all__ = [
    "SPLITS", "FILES", "IMAGE_SIZE", "IMAGE_SHAPE", "ENV_VAR", "DataError", "default_data_dir",
    "find_data_dir", "find_file", "networks_dir", "shipped_network", "load_mnist", "load_images",
    "load_labels", "one_hot", "pixel_table",
]

IMAGE_SHAPE = (28, 28)
IMAGE_SIZE = 28 * 28
ENV_VAR = "MNIST_DATA_DIR"

FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
# split -> (file pair, first index, end index) within that file
SPLITS = {
    "train": ("train", 0, 50000),
    "validation": ("train", 50000, 60000),
    "train-full": ("train", 0, 60000),
    "test": ("test", 0, 10000),
}

# More images than any MNIST-like file holds (MNIST: 60,000; EMNIST digits:
# 240,000). A header claiming more is damaged, and is refused before reading.
MAX_IMAGES = 1_000_000

# The 256 grey levels as floats in [0, 1], computed once. Every pixel of every
# image points at one of these 256 float objects, which saves about 1.4 GB of
# memory for the 60,000 training images and makes loading a C-level map.
pixel_table = [level / 255.0 for level in range(256)]


class DataError(Exception):
    """The MNIST data could not be found or is damaged. The message says which file
    and where it looked."""


def default_data_dir():
    """The MNIST data shipped with mnist_scratch: ``data/`` inside the installed
    package if it is there (a wheel, ``pip install .``), else the project's
    ``data/`` folder next to the package (a source checkout, ``pip install -e .``)."""
    package = os.path.dirname(os.path.abspath(__file__))
    inside = os.path.join(package, "data")
    if os.path.isdir(inside):
        return inside
    return os.path.join(os.path.dirname(package), "data")


def networks_dir():
    """The folder of the pretrained networks shipped with mnist_scratch (with their
    training histories), e.g. ``mnist-784-30-10.json``."""
    return os.path.join(default_data_dir(), "networks")


def shipped_network(name):
    """The path of the shipped pretrained network ``name``, e.g.
    ``shipped_network("mnist-784-30-10.json")``. The file is not opened here."""
    return os.path.join(networks_dir(), name)


def _data_source(data_dir):
    """(folder, origin, advice): the data folder (see the module docstring), and for
    error messages where that choice came from and what to do if it is wrong."""
    if data_dir is not None:
        data_dir = os.fspath(data_dir)
        if not data_dir:
            raise DataError("the data folder name is empty; give the folder holding the four "
                            "MNIST files")
        return (data_dir, "",
                "Pass --data-dir (or set %s) to the folder holding the four MNIST files." % ENV_VAR)
    if os.environ.get(ENV_VAR):
        return (os.environ[ENV_VAR], " (the folder named by the environment variable %s)" % ENV_VAR,
                "Set %s to the folder holding the four MNIST files, or unset it to use the "
                "data shipped with mnist_scratch." % ENV_VAR)
    return (default_data_dir(), " (the data shipped with mnist_scratch)",
            "The installation is incomplete: reinstall mnist_scratch, or pass --data-dir (or set "
            "%s) to a folder holding the four MNIST files." % ENV_VAR)


def find_data_dir(data_dir=None):
    """Resolve the data folder: the argument, else $MNIST_DATA_DIR, else the shipped one."""
    return _data_source(data_dir)[0]


def find_file(name, data_dir=None):
    """The path of the MNIST file ``name`` (e.g. "t10k-labels-idx1-ubyte.gz") in the
    data folder (see the module docstring), gzipped or not.

    Raises:
        DataError: the folder or the file is missing, or the file is not a
            regular file; the message says which folder was searched and why.
    """
    folder, origin, advice = _data_source(data_dir)
    shown = os.path.abspath(folder)
    if not os.path.isdir(folder):
        problem = "is a file, not a folder" if os.path.exists(folder) else "not found"
        raise DataError("MNIST data folder %s%s %s. %s" % (shown, origin, problem, advice))
    other = name[:-3] if name.endswith(".gz") else name + ".gz"
    for candidate in (name, other):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            if not os.path.isfile(path):
                raise DataError("%s: not a regular file (a folder, a device or a named pipe?); "
                                "the MNIST files must be ordinary files" % path)
            return path
    raise DataError("MNIST file %s not found in %s%s (looked for %s and %s). %s"
                    % (name, shown, origin, name, other, advice))


def _read(path, ndim):
    # At most MAX_IMAGES labels, or MAX_IMAGES images of IMAGE_SIZE pixels.
    max_elements = MAX_IMAGES if ndim == 1 else MAX_IMAGES * IMAGE_SIZE
    try:
        data = read_idx(path, max_elements=max_elements)
    except IdxError as e:
        raise DataError("damaged MNIST file: %s" % e) from None
    if len(data.shape) != ndim:
        raise DataError("%s: expected a %d-dimensional IDX file, found shape %s"
                        % (path, ndim, data.shape))
    if data.type_code != 0x08:
        raise DataError("%s: expected unsigned bytes, found type code 0x%02X" % (path, data.type_code))
    return data


def load_labels(path):
    """Read an MNIST label file. Returns a list of ints 0-9."""
    data = _read(path, 1)
    labels = list(data.data)
    if labels and max(labels) > 9:
        raise DataError("%s: label %d is not a digit 0-9" % (path, max(labels)))
    return labels


def load_images(path, start=0, end=None):
    """Read an MNIST image file. Returns a list of Vectors of 784 floats in [0, 1]
    for images ``start`` to ``end`` (end excluded)."""
    return _images_to_vectors(_read_images(path), start, end)


def _read_images(path):
    data = _read(path, 3)
    if data.shape[1:] != IMAGE_SHAPE:
        raise DataError("%s: images of shape %s, expected %s" % (path, data.shape[1:], IMAGE_SHAPE))
    return data


def _images_to_vectors(data, start, end):
    end = data.shape[0] if end is None else min(end, data.shape[0])
    raw, table = data.data, pixel_table
    return [list(map(table.__getitem__, raw[i * IMAGE_SIZE:(i + 1) * IMAGE_SIZE]))
            for i in range(start, end)]


def load_mnist(split, data_dir=None, limit=None):
    """Load one MNIST split as a list of ``(x, label)`` examples.

    Args:
        split: "train", "validation", "train-full" or "test".
        data_dir: folder with the four MNIST files (see the module docstring).
        limit: if given, only the first ``limit`` examples of the split.

    Returns:
        list of (x, label): x a list of 784 floats in [0, 1], label an int 0-9.

    Raises:
        ValueError: unknown split or negative limit.
        DataError: a file is missing or damaged, or image and label counts differ.
    """
    if split not in SPLITS:
        raise ValueError("unknown split %r; choose one of %s" % (split, ", ".join(SPLITS)))
    if limit is not None and limit < 0:
        raise ValueError("limit must be at least 0, got %d" % limit)
    which, start, end = SPLITS[split]
    images_name, labels_name = FILES[which]
    images_path = find_file(images_name, data_dir)
    labels_path = find_file(labels_name, data_dir)
    labels = load_labels(labels_path)
    images = _read_images(images_path)
    if images.shape[0] != len(labels):
        raise DataError("%s holds %d images but %s holds %d labels"
                        % (images_path, images.shape[0], labels_path, len(labels)))
    if start >= len(labels):
        raise DataError("%s holds only %d images; the %r split starts at image %d"
                        % (images_path, len(labels), split, start))
    end = min(end, len(labels))
    if limit is not None:
        end = min(end, start + limit)
    return list(zip(_images_to_vectors(images, start, end), labels[start:end]))
