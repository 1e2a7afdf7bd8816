"""What a request costs in SQL statements: lists and reads never grow with their rows, a write
recomputes only its own record's warnings (``docs/mechanisms.md``, "A lean request path")."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.api.support import EXTENSION
from core.models import Enterprise, FundTranche, Lead, Milestone, OutboxEvent, Project, Unit
from tests.support.records import lead_body, project_body

OLD = dt.date(2024, 3, 1)  # well before any test day: milestones overdue, progress stale


@contextlib.contextmanager
def statements(app) -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs."""
    engine = app.extensions[EXTENSION].engine
    sent: list[str] = []

    def note(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        sent.append(statement)

    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)


def add_projects(app, count: int, funds: int = 2, stage: str = "signed", batch: str = "a"
                 ) -> list[int]:
    """``count`` signed projects, each with ``funds`` tranches and start and completion dates,
    half of them hosted by another unit than the one that found them."""
    with app.extensions[EXTENSION].sessions() as session:
        units = {unit.code: unit for unit in session.scalars(sa.select(Unit))}
        projects = []
        for serial in range(count):
            name = f"成本测试企业{batch}{serial}"
            investor = Enterprise(name=name, normalized_name=name)
            project = Project(name=f"成本测试项目{serial}", enterprise=investor,
                              industry="manufacturing", amount=Decimal(1000 + serial),
                              finding_unit=units["east"], host_unit=units[("east", "west")[serial % 2]],
                              stage=stage, tiers=[], attributes={}, signed_on=OLD,
                              agreement_amount=Decimal(5000), last_progress_on=OLD)
            session.add(project)
            for number in range(funds):
                session.add(FundTranche(
                    project=project, arrived_on=OLD + dt.timedelta(days=number), amount=Decimal(10),
                    evidence_ref=f"RC{batch}{serial}-{number}", evidence_key=f"rc{batch}{serial}-{number}",
                    verification=("pending", "verified")[number % 2]))
            session.add(Milestone(project=project, kind="start", planned_on=OLD))
            session.add(Milestone(project=project, kind="completion", planned_on=OLD.replace(year=2030)))
            projects.append(project)
        session.commit()
        return [project.id for project in projects]


def add_leads(app, count: int) -> None:
    """``count`` leads routed to the office, every other one assigned to a unit."""
    with app.extensions[EXTENSION].sessions() as session:
        units = {unit.code: unit for unit in session.scalars(sa.select(Unit))}
        for serial in range(count):
            assigned = serial % 2 == 1
            session.add(Lead(
                title=f"成本测试线索{serial}", channel="fair", reported_on=OLD, attributes={},
                enterprise=Enterprise(name=f"线索企业{serial}", normalized_name=f"线索企业{serial}"),
                reporting_unit=units[("east", "west")[serial % 2]], routed_to_unit=units["office"],
                first_talk_unit=units["park"] if assigned else None,
                status="assigned" if assigned else "reported", first_talk_due=OLD))
        session.commit()


def cost(app, client, path: str) -> int:
    with statements(app) as sent:
        response = client.get(path)
    assert response.status_code == 200, response.json
    return len(sent)


def test_the_project_list_costs_the_same_statements_for_5_or_50_rows(app, client):
    add_projects(app, 50)
    small, large = cost(app, client, "/projects?per_page=5"), cost(app, client, "/projects?per_page=50")
    # The count, the page (its investor's columns and the units' codes joined: rows, not ORM
    # records, core.api.project_rows), the page's milestones and funds (one UNION ALL).
    assert small == large == 3
    with statements(app) as sent:
        page = client.get("/projects?per_page=50").json["items"]
    # Only what the list dumps: no unit column but the codes, nothing the response leaves out.
    assert not [statement for statement in sent
                if "designated_industries" in statement or "evidence_key" in statement]
    assert len(page) == 50
    # What the eager loads feed is what the lazy loads fed: verified funds only, every milestone.
    assert {p["arrived_amount"] for p in page} == {"10.0000"}
    assert {p["arrived_pending_amount"] for p in page} == {"10.0000"}
    assert {len(p["milestones"]) for p in page} == {2}
    assert {p["host_unit"] for p in page} == {"east", "west"}


