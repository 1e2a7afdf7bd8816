"""Errors as ``application/problem+json`` (RFC 9457), readable by a clerk and a program.

Every problem has a stable ``code``, a Chinese ``title``/``detail`` and, for bad
input, ``errors``: one entry per field with its own code and Chinese message.
Raising a :class:`Problem` inside a unit of work rolls the transaction back, so
a refused request writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, jsonify
from marshmallow import ValidationError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from core.policy import FieldProblem, Refusal

PROBLEM_BASE = "https://zhaoshang.example.cn/problems/"


class Problem(Exception):
    """An error the API returns as problem details."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        detail: str | None = None,
        errors: Iterable[FieldProblem] = (),
        refusals: Iterable[Refusal] = (),
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail or title
        self.errors = list(errors)
        self.refusals = list(refusals)
        self.extra = extra

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = [problem.as_dict() for problem in self.errors]
        if self.refusals:
            body["refusals"] = [refusal.as_dict() for refusal in self.refusals]
        body.update(self.extra)
        return body


def invalid_input(errors: list[FieldProblem], status: int = 400) -> Problem:
    summary = "；".join(f"{e.field}：{e.message}" for e in errors[:5])
    return Problem(status, "invalid_input" if status == 400 else "rule_violation",
                   "提交的数据有误" if status == 400 else "不符合本市规定", summary, errors)


def not_found(what: str, key: Any) -> Problem:
    return Problem(404, "not_found", "未找到", f"{what} {key} 不存在")


def refused(refusals: list[Refusal], detail: str = "操作被拒绝") -> Problem:
    reasons = "；".join(r.message for r in refusals)
    return Problem(409, "transition_refused", "操作被拒绝", f"{detail}：{reasons}",
                   refusals=refusals)


class CodedMessage(str):
    """A validation message that carries its machine code through marshmallow."""

    code: str

    def __new__(cls, code: str, message: str) -> CodedMessage:
        instance = super().__new__(cls, message)
        instance.code = code
        return instance


# Marshmallow's built-in messages, in Chinese, each with a stable code.
FIELD_MESSAGES: dict[str, str] = {
    "required": "此项为必填项",
    "null": "此项不能为空",
    "invalid": "格式不正确",
    "validator_failed": "取值无效",
    "invalid_utf8": "不是有效的文本",
    "not_a_list": "应为列表",
    "too_large": "数值过大",
    "special": "数值无效",
    "invalid_choice": "不是可选的取值",
    "unknown": "不认识的字段",
    "type": "类型不正确",
}


def field_problems(messages: Any, prefix: str = "") -> list[FieldProblem]:
    """Turn a marshmallow error dict into field problems with codes."""
    problems: list[FieldProblem] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                path = prefix or "_schema"
            problems.extend(field_problems(value, path))
    elif isinstance(messages, list):
        for item in messages:
            problems.extend(field_problems(item, prefix))
    else:
        code = getattr(messages, "code", None) or _code_for(str(messages))
        problems.append(FieldProblem(prefix, code, str(messages)))
    return problems


_CODES_BY_MESSAGE = {message: code for code, message in FIELD_MESSAGES.items()}


def _code_for(message: str) -> str:
    return _CODES_BY_MESSAGE.get(message, "invalid")


def problem_response(problem: Problem) -> Response:
    response = jsonify(problem.body())
    response.status_code = problem.status
    response.mimetype = "application/problem+json"
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(Problem)
    def _problem(problem: Problem) -> Response:
        return problem_response(problem)

    @app.errorhandler(ValidationError)
    def _validation(error: ValidationError) -> Response:
        return problem_response(invalid_input(field_problems(error.messages)))

    @app.errorhandler(StaleDataError)
    def _stale(error: StaleDataError) -> Response:
        # Someone else changed the same record between our read and our write; the
        # transaction was rolled back, so nothing of this request was kept.
        return problem_response(Problem(409, "conflict.stale", "记录已被修改",
                                        "该记录刚被他人修改，请刷新后重试"))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        titles = {404: "未找到", 405: "不支持的请求方法", 413: "请求过大", 415: "请使用 JSON"}
        # Werkzeug's descriptions are English ("The requested URL was not found…") and reach
        # the person through the web: each status explains itself in Chinese instead.
        details = {404: "没有这个地址或记录，请检查链接或编号", 405: "此地址不接受这种请求方法",
                   413: "请求内容超过允许的大小", 415: "请求体应为 JSON"}
        status = error.code or 500
        detail = (error.description if error.description != type(error).description  # our own
                  else details.get(status, "请求未能完成，请稍后重试"))
        return problem_response(Problem(status, f"http_{status}", titles.get(status, "请求失败"),
                                        detail))
