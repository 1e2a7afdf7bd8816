"""``validate_lead``: a city refuses a lead with field problems (422), writing nothing."""

from __future__ import annotations

from decimal import Decimal

from core import hookimpl
from core.policy import FieldProblem
from tests.support.cities import make_city
from tests.support.records import lead_body, row_counts


class NeedsContact:
    seen: list = []

    @hookimpl
    def validate_lead(self, city, data, session):
        self.seen.append(data)
        if not data["attributes"].get("contact"):
            return [FieldProblem("attributes.contact", "lead.contact_missing", "请填写客商联系人")]
        return None


def test_hook_validate_lead_refuses_with_422_and_writes_nothing(client_for):
    client = client_for(make_city(extra_plugins=[("contact", NeedsContact())]))
    app = client.flask.application
    before = row_counts(app, "leads", "enterprises")
    response = client.post("/leads", json=lead_body())
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "rule_violation"
    assert response.json["errors"] == [{"field": "attributes.contact",
                                        "code": "lead.contact_missing",
                                        "message": "请填写客商联系人"}]
    assert row_counts(app, "leads", "enterprises") == before


def test_hook_validate_lead_receives_the_loaded_body(client_for):
    client = client_for(make_city(extra_plugins=[("contact", NeedsContact())]))
    NeedsContact.seen.clear()
    response = client.post("/leads", json=lead_body(attributes={"contact": "王经理"}))
    assert response.status_code == 201
    [data] = NeedsContact.seen
    assert data["intended_amount"] == Decimal("20000")  # loaded by the schema: exact
    assert data["reporting_unit"] == "east"
