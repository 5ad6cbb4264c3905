"""Tests for formats.py and history.py: saved networks and training histories, and hostile files.

Every loader must refuse a bad file with one line that names it: deeply
nested JSON, /dev/zero, gzip bombs, NaN, duplicate keys, 20 MB strings. The
round trips and the documented format are step 3 (saved files).
"""

import gzip
import json
import math
import os
import re
import stat
import sys
import threading

import pytest

from conftest import NETWORKS_DIR, current_umask, gzip_bomb, parameter_bits, synthetic_data
from mnist_scratch import fileio, formats, history as history_module
from mnist_scratch.formats import FORMAT, FORMAT_VERSION, MAX_NESTING, NetworkFormatError
from mnist_scratch.network import Network
from mnist_scratch.training import History, evaluate, sgd

step3 = pytest.mark.step3




def assert_one_line_naming(error, path):
    message = str(error.value)
    assert str(path) in message
    assert "\n" not in message
    return message


# ------------------------------------------------------------ networks: round trips

def trained_looking_network():
    net = Network([7, 5, 3], seed=12)
    net.weights[0][0][0] = 1 / 3            # floats that need all 17 digits
    net.weights[1][2][4] = -0.0
    net.biases[1][0] = 5e-324               # the smallest subnormal
    net.meta = {"epoch": 3, "validation_accuracy": 0.9581, "note": "ünïcode", "nested": [1, {"a": None}]}
    return net


@step3
def test_save_load_round_trip_is_bit_for_bit(tmp_path):
    net = trained_looking_network()
    path = str(tmp_path / "net.json")
    net.save(path)
    loaded = Network.load(path)
    assert loaded.sizes == net.sizes and loaded.num_layers == 3
    assert parameter_bits(loaded) == parameter_bits(net)
    assert loaded.meta == net.meta
    x = [0.1 * k for k in range(7)]
    assert loaded.feedforward(x) == net.feedforward(x)


