"""The office's checks on the record (issue 18): the anti-gaming signals (异常信号) with the record
each concerns, a stage date's audited correction, an investor's page and its correction, and a
project's history in words."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from core.time_order import STAGE_DATE_LABELS
from gateway.web import formatting
from gateway.web.base import api, blueprint, check_city, done, form_value, plugin_pages, render
from gateway.web.pages.dashboard import period
from gateway.web.pages.projects import MILESTONES
from gateway.web.pages.reference import STAGES, labels, unit_names

SIGNAL_KINDS = {  # the API's kinds, as the office reads them
    "rush": "突击上报",
    "backdating": "倒签",
    "replanning": "节点调整",
    "duplicate_enterprises": "同一企业多单位报送",
}
BACKDATING_KINDS = {"transition": "阶段日期倒签", "lead": "线索报送日期倒签",
                    "funds": "到位资金日期倒签", "date_correction": "阶段日期更正"}
REPLAN_STATES = {"pending": "待审批", "approved": "已批准", "rejected": "已驳回"}
REPORT_KINDS = {"lead": "线索", "project": "项目"}
OUT_OF_PROVINCE = {True: "省外", False: "省内", None: "未知"}
ACTIONS = {  # a project's history rows (core.services.history.record_change)
    "created": "登记项目", "updated": "修改项目", "transition": "阶段流转",
    "date_corrected": "更正阶段日期", "funds": "填报到位资金", "funds_verified": "核实到位资金",
    "milestone": "设置节点", "transfer": "项目流转", "replan_requested": "申请节点调整",
    "replan_approved": "批准节点调整", "replan_rejected": "驳回节点调整",
    "enterprise_corrected": "更正投资方信息", "origin_rederived": "重新推定省外/省内",
}
FIELDS = {**STAGE_DATE_LABELS, "out_of_province": "省外/省内", "stage": "阶段",
          "occurred_on": "日期", "enterprise.credit_code": "投资方信用代码",
          "enterprise.origin_province": "投资方省份", "enterprise.origin_region": "投资方地区",
          # A project's own fields, as the project page names them.
          "name": "项目名称", "amount": "总投资", "agreement_amount": "协议投资额",
          "host_unit": "落户单位", "finding_unit": "招商单位", "industry": "产业",
          "leader_name": "包抓领导", "intermediary_id": "引荐人", "progress_note": "进展",
          "progress_on": "进展日期", "enterprise": "投资企业", "tiers": "类别",
          "attributes": "本市信息", "kind": "节点", "planned_on": "约定日期",
          "actual_on": "实际日期", "to_unit": "流转至", "verification": "核实结果",
          "last_progress_on": "最近进展日期", "arrived": "到位金额（万元）",
          "evidence_ref": "凭证编号", "payer_name": "出资方", "over_agreement": "超出协议比例",
          "over_agreement_confirmed": "确认超出协议"}
VALUES = {"verification": {"pending": "待核实", "verified": "已核实", "rejected": "不予认定"}}


def _record_link(city: str, subject_type: str | None, subject_id: Any, anchor: str = "") -> str:
    if subject_type == "project":
        return url_for("web.project", city=city, project_id=subject_id) + anchor
    if subject_type == "lead":
        return url_for("web.lead", city=city, lead_id=subject_id)
    return ""


def signal_rows(city: str, body: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every signal as a row: its kind in Chinese, the record (a link), the unit, what it says."""
    names = unit_names(city)
    rows: dict[str, list[dict[str, Any]]] = {kind: [] for kind in SIGNAL_KINDS}
    for signal in body.get("rush") or []:
        rows["rush"].append({
            "kind": SIGNAL_KINDS["rush"], "name": signal.get("unit_name") or signal.get("unit"),
            "href": url_for("web.projects", city=city, unit=signal.get("unit")),
            "unit": signal.get("unit_name") or names.get(signal.get("unit"), signal.get("unit")),
            "message": signal.get("message"), "on": None})
    for signal in body.get("backdating") or []:
        rows["backdating"].append({
            "kind": BACKDATING_KINDS.get(signal.get("kind"), signal.get("kind")),
            "name": signal.get("name"),
            "href": _record_link(city, signal.get("subject_type"), signal.get("subject_id"),
                                 "#history"),
            "unit": names.get(signal.get("unit"), signal.get("unit")),
            "message": signal.get("message"), "on": signal.get("recorded_on")})
    for signal in body.get("replanning") or []:
        rows["replanning"].append({
            "kind": f"节点调整（{REPLAN_STATES.get(signal.get('status'), signal.get('status'))}）",
            "name": signal.get("name"),
            "href": _record_link(city, "project", signal.get("subject_id"), "#replans"),
            "unit": names.get(signal.get("unit"), signal.get("unit")),
            "message": signal.get("message"),
            "on": signal.get("decided_on") or signal.get("requested_on")})
    for signal in body.get("duplicate_enterprises") or []:
        rows["duplicate_enterprises"].append({
            "kind": SIGNAL_KINDS["duplicate_enterprises"], "name": signal.get("enterprise"),
            "href": url_for("web.enterprise", city=city,
                            enterprise_id=signal.get("enterprise_id")),
            "unit": "、".join(names.get(code, code) for code in signal.get("units") or []),
            "message": signal.get("message"), "on": signal.get("first_on"),
            "reports": [{"label": f"{REPORT_KINDS.get(r.get('kind'), r.get('kind'))} "
                                  f"{r.get('id')}（{names.get(r.get('unit'), r.get('unit'))}）",
                         "href": _record_link(city, r.get("kind"), r.get("id"))}
                        for r in signal.get("reports") or []]})
    return rows


