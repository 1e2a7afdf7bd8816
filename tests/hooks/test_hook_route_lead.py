"""``route_lead``: the city chooses which unit judges a new lead."""

from __future__ import annotations

from core import hookimpl
from core.services.lookups import unit_by_code
from tests.support.cities import make_city
from tests.support.records import lead_body


class ByIndustry:
    @hookimpl
    def route_lead(self, city, lead, session):
        if lead.industry == "agriculture":
            return unit_by_code(session, "dept", "routed_to_unit")
        return None


def test_hook_route_lead_sends_a_lead_to_the_citys_unit(client_for):
    client = client_for(make_city(extra_plugins=[("groups", ByIndustry())]))
    routed = client.post("/leads", json=lead_body(industry="agriculture")).json
    assert routed["routed_to_unit"] == "dept"


def test_hook_route_lead_falls_back_to_the_office(client_for):
    client = client_for(make_city(extra_plugins=[("groups", ByIndustry())]))
    assert client.post("/leads", json=lead_body()).json["routed_to_unit"] == "office"
