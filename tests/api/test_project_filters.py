"""The project list's filters (``core.api.project_filters``): each one, alone and combined,
sorted and paged, lists exactly the projects a plain reading of the records says it should.

The list's statements are built once per set of filters and sort, their values bound per
request: so each shape is asked for with two different values in a row, and each must list
its own projects (a statement kept with the first request's values would fail the second).
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from core.api import project_filters
from core.api.support import EXTENSION
from core.models import Project, Unit
from core.testing.http import ApiClient
from tests.api.test_project_rows import DAY, add_varied_projects
from tests.support.cities import make_city


@pytest.fixture
def listed(app_for):
    app = app_for(make_city())
    add_varied_projects(app)
    with app.extensions[EXTENSION].sessions() as session:
        projects = session.scalars(sa.select(Project).order_by(Project.id)).all()
        codes = {unit.id: unit.code for unit in session.scalars(sa.select(Unit))}
        records = [{
            "id": project.id, "stage": project.stage, "industry": project.industry,
            "enterprise_id": project.enterprise_id, "out_of_province": project.out_of_province,
            "leader": project.leader_name, "channel": project.channel,
            "signed_on": project.signed_on, "started_on": project.started_on,
            "tiers": list(project.tiers), "amount": project.amount,
            "units": {codes[project.finding_unit_id], codes[project.host_unit_id]}}
            for project in projects]
    return ApiClient(app.test_client()), records


def ids(client, query: str) -> list[int]:
    response = client.get(f"/projects?per_page=100&{query}")
    assert response.status_code == 200, response.json
    assert response.json["total"] == len(response.json["items"])
    return [item["id"] for item in response.json["items"]]


# Every signed project was signed on DAY (and started on it): a bound a day either side of it
# lists all of them or none, which tells a "from" from a "to".
EARLIER, LATER = DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1)


def cases(records):
    """(query, which records it lists) pairs: two values for each filter."""
    first_unit, other_unit = sorted(set().union(*(record["units"] for record in records)))[:2]
    investor = records[1]["enterprise_id"]
    return [
        ("stage=signed", lambda r: r["stage"] == "signed"),
        ("stage=lost", lambda r: r["stage"] == "lost"),
        ("industry=manufacturing", lambda r: r["industry"] == "manufacturing"),
        ("industry=tourism", lambda r: r["industry"] == "tourism"),
        (f"enterprise_id={investor}", lambda r: r["enterprise_id"] == investor),
        (f"enterprise_id={investor + 1}", lambda r: r["enterprise_id"] == investor + 1),
        ("out_of_province=true", lambda r: r["out_of_province"] is True),
        ("out_of_province=false", lambda r: r["out_of_province"] is False),
        ("out_of_province=unknown", lambda r: r["out_of_province"] is None),
        ("leader=%20副市长%20", lambda r: r["leader"] == "副市长"),
        ("leader=市长", lambda r: r["leader"] == "市长"),
        ("channel=fair", lambda r: r["channel"] == "fair"),
        ("channel=other", lambda r: r["channel"] == "other"),
        (f"signed_from={DAY}", lambda r: r["signed_on"] is not None and r["signed_on"] >= DAY),
        (f"signed_from={LATER}", lambda r: r["signed_on"] is not None and r["signed_on"] >= LATER),
        (f"signed_to={DAY}", lambda r: r["signed_on"] is not None and r["signed_on"] <= DAY),
        (f"signed_to={EARLIER}", lambda r: False),
        (f"started_from={DAY}", lambda r: r["started_on"] is not None and r["started_on"] >= DAY),
        (f"started_from={LATER}", lambda r: False),
        (f"started_to={LATER}", lambda r: r["started_on"] is not None and r["started_on"] <= LATER),
        (f"started_to={EARLIER}", lambda r: False),
        ("tier=major", lambda r: "major" in r["tiers"]),
        ("tier=key", lambda r: "key" in r["tiers"]),
        ("tier=%25", lambda r: "%" in r["tiers"]),  # a wildcard is looked for as typed
        (f"unit={first_unit}", lambda r: first_unit in r["units"]),
        (f"unit={other_unit}", lambda r: other_unit in r["units"]),
        ("stage=signed&out_of_province=false", lambda r: r["stage"] == "signed"
         and r["out_of_province"] is False),
        ("stage=started&tier=key&unit=nobody", lambda r: False),
    ]


def test_each_filter_lists_what_the_records_say_with_each_value_bound_per_request(listed):
    client, records = listed
    for query, wanted in cases(records):
        assert ids(client, query) == [r["id"] for r in records if wanted(r)], query
    # Asked again in the other order: each shape's statement was built once, by whichever
    # value came first.
    for query, wanted in reversed(cases(records)):
        assert ids(client, query) == [r["id"] for r in records if wanted(r)], query
    assert any(ids(client, query) for query, _ in cases(records))


def test_a_shape_is_built_once_and_its_statements_are_reused(listed):
    client, _ = listed
    project_filters.list_statements.cache_clear()
    for stage in ("signed", "lost", "reserve"):
        ids(client, f"stage={stage}&sort=-amount")
    info = project_filters.list_statements.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_sorted_and_paged_the_pages_follow_on(listed):
    client, records = listed
    by_amount = [r["id"] for r in sorted(records, key=lambda r: (-r["amount"], r["id"]))]
    pages = []
    for number in (1, 2, 3):
        response = client.get(f"/projects?per_page=3&page={number}&sort=-amount")
        assert response.status_code == 200, response.json
        assert response.json["total"] == len(records)
        assert response.json["page"] == number and response.json["per_page"] == 3
        pages += [item["id"] for item in response.json["items"]]
    assert pages == by_amount


def test_a_search_ranks_then_lists_the_newest_first_and_takes_the_other_filters(listed):
    client, records = listed
    app = client.flask.application
    with app.extensions[EXTENSION].sessions() as session:  # ties on rank and on updated_at
        session.execute(sa.update(Project).values(updated_at=dt.datetime(2024, 5, 6, 8)))
        session.commit()
    everyone = sorted((r["id"] for r in records), reverse=True)
    assert ids(client, "q=行读项目") == everyone
    signed = sorted((r["id"] for r in records if r["stage"] == "signed"), reverse=True)
    assert len(signed) == 2 and ids(client, "q=行读项目&stage=signed") == signed
    by_amount = [r["id"] for r in sorted(records, key=lambda r: (r["amount"], r["id"]))]
    assert ids(client, "q=行读项目&sort=amount") == by_amount
    assert ids(client, "q=不存在的项目名") == []
