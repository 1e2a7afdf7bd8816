"""The ``evaluation_forms`` hook: collected from every plugin, flattened, served and gating."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core import hookimpl
from core.evaluation_rules import EvaluationFormError, city_forms, level_of
from core.policy import Dimension, EvaluationForm
from tests.support.cities import make_city, ready_app
from tests.support.http import ApiClient


def form(code: str, **kw) -> EvaluationForm:
    return EvaluationForm(code=code, name=f"{code}评估", dimensions=(Dimension("d", "维度"),), **kw)


class Admission:
    @hookimpl
    def evaluation_forms(self, city):
        return [form("admission", required_before="negotiating",
                     step_labels={"submitted": "报送", "decided": "审定"})]


class Review:
    @hookimpl
    def evaluation_forms(self, city):
        return [form("review", pass_score=Decimal(70)), form("rolling")]


def test_forms_of_every_plugin_are_collected_and_flattened():
    city = make_city(extra_plugins=[("a", Admission()), ("b", Review())])
    assert sorted(city_forms(city)) == ["admission", "review", "rolling"]


def test_without_the_hook_a_city_has_no_forms():
    assert city_forms(make_city()) == {}


def test_two_forms_with_one_code_are_a_plugin_error():
    city = make_city(extra_plugins=[("a", Review()), ("b", Review())])
    with pytest.raises(EvaluationFormError, match="declared twice"):
        city_forms(city)


def test_a_level_outside_city_and_county_is_a_plugin_error():
    with pytest.raises(EvaluationFormError, match="unknown level"):
        level_of(form("x", level_for=lambda project: "province"), object())


def test_forms_are_served_and_gate_the_stage_they_name(db_url):
    app = ready_app(make_city(extra_plugins=[("a", Admission())]), db_url)
    try:
        client = ApiClient(app.test_client())
        [served] = client.get("/evaluation-forms").json
        assert served["code"] == "admission" and served["required_before"] == "negotiating"
        assert served["dimensions"] == [{"code": "d", "name": "维度", "weight": "1",
                                         "max_score": 100}]
        assert served["step_labels"] == {"submitted": "报送", "decided": "审定"}
        created = client.post("/projects", json={
            "name": "测试项目", "enterprise": {"name": "测试投资有限公司"},
            "industry": "manufacturing", "amount": "1000", "finding_unit": "east"})
        moved = client.post(f"/projects/{created.json['id']}/transitions",
                            json={"target": "negotiating"})
        assert moved.status_code == 409
        assert moved.json["refusals"][0]["rule"] == "evaluation.admission.missing"
    finally:
        app.extensions["zhaoshang"].engine.dispose()


def test_the_core_alone_serves_no_forms_and_gates_nothing(client):
    assert client.get("/evaluation-forms").json == []
    created = client.post("/projects", json={
        "name": "测试项目", "enterprise": {"name": "测试投资有限公司"},
        "industry": "manufacturing", "amount": "1000", "finding_unit": "east"})
    moved = client.post(f"/projects/{created.json['id']}/transitions",
                        json={"target": "negotiating"})
    assert moved.status_code == 200
