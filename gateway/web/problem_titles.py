"""The Chinese meaning of a problem ``code``, for records that keep the code only.

An answer's problem carries its Chinese ``title`` itself; the audit log keeps just the code
(``invalid_input``, ``forbidden_role`` …), and an administrator reads its meaning, not the code
(issue 25). The titles are those the problems are raised with (``core.problems``,
``core.identity``, ``core.permissions``, ``gateway.tokens``, ``gateway.access``,
``gateway.upstream`` …); a code not listed — a city's own (``import.not_committable``) — is read
by its status.
"""

from __future__ import annotations

TITLES = {
    "invalid_input": "提交的数据有误",
    "rule_violation": "不符合本市规定",
    "transition_refused": "操作被拒绝",
    "not_found": "未找到",
    "conflict.stale": "记录已被修改",
    "precondition_failed": "记录已被他人修改",
    "idempotency.in_progress": "请求正在处理",
    "idempotency.key_reused": "幂等键已用于另一请求",
    "forbidden_role": "无权操作（角色）",
    "forbidden_unit": "无权操作（单位）",
    "forbidden_city": "无权操作（城市）",
    "forbidden_owner": "无权操作（非本人）",
    "forbidden_field": "无权填写",
    "read_only": "只能查看，不能修改",
    "token_missing": "未登录",
    "token_expired": "登录已过期",
    "token_invalid": "令牌无效",
    "token_revoked": "账号已停用或已变更",
    "invalid_credentials": "登录失败",
    "rate_limited": "请求过于频繁",
    "bad_path": "请求路径无效",
    "unknown_city": "未找到城市",
    "no_province": "未找到省级平台",
    "city_unavailable": "城市服务暂不可用",
    "province_unavailable": "省级服务暂不可用",
    "unsigned_request": "未经网关的请求",
    "bad_signature": "请求签名无效",
    "stale_signature": "请求签名已过期",
    "future_signature": "请求签名时间无效",
    "replayed_signature": "请求签名已使用过",
}

# By status, for a code not listed (the city's own rules, a status answered without a code).
BY_STATUS = {
    400: "请求有误", 401: "未登录或登录已失效", 403: "无权操作", 404: "未找到",
    405: "不支持的请求方法", 409: "与记录现状冲突", 412: "记录已被他人修改", 413: "请求过大",
    415: "请求格式不正确", 422: "不符合本市规定", 429: "请求过于频繁",
    502: "服务暂不可用", 503: "服务暂不可用", 504: "服务响应超时",
}


def problem_title(code: str | None, status: int | None) -> str | None:
    """What a refusal or failure means, in Chinese; ``None`` when nothing went wrong."""
    if code in TITLES:
        return TITLES[code]
    if code and code.startswith("http_") and code[5:].isdigit():
        status = int(code[5:])
    if status is None or status < 400:
        return None
    return BY_STATUS.get(status, "服务出错" if status >= 500 else "请求未能完成")
