"""`backroll serve` in a real browser: Debian's headless Chromium, driven by Selenium through chromedriver.

Each test starts `backroll serve` on a free port in a temporary home (its
own process group, always killed), opens the page, starts a session with
the keyboard, reads from the page that the count advances (the caption
line the page announces, the cues it played, two screenshots that differ),
ends the session through the check-in, quits, and reads the history back
from disk. Under CI (CI=true) a missing browser fails; elsewhere it skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.processes import free_port, stop_group, wait_listening
from tracker.service import Backroll

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"
STEP = 30.0  # seconds for any one thing to show in the page
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver",)


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(
            f"{reason} (CI=true: the browser tests must run; .ci/run installs chromium and chromium-driver)"
        )
    pytest.skip(reason)


def _find(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if found:
            return found
    return None


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    with Backroll(home) as service:  # a returning user: the safety note was read on an earlier day
        service.save_settings(replace(service.settings, safety_note_seen=True, sound=True))
    return home


@pytest.fixture
def served(home: Path, tmp_path: Path) -> Iterator[str]:
    """`backroll serve` on a free port; yields its URL; the whole process group is killed at the end."""
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    env = {k: v for k, v in os.environ.items() if k != "BACKROLL_HOME"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--home", str(home), "serve", "--port", str(port)],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        if not wait_listening(process, port, STEP):
            raise AssertionError(f"backroll serve did not start: {(tmp_path / 'serve.log').read_text()}")
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_group(process, wait=5)
        log.close()


def _browser(width: int, height: int, mobile: bool = False) -> Any:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed (it is in the [test] extra)")
    binary, driver = _find(BROWSERS), _find(DRIVERS)
    if binary is None or driver is None:
        _missing("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--autoplay-policy=no-user-gesture-required", f"--window-size={width},{height}"):  # fmt: skip
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(driver), options=options)
    if mobile:  # a phone's viewport, exactly (a headless window has a minimum width of its own)
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True}
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    browser.set_page_load_timeout(STEP)
    browser.set_script_timeout(STEP)
    return browser


@pytest.fixture
def browser_at() -> Iterator[Any]:
    opened: list[Any] = []

    def open_(width: int, height: int, mobile: bool = False) -> Any:
        browser = _browser(width, height, mobile)
        opened.append(browser)
        return browser

    yield open_
    for browser in opened:
        browser.quit()


def _wait(browser: Any, what: str, check: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(browser, STEP, poll_frequency=0.1).until(lambda _: check())
    except Exception as error:
        raise AssertionError(
            f"{what}: not seen in the page within {STEP} s ({type(error).__name__})"
        ) from None


def _caption(browser: Any) -> str:
    from selenium.webdriver.common.by import By

    return str(browser.find_element(By.ID, "caption").text)


def _cues(browser: Any) -> list[dict[str, Any]]:
    return list(browser.execute_script("return window.backrollCues || []"))


def _practise_in_the_page(browser: Any, url: str, home: Path, shots: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(url)
    _wait(
        browser,
        "the app's first frame",
        lambda: "-first-byte" in (browser.find_element(By.TAG_NAME, "body").get_attribute("class") or ""),
    )
    where = browser.find_element(By.ID, "where").text
    assert "play in this browser" in where  # the page says where the sound is
    keys = browser.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")  # the terminal's keyboard
    time.sleep(1.0)  # Today loads its data after the first frame
    keys.send_keys("s")  # Today: s starts the first routine, the bridge program
    time.sleep(0.5)
    keys.send_keys("3")  # the pain before, asked before the first count (a digit answers it)

    first = _wait(
        browser,
        "the first phase's caption",
        lambda: _caption(browser) if "raise" in _caption(browser) else None,
    )
    assert first == "Hip rocks, lift 1 of 8: raise, 2 counts"
    shots.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(shots / "1-raise.png"))
    _wait(browser, "the count moving on to the lowering", lambda: "lower" in _caption(browser))
    _wait(browser, "the next lift", lambda: "lift 2 of 8" in _caption(browser))
    browser.save_screenshot(str(shots / "2-next-lift.png"))
    assert (shots / "1-raise.png").read_bytes() != (shots / "2-next-lift.png").read_bytes()
    sounds = [cue["sound"] for cue in _cues(browser) if cue.get("sound")]
    assert sounds[:3] == ["raise", "lower", "raise"]  # each phase its own sound, played by the page
    raise_tones = next(cue["tones"] for cue in _cues(browser) if cue.get("sound") == "raise")
    assert raise_tones[0][0] < raise_tones[1][0]  # rising

    keys.send_keys("q")  # end the session: it asks first
    time.sleep(0.5)
    keys.send_keys("y")
    time.sleep(1.0)
    keys.send_keys(Keys.CONTROL, "s")  # the check-in: save
    time.sleep(2.0)
    keys.send_keys("q")  # and quit the app, which lets go of the history
    _wait(
        browser,
        "the app closing",
        lambda: "-closed" in (browser.find_element(By.TAG_NAME, "body").get_attribute("class") or ""),
    )

    deadline = time.monotonic() + STEP
    while True:
        try:
            with Backroll(home) as service:
                sessions = service.sessions()
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    [session] = sessions
    assert session.routine == "bridge" and not session.completed and not session.hurt
    assert session.checkin.pain_before == 3  # answered in the page before the first count
    assert session.steps[0].seconds > 2.0


def test_a_session_in_the_browser_counts_on_and_lands_in_the_history(
    served: str, browser_at, home: Path, tmp_path: Path
) -> None:
    browser = browser_at(1200, 900)
    _practise_in_the_page(browser, served, home, tmp_path / "screenshots")


def test_the_same_at_a_phone_size_viewport(served: str, browser_at, home: Path, tmp_path: Path) -> None:
    browser = browser_at(390, 844, mobile=True)
    _practise_in_the_page(browser, served, home, tmp_path / "phone")
    assert browser.execute_script("return [window.innerWidth, window.innerHeight]") == [
        390,
        844,
    ]  # the page's own viewport
    font = browser.execute_script("return document.getElementById('terminal').dataset.fontSize")
    assert font == "12"  # smaller letters so the count and the keys fit the phone's width
