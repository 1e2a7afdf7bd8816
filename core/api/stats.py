"""``/api/v1/stats``: the city's figures over a date range, optionally grouped."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify

from core.api.registry import operation
from core.api.support import city, dumper, load_query, transaction
from core.figure_queries import city_stats
from core.models import Unit
from core.permissions import READER
from core.schemas.stats import StatsQuery, StatsSchema

blueprint = Blueprint("stats", __name__)


@operation(blueprint, "/stats", summary="招商指标：签约、开工、到位资金及同比", query=StatsQuery,
           response=StatsSchema, who=READER)
def get_stats():
    params = load_query(StatsQuery)
    with transaction() as session:
        labels: dict[str, str] = {}
        group_by = params.get("group_by")
        if group_by == "unit":
            labels = dict(session.execute(sa.select(Unit.code, Unit.name)).all())
        elif group_by == "industry":
            labels = {code: item["name"] for code, item in city().industries.items()}
        elif group_by == "channel":
            labels = city().vocabulary("lead_channels")
        # Summed by the database (core.figure_queries), never by loading every project; projects
        # whose investor's province is unknown are neither 省外 nor 省内: counted apart, from
        # the same passes.
        total, groups, unknown = city_stats(session, params["date_from"], params["date_to"],
                                            group_by, params.get("out_of_province"), labels)
        body = {"date_from": params["date_from"], "date_to": params["date_to"],
                "out_of_province": params.get("out_of_province"),
                "out_of_province_unknown_count": unknown,
                "total": total.as_dict(), "groups": [g.as_dict() for g in groups]}
        return jsonify(dumper(StatsSchema).dump(body))
