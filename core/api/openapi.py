"""The city's OpenAPI 3.1 document, built from the operation registry and its schemas."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, jsonify
from marshmallow import fields

from core.api.registry import FLASK_PARAM, openapi_path, operations_of
from core.permissions import PERMISSION_EXTENSION
from core.xlsx import XLSX_MIMETYPE

blueprint = Blueprint("openapi", __name__)

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; messages in Chinese",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "code": {"type": "string"},
            "message": {"type": "string"}}}},
        "refusals": {"type": "array", "items": {"type": "object", "properties": {
            "rule": {"type": "string"}, "message": {"type": "string"}}}},
    },
    "required": ["type", "title", "status", "code"],
}
ERROR_TITLES = {400: "输入有误", 401: "未认证", 403: "无权操作", 404: "未找到",
                409: "操作被拒绝", 412: "记录已被他人修改（If-Match 的版本不是当前版本）",
                422: "不符合本市规定"}
# core.api.versions and core.api.idempotency: the headers every operation of a record, and every
# write, understands.
IF_MATCH_PARAMETER = {
    "name": "If-Match", "in": "header", "required": False,
    "description": "记录的 ETag（如 \"project-12-3\"）或版本号；不是当前版本时拒绝（412），不做任何修改",
    "schema": {"type": "string"}}
IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "幂等键（1–200 个可见 ASCII 字符，如 UUID）：同一用户以同一键重试同一请求时"
                   "返回首次结果、不再写入（响应头 Idempotent-Replayed: true）；"
                   "同一键用于不同请求时拒绝（422）。保留 24 小时",
    "schema": {"type": "string", "maxLength": 200}}
ETAG_HEADER = {"description": "记录的版本（修改时作为 If-Match 发送）", "schema": {"type": "string"}}
REPLAYED_HEADER = {"description": "true：按幂等键返回的首次结果，本次未写入",
                   "schema": {"type": "string", "enum": ["true"]}}


def _schema_name(schema: Any) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    return name[:-6] if name.endswith("Schema") and len(name) > 6 else name


def decimal_as_string(self: Any, field: fields.Field, ret: dict[str, Any], **_: Any) -> dict:
    """Exact decimals (money, shares, rates) travel as strings: document them so.

    apispec would call them numbers and write their range limits as strings, which
    is not valid JSON Schema; the limits become ``x-minimum``/``x-maximum``.
    """
    if not (isinstance(field, fields.Decimal) and field.as_string):
        return {}
    types = ret.get("type", "number")
    types = [types] if isinstance(types, str) else list(types)
    for bound in ("minimum", "maximum"):
        if bound in ret:
            ret[f"x-{bound}"] = ret.pop(bound)
    string_types = ["string" if kind == "number" else kind for kind in types]
    return {"type": string_types[0] if len(string_types) == 1 else string_types,
            "format": "decimal"}


def build_openapi(app: Flask) -> dict[str, Any]:
    from core.api.support import runtime

    city = app.extensions["zhaoshang"].city if "zhaoshang" in app.extensions else None
    del runtime
    marshmallow_plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
    spec = APISpec(
        title=f"招商引资平台 · {city.name if city else ''} API",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[marshmallow_plugin],
        info={"description": "城市招商服务接口。金额单位为万元，以字符串表示的精确小数。"},
    )
    marshmallow_plugin.converter.add_attribute_function(decimal_as_string)
    spec.components.schema("Problem", PROBLEM_SCHEMA)
    paths: dict[str, dict[str, Any]] = {}
    for name in sorted(app.blueprints):
        for op in operations_of(app.blueprints[name]):
            prefix = _mount_prefix(app, name)
            path, params = openapi_path(prefix + op.rule)
            item: dict[str, Any] = {"summary": op.summary, "tags": [op.tag],
                                    "operationId": f"{name}.{op.endpoint}",
                                    "parameters": [], "responses": {}}
            if op.description:
                item["description"] = op.description
            if op.who is not None:
                item[PERMISSION_EXTENSION] = op.who.describe()
            converters = {m.group(2): m.group(1) for m in FLASK_PARAM.finditer(prefix + op.rule)}
            for param in params:
                kind = "integer" if converters.get(param) == "int" else "string"
                item["parameters"].append({"name": param, "in": "path", "required": True,
                                           "schema": {"type": kind}})
            if op.query is not None:
                item["parameters"].append({"in": "query", "schema": op.query})
            if op.body is not None:
                item["requestBody"] = {"required": True,
                                       "content": {"application/json": {"schema": op.body}}}
            ok: dict[str, Any] = {"description": "成功"}
            if op.response is not None:
                schema: Any = op.response
                if op.many and op.query is not None and "page" in op.query._declared_fields:
                    schema = {"type": "object", "properties": {
                        "items": {"type": "array", "items": op.response},
                        "total": {"type": "integer"}, "page": {"type": "integer"},
                        "per_page": {"type": "integer"}}}
                elif op.many:
                    schema = {"type": "array", "items": op.response}
                ok["content"] = {"application/json": {"schema": schema}}
            if op.export:
                item["parameters"].append({
                    "name": "format", "in": "query", "required": False,
                    "description": "xlsx：按相同筛选导出全部行（中文表头）",
                    "schema": {"type": "string", "enum": ["json", "xlsx"], "default": "json"}})
                ok.setdefault("content", {})[XLSX_MIMETYPE] = {
                    "schema": {"type": "string", "contentMediaType": XLSX_MIMETYPE}}
            errors = set(op.errors) | {400} if op.query or op.body or op.export else set(op.errors)
            headers: dict[str, Any] = {}
            if op.record is not None:
                headers["ETag"] = ETAG_HEADER
                if op.writes:
                    item["parameters"].append(IF_MATCH_PARAMETER)
                    errors.add(412)
            if op.writes:
                item["parameters"].append(IDEMPOTENCY_PARAMETER)
                headers["Idempotent-Replayed"] = REPLAYED_HEADER
                errors |= {400, 409, 422}  # a malformed, busy or reused key
            if headers:
                ok["headers"] = headers
            item["responses"][str(op.status)] = ok
            for status in sorted(errors):
                item["responses"][str(status)] = {
                    "description": ERROR_TITLES.get(status, "错误"),
                    "content": {"application/problem+json": {
                        "schema": {"$ref": "#/components/schemas/Problem"}}}}
            paths.setdefault(path, {})[op.method.lower()] = item
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _mount_prefix(app: Flask, blueprint_name: str) -> str:
    """Where a blueprint is mounted (``/api/v1`` or a plugin's own prefix)."""
    return app.config["ZHAOSHANG_BLUEPRINT_PREFIXES"].get(blueprint_name, "")


@blueprint.get("/openapi.json")
def openapi_document():
    from flask import current_app

    return jsonify(build_openapi(current_app))