@blueprint.route("/c/<city>/signals")
def signals(city: str):
    check_city(city)
    start, end = period()
    answer = api().city(city, "GET", "signals", {"from": start, "to": end})
    rows = signal_rows(city, answer.body) if answer.ok and isinstance(answer.body, dict) else {}
    return render("signals.html", 200 if answer.ok else answer.status, city=city, answer=answer,
                  start=start, end=end, kinds=SIGNAL_KINDS, rows=rows)


# -- a stage date's correction (the office, with a reason) ---------------------------------------


@blueprint.app_template_global()
def stage_date_labels() -> dict[str, str]:
    """The stage dates the office may correct, with their Chinese names (the form's select)."""
    return dict(STAGE_DATE_LABELS)


@blueprint.route("/c/<city>/projects/<int:project_id>/date-corrections", methods=["POST"])
def correct_date(city: str, project_id: int):
    check_city(city)
    field = form_value("field") or ""
    body = {"field": field, "date": form_value("date") or "", "reason": form_value("reason") or ""}
    answer = api().city(city, "POST", f"projects/{project_id}/date-corrections", body=body)
    return done(answer, f"{STAGE_DATE_LABELS.get(field, '阶段日期')}已更正", "web.project", city=city,
                project_id=project_id)


# -- the investor ----------------------------------------------------------------------------------


