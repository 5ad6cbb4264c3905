"""The figures of a sweep: accuracy per epoch for each setting, and final
accuracy against each option that varies, one dot per seed.

Imported only by ``python -m mnist_scratch.sweep`` when it draws (needs the
viz extras); the sweep itself is standard library only.
"""

import io
import json
import os

from matplotlib.figure import Figure

from .fileio import atomic_write_bytes

__all__ = ["plot_sweep", "plot_sweep_curves", "plot_sweep_options"]

FONT = 15     # points: readable from the back of a classroom at the default size
DPI = 110


def _label(settings, names):
    parts = []
    for name in names:
        value = settings[name]
        text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append("%s %s" % (name.replace("_", " "), text))
    return ", ".join(parts) or "every run"


def _save(fig, path):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    atomic_write_bytes(path, buffer.getvalue())
    return path


def _varied(results):
    from .sweep import varied_settings
    return varied_settings(results)


def plot_sweep_curves(results, path=None):
    """Validation accuracy (%) per epoch: the mean over seeds as a line, their range shaded.

    Args:
        results: list of result dicts from ``sweep.run_one``.
        path: where to save the PNG (None: only return the Figure).
    """
    varied = _varied(results)
    groups = {}
    for r in results:
        if r["status"] == "ok" and r["epoch_accuracy"]:
            key = json.dumps([r["settings"][n] for n in varied])
            groups.setdefault(key, []).append(r)
    fig = Figure(figsize=(11, 6.5))
    ax = fig.add_subplot()
    longest = 1
    for group in groups.values():
        epochs = min(len(r["epoch_accuracy"]) for r in group)
        longest = max(longest, epochs)
        xs = list(range(1, epochs + 1))
        per_epoch = [[100 * r["epoch_accuracy"][e] for r in group] for e in range(epochs)]
        means = [sum(v) / len(v) for v in per_epoch]
        line, = ax.plot(xs, means, marker="o", linewidth=2.5,
                        label="%s (%d seed%s)" % (_label(group[0]["settings"], varied), len(group),
                                                  "" if len(group) == 1 else "s"))
        if len(group) > 1:
            ax.fill_between(xs, [min(v) for v in per_epoch], [max(v) for v in per_epoch],
                            color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set_xlabel("epoch", fontsize=FONT)
    ax.set_ylabel("validation accuracy (%)", fontsize=FONT)
    ax.set_title("Accuracy after each epoch (line: mean over seeds; band: lowest to highest)",
                 fontsize=FONT)
    ax.set_xticks(range(1, longest + 1, max(1, longest // 10)))
    ax.tick_params(labelsize=FONT - 2)
    ax.grid(alpha=0.3)
    if groups:
        ax.legend(fontsize=FONT - 3, loc="lower right")
    fig.tight_layout()
    if path is not None:
        _save(fig, path)
    return fig


def plot_sweep_options(results, path=None):
    """Final accuracy (%) against each option that varies: a dot per seed, a bar at the mean.

    The accuracy is the test accuracy of each run's best epoch (by validation),
    or the validation accuracy where no test images were used. Diverged runs
    are drawn as crosses at the bottom.
    """
    varied = _varied(results) or ["sizes"]
    use_test = any(r.get("test_accuracy") is not None for r in results)
    key = "test_accuracy" if use_test else "validation_accuracy"
    fig = Figure(figsize=(max(9.5, 6 * len(varied)), 6.5))
    axes = fig.subplots(1, len(varied), squeeze=False)[0]
    scores = [100 * r[key] for r in results if r.get(key) is not None]
    bottom = min(scores) - 1 if scores else 0
    for ax, name in zip(axes, varied):
        values = []
        for r in results:
            text = json.dumps(r["settings"][name])
            if text not in values:
                values.append(text)
        for position, text in enumerate(values):
            group = [r for r in results if json.dumps(r["settings"][name]) == text]
            points = [100 * r[key] for r in group if r.get(key) is not None]
            spread = [position + 0.08 * (k - (len(points) - 1) / 2) for k in range(len(points))]
            ax.plot(spread, points, "o", markersize=9, color="tab:blue", alpha=0.8)
            if points:
                mean = sum(points) / len(points)
                ax.plot([position - 0.25, position + 0.25], [mean, mean], color="black", linewidth=3)
                ax.annotate("%.2f" % mean, (position + 0.28, mean), va="center", fontsize=FONT - 3)
            failed = sum(r["status"] != "ok" for r in group)
            if failed:
                ax.plot([position], [bottom], "x", markersize=14, color="tab:red", mew=3)
                ax.annotate("%d diverged" % failed, (position, bottom), xytext=(0, 12),
                            textcoords="offset points", ha="center", color="tab:red",
                            fontsize=FONT - 3)
        labels = [",".join(map(str, v)) if isinstance(v, list) else str(v)
                  for v in map(json.loads, values)]
        ax.set_xticks(range(len(values)))
        ax.set_xticklabels(labels, fontsize=FONT - 2)
        ax.set_xlim(-0.6, len(values) - 0.4)
        ax.set_xlabel(name.replace("_", " "), fontsize=FONT)
        ax.tick_params(axis="y", labelsize=FONT - 2)
        ax.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("%s accuracy (%%)" % ("test" if use_test else "validation"), fontsize=FONT)
    fig.suptitle("Final accuracy for each value (dots: one seed each; bar: their mean)",
                 fontsize=FONT)
    fig.tight_layout()
    if path is not None:
        _save(fig, path)
    return fig


def plot_sweep(results, out_dir):
    """Write curves.png and options.png into ``out_dir``. Returns their paths."""
    return [_save(plot_sweep_curves(results), os.path.join(out_dir, "curves.png")),
            _save(plot_sweep_options(results), os.path.join(out_dir, "options.png"))]
