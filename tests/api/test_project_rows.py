"""The project list read as rows (``core.api.project_rows``) answers, to the byte, what
``ProjectSchema`` dumps of the ORM records, in the core's test city and in every built-in
city (their vocabularies label the channels; their attributes are their own)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import jsonify

from core.api.projects import PROJECT_LOADS
from core.api.support import EXTENSION, dumper
from core.models import Enterprise, FundTranche, Milestone, Project, Transfer, Unit
from core.models.enterprises import ENTERPRISE_TAGS
from core.schemas.projects import ProjectSchema
from core.testing.cities import built_in_city
from core.testing.http import ApiClient
from tests.support.cities import make_city

DAY = dt.date(2024, 5, 6)
ATTRIBUTES = [{}, {"energy_review": "通过", "ratio": "1.50", "nested": {"list": [1, "二", None]},
                   "flag": True, "deadline": "2025-06-30"}, {"responsible_unit": None}]


def add_varied_projects(app) -> None:
    """Projects in every stage and province state, with and without funds (verified, pending,
    rejected), milestones (planned, done), a transfer to another host, tiers and attributes."""
    with app.extensions[EXTENSION].sessions() as session:
        units = session.scalars(sa.select(Unit).order_by(Unit.id)).all()
        for serial, stage in enumerate(["reserve", "negotiating", "signed", "started", "completed",
                                        "signed", "lost"]):
            finding, host = units[serial % len(units)], units[(serial * 3 + 1) % len(units)]
            investor = Enterprise(name=f"行读企业{serial}", normalized_name=f"行读企业{serial}",
                                  credit_code=f"91620100MA7{serial:07d}" if serial % 2 else None,
                                  origin_province=("甘肃省", None, "四川省")[serial % 3],
                                  province_code=("620000", None, "510000")[serial % 3],
                                  tags=list(ENTERPRISE_TAGS[:serial % 3]))
            project = Project(
                name=f"行读项目{serial}", enterprise=investor, industry=(None, "manufacturing")[serial % 2],
                amount=Decimal("1234.5678") + serial, stage=stage, finding_unit=finding, host_unit=host,
                tiers=[[], ["major"], ["major", "key"]][serial % 3],
                attributes=ATTRIBUTES[serial % len(ATTRIBUTES)],
                channel=("fair", "other", "not_a_listed_channel")[serial % 3],
                out_of_province=(True, False, None)[serial % 3],
                signed_on=DAY if stage != "reserve" else None,
                started_on=DAY if stage in ("started", "completed") else None,
                completed_on=DAY if stage == "completed" else None,
                lost_on=DAY if stage == "lost" else None,
                agreement_amount=Decimal("5000.0001") if serial % 2 else None,
                leader_name=("副市长", None)[serial % 2], last_progress_on=DAY if serial % 2 else None,
                progress_note=("设备进场", None)[serial % 2], description=("说明", None)[serial % 2])
            session.add(project)
            for number in range(serial % 4):
                session.add(FundTranche(
                    project=project, arrived_on=DAY + dt.timedelta(days=number),
                    amount=Decimal("10.0001") * (number + 1), evidence_ref=f"RR{serial}-{number}",
                    evidence_key=f"rr{serial}-{number}",
                    verification=("verified", "pending", "rejected")[number % 3]))
            if serial % 3:
                session.add(Milestone(project=project, kind="start", planned_on=DAY,
                                      actual_on=DAY if serial % 2 else None))
                session.add(Milestone(project=project, kind="completion", planned_on=DAY.replace(year=2030)))
            if finding is not host:
                session.add(Transfer(project=project, from_unit=finding, to_unit=host,
                                     indicator_share_from=Decimal("0.4"), tax_share_from=Decimal("0.3"),
                                     indicator_sharing_from="signing", tax_sharing_from="first_tax",
                                     agreed_on=DAY, actor="office"))
        session.commit()


def the_same_answer(app) -> None:
    add_varied_projects(app)
    client = ApiClient(app.test_client())
    for path, order in (("/projects?per_page=50", Project.id),
                        ("/projects?per_page=3&page=2&sort=-amount", (Project.amount.desc(), Project.id))):
        response = client.get(path)
        assert response.status_code == 200, response.json
        order = order if isinstance(order, tuple) else (order,)
        page, per_page = (2, 3) if "page=2" in path else (1, 50)
        with app.test_request_context(), app.extensions[EXTENSION].sessions() as session:
            records = session.scalars(sa.select(Project).options(*PROJECT_LOADS).order_by(*order)
                                      .limit(per_page).offset((page - 1) * per_page)).unique().all()
            for record in records:  # the ORM relationship has no order; the rows read by id
                record.milestones.sort(key=lambda milestone: milestone.id)
            total = session.scalar(sa.select(sa.func.count(Project.id)))
            expected = jsonify({"items": dumper(ProjectSchema, many=True).dump(records),
                                "total": total, "page": page, "per_page": per_page}).get_data()
        assert response.get_data() == expected
    items = client.get("/projects?per_page=50").json["items"]
    assert {item["arrived_amount"] for item in items} >= {"0.0000", "10.0001"}
    assert {item["arrived_pending_amount"] for item in items} >= {"0.0000", "20.0002"}
    assert any(item["milestones"] for item in items) and any(item["attributes"] for item in items)


def test_the_core_city_lists_what_the_schema_dumps(app_for):
    the_same_answer(app_for(make_city()))


@pytest.mark.parametrize("code", ["lanzhou", "ziyang", "sanming", "changsha", "pingliang"])
def test_each_city_lists_what_the_schema_dumps(app_for, code):
    the_same_answer(app_for(built_in_city(code)))
