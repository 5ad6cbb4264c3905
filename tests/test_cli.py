"""Tests for cli.py (what every command shares) and ``python -m mnist_scratch`` (step 7)."""

import argparse
import ast
import glob
import os
import shlex
import signal
import subprocess
import sys
import threading

import pytest

from conftest import ROOT
from mnist_scratch import __main__ as commands
from mnist_scratch import cli

pytestmark = pytest.mark.step7

PACKAGE = os.path.join(ROOT, "mnist_scratch")


def run_python(*args, cwd):
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, *args], cwd=str(cwd), env=env,
                          capture_output=True, text=True, timeout=120)


# ------------------------------------------------------------ argument types

@pytest.mark.parametrize("convert, text, value", [
    (cli.positive_int, "3", 3), (cli.non_negative_int, "0", 0), (cli.positive_float, "0.5", 0.5),
    (cli.finite_float, "-2e3", -2000.0), (cli.path_text, "a b.json", "a b.json"),
])
def test_argument_types_accept(convert, text, value):
    assert convert(text) == value


@pytest.mark.parametrize("convert, text", [
    (cli.positive_int, "0"), (cli.positive_int, "1.5"), (cli.positive_int, "1e3"),
    (cli.positive_int, ""), (cli.non_negative_int, "-1"), (cli.positive_float, "0"),
    (cli.positive_float, "nan"), (cli.positive_float, "inf"), (cli.finite_float, "-inf"),
    (cli.finite_float, "1e400"), (cli.path_text, ""),
])
def test_argument_types_refuse(convert, text):
    with pytest.raises(argparse.ArgumentTypeError):
        convert(text)


# ------------------------------------------------------------ the viz hint

def test_viz_hint_installs_into_this_python_from_any_folder():
    words = shlex.split(cli.viz_install_hint())
    assert words[:4] == [sys.executable, "-m", "pip", "install"]
    assert words[4:] == list(cli.VIZ_REQUIREMENTS)
    assert not any(word.startswith((".", "-e")) for word in words[4:])  # no project folder


def test_viz_requirements_match_the_viz_extra():
    """The hint and setup.cfg's viz extra must not drift apart."""
    import configparser
    config = configparser.ConfigParser()
    config.read(os.path.join(ROOT, "setup.cfg"))
    extra = config["options.extras_require"]["viz"].split()
    assert extra == list(cli.VIZ_REQUIREMENTS)


def test_a_missing_picture_module_gives_the_hint():
    with pytest.raises(cli.CommandError) as error:
        cli.load_visualizer("--plots", module="no_such_picture_module")
    message = str(error.value)
    assert message.startswith("--plots needs matplotlib")
    assert message.endswith(cli.viz_install_hint())
    assert "\n" not in message


# ------------------------------------------------------------ output folders

def test_output_folder_creates_missing_folders_and_says_so(tmp_path):
    said = []
    target = tmp_path / "figures" / "run 1"
    assert cli.output_folder(str(target), said.append) == str(target)
    assert target.is_dir()
    assert said == ["Created folder %s" % target]
    assert cli.output_folder(str(target), said.append) == str(target)
    assert len(said) == 1  # nothing to say the second time


@pytest.mark.parametrize("make, error", [("", ValueError), ("a-file", NotADirectoryError)])
def test_output_folder_refuses_empty_names_and_files(tmp_path, make, error):
    if make:
        (tmp_path / make).write_text("x")
    with pytest.raises(error):
        cli.output_folder(str(tmp_path / make) if make else "")


# ------------------------------------------------------------ Ctrl-C

def interrupt_me():
    """Send this process a SIGINT and let Python run its handler."""
    os.kill(os.getpid(), signal.SIGINT)
    for _ in range(1000):  # the handler runs between bytecodes, at once in practice
        pass


@pytest.mark.skipif(not hasattr(os, "kill") or sys.platform == "win32", reason="POSIX signals")
def test_first_interrupt_stops_the_later_ones_cannot_cut_a_save_short():
    saved = []
    with cli.handle_interrupts() as interrupts:
        with pytest.raises(KeyboardInterrupt):
            interrupt_me()
            pytest.fail("the first Ctrl-C did not stop the work")
        interrupt_me()  # a second, impatient Ctrl-C while saving: only counted
        interrupt_me()
        saved.append("network")
    assert saved == ["network"] and interrupts.count == 3
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


@pytest.mark.skipif(not hasattr(os, "kill") or sys.platform == "win32", reason="POSIX signals")
def test_deferred_block_finishes_before_the_first_interrupt_is_raised():
    steps = []
    with cli.handle_interrupts() as interrupts:
        with pytest.raises(KeyboardInterrupt):
            with interrupts.deferred():
                interrupt_me()
                steps.append("save finished")
        steps.append("interrupt raised after it")
    assert steps == ["save finished", "interrupt raised after it"]
    with cli.handle_interrupts() as interrupts:
        with interrupts.deferred():
            steps.append("no interrupt, nothing raised")
    assert interrupts.count == 0


def test_interrupts_outside_the_main_thread_are_left_alone():
    seen = []

    def work():
        with cli.handle_interrupts() as interrupts:
            with interrupts.deferred():
                seen.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [signal.default_int_handler]


# ------------------------------------------------------------ python -m mnist_scratch

def command_modules():
    """The commands the package has: its modules that run as a script (a top-level
    ``if __name__ == "__main__":``) and its sub-packages with a ``__main__.py``."""
    found = []
    for path in glob.glob(os.path.join(PACKAGE, "*.py")):
        tree = ast.parse(open(path, encoding="utf-8").read())
        runs = any(isinstance(node, ast.If) and "__main__" in ast.dump(node.test)
                   for node in tree.body)
        if runs and not os.path.basename(path).startswith("__"):
            found.append(os.path.basename(path)[:-3])
    for path in glob.glob(os.path.join(PACKAGE, "*", "__main__.py")):
        found.append(os.path.basename(os.path.dirname(path)))
    return sorted(found)


def test_every_command_is_listed():
    listed = dict(commands.available_commands())
    assert command_modules(), "expected commands such as learn and gif"
    assert sorted(listed) == command_modules()
    assert all(len(text) <= 45 for text in listed.values())


def test_the_list_of_commands_from_an_empty_folder(tmp_path):
    result = run_python("-m", "mnist_scratch", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    for name in ("learn", "gif", "plots", "backprop", "check"):
        assert any(line.startswith("  python -m mnist_scratch.%s " % name) for line in lines), name
    assert max(len(line) for line in lines) <= 80


def test_a_command_runs_by_name(tmp_path):
    result = run_python("-m", "mnist_scratch", "learn", "--epochs", "x", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("python -m mnist_scratch.learn: error: argument --epochs")


def test_an_unknown_command_is_one_error_line(tmp_path):
    result = run_python("-m", "mnist_scratch", "lern", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("python -m mnist_scratch: error: unknown command 'lern'")
    assert "learn" in result.stderr


def test_an_error_is_one_line_even_for_a_file_name_with_a_line_break(tmp_path):
    result = run_python("-m", "mnist_scratch.learn", "--save", "two\nlines/net.json", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "two\\nlines" in result.stderr
