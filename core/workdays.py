"""China's official working-day calendar (工作日): holidays and make-up working days (调休).

Deadlines in the suite ("report within 2 working days") are counted on this calendar.

Where the data comes from
-------------------------
* ``chinese_calendar`` ships the State Council's holiday arrangements for the years it knows
  (2004–2026 in version 1.11): the days off and the weekend days that are working days (调休).
* The next year's notice (国务院办公厅关于某年部分节假日安排的通知) is published in November or
  December, usually before a new ``chinese_calendar`` release. A city loads it as data with
  :meth:`WorkdayCalendar.load_notice` / :meth:`WorkdayCalendar.load_notice_file`; files in
  ``core/data/holidays/`` (``<year>.toml`` or ``<year>.json``) are loaded by
  :meth:`WorkdayCalendar.default`. A notice replaces everything known about its year.

Past the known years: the estimate
----------------------------------
For a year with no data, Monday to Friday are working days, Saturday and Sunday are not, and the
statutory fixed-date holidays of that year's law are days off (元旦 Jan 1; 劳动节 May 1, and May 2
from 2025 on, May 1–3 before 2008; 国庆 Oct 1–3). :meth:`WorkdayCalendar.is_estimated` says when
a day falls in such a year, so callers can label a deadline as an estimate, and the calendar logs
a warning once per unknown year.

Which way the estimate errs, precisely (the unit tests check every statement against every year
``chinese_calendar`` knows):

* Holidays make the estimate early, never late. The only days the estimate takes off are
  statutory holidays, which no notice turns into working days, so every official working day
  from Monday to Friday is a working day of the estimate. Long holidays the estimate cannot
  foresee (Spring Festival, the week around National Day) only add working days to it: a
  deadline across them comes out earlier than the official one, and the clerk is warned early.
* Make-up days make it late. The estimate cannot know which weekend days a future notice will
  make working days. When the counted span holds such a day but not the holiday it pays for,
  the official deadline is earlier than the estimate: a lead reported on Tuesday 2024-10-08
  with 4 working days is officially due on the make-up Saturday 2024-10-12, while the estimate
  says Monday 2024-10-14. Hence the guarantee:

  - if no make-up day lies in (start, official deadline], the estimated deadline is on or before
    the official one;
  - in general ``estimate.add_workdays(d, n) <= official.add_workdays(d, n + m)``, where ``m``
    is the number of make-up days in (d, estimated deadline]: each make-up day can make the
    estimate at most one working day late.

An estimate that is never late at all would have to count every weekend day as a working day
(any of them might become a make-up day), putting ten-working-day deadlines four days early all
year round. We prefer the weekday estimate, flagged by :meth:`~WorkdayCalendar.is_estimated` and
the log warning, and rely on the notice being loaded once published, which ends the estimate.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar

log = logging.getLogger(__name__)

#: Where next-year notices live; see the README there for the format.
NOTICE_DIR = Path(__file__).parent / "data" / "holidays"

_NOTICE_SUFFIXES = (".toml", ".json")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ONE_DAY = timedelta(days=1)


class HolidayNoticeError(ValueError):
    """A holiday notice that cannot be loaded; the message says why, in Chinese."""


def statutory_fixed_holidays(year: int) -> frozenset[date]:
    """The fixed-date statutory holidays (法定节假日) of ``year``; always days off.

    Only solar-calendar dates: the lunar holidays (春节, 端午, 中秋) and 清明 move every year and
    are left to the published notice.
    """
    if year >= 2025:  # 国务院令第798号: Labour Day became two days
        days = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))
    elif year >= 2008:  # 国务院令第513号: Labour Day cut to one day
        days = ((1, 1), (5, 1), (10, 1), (10, 2), (10, 3))
    else:  # the 1999 rules (used for any earlier year too): three days for Labour Day
        days = ((1, 1), (5, 1), (5, 2), (5, 3), (10, 1), (10, 2), (10, 3))
    return frozenset(date(year, month, day) for month, day in days)


class WorkdayCalendar:
    """Working days of mainland China: official data where known, an estimate elsewhere.

    Hold one calendar per process (``WorkdayCalendar.default()``): it warns once per unknown
    year, and loading a notice changes it in place.
    """

    def __init__(self, *, library_data: bool = True) -> None:
        """Start from ``chinese_calendar``'s data, or from no data when ``library_data`` is
        false (every year is then estimated)."""
        self._holidays: set[date] = set()
        self._workdays: set[date] = set()
        self._years: set[int] = set()
        self._warned_years: set[int] = set()
        # Per year, the working days up to and including each day of it (index: day of year
        # - 1): a count over any span is then two look-ups a year, not one test a day.
        self._running: dict[int, list[int]] = {}
        if library_data:
            self._holidays.update(chinese_calendar.holidays)
            self._workdays.update(chinese_calendar.workdays)
            self._years.update(d.year for d in chinese_calendar.holidays)

    @classmethod
    def default(cls, notice_dir: str | os.PathLike[str] | None = NOTICE_DIR) -> WorkdayCalendar:
        """``chinese_calendar``'s data plus every ``*.toml`` / ``*.json`` notice in
        ``notice_dir`` (``core/data/holidays/`` unless told otherwise; ``None`` for none)."""
        calendar = cls()
        if notice_dir is None:
            return calendar
        loaded: dict[int, Path] = {}
        for path in sorted(Path(notice_dir).iterdir()):
            if path.suffix not in _NOTICE_SUFFIXES:
                continue
            year = calendar.load_notice_file(path)
            if year in loaded:
                raise HolidayNoticeError(
                    f"{path}：{year} 年的节假日通知重复，已由 {loaded[year].name} 载入"
                )
            loaded[year] = path
        return calendar

    # -- loading notices ---------------------------------------------------------------------

    def load_notice(self, data: Mapping[str, Any]) -> int:
        """Load one year's holiday notice, replacing what was known about that year.

        ``data`` is ``{"year": 2027, "holidays": [{"name": "春节", "start": "2027-02-06",
        "end": "2027-02-12"}, ...], "workdays": ["2027-02-14", ...]}``, optionally with a
        ``"source"`` string (the notice's title or document number). Dates are ISO strings or
        ``date`` objects. Returns the year; raises :class:`HolidayNoticeError` (a ``ValueError``)
        with a Chinese message if the notice is malformed or inconsistent.
        """
        year, holidays, workdays = _parse_notice(data)
        self._holidays = {d for d in self._holidays if d.year != year} | holidays
        self._workdays = {d for d in self._workdays if d.year != year} | workdays
        self._years.add(year)
        self._running.pop(year, None)
        return year

    def load_notice_file(self, path: str | os.PathLike[str]) -> int:
        """Load a notice from a ``.toml`` or ``.json`` file; see :meth:`load_notice`."""
        path = Path(path)
        try:
            if path.suffix == ".toml":
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            elif path.suffix == ".json":
                data = json.loads(path.read_text(encoding="utf-8"))
            else:
                raise HolidayNoticeError("节假日通知文件应为 .toml 或 .json 格式")
            return self.load_notice(data)
        except HolidayNoticeError as exc:
            raise HolidayNoticeError(f"{path}：{exc}") from exc
        except ValueError as exc:  # TOML / JSON syntax, or not UTF-8
            raise HolidayNoticeError(f"{path}：文件无法解析（{exc}）") from exc

    # -- queries -----------------------------------------------------------------------------

    def known_years(self) -> tuple[int, ...]:
        """The years with official data (library or loaded notice), ascending."""
        return tuple(sorted(self._years))

    def is_estimated(self, d: date) -> bool:
        """True when ``d`` lies in a year without data, so answers about it are estimates."""
        return _as_date(d).year not in self._years

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day (estimated past the known years)."""
        d = _as_date(d)
        if d.year in self._years:
            if d in self._workdays:
                return True
            if d in self._holidays:
                return False
            return d.weekday() < 5
        if d.year not in self._warned_years:
            self._warned_years.add(d.year)
            log.warning(
                "No holiday data for %d: working days estimated as Monday-Friday less the "
                "statutory fixed-date holidays; load the year's notice into %s",
                d.year,
                NOTICE_DIR,
            )
        return d.weekday() < 5 and d not in statutory_fixed_holidays(d.year)

    def add_workdays(self, start: date, n: int) -> date:
        """The deadline ``n`` working days after ``start``; ``start`` itself never counts.

        ``n = 0`` gives ``start``; a negative ``n`` is a ``ValueError``.
        """
        if n < 0:
            raise ValueError(f"工作日天数不能为负数：{n}")
        day = _as_date(start)
        while n:
            day += _ONE_DAY
            if self.is_workday(day):
                n -= 1
        return day

    def workdays_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b``; negative when ``b`` < ``a``
        (then minus the working days after ``b`` up to and including ``a``)."""
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.workdays_between(b, a)
        counted = self._worked_through(b) - self._worked_through(a)
        for year in range(a.year, b.year):
            counted += self._running_count(year)[-1]
        return counted

    def _running_count(self, year: int) -> list[int]:
        running = self._running.get(year)
        if running is None:
            running, total, day = [], 0, date(year, 1, 1)
            while day.year == year:
                total += self.is_workday(day)
                running.append(total)
                day += _ONE_DAY
            self._running[year] = running
        return running

    def _worked_through(self, d: date) -> int:
        """Working days from 1 January of ``d``'s year up to and including ``d``."""
        return self._running_count(d.year)[d.timetuple().tm_yday - 1]


def _as_date(d: date) -> date:
    # A datetime never equals a date, so set lookups need the plain date.
    return d.date() if isinstance(d, datetime) else d


# -- notice validation --------------------------------------------------------------------------

_NOTICE_KEYS = {"year", "holidays", "workdays", "source"}
_HOLIDAY_KEYS = {"name", "start", "end"}


def _parse_notice(data: Mapping[str, Any]) -> tuple[int, set[date], set[date]]:
    if not isinstance(data, Mapping):
        raise HolidayNoticeError("节假日通知应为键值表（TOML 表或 JSON 对象）")
    unknown = sorted(set(data) - _NOTICE_KEYS)
    if unknown:
        raise HolidayNoticeError(f"节假日通知含有未知字段：{'、'.join(unknown)}")

    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise HolidayNoticeError(
            f"节假日通知的 year 应为 2000–2100 之间的整数年份，实际为 {year!r}"
        )
    source = data.get("source", "")
    if not isinstance(source, str):
        raise HolidayNoticeError("节假日通知的 source 应为文字")

    entries = data.get("holidays")
    if not isinstance(entries, list) or not entries:
        raise HolidayNoticeError("节假日通知应至少列出一个放假安排（holidays）")
    holidays: dict[date, str] = {}
    for i, entry in enumerate(entries):
        where = f"holidays[{i}]"
        if not isinstance(entry, Mapping):
            raise HolidayNoticeError(f"{where} 应为含 name、start、end 的表")
        if set(entry) != _HOLIDAY_KEYS:
            raise HolidayNoticeError(f"{where} 应恰好含有 name、start、end 三个字段")
        name = entry["name"]
        if not isinstance(name, str) or not name.strip():
            raise HolidayNoticeError(f"{where}.name 应为节日名称")
        start = _notice_date(entry["start"], year, f"{where}.start")
        end = _notice_date(entry["end"], year, f"{where}.end")
        if end < start:
            raise HolidayNoticeError(f"{where}（{name}）的结束日期 {end} 早于开始日期 {start}")
        day = start
        while day <= end:
            if day in holidays:
                raise HolidayNoticeError(f"{day} 同时属于“{holidays[day]}”和“{name}”两段假期")
            holidays[day] = name
            day += _ONE_DAY

    listed = data.get("workdays", [])
    if not isinstance(listed, list):
        raise HolidayNoticeError("节假日通知的 workdays 应为调休上班日期的列表")
    workdays: set[date] = set()
    for i, value in enumerate(listed):
        day = _notice_date(value, year, f"workdays[{i}]")
        if day in holidays:
            raise HolidayNoticeError(f"{day} 不能既是放假日（{holidays[day]}）又是调休上班日")
        if day.weekday() < 5:
            raise HolidayNoticeError(f"调休上班日 {day} 不是周六或周日，本来就是工作日")
        if day in workdays:
            raise HolidayNoticeError(f"调休上班日 {day} 重复列出")
        workdays.add(day)
    return year, set(holidays), workdays


def _notice_date(value: Any, year: int, where: str) -> date:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise HolidayNoticeError(f"{where}：{value} 不是有效日期") from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise HolidayNoticeError(f"{where}：日期应写作 YYYY-MM-DD，实际为 {value!r}")
    if value.year != year:
        raise HolidayNoticeError(f"{where}：日期 {value} 不在通知年份 {year} 年内")
    return value


__all__ = [
    "NOTICE_DIR",
    "HolidayNoticeError",
    "WorkdayCalendar",
    "statutory_fixed_holidays",
]
