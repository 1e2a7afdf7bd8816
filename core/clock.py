"""One clock for the whole suite: "now" and "today" in a deployment's own time zone.

A city's day is China's day. A server kept on UTC (as most are) would start the Chinese day
eight hours late, so every deadline, warning, cadence and "overdue" would be one day off
between 00:00 and 08:00 Beijing time. Hence the rule: nothing in the suite asks the host for
the date or the time; everything asks a :class:`Clock`.

* **Storage stays UTC.** Timestamps written to the databases and to events are aware UTC
  instants (:func:`utcnow`, :meth:`Clock.utcnow`); they do not depend on any zone.
* **Business dates are local.** "Today", a business date's default, working-day arithmetic and
  "overdue" are taken in the deployment's zone (:meth:`Clock.today`, :meth:`Clock.now`):
  ``[city] timezone`` for a city service, ``[province] timezone`` for the province,
  ``[gateway] timezone`` for the gateway, each ``Asia/Shanghai`` by default.

Setting the time (tests, demonstrations, rehearsals)
----------------------------------------------------
The clock can be moved to another instant, and then keeps running from there:

* in a process, :func:`travel` (a context manager) moves every clock to ``at``;
* across processes, the environment variable ``ZHAOSHANG_CLOCK_AT`` (an ISO 8601 instant with
  its offset, e.g. ``2024-02-29T23:30:00+08:00``) does the same for every service started with
  it. The first read anchors it to the host's instant (``…@<epoch seconds>``) and writes the
  anchored form back to the environment, so every child process keeps one shared timeline
  instead of starting its own from ``at``.

Only this module calls ``datetime.now``; a test (``tests/test_one_clock.py``) fails if any other
module asks the host for the date or the time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pathlib
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"
CLOCK_ENV = "ZHAOSHANG_CLOCK_AT"
# Tests only: a file holding whole days every clock is moved on by (see _days_from_file).
SHIFT_FILE_ENV = "ZHAOSHANG_CLOCK_SHIFT_FILE"

_lock = threading.Lock()
# The shift from the host's instant to the suite's, with the setting it was read from: the
# environment is read again only when the setting changes.
_cached: tuple[str, dt.timedelta] | None = None


class ClockError(ValueError):
    """A time zone or a clock setting that cannot be used; the message says which."""


def _host_utc() -> dt.datetime:
    # The one place the suite asks the host for the time.
    return dt.datetime.now(dt.UTC)


def parse_instant(text: str) -> dt.datetime:
    """An ISO 8601 instant that names its offset (a bare local time would be ambiguous)."""
    try:
        instant = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ClockError(f"{CLOCK_ENV}: not an ISO 8601 instant: {text!r}") from exc
    if instant.tzinfo is None:
        raise ClockError(f"{CLOCK_ENV}: {text!r} has no UTC offset (e.g. +08:00)")
    return instant


def _shift_from_environment() -> dt.timedelta:
    """The shift ``ZHAOSHANG_CLOCK_AT`` asks for, anchored once and shared with children."""
    value = os.environ.get(CLOCK_ENV, "").strip()
    if not value:
        return dt.timedelta(0)
    at_text, _, anchor_text = value.partition("@")
    at = parse_instant(at_text)
    if anchor_text:
        try:
            anchor = dt.datetime.fromtimestamp(float(anchor_text), dt.UTC)
        except (ValueError, OverflowError) as exc:
            raise ClockError(f"{CLOCK_ENV}: bad anchor in {value!r}") from exc
    else:
        anchor = _host_utc()
        os.environ[CLOCK_ENV] = f"{at.isoformat()}@{anchor.timestamp():.6f}"
    return at - anchor


def _current_shift() -> dt.timedelta:
    global _cached
    setting = os.environ.get(CLOCK_ENV, "")
    cached = _cached
    if cached is None or cached[0] != setting:
        with _lock:
            shift = _shift_from_environment()
            cached = _cached = (os.environ.get(CLOCK_ENV, ""), shift)
    if SHIFT_FILE_ENV in os.environ:
        return cached[1] + _days_from_file(os.environ[SHIFT_FILE_ENV])
    return cached[1]


# The file's (mtime, size) and the days it held: read again only when it changes.
_shift_file: tuple[str, int, int, dt.timedelta] | None = None


def _days_from_file(path: str) -> dt.timedelta:
    """Whole days added to every clock by ``ZHAOSHANG_CLOCK_SHIFT_FILE`` (tests only): a
    browser walk spans several business days while its services keep running, so the harness
    writes the day count between steps and every service moves on together. A missing or
    empty file adds nothing; anything but a whole number stops the service (a typo must not
    leave one service on another day)."""
    global _shift_file
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return dt.timedelta(0)
    held = _shift_file
    if held is not None and held[:3] == (path, status.st_mtime_ns, status.st_size):
        return held[3]
    text = pathlib.Path(path).read_text(encoding="utf-8").strip()
    try:
        days = dt.timedelta(days=int(text or "0"))
    except ValueError as exc:
        raise ClockError(f"{SHIFT_FILE_ENV}: {path} should hold whole days, not {text!r}") from exc
    _shift_file = (path, status.st_mtime_ns, status.st_size, days)
    return days


def utcnow() -> dt.datetime:
    """The suite's current instant, aware, in UTC: what storage and events carry."""
    return _host_utc() + _current_shift()


