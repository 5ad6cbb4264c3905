"""Checking inputs before long work starts: sizes, pixels, labels and numbers.

A bad pixel or label, or a network too large for the memory, is reported at
once, naming what is wrong ("training example 17: pixel 300 is nan"), not
after an hour of training or when the machine runs out of memory.
network.py and training.py call these; they re-export the ones that were
theirs (``network.check_input``, ``network.check_size``,
``training.check_examples``).
"""

import math
import os

from .sums import nonzero_indices

__all__ = ["check_input", "check_size", "physical_memory", "check_examples",
           "check_whole_number", "check_eta", "check_number", "BYTES_PER_PARAMETER",
           "COPIES_WHILE_TRAINING", "MEMORY_CAP"]


def check_input(x, n_in, what="the input"):
    """Raise ValueError unless x is a list of ``n_in`` finite numbers.

    The message names ``what`` (e.g. "training example 17") and the first bad
    pixel: "training example 17: pixel 300 is nan". One sum over x finds out
    whether anything is wrong (a NaN or an infinity makes the sum NaN or
    infinite); only then are the pixels looked at one by one.
    """
    try:
        n = len(x)
    except TypeError:
        raise ValueError("%s is a %s, not a list of %d numbers"
                         % (what, type(x).__name__, n_in)) from None
    if n != n_in:
        raise ValueError("%s has %d values, but this network takes %d inputs" % (what, n, n_in))
    try:
        fine = math.isfinite(sum(x))
    except (TypeError, OverflowError):  # a pixel that is not a number, or an enormous int
        fine = False
    if fine:
        return
    for k, value in enumerate(x):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("%s: pixel %d is %.40r, not a number" % (what, k, value))
        try:
            finite = math.isfinite(value)
        except OverflowError:
            raise ValueError("%s: pixel %d is an integer too large for a float" % (what, k)) from None
        if not finite:
            raise ValueError("%s: pixel %d is %r" % (what, k, value))
    # Finite pixels whose sum overflowed (each near 1e308): allowed, if unwise.


# Memory per weight or bias: a Python float object (24 bytes on CPython) and the
# list's 8-byte pointer to it. Training holds about three sets at its peak:
# the weights, the new weights a step builds, and the best network so far that
# the command line keeps (or a GIF's snapshots). Momentum adds one more set,
# the velocities.
BYTES_PER_PARAMETER = 24 + 8
COPIES_WHILE_TRAINING = 3
# Where the size of the physical memory is unknown (no os.sysconf, e.g. on
# Windows), networks needing more than this are refused.
MEMORY_CAP = 16 * 2 ** 30


def physical_memory():
    """Bytes of physical memory of this machine, or None if the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def check_size(sizes, available_bytes=None, copies=COPIES_WHILE_TRAINING):
    """Check layer sizes, and that a network of them fits in memory, before it is made.

    Args:
        sizes: layer sizes, at least two, each a positive int.
        available_bytes: memory to fit in; by default the machine's physical
            memory (or MEMORY_CAP where the system does not say).
        copies: how many sets of weights and biases training holds at once.

    Returns:
        The estimated bytes needed to train the network.

    Raises:
        ValueError: bad sizes, or "a [784, 100000000, 10] network has
            79,500,000,010 weights and biases and would need about 7632.0 GB
            of memory to train; this machine has 15.6 GB".
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError("a network needs at least two layer sizes (inputs and outputs), got %.80r"
                         % (sizes,))
    for n in sizes:
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError("layer sizes must be positive integers, got %.80r" % (sizes,))
    parameters = sum(n_out * (n_in + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    needed = parameters * BYTES_PER_PARAMETER * copies
    where = "only"
    if available_bytes is None:
        available_bytes, where = physical_memory() or MEMORY_CAP, "this machine has"
    if needed > available_bytes:
        raise ValueError(
            "a %.80r network has %s weights and biases and would need about %.1f GB of memory "
            "to train; %s %.1f GB" % (sizes, "{:,}".format(parameters), needed / 1e9,
                                      where, available_bytes / 1e9))
    return needed


def check_examples(data, n_in, n_out, what="example"):
    """Check every example once, and find the nonzero pixels of each image.

    Args:
        data: list of (x, label): x a list of n_in numbers, label an int.
        n_in, n_out: the network's numbers of inputs and outputs.
        what: how the messages name an example ("training example").

    Returns:
        list of (x, label, nonzero), nonzero being the indices of x's nonzero
        pixels: the only ones the first layer visits (see sums.py). sgd
        finds them here once, not once per epoch.

    Raises:
        ValueError: naming the first bad example by its index in ``data`` and
            the problem, e.g. "training example 17: pixel 300 is nan" or
            "training example 3: label 10 is not in 0..9".
    """
    positions = list(range(n_in))  # shared by all the lists of nonzero pixels (see nonzero_indices)
    checked = []
    for i, example in enumerate(data):
        try:
            x, label = example
        except (TypeError, ValueError):
            raise ValueError("%s %d is not a pair (x, label)" % (what, i)) from None
        if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < n_out:
            raise ValueError("%s %d: label %.40r is not in 0..%d" % (what, i, label, n_out - 1))
        check_input(x, n_in, "%s %d" % (what, i))
        checked.append((x, label, nonzero_indices(x, positions)))
    return checked


def check_whole_number(value, name, smallest):
    """Raise ValueError unless value is an int (not a bool) of at least ``smallest``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("%s must be a whole number, got %.40r" % (name, value))
    if value < smallest:
        raise ValueError("%s must be at least %d, got %d" % (name, smallest, value))


def check_number(value, name, low, high=math.inf, high_included=False, low_included=True):
    """Raise ValueError unless value is a finite number (not a bool) in the range given.

    E.g. check_number(momentum, "momentum", 0, 1) accepts 0 <= momentum < 1.
    """
    try:
        fine = (isinstance(value, (int, float)) and not isinstance(value, bool)
                and math.isfinite(value)
                and (low <= value if low_included else low < value)
                and (value <= high if high_included else value < high))
    except OverflowError:  # an int too large for a float
        fine = False
    if not fine:
        where = "%s%s, %s%s" % ("[" if low_included else "(", low, high,
                                 "]" if high_included else ")")
        if high == math.inf:
            where = "%s %s" % (">=" if low_included else ">", low)
            raise ValueError("%s must be a number %s, got %.40r" % (name, where, value))
        raise ValueError("%s must be a number in %s, got %.40r" % (name, where, value))


def check_eta(eta):
    """Raise ValueError unless eta is a positive finite number (not a bool)."""
    try:
        fine = (isinstance(eta, (int, float)) and not isinstance(eta, bool)
                and math.isfinite(eta) and eta > 0)
    except OverflowError:  # an int too large for a float
        fine = False
    if not fine:
        raise ValueError("eta must be a positive number, got %.40r" % (eta,))
