"""The working-day calendar: official data, loaded notices, and the estimate past them."""

from __future__ import annotations

import json
import logging
import tomllib
from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from core.workdays import (
    NOTICE_DIR,
    HolidayNoticeError,
    WorkdayCalendar,
    statutory_fixed_holidays,
)

D = date.fromisoformat
LIBRARY_YEARS = sorted({d.year for d in chinese_calendar.holidays})
FAR_YEAR = 2099  # no data will ever be published this early


@pytest.fixture(scope="module")
def official() -> WorkdayCalendar:
    """The library's data only, so tests do not move when a notice file is added."""
    return WorkdayCalendar()


@pytest.fixture(scope="module")
def estimate() -> WorkdayCalendar:
    """Every year estimated, for comparing the rule with the official data."""
    return WorkdayCalendar(library_data=False)


def notice(**changes):
    data = {
        "year": FAR_YEAR,
        "holidays": [{"name": "春节", "start": f"{FAR_YEAR}-02-02", "end": f"{FAR_YEAR}-02-08"}],
        "workdays": [f"{FAR_YEAR}-02-01"],  # a Sunday
    }
    data.update(changes)
    return data


# -- official data ------------------------------------------------------------------------------


def test_known_years_are_the_library_years(official):
    assert official.known_years() == tuple(LIBRARY_YEARS)
    assert {2004, 2024, 2026} <= set(official.known_years())
    assert set(LIBRARY_YEARS) <= set(WorkdayCalendar.default().known_years())


def test_make_up_sundays_are_working_days(official):
    # 2024 Spring Festival: Feb 10-17 off, Sundays Feb 4 and Feb 18 worked (调休).
    assert official.is_workday(D("2024-02-04"))
    assert official.is_workday(D("2024-02-18"))
    assert not official.is_workday(D("2024-02-03"))  # an ordinary Saturday
    assert official.workdays_between(D("2024-02-02"), D("2024-02-05")) == 2


def test_spring_festival_is_skipped(official):
    assert not any(official.is_workday(D("2024-02-10") + timedelta(i)) for i in range(8))
    # Eve (Feb 9, a Friday) is a working day; the next one is the make-up Sunday Feb 18.
    assert official.add_workdays(D("2024-02-08"), 1) == D("2024-02-09")
    assert official.add_workdays(D("2024-02-09"), 1) == D("2024-02-18")
    assert official.add_workdays(D("2024-02-09"), 2) == D("2024-02-19")


def test_lead_reported_on_friday_before_national_day(official):
    # Fri 2024-09-27 + 2: Sun 09-29 (make-up) and Mon 09-30; Oct 1-7 off.
    assert official.add_workdays(D("2024-09-27"), 2) == D("2024-09-30")
    assert official.add_workdays(D("2024-09-27"), 3) == D("2024-10-08")


@pytest.mark.parametrize(
    ("reported", "n", "due"),
    [
        ("2024-09-29", 2, "2024-10-08"),
        ("2024-09-30", 1, "2024-10-08"),
        ("2024-09-30", 2, "2024-10-09"),
        ("2024-09-30", 5, "2024-10-12"),  # the make-up Saturday after the holiday
        ("2024-10-03", 1, "2024-10-08"),
    ],
)
def test_lead_reported_just_before_national_day_is_due_after_it(official, reported, n, due):
    assert official.add_workdays(D(reported), n) == D(due)


def test_workdays_between(official):
    assert official.workdays_between(D("2024-09-27"), D("2024-10-08")) == 3
    assert official.workdays_between(D("2024-10-08"), D("2024-09-27")) == -3
    assert official.workdays_between(D("2024-10-08"), D("2024-10-08")) == 0
    assert official.workdays_between(D("2024-09-28"), D("2024-09-28")) == 0


def test_add_workdays_and_workdays_between_agree(official):
    start = D("2023-12-20")
    for n in range(0, 40):
        assert official.workdays_between(start, official.add_workdays(start, n)) == n


