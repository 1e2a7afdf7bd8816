"""``/api/v1/intermediaries``: 引荐人名录 — register, list, correct, confirm, deactivate."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Blueprint

from core import search
from core.api.record_units import INTERMEDIARY
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
from core.models import Intermediary
from core.permissions import OFFICE, READER
from core.schemas.introducers import (
    IntermediaryDetail,
    IntermediaryInput,
    IntermediaryQuery,
    IntermediarySchema,
    IntermediaryUpdate,
    PublicOfficialInput,
    StatusInput,
)
from core.services import introducers as service
from core.services.lookups import get_or_404

blueprint = Blueprint("intermediaries", __name__)


def _detail(session, row: Intermediary):
    row.history = service.history(session, row)
    return row


@operation(blueprint, "/intermediaries", "POST", summary="登记引荐人（中介机构、顾问、招商大使、个人）",
           body=IntermediaryInput, response=IntermediaryDetail, status=201,
           errors=(400, 403, 422), who=OFFICE)
def register_intermediary():
    """A second entry with the same credit code, or the same name and phone, is refused (422)
    naming the one already registered; the public-official status starts unknown."""
    data = load_body(IntermediaryInput)
    with transaction() as session:
        row = service.register(session, city(), data, current_actor())
        return respond(IntermediaryDetail, _detail(session, row), 201)


@operation(blueprint, "/intermediaries", summary="引荐人名录", query=IntermediaryQuery,
           response=IntermediarySchema, many=True, who=READER)
def list_intermediaries():
    params = load_query(IntermediaryQuery)
    with transaction() as session:
        query = sa.select(Intermediary)
        for key, column in (("kind", Intermediary.kind), ("status", Intermediary.status),
                            ("public_official", Intermediary.public_official)):
            if params.get(key):
                query = query.where(column == params[key])
        if params.get("role"):
            # Roles are a JSON list; the code matched as JSON text, alike on SQLite and PostgreSQL.
            query = query.where(contains(sa.cast(Intermediary.roles, sa.Text),
                                         json.dumps(params["role"])))
        if params.get("q"):
            text = params["q"]
            query = query.where(Intermediary.id.in_(
                search.matching_ids(session, search.INTERMEDIARIES, text)))
            if not params.get("sort"):  # a sort asked for wins over the ranking
                query = query.order_by(
                    search.rank(text, (Intermediary.name, Intermediary.contact_person),
                                (Intermediary.credit_code,)),
                    Intermediary.registered_at.desc(), Intermediary.id.desc())
        return paginate(session, query, params,
                        {"name": Intermediary.name, "registered_at": Intermediary.registered_at,
                         "kind": Intermediary.kind, "contact_person": Intermediary.contact_person,
                         "public_official": Intermediary.public_official,
                         "status": Intermediary.status},
                        IntermediarySchema, Intermediary.id)


@operation(blueprint, "/intermediaries/<int:intermediary_id>", summary="引荐人详情（含变更记录）",
           response=IntermediaryDetail, errors=(404,), record=INTERMEDIARY, who=READER)
def get_intermediary(intermediary_id: int):
    with transaction() as session:
        row = get_or_404(session, Intermediary, intermediary_id)
        return respond(IntermediaryDetail, _detail(session, row))


@operation(blueprint, "/intermediaries/<int:intermediary_id>", "PATCH", summary="修改引荐人信息",
           body=IntermediaryUpdate, response=IntermediaryDetail,
           errors=(400, 403, 404, 412, 422), record=INTERMEDIARY, who=OFFICE)
def update_intermediary(intermediary_id: int):
    data = load_body(IntermediaryUpdate, partial=True)
    with transaction() as session:
        row = get_or_404(session, Intermediary, intermediary_id)
        row = service.update(session, city(), row, data, current_actor())
        return respond(IntermediaryDetail, _detail(session, row))


@operation(blueprint, "/intermediaries/<int:intermediary_id>/public-official", "POST",
           summary="确认是否国家公职人员（记录确认人与时间）", body=PublicOfficialInput,
           response=IntermediaryDetail, errors=(400, 403, 404, 412), record=INTERMEDIARY,
           who=OFFICE)
def confirm_public_official(intermediary_id: int):
    """Until the office confirms it the status is unknown, and a reward that excludes state
    public officials is not paid (公职人员身份未确认)."""
    data = load_body(PublicOfficialInput)
    with transaction() as session:
        row = get_or_404(session, Intermediary, intermediary_id)
        row = service.confirm_public_official(session, city(), row, data, current_actor())
        return respond(IntermediaryDetail, _detail(session, row))


@operation(blueprint, "/intermediaries/<int:intermediary_id>/status", "POST",
           summary="停用或恢复引荐人", body=StatusInput, response=IntermediaryDetail,
           errors=(400, 403, 404, 409, 412), record=INTERMEDIARY, who=OFFICE)
def set_intermediary_status(intermediary_id: int):
    """A deactivated entry stays on record (its leads and projects keep naming it) but no new
    lead or project may name it."""
    data = load_body(StatusInput)
    with transaction() as session:
        row = get_or_404(session, Intermediary, intermediary_id)
        row = service.set_status(session, city(), row, data, current_actor())
        return respond(IntermediaryDetail, _detail(session, row))
