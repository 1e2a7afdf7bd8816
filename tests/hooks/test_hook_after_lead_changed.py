"""``after_lead_changed``: a plugin hears what judging or converting a lead changed, in the
write's transaction, and can refuse the write."""

from __future__ import annotations

import datetime as dt

from core import hookimpl
from core.problems import Problem
from tests.support.cities import make_city
from tests.support.records import lead_body, row_counts


class Listener:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    @hookimpl
    def after_lead_changed(self, city, lead, changes, actor, session):
        self.calls.append((lead.id, changes, actor))


class NoConversion:
    @hookimpl
    def after_lead_changed(self, changes):
        if changes.get("status", (None, None))[1] == "converted":
            raise Problem(409, "lead.frozen", "操作被拒绝", "本市暂停线索转项目")


def test_hook_after_lead_changed_once_per_judgement_and_conversion(client_for):
    listener = Listener()
    client = client_for(make_city(extra_plugins=[("listener", listener)]))
    lead = client.post("/leads", json=lead_body()).json
    assert client.post(f"/leads/{lead['id']}/assign",
                       json={"first_talk_unit": "west"}).status_code == 200
    [(lead_id, changes, actor)] = listener.calls
    assert (lead_id, actor) == (lead["id"], "officer1")
    assert set(changes) == {"status", "first_talk_unit", "assigned_on"}
    assert (changes["status"], changes["first_talk_unit"]) == (("reported", "assigned"),
                                                                (None, "west"))
    assert changes["assigned_on"][0] is None and isinstance(changes["assigned_on"][1], dt.date)
    # Naming the same unit again changes nothing.
    client.post(f"/leads/{lead['id']}/assign", json={"first_talk_unit": "west"})
    assert len(listener.calls) == 1

    project = client.post(f"/leads/{lead['id']}/convert", json={"amount": "80000"}).json
    assert listener.calls[1] == (lead["id"], {"status": ("assigned", "converted"),
                                              "project_id": (None, project["id"])}, "officer1")
    assert client.post(f"/leads/{lead['id']}/reject",
                       json={"reason": "投资主体信息不实"}).status_code == 409
    assert len(listener.calls) == 2

    other = client.post("/leads", json=lead_body(2)).json
    assert client.post(f"/leads/{other['id']}/reject",
                       json={"reason": "投资主体信息不实"}).status_code == 200
    assert listener.calls[2] == (other["id"], {"status": ("reported", "rejected"),
                                               "rejected_reason": (None, "投资主体信息不实")},
                                 "officer1")


def test_hook_after_lead_changed_raising_refuses_the_conversion(client_for):
    client = client_for(make_city(extra_plugins=[("frozen", NoConversion())]))
    app = client.flask.application
    lead = client.post("/leads", json=lead_body()).json
    client.post(f"/leads/{lead['id']}/assign", json={"first_talk_unit": "west"})
    before = row_counts(app, "projects", "project_changes", "leads")
    response = client.post(f"/leads/{lead['id']}/convert", json={"amount": "80000"})
    assert (response.status_code, response.json["detail"]) == (409, "本市暂停线索转项目")
    assert row_counts(app, "projects", "project_changes", "leads") == before
    body = client.get(f"/leads/{lead['id']}").json
    assert (body["status"], body.get("project_id")) == ("assigned", None)