@step3
def test_saved_file_is_the_documented_json(tmp_path):
    net = trained_looking_network()
    path = tmp_path / "net.json"
    net.save(str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT == "mnist_scratch.network"
    assert data["version"] == FORMAT_VERSION == 2
    assert data["sizes"] == [7, 5, 3]
    assert (data["cost"], data["activations"]) == ("quadratic", ["sigmoid", "sigmoid"])
    assert "activation" not in data
    assert data["weights"] == net.weights and data["biases"] == net.biases
    assert data == net.to_dict() == formats.network_to_dict(net)


@step3
def test_a_version_1_file_written_by_hand_still_loads(tmp_path):
    """The exact text of a version-1 file, as the first release wrote it: it must keep loading."""
    path = tmp_path / "old.json"
    path.write_text('{"format":"mnist_scratch.network","version":1,"sizes":[2,1],'
                    '"activation":"sigmoid","cost":"quadratic","weights":[[[0.5,-1.25]]],'
                    '"biases":[[0.1]],"meta":{"epoch":2}}\n', encoding="utf-8")
    net = Network.load(str(path))
    assert (net.sizes, net.weights, net.biases, net.meta) == ([2, 1], [[[0.5, -1.25]]], [[0.1]],
                                                               {"epoch": 2})
    assert (net.cost.name, net.activation_names) == ("quadratic", ["sigmoid"])


COMBINATIONS = [(cost, activation) for cost in ("quadratic", "cross-entropy", "log-likelihood")
                for activation in ("sigmoid", "tanh", "relu")]


@step3
@pytest.mark.parametrize("cost, activation", COMBINATIONS)
def test_version_2_round_trips_every_cost_and_activation(tmp_path, cost, activation):
    net = Network([6, 5, 4, 3], seed=3, activation=activation, cost=cost)
    net.meta = {"epoch": 1}
    path = tmp_path / "net.json"
    net.save(str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    output = "softmax" if cost == "log-likelihood" else "sigmoid"
    assert (data["version"], data["cost"]) == (2, cost)
    assert data["activations"] == [activation, activation, output]
    loaded = Network.load(str(path))
    assert (loaded.cost, loaded.activation) == (net.cost, net.activation)
    assert loaded.activation_names == net.activation_names == data["activations"]
    assert parameter_bits(loaded) == parameter_bits(net) and loaded.meta == {"epoch": 1}
    x = [0.5, 0.0, 1.0, 0.25, 0.0, 0.75]
    assert loaded.feedforward(x) == net.feedforward(x)


@step3
def test_a_single_layer_network_round_trips_with_its_cost(tmp_path):
    """No hidden layer: "activations" is the output layer's alone."""
    net = Network([4, 3], seed=1, cost="log-likelihood")
    path = str(tmp_path / "net.json")
    net.save(path)
    assert net.to_dict()["activations"] == ["softmax"]
    loaded = Network.load(path)
    assert loaded.cost.name == "log-likelihood" and loaded.activation_names == ["softmax"]


@step3
def test_hidden_layers_that_differ_are_refused():
    data = Network([3, 2, 2, 2], seed=0, activation="tanh").to_dict()
    data["activations"] = ["tanh", "relu", "sigmoid"]
    with pytest.raises(NetworkFormatError, match="hidden layers must share one activation"):
        Network.from_dict(data, "net.json")


# The [784, 10] network of the first release, a version 1 file, kept as it was saved.
VERSION_1_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "networks",
                              "mnist-784-10-version-1.json")


@step3
def test_a_version_1_file_of_the_first_release_still_loads_and_reads_digits(tmp_path, test_set):
    """Version 1: sigmoid neurons, the quadratic cost. It still scores its 91.71% on
    test, and saved again it becomes a version 2 file with the same numbers."""
    with open(VERSION_1_FILE, encoding="utf-8") as f:
        assert json.load(f)["version"] == 1
    net = Network.load(VERSION_1_FILE)
    assert net.sizes == [784, 10]
    assert net.cost.name == "quadratic" and net.activation_names == ["sigmoid"]
    assert evaluate(net, test_set).correct == 9171
    net.save(str(tmp_path / "again.json"))
    again = Network.load(str(tmp_path / "again.json"))
    assert again.to_dict()["version"] == 2 and parameter_bits(again) == parameter_bits(net)


@step3
@pytest.mark.parametrize("name", ["mnist-784-30-10.json", "mnist-784-10.json",
                                  "mnist-784-100-10.json"])
def test_the_shipped_networks_load(name, tmp_path):
    """Version 2 files, written by learn; chapter 1's are sigmoid networks with the
    quadratic cost. Saved again, the same numbers."""
    path = os.path.join(NETWORKS_DIR, name)
    with open(path, encoding="utf-8") as f:
        assert json.load(f)["version"] == 2
    net = Network.load(path)
    assert net.sizes[0] == 784 and net.sizes[-1] == 10
    assert net.meta["trained_by"] == "python -m mnist_scratch.learn"
    if name != "mnist-784-100-10.json":
        assert net.cost.name == "quadratic" and set(net.activation_names) == {"sigmoid"}
    net.save(str(tmp_path / "again.json"))
    again = Network.load(str(tmp_path / "again.json"))
    assert parameter_bits(again) == parameter_bits(net)


@step3
def test_a_gzipped_network_loads(tmp_path):
    net = trained_looking_network()
    path = tmp_path / "net.json.gz"
    path.write_bytes(gzip.compress(json.dumps(net.to_dict()).encode("utf-8")))
    assert parameter_bits(Network.load(str(path))) == parameter_bits(net)


@step3
def test_bigger_networks_load_well_under_the_size_limit(tmp_path):
    """A [784, 100, 10] network round-trips; from its bytes per parameter, a
    [784, 800, 10] one (636,010 parameters) is far below MAX_FILE_BYTES."""
    net = Network([784, 100, 10], seed=3)
    path = tmp_path / "net.json"
    net.save(str(path))
    assert parameter_bits(Network.load(str(path))) == parameter_bits(net)
    per_parameter = os.path.getsize(path) / (784 * 100 + 100 + 100 * 10 + 10)
    assert 15 < per_parameter < 30
    assert 636010 * per_parameter * 10 < formats.MAX_FILE_BYTES


@step3
def test_save_leaves_no_temporary_files_and_normal_permissions(tmp_path):
    path = tmp_path / "net.json"
    Network([3, 2], seed=0).save(str(path))
    Network([3, 2], seed=1).save(str(path))  # overwrite
    assert os.listdir(str(tmp_path)) == ["net.json"]
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o666 & ~current_umask()


@step3
@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_failed_save_keeps_the_old_file(tmp_path, monkeypatch, failure):
    """The new file is written to a temporary name and renamed: if anything fails
    (even Ctrl-C) before the rename, the old file is intact and no temp file is left."""
    path = tmp_path / "net.json"
    Network([3, 2], seed=0).save(str(path))
    old = path.read_bytes()

    def broken_replace(src, dst):
        raise failure
    monkeypatch.setattr(fileio.os, "replace", broken_replace)
    with pytest.raises(type(failure)):
        Network([3, 2], seed=1).save(str(path))
    assert path.read_bytes() == old
    assert os.listdir(str(tmp_path)) == ["net.json"]


@step3
def test_failed_serialisation_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "net.json"
    Network([3, 2], seed=0).save(str(path))
    old = path.read_bytes()

    def broken_dumps(*args, **kwargs):
        raise TypeError("cannot serialise")
    monkeypatch.setattr(formats.json, "dumps", broken_dumps)
    with pytest.raises(TypeError):
        Network([3, 2], seed=1).save(str(path))
    assert path.read_bytes() == old
    assert os.listdir(str(tmp_path)) == ["net.json"]


@step3
def test_save_into_a_missing_folder_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="no-such-folder"):
        Network([3, 2], seed=0).save(str(tmp_path / "no-such-folder" / "net.json"))


