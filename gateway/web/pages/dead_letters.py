"""The province's dead letters (死信): records set aside instead of applied, listed for province
users and administrators, inspected with their raw headers and value, and replayed or discarded
(with a reason) by administrators — through the province API as the signed-in person, so the
province decides and the gateway's audit log keeps every attempt."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort

from gateway.runtime import gateway
from gateway.web.base import api, blueprint, done, filters, form_value, render

STATUSES = {"held": "待处理", "replayed": "已重放", "discarded": "已放弃"}
LIST_FILTERS = ("city", "status", "page")
COLUMNS = [
    {"key": "id", "heading": "编号"},
    {"key": "city_name", "heading": "城市"},
    {"key": "reason", "heading": "原因代码"},
    {"key": "detail", "heading": "原因说明"},
    {"key": "received_local", "heading": "收到时间（北京时间）"},
    {"key": "event_type", "heading": "事件类型"},
    {"key": "event_id", "heading": "事件编号"},
    {"key": "status_label", "heading": "状态"},
]


def _local(moment: str | None) -> str:
    """An API instant as the gateway's wall clock (Beijing time) shows it."""
    if not moment:
        return ""
    return gateway().settings.clock.local(dt.datetime.fromisoformat(moment)).strftime(
        "%Y-%m-%d %H:%M:%S")


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    row["received_local"] = _local(row.get("received_at"))
    row["resolved_local"] = _local(row.get("resolved_at"))
    return row


@blueprint.route("/province/dead-letters")
def dead_letters():
    params = filters(*LIST_FILTERS)
    answer = api().province("dead-letters", params)
    rows = [_shown(row) for row in answer.items()]
    freshness = api().province("freshness", {"consumer_lag": "false"})
    cities = {row["city"]: row["city_name"] for row in
              (freshness.body.get("cities", []) if freshness.ok else [])}
    return render("dead_letters.html", answer.status, answer=answer, rows=rows, columns=COLUMNS,
                  params=params, statuses=STATUSES, province_cities=cities)


@blueprint.route("/province/dead-letters/<int:letter_id>")
def dead_letter(letter_id: int):
    answer = api().province(f"dead-letters/{letter_id}")
    if answer.status == 404:
        abort(404)
    return render("dead_letter.html", answer.status, answer=answer,
                  letter=_shown(answer.body) if answer.ok else None,
                  may_act=api().may_act_on_province())


@blueprint.route("/province/dead-letters/<int:letter_id>/replay", methods=["POST"])
def replay_dead_letter(letter_id: int):
    answer = api().province(f"dead-letters/{letter_id}/replay", method="POST")
    said = "已重放并应用" if (answer.body or {}).get("outcome") == "applied" else \
        "已应用过（重复），未重复计入"
    return done(answer, f"死信 {letter_id}：{said}", "web.dead_letter", letter_id=letter_id)


@blueprint.route("/province/dead-letters/<int:letter_id>/discard", methods=["POST"])
def discard_dead_letter(letter_id: int):
    answer = api().province(f"dead-letters/{letter_id}/discard", method="POST",
                            body={"reason": form_value("reason") or ""})
    return done(answer, f"死信 {letter_id} 已放弃", "web.dead_letter", letter_id=letter_id)