def _records_of(city: str, enterprise: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """The investor's projects and leads (the lists filtered by its id)."""
    client = api()
    params = {"enterprise_id": enterprise.get("id"), "per_page": 100}
    return (client.city(city, "GET", "projects", params).items(),
            client.city(city, "GET", "leads", params).items())


@blueprint.route("/c/<city>/enterprises/<int:enterprise_id>")
def enterprise(city: str, enterprise_id: int):
    check_city(city)
    answer = api().city(city, "GET", f"enterprises/{enterprise_id}")
    if not answer.ok:
        return render("enterprise.html", answer.status, city=city, answer=answer, enterprise=None)
    projects, leads = _records_of(city, answer.body)
    return render("enterprise.html", city=city, answer=answer, enterprise=answer.body,
                  projects=projects, leads=leads, stage_labels=STAGES)


@blueprint.route("/c/<city>/enterprises/<int:enterprise_id>", methods=["POST"])
def correct_enterprise(city: str, enterprise_id: int):
    """The office corrects the investor's credit code or province, with a reason; its projects'
    省外 is derived again by the city."""
    check_city(city)
    body = {"credit_code": form_value("credit_code"),
            "origin_province": form_value("origin_province"),
            "reason": form_value("reason") or ""}
    answer = api().city(city, "PATCH", f"enterprises/{enterprise_id}", body=body)
    return done(answer, "投资方信息已更正，其项目的省外/省内已重新推定", "web.enterprise", city=city,
                enterprise_id=enterprise_id)


# -- a project's history in words ------------------------------------------------------------------


def _value(key: str, value: Any) -> str:
    if key == "out_of_province" or isinstance(value, bool):
        return OUT_OF_PROVINCE.get(value, str(value))
    if value is None or value == "":
        return "（空）"
    if value in VALUES.get(key, {}):
        return VALUES[key][value]
    if key.endswith("_on"):
        return formatting.date(value)
    if (key == "unit" or key.endswith("_unit")) and isinstance(value, str):
        # A unit's code (落户单位, a city's own 责任单位 …) reads by the unit's name.
        return unit_names(request.view_args.get("city", "")).get(value, value)
    return str(value)


def _attribute_names(city: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The names of the city's ``attributes.*`` paths (its field labels and its declared forms'
    fields) and the names of their choices' codes."""
    names = dict(labels(city, "field_labels"))
    choices: dict[str, dict[str, str]] = {}
    for page in plugin_pages(city):
        for form in page.get("forms", []):
            for field in form.get("fields", []):
                names.setdefault(field["name"], field["label"])
                if field.get("choices"):
                    choices[field["name"]] = {item["code"]: item["name"]
                                              for item in field["choices"]}
    return names, choices


def _leaves(prefix: str, value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {path: leaf for key, item in value.items()
                for path, leaf in _leaves(f"{prefix}.{key}", item).items()}
    return {prefix: value}


def _attribute_changes(city: str, before: Any, after: Any) -> list[str]:
    """The city's own fields (``attributes``) that changed, each by its name, from → to."""
    names, choices = _attribute_names(city)
    old, new = _leaves("attributes", before or {}), _leaves("attributes", after or {})

    def shown(path: str, value: Any) -> str:
        named = choices.get(path, {})
        if isinstance(value, list):
            return "、".join(named.get(str(item), str(item)) for item in value) or "（空）"
        if isinstance(value, str) and value in named:
            return named[value]
        return _value(path.rsplit(".", 1)[-1], value)

    parts = []
    for path in [*old, *(path for path in new if path not in old)]:
        if old.get(path) != new.get(path):
            label = names.get(path) or names.get(path.rsplit(".", 1)[0], path)
            parts.append(f"{label}：{shown(path, new.get(path))}" if old.get(path) is None
                         else f"{label}由 {shown(path, old.get(path))} 改为 {shown(path, new.get(path))}")
    return parts


def _milestone(dates: Any) -> str:
    """A milestone's [agreed, actual] dates as the project page shows them."""
    if not isinstance(dates, list) or len(dates) != 2:
        return "（空）"
    planned, actual = (_value("planned_on", value) for value in dates)
    return f"约定{planned}，实际{actual}"


@blueprint.app_template_global()
def change_text(change: dict[str, Any]) -> str:
    """One history row as a sentence: what was done, each field from → to, and the reason."""
    action = change.get("action") or ""
    changes = dict(change.get("changes") or {})
    reason = (changes.pop("reason", None) or [None, None])[-1]
    parts = []
    for key, values in changes.items():
        label = FIELDS.get(key, key)
        if action == "milestone" and isinstance(values, list) and len(values) == 2:
            # Keyed by the milestone's kind, each side its [agreed, actual] dates.
            label, before = MILESTONES.get(key, key), values[0]
            parts.append(f"{label}：{_milestone(values[1])}" if before is None
                         else f"{label}由 {_milestone(before)} 改为 {_milestone(values[1])}")
        elif key == "tranche" and isinstance(values, list) and values:
            parts.append(f"第 {values[0]} 笔资金")  # [its id, its verification], not from → to
        elif key == "attributes" and isinstance(values, list) and len(values) == 2:
            parts += _attribute_changes(request.view_args.get("city", ""), *values)
        elif isinstance(values, list) and len(values) == 2:
            before, after = values
            if action == "transition" and key == "stage":
                before, after = STAGES.get(before, before), STAGES.get(after, after)
            parts.append(f"{label}：{_value(key, after)}" if before is None
                         and key != "out_of_province"
                         else f"{label}由 {_value(key, before)} 改为 {_value(key, after)}")
        else:
            parts.append(label)
    text = ACTIONS.get(action, action)
    if parts:
        text += "：" + "；".join(parts)
    if reason:
        text += f"（原因：{reason}）"
    return text
