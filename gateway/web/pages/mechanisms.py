"""The office's and the leaders' mechanisms: matters (一事一议) and their decisions, assessment
runs with their ranking (擂台赛) and objections, and warnings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import url_for

from gateway.runtime import gateway
from gateway.web.base import api, blueprint, check_city, done, filters, form_value, render
from gateway.web.formatting import chart
from gateway.web.pages.reference import decision_levels, matter_kinds, unit_names, units
from gateway.web.sorting import sorting

MATTER_COLUMNS = [
    {"key": "title", "heading": "事项", "sort": "title"},
    {"key": "kind_label", "heading": "类别", "sort": "kind"},
    {"key": "project_id", "heading": "项目编号", "href": "project_href", "sort": "project_id"},
    {"key": "requested_amount", "heading": "申请金额", "format": "amount", "sort": "requested_amount"},
    {"key": "status_label", "heading": "状态", "sort": "status"},
    {"key": "decision_level_label", "heading": "决策层级", "sort": "decision_level"},
    {"key": "requested_on", "heading": "提出日期", "format": "date", "sort": "requested_on"},
]
WARNING_COLUMNS = [
    {"key": "level_label", "heading": "等级", "sort": "level"},
    {"key": "subject_label", "heading": "对象", "sort": "subject_type"},
    {"key": "subject_id", "heading": "编号", "href": "subject_href", "sort": "subject_id"},
    {"key": "unit_name", "heading": "责任单位"},
    {"key": "rule_name", "heading": "规则"},
    {"key": "reason", "heading": "原因"},
    {"key": "since", "heading": "起始日期", "format": "date", "sort": "since"},
]
WARNING_LEVELS = {"red": "红色", "yellow": "黄色", "blue": "蓝色", "overdue": "超期"}


# -- matters -----------------------------------------------------------------------------------


@blueprint.route("/c/<city>/matters")
def matters(city: str):
    check_city(city)
    params = filters("status", "kind", "level", "awaiting", "page", "sort")
    answer = api().city(city, "GET", "matters", {"sort": "-requested_on", **params})
    export = {key: value for key, value in params.items() if key != "page"}
    title = f"待{decision_levels(city).get(params['awaiting'], '')}决定的事项" if params.get(
        "awaiting") else "协调事项"
    from gateway.web.pages.office import _record_link as record_link  # office imports dashboard

    rows = answer.items()
    for row in rows:  # each matter's project is a link
        row["project_href"] = record_link(city, "project", row.get("project_id"))
    return render("matters.html", city=city, answer=answer, rows=rows, params=params,
                  columns=MATTER_COLUMNS, kinds=matter_kinds(city), levels=decision_levels(city),
                  sort=sorting("web.matters", params, city=city),
                  title=title, export_url=url_for("web.export", city=city, rest="matters",
                                                  **export))


@blueprint.route("/c/<city>/matters/<int:matter_id>")
def matter(city: str, matter_id: int):
    check_city(city)
    answer = api().city(city, "GET", f"matters/{matter_id}")
    return render("matter.html", 200 if answer.ok else answer.status, city=city, answer=answer,
                  matter=answer.body if answer.ok else None)


@blueprint.route("/c/<city>/matters/<int:matter_id>/proposal", methods=["POST"])
def propose(city: str, matter_id: int):
    check_city(city)
    answer = api().city(city, "POST", f"matters/{matter_id}/proposal", body={
        "proposal": form_value("proposal") or "", "support_amount": form_value("support_amount")})
    return done(answer, "办理意见已拟定", "web.matter", city=city, matter_id=matter_id)


@blueprint.route("/c/<city>/matters/<int:matter_id>/decision", methods=["POST"])
def decide(city: str, matter_id: int):
    check_city(city)
    answer = api().city(city, "POST", f"matters/{matter_id}/decision", body={
        "decision": form_value("decision") or "", "decision_text": form_value("decision_text") or "",
        "meeting_ref": form_value("meeting_ref")})
    return done(answer, "已作出决定", "web.matter", city=city, matter_id=matter_id)


# -- assessments and the arena -------------------------------------------------------------------


@blueprint.route("/c/<city>/assessments")
def assessments(city: str):
    check_city(city)
    client = api()
    runs = client.city(city, "GET", "assessments/runs", {"sort": "-period_start", "per_page": 100})
    schemes = client.city(city, "GET", "assessments/schemes")
    return render("assessments.html", city=city, runs=runs, schemes=schemes.items())


@blueprint.route("/c/<city>/assessments", methods=["POST"])
def create_run(city: str):
    check_city(city)
    answer = api().city(city, "POST", "assessments/runs", body={
        "scheme": form_value("scheme") or "", "period": form_value("period") or ""})
    if answer.ok:
        return done(answer, "考核已生成（草稿）", "web.assessment", city=city,
                    run_id=answer.body["id"])
    return done(answer, "", "web.assessments", city=city)


def ranking_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return chart("bar", "得分排名", rows, "unit_name", [("total", "总分")])


@blueprint.route("/c/<city>/assessments/<int:run_id>")
def assessment(city: str, run_id: int):
    check_city(city)
    client = api()
    ranking = client.city(city, "GET", f"assessments/runs/{run_id}/ranking")
    objections = client.city(city, "GET", f"assessments/runs/{run_id}/objections")
    body = ranking.body if ranking.ok else {}
    rows = body.get("rows", [])
    run = body.get("run")
    if run:
        for key in ("published_at", "superseded_at"):
            run[f"{key}_local"] = local_time(run.get(key))
        deadline = run.get("objection_deadline")
        run["window_open"] = run.get("status") == "published" and bool(deadline) and (
            dt.date.fromisoformat(deadline) >= gateway().settings.clock.today())
    return render("assessment.html", 200 if ranking.ok else ranking.status, city=city,
                  answer=ranking, run=run, rows=rows, units=units(city),
                  objections=objections.items(), chart_spec=ranking_chart(rows),
                  export_url=url_for("web.export", city=city,
                                     rest=f"assessments/runs/{run_id}/export.xlsx"))


def local_time(value: str | None) -> str:
    """A stored instant as the gateway's wall clock shows it (``2024-04-15 10:00``)."""
    if not value:
        return ""
    return gateway().settings.clock.local(dt.datetime.fromisoformat(value)).strftime(
        "%Y-%m-%d %H:%M")


