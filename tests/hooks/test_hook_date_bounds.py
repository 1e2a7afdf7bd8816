"""``date_bounds``: a city names dates a stage date may not precede (422, both dates named)."""

from __future__ import annotations

import datetime as dt

from core import hookimpl
from core.policy import DateBound
from tests.support.cities import make_city
from tests.support.records import advance, create_project, fill_gates


class BoardMeeting:
    @hookimpl
    def date_bounds(self, city, project, field, session):
        if field == "signed_on":
            return [DateBound(dt.date(2024, 3, 10), "董事会决议日期", "city.board")]
        return None


def test_hook_date_bounds_refuses_a_signing_before_the_citys_date(client_for):
    client = client_for(make_city(extra_plugins=[("board", BoardMeeting())]))
    project = create_project(client)
    advance(client, project["id"], "negotiating")
    fill_gates(client, project["id"], "signed")
    response = client.post(f"/projects/{project['id']}/transitions",
                           json={"target": "signed", "occurred_on": "2024-03-01"})
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "occurred_on", "code": "city.board",
                                        "message": "签约日期 2024-03-01 不能早于董事会决议日期 2024-03-10"}]
    assert client.get(f"/projects/{project['id']}").json["stage"] == "negotiating"
    response = client.post(f"/projects/{project['id']}/transitions",
                           json={"target": "signed", "occurred_on": "2024-03-10"})
    assert response.status_code == 200
