"""``/api/v1/city``, ``/units``, ``/enterprises``: the city and its reference data."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Blueprint, jsonify
from marshmallow import fields

from core import search
from core.api.record_units import ENTERPRISE
from core.api.registry import operation
from core.api.support import (
    city,
    current_actor,
    dumper,
    load_body,
    load_query,
    paginate,
    transaction,
)
from core.input_rules import contains
from core.models import Enterprise, Unit
from core.permissions import OFFICE, READER
from core.schemas.base import BaseSchema
from core.schemas.organisation import (
    EnterpriseCorrection,
    EnterpriseQuery,
    EnterpriseSchema,
    UnitQuery,
    UnitSchema,
)
from core.services.enterprises import correct_enterprise
from core.services.lookups import get_or_404

blueprint = Blueprint("city", __name__)


class CityProfileSchema(BaseSchema):
    code = fields.String()
    name = fields.String()
    province = fields.String()
    policy_name = fields.String()
    plugins = fields.List(fields.String())
    configuration = fields.Dict()
    industries = fields.List(fields.Dict())
    extensions = fields.Dict(metadata={"description": "本市插件补充的信息"})


def public_configuration() -> dict:
    """The effective configuration, without the database address and gateway secret."""
    current = city()
    config = {key: value for key, value in current.config.items()
              if key not in ("database", "gateway")}
    config["plugins"] = {"enabled": current.config["plugins"]["enabled"],
                         **current.plugin_configs}
    return config


@operation(blueprint, "/city", summary="本市概况：插件、政策名称、生效配置", response=CityProfileSchema,
           who=READER)
def get_city():
    current = city()
    extensions: dict = {}
    for extra in current.call("city_profile"):
        extensions.update(extra)
    profile = {
        "code": current.code,
        "name": current.name,
        "province": current.province,
        "policy_name": current.config["city"]["policy_name"],
        "plugins": current.config["plugins"]["enabled"],
        "configuration": public_configuration(),
        "industries": list(current.industries.values()),
        "extensions": extensions,
    }
    return jsonify(dumper(CityProfileSchema).dump(profile))


class LabelsSchema(BaseSchema):
    """Code → Chinese label of the lists the city's records use (core.vocabularies)."""

    lead_channels = fields.Dict(keys=fields.String(), values=fields.String(),
                                metadata={"description": "招商方式：核心默认值加本市配置"})
    matter_kinds = fields.Dict(keys=fields.String(), values=fields.String(),
                               metadata={"description": "事项类别：核心默认值加本市配置"})
    lead_statuses = fields.Dict(keys=fields.String(), values=fields.String())
    decision_levels = fields.Dict(keys=fields.String(), values=fields.String())
    stages = fields.Dict(keys=fields.String(), values=fields.String())
    field_labels = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "字段路径（如 attributes.park_justification）的中文名称：核心的加本市的"})


@operation(blueprint, "/labels", summary="代码表：招商方式、事项类别等的中文名称", response=LabelsSchema,
           who=READER)
def get_labels():
    """The labels a client shows for the codes (the gateway's web caches them per city)."""
    from core.gates import field_labels
    from core.lifecycle import STAGE_LABELS
    from core.models.leads import LEAD_STATUS_LABELS
    from core.models.matters import DECISION_LEVELS

    current = city()
    labels = {**current.vocabularies,
              "lead_statuses": {str(status.value): label
                                for status, label in LEAD_STATUS_LABELS.items()},
              "decision_levels": dict(DECISION_LEVELS),
              "stages": {stage.value: label for stage, label in STAGE_LABELS.items()},
              # A page names a changed field (a project's history) as the checklist does.
              "field_labels": field_labels(current)}
    return jsonify(dumper(LabelsSchema).dump(labels))


@operation(blueprint, "/units", summary="单位列表", query=UnitQuery, response=UnitSchema, many=True,
           who=READER)
def list_units():
    params = load_query(UnitQuery)
    with transaction() as session:
        query = sa.select(Unit)
        if params.get("kind"):
            query = query.where(Unit.kind == params["kind"])
        return paginate(session, query, params, {"code": Unit.code, "name": Unit.name},
                        UnitSchema, Unit.id)


@operation(blueprint, "/enterprises", summary="企业（客商）列表", query=EnterpriseQuery,
           response=EnterpriseSchema, many=True, who=READER)
def list_enterprises():
    params = load_query(EnterpriseQuery)
    with transaction() as session:
        query = sa.select(Enterprise)
        if params.get("q"):
            text = params["q"]
            query = query.where(Enterprise.id.in_(
                search.matching_ids(session, search.ENTERPRISES, text)))
            if not params.get("sort"):  # a sort asked for wins over the ranking
                query = query.order_by(search.rank(text, (Enterprise.name,), (Enterprise.credit_code,)),
                                       Enterprise.id.desc())
        if params.get("tag"):
            # Tags are a JSON list; match the tag as JSON text, the same on SQLite and PostgreSQL.
            query = query.where(contains(sa.cast(Enterprise.tags, sa.Text),
                                         json.dumps(params["tag"])))
        return paginate(session, query, params,
                        {"name": Enterprise.name, "credit_code": Enterprise.credit_code},
                        EnterpriseSchema, Enterprise.id)


@operation(blueprint, "/enterprises/<int:enterprise_id>", summary="企业（客商）详情",
           response=EnterpriseSchema, errors=(404,), record=ENTERPRISE, who=READER)
def get_enterprise(enterprise_id: int):
    """The investor with its version (``ETag``), which a correction sends as ``If-Match``."""
    with transaction() as session:
        return jsonify(dumper(EnterpriseSchema).dump(get_or_404(session, Enterprise, enterprise_id)))


@operation(blueprint, "/enterprises/<int:enterprise_id>", "PATCH",
           summary="更正投资方的信用代码或省份（重新推定其项目是否省外）", body=EnterpriseCorrection,
           response=EnterpriseSchema, errors=(400, 403, 404, 409), record=ENTERPRISE, who=OFFICE)
def correct_enterprise_view(enterprise_id: int):
    data = load_body(EnterpriseCorrection)
    with transaction() as session:
        enterprise = get_or_404(session, Enterprise, enterprise_id)
        correct_enterprise(session, city(), enterprise, data, current_actor())
        return jsonify(dumper(EnterpriseSchema).dump(enterprise))
