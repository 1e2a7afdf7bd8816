"""``register_blueprints``: a plugin's own API under ``/api/v1/<name>/``, in the OpenAPI."""

from __future__ import annotations

from flask import Blueprint, jsonify
from marshmallow import fields, validate

from core import hookimpl
from core.api.registry import operation
from core.api.support import city as current_city
from core.api.support import load_query
from core.permissions import READER
from core.schemas.base import BaseSchema
from tests.support.cities import make_city

blueprint = Blueprint("maps", __name__)


class MapQuery(BaseSchema):
    chain = fields.String(required=True, validate=validate.Length(min=2))


class MapSchema(BaseSchema):
    city = fields.String()
    chain = fields.String()


@operation(blueprint, "/chain-map", summary="产业链招商地图", query=MapQuery, response=MapSchema,
           who=READER)
def chain_map():
    params = load_query(MapQuery)
    return jsonify(MapSchema().dump({"city": current_city().code, "chain": params["chain"]}))


class Maps:
    @hookimpl
    def register_blueprints(self, city):
        return [blueprint]


def test_hook_register_blueprints_mounts_the_plugins_api(client_for):
    client = client_for(make_city(extra_plugins=[("maps", Maps())]))
    response = client.get("/maps/chain-map?chain=新材料")
    assert response.status_code == 200
    assert response.json == {"city": "testcity", "chain": "新材料"}
    bad = client.get("/maps/chain-map")
    assert bad.status_code == 400
    assert bad.mimetype == "application/problem+json"
    assert bad.json["errors"][0]["field"] == "chain"


def test_hook_register_blueprints_documents_the_routes(client_for):
    client = client_for(make_city(extra_plugins=[("maps", Maps())]))
    document = client.get("/openapi.json").json
    operation_ = document["paths"]["/api/v1/maps/chain-map"]["get"]
    assert operation_["summary"] == "产业链招商地图"
    assert [p["name"] for p in operation_["parameters"]] == ["chain"]


def test_hook_register_blueprints_is_absent_without_the_plugin(client):
    assert client.get("/maps/chain-map?chain=新材料").status_code == 404
