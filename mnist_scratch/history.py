"""What training recorded (``History``), and its file format.

``training.sgd`` fills a History as it trains: one record per epoch and one
entry per mini-batch, plus the settings of the run. ``learn --history``
saves it, and the learning curves (plots.py) are drawn from it.

The file (plain or gzipped JSON)::

    {"settings": {"epochs": 30, "mini_batch_size": 10, "eta": 0.5, "lmbda": 5.0,
                  "momentum": 0.0, "dropout": 0.0, "patience": 10, "halvings": 7,
                  "augment": null, "cost": "cross-entropy", "activations": [...], ...},
     "epochs": [{"epoch": 1, "eta": 0.5, "examples_seen": 50000, "train_cost": 0.05,
                 "train_accuracy": 0.93, "seconds": 40.1, "evaluation_...": ...}, ...],
     "batch_examples": [10, 20, ...], "batch_cost": [...], "batch_accuracy": [...],
     "stopped": "why training ended before its last epoch (optional)"}

"settings" are the arguments of the run (see ``training.sgd``); histories
saved before chapter 3 have fewer of them and no "eta" per epoch, and load
the same. Loading follows the rules of formats.py (size, nesting, no NaN),
and also refuses what the learning curves cannot draw: an epoch or
mini-batch must have seen at least one example (the curves divide by these
counts); accuracies lie in [0, 1], costs and counts are not negative, a
learning rate is positive, and the three per-mini-batch lists have one
entry each per mini-batch.
"""

import gzip
import json
import os

from .fileio import atomic_write_bytes, atomic_write_text
from .formats import is_finite, is_number, json_problem, read_json, shorten

__all__ = ["History", "history_to_dict", "history_problem", "save_history", "load_history"]


class History:
    """What happened during training, for printing and plotting.

    Attributes:
        epochs: one dict per epoch with keys
            "epoch" (1, 2, ...), "eta" (the learning rate of that epoch),
            "seconds" (training time of that epoch), "examples_seen" (total
            so far), "train_cost" and "train_accuracy" (means over the epoch's
            examples, measured as they were trained), and, if evaluation data
            was given, "evaluation_cost", "evaluation_accuracy",
            "evaluation_correct", "evaluation_total".
        batch_examples, batch_cost, batch_accuracy: one entry per mini-batch:
            examples seen after it, and its mean cost and accuracy.
        settings: the arguments of the run (epochs, mini_batch_size, eta, seed,
            lmbda, momentum, dropout, patience, halvings, augment, ...).
        stopped: None, or why training ended before its last epoch (early
            stopping or the learning-rate schedule), as a sentence.
    """

    def __init__(self, settings=None):
        self.settings = dict(settings or {})
        self.epochs = []
        self.batch_examples = []
        self.batch_cost = []
        self.batch_accuracy = []
        self.stopped = None

    def to_dict(self):
        """The history as a dict in the JSON format above."""
        return history_to_dict(self)

    @classmethod
    def from_dict(cls, data):
        """A History from a dict in that format (not checked: see ``load``)."""
        history = cls(data.get("settings"))
        history.epochs = list(data.get("epochs", []))
        history.batch_examples = list(data.get("batch_examples", []))
        history.batch_cost = list(data.get("batch_cost", []))
        history.batch_accuracy = list(data.get("batch_accuracy", []))
        history.stopped = data.get("stopped")
        return history

    def save(self, path):
        """Save as JSON, atomically; gzipped if the name ends in ".gz".

        Raises:
            ValueError: the history holds a NaN or other value that would not load.
            OSError: the file cannot be written (the message names it).
        """
        save_history(self, path)

    @classmethod
    def load(cls, path):
        """Load a history saved by ``save`` (plain or gzipped JSON), checking everything.

        Raises:
            FileNotFoundError: no such file (the message names it).
            ValueError: not a history file (the message names it and the problem).
        """
        return load_history(path, cls)

    def best_epoch(self):
        """The epoch record with the highest evaluation accuracy (the first, on ties), or None."""
        scored = [e for e in self.epochs if "evaluation_accuracy" in e]
        if not scored:
            return None
        return max(scored, key=lambda e: e["evaluation_accuracy"])


BATCH_KEYS = ("batch_examples", "batch_cost", "batch_accuracy")


def history_to_dict(history):
    """A History as a dict in the format above.

    If training was interrupted between the appends of one mini-batch's
    three entries, the lists differ in length by one: only complete
    mini-batch records are kept.
    """
    n = min(len(getattr(history, key)) for key in BATCH_KEYS)
    data = {"settings": history.settings, "epochs": history.epochs}
    data.update((key, getattr(history, key)[:n]) for key in BATCH_KEYS)
    if getattr(history, "stopped", None) is not None:
        data["stopped"] = history.stopped
    return data