def test_the_project_lists_total_counts_projects_without_joining_their_investors(app, client):
    add_projects(app, 12)
    with statements(app) as sent:
        page = client.get("/projects?per_page=5").json
    counts = [statement for statement in sent if "count(" in statement.lower()]
    # One count, over the projects alone, as the bare app's: every project has one investor,
    # so joining them (5,000 on the benchmark) changes nothing but the time it takes.
    assert len(counts) == 1 and "JOIN" not in counts[0].upper(), counts
    assert page["total"] == 12 and len(page["items"]) == 5
    assert client.get("/projects?per_page=5&stage=signed").json["total"] == 12
    assert client.get("/projects?per_page=5&stage=started").json["total"] == 0
    # Filters that read the investor (search by its name) still count the same projects.
    searched = client.get("/projects?per_page=5&q=成本测试企业a1").json
    assert searched["total"] == len(searched["items"]) == 3  # 企业a1, a10, a11
    assert {item["enterprise"]["name"] for item in searched["items"]} == {
        "成本测试企业a1", "成本测试企业a10", "成本测试企业a11"}


def test_stats_cost_one_statement_for_5_or_50_projects(app, client):
    path = "/stats?from=2024-01-01&to=2024-12-31"
    add_projects(app, 5)
    few = cost(app, client, path)
    add_projects(app, 45, batch="b")
    # The figures in one statement (core.figure_queries.city_stats), whatever the projects.
    assert cost(app, client, path) == few == 1
    assert client.get(path).json["total"]["signed_count"] == "50"


def test_a_project_costs_the_same_statements_whatever_its_funds(app, client):
    few, many = add_projects(app, 1, funds=1)[0], add_projects(app, 1, funds=20, batch="b")[0]
    assert cost(app, client, f"/projects/{few}") == cost(app, client, f"/projects/{many}")
    detail = client.get(f"/projects/{many}")
    assert detail.json["arrived_amount"] == "100.0000"
    assert detail.headers["ETag"] == f'"project-{many}-1"'


def test_the_lead_list_costs_the_same_statements_for_5_or_50_rows(app, client):
    add_leads(app, 50)
    small, large = cost(app, client, "/leads?per_page=5"), cost(app, client, "/leads?per_page=50")
    assert small == large == 2  # the count and the page, its units joined
    page = client.get("/leads?per_page=50").json["items"]
    assert {lead["routed_to_unit"] for lead in page} == {"office"}
    assert {lead["first_talk_unit"] for lead in page} == {"park", None}


def test_a_searched_lead_page_is_cut_before_its_units_are_joined(app, client):
    # A search may match every lead and is sorted by its ranking: the database sorts the
    # matches' keys alone, and only the page's leads are joined to their units.
    add_leads(app, 50)
    with statements(app) as sent:
        page = client.get("/leads?q=成本测试&per_page=5&page=2").json
    assert len(sent) == 3, sent  # the count, the page's keys, the page's leads
    assert "JOIN" not in sent[0].upper(), sent[0]  # the investors only the ranking reads
    keys = sent[1]
    assert "units" not in keys.lower() and "intermediaries" not in keys.lower(), keys
    assert cost(app, client, "/leads?q=成本测试&per_page=50") == 3
    # The page is the ranking's second page, in its order, each lead with its units.
    whole = client.get("/leads?q=成本测试&per_page=50").json["items"]
    assert page["total"] == 50
    assert [lead["id"] for lead in page["items"]] == [lead["id"] for lead in whole[5:10]]
    assert page["items"] == whole[5:10]
    assert {lead["routed_to_unit"] for lead in whole} == {"office"}
    assert {lead["first_talk_unit"] for lead in whole} == {"park", None}


def test_a_lead_report_stays_within_its_statements_and_raises_its_own_warning(app, client):
    add_leads(app, 30)  # other overdue leads: a report never recomputes them
    # The first report of the process looks its units up (the reporting unit, the office it
    # is routed to); later ones know their ids (core.services.lookups.unit_with_code).
    assert client.post("/leads", json=lead_body(2), as_=("clerk", "east")).status_code == 201
    flushes: list[int] = []

    def note_flush(session, context, instances):  # type: ignore[no-untyped-def]
        flushes.append(len(session.new))

    sa.event.listen(Session, "before_flush", note_flush)
    try:
        with statements(app) as sent:
            response = client.post("/leads", json=lead_body(1), as_=("clerk", "east"))
    finally:
        sa.event.remove(Session, "before_flush", note_flush)
    assert response.status_code == 201, response.json
    # No flush writes anything: the investor, the lead, the warning and the events are new
    # rows, each written by its own INSERT … RETURNING (core.direct_inserts) — a flush costs
    # ~0.3 ms of CPU in the unit of work whatever it writes.
    assert not any(flushes), flushes
    # 3 for the lead: the investor (one match, one insert — a new investor has no earlier lead
    # to look for) and the lead itself (routed and dated in its INSERT: no UPDATE); 1 for the
    # warning its late report deserves; 1 for both events, in one multi-row INSERT (SQLite's
    # driver gets one each: its insertmanyvalues sends a row a statement with RETURNING).
    # Nothing re-reads the lead or looks for warnings a lead reported just now cannot have.
    outbox = 1 if app.extensions[EXTENSION].engine.dialect.name == "postgresql" else 2
    assert len(sent) == 4 + outbox, sent
    assert len([statement for statement in sent if "INTO outbox" in statement]) == outbox
    assert not [statement for statement in sent if "FROM units" in statement]
    assert response.json["reporting_unit"] == "east" and response.json["routed_to_unit"] == "office"
    assert not [statement for statement in sent if statement.lstrip().startswith("UPDATE")]
    assert client.get(f"/leads/{response.json['id']}").json["version"] == 1
    warnings = client.get("/warnings?per_page=100").json["items"]
    assert [(w["subject_type"], w["subject_id"], w["rule_code"], w["unit"])
            for w in warnings if w["subject_id"] == response.json["id"]] == [
        ("lead", response.json["id"], "first_talk_overdue", "office")]
    # The events name the lead's and the warning's ids, the lead's first (the relay publishes
    # in outbox order).
    with app.extensions[EXTENSION].sessions() as session:
        events = [(event.type, event.data) for event in session.scalars(sa.select(
            OutboxEvent).order_by(OutboxEvent.position.desc()).limit(2)).all()[::-1]]
    warning_id = next(w["id"] for w in warnings if w["subject_id"] == response.json["id"])
    assert [(type_, data.get("lead_id"), data.get("warning_id")) for type_, data in events] == [
        ("zhaoshang.lead.reported", response.json["id"], None),
        ("zhaoshang.warning.raised", None, warning_id)]


