"""Experiments as one command: train a grid of settings, several seeds each.

Examples:
    python -m mnist_scratch.sweep --sizes 784,30,10 784,100,10 --epochs 5 --out sweeps/hidden
    python -m mnist_scratch.sweep --eta 0.1 0.5 3 10 --repeats 3 --limit 10000 --out sweeps/eta
    python -m mnist_scratch.sweep --mini-batch-size 1 10 100 --eta 3 --out sweeps/batch --jobs 2

    python -m mnist_scratch.sweep --cost quadratic cross-entropy --lmbda 0 5 --out sweeps/ch3
    python -m mnist_scratch.sweep --expand no yes --distort 0 1 --out sweeps/more-data

Every setting of ``learn`` (``--sizes``, ``--epochs``, ``--mini-batch-size``,
``--eta``, ``--init``, ``--cost``, ``--activation``, ``--lmbda``,
``--momentum``, ``--dropout``, ``--patience``, ``--halvings``, ``--expand``,
``--distort``, ``--limit``, ...) may take several values; the grid is their
product, and ``--repeats K`` trains each point of the grid with K seeds
(``--seed``, ``--seed`` + 1, ...) to show the run-to-run spread. Sizes are
written with commas: ``--sizes 784,30,10``; ``--expand`` takes ``no`` and/or
``yes``, ``--patience`` a number of epochs or ``none``, ``--distort`` a
strength (0: off).

Each run trains like ``learn``: it keeps the network of the epoch with the
best validation accuracy and scores that one on the test images. ``--out DIR``
receives:

    runs/*.json     one file per finished run (settings, seed, accuracy per epoch)
    results.csv     one row per run: the settings, best epoch, validation and
                    test accuracy, seconds
    results.md      the same as a Markdown table, and a summary per setting
                    (mean and spread over the seeds)
    curves.png      validation accuracy per epoch for each setting
    options.png     final accuracy against each option that varies, one dot per seed

A sweep that is interrupted and run again skips the runs it already finished
(their files in ``runs/``). ``--jobs N`` trains N runs at once in separate
processes (default: the number of cores). From Python, ``run_sweep`` takes any
``concurrent.futures.Executor``, for example a cluster's (see the README).
"""

import argparse
import concurrent.futures
import csv
import hashlib
import io
import itertools
import json
import os
import sys
import time

from . import learn
from .activations import ACTIVATIONS
from .augment import shifted_copies
from .cli import (ArgumentParser, CommandError, line_printer, non_negative_int, positive_float,
                  positive_int, run_main)
from .costs import COSTS
from .datasets import load_mnist
from .fileio import atomic_write_text, check_writable, ensure_folder
from .network import INITS, Network, check_size
from .progress import format_seconds
from .training import History, TrainingDiverged, evaluate, sgd

__all__ = ["SETTINGS", "DEFAULTS", "grid", "run_one", "run_sweep", "write_results", "main"]

# The settings a sweep can vary, in the order of the CSV columns, with the
# defaults of ``learn``. Each is one keyword of a run.
DEFAULTS = {
    "sizes": list(learn.DEFAULT_SIZES),
    "epochs": learn.DEFAULT_EPOCHS,
    "mini_batch_size": learn.DEFAULT_MINI_BATCH_SIZE,
    "eta": learn.DEFAULT_ETA,
    "init": "scaled",
    "cost": learn.DEFAULT_COST,
    "activation": learn.DEFAULT_ACTIVATION,
    "lmbda": 0.0,              # L2 regularisation
    "momentum": 0.0,
    "dropout": 0.0,
    "patience": None,          # early stopping (None: never)
    "halvings": 0,             # the learning-rate schedule (needs patience)
    "expand": False,           # the shifted copies of the training images
    "distort": 0.0,            # strength of the random distortions (0: none)
    "limit": None,             # training images (None: all 50,000)
    "validation_limit": None,  # validation images (None: all 10,000)
    "test_limit": None,        # test images (None: all 10,000)
}
SETTINGS = tuple(DEFAULTS)
RESULT_COLUMNS = ("seed", "status", "best_epoch", "validation_accuracy", "test_accuracy", "seconds")
MAX_RUNS = 10000  # a grid larger than this is almost certainly a typo


