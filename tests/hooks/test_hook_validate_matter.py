"""The ``validate_matter`` hook: a plugin's field problems refuse a matter and write nothing."""

from __future__ import annotations

from core import hookimpl
from core.policy import FieldProblem
from tests.support.cities import make_city
from tests.support.records import create_project, row_counts


class OnlyLand:
    """Takes up land matters only, naming the project it saw."""

    @hookimpl
    def validate_matter(self, city, data, project, session):
        if data["kind"] != "land":
            return [FieldProblem("kind", "test.only_land", f"项目“{project.name}”只受理土地事项")]
        return None


def matter_body(project_id: int, kind: str) -> dict:
    return {"project_id": project_id, "kind": kind, "title": "用地指标", "request": "请求协调用地指标",
            "owner_unit": "east"}


def test_a_problem_refuses_the_matter_with_422_and_writes_nothing(client_for):
    client = client_for(make_city(extra_plugins=[("only_land", OnlyLand())]))
    project = create_project(client)
    before = row_counts(client.flask.application, "matters")
    response = client.post("/matters", json=matter_body(project["id"], "finance"))
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "kind", "code": "test.only_land",
                                         "message": f"项目“{project['name']}”只受理土地事项"}]
    assert row_counts(client.flask.application, "matters") == before
    assert client.post("/matters", json=matter_body(project["id"], "land")).status_code == 201


def test_without_an_implementation_every_kind_is_accepted(client):
    project = create_project(client)
    assert client.post("/matters", json=matter_body(project["id"], "finance")).status_code == 201
