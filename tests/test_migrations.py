"""The Alembic history and the models agree, on SQLite and on PostgreSQL.

Migrations are written by hand; this catches a model changed without its migration (or the
reverse). Only the core's tables are compared: a plugin's tables come with its own branch and
exist only where the plugin is enabled.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import core.models  # noqa: F401 - registers every core table on the metadata
from core.alembic_upgrade import upgrade_one_at_a_time
from core.clock import utcnow
from core.db import Base, make_engine, make_session_factory
from core.events import wire_value
from core.migrate import alembic_config, upgrade
from core.models import OutboxEvent
from tests.support.cities import make_city


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def core_tables() -> set[str]:
    return {mapper.local_table.name for mapper in Base.registry.mappers
            if mapper.class_.__module__.startswith("core.")}


def test_the_core_models_have_tables():
    assert {"units", "enterprises", "leads", "projects", "stage_transitions", "project_changes",
            "fund_tranches", "milestones", "transfers", "outbox"} <= core_tables()


def test_migrations_create_exactly_the_core_models(engine):
    upgrade(make_city(), engine)
    tables = core_tables()

    def include(obj, name, type_, reflected, compare_to):
        if type_ == "table":
            return name in tables
        table = getattr(obj, "table", None)
        return table is None or table.name in tables

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_object": include, "compare_type": True})
        differences = compare_metadata(context, Base.metadata)
        existing = set(sa.inspect(connection).get_table_names())
    assert differences == []
    assert tables <= existing


def test_upgrading_twice_changes_nothing(engine):
    city = make_city()
    upgrade(city, engine)
    heads = _versions(engine)
    upgrade(city, engine)
    assert _versions(engine) == heads


def _versions(engine: sa.Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))


def test_a_database_at_its_heads_is_left_alone_without_running_alembic(engine, monkeypatch):
    """A start (or a test's app) on a migrated database reads its versions and stops there:
    Alembic's upgrade, which executes every migration script to learn it has nothing to do,
    is not run."""
    import core.alembic_upgrade

    city = make_city()
    upgrade(city, engine)
    heads = _versions(engine)

    def must_not_run(*_args, **_kwargs):
        raise AssertionError("Alembic's upgrade ran on a database at its heads")

    monkeypatch.setattr(core.alembic_upgrade.command, "upgrade", must_not_run)
    upgrade(city, engine)
    assert _versions(engine) == heads


def test_a_database_behind_its_heads_is_upgraded(engine):
    """One revision behind (a deployment of older code), the database is brought to the heads."""
    city = make_city()
    upgrade(city, engine)
    heads = _versions(engine)
    config = alembic_config(city, engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
    assert _versions(engine) != heads
    upgrade(city, engine)
    assert _versions(engine) == heads


def test_a_city_enabling_a_plugin_gets_its_branch_on_a_database_at_the_core_s_heads(engine):
    """The heads compared are those of the city's own migration directories: a database at
    the core's heads is not at those of a city whose plugin has tables of its own."""
    from core.testing.cities import built_in_city

    upgrade(make_city(), engine)
    assert not any(name.startswith("sanming_") for name in sa.inspect(engine).get_table_names())
    upgrade(built_in_city("sanming"), engine)
    assert any(name.startswith("sanming_") for name in sa.inspect(engine).get_table_names())
    assert any(version.startswith("sanming_") for version in _versions(engine))


def test_the_outbox_keeps_one_copy_of_an_event_s_data_and_old_rows_get_theirs(engine):
    """0026: an event's data is stored once, as the relay's record value; a row from before
    0017 (no ``wire``) gets the bytes the relay encoded for it, and the downgrade brings the
    JSON copy back."""
    city = make_city()
    config = alembic_config(city, engine)
    data = {"name": "兰州新区项目 \"一期\"", "amount": "12345.6789", "nested": {"a": [1, 2.5]}}
    columns = {"source": "/zhaoshang/cities/t", "type": "zhaoshang.lead.reported",
               "subject": "lead/1", "time": utcnow(), "city": "t", "schema_version": 1,
               "aggregate_type": "lead", "aggregate_id": "t:lead:1"}
    upgrade_one_at_a_time(engine, config, "test", target="0025")
    outbox = sa.table("outbox", *(sa.column(name) for name in [*columns, "id"]),
                      sa.column("data", sa.JSON), sa.column("wire", sa.LargeBinary))
    with engine.begin() as connection:
        connection.execute(sa.insert(outbox), [
            columns | {"id": "before-0017", "data": data, "wire": None},
            columns | {"id": "after-0017", "data": data, "wire": wire_value(data)}])
    upgrade_one_at_a_time(engine, config, "test")
    with engine.connect() as connection:
        assert "data" not in {c["name"] for c in sa.inspect(connection).get_columns("outbox")}
        wires = dict(connection.execute(sa.text("SELECT id, wire FROM outbox")).all())
    assert {key: bytes(value) for key, value in wires.items()} == {
        "before-0017": wire_value(data), "after-0017": wire_value(data)}
    with make_session_factory(engine)() as session:
        assert [event.data for event in session.scalars(sa.select(OutboxEvent))] == [data] * 2

    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0025")
    with engine.connect() as connection:
        restored = connection.execute(sa.select(outbox.c.data)).scalars().all()
    assert restored == [data, data]
