"""Typical mistake (step 7): save_network rounds every weight and bias to 6 decimals "to make
the file smaller", so loading it gives numbers that are close, but not the network saved."""

import json

from correct import *  # noqa: F401,F403  everything else is right


def save_network(weights, biases, path):
    sizes = [len(weights[0][0])] + [len(w) for w in weights]
    data = {"format": "mnist_scratch.network", "version": 2, "sizes": sizes,
            "cost": "quadratic", "activations": ["sigmoid"] * len(weights),
            "weights": [[[round(w, 6) for w in row] for row in matrix] for matrix in weights],
            "biases": [[round(b, 6) for b in vector] for vector in biases]}
    with open(path, "w") as f:
        json.dump(data, f)
