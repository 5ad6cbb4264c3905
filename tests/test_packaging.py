"""The built package: a wheel (what ``pip install .`` installs) carries the MNIST data
and the pretrained networks, and finds them from any folder (step 7).

The wheel is built once, from a copy of the project's sources (so nothing is
written into the project), with ``pip wheel``; building needs setuptools and
wheel, which pip fetches as for any install.
"""

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import DATA_DIR, ROOT

pytestmark = [pytest.mark.step7, pytest.mark.slow]

SOURCES = ["setup.py", "setup.cfg", "pyproject.toml", "MANIFEST.in", "README.md", "LICENSE",
           "mnist_scratch", "data"]


def shipped_data():
    """The files of data/ that a wheel must carry, relative to data/."""
    found = []
    for folder, _, names in os.walk(DATA_DIR):
        found += [os.path.relpath(os.path.join(folder, name), DATA_DIR).replace(os.sep, "/")
                  for name in names]
    return sorted(found)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        path = os.path.join(ROOT, name)
        if os.path.isdir(path):
            shutil.copytree(path, str(source / name),
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy(path, str(source / name))
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                             str(source)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    wheels = [name for name in os.listdir(str(out)) if name.endswith(".whl")]
    assert len(wheels) == 1, wheels
    return str(out / wheels[0])


def test_the_wheel_carries_the_data_the_networks_and_the_extras(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        metadata = z.read([n for n in names if n.endswith(".dist-info/METADATA")][0]).decode()
    data = sorted(n[len("mnist_scratch/data/"):] for n in names
                  if n.startswith("mnist_scratch/data/"))
    assert data == shipped_data()
    assert "networks/mnist-784-30-10.json" in data and "train-images-idx3-ubyte.gz" in data
    assert "mnist_scratch/__main__.py" in names
    assert not [n for n in names if n.startswith(("data/", "tests/", "build/"))]
    for extra in ("viz", "notebooks", "test"):
        assert "Provides-Extra: %s" % extra in metadata
    assert "imageio>=2.16; extra == \"viz\"" in metadata


def test_the_installed_wheel_finds_its_data_from_an_empty_folder(wheel, tmp_path):
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(str(site))  # what installing a wheel does, without a virtual environment
    empty = tmp_path / "empty"
    empty.mkdir()
    env = dict(os.environ, PYTHONPATH=str(site))
    env.pop("MNIST_DATA_DIR", None)
    code = ("import os, mnist_scratch.datasets as d; print(d.__file__); print(d.default_data_dir()); "
            "print([label for _, label in d.load_mnist('test', limit=5)]); "
            "print(os.path.isfile(d.shipped_network('mnist-784-30-10.json')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=str(empty), env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    module, data_dir, labels, network = result.stdout.splitlines()
    assert module.startswith(str(site))  # the wheel's copy, not the project's
    assert data_dir == os.path.join(str(site), "mnist_scratch", "data")
    assert labels == "[7, 2, 1, 0, 4]" and network == "True"

    result = subprocess.run([sys.executable, "-m", "mnist_scratch.learn", "--sizes", "784", "10",
                             "--limit", "100", "--validation-limit", "20", "--test-limit", "20",
                             "--epochs", "1", "--quiet", "--save", "net.json"],
                            cwd=str(empty), env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert os.listdir(str(empty)) == ["net.json"]


def test_the_source_distribution_lists_the_data():
    """MANIFEST.in brings data/ into the sdist, from which pip builds the wheel."""
    with open(os.path.join(ROOT, "MANIFEST.in"), encoding="utf-8") as f:
        manifest = f.read()
    assert "include data/README.md data/*.gz" in manifest
    assert "recursive-include data/networks *.json *.json.gz" in manifest
    for name in shipped_data():  # each file matches one of the two lines above
        if name.startswith("networks/"):
            assert name.endswith((".json", ".json.gz")), name
        else:
            assert name == "README.md" or (name.endswith(".gz") and "/" not in name), name
