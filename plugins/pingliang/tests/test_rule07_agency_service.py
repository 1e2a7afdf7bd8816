"""Rule 7 (Seed 优化营商环境): the 帮办代办 agency service.

> 实行“一个企业、一个项目、一套班子、一抓到底”机制。成立招商引资帮办代办服务中心……推行“全程式、管家式、
> 套餐式、送上门”服务，有效解决企业的难点痛点

A request for a project's enterprise is assigned to a service unit, due in working days; the
unit accepts, handles and closes it (or returns it) in dated steps; an open request past its
deadline warns the project for that unit; closing on time earns the unit plus points.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.clock import travel
from core.testing.records import events_of, row_counts
from core.testing.web_pages import served_pages
from plugins.pingliang.tests.conftest import call, new_project

CHONGXIN = ("clerk", "chongxin")  # 崇信县: the project's county
KONGTONG = ("clerk", "kongtong")  # another county
DEVELOPMENT = ("clerk", "dept_development")  # 发展改革委: the service unit
TABLES = ("pingliang_service_requests", "pingliang_service_steps")
EVENT = "zhaoshang.pingliang_service_request."


def _raise(client, project_id, as_=CHONGXIN, status=201, **overrides):
    body = {"kind": "approval", "need": "代办项目备案及节能审查", "unit": "dept_development",
            "raised_on": "2024-09-27"} | overrides
    return call(client, "POST", f"/pingliang/projects/{project_id}/service-requests", body,
                status, as_=as_)


def _step(client, request_id, step, on, note=None, as_=DEVELOPMENT, status=200):
    body = {"step": step, "occurred_on": on} | ({"note": note} if note else {})
    return call(client, "POST", f"/pingliang/service-requests/{request_id}/steps", body, status,
                as_=as_)


def test_a_request_is_due_in_working_days_and_closed_by_its_steps(client, app):
    """帮办代办: “全程式、管家式” — the county raises it for the enterprise, the service unit
    accepts, handles and closes it within ten working days, counted on the official calendar."""
    project = new_project(client)
    request = _raise(client, project["id"])
    # Friday 2024-09-27 + 10 working days: the National Day week is off and two weekend days
    # (Sunday 09-29, Saturday 10-12) are make-up working days.
    assert (request["raised_by_unit"], request["unit"], request["due_workdays"],
            request["due_on"], request["status_label"]) == (
        "chongxin", "dept_development", 10, "2024-10-16", "待受理")
    _step(client, request["id"], "accepted", "2024-09-29")
    _step(client, request["id"], "in_progress", "2024-10-08", "已报送节能审查材料")
    done = _step(client, request["id"], "completed", "2024-10-15", "备案证明和节能审查意见已出具")
    assert [(s["step_label"], s["occurred_on"]) for s in done["steps"]] == [
        ("受理", "2024-09-29"), ("办理中", "2024-10-08"), ("办结", "2024-10-15")]
    assert (done["status_label"], done["outcome"], done["on_time"], done["overdue"]) == (
        "办结", "备案证明和节能审查意见已出具", True, False)
    # The project's requests, and the service unit's own list with its deadlines.
    listed = call(client, "GET", f"/pingliang/service-requests?project_id={project['id']}")
    assert [row["id"] for row in listed["items"]] == [request["id"]]
    mine = call(client, "GET", "/pingliang/service-requests/mine", as_=DEVELOPMENT)
    assert (mine["unit"], [(r["id"], r["due_on"]) for r in mine["items"]]) == (
        "dept_development", [(request["id"], "2024-10-16")])
    assert call(client, "GET", "/pingliang/service-requests/mine", as_=KONGTONG)["items"] == []
    facts = [fact for fact in ("raised", "accepted", "in_progress", "completed")
             if events_of(app, EVENT + fact)]
    assert facts == ["raised", "accepted", "in_progress", "completed"]
    assert events_of(app, EVENT + "completed")[0].data["actor"] == "clerk-dept_development"
    assert row_counts(app, *TABLES)["pingliang_service_steps"] == 3


def test_steps_come_in_order_dated_once_and_a_request_is_raised_once(client, app, today):
    """一抓到底: each step once and in order, never dated before the request or in the future;
    the same need is not raised twice while it is open; 退回 closes it with its reason."""
    project = new_project(client)
    request = _raise(client, project["id"])
    before = row_counts(app, *TABLES)
    answer = _raise(client, project["id"], status=409)
    assert answer["refusals"][0]["rule"] == "pingliang.service.duplicate"
    assert _step(client, request["id"], "completed", "2024-10-08", "已办",
                 status=409)["refusals"][0]["rule"] == "pingliang.service.step_order"
    early = _step(client, request["id"], "accepted", "2024-09-26", status=400)
    assert early["errors"][0]["field"] == "occurred_on"
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert _step(client, request["id"], "accepted", tomorrow,
                 status=400)["errors"][0]["code"] == "date.in_future"
    assert row_counts(app, *TABLES) == before  # nothing written by a refusal
    _step(client, request["id"], "accepted", "2024-09-30")
    assert _step(client, request["id"], "accepted", "2024-09-30",
                 status=409)["refusals"][0]["rule"] == "pingliang.service.step_done"
    assert _step(client, request["id"], "returned", "2024-10-08",
                 status=400)["errors"][0]["field"] == "note"
    returned = _step(client, request["id"], "returned", "2024-10-08", "企业尚未取得用地预审意见")
    assert (returned["status_label"], returned["closed_on"], returned["outcome"]) == (
        "退回", "2024-10-08", "企业尚未取得用地预审意见")
    assert _step(client, request["id"], "in_progress", "2024-10-09",
                 status=409)["refusals"][0]["rule"] == "pingliang.service.step_order"
    # Returned, the same need may be raised again.
    _raise(client, project["id"], raised_on="2024-10-09")


def test_the_projects_units_or_the_office_raise_and_only_the_service_unit_advances(client, app):
    """一套班子: the project's own county (its 包抓 team) or the office raises a request; only
    the assigned service unit's clerks (or the office) accept and close it; refusals write
    nothing."""
    project = new_project(client)
    before = row_counts(app, *TABLES)
    answer = client.post(f"/pingliang/projects/{project['id']}/service-requests", as_=KONGTONG,
                         json={"kind": "land", "need": "代办用地", "unit": "dept_development"})
    assert answer.status_code == 403 and answer.json["code"] == "forbidden_unit"
    answer = client.post(f"/pingliang/projects/{project['id']}/service-requests",
                         as_=("leader", None),
                         json={"kind": "land", "need": "代办用地", "unit": "dept_development"})
    assert answer.status_code == 403 and answer.json["code"] == "forbidden_role"
    assert row_counts(app, *TABLES) == before
    by_office = _raise(client, project["id"], as_=None, kind="utility",
                       need="协调接入10千伏供电线路")
    assert by_office["raised_by_unit"] == "office"
    before = row_counts(app, *TABLES)
    for actor in (CHONGXIN, KONGTONG):  # not even the county that raised it
        answer = client.post(f"/pingliang/service-requests/{by_office['id']}/steps", as_=actor,
                             json={"step": "accepted", "occurred_on": "2024-09-30"})
        assert answer.status_code == 403 and answer.json["code"] == "forbidden_unit"
    assert row_counts(app, *TABLES) == before
    assert _step(client, by_office["id"], "accepted", "2024-09-30", as_=None)["status"] == "accepted"
    assert client.get("/pingliang/service-requests/999999").status_code == 404


def _service_warning(client, project_id, on):
    with travel(f"{on}T10:00:00+08:00"):
        call(client, "POST", "/warnings/recompute", {})
        rows = call(client, "GET", f"/warnings?subject_type=project&subject_id={project_id}"
                                   f"&rule=pingliang_service_overdue")["items"]
    return rows[0] if rows else None


def test_an_open_request_past_its_deadline_warns_the_project_for_the_service_unit(
        client, pingliang, today):
    """有效解决企业的难点痛点: a request left open past its deadline is a warning on the project,
    answerable by the service unit; closing it clears the warning."""
    project = new_project(client)
    request = _raise(client, project["id"], raised_on=today.isoformat())
    due = pingliang.calendar.add_workdays(today, 10)
    assert request["due_on"] == due.isoformat()
    assert _service_warning(client, project["id"], due) is None
    late = due + dt.timedelta(days=1)
    warning = _service_warning(client, project["id"], late)
    assert (warning["level"], warning["unit"], warning["since"]) == (
        "overdue", "dept_development", late.isoformat())
    assert "代办项目备案及节能审查" in warning["reason"] and "发展和改革委员会" in warning["reason"]
    with travel(f"{late}T11:00:00+08:00"):
        closed = _step(client, request["id"], "accepted", late.isoformat())
        closed = _step(client, request["id"], "completed", late.isoformat(), "已出具审查意见")
        rows = call(client, "GET", f"/warnings?subject_type=project&subject_id={project['id']}"
                                   f"&rule=pingliang_service_overdue")["items"]
    assert rows == [] and (closed["on_time"], closed["overdue_days"]) == (False, 1)


def test_a_request_closed_on_time_credits_the_service_unit_in_the_assessment(client):
    """帮办代办 in the assessment (正向加分): the service unit earns plus points for each request
    it closed by its deadline in the period; a late one earns nothing."""
    project = new_project(client)
    on_time = _raise(client, project["id"])  # due 2024-10-16
    _step(client, on_time["id"], "accepted", "2024-09-30")
    _step(client, on_time["id"], "completed", "2024-10-16", "已办结")
    late = _raise(client, project["id"], kind="licence", need="代办食品生产许可证",
                  unit="dept_industry")
    _step(client, late["id"], "accepted", "2024-09-30", as_=("clerk", "dept_industry"))
    _step(client, late["id"], "completed", "2024-10-17", "已发证", as_=("clerk", "dept_industry"))
    run = call(client, "POST", "/assessments/runs",
               {"scheme": "pingliang_department_quarter", "period": "2024-Q4"}, 201)
    rows = {row["unit"]: row for row in call(
        client, "GET", f"/assessments/runs/{run['id']}/ranking")["rows"]}
    credited = [(a["source"], Decimal(a["points"])) for a in rows["dept_development"]["adjustments"]]
    assert credited == [(f"pingliang_service_request:{on_time['id']}", Decimal("0.5"))]
    assert "按期办结" in rows["dept_development"]["adjustments"][0]["reason"]
    assert rows["dept_industry"]["adjustments"] == []


def test_the_service_unit_and_the_project_see_the_requests_on_their_pages(client):
    """服务“送上门”: the requests are pages of the web — by project or service unit, and the
    service unit's own list with deadlines."""
    project = new_project(client)
    request = _raise(client, project["id"])
    pages = served_pages(client, {"project_id": str(project["id"]), "month": "2024-10"})
    assert pages["pingliang_service_requests"]["roles"] == ["clerk", "officer", "leader", "admin"]
    assert {f["name"] for f in pages["pingliang_service_requests"]["filters"]} == {
        "project_id", "unit"}
    assert pages["pingliang_my_service_requests"]["sections"][0]["source"] == (
        "pingliang/service-requests/mine")
    headings = {c["heading"] for c in pages["pingliang_service_requests"]["sections"][0]["columns"]}
    assert {"承办单位", "办结期限", "是否超期"} <= headings
    shown = call(client, "GET", f"/pingliang/service-requests?project_id={project['id']}")
    assert shown["items"][0]["id"] == request["id"]
