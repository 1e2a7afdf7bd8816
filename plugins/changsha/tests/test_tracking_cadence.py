"""Rule 6: 周调度、月通报交办、半年度讲评、年观摩, and rule 7: the yearly assessment."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest

from core.testing.records import advance
from plugins.changsha.cadence import site_tour_rows
from plugins.changsha.tests.conftest import changsha_city, major_body, new_project


def this_week(today: dt.date) -> str:
    return f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"


def this_month(today: dt.date) -> str:
    return f"{today.year}-{today.month:02d}"


def days_ago(today: dt.date, days: int) -> str:
    return (today - dt.timedelta(days=days)).isoformat()


def rows(client, code: str, **params) -> list[dict]:
    response = client.get(f"/reports/{code}", query_string=params)
    assert response.status_code == 200, response.json
    return response.json["rows"]


def sign_with_planned_start(client, project_id: int, negotiating: str, signed: str,
                            start: str) -> None:
    """Talks, then signing with the start date agreed at signing (an agreed date is not
    moved by ``PUT``: that would be a re-plan)."""
    for method, path, payload in (
        ("POST", "/transitions", {"target": "negotiating", "occurred_on": negotiating}),
        ("PATCH", "", {"agreement_amount": "50000"}),
        ("PUT", "/milestones", {"kind": "start", "planned_on": start}),
        ("POST", "/transitions", {"target": "signed", "occurred_on": signed}),
    ):
        response = client.request(method, f"/projects/{project_id}{path}", json=payload)
        assert response.status_code == 200, response.json


def signed_today_with_progress(client, today: dt.date) -> dict:
    project = new_project(client, **major_body(name="新能源整车项目"))
    sign_with_planned_start(client, project["id"], today.isoformat(), today.isoformat(),
                            (today + dt.timedelta(days=60)).isoformat())
    client.patch(f"/projects/{project['id']}", json={"progress_note": "完成项目备案"})
    return project


def lagging_with_a_late_work_order(client, today: dt.date) -> dict:
    """Signed 100 days ago, planned to start 3 days ago, never started; a work order gone late."""
    project = new_project(client, **major_body(name="储能材料项目", amount="200000"))
    sign_with_planned_start(client, project["id"], days_ago(today, 120), days_ago(today, 100),
                            days_ago(today, 3))
    matter = client.post("/matters", json={
        "project_id": project["id"], "kind": "land", "title": "用地保障", "request": "请求保障用地",
        "owner_unit": "cs_econ_zone"}).json
    client.post(f"/matters/{matter['id']}/work-orders", json={
        "unit": "cs_econ_zone", "task": "核实用地指标", "issued_on": days_ago(today, 45),
        "due_on": days_ago(today, 35)})
    return project


@pytest.mark.hard_days
def test_the_weekly_list_holds_major_projects_with_what_to_press_on(client, today):
    signed_today_with_progress(client, today)
    lagging_with_a_late_work_order(client, today)
    advance(client, new_project(client, amount="20000", name="普通项目")["id"], "signed",
            {"negotiating": days_ago(today, 20), "signed": days_ago(today, 10)})  # not in future
    new_project(client, **major_body(name="储备重大项目"))  # in reserve: not scheduled weekly
    listed = {row["project"]: row for row in rows(client, "changsha_weekly",
                                                   week=this_week(today))}
    assert list(listed) == ["储能材料项目", "新能源整车项目"]  # largest first
    fresh, late = listed["新能源整车项目"], listed["储能材料项目"]
    assert (fresh["leader"], fresh["task_force"], fresh["progress"]) == (
        "张副市长", "项目专班", "完成项目备案")
    assert fresh["scheduling"] == "本周已报送进展，正常推进"
    # Silent since its signing 100 days ago (progress counts from the last report, not from
    # the record's creation), its start date passed, a work order late.
    assert late["scheduling"] == (f"列入督办：已100天未报送进展；计划开工日期{days_ago(today, 3)}已过；"
                                  "1项派单逾期")
    assert late["open_matters"] == 1


@pytest.mark.hard_days
def test_the_monthly_report_praises_moves_and_assigns_tasks_to_lagging_projects(client, changsha,
                                                                                today):
    signed_today_with_progress(client, today)
    lagging_with_a_late_work_order(client, today)
    listed = {row["project"]: row for row in rows(client, "changsha_monthly",
                                                   month=this_month(today))}
    praised, pressed = listed["新能源整车项目"], listed["储能材料项目"]
    # Reported today: during the month it is judged as of today, never 通报督办.
    assert praised["notice"] == "通报表扬"
    assert praised["moves"] == f"储备→在谈（{today}）；在谈→签约（{today}）"
    assert praised["tasks"] is None
    month_end = dt.date(today.year, today.month, 28) + dt.timedelta(days=4)
    month_end -= dt.timedelta(days=month_end.day)
    due = changsha.calendar.add_workdays(month_end, 10)
    assert pressed["notice"] == "通报督办"
    assert pressed["tasks"] == f"长沙经济技术开发区：报送项目进展并说明滞后原因（{due}前）"


@pytest.mark.hard_days
def test_a_project_that_reported_today_is_stale_only_when_judged_weeks_later(client, today):
    signed_today_with_progress(client, today)
    month_end = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    for code, period, end, key in (
            ("changsha_monthly", {"month": this_month(today)}, month_end, "notice"),
            ("changsha_weekly", {"week": this_week(today)},
             today + dt.timedelta(days=6 - today.weekday()), "scheduling")):
        [fresh] = rows(client, code, **period)
        assert "督办" not in fresh[key], (code, fresh)
        # Asked as of 40 days on, the report judges on the period's last day: stale only when
        # that day is 14 days (cadence.stale_days) or more after today's report.
        [judged] = rows(client, code, **period, as_of=(today + dt.timedelta(days=40)).isoformat())
        stale = (end - today).days >= 14
        verdict = (judged["reasons"] if key == "notice" else judged[key]) or ""
        assert ("未报送进展" in verdict) == stale, (code, end, judged)


def test_a_judgement_day_before_the_period_is_a_field_problem(client):
    response = client.get("/reports/changsha_monthly",
                          query_string={"month": "2024-05", "as_of": "2024-04-30"})
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "as_of"
    assert response.json["errors"][0]["code"] == "changsha.report.as_of_before_period"


def test_the_half_year_review_ranks_units_by_major_projects_with_transfer_credit(client):
    advance(client, new_project(client, **major_body(amount="200000"))["id"], "signed")
    moved = new_project(client, **major_body(finding_unit="furong", host_unit="cs_hitech",
                                             industry="electronic_info"))
    advance(client, moved["id"], "signed")
    advance(client, new_project(client, finding_unit="yuelu", amount="20000")["id"], "signed")
    ranking = rows(client, "changsha_half_year", half="2024-H1")
    top = [(r["rank"], r["unit"], r["major_signed"], r["comment"]) for r in ranking[:4]]
    assert top == [
        (1, "长沙经济技术开发区", "1.00", "讲评表扬：重大项目引进成效显著"),
        (2, "长沙高新技术产业开发区", "0.70", "讲评表扬：重大项目引进成效显著"),
        (3, "芙蓉区", "0.30", "讲评表扬：重大项目引进成效显著"),
        (4, "岳麓区", "0.00", "讲评提醒：重大项目尚未突破"),
    ]
    assert ranking[1]["major_signed_amount"] == "105000.00"  # 15亿元 × 0.7
    assert ranking[-1]["comment"] == "讲评督促：半年无签约项目"


def test_the_site_tour_lists_major_projects_started_or_completed_in_the_year(client, app):
    started = new_project(client, **major_body(name="开工项目", amount="150000"))
    advance(client, started["id"], "started")
    completed = new_project(client, **major_body(name="竣工项目", amount="300000"))
    advance(client, completed["id"], "completed")
    earlier = new_project(client, **major_body(name="往年开工项目"))
    advance(client, earlier["id"], "started", {"negotiating": "2023-01-10", "signed": "2023-02-01",
                                                "started": "2023-03-01"})
    advance(client, new_project(client, amount="20000", name="普通项目")["id"], "started")
    tour = rows(client, "changsha_site_tour", year="2024")
    assert [(r["number"], r["project"], r["highlight"]) for r in tour] == [
        (1, "竣工项目", "当年竣工投产"), (2, "开工项目", "当年开工建设")]
    # The list's length is configuration.
    with app.extensions["zhaoshang"].sessions() as session:
        context = SimpleNamespace(session=session, city=changsha_city(cadence={"site_tour_size": 1}))
        assert [r["project"] for r in site_tour_rows(context, {"year": "2024"})] == ["竣工项目"]


def test_reports_export_to_xlsx_with_chinese_headings(client, today):
    signed_today_with_progress(client, today)
    response = client.get("/reports/changsha_weekly.xlsx", query_string={"week": this_week(today)})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "调度意见" in values and "新能源整车项目" in values


def test_a_malformed_period_is_a_field_problem(client):
    response = client.get("/reports/changsha_weekly", query_string={"week": "2024-53x"})
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "week"
    response = client.get("/reports/changsha_lookback", query_string={"as_of": "30/06/2025"})
    assert response.json["errors"][0] == {"field": "as_of", "code": "changsha.report.date",
                                          "message": "日期应写作“年-月-日”，如 2026-06-01"}


def test_the_yearly_assessment_is_centred_on_major_projects(client):
    advance(client, new_project(client, **major_body(amount="200000"))["id"], "started")
    advance(client, new_project(client, finding_unit="yuelu", amount="20000")["id"], "signed")
    advance(client, new_project(client, finding_unit="yuelu", amount="20000")["id"], "signed")
    run = client.post("/assessments/runs", json={"scheme": "changsha_annual", "period": "2024"})
    assert run.status_code == 201, run.json
    ranking = client.get(f"/assessments/runs/{run.json['id']}/ranking").json["rows"]
    by_unit = {row["unit"]: row for row in ranking}
    econ, yuelu = by_unit["cs_econ_zone"], by_unit["yuelu"]
    # The only major project earns 40 + 30 + 20; the best signed count (yuelu's 2) earns 10,
    # so one signed project earns 10 × 1/2.
    assert econ["rank"] == 1 and Decimal(econ["total"]) == 95
    assert Decimal(yuelu["total"]) == 10
