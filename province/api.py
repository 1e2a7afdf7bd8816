"""``/api/v1/province/…``: every city side by side (province users and administrators read),
and the dead letters an administrator replays or discards."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, g, jsonify

from core.api.exports import wants_xlsx
from core.api.registry import operation
from core.api.support import load_body, load_query, paginate, request_sessions
from core.db import unit_of_work
from core.permissions import ADMIN, READER
from core.xlsx import xlsx_download
from province import dead_letters, reports, workbooks
from province.models import DeadLetter
from province.schemas import (
    CitiesSchema,
    CompletenessSchema,
    DeadLetterDetailSchema,
    DeadLetterQuery,
    DeadLetterSchema,
    DiscardBody,
    FreshnessQuery,
    FreshnessSchema,
    RangeQuery,
    RankingQuery,
    RankingSchema,
    ReplaySchema,
    SharedInvestorsQuery,
    SharedInvestorsSchema,
)

blueprint = Blueprint("province", __name__)
log = logging.getLogger("zhaoshang.province.api")
EXTENSION = "zhaoshang_province"


def _runtime():
    return current_app.extensions[EXTENSION]


def _unit_of_work():
    """The request's unit of work: a read (GET) outside a transaction, a write in one."""
    return unit_of_work(request_sessions(_runtime()))


@operation(blueprint, "/cities", summary="各市招商指标对比：签约、开工、到位资金、同比、省外占比",
           query=RangeQuery, response=CitiesSchema, who=READER, export=True)
def get_cities():
    """``format=xlsx``: the comparison and the 省外 figures as a workbook (province.workbooks)."""
    params = load_query(RangeQuery)
    state = _runtime()
    with _unit_of_work() as session:
        rows = reports.city_figures(session, state.config, params["date_from"], params["date_to"])
    if wants_xlsx():
        return xlsx_download(
            workbooks.cities_workbook(state.config, params["date_from"], params["date_to"], rows),
            f"各市招商指标对比{params['date_from']}至{params['date_to']}.xlsx",
            f"province-cities-{params['date_from']}-{params['date_to']}.xlsx")
    return jsonify(CitiesSchema().dump({"date_from": params["date_from"],
                                        "date_to": params["date_to"], "cities": rows}))


@operation(blueprint, "/ranking", summary="各市按指标排名", query=RankingQuery,
           response=RankingSchema, who=READER, export=True)
def get_ranking():
    """``format=xlsx``: the ranking with every city's figures as a workbook."""
    params = load_query(RankingQuery)
    state = _runtime()
    with _unit_of_work() as session:
        rows = reports.ranking(session, state.config, params["date_from"], params["date_to"],
                               params["by"])
    if wants_xlsx():
        return xlsx_download(
            workbooks.ranking_workbook(state.config, params["date_from"], params["date_to"],
                                       params["by"], rows),
            f"各市排名{params['date_from']}至{params['date_to']}.xlsx",
            f"province-ranking-{params['by']}-{params['date_from']}-{params['date_to']}.xlsx")
    body = RankingSchema().dump({"date_from": params["date_from"], "date_to": params["date_to"],
                                 "by": params["by"], "cities": rows})
    for row in body["cities"]:  # the value exactly as the figures show it
        row["value"] = row["figures"][params["by"]]
    return jsonify(body)


@operation(blueprint, "/shared-investors", summary="多个城市同时洽谈的客商（同一信用代码或同名）",
           query=SharedInvestorsQuery, response=SharedInvestorsSchema, who=READER, export=True)
def get_shared_investors():
    """``format=xlsx``: one row per record of each investor, as a workbook."""
    params = load_query(SharedInvestorsQuery)
    state = _runtime()
    with _unit_of_work() as session:
        groups = reports.shared_investors(session, state.config, params["min_cities"])
    if wants_xlsx():
        return xlsx_download(
            workbooks.shared_investors_workbook(state.config, params["min_cities"], groups),
            "多市洽谈的客商.xlsx", "province-shared-investors.xlsx")
    return jsonify(SharedInvestorsSchema().dump({"investors": groups}))


