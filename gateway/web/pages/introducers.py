"""引荐人名录: the registry of those who introduce investment — the list with its search, filters
and export, an entry's page with its history, and the office's forms to register, correct,
confirm the public-official status (是否国家公职人员) and deactivate."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from gateway.web.base import api, blueprint, check_city, done, filters, form_value, render
from gateway.web.sorting import sorting

KINDS = {"firm": "中介机构", "advisor": "顾问", "ambassador": "招商大使", "individual": "个人"}
STATUSES = {"active": "在册", "inactive": "已停用"}
PUBLIC_OFFICIAL = {"unknown": "未确认", "yes": "是国家公职人员", "no": "非国家公职人员"}
ACTIONS = {"registered": "登记", "updated": "修改", "public_official_confirmed": "确认公职人员身份",
           "status_changed": "停用/恢复"}
COLUMNS = [
    {"key": "name", "heading": "引荐人", "sort": "name"},
    {"key": "kind_label", "heading": "类别", "sort": "kind"},
    {"key": "role_names", "heading": "本市角色", "format": "list"},
    {"key": "contact_person", "heading": "联系人", "sort": "contact_person"},
    {"key": "phone", "heading": "联系电话"},
    {"key": "public_official_label", "heading": "是否国家公职人员", "sort": "public_official"},
    {"key": "status_label", "heading": "状态", "sort": "status"},
]
FIELDS = ("name", "kind", "credit_code", "contact_person", "phone", "email", "address", "notes")
FIELD_LABELS = {  # an entry's history names each field as its page does
    "name": "名称", "kind": "类别", "credit_code": "统一社会信用代码", "contact_person": "联系人",
    "phone": "联系电话", "email": "电子邮箱", "address": "地址", "notes": "备注", "roles": "本市角色",
    "status": "状态", "public_official": "是否国家公职人员", "basis": "确认依据"}


def city_roles(city: str) -> dict[str, str]:
    """The roles the city declares for introducers (``[[introducer_roles]]``): code → name."""
    answer = api().city(city, "GET", "city")
    config = answer.body.get("configuration", {}) if answer.ok and isinstance(answer.body,
                                                                              dict) else {}
    return {role["code"]: role["name"] for role in config.get("introducer_roles", [])}


def introducer_choices(city: str) -> list[dict[str, Any]]:
    """The active entries a lead or project may name as who introduced it, by name, each with
    its kind (the select of the lead and project forms)."""
    answer = api().city(city, "GET", "intermediaries",
                        {"status": "active", "sort": "name", "per_page": 500})
    return [{"id": row["id"], "name": row["name"],
             "kind_label": row.get("kind_label") or KINDS.get(row.get("kind"), row.get("kind"))}
            for row in answer.items()]


def introducer_of(city: str, intermediary_id: Any) -> dict[str, Any] | None:
    """The entry a lead or project names (its name, kind and status for the page), or None."""
    if not intermediary_id:
        return None
    answer = api().city(city, "GET", f"intermediaries/{intermediary_id}")
    if not answer.ok or not isinstance(answer.body, dict):
        return {"id": intermediary_id, "name": f"引荐人 {intermediary_id}", "kind_label": "",
                "status": None}
    row = answer.body
    return {"id": row["id"], "name": row["name"],
            "kind_label": row.get("kind_label") or KINDS.get(row.get("kind"), row.get("kind")),
            "status": row.get("status")}


def introducer_value(text: str | None) -> int | str | None:
    """The form's ``intermediary_id`` as the API takes it: a number, empty for none; anything
    else is sent as typed, for the API to name the field."""
    if text is None:
        return None
    return int(text) if text.isdigit() and len(text) <= 18 else text


def _form_body(partial: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {key: form_value(key) for key in FIELDS}
    body["roles"] = [code for code in request.form.getlist("roles") if code]
    if partial:
        body = {key: value for key, value in body.items()
                if key in ("roles", "credit_code", "email", "address", "notes", "contact_person")
                or value is not None}
    return body


@blueprint.app_template_global()
def introducer_change_text(change: dict[str, Any], roles: dict[str, str]) -> str:
    """One history row of an entry as words: each field by its label, from → to, codes (类别,
    状态, 公职人员身份, 角色) by their names."""
    values = {"kind": KINDS, "status": STATUSES, "public_official": PUBLIC_OFFICIAL, "roles": roles}

    def shown(key: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "（空）"
        names = values.get(key, {})
        if isinstance(value, list):
            return "、".join(names.get(item, str(item)) for item in value)
        return names.get(value, str(value))

    parts = [f"{FIELD_LABELS.get(key, key)}：{shown(key, pair[0])} → {shown(key, pair[1])}"
             if isinstance(pair, list) and len(pair) == 2 else FIELD_LABELS.get(key, key)
             for key, pair in (change.get("changes") or {}).items()]
    text = ACTIONS.get(change.get("action"), change.get("action") or "")
    return "；".join([text, *parts])


@blueprint.route("/c/<city>/intermediaries")
def intermediaries(city: str):
    check_city(city)
    params = filters("q", "kind", "role", "status", "public_official", "page", "sort")
    answer = api().city(city, "GET", "intermediaries", {"sort": "name", **params})
    export = {key: value for key, value in params.items() if key != "page"}
    return render("intermediaries.html", city=city, answer=answer, rows=answer.items(),
                  params=params, columns=COLUMNS, kinds=KINDS, statuses=STATUSES,
                  officials=PUBLIC_OFFICIAL, roles=city_roles(city),
                  sort=sorting("web.intermediaries", params, city=city),
                  export_url=url_for("web.export", city=city, rest="intermediaries", **export))


@blueprint.route("/c/<city>/intermediaries", methods=["POST"])
def register_intermediary(city: str):
    check_city(city)
    answer = api().city(city, "POST", "intermediaries", body=_form_body())
    if answer.ok:
        return done(answer, "引荐人已登记（公职人员身份待确认）", "web.intermediary", city=city,
                    intermediary_id=answer.body["id"])
    return done(answer, "", "web.intermediaries", city=city)


@blueprint.route("/c/<city>/intermediaries/<int:intermediary_id>")
def intermediary(city: str, intermediary_id: int):
    check_city(city)
    answer = api().city(city, "GET", f"intermediaries/{intermediary_id}")
    return render("intermediary.html", 200 if answer.ok else answer.status, city=city,
                  answer=answer, row=answer.body if answer.ok else None, kinds=KINDS,
                  roles=city_roles(city), actions=ACTIONS, officials=PUBLIC_OFFICIAL)


@blueprint.route("/c/<city>/intermediaries/<int:intermediary_id>", methods=["POST"])
def update_intermediary(city: str, intermediary_id: int):
    check_city(city)
    body = _form_body(partial=True) | {"reason": form_value("reason")}
    answer = api().city(city, "PATCH", f"intermediaries/{intermediary_id}", body=body)
    return done(answer, "引荐人信息已修改", "web.intermediary", city=city,
                intermediary_id=intermediary_id)


@blueprint.route("/c/<city>/intermediaries/<int:intermediary_id>/public-official",
                 methods=["POST"])
def confirm_public_official(city: str, intermediary_id: int):
    check_city(city)
    answer = api().city(city, "POST", f"intermediaries/{intermediary_id}/public-official", body={
        "public_official": form_value("public_official") or "",
        "basis": form_value("basis") or ""})
    return done(answer, "公职人员身份已确认", "web.intermediary", city=city,
                intermediary_id=intermediary_id)


@blueprint.route("/c/<city>/intermediaries/<int:intermediary_id>/status", methods=["POST"])
def set_intermediary_status(city: str, intermediary_id: int):
    check_city(city)
    status = form_value("status") or ""
    answer = api().city(city, "POST", f"intermediaries/{intermediary_id}/status",
                        body={"status": status, "reason": form_value("reason") or ""})
    return done(answer, "引荐人已停用" if status == "inactive" else "引荐人已恢复",
                "web.intermediary", city=city, intermediary_id=intermediary_id)