@step3
def test_load_missing_file_names_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.json"):
        Network.load(str(tmp_path / "absent.json"))


# ------------------------------------------------------------ networks: refusing to save

@step3
@pytest.mark.parametrize("spoil, where", [
    (lambda net: net.weights[0][1].__setitem__(2, math.nan), "weights[0][1][2] is nan"),
    (lambda net: net.biases[1].__setitem__(0, -math.inf), "biases[1][0] is -inf"),
    (lambda net: net.weights[1][0].__setitem__(0, 10 ** 400), "weights[1][0][0] is <an integer"),
    (lambda net: net.meta.update(score=math.inf), "meta['score'] is inf"),
    (lambda net: net.meta.update(tags={"a"}), "meta['tags'] is a set"),
])
def test_save_refuses_what_would_not_load(tmp_path, spoil, where):
    """NaN and Infinity are not JSON: the save names the first bad entry and writes nothing."""
    path = tmp_path / "net.json"
    net = Network([3, 4, 2], seed=0)
    net.save(str(path))
    old = path.read_bytes()
    spoil(net)
    with pytest.raises(ValueError) as error:
        net.save(str(path))
    message = assert_one_line_naming(error, path)
    assert message.startswith("refusing to save %s: " % path) and where in message
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["net.json"]


@step3
def test_huge_but_finite_weights_save_and_load(tmp_path):
    """A weight of 1e308 is a finite number: it saves and loads, and the network
    still computes (the weighted inputs overflow; the outputs are numbers or NaN,
    never an exception)."""
    net = Network([3, 2], seed=0)
    net.weights[0][0] = [1e308, 1e308, -1e308]
    net.biases[0][1] = -1.7976931348623157e308
    path = str(tmp_path / "net.json")
    net.save(path)
    loaded = Network.load(path)
    assert parameter_bits(loaded) == parameter_bits(net)
    output = loaded.feedforward([1.0, 1.0, 0.5])
    assert len(output) == 2 and output[1] == 0.0


# ------------------------------------------------------------ networks: malformed files

def valid_dict():
    return Network([3, 2, 2], seed=0).to_dict()


def edit(change):
    def make():
        data = valid_dict()
        change(data)
        return json.dumps(data)
    return make


