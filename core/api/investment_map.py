"""``/api/v1/investment-map``: the investment map (招商地图) and the core's target list."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint

from core.api.registry import operation
from core.api.support import (
    city,
    current_actor,
    load_body,
    load_query,
    paginate,
    respond,
    transaction,
)
from core.input_rules import contains
from core.investment_map import investment_map
from core.models import ChainTarget
from core.permissions import OFFICE, READER
from core.problems import invalid_input
from core.schemas.investment_map import (
    ChainTargetCreate,
    ChainTargetQuery,
    ChainTargetSchema,
    InvestmentMap,
    MapQuery,
)
from core.services import chain_targets

blueprint = Blueprint("investment_map", __name__)


@operation(blueprint, "/investment-map", summary="招商地图：产业链上中下游的已落地企业、目标企业与缺链",
           query=MapQuery, response=InvestmentMap, tag="investment_map", who=READER)
def show_map():
    params = load_query(MapQuery)
    problems = chain_targets.chain_problems(city(), params["chain"], None) if params.get(
        "chain") else []
    if problems:
        raise invalid_input(problems)
    with transaction() as session:
        return respond(InvestmentMap, investment_map(session, city(), params.get("chain")))


@operation(blueprint, "/investment-map/targets", summary="招商目标企业库", query=ChainTargetQuery,
           response=ChainTargetSchema, many=True, tag="investment_map", who=READER)
def list_targets():
    params = load_query(ChainTargetQuery)
    with transaction() as session:
        query = sa.select(ChainTarget)
        for key in ("chain", "link", "status"):
            if params.get(key):
                query = query.where(getattr(ChainTarget, key) == params[key])
        if params.get("q"):
            query = query.where(contains(ChainTarget.name, params["q"]))
        return paginate(session, query, params,
                        {"name": ChainTarget.name, "created_at": ChainTarget.created_at},
                        ChainTargetSchema, ChainTarget.id)


@operation(blueprint, "/investment-map/targets", "POST", summary="加入招商目标企业",
           body=ChainTargetCreate, response=ChainTargetSchema, status=201,
           errors=(400, 403, 422), tag="investment_map", who=OFFICE)
def add_target():
    """The office keeps the list; the chain and link must be configured (``[[chains]]``)."""
    data = load_body(ChainTargetCreate)
    with transaction() as session:
        target = chain_targets.add_target(session, city(), data, current_actor())
        return respond(ChainTargetSchema, target, 201)