@blueprint.route("/c/<city>/assessments/<int:run_id>/publish", methods=["POST"])
def publish_run(city: str, run_id: int):
    """Publish at the server's time; a correction names its reason, an incomplete run its
    acknowledgement."""
    check_city(city)
    body: dict[str, Any] = {}
    if form_value("reason"):
        body["reason"] = form_value("reason")
    if form_value("acknowledge_incomplete"):
        body["acknowledge_incomplete"] = True
    answer = api().city(city, "POST", f"assessments/runs/{run_id}/publish", body=body)
    return done(answer, "考核结果已公布", "web.assessment", city=city, run_id=run_id)


@blueprint.route("/c/<city>/assessments/<int:run_id>/objections", methods=["POST"])
def file_objection(city: str, run_id: int):
    check_city(city)
    answer = api().city(city, "POST", f"assessments/runs/{run_id}/objections", body={
        "unit": form_value("unit") or "", "text": form_value("text") or ""})
    return done(answer, "异议已提交", "web.assessment", city=city, run_id=run_id)


@blueprint.route("/c/<city>/assessments/<int:run_id>/objections/<int:objection_id>",
                 methods=["POST"])
def answer_objection(city: str, run_id: int, objection_id: int):
    check_city(city)
    answer = api().city(city, "POST", f"assessments/objections/{objection_id}/answer",
                        body={"answer": form_value("answer") or ""})
    return done(answer, "异议已答复", "web.assessment", city=city, run_id=run_id)


# -- warnings ------------------------------------------------------------------------------------


@blueprint.route("/c/<city>/warnings")
def warnings(city: str):
    check_city(city)
    params = filters("level", "subject_type", "unit", "state", "page", "sort")
    answer = api().city(city, "GET", "warnings", {"sort": "level", **params})
    from gateway.web.pages.office import _record_link as record_link  # office imports dashboard

    names = unit_names(city)
    rows = answer.items()
    for row in rows:
        row["unit_name"] = names.get(row.get("unit") or "", row.get("unit"))
        # A warning leads to what it warns about (its project or lead).
        row["subject_href"] = record_link(city, row.get("subject_type"), row.get("subject_id"))
    export = {key: value for key, value in params.items() if key != "page"}
    return render("warnings.html", city=city, answer=answer, rows=rows, params=params,
                  columns=WARNING_COLUMNS, levels=WARNING_LEVELS, units=units(city),
                  level_counts=level_counts(city), sort=sorting("web.warnings", params, city=city),
                  export_url=url_for("web.export", city=city, rest="warnings", **export))


def level_counts(city: str) -> dict[str, int]:
    """Open warnings per level (the dashboard's red, yellow and blue)."""
    counts = {}
    for level in WARNING_LEVELS:
        answer = api().city(city, "GET", "warnings", {"level": level, "per_page": 1})
        counts[level] = answer.body.get("total", 0) if answer.ok else 0
    return counts
