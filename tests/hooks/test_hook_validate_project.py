"""``validate_project``: a city refuses a project's data with field problems (422)."""

from __future__ import annotations

from core import hookimpl
from core.policy import FieldProblem
from tests.support.cities import make_city
from tests.support.records import create_project, project_body, row_counts

TABLES = ("projects", "project_changes", "enterprises")


class NoRealEstate:
    calls: list = []

    @hookimpl
    def validate_project(self, city, data, project, session):
        self.calls.append((dict(data), project.id if project else None))
        if data.get("attributes", {}).get("kind") == "房地产":
            return [FieldProblem("attributes.kind", "project.real_estate", "房地产项目不纳入招商项目")]
        return None


def test_hook_validate_project_refuses_a_new_project(client_for):
    client = client_for(make_city(extra_plugins=[("rules", NoRealEstate())]))
    app = client.flask.application
    before = row_counts(app, *TABLES)
    response = client.post("/projects", json=project_body(attributes={"kind": "房地产"}))
    assert response.status_code == 422
    assert response.json["errors"][0]["code"] == "project.real_estate"
    assert row_counts(app, *TABLES) == before


def test_hook_validate_project_sees_the_project_and_only_the_sent_fields_on_update(client_for):
    client = client_for(make_city(extra_plugins=[("rules", NoRealEstate())]))
    app = client.flask.application
    project = create_project(client)
    NoRealEstate.calls.clear()
    before = row_counts(app, *TABLES)
    response = client.patch(f"/projects/{project['id']}", json={"attributes": {"kind": "房地产"}})
    assert response.status_code == 422
    assert NoRealEstate.calls == [({"attributes": {"kind": "房地产"}}, project["id"])]
    assert row_counts(app, *TABLES) == before
    assert client.get(f"/projects/{project['id']}").json["attributes"] == {}


def test_hook_validate_project_also_checks_a_converted_lead(client_for):
    from tests.support.records import lead_body

    client = client_for(make_city(extra_plugins=[("rules", NoRealEstate())]))
    lead = client.post("/leads", json=lead_body()).json
    client.post(f"/leads/{lead['id']}/assign", json={"first_talk_unit": "east"})
    response = client.post(f"/leads/{lead['id']}/convert",
                           json={"amount": "1000", "attributes": {"kind": "房地产"}})
    assert response.status_code == 422
    assert client.get(f"/leads/{lead['id']}").json["status"] == "assigned"