def text_edit(old, new):
    """The valid file's text with ``old`` replaced by ``new`` (for what json.dumps will not write)."""
    def make():
        text = json.dumps(valid_dict())
        assert old in text
        return text.replace(old, new, 1)
    return make


# case -> (file text maker, words the message must contain)
MALFORMED_NETWORKS = {
    "not json": (lambda: "{this is not json", "not valid JSON"),
    "empty file": (lambda: "", "not valid JSON"),
    "an integer with 5000 digits": (lambda: '{"sizes": [' + "7" * 5000 + ', 2]}', "5000 digits"),
    "an integer with a million digits": (lambda: "[" + "7" * 10 ** 6 + "]", "1000000 digits"),
    "a list": (lambda: json.dumps([1, 2, 3]), "expected a JSON object, found list"),
    "a number": (lambda: "42", "found int"),
    "missing sizes": (edit(lambda d: d.pop("sizes")), "missing key 'sizes'"),
    "missing weights": (edit(lambda d: d.pop("weights")), "missing key 'weights'"),
    "missing biases": (edit(lambda d: d.pop("biases")), "missing key 'biases'"),
    "sizes disagree with weights": (edit(lambda d: d.update(sizes=[3, 4, 2])), "weights[0]"),
    "too few weight matrices": (edit(lambda d: d["weights"].pop()), "'weights' must be"),
    "too many bias vectors": (edit(lambda d: d["biases"].append([0.0, 0.0])), "'biases' must be"),
    "ragged row": (edit(lambda d: d["weights"][0][1].pop()), "weights[0][1] must be"),
    "missing row": (edit(lambda d: d["weights"][1].pop()), "weights[1] must have 2 rows"),
    "short bias vector": (edit(lambda d: d["biases"][1].pop()), "biases[1] must be"),
    "NaN weight": (edit(lambda d: d["weights"][0][0].__setitem__(0, float("nan"))),
                   "weights[0][0][0] is nan"),
    "Infinity bias": (edit(lambda d: d["biases"][0].__setitem__(1, float("inf"))),
                      "biases[0][1] is inf"),
    "-Infinity weight": (edit(lambda d: d["weights"][1][0].__setitem__(1, float("-inf"))),
                         "weights[1][0][1] is -inf"),
    "1e999 bias": (lambda: re.sub(r'"biases": \[\[[^,]*', '"biases": [[1e999', json.dumps(valid_dict())),
                   "biases[0][0] is inf, not a finite number"),
    "int too large for a float": (edit(lambda d: d["weights"][0][0].__setitem__(0, 10**400)),
                                  "not a finite number"),
    "string instead of a number": (edit(lambda d: d["weights"][0][0].__setitem__(0, "0.5")),
                                   "weights[0][0][0] is '0.5', not a number"),
    "null instead of a number": (edit(lambda d: d["biases"][0].__setitem__(0, None)),
                                 "biases[0][0] is None"),
    "bool instead of a number": (edit(lambda d: d["biases"][0].__setitem__(0, True)),
                                 "biases[0][0] is True"),
    "row is a number": (edit(lambda d: d["weights"][0].__setitem__(0, 1.0)), "found float"),
    "matrix is a dict": (edit(lambda d: d["weights"].__setitem__(0, {"a": 1})), "found dict"),
    "wrong version": (edit(lambda d: d.update(version=3)), "format version 3 is not supported"),
    "version true": (edit(lambda d: d.update(version=True)), "'version' must be a whole number"),
    "version 1.0": (edit(lambda d: d.update(version=1.0)), "'version' must be a whole number"),
    "version a string": (edit(lambda d: d.update(version="1")), "'version' must be"),
    "wrong format": (edit(lambda d: d.update(format="keras")), "format is 'keras'"),
    "unknown cost": (edit(lambda d: d.update(cost="hinge")), "unknown cost 'hinge'"),
    "cost not a string": (edit(lambda d: d.update(cost=["quadratic"])), "unknown cost ['quadratic']"),
    "missing cost": (edit(lambda d: d.pop("cost")), "missing key 'cost'"),
    "missing activations": (edit(lambda d: d.pop("activations")), "missing key 'activations'"),
    "activations a string": (edit(lambda d: d.update(activations="sigmoid")),
                             "'activations' must be a list of 2 names"),
    "too few activations": (edit(lambda d: d.update(activations=["sigmoid"])),
                            "'activations' must be a list of 2 names"),
    "unknown hidden activation": (edit(lambda d: d.update(activations=["swish", "sigmoid"])),
                                  "unknown hidden-layer activation 'swish'"),
    "softmax hidden layer": (edit(lambda d: d.update(cost="log-likelihood",
                                                     activations=["softmax", "softmax"])),
                             "unknown hidden-layer activation 'softmax'"),
    "output does not fit the cost": (edit(lambda d: d.update(cost="log-likelihood")),
                                     "the log-likelihood cost is 'softmax', found 'sigmoid'"),
    "softmax with the quadratic cost": (edit(lambda d: d.update(activations=["relu", "softmax"])),
                                        "the quadratic cost is 'sigmoid', found 'softmax'"),
    "version 1 relu": (edit(lambda d: d.update(version=1, activation="relu")),
                       "a version 1 network has sigmoid neurons only, found 'activation' 'relu'"),
    "version 1 activations": (edit(lambda d: d.update(version=1, activations=["tanh", "sigmoid"])),
                              "found 'activations' ['tanh', 'sigmoid']"),
    "version 1 cross-entropy": (edit(lambda d: d.update(version=1, cost="cross-entropy")),
                                "a version 1 network has the quadratic cost, found 'cross-entropy'"),
    "no version, with relu": (edit(lambda d: (d.pop("version"),
                                              d.update(activations=["relu", "sigmoid"]))),
                              'other activations need "version": 2'),
    "bool sizes": (edit(lambda d: d.update(sizes=[3, True, 2])), "'sizes' must be"),
    "float sizes": (edit(lambda d: d.update(sizes=[3.0, 2, 2])), "'sizes' must be"),
    "one size only": (edit(lambda d: d.update(sizes=[3])), "'sizes' must be"),
    "sizes not a list": (edit(lambda d: d.update(sizes="3 2 2")), "'sizes' must be"),
    "meta a list": (edit(lambda d: d.update(meta=[1, 2])), "'meta' must be a JSON object"),
    "meta null": (edit(lambda d: d.update(meta=None)), "'meta' must be a JSON object"),
    "meta a string": (edit(lambda d: d.update(meta="trained")), "'meta' must be a JSON object"),
    "NaN in meta": (text_edit('"meta": {}', '"meta": {"accuracy": NaN}'),
                    "meta['accuracy'] is nan"),
    "duplicate key": (text_edit('"sizes"', '"sizes": [3, 2, 2], "sizes"'),
                      "the key 'sizes' appears twice"),
    "duplicate key in meta": (text_edit('"meta": {}', '"meta": {"a": 1, "a": 2}'),
                              "the key 'a' appears twice"),
    "nested 1000 deep": (lambda: "[" * 1000 + "]" * 1000, "nested more than 100 deep"),
    "nested 100000 deep": (lambda: "[" * 100000 + "]" * 100000, "nested more than 100 deep"),
    "objects nested 1000 deep": (lambda: '{"a":' * 1000 + "1" + "}" * 1000,
                                 "nested more than 100 deep"),
    "meta nested 500 deep": (text_edit('"meta": {}', '"meta": {"a": ' + "[" * 500 + "]" * 500 + "}"),
                             "nested more than 100 deep"),
    "unclosed brackets 1000 deep": (lambda: "[" * 1000, "nested more than 100 deep"),
}


