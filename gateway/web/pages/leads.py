"""Leads: a clerk reports one (warned of duplicates while typing), an officer judges the queue
with its first-talk deadline counting down in working days, assigns, converts or rejects."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request, url_for

from gateway.web.base import api, blueprint, check_city, done, filters, form_value, render
from gateway.web.pages.city_pages import record_sections
from gateway.web.pages.introducers import introducer_choices, introducer_of, introducer_value
from gateway.web.pages.reference import channels, industries, lead_statuses, unit_names, units
from gateway.web.sorting import sorting

LEAD_COLUMNS = [
    {"key": "title", "heading": "线索", "sort": "title"},
    {"key": "enterprise.name", "heading": "投资企业"},
    {"key": "reporting_unit_name", "heading": "报送单位"},
    {"key": "intended_amount", "heading": "意向投资", "format": "amount", "sort": "intended_amount"},
    {"key": "status_label", "heading": "状态", "sort": "status"},
    {"key": "reported_on", "heading": "报送日期", "format": "date", "sort": "reported_on"},
    {"key": "first_talk_due", "heading": "首谈地研判期限", "format": "date", "sort": "first_talk_due"},
]
LIST_FILTERS = ("status", "q", "overdue", "channel", "reporting_unit", "page", "sort")


def _lead_filters(city: str) -> dict[str, str]:
    params = filters(*LIST_FILTERS)
    if request.args.get("mine") and g.claims.unit:
        params["reporting_unit"] = g.claims.unit
    return params


def _named(city: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = unit_names(city)
    for row in rows:
        for key in ("reporting_unit", "first_talk_unit", "routed_to_unit"):
            row[f"{key}_name"] = names.get(row.get(key) or "", row.get(key))
    return rows


@blueprint.route("/c/<city>/leads")
def leads(city: str):
    check_city(city)
    params = _lead_filters(city)
    answer = api().city(city, "GET", "leads", {"sort": "-reported_on", **params})
    rows = _named(city, answer.items())
    export = {key: value for key, value in params.items() if key != "page"}
    return render("leads.html", city=city, answer=answer, rows=rows, columns=LEAD_COLUMNS,
                  params=params, statuses=lead_statuses(city), channels=channels(city),
                  mine=bool(request.args.get("mine")),
                  sort=sorting("web.leads", params, city=city,
                               mine="1" if request.args.get("mine") else None),
                  export_url=url_for("web.export", city=city, rest="leads", **export))


def _new_lead_form(city: str) -> dict[str, Any]:
    return {"units": units(city), "industries": industries(city), "channels": channels(city),
            "introducers": introducer_choices(city)}


@blueprint.route("/c/<city>/leads/new")
def new_lead(city: str):
    check_city(city)
    return render("lead_new.html", city=city, values={}, **_new_lead_form(city))


def lead_body(form: Any, clerk_unit: str | None) -> dict[str, Any]:
    """The API's lead from the form: a clerk reports for their own unit."""
    enterprise = {"name": form_value("enterprise_name") or "",
                  "credit_code": form_value("credit_code"),
                  "origin_province": form_value("origin_province")}
    return {"title": form_value("title") or "", "enterprise": enterprise,
            "industry": form_value("industry"), "intended_amount": form_value("intended_amount"),
            "reporting_unit": clerk_unit or form_value("reporting_unit") or "",
            "channel": form_value("channel") or "other",
            "intermediary_id": introducer_value(form_value("intermediary_id")),
            "contact_name": form_value("contact_name"), "contact_phone": form_value("contact_phone"),
            "description": form_value("description")}


FORM_FIELDS = {"title": "线索名称", "enterprise.name": "企业名称",
               "enterprise.credit_code": "统一社会信用代码", "industry": "所属产业",
               "intended_amount": "意向投资额", "reporting_unit": "报送单位", "channel": "招商方式",
               "enterprise.origin_province": "来源省份", "description": "说明",
               "intermediary_id": "引荐人", "contact_name": "联系人", "contact_phone": "联系电话"}


@blueprint.route("/c/<city>/leads/new", methods=["POST"])
def report_lead(city: str):
    check_city(city)
    body = lead_body(request.form, g.claims.unit if g.claims.role == "clerk" else None)
    answer = api().city(city, "POST", "leads", body=body)
    if answer.ok:
        return done(answer, f"线索“{answer.body['title']}”已报送", "web.lead", city=city,
                    lead_id=answer.body["id"])
    return render("lead_new.html", answer.status, city=city, values=request.form,
                  problem=answer.problem, labels=FORM_FIELDS, **_new_lead_form(city))


@blueprint.route("/c/<city>/leads/duplicates")
def lead_duplicates(city: str):
    """The leads and projects already about this investor, while the clerk types (JSON)."""
    check_city(city)
    params = filters("enterprise_name", "credit_code")
    if len(params.get("enterprise_name", "")) < 2 and not params.get("credit_code"):
        return jsonify({"leads": [], "projects": []})
    if len(params.get("credit_code", "")) != 18:
        params.pop("credit_code", None)  # half typed: match by name meanwhile
        if not params:
            return jsonify({"leads": [], "projects": []})
    answer = api().city(city, "GET", "leads/duplicates", params)
    found = answer.body if answer.ok and isinstance(answer.body, dict) else {}
    return jsonify({"leads": found.get("leads", []), "projects": found.get("projects", [])})


@blueprint.route("/c/<city>/leads/<int:lead_id>")
def lead(city: str, lead_id: int):
    check_city(city)
    answer = api().city(city, "GET", f"leads/{lead_id}")
    lead = _named(city, [answer.body])[0] if answer.ok else None
    introducer = introducer_of(city, lead.get("intermediary_id")) if lead else None
    return render("lead.html", answer.status if not answer.ok else 200, city=city, answer=answer,
                  lead=lead, units=units(city), industries=industries(city),
                  introducer=introducer,
                  # The city's own pages declared for the lead page (Lanzhou's target enterprise).
                  city_pages=record_sections(city, "lead", lead_id) if lead else [])


@blueprint.route("/c/<city>/leads/<int:lead_id>/assign", methods=["POST"])
def assign_lead(city: str, lead_id: int):
    check_city(city)
    answer = api().city(city, "POST", f"leads/{lead_id}/assign",
                        body={"first_talk_unit": form_value("first_talk_unit") or ""})
    return done(answer, "已明确首谈地", "web.lead", city=city, lead_id=lead_id)


@blueprint.route("/c/<city>/leads/<int:lead_id>/convert", methods=["POST"])
def convert_lead(city: str, lead_id: int):
    check_city(city)
    body = {"name": form_value("name"), "amount": form_value("amount") or "",
            "industry": form_value("industry"), "host_unit": form_value("host_unit")}
    answer = api().city(city, "POST", f"leads/{lead_id}/convert",
                        body={key: value for key, value in body.items() if value is not None})
    if answer.ok and isinstance(answer.body, dict) and answer.body.get("id"):
        return done(answer, "线索已转为项目", "web.project", city=city,
                    project_id=answer.body["id"])
    return done(answer, "线索已转为项目", "web.lead", city=city, lead_id=lead_id)


@blueprint.route("/c/<city>/leads/<int:lead_id>/reject", methods=["POST"])
def reject_lead(city: str, lead_id: int):
    check_city(city)
    answer = api().city(city, "POST", f"leads/{lead_id}/reject",
                        body={"reason": form_value("reason") or ""})
    return done(answer, "线索已退回", "web.lead", city=city, lead_id=lead_id)
