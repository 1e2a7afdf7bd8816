"""One clock (core.clock): the city's day in its own zone, and nobody else asks the host."""

from __future__ import annotations

import ast
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.city import build_city
from core.clock import CHINA, CLOCK_ENV, Clock, ClockError, travel, utcnow
from core.config import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {".venv", "node_modules", "var", ".git", "build", "dist"}

# Calls that read the host's date or time. Durations (time.monotonic, perf_counter) are fine:
# they are not a date and no deadline depends on them.
HOST_CLOCK_CALLS = {("date", "today"), ("datetime", "today"), ("datetime", "now"),
                    ("datetime", "utcnow"), ("time", "time"), ("time", "time_ns"),
                    ("time", "localtime"), ("time", "gmtime"), ("time", "ctime"),
                    ("time", "asctime"), ("time", "strftime")}
THE_CLOCK = ROOT / "core" / "clock.py"


def host_clock_calls(source: str) -> list[tuple[int, str]]:
    """Where ``source`` asks the host for the date or the time: (line, call)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
        if (owner_name, node.func.attr) in HOST_CLOCK_CALLS:
            found.append((node.lineno, f"{owner_name}.{node.func.attr}()"))
    return found


def python_files() -> list[Path]:
    return [path for path in ROOT.rglob("*.py")
            if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts)]


def test_the_detector_finds_every_way_of_asking_the_host():
    # Written as (owner, call) pairs and joined here, so this file holds no such call itself.
    calls = [("dt.date", "today()"), ("datetime", "now(dt.UTC)"), ("time", "time()"),
             ("date", "today()"), ("dt.datetime", "utcnow()"), ("time", "monotonic()"),
             ("city.clock", "today()")]
    source = "import datetime as dt, time\nfrom datetime import date, datetime\n" + "".join(
        f"{name} = {owner}.{call}\n" for name, (owner, call) in zip("abcdefg", calls, strict=True))
    assert [line for line, _ in host_clock_calls(source)] == [3, 4, 5, 6, 7]


def test_nothing_outside_the_clock_asks_the_host_for_the_date_or_the_time():
    files = python_files()
    assert len(files) > 300 and THE_CLOCK in files
    offenders = [f"{path.relative_to(ROOT)}:{line}: {call}"
                 for path in files if path != THE_CLOCK
                 for line, call in host_clock_calls(path.read_text(encoding="utf-8"))]
    assert offenders == [], "use core.clock (city.clock.today(), utcnow()):\n" + "\n".join(offenders)


def test_today_is_the_city_s_day_not_the_host_s():
    # 07:30 in Beijing on New Year's Day is still 31 December in UTC.
    with travel("2025-12-31T23:30:00+00:00"):
        assert CHINA.today() == dt.date(2026, 1, 1)
        assert Clock("UTC").today() == dt.date(2025, 12, 31)
        assert CHINA.now().utcoffset() == dt.timedelta(hours=8)
        assert utcnow().tzinfo == dt.UTC
        assert abs(utcnow() - dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)) < dt.timedelta(
            minutes=5)
        assert CHINA.day_of(dt.datetime(2025, 12, 31, 16, 0)) == dt.date(2026, 1, 1)  # naive = UTC


def test_a_moved_clock_keeps_running_and_comes_back():
    before = utcnow()
    with travel("2024-02-29T23:30:00+08:00"):
        first = utcnow()
        assert CHINA.today() == dt.date(2024, 2, 29)
        assert utcnow() >= first
    assert utcnow() >= before and utcnow().year == before.year


def test_child_processes_share_the_timeline():
    with travel("2024-02-29T23:59:59+08:00"):
        mine = utcnow()
        theirs = subprocess.run(
            [sys.executable, "-c", "from core.clock import utcnow; print(utcnow().isoformat())"],
            cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
            check=True).stdout.strip()
    # The child starts where the parent's timeline is, not at the 23:59:59 the parent set.
    assert dt.datetime.fromisoformat(theirs) >= mine
    assert dt.datetime.fromisoformat(theirs) - mine < dt.timedelta(minutes=1)


def test_a_clock_setting_without_an_offset_is_refused(monkeypatch):
    monkeypatch.setenv(CLOCK_ENV, "2024-02-29T10:00:00")
    with pytest.raises(ClockError, match="offset"):
        utcnow()


def test_a_city_runs_on_its_configured_zone_and_refuses_an_unknown_one():
    raw = {"city": {"code": "kashi", "name": "喀什市", "province": "新疆维吾尔自治区",
                    "timezone": "Asia/Urumqi"}, "plugins": {"enabled": []}}
    city = build_city(raw)
    with travel("2026-06-16T17:30:00+00:00"):  # 01:30 in Beijing, 23:30 in Urumqi
        assert city.clock.today() == dt.date(2026, 6, 16)
        assert CHINA.today() == dt.date(2026, 6, 17)
    assert build_city(raw | {"city": raw["city"] | {"timezone": "Asia/Shanghai"}}).clock.zone_name \
        == "Asia/Shanghai"
    del raw["city"]["timezone"]
    assert build_city(raw).clock.zone_name == "Asia/Shanghai"
    raw["city"]["timezone"] = "Mars/Olympus"
    with pytest.raises(ConfigError, match="未知的时区"):
        build_city(raw)


def test_a_shift_file_moves_every_clock_on_by_its_days_while_running(monkeypatch, tmp_path):
    """The browser walk's next day (ZHAOSHANG_CLOCK_SHIFT_FILE): services already running see
    the day the harness writes, and a file that is absent or holds no whole number is no day."""
    from core.clock import SHIFT_FILE_ENV

    shift = tmp_path / "clock-shift"
    monkeypatch.setenv(SHIFT_FILE_ENV, str(shift))
    day = CHINA.today()
    assert CHINA.today() == day  # no file yet: no shift
    shift.write_text("1\n", encoding="utf-8")
    assert CHINA.today() == day + dt.timedelta(days=1)
    shift.write_text("3", encoding="utf-8")
    assert CHINA.today() == day + dt.timedelta(days=3)
    shift.write_text("", encoding="utf-8")
    assert CHINA.today() == day
    shift.write_text("tomorrow", encoding="utf-8")
    with pytest.raises(ClockError, match="whole days"):
        utcnow()
    monkeypatch.delenv(SHIFT_FILE_ENV)
    assert CHINA.today() == day
