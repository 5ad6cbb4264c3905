"""Tests for progress.py: the progress line of the command-line tools (step 7)."""

import io
import re

import pytest

from mnist_scratch.progress import Progress, count, format_seconds

pytestmark = pytest.mark.step7


@pytest.mark.parametrize("seconds, text", [
    (0, "0s"), (0.4, "0s"), (12.3, "12s"), (59.4, "59s"), (59.6, "1:00"), (75, "1:15"),
    (600, "10:00"), (3599, "59:59"), (3600, "1:00:00"), (3725, "1:02:05"), (90061, "25:01:01"),
])
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


LINE = re.compile(r"^epoch 1/1 \[[#.]{24}\] (\d+)/200 examples  \d+ examples/s  "
                  r"elapsed \d+s  ETA (\d+s|\d+:\d\d|\?)$")


def test_log_lines_when_not_a_terminal():
    """In a log file: a plain line every 10% of the work, no carriage returns."""
    stream = io.StringIO()
    progress = Progress(200, stream=stream)
    for done in range(1, 201):
        progress.update(done, "epoch 1/1")
    progress.clear()
    text = stream.getvalue()
    assert "\r" not in text and "\033" not in text
    lines = text.splitlines()
    assert len(lines) == 10
    done = []
    for line in lines:
        match = LINE.match(line)
        assert match, line
        done.append(int(match.group(1)))
    assert done == list(range(20, 201, 20))
    assert lines[-1].startswith("epoch 1/1 [" + "#" * 24 + "] 200/200")


def test_redraws_in_place_on_a_terminal():
    stream = FakeTerminal()
    progress = Progress(100, stream=stream, interval=0.0)
    progress.update(50)
    progress.update(100)
    progress.clear()
    text = stream.getvalue()
    assert "\n" not in text
    assert text.count("\r") == 3 and text.endswith("\r\033[K")
    assert "[############............] 50/100 examples" in text


def test_terminal_redraws_are_throttled():
    stream = FakeTerminal()
    progress = Progress(1000, stream=stream, interval=3600)
    for done in range(1, 1000):
        progress.update(done)
    drawn = stream.getvalue().count("\r")
    assert drawn <= 1  # at most the first draw in an hour
    progress.update(1000)  # the end is always drawn
    assert stream.getvalue().count("\r") == drawn + 1
    assert "[" + "#" * 24 + "] 1000/1000 examples" in stream.getvalue()


def test_line_without_label_and_unit():
    progress = Progress(0, unit="images")
    line = progress.line(0)
    assert line.startswith("[........................] 0/1 images")
    assert line.endswith("ETA ?")


def test_count_says_one_epoch_and_two_epochs():
    assert count(1, "epoch") == "1 epoch"
    assert count(0, "frame") == "0 frames"
    assert count(30, "epoch") == "30 epochs"
