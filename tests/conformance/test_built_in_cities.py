"""The conformance kit (``core.conformance``) run against each built-in city's own deployment file,
exactly as a city package runs it against itself."""

from __future__ import annotations

from core.config import built_in_config_path
from core.conformance import CityConformance


class TestLanzhou(CityConformance):
    config_path = built_in_config_path("lanzhou")

    def prepare_stage(self, api, project, stage):
        # 报备认定: the introducing unit and intermediary are registered before signing.
        if stage == "signed":
            api.call("POST", f"/lanzhou/projects/{project['id']}/registration", {}).expect(201)


class TestZiyang(CityConformance):
    config_path = built_in_config_path("ziyang")
    # Seed 五: signing needs a legal review of the agreement and the signatory on record.
    project_attributes = {"legal_review": {
        "reviewer": "市司法局 王律师", "reviewed_on": "2024-02-20", "conclusion": "passed",
        "scope": ["agreement", "preferential_terms", "investor_rights_duties"]},
        "signatory": "county_government"}


class TestSanming(CityConformance):
    config_path = built_in_config_path("sanming")
    # Seed 三(五)29: every project weighs its economic and its legal account before signing.
    project_attributes = {"economic_account": {"tax": "1200", "jobs": 300}}

    def prepare_stage(self, api, project, stage):
        # The 法规账 is reviewed item by item (today, the service's day) before signing.
        if stage == "signed":
            for item in ("environment", "safety", "land", "forest"):
                api.call("POST", f"/sanming/projects/{project['id']}/legal-review/{item}",
                         {"finding": "pass", "reviewer": "一致性检查审查员"}).expect(201)


class TestChangsha(CityConformance):
    config_path = built_in_config_path("changsha")


class TestPingliang(CityConformance):
    config_path = built_in_config_path("pingliang")