def test_a_second_lead_about_a_known_investor_is_still_linked_to_the_first(app, client):
    first = client.post("/leads", json=lead_body(1), as_=("clerk", "east")).json
    assert first["duplicate_of_id"] is None
    again = client.post("/leads", json=lead_body(1) | {"title": "同一企业的第二条线索"},
                        as_=("clerk", "east")).json
    assert again["enterprise"]["id"] == first["enterprise"]["id"]
    assert again["duplicate_of_id"] == first["id"]


def test_a_project_is_created_with_its_tiers_in_one_insert_and_answers_its_stored_version(
        app, client):
    # 150,000 万元 is over the test city's major-project threshold: the core's tier "major".
    with statements(app) as sent:
        created = client.post("/projects", json=project_body(1, amount="150000"),
                              as_=("clerk", "east"))
    assert created.status_code == 201, created.json
    assert created.json["tiers"] == ["major"] and created.json["version"] == 1
    assert not [statement for statement in sent if statement.lstrip().startswith("UPDATE")]
    stored = client.get(f"/projects/{created.json['id']}")
    # What the creation answered is what is stored: a write naming that version is not
    # refused as stale.
    assert (stored.json["version"], stored.json["tiers"]) == (1, ["major"])
    renamed = client.patch(f"/projects/{created.json['id']}", json={"name": "改名后的项目"},
                           headers={"If-Match": stored.headers["ETag"]}, as_=("clerk", "east"))
    assert renamed.status_code == 200, renamed.json


def test_a_known_units_other_fields_are_read_from_the_database(app):
    """Only a unit's id and code are kept per process: its name, as a later sync of the
    configuration may change it, is read from the database."""
    from core.services.lookups import unit_with_code

    sessions = app.extensions[EXTENSION].sessions
    with sessions() as session:
        assert unit_with_code(session, "east").name != "更名后的单位"
    with sessions() as session:
        session.execute(sa.update(Unit).where(Unit.code == "east").values(name="更名后的单位"))
        session.commit()
    with statements(app) as sent, sessions() as session:
        unit = unit_with_code(session, "east")
        assert not sent  # the id is known
        assert unit.name == "更名后的单位" and unit.kind
        assert unit_with_code(session, "no_such_unit") is None


def test_a_project_write_raises_and_clears_its_warnings_from_one_load(app, client):
    project_id = add_projects(app, 1)[0]
    add_projects(app, 10, batch="b")  # overdue too: a write to one project never recomputes the others
    with statements(app) as sent:
        assert client.patch(f"/projects/{project_id}", json={"name": "改名后的项目"}).status_code == 200
    assert sum(statement.lstrip().startswith("SELECT projects") for statement in sent) <= 2

    def open_rules() -> list[tuple[int, str]]:
        items = client.get("/warnings?per_page=100").json["items"]
        return sorted((w["subject_id"], w["rule_code"]) for w in items if w["cleared_at"] is None)

    # Signed in 2024, its start date passed, nothing reported since: both rules find it.
    assert open_rules() == [(project_id, "milestone_overdue"), (project_id, "no_progress")]
    progress = {"progress_note": "设备进场"}  # reported today
    assert client.patch(f"/projects/{project_id}", json=progress).status_code == 200
    assert open_rules() == [(project_id, "milestone_overdue")]
