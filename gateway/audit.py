"""The audit log: every write and every refused attempt, with who, what, when and from where.

A write's entry carries the service's real outcome — its status, ``done`` / ``refused`` /
``failed``, the problem ``code`` of a refusal with its Chinese ``title`` and the record written or
refused — for the API and the web interface alike: a page's form posts to the gateway, which
answers with a redirect, but the entry records each call the page made to the service behind it
(:func:`note_service_write`), not the redirect.

Each entry is read in Chinese the same way on the page and in the export (the API's rows carry
the labels, :class:`AuditEntrySchema`): the refusal's title as its answer carried it (the city's
or the gateway's own wording, so a city's own rule reads as the city titled it); an entry written
before titles were kept reads by its status (:data:`BY_STATUS`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from flask import g
from marshmallow import fields, validate
from sqlalchemy.orm import Session, sessionmaker

from core.db import unit_of_work
from core.identity import READ_METHODS
from core.schemas.base import BaseSchema, Page
from gateway.store import AuditEntry

# Statuses that mean "you may not": the attempt is audited even when it only read.
REFUSED_STATUSES = frozenset({401, 403, 413, 429})
OUTCOMES = ("done", "refused", "failed")
OUTCOME_LABELS = {"done": "已执行", "refused": "被拒绝", "failed": "失败"}
VIA = ("api", "web")
# What the request did, as the office says it (the filter still sends the method).
METHOD_LABELS = {"POST": "新建或提交", "PUT": "修改（整体）", "PATCH": "修改", "DELETE": "删除",
                 "GET": "读取"}
VIA_LABELS = {"api": "接口", "web": "网页"}
# A refusal's meaning by its status, for entries written before the title was kept (NULL
# ``reason_title``) and for an answer that carried no problem body.
BY_STATUS = {
    400: "请求有误", 401: "未登录或登录已失效", 403: "无权操作", 404: "未找到",
    405: "不支持的请求方法", 409: "与记录现状冲突", 412: "记录已被他人修改", 413: "请求过大",
    415: "请求格式不正确", 422: "不符合本市规定", 429: "请求过于频繁",
    502: "服务暂不可用", 503: "服务暂不可用", 504: "服务响应超时",
}
API_PREFIX = "/api/v1/"
_RECORD_ID = re.compile(r"^\d{1,18}$")

log = logging.getLogger("zhaoshang.gateway.audit")


@dataclass(frozen=True)
class Attempt:
    """One request as the audit log keeps it."""

    username: str | None
    role: str | None
    city: str | None
    target: str | None
    method: str
    path: str
    status: int
    reason: str | None
    remote_addr: str | None
    request_id: str | None
    record: str | None = None
    service_path: str | None = None
    via: str | None = None
    reason_title: str | None = None

    @property
    def outcome(self) -> str:
        return outcome_of(self.status)


def outcome_of(status: int) -> str:
    """``done`` below 400; ``refused`` for a 4xx (nothing was written); ``failed`` for a 5xx
    (the service failed or could not be reached: a write's result may be unknown)."""
    if status < 400:
        return "done"
    return "refused" if status < 500 else "failed"


@dataclass(frozen=True)
class ServiceWrite:
    """One write a request sent on to a service (or was refused before it), and its answer."""

    target: str
    method: str
    service_path: str
    status: int
    reason: str | None
    record: str | None
    reason_title: str | None = None


def record_of(service_path: str, status: int, body: Any) -> str | None:
    """The record a write touched: the path's last record (``leads/5`` of
    ``/api/v1/leads/5/assign``), else the one a 201 created (``leads/7``)."""
    relative = service_path.removeprefix(API_PREFIX).strip("/")
    parts = relative.split("/") if relative else []
    for index in range(len(parts) - 1, 0, -1):
        if _RECORD_ID.match(parts[index]):
            return "/".join(parts[:index + 1])[:200]
    if status == 201 and isinstance(body, dict) and body.get("id") is not None and parts:
        return f"{relative}/{body['id']}"[:200]
    return None


def reason_of(status: int, body: Any) -> str | None:
    """The problem ``code`` of a refusal or failure, else ``None``."""
    if status < 400 or not isinstance(body, dict) or not body.get("code"):
        return None
    return str(body["code"])[:64]


def reason_title_of(status: int, body: Any) -> str | None:
    """The problem's Chinese ``title`` of a refusal or failure (every problem+json answer of a
    city, the province or the gateway carries one), else ``None``."""
    if status < 400 or not isinstance(body, dict) or not body.get("title"):
        return None
    return str(body["title"])[:200]


def reason_label(reason_title: str | None, status: int | None) -> str | None:
    """What a refusal or failure means, in Chinese: its stored title, else (an entry written
    before titles were kept, an answer without a problem) its status; ``None`` for a success."""
    if reason_title:
        return reason_title
    if status is None or status < 400:
        return None
    return BY_STATUS.get(status, "服务出错" if status >= 500 else "请求未能完成")


def note_service_write(target: str, method: str, service_path: str, status: int,
                       body: Any) -> None:
    """Keep a write's real outcome for the request's audit entry (``gateway.app``)."""
    if method.upper() in READ_METHODS:
        return
    writes = g.setdefault("service_writes", [])
    writes.append(ServiceWrite(target=target, method=method.upper(), service_path=service_path,
                               status=status, reason=reason_of(status, body),
                               reason_title=reason_title_of(status, body),
                               record=record_of(service_path, status, body)))


def worth_auditing(method: str, status: int) -> bool:
    return method.upper() not in READ_METHODS or status in REFUSED_STATUSES


def record(sessions: sessionmaker[Session], attempt: Attempt) -> None:
    """Write one entry in its own transaction (the request's outcome is already decided)."""
    try:
        with unit_of_work(sessions) as session:
            session.add(AuditEntry(**asdict(attempt), outcome=attempt.outcome))
    except Exception:  # the answer is already decided; losing an entry must still be loud
        log.exception("audit entry lost: %s", attempt)


class AuditQuery(Page):
    username = fields.String(metadata={"description": "用户名"})
    city = fields.String(metadata={"description": "用户所属城市"})
    target = fields.String(metadata={"description": "访问的城市编码或 province"})
    outcome = fields.String(validate=validate.OneOf(OUTCOMES),
                            metadata={"description": "done / refused / failed"})
    method = fields.String()
    status = fields.Integer()
    record = fields.String(metadata={"description": "记录，如 leads/5"})
    via = fields.String(validate=validate.OneOf(VIA), metadata={"description": "api / web"})
    request_id = fields.String()


class AuditEntrySchema(BaseSchema):
    id = fields.Integer(metadata={"title": "编号"})
    at = fields.DateTime(metadata={"title": "时间（UTC）"})
    username = fields.String(allow_none=True, metadata={"title": "用户名"})
    role = fields.String(allow_none=True, metadata={"title": "角色"})
    city = fields.String(allow_none=True, metadata={"title": "用户所属城市",
                                                    "description": "用户所属城市"})
    target = fields.String(allow_none=True, metadata={"title": "访问对象",
                                                      "description": "访问的城市编码或 province"})
    method = fields.String(metadata={"title": "请求方法"})
    path = fields.String(metadata={"title": "请求路径"})
    service_path = fields.String(allow_none=True, metadata={
        "title": "服务路径", "description": "城市或省级服务收到的路径（网页操作背后的接口）"})
    record = fields.String(allow_none=True, metadata={
        "title": "记录", "description": "写入或被拒绝的记录，如 leads/5"})
    status = fields.Integer(metadata={"title": "状态码", "description": "服务的真实状态码"})
    outcome = fields.String(metadata={"title": "结果",
                                      "description": "done 已执行 / refused 被拒绝 / failed 失败"})
    reason = fields.String(allow_none=True, metadata={"title": "问题代码",
                                                      "description": "问题代码"})
    via = fields.String(allow_none=True, metadata={"title": "渠道", "description": "api / web"})
    # The labels the web page shows; an export (core.api.export_columns) puts each in its code's
    # column, so the page and the workbook read alike from these four and nowhere else.
    method_label = fields.Function(lambda entry: METHOD_LABELS.get(entry.method, entry.method),
                                   dump_only=True, metadata={"title": "操作"})
    outcome_label = fields.Function(
        lambda entry: OUTCOME_LABELS.get(entry.outcome, entry.outcome), dump_only=True,
        metadata={"title": "结果"})
    reason_label = fields.Function(
        lambda entry: reason_label(entry.reason_title, entry.status), dump_only=True,
        allow_none=True, metadata={
            "title": "原因", "description": "问题的中文标题（记录时随回答保存；较早的记录按状态码说明）"})
    via_label = fields.Function(
        lambda entry: VIA_LABELS.get(entry.via or "", entry.via), dump_only=True, allow_none=True,
        metadata={"title": "渠道"})
    remote_addr = fields.String(allow_none=True, metadata={"title": "来源地址"})
    request_id = fields.String(allow_none=True, metadata={"title": "请求编号"})


def audit_query(params: dict) -> sa.Select:
    """The entries matching the filters of :class:`AuditQuery`, newest first."""
    query = sa.select(AuditEntry)
    for name in ("username", "city", "target", "outcome", "status", "record", "via",
                 "request_id"):
        if params.get(name) is not None:
            query = query.where(getattr(AuditEntry, name) == params[name])
    if params.get("method"):
        query = query.where(AuditEntry.method == params["method"].upper())
    return query.order_by(AuditEntry.id.desc())
