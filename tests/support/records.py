"""Request bodies and database probes shared by the API and hook tests.

Bodies are plain dicts a clerk would send; ``advance`` moves a project along the
main line through the public API, filling the core's gates on the way, so a test
states only what it is about.
"""

from __future__ import annotations

import itertools
from typing import Any

import sqlalchemy as sa
from flask import Flask

from core.credit_code import make_credit_code, organisation_check_character
from core.divisions import normalise_province
from core.lifecycle import MAIN_LINE, Stage

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


# What the core's gates need before each stage, as API calls.
GATE_FILLERS: dict[Stage, list[tuple[str, str, dict[str, Any]]]] = {
    Stage.SIGNED: [("PATCH", "", {"agreement_amount": "50000"}),
                   ("PUT", "/milestones", {"kind": "start", "planned_on": "2024-06-01"})],
    Stage.STARTED: [("PUT", "/milestones", {"kind": "completion", "planned_on": "2025-06-01"})],
    Stage.COMPLETED: [("PUT", "/milestones", {"kind": "completion", "planned_on": "2025-06-01",
                                              "actual_on": "2024-10-30"}),
                      ("PUT", "/milestones", {"kind": "production", "planned_on": "2025-07-01"})],
}
STAGE_DATES = {Stage.NEGOTIATING: "2024-02-01", Stage.SIGNED: "2024-03-01",
               Stage.STARTED: "2024-04-01", Stage.COMPLETED: "2024-11-01"}


def create_project(client: Any, serial: int = 1, **overrides: Any) -> dict[str, Any]:
    response = client.post("/projects", json=project_body(serial, **overrides))
    assert response.status_code == 201, response.json
    return response.json


def fill_gates(client: Any, project_id: int, stage: str) -> None:
    """Give a project what the core's gates require before ``stage``."""
    for method, suffix, payload in GATE_FILLERS.get(Stage(stage), []):
        response = client.request(method, f"/projects/{project_id}{suffix}", json=payload)
        assert response.status_code == 200, response.json


def advance(client: Any, project_id: int, stage: str,
            dates: dict[str, str] | None = None) -> dict[str, Any]:
    """Fill the core gates and move a project along the main line to ``stage``."""
    target = Stage(stage)
    body: dict[str, Any] = client.get(f"/projects/{project_id}").json
    current = MAIN_LINE.index(Stage(body["stage"]))
    for step in MAIN_LINE[current + 1:MAIN_LINE.index(target) + 1]:
        fill_gates(client, project_id, step)
        on = (dates or {}).get(step.value, STAGE_DATES[step])
        response = client.post(f"/projects/{project_id}/transitions",
                               json={"target": step.value, "occurred_on": on})
        assert response.status_code == 200, response.json
        body = response.json
    return body


def row_counts(app: Flask, *tables: str) -> dict[str, int]:
    """Rows in each table (``outbox`` always included): compare before and after a request."""
    engine = app.extensions["zhaoshang"].engine
    names = sorted({"outbox", *tables})
    with engine.connect() as connection:
        return {name: connection.scalar(sa.text(f"SELECT count(*) FROM {name}"))  # noqa: S608
                for name in names}


def outbox_events(app: Flask) -> list[Any]:
    """Every outbox row, in publishing order."""
    from core.models import OutboxEvent

    sessions = app.extensions["zhaoshang"].sessions
    with sessions() as session:
        return list(session.scalars(sa.select(OutboxEvent).order_by(OutboxEvent.position)))


def events_of(app: Flask, event_type: str) -> list[Any]:
    """The outbox rows of one type (``zhaoshang.lead.reported`` …), oldest first.

    Other mechanisms (warnings …) may add their own events to the same transaction,
    so tests pick the events they are about by type.
    """
    return [event for event in outbox_events(app) if event.type == event_type]


def item_ids(client: Any, path: str) -> list[int]:
    """The ids of one page of a list (``/leads?status=assigned``), in the order served."""
    response = client.get(path)
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


_EVIDENCE = itertools.count(1)
PAYER = "测试投资集团有限公司"


def fund_body(project_id: int, amount: str, arrived_on: str, **overrides: Any) -> dict[str, Any]:
    """A tranche as a clerk reports it: a payer and an evidence reference used nowhere else."""
    body = {"arrived_on": arrived_on, "amount": amount, "payer_name": PAYER,
            "evidence_ref": f"YH-{project_id}-{arrived_on}-{next(_EVIDENCE):05d}"}
    return body | overrides


def verify_funds(client: Any, project_id: int, fund_id: int, verification: str = "verified",
                 **body: Any) -> Any:
    """The office's verification of a tranche (the response, whatever its status)."""
    return client.post(f"/projects/{project_id}/funds/{fund_id}/verification",
                       json={"verification": verification} | body)


def add_funds(client: Any, project_id: int, amount: str, arrived_on: str,
              verified: bool = True, **overrides: Any) -> dict[str, Any]:
    """Report one tranche of arrived funds and, unless ``verified`` is false, verify it as the
    office (only verified funds count in figures, assessments and rewards), confirming it if it
    is over the agreement."""
    response = client.post(f"/projects/{project_id}/funds",
                           json=fund_body(project_id, amount, arrived_on, **overrides))
    assert response.status_code == 201, response.json
    if not verified:
        return response.json
    # A test's tranche over the agreement is one the office confirms (its figures need it).
    confirm = {"confirm_over_agreement": True, "reason": "测试数据：经核实确认"} \
        if response.json["over_agreement"] else {}
    checked = verify_funds(client, project_id, response.json["id"], **confirm)
    assert checked.status_code == 200, checked.json
    return checked.json


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