@operation(blueprint, "/freshness", summary="各市数据时效：最新事件时间、延迟、未消费消息数",
           query=FreshnessQuery, response=FreshnessSchema, who=READER)
def get_freshness():
    params = load_query(FreshnessQuery)
    state = _runtime()
    lag, error = None, None
    if params["consumer_lag"]:
        try:
            lag = reports.consumer_lag(state.config)
        except Exception as exc:  # the broker is away: freshness still answers
            log.warning("consumer lag unavailable: %s", exc)
            # The exception (English, a broker address) is for the log; the page says what it means.
            error = "暂时无法连接消息队列，消费积压未知；各市数据的更新时间仍如下所示"
    now = state.config.clock.utcnow()
    with _unit_of_work() as session:
        rows = reports.freshness(session, state.config, now, lag)
    return jsonify(FreshnessSchema().dump({"now": now, "consumer_lag_error": error,
                                           "cities": rows}))


@operation(blueprint, "/completeness", summary="各市数据完整性：最新快照与省级数据核对",
           response=CompletenessSchema, who=READER)
def get_completeness():
    state = _runtime()
    with _unit_of_work() as session:
        rows = reports.completeness(session, state.config)
    return jsonify(CompletenessSchema().dump({"cities": rows}))


@operation(blueprint, "/dead-letters", summary="死信（被搁置的消息）列表", query=DeadLetterQuery,
           response=DeadLetterSchema, many=True, who=READER)
def list_dead_letters():
    params = load_query(DeadLetterQuery)
    with _unit_of_work() as session:
        query = dead_letters.dead_letter_query(params.get("city"), params.get("status"))
        return paginate(session, query.order_by(None), params,
                        {"received_at": DeadLetter.received_at, "city": DeadLetter.city,
                         "sequence": DeadLetter.sequence}, DeadLetterSchema, DeadLetter.id)


@operation(blueprint, "/dead-letters/<int:letter_id>", summary="死信详情（原始键、消息头与消息体）",
           response=DeadLetterDetailSchema, errors=(404,), who=READER)
def get_dead_letter(letter_id: int):
    with _unit_of_work() as session:
        letter = dead_letters.get(session, letter_id)
        return jsonify(DeadLetterSchema().dump(letter) | DeadLetterDetailSchema(
            only=("key", "headers", "value", "value_text")).dump(dead_letters.inspected(letter)))


@operation(blueprint, "/dead-letters/<int:letter_id>/replay", "POST",
           summary="重放死信：按当前目录与配置重新读取并应用", response=ReplaySchema,
           errors=(403, 404, 409), who=ADMIN)
def replay_dead_letter(letter_id: int):
    """Still not a valid event: 409 with the reason; the letter stays held (attempts + 1)."""
    state = _runtime()
    with _unit_of_work() as session:
        outcome = dead_letters.replay(session, state.config, letter_id, _actor_label())
        body = ReplaySchema().dump({"outcome": outcome.outcome,
                                    "letter": dead_letters.get(session, letter_id)})
    if not outcome.resolved:
        raise outcome.refusal()  # after the commit: the attempt and its reason are kept
    return jsonify(body)


@operation(blueprint, "/dead-letters/<int:letter_id>/discard", "POST",
           summary="放弃死信（须填写理由）", body=DiscardBody, response=DeadLetterSchema,
           errors=(400, 403, 404, 409), who=ADMIN)
def discard_dead_letter(letter_id: int):
    params = load_body(DiscardBody)
    state = _runtime()
    with _unit_of_work() as session:
        letter = dead_letters.discard(session, letter_id, _actor_label(), params["reason"],
                                      now=state.config.clock.utcnow())
        return jsonify(DeadLetterSchema().dump(letter))


def _actor_label() -> str:
    """Who acted, as the letter records it: the signed-in user the gateway forwarded."""
    return str(g.actor.user)[:100]
