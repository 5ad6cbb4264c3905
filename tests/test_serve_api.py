"""Tests for the classroom page's server (mnist_scratch.serve, mnist_scratch/classroom/).

A real server runs in a thread on a free port (port 0), with the best shipped
network, and is talked to over HTTP: with urllib as a browser would, and
with raw sockets where a request must be malformed on purpose. Real MNIST
test digits are drawn large and must be read right; every malformed request
must get a 4xx JSON error naming its problem, and the server must go on
answering; no file outside the page's folder may ever be served.
"""

import base64
import json
import math
import multiprocessing
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from conftest import ROOT
from mnist_scratch import backprop, preprocess, serve
from mnist_scratch.classroom import api
from mnist_scratch.classroom.server import MAX_BODY, STATIC_DIR, make_server
from mnist_scratch.classroom import sessions as sessions_module
from mnist_scratch.classroom.sessions import Session, Sessions, TrainingData, check_settings
from mnist_scratch.classroom.turns import Turns
from mnist_scratch.datasets import load_mnist
from mnist_scratch.linalg import argmax
from mnist_scratch.network import Network
from mnist_scratch.predict import load_network, output_shares

TIMEOUT = 120  # seconds any one request may take before the test gives up (never asserted)


@pytest.fixture(scope="module")
def network():
    return load_network()