@step3
@pytest.mark.parametrize("case", sorted(MALFORMED_NETWORKS))
def test_malformed_network_files_are_rejected(tmp_path, case):
    make, words = MALFORMED_NETWORKS[case]
    path = tmp_path / "bad-network.json"
    path.write_text(make(), encoding="utf-8")
    with pytest.raises(NetworkFormatError) as error:
        Network.load(str(path))
    message = assert_one_line_naming(error, path)
    assert words in message
    assert len(message) < 250 + len(str(path))


@step3
def test_the_same_dicts_are_rejected_by_from_dict():
    data = valid_dict()
    data["version"] = True
    with pytest.raises(NetworkFormatError, match="^my network: 'version' must be"):
        Network.from_dict(data, name="my network")


@step3
def test_a_20_megabyte_string_is_cut_short_in_the_message(tmp_path):
    data = valid_dict()
    data["sizes"] = ["x" * (20 * 2 ** 20)]
    path = tmp_path / "net.json"
    path.write_text(json.dumps(data))
    with pytest.raises(NetworkFormatError) as error:
        Network.load(str(path))
    message = assert_one_line_naming(error, path)
    assert "'sizes' must be a list of at least two positive integers" in message
    assert "xxxx...xxxx" in message and len(message) < 200 + len(str(path))


