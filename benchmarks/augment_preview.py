"""See and time the data augmentation of mnist_scratch.augment.

    python benchmarks/augment_preview.py                      # the picture: docs/figures/augment.png
    python benchmarks/augment_preview.py --out /tmp/aug.png --seed 3
    python benchmarks/augment_preview.py --time               # microseconds per image (any Python, PyPy too)
    python benchmarks/augment_preview.py --time --images 5000 --repeats 5

The picture (needs the viz extra: matplotlib) shows eight test digits, one
per column: the original, two of its shifted copies from the book's expanded
training set, two random distortions at the Distorter's defaults (affine),
and two with Simard et al.'s elastic distortion added (alpha 34, sigma 4).

--time distorts real test digits with each setting and prints the best of
--repeats runs in microseconds per image, after an untimed warm-up (so PyPy's
compiler has warmed up, as it has in any real run), and the time and memory of
the expanded training set (shifted_copies of the 50,000 training images).
"""

import argparse
import os
import random
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from mnist_scratch.augment import Distorter, shift_image, shifted_copies, shifted_copies_bytes  # noqa: E402
from mnist_scratch.datasets import load_mnist  # noqa: E402

SETTINGS = [  # (name, Distorter arguments)
    ("affine (defaults)", {}),
    ("affine + elastic (alpha 34, sigma 4)", {"elastic_alpha": 34}),
]


def time_distortions(images, repeats):
    """Print microseconds per image for each setting, best of ``repeats``."""
    for name, limits in SETTINGS:
        distorter = Distorter(**limits)
        rng = random.Random(1)
        for x in images[:1000]:  # warm-up, untimed
            distorter(x, rng)
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            for x in images:
                distorter(x, rng)
            best = min(best, (time.perf_counter() - start) / len(images))
        print("%-40s %6.0f us per image" % (name, best * 1e6))


def rss_bytes():
    """This process's resident memory, from /proc (Linux); None elsewhere."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def time_expansion():
    train = load_mnist("train")
    before = rss_bytes()
    start = time.perf_counter()
    expanded = shifted_copies(train)
    seconds = time.perf_counter() - start
    after = rss_bytes()
    grown = "%.2f GB more memory" % ((after - before) / 1e9) if before and after else "memory unknown"
    print("shifted_copies: %d -> %d examples in %.1f s, %s (estimate %.2f GB)"
          % (len(train), len(expanded), seconds, grown, shifted_copies_bytes(len(train)) / 1e9))


def draw(examples, path, seed):
    from mnist_scratch.visualize_figures import DIGIT_CMAP, new_figure, save_figure, to_image

    rng = random.Random(seed)
    rows = [("original", [x for x, _ in examples]),
            ("shifted up", [shift_image(x, -1, 0) for x, _ in examples]),
            ("shifted right", [shift_image(x, 0, 1) for x, _ in examples])]
    for name, limits in SETTINGS:
        distorter = Distorter(**limits)
        for _ in range(2):
            rows.append((name.replace(" (", "\n("), [distorter(x, rng) for x, _ in examples]))
    columns = len(examples)
    width = 1.1 * columns + 1.8
    fig = new_figure(width, 1.1 * len(rows) + 0.6)
    grid = fig.add_gridspec(len(rows), columns, left=1.75 / width, right=0.99,
                            top=1 - 0.5 / (1.1 * len(rows) + 0.6), bottom=0.01,
                            wspace=0.08, hspace=0.08)
    for i, (name, images) in enumerate(rows):
        for j, image in enumerate(images):
            ax = fig.add_subplot(grid[i, j])
            ax.imshow(to_image(image), cmap=DIGIT_CMAP, vmin=0.0, vmax=1.0)
            ax.set_xticks([])
            ax.set_yticks([])
            if j == 0:
                ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=11)
    fig.suptitle("Shifted copies (the expanded training set) and random distortions",
                 fontsize=13, x=(1.75 / width + 0.99) / 2, y=1 - 0.12 / (1.1 * len(rows) + 0.6))
    save_figure(fig, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "figures", "augment.png"),
                        help="where to write the picture (default: docs/figures/augment.png)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the distortions (default 1)")
    parser.add_argument("--time", action="store_true", help="time the augmentation instead of drawing")
    parser.add_argument("--images", type=int, default=2000, help="test digits to time on (default 2000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs, best kept (default 3)")
    args = parser.parse_args()
    if args.time:
        if not 1 <= args.images <= 10000:
            parser.error("--images must be from 1 to 10000, got %d" % args.images)
        if args.repeats < 1:
            parser.error("--repeats must be at least 1, got %d" % args.repeats)
        print("%s %s" % (sys.implementation.name, sys.version.split()[0]))
        time_distortions([x for x, _ in load_mnist("test", limit=args.images)], args.repeats)
        time_expansion()
        return
    test = load_mnist("test", limit=200)
    # One of each digit, 0 to 7, the first of its kind in the test set.
    examples = [next(example for example in test if example[1] == d) for d in range(8)]
    try:
        draw(examples, args.out, args.seed)
    except (OSError, ValueError) as e:
        parser.exit(2, "%s: error: %s\n" % (parser.prog, e))
    except ImportError:
        parser.exit(2, "%s: error: the picture needs matplotlib: pip install -e \".[viz]\"\n" % parser.prog)
    print("wrote %s" % args.out)


if __name__ == "__main__":
    main()