def grid(**values):
    """Every combination of the given values, as a list of settings dicts.

    Args:
        **values: setting name -> list of values to try, e.g. eta=[0.5, 3.0];
            settings not given keep their defaults (DEFAULTS).

    Returns:
        list of dicts with every key of SETTINGS, in a fixed order (the last
        setting given varies fastest).

    Raises:
        ValueError: an unknown setting name, or an empty list of values.
    """
    for name, options in values.items():
        if name not in DEFAULTS:
            raise ValueError("unknown setting %r; a sweep can vary %s" % (name, ", ".join(SETTINGS)))
        if not options:
            raise ValueError("no values given for %r" % name)
    axes = [values.get(name, [DEFAULTS[name]]) for name in SETTINGS]
    return [dict(zip(SETTINGS, combination)) for combination in itertools.product(*axes)]


MAX_NAME = 150  # characters of a run's file name before it is shortened (file systems allow 255)


def run_name(settings, seed):
    """A file name that says which run it is: the settings that differ from DEFAULTS,
    e.g. 'sizes=784-100-10,eta=0.5,seed=1' ('seed=1' alone for the defaults). A name
    longer than MAX_NAME is cut, and a hash of the whole name keeps it unique."""
    parts = []
    for name in SETTINGS:
        value = settings[name]
        if value == DEFAULTS[name]:
            continue
        text = "-".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append("%s=%s" % (name, text))
    name = ",".join(parts + ["seed=%d" % seed])
    if len(name) > MAX_NAME:
        name = name[:MAX_NAME - 13] + ",," + hashlib.sha1(name.encode()).hexdigest()[:11]
    return name


def check_settings(settings):
    """Raise CommandError for settings that cannot be trained (as ``learn`` would refuse
    them): see learn.check_training_options."""
    learn.check_training_options(settings["sizes"], settings["dropout"], settings["patience"],
                                 settings["halvings"], settings["validation_limit"],
                                 settings["expand"], settings["limit"])


def run_one(settings, seed, data_dir=None):
    """Train one network as ``learn`` would, and score it. Runs in a worker process.

    Args:
        settings: a dict with every key of SETTINGS.
        seed: seeds the initial weights and the shuffles.
        data_dir: folder of the MNIST files (None: the usual search).

    Returns:
        dict with "settings", "seed", "status" ("ok", or "diverged" with a
        "message"), "best_epoch", "validation_accuracy", "test_accuracy" (of
        the best epoch's network; None without test images), "epoch_accuracy"
        (validation accuracy after each epoch), "stopped" (why early stopping
        ended the run, or None) and "seconds".
    """
    start = time.perf_counter()
    training_data = load_mnist("train", data_dir, limit=settings["limit"])
    if settings["expand"]:
        training_data = shifted_copies(training_data)
    validation_data = (load_mnist("validation", data_dir, limit=settings["validation_limit"])
                       if settings["validation_limit"] != 0 else [])
    test_data = (load_mnist("test", data_dir, limit=settings["test_limit"])
                 if settings["test_limit"] != 0 else [])
    net = Network(settings["sizes"], seed=seed, init=settings["init"],
                  activation=settings["activation"], cost=settings["cost"])
    result = {"settings": settings, "seed": seed, "status": "ok", "best_epoch": 0,
              "validation_accuracy": None, "test_accuracy": None, "epoch_accuracy": [],
              "stopped": None}
    # sgd gives the network new lists every epoch: a reference is a snapshot of the best one.
    best = {"accuracy": -1.0, "weights": net.weights, "biases": net.biases}

    def on_epoch(record, network):
        accuracy = record.get("evaluation_accuracy", record["train_accuracy"])
        result["epoch_accuracy"].append(accuracy)
        if accuracy > best["accuracy"]:
            best.update(accuracy=accuracy, weights=network.weights, biases=network.biases)
            result["best_epoch"] = record["epoch"]
            if validation_data:
                result["validation_accuracy"] = accuracy

    history = History()
    try:
        sgd(net, training_data, settings["epochs"], settings["mini_batch_size"], settings["eta"],
            evaluation_data=validation_data, seed=seed, on_epoch=on_epoch, history=history,
            lmbda=settings["lmbda"], momentum=settings["momentum"], dropout=settings["dropout"],
            patience=settings["patience"], halvings=settings["halvings"],
            augment=learn.distorter(settings["distort"]))
        result["stopped"] = history.stopped
    except TrainingDiverged as e:
        result.update(status="diverged", message=str(e))
    if result["status"] == "ok" and test_data and result["best_epoch"]:
        net.weights, net.biases = best["weights"], best["biases"]
        result["test_accuracy"] = evaluate(net, test_data).accuracy
    result["seconds"] = time.perf_counter() - start
    return result