def test_add_workdays_edges(official):
    assert official.add_workdays(D("2024-10-01"), 0) == D("2024-10-01")
    assert official.add_workdays(datetime(2024, 9, 30, 17, 45), 1) == D("2024-10-08")
    assert official.is_workday(datetime(2024, 2, 4, 9, 0))
    with pytest.raises(ValueError, match="不能为负数"):
        official.add_workdays(D("2024-10-01"), -1)


# -- the estimate past the known years ----------------------------------------------------------


def test_unknown_year_is_estimated(official):
    assert official.is_estimated(D(f"{FAR_YEAR}-03-02"))
    assert not official.is_estimated(D("2024-03-02"))
    assert official.is_workday(D("2099-03-02"))  # Monday
    assert not official.is_workday(D("2099-03-07"))  # Saturday
    assert not official.is_workday(D("2099-03-08"))  # Sunday


@pytest.mark.parametrize(
    "day",
    ["2099-01-01", "2099-05-01", "2099-10-01", "2098-10-02", "2098-10-03", "2098-05-02"],
)
def test_fixed_date_holidays_are_off_in_unknown_years(official, day):
    assert D(day).weekday() < 5
    assert not official.is_workday(D(day))


def test_estimate_crossing_from_known_into_unknown_year(official):
    last = official.known_years()[-1]
    dec31 = date(last, 12, 31)
    assert not official.is_estimated(dec31)
    due = official.add_workdays(dec31, 1)
    assert due.year == last + 1 and official.is_estimated(due)
    assert due != date(last + 1, 1, 1)  # 元旦 is off even in the estimate


def test_unknown_year_warns_once_per_year(caplog):
    calendar = WorkdayCalendar()
    with caplog.at_level(logging.WARNING, logger="core.workdays"):
        calendar.add_workdays(D("2099-03-02"), 10)
        calendar.is_workday(D("2099-07-01"))
        calendar.is_workday(D("2098-07-01"))
        calendar.is_workday(D("2024-07-01"))
    warned = [r.getMessage() for r in caplog.records if r.name == "core.workdays"]
    assert len(warned) == 2
    assert "2099" in warned[0] and "2098" in warned[1]


def test_statutory_fixed_holidays_follow_the_law():
    assert date(2007, 5, 3) in statutory_fixed_holidays(2007)
    assert statutory_fixed_holidays(2024) == {
        D(f"2024-{d}") for d in ("01-01", "05-01", "10-01", "10-02", "10-03")
    }
    assert date(2025, 5, 2) in statutory_fixed_holidays(2025)


# The safety statements of the module docstring, checked on every year the library knows.


@pytest.mark.parametrize("year", LIBRARY_YEARS)
def test_fixed_date_holidays_are_official_days_off(official, year):
    for day in statutory_fixed_holidays(year):
        assert not official.is_workday(day), day


@pytest.mark.parametrize("year", LIBRARY_YEARS)
def test_every_official_weekday_working_day_is_an_estimated_one(official, estimate, year):
    day = date(year, 1, 1)
    while day.year == year:
        if day.weekday() < 5 and official.is_workday(day):
            assert estimate.is_workday(day), day
        day += timedelta(1)


def _make_up_days(calendar: WorkdayCalendar, after: date, upto: date) -> int:
    return sum(
        calendar.is_workday(after + timedelta(i)) and (after + timedelta(i)).weekday() >= 5
        for i in range(1, (upto - after).days + 1)
    )


@pytest.mark.parametrize("year", LIBRARY_YEARS)
def test_estimated_deadlines_are_late_only_by_make_up_days(official, estimate, year):
    last_known = date(LIBRARY_YEARS[-1], 12, 31)
    earlier = 0
    start = date(year, 1, 1)
    while start.year == year:
        for n in range(1, 11):
            true_due = official.add_workdays(start, n)
            if true_due > last_known - timedelta(60):
                continue  # n + m working days later would run past the library's data
            estimated_due = estimate.add_workdays(start, n)
            if _make_up_days(official, start, true_due) == 0:
                assert estimated_due <= true_due, (start, n)
            m = _make_up_days(official, start, estimated_due)
            assert estimated_due <= official.add_workdays(start, n + m), (start, n)
            earlier += estimated_due < true_due
        start += timedelta(1)
    assert earlier  # every year has holidays the estimate does not know