# Epoch record keys: (key, required, kind); kinds: "count" > 0, "total" >= 0,
# "fraction" in [0, 1], "cost" >= 0, "rate" > 0.
_EPOCH_KEYS = (("epoch", True, "count"), ("examples_seen", True, "count"),
               ("train_cost", True, "cost"), ("train_accuracy", True, "fraction"),
               ("eta", False, "rate"),
               ("seconds", False, "total"), ("evaluation_cost", False, "cost"),
               ("evaluation_accuracy", False, "fraction"), ("evaluation_correct", False, "total"),
               ("evaluation_total", False, "count"))
_BATCH_KINDS = {"batch_examples": "count", "batch_cost": "cost", "batch_accuracy": "fraction"}
_KIND_TEST = {"count": lambda v: v > 0, "total": lambda v: v >= 0, "cost": lambda v: v >= 0,
              "fraction": lambda v: 0 <= v <= 1, "rate": lambda v: v > 0}
_KIND_WORDS = {"count": "a positive number", "total": "a number >= 0", "cost": "a number >= 0",
               "fraction": "a fraction between 0 and 1", "rate": "a positive number"}


def history_problem(data):
    """What is wrong with a history dict, in a few words; None if nothing.

    The learning curves divide by "training_examples" (or the examples seen)
    and put costs on a log scale, so these must be positive and finite.
    """
    if not isinstance(data, dict):
        return "the JSON is a %s, not an object" % type(data).__name__
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        return '"settings" is not an object'
    problem = json_problem(settings, "settings", 2)
    if problem:
        return problem
    if "training_examples" in settings and not (is_finite(settings["training_examples"])
                                                and settings["training_examples"] > 0):
        return '"training_examples" in "settings" is not a positive number'
    if not isinstance(data.get("stopped", ""), str):
        return '"stopped" is %s, not a sentence' % shorten(data["stopped"])
    epochs = data.get("epochs")
    if not isinstance(epochs, list):
        return 'no list of "epochs"'
    for i, record in enumerate(epochs, 1):
        if not isinstance(record, dict):
            return "epoch record %d is not an object" % i
        for key, required, kind in _EPOCH_KEYS:
            if key not in record and not required:
                continue
            value = record.get(key)
            if not is_finite(value):
                if required and not is_number(value):
                    return 'epoch record %d has no number "%s"' % (i, key)
                return 'epoch record %d: "%s" is %s, not a finite number' % (i, key, shorten(value))
            if not _KIND_TEST[kind](value):
                return 'epoch record %d: "%s" is %s, not %s' % (i, key, shorten(value),
                                                                 _KIND_WORDS[kind])
    lengths = set()
    for key in BATCH_KEYS:
        values = data.get(key, [])
        if not isinstance(values, list) or not all(map(is_finite, values)):
            return '"%s" is not a list of numbers' % key
        test = _KIND_TEST[_BATCH_KINDS[key]]
        for j, value in enumerate(values):
            if not test(value):
                return '"%s"[%d] is %s, not %s' % (key, j, shorten(value),
                                                  _KIND_WORDS[_BATCH_KINDS[key]])
        lengths.add(len(values))
    if len(lengths) > 1:
        return "the per-mini-batch lists have different lengths"
    return None


def save_history(history, path):
    """Save a History as JSON at ``path``, atomically; gzipped if the name ends in ".gz".

    Raises:
        ValueError: the history would not load again (names the file and the problem).
        OSError: see fileio.atomic_write_bytes.
    """
    path = os.fspath(path)
    data = history_to_dict(history)
    problem = history_problem(data)
    if problem:
        raise ValueError("refusing to save %s: %s" % (path, problem))
    text = json.dumps(data, allow_nan=False) + "\n"
    if path.endswith(".gz"):
        # mtime=0: the same history gives the same bytes
        atomic_write_bytes(path, gzip.compress(text.encode("utf-8"), mtime=0))
    else:
        atomic_write_text(path, text)


def load_history(path, cls=History):
    """Load a history saved by ``save_history`` (plain or gzipped JSON).

    Args:
        cls: the class to build (default: History).

    Raises:
        FileNotFoundError: no such file ("history file not found: <path>").
        ValueError: "<path>: not a training history (<the problem>)", or not a
            regular file, or too large.
    """
    path = os.fspath(path)
    data = read_json(path, "history file", ValueError, kind="training history")
    problem = history_problem(data)
    if problem:
        raise ValueError("%s: not a training history (%s)" % (path, problem))
    return cls.from_dict(data)