def _load_finished(path, settings, seed):
    """The saved result at ``path`` if it is a finished run of these settings, else None."""
    try:
        with open(path, encoding="utf-8") as f:
            saved = json.load(f)
    except (OSError, ValueError):
        return None  # missing, or unreadable: run it again
    if not isinstance(saved, dict) or saved.get("settings") != settings or saved.get("seed") != seed:
        return None
    return saved


def run_sweep(settings_list, out_dir, repeats=1, seed=1, data_dir=None, executor=None,
              on_result=None):
    """Train every settings dict with ``repeats`` seeds; write the results into ``out_dir``.

    Args:
        settings_list: list of settings dicts, e.g. from ``grid``.
        out_dir: folder for runs/, results.csv, results.md (made if missing).
        repeats: seeds per setting: seed, seed + 1, ..., seed + repeats - 1.
        seed: the first seed.
        data_dir: folder of the MNIST files.
        executor: a concurrent.futures.Executor to run on (a process pool, or a
            cluster's executor); None runs one after another in this process.
        on_result: optional callback ``on_result(result, done, total, skipped)``
            after every run, finished now or found finished from an earlier sweep.

    Returns:
        list of result dicts (see ``run_one``), in the order of the grid.
    """
    runs_dir = os.path.join(out_dir, "runs")
    os.makedirs(runs_dir, exist_ok=True)
    runs = [(settings, seed + k) for settings in settings_list for k in range(repeats)]
    paths = [os.path.join(runs_dir, run_name(s, k) + ".json") for s, k in runs]
    results = [_load_finished(path, s, k) for path, (s, k) in zip(paths, runs)]
    todo = [i for i, r in enumerate(results) if r is None]
    done = 0
    for result in results:
        if result is not None:
            done += 1
            if on_result is not None:
                on_result(result, done, len(runs), True)

    def finish(i, result):
        nonlocal done
        results[i] = result
        atomic_write_text(paths[i], json.dumps(result, sort_keys=True) + "\n")
        write_results([r for r in results if r is not None], out_dir)
        done += 1
        if on_result is not None:
            on_result(result, done, len(runs), False)

    if executor is None:
        for i in todo:
            finish(i, run_one(runs[i][0], runs[i][1], data_dir))
    else:
        futures = {executor.submit(run_one, runs[i][0], runs[i][1], data_dir): i for i in todo}
        try:
            for future in concurrent.futures.as_completed(futures):
                finish(futures[future], future.result())
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    write_results(results, out_dir)
    return results


def varied_settings(results):
    """The names of the settings that take more than one value among ``results``."""
    return [name for name in SETTINGS
            if len({json.dumps(r["settings"][name]) for r in results}) > 1]


def _cell(value):
    if isinstance(value, list):
        return ",".join(map(str, value))
    if value is None:
        return ""
    if isinstance(value, float):
        return "%.6g" % value
    return str(value)


def _percent(value):
    return "" if value is None else "%.2f%%" % (100 * value)


def write_results(results, out_dir):
    """Write results.csv (one row per run) and results.md (a table and a summary per setting)."""
    rows = [[_cell(r["settings"][name]) for name in SETTINGS] + [_cell(r.get(c)) for c in RESULT_COLUMNS]
            for r in results]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(list(SETTINGS) + list(RESULT_COLUMNS))
    writer.writerows(rows)
    atomic_write_text(os.path.join(out_dir, "results.csv"), text.getvalue())

    varied = varied_settings(results) or ["sizes"]
    lines = ["# Sweep results", "",
             "Fixed: " + ", ".join("%s %s" % (name, _cell(results[0]["settings"][name]) or "all")
                                   for name in SETTINGS if name not in varied) if results else "", ""]
    lines += ["| " + " | ".join(varied) + " | runs | test accuracy (mean) | spread (min-max) "
              "| validation (mean) | seconds (mean) |",
              "|" + "---|" * (len(varied) + 5)]
    for key, group in _groups(results, varied):
        tests = [r["test_accuracy"] for r in group if r.get("test_accuracy") is not None]
        valid = [r["validation_accuracy"] for r in group if r.get("validation_accuracy") is not None]
        diverged = sum(r["status"] != "ok" for r in group)
        spread = ("%.2f-%.2f%%" % (100 * min(tests), 100 * max(tests))) if tests else ""
        lines.append("| " + " | ".join(_cell(v) for v in key) + " | %d%s | %s | %s | %s | %.1f |" % (
            len(group), " (%d diverged)" % diverged if diverged else "",
            _percent(sum(tests) / len(tests)) if tests else "", spread,
            _percent(sum(valid) / len(valid)) if valid else "",
            sum(r["seconds"] for r in group) / len(group)))
    lines += ["", "Every run (best epoch by validation accuracy, then scored on the test images):", "",
              "| " + " | ".join(varied) + " | seed | best epoch | validation | test | seconds |",
              "|" + "---|" * (len(varied) + 5)]
    for r in results:
        cells = [_cell(r["settings"][n]) for n in varied] + [
            str(r["seed"]), str(r["best_epoch"]) if r["status"] == "ok" else r["status"],
            _percent(r.get("validation_accuracy")), _percent(r.get("test_accuracy")),
            "%.1f" % r["seconds"]]
        lines.append("| " + " | ".join(cells) + " |")
    atomic_write_text(os.path.join(out_dir, "results.md"), "\n".join(lines) + "\n")


