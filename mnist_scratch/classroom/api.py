"""What the classroom page's JSON endpoints compute, each request checked first.

Every function here takes the decoded JSON of a request (a dict) and returns
a dict to send back as JSON. A request that is not what the endpoint takes
raises ``ApiError`` with a message that names the field and the problem
("pixels: entry 17 is "a", not a number from 0 to 255"); the server answers
it with that status and ``{"error": message}``, and carries on.

    read_drawing         POST /api/predict: a drawing -> the digit, and how the network got there
                         (drawing_rows checks the request, read_rows reads the drawing)
    network_summary      GET /api/network: the drawing network, its first layer's weight images
    backprop_answer      POST /api/backprop: the [2, 3, 2] walkthrough with every number

A drawing is read exactly as ``python -m mnist_scratch.predict --single``
reads a picture: ``preprocess.prepare`` turns the pixels into the 28 x 28
input (the digit cropped, scaled into a 20 x 20 box, centred by its centre
of mass), and the confidences are predict's output shares.
"""

import base64
import json
import math
import time

from .. import backprop, preprocess
from ..analysis import percentile_of
from ..gradcheck import max_relative_error, numerical_gradient
from ..linalg import argmax
from ..predict import output_shares

__all__ = ["ApiError", "MAX_SIDE", "MAX_PARAMETER", "check_object", "whole_number", "number",
           "choice", "shown", "drawing_rows", "read_drawing", "read_rows", "pixel_push",
           "weight_images", "network_summary", "backprop_answer"]

MAX_SIDE = 400        # pixels on each side of a posted drawing (the page sends 112 x 112)
MAX_PARAMETER = 20.0  # largest |weight| or |bias| in the walkthrough (sigmoids saturate long before)
DECIMALS = 4          # numbers sent to the page are rounded: enough to draw, smaller to send


class ApiError(Exception):
    """A request the API refuses: ``status`` (an HTTP code, 4xx) and a message naming the problem."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


# ------------------------------------------------------------------ checking requests

def check_object(payload, what="the request body"):
    """``payload`` if it is a JSON object (a dict), else ApiError."""
    if not isinstance(payload, dict):
        raise ApiError("%s must be a JSON object ({...}), not %s" % (what, _json_kind(payload)))
    return payload


def _json_kind(value):
    """The JSON name of a decoded value's kind, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def whole_number(payload, name, low, high, default=None):
    """The field ``name`` of ``payload``: a whole number from low to high (a missing
    field is ``default``, or an error when default is None)."""
    value = payload.get(name, default)
    if value is None:
        raise ApiError("%s is missing: give a whole number from %d to %d" % (name, low, high))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not _is_number(value) or not isinstance(value, int) or not low <= value <= high:
        raise ApiError("%s must be a whole number from %d to %d, not %.40s"
                       % (name, low, high, shown(value)))
    return value


def number(payload, name, low, high, default=None):
    """The field ``name``: a number from low to high (default as for ``whole_number``)."""
    value = payload.get(name, default)
    if value is None:
        raise ApiError("%s is missing: give a number from %g to %g" % (name, low, high))
    if not _is_number(value) or not low <= value <= high:
        raise ApiError("%s must be a number from %g to %g, not %.40s" % (name, low, high,
                                                                          shown(value)))
    return float(value)


def choice(payload, name, choices, default=None):
    """The field ``name``: one of the strings ``choices``."""
    value = payload.get(name, default)
    if value not in choices or not isinstance(value, str):
        raise ApiError("%s must be one of %s, not %.40s" % (name, ", ".join(choices), shown(value)))
    return value