@step3
def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path):
    net = Network([2, 1], seed=0)
    net.meta = {"note": "[" * 5000 + '{"\\' + "]" * 5000, "quote \"[[": ["ok"]}
    path = str(tmp_path / "net.json")
    net.save(path)
    assert Network.load(path).meta == net.meta


@step3
def test_nesting_up_to_the_limit_loads(tmp_path):
    """Lists in meta nested exactly MAX_NESTING deep (the file's object is level 1,
    meta level 2): it saves and loads; one level more is refused."""
    net = Network([2, 1], seed=0)
    value = []
    for _ in range(MAX_NESTING - 3):
        value = [value]
    net.meta = {"deep": value}
    path = str(tmp_path / "net.json")
    net.save(path)
    assert Network.load(path).meta == net.meta
    net.meta = {"deep": [value]}
    with pytest.raises(ValueError) as error:
        net.save(path)
    message = assert_one_line_naming(error, path)
    assert "refusing to save" in message and "nested more than 100 deep" in message
    assert len(message) < 150 + len(path)


@step3
def test_binary_file_is_rejected(tmp_path):
    path = tmp_path / "net.json"
    path.write_bytes(b"\xff\xfe\x00\x81 binary")
    with pytest.raises(NetworkFormatError, match="net.json: not a text"):
        Network.load(str(path))


@step3
def test_valid_edits_still_load(tmp_path):
    """The checks are not too strict: optional keys may be absent, ints are
    numbers, a byte order mark and unknown keys are fine."""
    data = valid_dict()
    for key in ("format", "version", "activations", "cost", "meta"):  # no version: version 1
        data.pop(key)
    data["weights"][0][0][0] = 1  # an int weight
    data["comment"] = "edited by hand"
    path = tmp_path / "net.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode("utf-8"))
    net = Network.load(str(path))
    assert net.weights[0][0][0] == 1.0 and type(net.weights[0][0][0]) is float
    assert net.meta == {}


@step3
def test_network_format_error_is_a_value_error_and_still_in_network():
    from mnist_scratch.network import NetworkFormatError as from_network
    assert from_network is NetworkFormatError
    assert issubclass(NetworkFormatError, ValueError)


# ------------------------------------------------------------ networks: not files, too large

@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_dev_zero_is_not_a_network_file():
    with pytest.raises(NetworkFormatError, match="^/dev/zero: not a regular file"):
        Network.load("/dev/zero")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    path = tmp_path / "pipe.json"
    os.mkfifo(str(path))
    with pytest.raises(NetworkFormatError, match="not a regular file"):
        Network.load(str(path))
    with pytest.raises(ValueError, match="not a regular file"):
        History.load(str(path))


def test_a_folder_is_not_a_network_file(tmp_path):
    with pytest.raises(NetworkFormatError) as error:
        Network.load(str(tmp_path))
    assert "not a regular file (it is a folder)" in assert_one_line_naming(error, tmp_path)


def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "net.json"
    Network([30, 20, 10], seed=0).save(str(path))  # about 14 KB
    monkeypatch.setattr(formats, "MAX_FILE_BYTES", 4096)
    with pytest.raises(NetworkFormatError) as error:
        Network.load(str(path))
    assert "more than 4096 bytes" in assert_one_line_naming(error, path)