def _groups(results, names):
    """(values of ``names``, results with those values), in the order they first appear."""
    groups = {}
    for r in results:
        key = tuple(json.dumps(r["settings"][n]) for n in names)
        groups.setdefault(key, []).append(r)
    return [(tuple(json.loads(k) for k in key), group) for key, group in groups.items()]


# ---------------------------------------------------------------- command line

def sizes_list(text):
    """An argparse type: '784,30,10' -> [784, 30, 10]."""
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise CommandError("--sizes: %r is not a list of whole numbers such as 784,30,10"
                           % text[:80]) from None
    return sizes


def yes_no(text):
    """An argparse type: 'yes' -> True, 'no' -> False (for --expand)."""
    answers = {"yes": True, "no": False}
    if text not in answers:
        raise argparse.ArgumentTypeError("%r is neither yes nor no" % text[:40])
    return answers[text]


def patience_or_none(text):
    """An argparse type: a whole number of epochs >= 1, or 'none' (no early stopping)."""
    return None if text == "none" else positive_int(text)


def build_parser():
    parser = ArgumentParser(
        prog="python -m mnist_scratch.sweep",
        description="Train every combination of the given settings, with several seeds, "
                    "and tabulate and plot the results.")
    several = "one or more values; every combination is trained"
    parser.add_argument("--sizes", type=str, nargs="+", default=None, metavar="N,N,...",
                        help="layer sizes with commas, e.g. 784,30,10 784,100,10 (default: 784,30,10)")
    parser.add_argument("--epochs", type=non_negative_int, nargs="+", help=several)
    parser.add_argument("--mini-batch-size", type=positive_int, nargs="+", metavar="M", help=several)
    parser.add_argument("--eta", type=positive_float, nargs="+", help=several)
    parser.add_argument("--init", choices=INITS, nargs="+", help=several)
    parser.add_argument("--cost", choices=list(COSTS), nargs="+", help=several)
    parser.add_argument("--activation", choices=list(ACTIVATIONS), nargs="+", help=several)
    parser.add_argument("--lmbda", type=learn.non_negative_float, nargs="+",
                        help="L2 regularisation; " + several)
    parser.add_argument("--momentum", type=learn.fraction, nargs="+", metavar="MU", help=several)
    parser.add_argument("--dropout", type=learn.fraction, nargs="+", metavar="P", help=several)
    parser.add_argument("--patience", type=patience_or_none, nargs="+", metavar="EPOCHS",
                        help="early stopping, in epochs, or none; " + several)
    parser.add_argument("--halvings", type=non_negative_int, nargs="+", metavar="K",
                        help="halvings of eta (needs --patience); " + several)
    parser.add_argument("--expand", type=yes_no, nargs="+", metavar="{no,yes}",
                        help="train on the shifted copies too; " + several)
    parser.add_argument("--distort", type=learn.distortion_strength, nargs="+",
                        metavar="STRENGTH", help="random distortions (0: none); " + several)
    parser.add_argument("--limit", type=positive_int, nargs="+", metavar="N",
                        help="training images (default: all 50,000); " + several)
    parser.add_argument("--validation-limit", type=non_negative_int, nargs="+", metavar="N",
                        help="validation images (default: all 10,000)")
    parser.add_argument("--test-limit", type=non_negative_int, nargs="+", metavar="N",
                        help="test images (default: all 10,000; 0: no test)")
    parser.add_argument("--repeats", type=positive_int, default=1, metavar="K",
                        help="seeds per setting (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=learn.DEFAULT_SEED,
                        help="the first seed; repeats use seed, seed+1, ... (default: %(default)s)")
    parser.add_argument("--jobs", type=positive_int, default=os.cpu_count() or 1, metavar="N",
                        help="runs at once, each in its own process (default: the number of "
                             "cores, %(default)s)")
    parser.add_argument("--data-dir", default=None, help="folder with the four MNIST .gz files")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="folder for results.csv, results.md, the plots and runs/ (made if "
                             "missing; a rerun skips the runs already there)")
    parser.add_argument("--no-plots", action="store_true", help="write no figures")
    return parser