@pytest.fixture(scope="module")
def server(network):
    server = make_server(network, "shipped.json", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(TIMEOUT)


@pytest.fixture(scope="module")
def digits():
    return load_mnist("test", limit=40)


def call(server, path, body=None, method=None):
    """(status, decoded JSON answer) of a request made with urllib."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(server.url + path.lstrip("/"), data=data, headers=headers,
                                     method=method)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        with e:
            return e.code, json.loads(e.read())


def raw(server, data, shut_write=False):
    """Send the bytes ``data`` as they are; returns (status, headers text, body bytes)."""
    host, port = server.server_address[:2]
    with socket.create_connection((host, port), timeout=TIMEOUT) as s:
        s.sendall(data)
        if shut_write:
            s.shutdown(socket.SHUT_WR)
        received = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            length = [line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:")]
            if length and len(body) >= int(length[0]):
                break
    head, _, body = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    return status, head.decode("latin-1"), body


def drawing(x, scale, margin=0):
    """An MNIST image drawn large: each pixel a scale x scale block, ink high (0-255)."""
    side = 28 * scale + 2 * margin
    pixels = [0] * (side * side)
    for r in range(28 * scale):
        for c in range(28 * scale):
            pixels[(r + margin) * side + c + margin] = round(255 * x[(r // scale) * 28 + c // scale])
    return {"width": side, "height": side, "pixels": pixels}


# ------------------------------------------------------------------ the page

def test_the_page_and_each_of_its_files_are_served(server):
    with urllib.request.urlopen(server.url, timeout=TIMEOUT) as response:
        page = response.read().decode()
        assert response.headers["Content-Type"].startswith("text/html")
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    for element in ('id="pad"', 'id="clear"', 'id="prediction"', 'id="train-start"',
                    'id="train-accuracy"', 'id="bp-next"', 'id="bp-prev"'):
        assert element in page
    names = sorted(os.listdir(STATIC_DIR))
    assert {"index.html", "style.css", "app.js"} <= set(names)
    for name in names:
        with urllib.request.urlopen(server.url + name, timeout=TIMEOUT) as response:
            with open(os.path.join(STATIC_DIR, name), "rb") as f:
                assert response.read() == f.read()
    # Every script the page imports is one of its own files: nothing from the internet.
    for name in names:
        if name.endswith(".js"):
            with open(os.path.join(STATIC_DIR, name), encoding="utf-8") as f:
                text = f.read()
            assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
            assert "https://" not in text
            for module in re.findall(r'(?:from|import)\s+"([^"]+)"', text):
                assert module.startswith("./") and module[2:] in names, module


def test_the_network_summary_has_the_first_layers_weight_images(server, network):
    status, summary = call(server, "/api/network")
    assert status == 200
    assert summary["sizes"] == network.sizes and summary["name"] == "shipped.json"
    packed = summary["weights"]
    assert (packed["rows"], packed["cols"]) == (network.sizes[1], 784)
    assert len(base64.b64decode(packed["data"])) == network.sizes[1] * 784


# ------------------------------------------------------------------ reading drawings

def test_real_mnist_digits_drawn_large_are_read_right(server, digits):
    right = 0
    for x, label in digits[:20]:
        status, answer = call(server, "/api/predict", drawing(x, 10))  # 280 x 280
        assert status == 200
        shares = answer["probabilities"]
        assert len(shares) == 10 and all(0.0 <= p <= 1.0 for p in shares)
        assert abs(sum(shares) - 1.0) < 1e-3
        assert answer["digit"] == argmax(shares)
        assert len(answer["input"]) == 784 and all(0.0 <= v <= 1.0 for v in answer["input"])
        assert len(answer["why"]) == 784 and answer["why_limit"] > 0
        right += answer["digit"] == label
    assert right >= 17, right  # the shipped network reads 19 of these 20


def test_a_drawing_is_read_exactly_as_predict_reads_a_picture(server, network, digits):
    x, label = digits[20]
    body = drawing(x, 4, margin=20)
    status, answer = call(server, "/api/predict", body)
    assert status == 200
    grey = [[255.0 - p for p in body["pixels"][r * body["width"]:(r + 1) * body["width"]]]
            for r in range(body["height"])]
    [(box, vector)] = preprocess.prepare(grey, single=True)
    outputs = network.feedforward(vector)
    assert answer["box"] == list(box)
    assert answer["input"] == [round(v, 4) for v in vector]
    assert answer["probabilities"] == [round(p, 4) for p in output_shares(outputs)]
    assert answer["digit"] == argmax(outputs) == label
    zs, activations = network.forward(vector)
    assert answer["hidden"] == [round(a, 4) for a in activations[1]]


def test_drawings_are_read_in_a_child_process_which_is_replaced_if_it_dies(server, digits):
    if not server.reader.in_child:
        pytest.skip("this Python cannot start a child process to read drawings (Debian's PyPy 3.9: "
                    "its ProcessPoolExecutor cannot spawn); they are read in the server instead")
    x, label = digits[21]
    assert call(server, "/api/predict", drawing(x, 4))[1]["digit"] == label  # the child is up
    child = server.reader.child_pid()
    assert child != os.getpid() and child in [c.pid for c in multiprocessing.active_children()]
    os.kill(child, signal.SIGKILL)  # the child this test's server started
    for _ in range(100):
        if child not in [c.pid for c in multiprocessing.active_children()]:
            break
        threading.Event().wait(0.1)
    status, answer = call(server, "/api/predict", drawing(x, 4))  # read here, a new child started
    assert status == 200 and answer["digit"] == label
    assert server.reader.in_child and server.reader.child_pid() not in (None, child)
    assert call(server, "/api/predict", drawing(x, 4))[1]["digit"] == label


def test_a_blank_drawing_has_no_digit(server):
    status, answer = call(server, "/api/predict", {"width": 50, "height": 40, "pixels": [0] * 2000})
    assert status == 200
    assert answer["digit"] is None and "no ink" in answer["message"]


def test_the_why_picture_is_gradient_times_input():
    """Without a hidden layer it is exactly ink x weight; with one, x_k dz/dx_k
    agrees with central differences of z, the digit's weighted input."""
    rng = random.Random(3)
    x = [rng.random() if rng.random() < 0.3 else 0.0 for _ in range(784)]
    single = Network([784, 10], seed=2)
    zs, activations = single.forward(x)
    push = api.pixel_push(single, zs, activations, 4)
    assert push == [w * v for w, v in zip(single.weights[0][4], x)]
    for activation in ("sigmoid", "relu", "tanh"):
        deep = Network([784, 12, 9, 10], seed=5, activation=activation)
        zs, activations = deep.forward(x)
        push = api.pixel_push(deep, zs, activations, 7)
        h = 1e-6
        for k in [k for k, v in enumerate(x) if v][:15]:
            up, down = list(x), list(x)
            up[k] += h
            down[k] -= h
            slope = (deep.forward(up)[0][-1][7] - deep.forward(down)[0][-1][7]) / (2 * h)
            assert math.isclose(push[k], x[k] * slope, rel_tol=1e-5, abs_tol=1e-9), (activation, k)
        assert all(p == 0.0 for p, v in zip(push, x) if not v)


def test_weight_images_share_one_scale_and_survive_nan():
    rows = [[0.0] * 784 for _ in range(3)]
    rows[0][5] = 1.0
    rows[1][6] = -1.0
    rows[2][7] = float("nan")
    packed = api.weight_images(rows)
    data = base64.b64decode(packed["data"])
    assert (packed["rows"], packed["cols"], len(data)) == (3, 784, 3 * 784)
    assert data[5] == 255 and data[784 + 6] == 0 and data[2 * 784 + 7] == 128
    assert data[0] == 128
    assert api.weight_images([[0.0] * 4])["scale"] == 1.0


# ------------------------------------------------------------------ refusing bad requests

def post(path, body, content_type="application/json", extra=b""):
    """A raw POST whose body is the bytes ``body``."""
    return (b"POST %s HTTP/1.1\r\nHost: test\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n%s"
            % (path.encode(), content_type.encode(), len(body), extra, body))


def get(path):
    return b"GET %s HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n" % path.encode()


GOOD_PIXELS = [0] * 16
BAD_PREDICTS = [
    (b"not json", "not valid JSON"),
    (b"", "not valid JSON"),
    (b"[]", "must be a JSON object"),
    (b'"text"', "must be a JSON object"),
    (b'{"height": 4, "pixels": []}', "width is missing"),
    (b'{"width": 0, "height": 4, "pixels": []}', "width must be a whole number from 1 to 400"),
    (b'{"width": 401, "height": 4, "pixels": []}', "width must be a whole number from 1 to 400"),
    (b'{"width": "4", "height": 4, "pixels": []}', "width must be a whole number"),
    (b'{"width": true, "height": 4, "pixels": []}', "width must be a whole number"),
    (b'{"width": 4.5, "height": 4, "pixels": []}', "width must be a whole number"),
    (b'{"width": 4, "height": 4}', "pixels must be an array"),
    (b'{"width": 4, "height": 4, "pixels": {"a": 1}}', "pixels must be an array"),
    (b'{"width": 4, "height": 4, "pixels": [1, 2, 3]}', "pixels has 3 numbers, but width x height"),
    (b'{"width": 2, "height": 2, "pixels": [0, 0, 0, -1]}', "pixels: entry 3 is -1"),
    (b'{"width": 2, "height": 2, "pixels": [0, 256, 0, 0]}', "pixels: entry 1 is 256"),
    (b'{"width": 2, "height": 2, "pixels": [0, 0, "a", 0]}', 'pixels: entry 2 is "a"'),
    (b'{"width": 2, "height": 2, "pixels": [0, null, 0, 0]}', "pixels: entry 1 is null"),
    (b'{"width": 2, "height": 2, "pixels": [0, true, 0, 0]}', "pixels: entry 1 is true"),
    (b'{"width": 2, "height": 2, "pixels": [0, [1], 0, 0]}', "pixels: entry 1 is [1]"),
    (b'{"width": 2, "height": 2, "pixels": [0, NaN, 0, 0]}', "NaN is not a number JSON allows"),
    (b'{"width": 2, "height": 2, "pixels": [0, Infinity, 0, 0]}', "Infinity is not a number"),
    (b'{"width": 2, "height": 2, "pixels": [0, 1e999, 0, 0]}', "pixels: entry 1 is Infinity"),
    (b'{"width": 1' + b"0" * 5000 + b', "height": 2}', "not valid JSON"),
    (b"[" * 100000 + b"]" * 100000, "not valid JSON"),
    (b'{"width": 2, "height": 2, "pixels": [0, 0, 0, 0]} trailing', "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
]


@pytest.mark.parametrize("body, problem", BAD_PREDICTS)
def test_a_malformed_drawing_gets_400_naming_the_problem(server, body, problem):
    status, _, answer = raw(server, post("/api/predict", body))
    assert status == 400
    assert problem in json.loads(answer)["error"]
    assert call(server, "/api/options")[0] == 200  # and the server carries on


BAD_REQUESTS = [
    (post("/api/predict", b"{}", content_type="text/plain"), 415, "Content-Type: application/json"),
    (b"POST /api/predict HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\r\n{}", 411,
     "needs a Content-Length"),
    (b"POST /api/predict HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
     411, "no Transfer-Encoding"),
    (b"POST /api/predict HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n{}", 400,
     "Content-Length must be one whole number"),
    (b"POST /api/predict HTTP/1.1\r\nHost: t\r\nContent-Length: -2\r\n\r\n{}", 400,
     "Content-Length must be one whole number"),
    (b"POST /api/predict HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
     400, "Content-Length must be one whole number"),
    (b"POST /api/predict HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1)
     + b" " * (MAX_BODY + 1), 413, "more than the %d this server takes" % MAX_BODY),
    (b"POST /api/predict HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999\r\n\r\n", 413,
     "more than the"),
    (get("/api/predict"), 405, "/api/predict takes POST, not GET"),
    (b"PUT /api/predict HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", 405, "not PUT"),
    (b"DELETE / HTTP/1.1\r\nHost: t\r\n\r\n", 405, "GET it, not DELETE"),
    (post("/index.html", b"{}"), 405, "GET it, not POST"),
    (post("/api/network", b"{}"), 405, "takes GET, not POST"),
    (b"BREW /api/predict HTTP/1.1\r\nHost: t\r\n\r\n", 501, "Unsupported method"),
    (get("/api/nothing"), 404, "no such API endpoint"),
    (get("/nothing.html"), 404, "not found"),
    (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414, "Long"),
    (b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 101 + b"\r\n", 431, "Too many headers"),
    # the backprop walkthrough
    (post("/api/backprop", b'{"sizes": [2, 30]}'), 400, "1 to 8 neurons"),
    (post("/api/backprop", b'{"sizes": "2 3 2"}'), 400, "sizes must be an array"),
    (post("/api/backprop", b'{"x": [1, 2, 3]}'), 400, "x must be an array of 2 numbers"),
    (post("/api/backprop", b'{"y": [5, 0]}'), 400, "y: entry 0 is 5"),
    (post("/api/backprop", b'{"seed": -1}'), 400, "seed must be a whole number"),
    (post("/api/backprop", b'{"weights": [[[1, 2], [3, 4]]]}'), 400, "weights must be an array of 2"),
    (post("/api/backprop", b'{"weights": [[[1, 2], [3, 4]], [[1, 2, 3], [4, 5, 6]]]}'), 400,
     "weights[0] (layer 2) must be 3 rows of 2 numbers"),
    (post("/api/backprop", b'{"weights": [[[1, 2], [3, 4], [5, 1e6]], [[1, 2, 3], [4, 5, 6]]]}'),
     400, "weights[0] (layer 2) row 2: entry 1 is 1000000.0"),
    (post("/api/backprop", b'{"biases": [[1, 2, 3], [1]]}'), 400, "biases[1] (layer 3) must be"),
    # live training
    (post("/api/train", b'{"session": "x", "action": "start"}'), 400, "session must be an id"),
    (post("/api/train", b'{"session": "../../etc/passwd", "action": "start"}'), 400,
     "session must be an id"),
    (post("/api/train", b'{"session": "abcdefgh12", "action": "explode"}'), 400,
     "action must be one of start, pause, step, reset"),
    (post("/api/train", b'{"session": "abcdefgh12", "action": "reset", "settings": []}'), 400,
     "settings must be a JSON object"),
    (post("/api/train", b'{"session": "abcdefgh12", "action": "reset", "settings": {"hidden": 1000}}'),
     400, "hidden must be a whole number from 0 to 100"),
    (post("/api/train", b'{"session": "abcdefgh12", "action": "reset", "settings": {"eta": 0}}'),
     400, "eta must be a number from 0.0001 to 1000"),
    (post("/api/train", b'{"session": "abcdefgh12", "action": "reset", "settings": {"cost": "x"}}'),
     400, "cost must be one of quadratic, cross-entropy, log-likelihood"),
    (post("/api/train", b'{"session": "abcdefgh12", "action": "reset", "settings": {"colour": 1}}'),
     400, "unknown setting \"colour\""),
    (get("/api/train?session=short"), 400, "session must be an id"),
    (get("/api/train?session=abcdefgh12&since=-1"), 400, "since must be 0 or more"),
    (get("/api/train?session=abcdefgh12&since=abc"), 400, "since must be a whole number"),
    (get("/api/train?session=abcdefgh12&colour=red"), 400, "unknown query parameter"),
    (get("/api/train?session=abcdefgh12&since=1&since=2"), 400, "given once"),
]


@pytest.mark.parametrize("request_bytes, status, problem", BAD_REQUESTS,
                         ids=[r[0].split(b"\r\n")[0].decode()[:40] + " " + str(r[1])
                              for r in BAD_REQUESTS])
def test_a_bad_request_gets_a_4xx_json_error_and_the_server_carries_on(server, request_bytes,
                                                                        status, problem):
    got, head, body = raw(server, request_bytes)
    assert got == status
    assert "application/json" in head
    assert problem in json.loads(body)["error"]
    if status == 405:
        assert "\r\nAllow: " in head
    assert call(server, "/api/options")[0] == 200


def test_a_body_shorter_than_its_content_length_gets_400(server):
    request = b"POST /api/predict HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{}"
    status, _, body = raw(server, request, shut_write=True)
    assert status == 400
    assert "ended after 2 of the 100 bytes" in json.loads(body)["error"]


def test_a_too_large_body_sent_by_urllib_gets_413(server):
    status, answer = call(server, "/api/predict", {"width": 1, "height": 1,
                                                   "pixels": [255] * (MAX_BODY // 4)})
    assert status == 413 and "more than the" in answer["error"]


# ------------------------------------------------------------------ path traversal

SECRETS = [os.path.join(ROOT, "setup.py"), os.path.join(STATIC_DIR, "..", "server.py")]
TRAVERSALS = ["/../setup.py", "/%2e%2e/setup.py", "/%2e%2e%2fsetup.py", "/..%2f..%2fsetup.py",
              "/static/../../setup.py", "/%2E%2E/%2E%2E/setup.py", "/..%5c..%5csetup.py",
              "/%252e%252e/setup.py", "//etc/passwd", "/etc/passwd", "/server.py", "/__init__.py",
              "/classroom/server.py", "/static/app.js/../../server.py", "/app.js%00.html",
              "/.%2e/server.py", "/C:/Windows/win.ini", "/" + os.path.join(ROOT, "setup.py"),
              "/index.html/..", "/./app.js"]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_nothing_outside_the_pages_folder_is_served(server, path):
    status, head, body = raw(server, get(path))
    assert 400 <= status < 500
    assert "application/json" in head
    for secret in SECRETS:
        with open(secret, "rb") as f:
            assert f.read()[:200] not in body


def test_an_absolute_url_as_request_target_is_refused(server):
    status, _, body = raw(server, get("http://example.com/../setup.py"))
    assert status == 400 and "must be a path" in json.loads(body)["error"]


# ------------------------------------------------------------------ many students at once

@pytest.mark.slow
def test_twenty_clients_drawing_at_once_are_all_answered(server, digits):
    """20 clients x 20 requests at once, each a 112 x 112 drawing as the page sends.
    Every request gets its answer (each may take up to TIMEOUT seconds)."""
    bodies = [(drawing(x, 4), label) for x, label in digits[:20]]
    answers = []
    failures = []
    lock = threading.Lock()

    def client(k):
        for i in range(20):
            body, label = bodies[(k + i) % len(bodies)]
            try:
                status, answer = call(server, "/api/predict", body)
            except OSError as e:  # a refused or dropped connection
                with lock:
                    failures.append(repr(e))
                continue
            with lock:
                answers.append((status, answer["digit"], label))

    clients = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(20)]
    for c in clients:
        c.start()
    for c in clients:
        c.join(20 * TIMEOUT)
    assert not any(c.is_alive() for c in clients)
    assert failures == []
    assert len(answers) == 400 and all(status == 200 for status, _, _ in answers)
    assert sum(digit == label for _, digit, label in answers) >= 360  # 19 of 20 digits are right


# ------------------------------------------------------------------ the backprop walkthrough

def test_the_walkthrough_is_the_librarys_and_follows_an_edited_weight(server):
    status, answer = call(server, "/api/backprop", {})
    data = backprop.walkthrough([2, 3, 2], 1)
    assert status == 200 and answer["agrees"]
    for key in ("zs", "activations", "deltas", "nabla_b", "nabla_w", "cost", "x", "y"):
        assert answer[key] == data[key]
    weights = answer["weights"]
    weights[1][0][2] = 1.5  # one weight of layer 3
    status, edited = call(server, "/api/backprop", {"x": [0.2, 0.9], "y": [0, 1],
                                                    "weights": weights, "biases": answer["biases"]})
    assert status == 200 and edited["agrees"] and edited["weights"][1][0][2] == 1.5
    network = Network.from_parameters(weights, answer["biases"])
    trace = network.backprop_trace([0.2, 0.9], [0.0, 1.0])
    for key in ("zs", "activations", "deltas", "nabla_b", "nabla_w"):
        assert edited[key] == trace[key]
    assert edited["deltas"] != answer["deltas"]


# ------------------------------------------------------------------ live training

def test_settings_are_checked_and_completed():
    assert check_settings({}) == {"hidden": 30, "eta": 3.0, "batch": 10, "init": "scaled",
                                  "cost": "quadratic", "activation": "sigmoid", "seed": 1}
    assert check_settings({"hidden": 0, "eta": 1, "seed": 7.0})["seed"] == 7
    with pytest.raises(api.ApiError, match="batch must be a whole number from 1 to 100"):
        check_settings({"batch": 0})


def test_sessions_are_bounded_and_the_quietest_goes_first():
    sessions = Sessions(max_sessions=3)
    for name in ("first-session", "second-session", "third-session"):
        assert sessions.act(name, "reset", {"hidden": 5})["state"] == "ready"
    sessions.status("first-session")  # heard from again: now the second is the quietest
    sessions.act("fourth-session", "reset", {"hidden": 0})
    assert len(sessions) == 3
    assert sessions.status("second-session")["state"] == "none"
    assert sessions.status("first-session")["sizes"] == [784, 5, 10]
    assert sessions.status("fourth-session")["sizes"] == [784, 10]
    sessions.stop_all()


@pytest.mark.slow
def test_a_session_whose_page_went_quiet_pauses_itself(monkeypatch):
    monkeypatch.setattr(sessions_module, "IDLE_PAUSE_SECONDS", 1.0)
    session = Session("quiet-session", check_settings({"hidden": 5}), TrainingData(), Turns())
    session.start()
    for _ in range(1200):  # at most 2 minutes (never asserted as a speed)
        if session.state == "paused":
            break
        threading.Event().wait(0.1)
    assert session.state == "paused" and session.message == "paused: the page was away"
    seen = session.status()["examples_seen"]
    assert seen > 0
    threading.Event().wait(0.5)
    assert session.status()["examples_seen"] == seen
    session.stop()
    session.join(TIMEOUT)
    assert session.state == "stopped"


@pytest.mark.slow
def test_a_session_learns_pauses_steps_and_resets(server):
    """A [784, 20, 10] network trains live past 80% on the validation images; then
    pausing stops it, one step trains exactly one mini-batch, reset starts over."""
    sid = "test-session-1"
    settings = {"hidden": 20, "eta": 3, "batch": 10, "seed": 3}
    status, answer = call(server, "/api/train", {"session": sid, "action": "start",
                                                 "settings": settings})
    assert status == 200 and answer["state"] in ("loading", "running")
    assert answer["weights"]["rows"] == 20
    points = []
    while True:
        status, answer = call(server, "/api/train?session=%s&since=%d&weights=%d"
                              % (sid, len(points), answer["weights_version"]))
        assert status == 200 and answer["state"] in ("loading", "running"), answer
        points += answer["points"]
        if answer["validation_accuracy"] is not None and answer["validation_accuracy"] > 0.8:
            break
        threading.Event().wait(0.3)
    assert len(points) == answer["points_total"] >= 2
    assert points[0]["validation_accuracy"] < 0.3  # where it started: about chance
    assert [p["examples"] for p in points] == sorted(p["examples"] for p in points)
    call(server, "/api/train", {"session": sid, "action": "pause", "settings": settings})
    threading.Event().wait(0.5)
    paused = call(server, "/api/train?session=" + sid)[1]
    assert paused["state"] == "paused"
    threading.Event().wait(0.5)
    assert call(server, "/api/train?session=" + sid)[1]["examples_seen"] == paused["examples_seen"]
    call(server, "/api/train", {"session": sid, "action": "step", "settings": settings})
    for _ in range(200):
        stepped = call(server, "/api/train?session=" + sid)[1]
        if stepped["examples_seen"] != paused["examples_seen"]:
            break
        threading.Event().wait(0.05)
    threading.Event().wait(0.5)
    stepped = call(server, "/api/train?session=" + sid)[1]
    assert stepped["examples_seen"] == paused["examples_seen"] + 10
    assert stepped["state"] == "paused"
    status, reset = call(server, "/api/train", {"session": sid, "action": "reset",
                                                "settings": settings})
    assert reset["state"] == "ready" and reset["examples_seen"] == 0 and reset["points"] == []


# ------------------------------------------------------------------ the command

def test_a_bad_network_file_or_port_is_one_line_and_exit_2(tmp_path, capsys):
    missing = str(tmp_path / "missing.json")
    assert serve.main(["--network", missing, "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("python -m mnist_scratch.serve: error: ") and missing in err
    assert len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit) as stopped:
        serve.main(["--port", "99999"])
    assert stopped.value.code == 2
    assert "not a port number" in capsys.readouterr().err


def test_the_command_serves_warns_on_a_public_address_and_stops_on_ctrl_c():
    process = subprocess.Popen([sys.executable, "-m", "mnist_scratch.serve", "--port", "0",
                                "--host", "0.0.0.0", "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = process.stdout.readline()
        assert line.startswith("The classroom page is at http://127.0.0.1:"), line
        url = line.split(" at ")[1].split(" ")[0]
        with urllib.request.urlopen(url + "api/options", timeout=TIMEOUT) as response:
            assert json.loads(response.read())["defaults"]["hidden"] == 30
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert "Stopped." in out
    assert "warning: listening on 0.0.0.0" in err and "trusted network" in err
    assert "Traceback" not in err