def test_a_gzip_bomb_is_refused_with_bounded_memory(tmp_path, monkeypatch):
    """64 MB of zeros in about 64 KB of gzip: reading stops after the limit."""
    tracemalloc = pytest.importorskip("tracemalloc", reason="tracemalloc counts CPython's allocations")
    path = gzip_bomb(tmp_path / "net.json.gz", b'{"sizes": [', 64)
    monkeypatch.setattr(formats, "MAX_FILE_BYTES", 2 ** 20)
    tracemalloc.start()
    try:
        with pytest.raises(NetworkFormatError) as error:
            Network.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "more than 1 MB" in assert_one_line_naming(error, path)
    assert peak < 8 * 2 ** 20


# ------------------------------------------------------------ histories

def small_history():
    return sgd(Network([8, 6, 10], seed=1), synthetic_data(20), 3, 5, 3.0,
               evaluation_data=synthetic_data(10, seed=3), seed=1)




def test_history_round_trip_and_best_epoch(tmp_path):
    history = small_history()
    path = tmp_path / "history.json"
    history.save(str(path))
    assert json.loads(path.read_text())["epochs"] == history.epochs
    loaded = History.load(str(path))
    assert loaded.to_dict() == history.to_dict() == history_module.history_to_dict(history)
    best = loaded.best_epoch()
    assert best["evaluation_accuracy"] == max(e["evaluation_accuracy"] for e in history.epochs)


def test_gzipped_history_round_trip_is_the_same_bytes_every_time(tmp_path):
    history = small_history()
    first, second = tmp_path / "a.history.json.gz", tmp_path / "b.history.json.gz"
    history.save(str(first))
    history.save(str(second))
    assert first.read_bytes()[:2] == b"\x1f\x8b" and first.read_bytes() == second.read_bytes()
    assert History.load(str(first)).to_dict() == history.to_dict()


def test_the_shipped_history_loads():
    history = History.load(os.path.join(NETWORKS_DIR, "mnist-784-30-10.history.json.gz"))
    assert len(history.epochs) == 30 and history.settings["training_examples"] == 50000


def test_an_interrupted_mini_batch_record_is_dropped_on_save(tmp_path):
    """Ctrl-C between the three appends of one mini-batch leaves one list a step
    ahead: the save keeps the complete records, and the file loads."""
    history = small_history()
    history.batch_examples.append(history.batch_examples[-1] + 5)
    path = str(tmp_path / "history.json")
    history.save(path)
    loaded = History.load(path)
    assert loaded.batch_examples == history.batch_examples[:-1]
    assert len(loaded.batch_cost) == len(loaded.batch_accuracy) == len(loaded.batch_examples)


def epoch_record(**changes):
    record = {"epoch": 1, "seconds": 1.5, "examples_seen": 20, "train_cost": 0.2,
              "train_accuracy": 0.5, "evaluation_cost": 0.3, "evaluation_accuracy": 0.4,
              "evaluation_correct": 4, "evaluation_total": 10}
    record.update(changes)
    return record


def history_text(**changes):
    data = {"settings": {"training_examples": 20, "eta": 3.0}, "epochs": [epoch_record()],
            "batch_examples": [10, 20], "batch_cost": [0.25, 0.15], "batch_accuracy": [0.4, 0.6]}
    data.update(changes)
    return json.dumps(data)