def _settings_from_args(args):
    values = {}
    for name in SETTINGS:
        given = getattr(args, name)
        if given is not None:
            values[name] = [sizes_list(text) for text in given] if name == "sizes" else given
    for sizes in values.get("sizes", []):
        if len(sizes) < 2 or sizes[0] != 784 or sizes[-1] != 10 or min(sizes) < 1:
            raise CommandError("--sizes %s: a network for MNIST starts with 784 inputs, ends with "
                               "10 outputs and has positive sizes, e.g. 784,30,10"
                               % ",".join(map(str, sizes))[:80])
    settings_list = grid(**values)
    for settings in settings_list:
        check_settings(settings)  # e.g. --halvings without --patience, before any run starts
    return settings_list


def run(args, out=sys.stdout):
    """Run the sweep ``args`` describe. Returns the exit code."""
    say = line_printer(out)
    settings_list = _settings_from_args(args)
    total = len(settings_list) * args.repeats
    if total > MAX_RUNS:
        raise CommandError("the grid has %d runs; more than %d is surely a mistake" % (total, MAX_RUNS))
    for sizes in sorted({tuple(s["sizes"]) for s in settings_list}):
        check_size(list(sizes))  # refuse a network that cannot fit before any run starts
    out_dir = ensure_folder(args.out, "--out")
    check_writable(os.path.join(out_dir, "results.csv"))
    if not args.no_plots:
        from .cli import load_visualizer
        load_visualizer("the sweep's plots (or --no-plots)")
    jobs = min(args.jobs, total)
    say("mnist_scratch sweep: %d settings x %d seeds = %d runs, %d at a time, into %s"
        % (len(settings_list), args.repeats, total, jobs, args.out))
    started = time.perf_counter()
    varied = [n for n in SETTINGS if getattr(args, n) and len(getattr(args, n)) > 1]
    finished_now = []

    def on_result(result, done, total, skipped):
        label = ", ".join("%s %s" % (n, _cell(result["settings"][n])) for n in varied) or "run"
        if skipped:
            outcome = ("diverged" if result["status"] != "ok" else
                       "test %s" % (_percent(result.get("test_accuracy")) or "not measured"))
            say("[%d/%d] %s, seed %d: already done (%s)" % (done, total, label, result["seed"], outcome))
            return
        finished_now.append(result)
        elapsed = time.perf_counter() - started
        rate = len(finished_now) / elapsed
        eta_text = format_seconds((total - done) / rate) if rate > 0 else "?"
        if result["status"] != "ok":
            outcome = "diverged"
        else:
            outcome = "validation %s, test %s; per epoch: %s" % (
                _percent(result["validation_accuracy"]), _percent(result["test_accuracy"]),
                " ".join("%.1f" % (100 * a) for a in result["epoch_accuracy"]))
        say("[%d/%d] %s, seed %d: %s (%.0f s)  %.2f runs/min, ETA %s" % (
            done, total, label, result["seed"], outcome, result["seconds"], 60 * rate, eta_text))

    if jobs > 1:
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as executor:
            results = run_sweep(settings_list, out_dir, args.repeats, args.seed, args.data_dir,
                                executor, on_result)
    else:
        results = run_sweep(settings_list, out_dir, args.repeats, args.seed, args.data_dir,
                            None, on_result)
    written = ["results.csv", "results.md"]
    if not args.no_plots:
        from .visualize_sweep import plot_sweep
        written += [os.path.basename(p) for p in plot_sweep(results, out_dir)]
    say("Wrote %s into %s (%s in all)" % (", ".join(written), args.out,
                                          format_seconds(time.perf_counter() - started)))
    return 0


def main(argv=None):
    return run_main(build_parser(), run, argv)


if __name__ == "__main__":
    sys.exit(main())
