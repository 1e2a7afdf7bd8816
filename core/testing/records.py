"""Records made through the public API, and probes of what a request wrote.

``advance`` moves a project along the main line, filling the core's gates on the way, so a
test states only what it is about; ``add_funds`` reports a tranche and verifies it as the
office; ``row_counts`` and ``events_of`` show what a request wrote (or that it wrote nothing).
"""

from __future__ import annotations

import itertools
from typing import Any

import sqlalchemy as sa
from flask import Flask

from core.lifecycle import MAIN_LINE, Stage

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
