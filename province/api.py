"""``/api/v1/province/…``: every city side by side, read-only."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify

from core.api.registry import operation
from core.api.support import load_query
from core.db import unit_of_work
from province import reports
from province.schemas import (
    CitiesSchema,
    CompletenessSchema,
    FreshnessQuery,
    FreshnessSchema,
    RangeQuery,
    RankingQuery,
    RankingSchema,
    SharedInvestorsQuery,
    SharedInvestorsSchema,
)

blueprint = Blueprint("province", __name__)
log = logging.getLogger("zhaoshang.province.api")
EXTENSION = "zhaoshang_province"


def _runtime():
    return current_app.extensions[EXTENSION]


@operation(blueprint, "/cities", summary="各市招商指标对比：签约、开工、到位资金、同比、省外占比",
           query=RangeQuery, response=CitiesSchema)
def get_cities():
    params = load_query(RangeQuery)
    state = _runtime()
    with unit_of_work(state.sessions) as session:
        rows = reports.city_figures(session, state.config, params["date_from"], params["date_to"])
    return jsonify(CitiesSchema().dump({"date_from": params["date_from"],
                                        "date_to": params["date_to"], "cities": rows}))


@operation(blueprint, "/ranking", summary="各市按指标排名", query=RankingQuery,
           response=RankingSchema)
def get_ranking():
    params = load_query(RankingQuery)
    state = _runtime()
    with unit_of_work(state.sessions) as session:
        rows = reports.ranking(session, state.config, params["date_from"], params["date_to"],
                               params["by"])
    body = RankingSchema().dump({"date_from": params["date_from"], "date_to": params["date_to"],
                                 "by": params["by"], "cities": rows})
    for row in body["cities"]:  # the value exactly as the figures show it
        row["value"] = row["figures"][params["by"]]
    return jsonify(body)


@operation(blueprint, "/shared-investors", summary="多个城市同时洽谈的客商（同一信用代码或同名）",
           query=SharedInvestorsQuery, response=SharedInvestorsSchema)
def get_shared_investors():
    params = load_query(SharedInvestorsQuery)
    state = _runtime()
    with unit_of_work(state.sessions) as session:
        groups = reports.shared_investors(session, state.config, params["min_cities"])
    return jsonify(SharedInvestorsSchema().dump({"investors": groups}))


@operation(blueprint, "/freshness", summary="各市数据时效：最新事件时间、延迟、未消费消息数",
           query=FreshnessQuery, response=FreshnessSchema)
def get_freshness():
    params = load_query(FreshnessQuery)
    state = _runtime()
    lag, error = None, None
    if params["consumer_lag"]:
        try:
            lag = reports.consumer_lag(state.config)
        except Exception as exc:  # the broker is away: freshness still answers
            log.warning("consumer lag unavailable: %s", exc)
            error = f"无法查询 Kafka：{exc}"
    now = state.config.clock.utcnow()
    with unit_of_work(state.sessions) as session:
        rows = reports.freshness(session, state.config, now, lag)
    return jsonify(FreshnessSchema().dump({"now": now, "consumer_lag_error": error,
                                           "cities": rows}))


@operation(blueprint, "/completeness", summary="各市数据完整性：最新快照与省级数据核对",
           response=CompletenessSchema)
def get_completeness():
    state = _runtime()
    with unit_of_work(state.sessions) as session:
        rows = reports.completeness(session, state.config)
    return jsonify(CompletenessSchema().dump({"cities": rows}))
