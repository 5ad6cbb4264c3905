"""How much recording weight snapshots for a GIF slows training down.

    python benchmarks/gif_recording.py                  # 5,000 examples, best of 3
    python benchmarks/gif_recording.py --examples 10000 --repeats 5

Each case trains [784, 10] from zero weights for one epoch twice over, once
plainly and once with the GIF command's Recorder as the on_batch callback,
alternating, in one process, and compares the best times. The cases:

  mini-batch 10, 30 frames     the GIF command's defaults
  mini-batch 1, 100 frames     a frame after every example of 99 images, scaled up
  mini-batch 1, every example  no --frames limit: a snapshot kept after every example
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from mnist_scratch.datasets import load_mnist  # noqa: E402
from mnist_scratch.gif import Recorder, frame_points  # noqa: E402
from mnist_scratch.network import Network  # noqa: E402
from mnist_scratch.training import sgd  # noqa: E402

CASES = [  # (mini_batch_size, eta, frames; None = keep every moment)
    (10, 1.0, 30),
    (1, 0.1, 100),
    (1, 0.1, None),
]


def train_seconds(data, mini_batch_size, eta, frames, record):
    net = Network([784, 10], init="zeros")
    on_batch = None
    if record:
        batches = -(-len(data) // mini_batch_size)
        on_batch = Recorder(net, frame_points(batches, 1, frames=frames)).on_batch
    start = time.perf_counter()
    sgd(net, data, 1, mini_batch_size, eta, seed=1, on_batch=on_batch)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    data = load_mnist("train", limit=args.examples)
    for mini_batch_size, eta, frames in CASES:
        plain, recorded = [], []
        for _ in range(args.repeats):
            plain.append(train_seconds(data, mini_batch_size, eta, frames, record=False))
            recorded.append(train_seconds(data, mini_batch_size, eta, frames, record=True))
        print("mini-batch %2d, %-13s plain %.2f s, recording %.2f s: %+.1f%%" % (
            mini_batch_size, "all frames:" if frames is None else "%d frames:" % frames,
            min(plain), min(recorded), 100 * (min(recorded) / min(plain) - 1)))


if __name__ == "__main__":
    main()