# case -> (file text, words the message must contain)
BAD_HISTORIES = {
    "examples_seen 0": (history_text(epochs=[epoch_record(examples_seen=0)]),
                        '"examples_seen" is 0, not a positive number'),
    "a mini-batch of 0 examples": (history_text(batch_examples=[0, 0]),
                                   '"batch_examples"[0] is 0'),
    "training_examples 0": (history_text(settings={"training_examples": 0}), '"training_examples"'),
    "training_examples huge": (history_text(settings={"training_examples": 10 ** 400}),
                               '"training_examples"'),
    "NaN cost": (history_text(epochs=[epoch_record()]).replace('"train_cost": 0.2',
                                                               '"train_cost": NaN'),
                 '"train_cost" is nan, not a finite number'),
    "Infinity in a batch list": (history_text().replace("0.25", "Infinity"),
                                 '"batch_cost" is not a list of numbers'),
    "NaN in settings": (history_text().replace('"eta": 3.0', '"eta": NaN'),
                        "settings['eta'] is nan"),
    "accuracy above 1": (history_text(batch_accuracy=[0.4, 1.5]), '"batch_accuracy"[1] is 1.5'),
    "negative cost": (history_text(epochs=[epoch_record(evaluation_cost=-1)]),
                      '"evaluation_cost" is -1'),
    "evaluation_total 0": (history_text(epochs=[epoch_record(evaluation_total=0)]),
                           '"evaluation_total" is 0'),
    "epoch 0": (history_text(epochs=[epoch_record(epoch=0)]), '"epoch" is 0'),
    "nested 1000 deep": ("[" * 1000 + "]" * 1000, "nested more than 100 deep"),
    "settings nested 1000 deep": (history_text(settings={"a": 1}).replace(
        "1}", "[" * 1000 + "]" * 1000 + "}", 1), "nested more than 100 deep"),
    "duplicate key": (history_text().replace('"epochs"', '"epochs": [], "epochs"'),
                      "the key 'epochs' appears twice"),
    "not UTF-8": ("\udcff", "not a text"),
}


@pytest.mark.parametrize("case", sorted(BAD_HISTORIES))
def test_bad_history_files_are_refused_at_load(tmp_path, case):
    text, words = BAD_HISTORIES[case]
    path = tmp_path / "run.history.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(ValueError) as error:
        History.load(str(path))
    message = assert_one_line_naming(error, path)
    assert message.startswith("%s: not a training history (" % path)
    assert words in message


def test_the_good_history_of_those_cases_loads(tmp_path):
    path = tmp_path / "run.history.json"
    path.write_text(history_text())
    assert History.load(str(path)).batch_examples == [10, 20]


def test_a_history_gzip_bomb_is_refused(tmp_path, monkeypatch):
    path = gzip_bomb(tmp_path / "run.history.json.gz", b'{"epochs": [', 32)
    monkeypatch.setattr(formats, "MAX_FILE_BYTES", 2 ** 20)
    with pytest.raises(ValueError) as error:
        History.load(path)
    assert "more than 1 MB" in assert_one_line_naming(error, path)


def test_a_history_that_would_not_load_is_not_saved(tmp_path):
    history = small_history()
    history.batch_cost[1] = math.nan
    path = tmp_path / "run.history.json"
    with pytest.raises(ValueError) as error:
        history.save(str(path))
    message = assert_one_line_naming(error, path)
    assert message.startswith("refusing to save") and '"batch_cost"' in message
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------ threads

def test_saves_from_many_threads_at_once_are_all_complete(tmp_path):
    """The classroom server saves from threads: to different files and to the
    same one at once. Every file must be a complete network, no temporary file
    may remain, and the process umask must be unchanged."""
    umask = current_umask()
    nets = [Network([20, 10, 5], seed=seed) for seed in range(8)]
    shared = str(tmp_path / "shared.json")
    errors = []

    def work(k):
        try:
            for _ in range(5):
                nets[k].save(str(tmp_path / ("own-%d.json" % k)))
                nets[k].save(shared)
                History().save(str(tmp_path / ("own-%d.history.json.gz" % k)))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(nets))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert current_umask() == umask
    names = sorted(os.listdir(tmp_path))
    assert len(names) == 2 * len(nets) + 1 and not [n for n in names if n.startswith(".tmp-")]
    for k, net in enumerate(nets):
        assert parameter_bits(Network.load(str(tmp_path / ("own-%d.json" % k)))) == \
            parameter_bits(net)
        path = tmp_path / ("own-%d.history.json.gz" % k)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~umask
    assert parameter_bits(Network.load(shared)) in [parameter_bits(net) for net in nets]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_a_private_network_file_stays_private(tmp_path):
    path = tmp_path / "net.json"
    Network([3, 2], seed=0).save(str(path))
    os.chmod(path, 0o600)
    Network([3, 2], seed=1).save(str(path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
