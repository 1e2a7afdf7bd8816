"""``after_project_created``, ``after_project_changed``, ``after_project_moved``: a plugin hears of
every project write once, in the write's transaction, and can refuse it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from core import hookimpl
from core.problems import Problem
from tests.support.cities import make_city
from tests.support.records import advance, create_project, project_body, row_counts

# A plugin's own table: what a city records beside the project (its own ledger of moments).
LEDGER = sa.Table(
    "hook_ledger", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("project_id", sa.Integer, nullable=False),
    sa.Column("moment", sa.String(40), nullable=False),
)
PROJECT_TABLES = ("projects", "enterprises", "project_changes", "stage_transitions", "transfers",
                  "hook_ledger")


class Listener:
    """Notes every call with the arguments a plugin relies on."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    @hookimpl
    def after_project_created(self, city, project, actor, session):
        self.calls.append(("created", project.id, project.host_unit.code, project.stage, actor))

    @hookimpl
    def after_project_changed(self, city, project, changes, actor, session):
        self.calls.append(("changed", project.id, changes, actor))

    @hookimpl
    def after_project_moved(self, city, project, from_stage, to_stage, actor, session):
        self.calls.append(("moved", project.id, from_stage, to_stage, project.stage, actor))


class Ledger:
    """Writes its own row at each moment, then refuses a project over 10亿元 or a loss."""

    def _write(self, session, project, moment):
        session.execute(LEDGER.insert().values(project_id=project.id, moment=moment))
        if project.amount > Decimal("100000") or project.stage == "lost":
            raise Problem(409, "ledger.refused", "操作被拒绝", "本市台账不接受该项目")

    @hookimpl
    def after_project_created(self, project, session):
        self._write(session, project, "created")

    @hookimpl
    def after_project_changed(self, project, changes, session):
        self._write(session, project, "changed:" + ",".join(sorted(changes)))

    @hookimpl
    def after_project_moved(self, project, to_stage, session):
        self._write(session, project, f"moved:{to_stage}")


def ledger_client(client_for):
    client = client_for(make_city(extra_plugins=[("ledger", Ledger())]))
    LEDGER.metadata.create_all(client.flask.application.extensions["zhaoshang"].engine)
    return client, client.flask.application


def ledger_rows(app):
    with app.extensions["zhaoshang"].engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            sa.select(LEDGER.c.project_id, LEDGER.c.moment).order_by(LEDGER.c.id))]


def test_hook_after_project_created_once_at_its_host(client_for):
    listener = Listener()
    client = client_for(make_city(extra_plugins=[("listener", listener)]))
    project = create_project(client, host_unit="west")
    # Created at its host: the transfer that places it there is part of the creation.
    assert listener.calls == [("created", project["id"], "west", "reserve", "officer1")]
    response = client.post("/projects", json=project_body(2, industry="mining"))
    assert response.status_code == 400
    assert len(listener.calls) == 1


def test_hook_after_project_changed_on_patch_with_old_and_new_values(client_for):
    listener = Listener()
    client = client_for(make_city(extra_plugins=[("listener", listener)]))
    project = create_project(client)
    listener.calls.clear()
    response = client.patch(f"/projects/{project['id']}",
                            json={"amount": "60000", "leader_name": "张三"},
                            as_=("clerk", "east"))
    assert response.status_code == 200, response.json
    assert listener.calls == [("changed", project["id"],
                               {"amount": (Decimal("50000"), Decimal("60000")),
                                "leader_name": (None, "张三")}, "clerk-east")]
    # Nothing changed, or the change refused: no call.
    assert client.patch(f"/projects/{project['id']}", json={"amount": "60000"}).status_code == 200
    assert client.patch(f"/projects/{project['id']}",
                        json={"industry": "mining"}).status_code == 400
    assert len(listener.calls) == 1


def test_hook_after_project_changed_on_transfer_and_date_correction(client_for):
    listener = Listener()
    client = client_for(make_city(extra_plugins=[("listener", listener)]))
    project = create_project(client)
    listener.calls.clear()
    response = client.post(f"/projects/{project['id']}/transfers", json={"to_unit": "west"})
    assert response.status_code == 201, response.json
    assert listener.calls == [("changed", project["id"], {"host_unit": ("east", "west")},
                               "officer1")]
    assert client.post(f"/projects/{project['id']}/transfers",
                       json={"to_unit": "west"}).status_code == 400
    assert len(listener.calls) == 1

    advance(client, project["id"], "signed")
    listener.calls.clear()
    response = client.post(f"/projects/{project['id']}/date-corrections",
                           json={"field": "signed_on", "date": "2024-03-05", "reason": "录入错误"})
    assert response.status_code == 200, response.json
    assert [call[:3] for call in listener.calls] == [
        ("changed", project["id"], {"signed_on": (dt.date(2024, 3, 1), dt.date(2024, 3, 5))})]


def test_hook_after_project_moved_once_per_accepted_move(client_for):
    listener = Listener()
    client = client_for(make_city(extra_plugins=[("listener", listener)]))
    project = create_project(client)
    listener.calls.clear()
    response = client.post(f"/projects/{project['id']}/transitions",
                           json={"target": "negotiating"}, as_=("clerk", "east"))
    assert response.status_code == 200, response.json
    assert listener.calls == [("moved", project["id"], "reserve", "negotiating", "negotiating",
                               "clerk-east")]
    refused = client.post(f"/projects/{project['id']}/transitions", json={"target": "completed"})
    assert refused.status_code == 409
    assert len(listener.calls) == 1


def test_hook_after_project_write_rows_commit_with_the_project(client_for):
    client, app = ledger_client(client_for)
    project = create_project(client)
    client.patch(f"/projects/{project['id']}", json={"leader_name": "张三"})
    client.post(f"/projects/{project['id']}/transfers", json={"to_unit": "west"})
    client.post(f"/projects/{project['id']}/transitions", json={"target": "negotiating"})
    assert ledger_rows(app) == [(project["id"], "created"),
                                (project["id"], "changed:leader_name"),
                                (project["id"], "changed:host_unit"),
                                (project["id"], "moved:negotiating")]


def test_hook_after_project_write_raising_refuses_the_whole_write(client_for):
    client, app = ledger_client(client_for)
    before = row_counts(app, *PROJECT_TABLES)
    response = client.post("/projects", json=project_body(1, amount="200000", host_unit="west"))
    assert response.status_code == 409
    assert response.json["detail"] == "本市台账不接受该项目"
    assert row_counts(app, *PROJECT_TABLES) == before

    project = create_project(client, 2)
    before = row_counts(app, *PROJECT_TABLES)
    for response in (
            client.patch(f"/projects/{project['id']}", json={"amount": "200000"}),
            client.post(f"/projects/{project['id']}/transitions",
                        json={"target": "lost", "reason": "投资方撤回"})):
        assert (response.status_code, response.json["detail"]) == (409, "本市台账不接受该项目")
    assert row_counts(app, *PROJECT_TABLES) == before
    body = client.get(f"/projects/{project['id']}").json
    assert (Decimal(body["amount"]), body["stage"]) == (Decimal("50000"), "reserve")
