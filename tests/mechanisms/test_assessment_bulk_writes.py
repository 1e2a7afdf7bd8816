"""An assessment run writes its results in bulk: the number of INSERT statements a run issues
does not grow with the number of units assessed (a city assesses hundreds of units), and the
results are those of one row per unit, in ranking order, each with its adjustment items."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from core import hookimpl
from core.policy import Adjustment, AssessmentScheme, Indicator
from tests.support.cities import TEST_CITY, make_city
from tests.support.records import advance, create_project

D = Decimal
SCHEME = AssessmentScheme(
    code="bulk", name="批量考核", period="month", unit_kinds=("county",),
    indicators=(Indicator("signed", "签约总额", "signed_amount", points=D(60)),
                Indicator("leads", "报送线索", "leads_reported", points=D(40), target=D(2))),
    adjustment_cap=D(3))


class BulkPlugin:
    """One scheme over the counties, and one bonus item for every county."""

    @hookimpl
    def assessment_schemes(self, city):
        return [SCHEME]

    @hookimpl
    def assessment_adjustments(self, city, context):
        return [Adjustment(code, D(1), "加分", "市招商局") for code in context.unit_codes]


def city_with_counties(count: int):
    counties = [{"code": f"c{n:03d}", "name": f"第{n}县", "kind": "county"} for n in range(count)]
    return make_city(extra_plugins=[("test_bulk", BulkPlugin())],
                     units=[*TEST_CITY["units"], *counties])


def inserts_of_a_run(client) -> tuple[dict[str, int], dict]:
    """The run's INSERT statements per table, and the run as the API returned it."""
    engine = client.flask.application.extensions["zhaoshang"].engine
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.post("/assessments/runs", json={"scheme": "bulk", "period": "2024-03"})
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 201, response.json
    inserts: dict[str, int] = {}
    for statement in statements:
        words = statement.split()
        if words[0].upper() == "INSERT":
            table = words[2].strip('"')
            inserts[table] = inserts.get(table, 0) + 1
    return inserts, response.json


@pytest.mark.parametrize("counties", [3, 120])
def test_a_run_writes_its_results_in_a_bounded_number_of_inserts(client_for, counties):
    client = client_for(city_with_counties(counties))
    project = create_project(client, 1, finding_unit="west", amount="50000")
    advance(client, project["id"], "signed", {"signed": "2024-03-01"})
    inserts, run = inserts_of_a_run(client)
    # One statement for the run, one for all its results, one for all its adjustment items
    # and one for its event — whatever the number of units.
    assert inserts == {"assessment_runs": 1, "assessment_results": 1,
                       "assessment_adjustments": 1, "outbox": 1}
    rows = client.get(f"/assessments/runs/{run['id']}/ranking").json["rows"]
    assert len(rows) == counties + 1  # the test city's own county, west, and the added ones
    assert rows[0]["unit"] == "west" and rows[0]["rank"] == 1
    assert rows[0]["points"] == {"signed": "60.00", "leads": "0.00"}
    assert rows[0]["total"] == "61.0000"
    assert [row["rank"] for row in rows[1:]] == [2] * counties  # all tied at the bonus point
    assert all(row["total"] == "1.0000" for row in rows[1:])
    assert all(len(row["adjustments"]) == 1 for row in rows)
