"""``credited_unit``: a city credits another unit than the finding unit as a project's 招商方."""

from __future__ import annotations

from decimal import Decimal

from core import hookimpl
from core.policy import AssessmentScheme, Indicator
from tests.support.cities import make_city
from tests.support.records import advance, create_project

SIGNED = AssessmentScheme("signed", "签约考核", "year", ("district", "county"),
                          (Indicator("amount", "签约额", "signed_amount", Decimal(100)),))


class IntroducedByWest:
    """Every project flagged ``attributes.west_introduced`` is credited to 西县 (``west``)."""

    @hookimpl
    def credited_unit(self, city, projects, session):
        from core.models import Unit

        west = session.query(Unit).filter_by(code="west").one()
        return {p.id: west.id for p in projects if (p.attributes or {}).get("west_introduced")}

    @hookimpl
    def assessment_schemes(self, city):
        return [SIGNED]


def test_hook_credited_unit_moves_the_finding_units_credit_in_assessments_only(client_for):
    client = client_for(make_city(extra_plugins=[("introduced", IntroducedByWest())]))
    moved = create_project(client, 1, finding_unit="east", attributes={"west_introduced": True})
    kept = create_project(client, 2, finding_unit="east")
    for project in (moved, kept):
        advance(client, project["id"], "signed", {"signed": "2024-05-01"})
    run = client.post("/assessments/runs", json={"scheme": "signed", "period": "2024"}).json
    rows = {r["unit"]: r for r in client.get(f"/assessments/runs/{run['id']}/ranking").json["rows"]}
    assert Decimal(rows["west"]["values"]["signed_amount"]) == Decimal(50000)
    assert Decimal(rows["east"]["values"]["signed_amount"]) == Decimal(50000)
    # The city's own figures keep the finding unit.
    stats = client.get("/stats?from=2024-01-01&to=2024-12-31&group_by=unit").json
    assert Decimal({g["key"]: g for g in stats["groups"]}["east"]["signed_amount"]) == Decimal(100000)