def shown(value):
    """A value as a message shows it: as JSON (the request's own notation)."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _numbers(values, what, count, bound):
    """``values`` as a list of ``count`` floats with |v| <= bound, or ApiError naming ``what``."""
    if not isinstance(values, list) or len(values) != count:
        raise ApiError("%s must be an array of %d numbers" % (what, count))
    for k, v in enumerate(values):
        if not _is_number(v) or not abs(v) <= bound:
            raise ApiError("%s: entry %d is %.40s, not a number from %g to %g"
                           % (what, k, shown(v), -bound, bound))
    return [float(v) for v in values]


# ------------------------------------------------------------------ a drawing

def drawing_rows(payload):
    """The drawing of a predict request as rows of grey levels (255 = paper, 0 = ink).

    The page sends ``{"width": W, "height": H, "pixels": [W*H numbers]}``:
    the pixels row by row, each 0 (paper) to 255 (ink), as on the pad.
    preprocess works on paper-white pictures, so each pixel p becomes 255 - p.
    """
    check_object(payload)
    width = whole_number(payload, "width", 1, MAX_SIDE)
    height = whole_number(payload, "height", 1, MAX_SIDE)
    pixels = payload.get("pixels")
    if not isinstance(pixels, list):
        raise ApiError("pixels must be an array of width x height = %d numbers from 0 to 255 "
                       "(ink high), not %s" % (width * height, _json_kind(pixels)))
    if len(pixels) != width * height:
        raise ApiError("pixels has %d numbers, but width x height = %d x %d = %d"
                       % (len(pixels), width, height, width * height))
    # One pass in C for the common case; the slow loop only to name a bad entry.
    if not all(type(p) is int or type(p) is float for p in pixels) or not (
            0 <= min(pixels) and max(pixels) <= 255):
        for k, p in enumerate(pixels):
            if not _is_number(p) or not 0 <= p <= 255:
                raise ApiError("pixels: entry %d is %.40s, not a number from 0 to 255"
                               % (k, shown(p)))
    return [[255.0 - p for p in pixels[r * width:(r + 1) * width]] for r in range(height)]


def pixel_push(network, zs, activations, digit):
    """How much each input pixel pushed the network toward ``digit``: x_k dz/dx_k.

    z = z^L_digit is the weighted input of the digit's output neuron (before
    its sigmoid or softmax). dz/dx_k says how much z rises per unit of ink
    at pixel k; times the ink x_k there, it is that pixel's share of the
    push (gradient x input). For a network without hidden layer this is
    exactly w_digit,k x_k, and the shares add up to z - b. With hidden
    layers dz/dx is found by going back through them, as BP2 does:
    dz/dz^l_j = (dz/da^l_j) f'(z^l_j), dz/da^(l-1)_k = sum_j w^l_jk dz/dz^l_j.

    Args:
        zs, activations: of the forward pass of x (``Network.forward``).

    Returns:
        list of 784 floats (0 where there is no ink).
    """
    functions = network.activation_functions
    g = network.weights[-1][digit]  # dz/da^(L-1): the digit's own weights
    x = activations[0]
    inked = [k for k, v in enumerate(x) if v]  # only there is x_k dz/dx_k nonzero
    for i in range(len(network.weights) - 2, -1, -1):
        g = functions[i].times_prime(g, zs[i], activations[i + 1])  # dz/dz of layer i+2
        w = network.weights[i]
        columns = inked if i == 0 else range(len(w[0]))
        back = [0.0] * len(w[0])
        for k in columns:
            back[k] = sum(g_j * row[k] for g_j, row in zip(g, w))
        g = back
    return [x[k] * g[k] for k in range(len(x))]


def _push_limit(why):
    """The end of the "why" picture's colour scale: the 90th percentile of the
    pushes of the inked pixels (the few strongest ones are drawn in the end colour,
    so that the others are not washed out)."""
    pushes = [abs(v) for v in why if v]
    return percentile_of(pushes, 90) if pushes else 1.0


def _rounded(values):
    return [round(v, DECIMALS) for v in values]


def read_drawing(network, payload):
    """POST /api/predict: read the digit in a drawing (``read_rows`` of ``drawing_rows``)."""
    return read_rows(network, drawing_rows(payload))


def read_rows(network, rows):
    """The digit in a checked drawing (rows of grey levels, 255 = paper), and how it was read.

    Returns:
        dict with "digit" (0-9, or None for a blank drawing, with "message"),
        "probabilities" (the ten output shares, see predict.output_shares),
        "outputs" (the ten output activations), "input" (the 784 pixels the
        network sees, 0 = paper, 1 = ink), "hidden" (the first hidden
        layer's activations; None without one), "why" (``pixel_push`` of
        the digit, 784 numbers) and "why_limit" (where its colour scale
        ends), "box" (top, left, bottom, right of the digit in the drawing)
        and "seconds" (the time it took).
    """
    started = time.perf_counter()
    try:
        found = preprocess.prepare(rows, single=True)
    except preprocess.NoInkError:
        found = []
    if not found:
        return {"digit": None, "probabilities": None, "message": "no ink found: draw a digit",
                "seconds": time.perf_counter() - started}
    box, x = found[0]
    zs, activations = network.forward(x)
    outputs = activations[-1]
    shares = output_shares(outputs)
    digit = argmax(shares)
    why = pixel_push(network, zs, activations, digit)
    return {"digit": digit, "probabilities": _rounded(shares), "outputs": _rounded(outputs),
            "input": _rounded(x),
            "hidden": _rounded(activations[1]) if len(activations) > 2 else None,
            "why": [round(v, 6) for v in why], "why_limit": _push_limit(why), "box": list(box),
            "seconds": time.perf_counter() - started}


# ------------------------------------------------------------------ weight images

def weight_images(rows):
    """Weight rows (e.g. the first layer's, one row of 784 per neuron) packed small for the page.

    Each weight w becomes one byte, round(127.5 + 127.5 w / scale) clipped to
    0..255 (128 is about zero), all rows sharing one ``scale``: the 99.5th
    percentile of |w| (as analysis.symmetric_limit, for the figures), so a
    few large weights do not wash the others out. The bytes go as base64
    text; the page turns each row into a picture (red > 0, blue < 0, white = 0).

    Returns:
        dict with "rows", "cols", "scale" and "data" (base64 of rows x cols bytes).
    """
    # The percentile of every 7th weight: the same scale to the eye, several times faster.
    magnitudes = sorted(abs(w) for row in rows for w in row[::7] if math.isfinite(w))
    scale = magnitudes[int(0.995 * (len(magnitudes) - 1))] if magnitudes else 0.0
    scale = min(scale, 1e100) if scale > 0 else 1.0
    factor = 127.5 / scale
    packed = bytearray()
    for row in rows:
        # clipped to 0..255 (int() after the clip: an infinite weight is drawn in the end
        # colour); a NaN weight (a diverged network) is drawn as zero
        packed.extend(int(min(255.0, max(0.0, 128.0 + factor * w))) if w == w else 128 for w in row)
    return {"rows": len(rows), "cols": len(rows[0]) if rows else 0, "scale": scale,
            "data": base64.b64encode(bytes(packed)).decode("ascii")}


def network_summary(network, name):
    """GET /api/network: what the page shows about the drawing network.

    Returns:
        dict with "name" (the file's name), "sizes", "activations" (names per
        layer with weights), "cost", "meta" (how it was trained, its
        accuracy) and "weights" (``weight_images`` of the first layer: each
        hidden neuron's receptive field).
    """
    meta = {k: v for k, v in network.meta.items()
            if isinstance(v, (str, int, float, bool)) and not (isinstance(v, float) and
                                                              not math.isfinite(v))}
    return {"name": name, "sizes": network.sizes, "activations": network.activation_names,
            "cost": network.cost.name, "meta": meta, "weights": weight_images(network.weights[0])}


# ------------------------------------------------------------------ backprop, step by step

def backprop_answer(payload):
    """POST /api/backprop: one forward and one backward pass with every number.

    The request may give "sizes" (default [2, 3, 2]; a walkthrough-sized
    network, see backprop.check_sizes), "seed" (of the random weights), "x"
    and "y" (the input and the target), and "weights" and "biases" to
    replace the random ones (shaped as in the Network; each |value| at most
    MAX_PARAMETER). Any may be left out.

    Returns:
        dict with "sizes", "seed", "x", "y", "weights", "biases", "zs",
        "activations", "deltas", "nabla_b", "nabla_w" (book layer l is index
        l - 2 of zs, deltas, nabla_b, nabla_w, weights and biases, index
        l - 1 of activations), "cost" (1/2 ||a^L - y||^2), "max_error" (of
        backprop against central differences) and "agrees".
    """
    check_object(payload)
    sizes = payload.get("sizes", backprop.DEFAULT_SIZES)
    if not isinstance(sizes, list):
        raise ApiError("sizes must be an array of layer sizes, e.g. [2, 3, 2]")
    try:
        sizes = backprop.check_sizes(sizes)
    except ValueError as e:
        raise ApiError(str(e)) from None
    seed = whole_number(payload, "seed", 0, 2**31 - 1, default=backprop.DEFAULT_SEED)
    for name, size, bound in (("x", sizes[0], backprop.MAX_INPUT),
                              ("y", sizes[-1], backprop.MAX_TARGET)):
        if payload.get(name) is not None:
            _numbers(payload[name], name, size, bound)
    try:
        data = backprop.walkthrough(sizes, seed, payload.get("x"), payload.get("y"))
    except ValueError as e:  # not expected after the checks above; named all the same
        raise ApiError(str(e)) from None
    network = data["network"]
    if payload.get("weights") is not None or payload.get("biases") is not None:
        if payload.get("weights") is not None:
            network.weights = _layers(payload["weights"], "weights",
                                      [(n_out, n_in) for n_in, n_out in zip(sizes[:-1], sizes[1:])])
        if payload.get("biases") is not None:
            network.biases = _layers(payload["biases"], "biases", [(n, None) for n in sizes[1:]])
        _retrace(data)
    error = data["max_error"]
    return {"sizes": sizes, "seed": seed, "x": data["x"], "y": data["y"],
            "weights": network.weights, "biases": network.biases,
            "zs": data["zs"], "activations": data["activations"], "deltas": data["deltas"],
            "nabla_b": data["nabla_b"], "nabla_w": data["nabla_w"], "cost": data["cost"],
            "max_error": error if math.isfinite(error) else None, "agrees": backprop.agrees(data)}


def _layers(value, name, shapes):
    """The weights (matrices, shapes (rows, cols)) or biases (vectors, shapes (n, None))
    of a walkthrough request, one per layer with weights, each checked."""
    kind = "vectors" if shapes[0][1] is None else "matrices"
    if not isinstance(value, list) or len(value) != len(shapes):
        raise ApiError("%s must be an array of %d %s, one per layer with weights"
                       % (name, len(shapes), kind))
    checked = []
    for i, (layer, (rows, cols)) in enumerate(zip(value, shapes)):
        what = "%s[%d] (layer %d)" % (name, i, i + 2)
        if cols is None:
            checked.append(_numbers(layer, what, rows, MAX_PARAMETER))
            continue
        if not isinstance(layer, list) or len(layer) != rows:
            raise ApiError("%s must be %d rows of %d numbers" % (what, rows, cols))
        checked.append([_numbers(row, "%s row %d" % (what, j), cols, MAX_PARAMETER)
                        for j, row in enumerate(layer)])
    return checked


def _retrace(data):
    """Recompute every number of a walkthrough ``data`` after its network's parameters changed."""
    network, x, y = data["network"], data["x"], data["y"]
    trace = network.backprop_trace(x, y)
    data.update({key: trace[key] for key in ("zs", "activations", "deltas", "nabla_b", "nabla_w")})
    data["cost"] = network.cost.fn(trace["activations"][-1], y)
    data["numerical"] = numerical_gradient(network, x, y, data["h"])
    data["max_error"] = max_relative_error((trace["nabla_b"], trace["nabla_w"]), data["numerical"],
                                           backprop.ERROR_FLOOR)
