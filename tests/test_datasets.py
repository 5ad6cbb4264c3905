"""Tests for datasets.py: the MNIST splits as (x, label) examples (step 1)."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import (DATA_DIR, NETWORKS_DIR, ROOT, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES,
                      TRAIN_LABELS, gzip_bomb, idx_header, make_mnist_folder, write_bytes)
from mnist_scratch import datasets
from mnist_scratch.datasets import (DataError, default_data_dir, find_data_dir, find_file,
                                    load_images, load_labels, load_mnist, networks_dir, one_hot,
                                    shipped_network)

pytestmark = pytest.mark.step1


# ------------------------------------------------------------ the real splits

def test_split_boundaries(monkeypatch):
    """Each split is the documented slice of its file (checked on the real headers
    and labels, with the pixel conversion replaced by the image indices)."""
    monkeypatch.setattr(datasets, "_images_to_vectors",
                        lambda data, start, end: list(range(start, end)))
    for split, first, end in [("train", 0, 50000), ("validation", 50000, 60000),
                              ("train-full", 0, 60000), ("test", 0, 10000)]:
        examples = load_mnist(split)
        assert len(examples) == end - first, split
        assert examples[0][0] == first and examples[-1][0] == end - 1, split


def test_train_full_has_60000_examples_in_the_documented_format(train_full):
    assert len(train_full) == 60000
    x, label = train_full[0]
    assert type(x) is list and len(x) == 784
    assert all(type(v) is float for v in x)
    assert type(label) is int
    assert {label for _, label in train_full} == set(range(10))


def test_pixels_are_in_zero_one_and_use_both_ends(test_set):
    assert len(test_set) == 10000
    low = min(min(x) for x, _ in test_set)
    high = max(max(x) for x, _ in test_set)
    assert (low, high) == (0.0, 1.0)
    # About 81% of the pixels are exactly zero (white paper).
    zeros = sum(x.count(0.0) for x, _ in test_set[:200])
    assert 0.75 < zeros / (200 * 784) < 0.87


def test_first_test_examples(test_set):
    assert [label for _, label in test_set[:5]] == [7, 2, 1, 0, 4]
    # The first test image (a 7) has ink in its middle rows and blank borders.
    x = test_set[0][0]
    assert x[:28] == [0.0] * 28
    assert max(x[7 * 28:20 * 28]) == 1.0


def test_validation_is_the_end_of_the_training_file(train_full):
    validation = load_mnist("validation")
    assert len(validation) == 10000
    assert validation == train_full[50000:]


def test_limit_takes_the_first_examples_of_the_split(train_full, test_set):
    assert load_mnist("train", limit=3) == train_full[:3]
    assert load_mnist("validation", limit=4) == train_full[50000:50004]
    assert load_mnist("test", limit=5) == test_set[:5]
    assert load_mnist("test", limit=0) == []


# ------------------------------------------------------------ tiny files

def test_pixels_are_bytes_divided_by_255(tiny_mnist):
    folder, contents = tiny_mnist
    images, labels = contents["test"]
    examples = load_mnist("test", data_dir=folder)
    assert [label for _, label in examples] == labels
    for (x, _), raw in zip(examples, images):
        assert x == [b / 255.0 for b in raw]


def test_limit_larger_than_the_split(tiny_mnist):
    folder, contents = tiny_mnist
    assert len(load_mnist("train", data_dir=folder, limit=1000)) == len(contents["train"][1])


def test_negative_limit_is_rejected(tiny_mnist):
    with pytest.raises(ValueError, match="limit"):
        load_mnist("test", data_dir=tiny_mnist[0], limit=-1)


def test_unknown_split_names_the_choices():
    with pytest.raises(ValueError) as error:
        load_mnist("training")
    message = str(error.value)
    assert "'training'" in message
    for split in ("train", "validation", "train-full", "test"):
        assert split in message


def test_split_starting_past_the_end_of_a_short_file(tiny_mnist):
    with pytest.raises(DataError, match="validation"):
        load_mnist("validation", data_dir=tiny_mnist[0])


def test_uncompressed_files_are_found_too(tmp_path):
    make_mnist_folder(str(tmp_path), n_test=3, gz=False)
    assert sorted(os.listdir(str(tmp_path)))[0].endswith("ubyte")
    assert len(load_mnist("test", data_dir=str(tmp_path))) == 3


def test_missing_file_names_the_file_and_the_folder(tmp_path):
    folder = tmp_path / "empty-folder"
    folder.mkdir()
    with pytest.raises(DataError) as error:
        load_mnist("test", data_dir=str(folder))
    message = str(error.value)
    assert "t10k-" in message
    assert str(folder) in message


def test_missing_folder_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="no-such-folder"):
        load_mnist("train", data_dir=str(tmp_path / "no-such-folder"))


def test_one_missing_file_is_named(tiny_mnist):
    folder, _ = tiny_mnist
    os.remove(os.path.join(folder, TEST_LABELS))
    with pytest.raises(DataError, match="t10k-labels"):
        load_mnist("test", data_dir=folder)


@pytest.mark.parametrize("name, raw, problem", [
    (TEST_IMAGES, b"not an idx file at all", "damaged"),
    (TEST_IMAGES, idx_header((5, 28, 28)) + bytes(100), "truncated"),
    (TEST_LABELS, idx_header((5,)) + bytes(4), "truncated"),
    (TEST_LABELS, idx_header((5, 1)) + bytes(5), "1-dimensional"),
    (TEST_LABELS, idx_header((5,)) + bytes([1, 2, 3, 4, 10]), "not a digit"),
    (TEST_IMAGES, idx_header((5, 28, 27)) + bytes(5 * 28 * 27), "shape"),
    (TEST_IMAGES, idx_header((5, 28, 28), 0x0D) + bytes(4 * 5 * 784), "unsigned bytes"),
])
def test_damaged_files_raise_data_error(tiny_mnist, name, raw, problem):
    folder, _ = tiny_mnist
    path = write_bytes(os.path.join(folder, name), raw, gz=True)
    with pytest.raises(DataError) as error:
        load_mnist("test", data_dir=folder)
    assert path in str(error.value)
    assert problem in str(error.value)


def test_image_and_label_counts_must_agree(tiny_mnist):
    folder, _ = tiny_mnist
    write_bytes(os.path.join(folder, TEST_LABELS), idx_header((4,)) + bytes([1, 2, 3, 4]), gz=True)
    with pytest.raises(DataError) as error:
        load_mnist("test", data_dir=folder)
    message = str(error.value)
    assert "5 images" in message and "4 labels" in message


def test_load_images_and_load_labels(tiny_mnist):
    folder, contents = tiny_mnist
    images, labels = contents["train"]
    assert load_labels(os.path.join(folder, TRAIN_LABELS)) == labels
    vectors = load_images(os.path.join(folder, TRAIN_IMAGES), start=2, end=4)
    assert vectors == [[b / 255.0 for b in raw] for raw in images[2:4]]


# ------------------------------------------------------------ where the data is

def test_environment_variable_chooses_the_folder(tiny_mnist, monkeypatch):
    folder, contents = tiny_mnist
    monkeypatch.setenv("MNIST_DATA_DIR", folder)
    assert find_data_dir() == folder
    assert [label for _, label in load_mnist("test")] == contents["test"][1]


def test_data_dir_argument_beats_the_environment_variable(tiny_mnist, tmp_path, monkeypatch):
    folder, contents = tiny_mnist
    monkeypatch.setenv("MNIST_DATA_DIR", str(tmp_path / "wrong"))
    assert [label for _, label in load_mnist("test", data_dir=folder)] == contents["test"][1]


def test_shipped_data_is_found_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("MNIST_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert os.path.samefile(default_data_dir(), DATA_DIR)
    assert [label for _, label in load_mnist("test", limit=5)] == [7, 2, 1, 0, 4]


def test_one_hot_is_exported():
    assert one_hot(2) == [0.0, 0.0, 1.0] + [0.0] * 7


def test_a_wrong_environment_variable_is_named_in_the_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_DATA_DIR", str(tmp_path / "my-mnist"))
    with pytest.raises(DataError) as error:
        load_mnist("test")
    message = str(error.value)
    assert str(tmp_path / "my-mnist") in message
    assert "the folder named by the environment variable MNIST_DATA_DIR" in message
    assert "\n" not in message


def test_an_empty_environment_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("MNIST_DATA_DIR", "")
    assert find_data_dir() == default_data_dir()


def test_a_file_given_as_the_data_folder_is_refused(tmp_path):
    path = write_bytes(tmp_path / "mnist.gz", b"")
    with pytest.raises(DataError, match="mnist.gz is a file, not a folder"):
        load_mnist("test", data_dir=path)


def test_an_empty_data_folder_name_is_refused():
    with pytest.raises(DataError, match="empty"):
        load_mnist("test", data_dir="")


def test_a_missing_file_in_the_given_folder_says_how_to_fix_it(tmp_path):
    with pytest.raises(DataError) as error:
        find_file(TEST_LABELS, tmp_path)
    assert "--data-dir" in str(error.value) and "MNIST_DATA_DIR" in str(error.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_files_that_are_not_regular_files_are_refused(tiny_mnist):
    folder, _ = tiny_mnist
    labels = os.path.join(folder, TEST_LABELS)
    os.remove(labels)
    os.mkfifo(labels)  # reading would wait for a writer forever
    with pytest.raises(DataError, match="not a regular file") as error:
        load_mnist("test", data_dir=folder)
    assert labels in str(error.value)


def test_a_gzip_bomb_is_refused_naming_the_file(tiny_mnist):
    folder, _ = tiny_mnist
    path = gzip_bomb(os.path.join(folder, TEST_IMAGES), idx_header((5, 28, 28)) + bytes(5 * 784),
                     megabytes=512)
    with pytest.raises(DataError, match="trailing") as error:
        load_mnist("test", data_dir=folder)
    assert path in str(error.value)


@pytest.mark.parametrize("name, shape", [
    (TEST_LABELS, (datasets.MAX_IMAGES + 1,)),
    (TEST_IMAGES, (datasets.MAX_IMAGES + 1, 28, 28)),
])
def test_a_header_claiming_too_many_examples_is_refused_before_reading(tiny_mnist, name, shape):
    folder, _ = tiny_mnist
    path = write_bytes(os.path.join(folder, name), idx_header(shape), gz=True)
    with pytest.raises(DataError) as error:
        load_mnist("test", data_dir=folder)
    assert str(error.value) == ("damaged MNIST file: %s: absurd shape %s (more than %d elements)"
                                % (path, shape, datasets.MAX_IMAGES * (784 if len(shape) == 3 else 1)))


def test_the_shipped_networks():
    assert os.path.samefile(networks_dir(), NETWORKS_DIR)
    path = shipped_network("mnist-784-30-10.json")
    assert os.path.isfile(path) and os.path.dirname(path) == networks_dir()


def test_data_inside_the_installed_package_comes_first(tmp_path):
    """An installed package (a wheel copies data/ into mnist_scratch/data/) reads its
    own data, not a data/ folder that happens to sit next to it."""
    site = tmp_path / "site"
    shutil.copytree(os.path.join(ROOT, "mnist_scratch"), str(site / "mnist_scratch"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    for folder, n_test in ((site / "mnist_scratch" / "data", 3), (site / "data", 4)):
        folder.mkdir()
        make_mnist_folder(str(folder), n_train=2, n_test=n_test)
    env = dict(os.environ, PYTHONPATH=str(site))
    env.pop("MNIST_DATA_DIR", None)
    code = ("import mnist_scratch.datasets as d; print(d.default_data_dir()); "
            "print(len(d.load_mnist('test')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(site / "mnist_scratch" / "data"), "3"]
    shutil.rmtree(str(site / "mnist_scratch" / "data"))  # a source checkout: data/ beside it
    result = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines() == [str(site / "data"), "4"], result.stderr
