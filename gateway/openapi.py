"""One OpenAPI document for everything behind the gateway, merged from the services' own.

Core paths that every answering city serves identically appear once under
``/api/v1/cities/{city}/…``; a path only some cities serve (a plugin's) appears under
each of those cities' literal ``/api/v1/cities/<code>/…``. Component schemas that
clash between services are renamed ``<service>_<Name>``. The bearer-token scheme is
declared globally; the document is cached for a short time.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable
from typing import Any

API_PREFIX = "/api/v1"
SECURITY_SCHEME = "bearerAuth"
PUBLIC_PATHS = ("/api/v1/auth/token", "/api/v1/health", "/api/v1/openapi.json")
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# What the gateway itself may answer on any proxied operation.
GATEWAY_ERRORS = {"400": "请求路径无效（bad_path）", "401": "未登录或登录已失效", "403": "无权操作",
                  "404": "未找到", "413": "请求过大",
                  "429": "请求过于频繁", "502": "服务未能及时响应", "503": "服务暂不可用"}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    """``node`` with ``#/components/schemas/<old>`` references pointing at the new names."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name in renames:
                return {**node, "$ref": f"#/components/schemas/{renames[name]}"}
        return {key: _rewrite_refs(value, renames) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(item, renames) for item in node]
    return node


def _merge_components(into: dict[str, Any], document: dict[str, Any], source: str
                      ) -> dict[str, Any]:
    """Add ``document``'s schemas to ``into`` and return its paths with references renamed.

    A schema whose name is taken by a different schema is renamed; so is every schema
    that refers to a renamed one (its content now differs), until nothing changes.
    """
    schemas = document.get("components", {}).get("schemas", {})
    renames: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for name, schema in schemas.items():
            if name in renames:
                continue
            existing = into.get(name)
            if existing is not None and existing != _rewrite_refs(schema, renames):
                renames[name] = f"{source}_{name}"
                changed = True
    for name, schema in schemas.items():
        into.setdefault(renames.get(name, name), _rewrite_refs(schema, renames))
    return _rewrite_refs(document.get("paths", {}), renames)


def _with_gateway_errors(operation: dict[str, Any]) -> dict[str, Any]:
    responses = operation.setdefault("responses", {})
    for status, title in GATEWAY_ERRORS.items():
        responses.setdefault(status, {"description": title, "content": {
            "application/problem+json": {"schema": PROBLEM_REF}}})
    return operation


def _prefixed(operation: dict[str, Any], prefix: str) -> dict[str, Any]:
    operation = copy.deepcopy(operation)
    if "operationId" in operation:
        operation["operationId"] = f"{prefix}.{operation['operationId']}"
    return _with_gateway_errors(operation)


def merge_documents(gateway: dict[str, Any], cities: dict[str, dict[str, Any] | None],
                    province: dict[str, Any] | None, city_names: dict[str, str]) -> dict[str, Any]:
    """The gateway's document with every answering service's paths and schemas merged in.

    ``cities`` maps a city code to its document, ``None`` when it did not answer (listed
    under ``x-unavailable``).
    """
    merged = copy.deepcopy(gateway)
    merged["info"] = {"title": "招商引资平台 API（网关）", "version": gateway["info"]["version"],
                      "description": "所有城市与省级服务的统一入口。请先以 POST /api/v1/auth/token "
                                     "获取令牌，再以 Authorization: Bearer <令牌> 访问。金额单位为万元，"
                                     "以字符串表示的精确小数。"}
    components = merged.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    components["securitySchemes"] = {SECURITY_SCHEME: {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "POST /api/v1/auth/token 取得的令牌"}}
    merged["security"] = [{SECURITY_SCHEME: []}]
    paths: dict[str, dict[str, Any]] = merged.setdefault("paths", {})
    for path in PUBLIC_PATHS:
        for method, operation in paths.get(path, {}).items():
            if method in METHODS:
                operation["security"] = []

    # Every city's operations by (path below /api/v1, method).
    offered: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for code, document in cities.items():
        if document is None:
            continue
        for path, item in _merge_components(schemas, document, code).items():
            relative = path.removeprefix(API_PREFIX)
            for method, operation in item.items():
                if method in METHODS:
                    offered.setdefault((relative, method), {})[code] = operation
    answering = sorted(code for code, document in cities.items() if document is not None)
    for (relative, method), by_city in sorted(offered.items()):
        first = next(iter(by_city.values()))
        shared = sorted(by_city) if all(op == first for op in by_city.values()) else []
        if len(shared) > 1 or (shared and len(answering) == 1):
            operation = _prefixed(first, "cities")
            operation["parameters"] = [{
                "name": "city", "in": "path", "required": True,
                "description": "城市编码：" + "、".join(f"{c}（{city_names.get(c, c)}）"
                                                   for c in shared),
                "schema": {"type": "string", "enum": shared}}, *operation.get("parameters", [])]
            paths.setdefault(f"{API_PREFIX}/cities/{{city}}{relative}", {})[method] = operation
            continue
        for code, operation in by_city.items():
            paths.setdefault(f"{API_PREFIX}/cities/{code}{relative}", {})[method] = \
                _prefixed(operation, code)

    if province is not None:
        for path, item in _merge_components(schemas, province, "province").items():
            if not path.startswith(f"{API_PREFIX}/province"):
                continue  # only the province's own prefix is reachable through the gateway
            for method, operation in item.items():
                if method in METHODS:
                    paths.setdefault(path, {})[method] = _prefixed(operation, "province")
    unavailable = [code for code, document in cities.items() if document is None]
    if province is None:
        unavailable.append("province")
    if unavailable:
        merged["x-unavailable"] = unavailable
    return merged


class CachedDocument:
    """The merged document, rebuilt at most once per ``ttl`` seconds (and sooner when incomplete)."""

    def __init__(self, build: Callable[[], dict[str, Any]], ttl: float) -> None:
        self._build = build
        self._ttl = ttl
        self._lock = threading.Lock()
        self._document: bytes | None = None
        self._expires = 0.0

    def get(self) -> bytes:
        """The document as UTF-8 JSON; one caller rebuilds while the others wait for it."""
        with self._lock:
            now = time.monotonic()
            if self._document is None or now >= self._expires:
                document = self._build()
                # A document missing a service is kept briefly: it recovers once the service does.
                ttl = self._ttl if "x-unavailable" not in document else min(self._ttl, 5.0)
                self._document = json.dumps(document, ensure_ascii=False).encode()
                self._expires = now + ttl
            return self._document