def test_estimate_can_be_late_across_a_make_up_day(official, estimate):
    # The documented limit: Tue 2024-10-08 + 4 is officially the make-up Saturday 10-12.
    assert official.add_workdays(D("2024-10-08"), 4) == D("2024-10-12")
    assert estimate.add_workdays(D("2024-10-08"), 4) == D("2024-10-14")
    assert official.add_workdays(D("2024-10-08"), 4 + 1) >= D("2024-10-14")  # m = 1


def test_estimate_is_early_across_a_long_holiday(official, estimate):
    assert official.add_workdays(D("2024-09-30"), 3) == D("2024-10-10")
    assert estimate.add_workdays(D("2024-09-30"), 3) == D("2024-10-08")


# -- notices ------------------------------------------------------------------------------------

NOTICE_2027 = {
    "year": 2027,
    "source": "测试用，非官方安排",
    "holidays": [
        {"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"},
        {"name": "春节", "start": "2027-02-06", "end": "2027-02-12"},
    ],
    "workdays": ["2027-02-14", "2027-02-20"],
}


def test_loaded_2027_notice_changes_the_deadline(estimate):
    calendar = WorkdayCalendar.default()
    # Without data: Fri 2027-02-05 + 1 is Monday 02-08 (the estimate knows no Spring Festival).
    assert estimate.add_workdays(D("2027-02-05"), 1) == D("2027-02-08")
    assert calendar.load_notice(NOTICE_2027) == 2027
    assert 2027 in calendar.known_years()
    assert not calendar.is_estimated(D("2027-02-08"))
    assert not calendar.is_workday(D("2027-02-08"))
    assert calendar.is_workday(D("2027-02-14"))  # make-up Sunday
    assert calendar.add_workdays(D("2027-02-05"), 1) == D("2027-02-14")
    assert calendar.add_workdays(D("2027-02-05"), 2) == D("2027-02-15")


def test_notice_replaces_what_was_known_about_its_year():
    calendar = WorkdayCalendar.default()
    calendar.load_notice(
        {"year": 2024, "holidays": [{"name": "国庆节", "start": "2024-10-01", "end": "2024-10-03"}]}
    )
    assert calendar.is_workday(D("2024-10-07"))  # Monday, no longer off
    assert not calendar.is_workday(D("2024-02-04"))  # the old make-up Sunday is gone
    assert not calendar.is_workday(D("2025-01-01"))  # other years untouched


def test_notice_accepts_toml_dates_and_files(tmp_path):
    toml_file = tmp_path / "2027.toml"
    toml_file.write_text(
        'year = 2027\nholidays = [{ name = "春节", start = 2027-02-06, end = "2027-02-12" }]\n'
        "workdays = [2027-02-14]\n",
        encoding="utf-8",
    )
    json_file = tmp_path / "2028.json"
    json_file.write_text(
        json.dumps(
            {
                "year": 2028,
                "holidays": [{"name": "元旦", "start": "2028-01-01", "end": "2028-01-01"}],
            }
        ),
        encoding="utf-8",
    )
    calendar = WorkdayCalendar(library_data=False)
    assert calendar.load_notice_file(toml_file) == 2027
    assert calendar.load_notice_file(str(json_file)) == 2028
    assert calendar.known_years() == (2027, 2028)
    assert calendar.is_workday(D("2027-02-14"))
    assert not calendar.is_workday(D("2028-01-01"))


def test_default_loads_notice_files_but_not_examples(tmp_path):
    (tmp_path / "2099.toml.example").write_text(
        'year = 2098\nholidays = [{ name = "元旦", start = 2098-01-01, end = 2098-01-01 }]\n',
        encoding="utf-8",
    )
    (tmp_path / "2099.toml").write_text(
        'year = 2099\nholidays = [{ name = "元旦", start = 2099-01-01, end = 2099-01-01 }]\n',
        encoding="utf-8",
    )
    (tmp_path / "README.md").write_text("# notices\n", encoding="utf-8")
    calendar = WorkdayCalendar.default(notice_dir=tmp_path)
    assert 2099 in calendar.known_years()
    assert 2098 not in calendar.known_years()


