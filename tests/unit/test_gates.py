"""Stage gates: what a project needs before a stage, from the one source of truth."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from core import hookimpl
from core.gates import field_label, field_present, incomplete_fields, required_fields
from core.lifecycle import MAIN_LINE, Stage, next_stage, passed
from tests.support.cities import make_city


def project(**values):
    base = {"stage": "reserve", "name": "光伏项目", "enterprise_id": 1, "industry": "energy",
            "amount": 1, "finding_unit_id": 1, "host_unit_id": 1, "agreement_amount": None,
            "milestones": [], "attributes": {}}
    return SimpleNamespace(**(base | values))


@pytest.mark.parametrize(("path", "values", "present"), [
    ("amount", {"amount": 5}, True),
    ("agreement_amount", {}, False),
    ("name", {"name": ""}, False),
    ("attributes.legal_review.passed", {"attributes": {"legal_review": {"passed": True}}}, True),
    ("attributes.legal_review.passed", {"attributes": {"legal_review": {}}}, False),
    ("attributes.contact", {"attributes": {"contact": []}}, False),
    ("milestones.start", {"milestones": [SimpleNamespace(kind="start")]}, True),
    ("milestones.start", {"milestones": [SimpleNamespace(kind="production")]}, False),
])
def test_field_present(path, values, present):
    assert field_present(project(**values), path) is present


def test_the_core_gates_of_the_main_line():
    city = make_city()
    assert incomplete_fields(city, project()) == []  # reserve → negotiating: all there
    assert incomplete_fields(city, project(stage="negotiating")) == [
        "agreement_amount", "milestones.start"]
    assert incomplete_fields(city, project(stage="signed")) == ["milestones.completion"]
    assert incomplete_fields(city, project(stage="completed")) == []
    assert incomplete_fields(city, project(stage="lost")) == []


def test_a_city_adds_fields_to_a_gate_once_each():
    class LegalReview:
        @hookimpl
        def stage_required_fields(self, city, project, stage):
            if stage == "signed":
                return ["attributes.legal_review", "agreement_amount"]
            return None

    city = make_city(extra_plugins=[("legal", LegalReview())])
    assert required_fields(city, project(), "signed") == [
        "attributes.legal_review", "agreement_amount", "host_unit_id", "milestones.start"]
    assert incomplete_fields(city, project(stage="negotiating"), "signed") == [
        "attributes.legal_review", "agreement_amount", "milestones.start"]


def test_gate_fields_have_chinese_labels():
    city = make_city()
    assert field_label(city, "milestones.start") == "计划开工日期"
    assert field_label(city, "attributes.custom") == "attributes.custom"


def test_the_main_line_in_order():
    assert [next_stage(stage) for stage in MAIN_LINE] == [*MAIN_LINE[1:], None]
    assert next_stage(Stage.LOST) is None
    assert passed(Stage.STARTED, Stage.SIGNED) and not passed(Stage.SIGNED, Stage.STARTED)
    assert not passed(Stage.CLEARED, Stage.SIGNED)
