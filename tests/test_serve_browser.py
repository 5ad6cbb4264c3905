"""The classroom page in a real browser: headless Chromium driven by Selenium.

It draws a 1 with the mouse and a 7 with a pen on the pad (pointer events, as
a student would), reads the network's answer from the page, trains a network
live until the page shows more than 80% validation accuracy, steps through
the backprop walkthrough, and checks that the browser's console holds no
error. Skipped, with the reason, where Chromium, chromedriver or Selenium
are missing (Debian: apt-get install chromium chromium-driver; pip install
selenium).
"""

import shutil
import threading

import pytest

from mnist_scratch.classroom.server import make_server
from mnist_scratch.predict import load_network

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip("the browser test needs Chromium and chromedriver (Debian: apt-get install "
                "chromium chromium-driver)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver",
                                reason="the browser test needs Selenium (pip install selenium)")
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.actions.action_builder import ActionBuilder  # noqa: E402
from selenium.webdriver.common.actions.interaction import POINTER_MOUSE, POINTER_PEN  # noqa: E402
from selenium.webdriver.common.actions.pointer_input import PointerInput  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.slow

WAIT = 120  # seconds to wait for the page to show something (never asserted as a speed)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def server():
    server = make_server(load_network(), "shipped.json", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(WAIT)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + ["--user-data-dir=" + str(tmp_path_factory.mktemp("chromium-profile"))]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except Exception as e:  # a driver that does not match the browser, no display libraries, ...
        pytest.skip("Chromium could not be started: %s" % str(e).splitlines()[0])
    driver.set_window_size(1600, 1000)
    yield driver
    driver.quit()


def severe_console_entries(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def draw(driver, strokes, kind=POINTER_MOUSE):
    """Draw on the pad: each stroke a list of (x, y) points in [0, 1] across the pad,
    pressed down at the first point and lifted at the last, moving in small steps."""
    pad = driver.find_element(By.ID, "pad")
    width, height = pad.rect["width"], pad.rect["height"]
    actions = ActionBuilder(driver, mouse=PointerInput(kind, "pointer-" + kind), duration=10)
    pointer = actions.pointer_action

    def move(x, y):  # offsets from the pad's centre
        pointer.move_to(pad, round((x - 0.5) * width), round((y - 0.5) * height))

    for stroke in strokes:
        move(*stroke[0])
        pointer.pointer_down()
        for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
            for i in range(1, 13):
                move(x0 + (x1 - x0) * i / 12, y0 + (y1 - y0) * i / 12)
        pointer.pointer_up()
    actions.perform()


def text_becomes(driver, element_id, wanted):
    try:
        WebDriverWait(driver, WAIT).until(
            lambda d: d.find_element(By.ID, element_id).text.strip() == wanted)
    except TimeoutException:
        pytest.fail("#%s shows %r, not %r" % (element_id,
                                              driver.find_element(By.ID, element_id).text, wanted))


def ink_in(driver, canvas_id):
    """How many of a canvas's pixels are darker than mid-grey."""
    return driver.execute_script(
        "const c = document.getElementById(arguments[0]);"
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) n++; return n;",
        canvas_id)


def test_a_drawn_1_and_7_are_read(server, browser, tmp_path):
    browser.get(server.url)
    WebDriverWait(browser, WAIT).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#tiles .tile")) > 0)
    assert browser.find_element(By.ID, "prediction").text == ""
    draw(browser, [[(0.5, 0.15), (0.5, 0.85)]])                       # a 1, with the mouse
    text_becomes(browser, "prediction", "1")
    assert ink_in(browser, "seen") > 10  # the 28 x 28 input shows the stroke
    browser.find_element(By.ID, "clear").click()
    text_becomes(browser, "prediction", "")
    draw(browser, [[(0.25, 0.2), (0.75, 0.2), (0.42, 0.85)]], POINTER_PEN)  # a 7, with a pen
    text_becomes(browser, "prediction", "7")
    bars = [float(browser.find_element(By.ID, "bar-value-%d" % d).text.rstrip("%"))
            for d in range(10)]
    assert max(range(10), key=bars.__getitem__) == 7
    browser.save_screenshot(str(tmp_path / "draw.png"))
    with open(str(tmp_path / "draw.png"), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert severe_console_entries(browser) == []


def test_a_network_learns_live_past_80_percent(server, browser):
    browser.get(server.url + "?view=learn&hidden=20&eta=3&batch=10&seed=3")
    start = browser.find_element(By.ID, "train-start")
    WebDriverWait(browser, WAIT).until(lambda d: "Ready" in d.find_element(By.ID, "train-status").text)
    assert browser.find_element(By.CSS_SELECTOR, "#settings [name=hidden]").get_attribute("value") == "20"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#train-weights canvas")) == 20
    start.click()

    def accuracy(d):
        text = d.find_element(By.ID, "train-accuracy").text.strip()
        return text.endswith("%") and float(text[:-1]) > 80.0

    try:
        WebDriverWait(browser, 10 * WAIT, poll_frequency=0.5).until(accuracy)
    except TimeoutException:
        pytest.fail("the page shows %r validation accuracy (%s)"
                    % (browser.find_element(By.ID, "train-accuracy").text,
                       browser.find_element(By.ID, "train-status").text))
    browser.find_element(By.ID, "train-pause").click()
    WebDriverWait(browser, WAIT).until(lambda d: "Paused" in d.find_element(By.ID, "train-status").text)
    assert "hidden=20" in browser.current_url  # the lesson's settings stay in the address
    assert severe_console_entries(browser) == []


def test_backprop_steps_through_the_equations_and_follows_an_edit(server, browser):
    browser.get(server.url + "?view=backprop")
    next_button = browser.find_element(By.ID, "bp-next")
    WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#bp-net circle"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#bp-net circle")) == 7  # 2 + 3 + 2 neurons
    titles = []
    for _ in range(7):
        titles.append(browser.find_element(By.ID, "bp-title").text)
        next_button.click()
    titles.append(browser.find_element(By.ID, "bp-title").text)
    assert [t.split(":")[0] for t in titles[3:7]] == ["BP1", "BP2", "BP3", "BP4"]
    assert not next_button.is_enabled()
    browser.find_element(By.ID, "bp-prev").click()
    browser.find_element(By.ID, "bp-prev").click()
    browser.find_element(By.ID, "bp-prev").click()  # BP2
    before = browser.find_element(By.ID, "bp-equation").text
    x1 = browser.find_element(By.CSS_SELECTOR, "#bp-form [name=x0]")
    x1.clear()
    x1.send_keys("0.9")
    WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.ID, "bp-equation").text != before)
    assert "0.90" in browser.find_element(By.ID, "bp-net").text
    assert severe_console_entries(browser) == []
