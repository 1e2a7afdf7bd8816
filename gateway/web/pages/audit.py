"""The audit log for administrators: every write with the service's real outcome, and every
refused attempt, filtered as ``GET /api/v1/audit`` filters it, and exported to ``.xlsx``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, redirect, url_for
from marshmallow import ValidationError

from core.api.exports import FORMAT_KEY, workbook_response
from core.api.registry import operations_of
from core.api.support import paginate
from gateway import routes
from gateway.access import admin_refusal
from gateway.audit import (
    METHOD_LABELS,
    OUTCOME_LABELS,
    VIA_LABELS,
    AuditEntrySchema,
    AuditQuery,
    audit_query,
)
from gateway.runtime import gateway
from gateway.store import AuditEntry
from gateway.users import ROLE_LABELS
from gateway.web.base import blueprint, city_names, filters, render
from gateway.web.base import refused as refused_page
from gateway.web.client import Answer

AUDIT_FILTERS = ("username", "city", "target", "outcome", "method", "status", "record", "via",
                 "request_id", "page")
# Usernames, paths, records and request ids are records the administrator matches against, not
# interface: shown as written, in <code> (format "code"), which the page scan leaves alone.
AUDIT_COLUMNS = [
    {"key": "at_local", "heading": "时间"},
    {"key": "username", "heading": "用户", "format": "code"},
    {"key": "role_label", "heading": "角色"},
    {"key": "target_name", "heading": "访问对象"},
    {"key": "method_label", "heading": "操作"},
    {"key": "path", "heading": "请求路径", "format": "code"},
    {"key": "record", "heading": "记录", "format": "code"},
    {"key": "status", "heading": "状态码"},
    {"key": "outcome_label", "heading": "结果"},
    {"key": "reason_label", "heading": "原因"},
    {"key": "via_label", "heading": "渠道"},
    {"key": "remote_addr", "heading": "来源地址", "format": "code"},
    {"key": "request_id", "heading": "请求编号", "format": "code"},
]


def _refusal() -> Answer | None:
    refusal = admin_refusal(g.claims)
    return Answer(refusal.status, refusal.body()) if refusal else None


def _params() -> tuple[dict[str, str], dict[str, Any] | None, str | None]:
    """The filters as typed, as loaded (``None`` when invalid) and why they are invalid."""
    typed = filters(*AUDIT_FILTERS)
    try:
        return typed, AuditQuery().load(typed), None
    except ValidationError as error:
        fields = "、".join(sorted(error.messages))
        return typed, None, f"筛选条件有误：{fields}"


def _entries(params: dict[str, Any]) -> dict[str, Any]:
    """The page (or, for an export, all) of matching entries, as the API answers them."""
    with gateway().sessions() as session:
        return paginate(session, audit_query(params), params, {"at": AuditEntry.at},
                        AuditEntrySchema, AuditEntry.id.desc()).get_json()


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    names = city_names()
    clock = gateway().settings.clock
    at = dt.datetime.fromisoformat(row["at"]) if row.get("at") else None
    row["at_local"] = clock.local(at).strftime("%Y-%m-%d %H:%M:%S") if at else ""
    row["role_label"] = ROLE_LABELS.get(row.get("role") or "", row.get("role"))
    target = row.get("target")
    row["target_name"] = "省级平台" if target == "province" else names.get(target or "", target)
    # The outcome, operation, channel and reason come labelled from the API's rows
    # (gateway.audit.AuditEntrySchema): the page and the export read alike.
    if row.get("service_path") and row.get("service_path") != row.get("path"):
        row["path"] = f"{row['path']} → {row['service_path']}"
    return row


@blueprint.route("/audit")
def audit():
    refused = _refusal()
    typed, params, invalid = _params()
    if refused is not None:
        answer, rows = refused, []
    elif params is None:
        answer = Answer(400, {"title": "无法筛选", "detail": invalid, "status": 400})
        rows: list[dict[str, Any]] = []
    else:
        answer = Answer(200, _entries(params))
        rows = [_shown(row) for row in answer.items()]
    export = {key: value for key, value in typed.items() if key != "page"}
    return render("audit.html", answer.status, answer=answer, rows=rows, columns=AUDIT_COLUMNS,
                  params=typed, outcomes=OUTCOME_LABELS, methods=METHOD_LABELS, vias=VIA_LABELS,
                  targets={**city_names(), "province": "省级平台"},
                  export_url=url_for("web.audit_export", **export))


@blueprint.route("/audit.xlsx")
def audit_export():
    """The whole filtered log as a workbook with Chinese headings (the API's export)."""
    _, params, invalid = _params()
    refused = _refusal() or (Answer(400, {"title": "无法导出", "detail": invalid, "status": 400})
                             if params is None else None)
    if refused is not None or params is None:
        refused_page(refused)
        return redirect(url_for("web.audit", **filters(*AUDIT_FILTERS)), 303)
    g.setdefault(FORMAT_KEY, "xlsx")  # every matching entry, not one page
    [op] = [op for op in operations_of(routes.blueprint) if op.endpoint == "list_audit"]
    return workbook_response(op, _entries(params))
