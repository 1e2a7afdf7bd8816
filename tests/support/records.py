"""Request bodies of the core's test city (``tests.support.cities``), and its figures data set.

The helpers that fit any city — ``advance``, ``fill_gates``, ``add_funds``, ``row_counts``,
``events_of`` … — are the core's public testing support (:mod:`core.testing.records`),
re-exported here for the core's own tests.
"""

from __future__ import annotations

from typing import Any

from core.credit_code import make_credit_code, organisation_check_character
from core.divisions import normalise_province
from core.testing.records import (  # noqa: F401 - re-exported for the core's own tests
    GATE_FILLERS,
    PAYER,
    STAGE_DATES,
    add_funds,
    advance,
    events_of,
    fill_gates,
    fund_body,
    item_ids,
    outbox_events,
    row_counts,
    verify_funds,
)

# 深圳市南山区, as the investor's default province (广东省) says: the credit code's division
# decides the investor's province (core.services.enterprises.derive_origin).
TEST_AREA = "440305"


def credit_code(serial: int, area: str = TEST_AREA) -> str:
    """A valid unified social credit code, different for every ``serial``."""
    body = f"TC{serial:06d}"
    return make_credit_code("91" + area + body + organisation_check_character(body))


def enterprise(serial: int, **overrides: Any) -> dict[str, Any]:
    """An out-of-province investor (the test city is in 甘肃省) with a valid code; another
    ``origin_province`` gets a code registered in that province (its ``XX0000`` division)."""
    province = normalise_province(overrides.get("origin_province") or "广东省")
    area = TEST_AREA if province in (None, "440000") else province
    body = {"name": f"测试投资{serial}号有限公司", "credit_code": credit_code(serial, area),
            "origin_province": "广东省"}
    return body | overrides


def lead_body(serial: int = 1, **overrides: Any) -> dict[str, Any]:
    body = {"title": f"新材料投资线索{serial}", "enterprise": enterprise(serial),
            "industry": "manufacturing", "intended_amount": "20000",
            "reporting_unit": "east", "channel": "fair", "reported_on": "2024-03-04"}
    return body | overrides


def project_body(serial: int = 1, **overrides: Any) -> dict[str, Any]:
    body = {"name": f"智能装备产业园项目{serial}", "enterprise": enterprise(serial),
            "industry": "manufacturing", "amount": "50000", "finding_unit": "east"}
    return body | overrides


def create_project(client: Any, serial: int = 1, **overrides: Any) -> dict[str, Any]:
    response = client.post("/projects", json=project_body(serial, **overrides))
    assert response.status_code == 201, response.json
    return response.json


def figures_projects(client: Any) -> dict[str, int]:
    """Three signed projects and one in reserve, over 2023 and 2024 (amounts in 万元).

    ============  =====  ===========  =======  =========  ==========  ===================
    project       unit   industry     channel  origin     signed      started / funds
    ============  =====  ===========  =======  =========  ==========  ===================
    1  60000      east   manufacturing fair    广东省     2024-03-01  2024-04-01 / 30000
    2  40000      west   agriculture  chain    甘肃省     2024-06-01  — / —
    3  50000      east   tourism      fair     广东省     2023-05-01  2023-06-01 / 10000 in 2024
    4  90000      east   (reserve)
    ============  =====  ===========  =======  =========  ==========  ===================

    For 2024: 2 signed for 100000, 1 started, 40000 arrived, 50000 signed a year before.
    """
    one = create_project(client, 1, amount="60000", channel="fair")["id"]
    advance(client, one, "started")
    add_funds(client, one, "30000", "2024-05-01")
    two = create_project(client, 2, amount="40000", industry="agriculture", channel="chain",
                         finding_unit="west", enterprise=enterprise(2, origin_province="甘肃省"))
    advance(client, two["id"], "signed", {"negotiating": "2024-05-01", "signed": "2024-06-01"})
    three = create_project(client, 3, amount="50000", industry="tourism", channel="fair")["id"]
    advance(client, three, "started",
            {"negotiating": "2023-04-01", "signed": "2023-05-01", "started": "2023-06-01"})
    add_funds(client, three, "10000", "2024-02-01")
    reserve = create_project(client, 4, amount="90000")["id"]
    return {"started": one, "signed": two["id"], "last_year": three, "reserve": reserve}
