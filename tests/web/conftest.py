"""The whole suite as ``make up`` runs it (one city, Kafka, relay, province, gateway) and a
headless Chromium driven by Playwright — Debian's ``chromium``, never a downloaded browser.

Screenshots of every page go to ``var/screenshots/`` (test artifacts, not committed).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.clock import SHIFT_FILE_ENV
from core.loopback_ports import free_port, free_ports

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
CITY = "sanming"
COUNTDOWN_CITY = "ziyang"  # a city with a first-talk deadline in working days
MATTER_CITY = "lanzhou"  # a matter walked from proposal to decision in the browser
STARTUP_DEADLINE = 420.0  # seconds: Kafka, demo data and six services on two shared cores




def _missing_packages() -> list[str]:
    missing = [] if shutil.which("chromium") else ["chromium"]
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    if shutil.which("fc-list") is None or not fonts.stdout.strip():
        missing.append("fonts-noto-cjk")
    return missing


def _apt_install(packages: list[str]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", *packages], env=env).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", *packages], env=env, check=True)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's chromium, installed with apt-get when missing (root); CI fails without it."""
    missing = _missing_packages()
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        _apt_install(missing)
    path = shutil.which("chromium")
    if path is None:
        message = "chromium is not installed and cannot be installed here (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


class RunningSuite:
    """``python -m infra.suite up`` for one city on free ports, and what it printed."""

    def __init__(self, var: Path) -> None:
        # Whole days every service's clock is moved on by (core.clock, tests only).
        self.clock_shift = var / "clock-shift"
        self.ports = {"city": free_ports(3), "kafka": free_ports(2), "province": free_port(),
                      "gateway": free_port()}
        self.url = f"http://127.0.0.1:{self.ports['gateway']}"
        self.output = ""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "infra.suite", "up", "--cities", f"{CITY},{COUNTDOWN_CITY},{MATTER_CITY}",
             "--first-port", str(self.ports["city"]), "--var", str(var),
             "--kafka-port", str(self.ports["kafka"]), "--province-port",
             str(self.ports["province"]), "--gateway-port", str(self.ports["gateway"])],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, SHIFT_FILE_ENV: str(self.clock_shift)})

    def advance_days(self, days: int) -> None:
        """Every service's day moves on to ``days`` after the session's own (0: back)."""
        self.clock_shift.write_text(str(days), encoding="utf-8")

    def wait_started(self) -> None:
        deadline = time.monotonic() + STARTUP_DEADLINE
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output += line
            if "Ctrl-C" in line:
                return
            if time.monotonic() > deadline:
                break
        raise RuntimeError(f"the suite did not start:\n{self.output}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()


@pytest.fixture(scope="session")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSuite]:
    running = RunningSuite(tmp_path_factory.mktemp("suite"))
    try:
        running.wait_started()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, headless=True,
                                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield launched
        finally:
            launched.close()


class Person:
    """One signed-in person in a browser context of their own (their own cookie)."""

    def __init__(self, browser: object, suite: RunningSuite, username: str,
                 viewport: dict[str, int] | None = None) -> None:
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900},
                                           locale="zh-CN")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        # Each error names its page and, for a script error, where it was thrown: a failure
        # seen once in CI must say which page and which line without a rerun.
        self.page.on("pageerror", lambda error: self.errors.append(
            f"{self.page.url}: {error}\n{error.stack or ''}"))
        self.page.on("console", lambda message: self.errors.append(
            f"{self.page.url}: {message.text} ({message.location})")
                     if message.type == "error" else None)
        self.suite = suite
        self.username = username
        self.page.goto(f"{suite.url}/web/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", "zhaoshang-demo")
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()
        # The pointer leaves the login button: left there, it rests over whatever the next page
        # draws at that spot, and the browser's hover events would make a page test depend on
        # where a chart happens to lie. Hovering is tested on purpose (test_browser.py).
        self.page.mouse.move(0, 0)

    def open(self, path: str) -> None:
        self.page.goto(f"{self.suite.url}{path}")

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


def slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z_\-\u4e00-\u9fff]+", "-", text).strip("-")