def test_default_rejects_two_notices_for_one_year(tmp_path):
    for name in ("2099.toml", "2099-corrected.toml"):
        (tmp_path / name).write_text(
            'year = 2099\nholidays = [{ name = "元旦", start = 2099-01-01, end = 2099-01-01 }]\n',
            encoding="utf-8",
        )
    with pytest.raises(HolidayNoticeError, match="重复"):
        WorkdayCalendar.default(notice_dir=tmp_path)


def test_shipped_example_is_a_valid_notice():
    example = NOTICE_DIR / "2027.toml.example"
    data = tomllib.loads(example.read_text(encoding="utf-8"))
    assert WorkdayCalendar(library_data=False).load_notice(data) == 2027


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "键值表"),
        (notice(year="2099"), "整数年份"),
        (notice(year=True), "整数年份"),
        (notice(year=1990), "整数年份"),
        (notice(extra=1), "未知字段：extra"),
        (notice(holidays=[]), "至少列出一个"),
        (notice(holidays=[{"name": "春节", "start": "2099-02-02"}]), "name、start、end"),
        (notice(holidays=[{"name": "", "start": "2099-02-02", "end": "2099-02-02"}]), "节日名称"),
        (
            notice(holidays=[{"name": "春节", "start": "2099-02-30", "end": "2099-03-01"}]),
            "不是有效日期",
        ),
        (
            notice(holidays=[{"name": "春节", "start": "2099/02/02", "end": "2099-02-03"}]),
            "YYYY-MM-DD",
        ),
        (
            notice(holidays=[{"name": "元旦", "start": "2098-12-31", "end": "2099-01-01"}]),
            "不在通知年份 2099 年内",
        ),
        (notice(workdays=["2100-01-02"]), "不在通知年份 2099 年内"),
        (
            notice(holidays=[{"name": "春节", "start": "2099-02-08", "end": "2099-02-02"}]),
            "早于开始日期",
        ),
        (
            notice(
                holidays=[
                    {"name": "春节", "start": "2099-02-02", "end": "2099-02-08"},
                    {"name": "元宵", "start": "2099-02-08", "end": "2099-02-08"},
                ]
            ),
            "两段假期",
        ),
        (notice(workdays=["2099-02-07"]), "既是放假日"),
        (notice(workdays=["2099-02-09"]), "不是周六或周日"),
        (notice(workdays=["2099-02-01", "2099-02-01"]), "重复"),
        (notice(workdays="2099-02-01"), "列表"),
        (notice(source=3), "source"),
    ],
)
def test_invalid_notices_are_rejected(data, message):
    calendar = WorkdayCalendar.default()
    with pytest.raises(ValueError, match=message):
        calendar.load_notice(data)
    assert calendar.is_estimated(D("2099-02-03"))  # nothing half-loaded


def test_invalid_notice_files_name_the_file(tmp_path):
    calendar = WorkdayCalendar(library_data=False)
    broken = tmp_path / "2099.toml"
    broken.write_text("year = 2099\nholidays = [", encoding="utf-8")
    with pytest.raises(HolidayNoticeError, match=r"2099\.toml：文件无法解析"):
        calendar.load_notice_file(broken)
    wrong = tmp_path / "2099.json"
    wrong.write_text(json.dumps(notice(workdays=["2099-02-03"])), encoding="utf-8")
    with pytest.raises(HolidayNoticeError, match=r"2099\.json：.*既是放假日"):
        calendar.load_notice_file(wrong)
    other = tmp_path / "2099.yaml"
    other.write_text("year: 2099\n", encoding="utf-8")
    with pytest.raises(HolidayNoticeError, match=r"\.toml 或 \.json"):
        calendar.load_notice_file(other)
    assert calendar.known_years() == ()


def test_notice_data_is_the_documented_shape():
    # The README's own example block loads.
    readme = (NOTICE_DIR / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    assert WorkdayCalendar(library_data=False).load_notice(tomllib.loads(block)) == 2027


def test_year_span_helper_is_consistent(official):
    # A sanity check of the helper the safety test relies on.
    assert _make_up_days(official, D("2024-01-31"), D("2024-02-29")) == 2