def zone_named(name: str) -> ZoneInfo:
    """The IANA time zone ``name``, or a :class:`ClockError` saying it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ClockError(f"unknown time zone: {name!r} (an IANA name such as Asia/Shanghai)") from exc


class Clock:
    """The current instant and day of one deployment, in its own time zone."""

    def __init__(self, zone: str = DEFAULT_ZONE) -> None:
        self.zone_name = zone
        self.zone = zone_named(zone)

    def __repr__(self) -> str:
        return f"Clock({self.zone_name!r})"

    def utcnow(self) -> dt.datetime:
        """The current instant in UTC (for storage and events)."""
        return utcnow()

    def now(self) -> dt.datetime:
        """The current instant as the deployment's wall clock shows it (aware)."""
        return utcnow().astimezone(self.zone)

    def today(self) -> dt.date:
        """The deployment's current day: the business date of anything done now."""
        return self.now().date()

    def local(self, instant: dt.datetime) -> dt.datetime:
        """A stored instant as the deployment's wall clock shows it (naive means UTC)."""
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=dt.UTC)
        return instant.astimezone(self.zone)

    def day_of(self, instant: dt.datetime) -> dt.date:
        """The deployment's business date of a stored instant."""
        return self.local(instant).date()


# The clock of code that runs outside any deployment (command-line tools, the demo data's
# defaults): China's, like every deployment's default.
CHINA = Clock(DEFAULT_ZONE)


@contextlib.contextmanager
def travel(at: dt.datetime | str) -> Iterator[dt.datetime]:
    """Move every clock to ``at`` for the block; time keeps running from there.

    ``at`` is an aware instant or an ISO 8601 string with its offset. Child processes started
    in the block inherit the same timeline through ``ZHAOSHANG_CLOCK_AT``.
    """
    instant = parse_instant(at) if isinstance(at, str) else at
    if instant.tzinfo is None:
        raise ClockError(f"travel({at!r}): the instant needs a UTC offset")
    previous = os.environ.get(CLOCK_ENV)
    os.environ[CLOCK_ENV] = f"{instant.isoformat()}@{_host_utc().timestamp():.6f}"
    try:
        yield instant
    finally:
        if previous is None:
            os.environ.pop(CLOCK_ENV, None)
        else:
            os.environ[CLOCK_ENV] = previous


def check_zone(name: str) -> None:
    """Validate an IANA zone name for a configuration schema (raises a Chinese message)."""
    from marshmallow import ValidationError

    try:
        zone_named(name)
    except ClockError as exc:
        raise ValidationError(f"未知的时区：{name}（应为 IANA 时区名，如 Asia/Shanghai）") from exc
