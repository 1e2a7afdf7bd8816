"""The Alembic history and the models agree, on SQLite and on PostgreSQL.

Migrations are written by hand; this catches a model changed without its migration (or the
reverse). Only the core's tables are compared: a plugin's tables come with its own branch and
exist only where the plugin is enabled.
"""

from __future__ import annotations

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


def core_tables() -> set[str]:
    return {mapper.local_table.name for mapper in Base.registry.mappers
            if mapper.class_.__module__.startswith("core.")}


def test_the_core_models_have_tables():
    assert {"units", "enterprises", "leads", "projects", "stage_transitions", "project_changes",
            "fund_tranches", "milestones", "transfers", "outbox"} <= core_tables()


def test_migrations_create_exactly_the_core_models(db_url):
    engine = make_engine(db_url)
    try:
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
    finally:
        engine.dispose()


def test_upgrading_twice_changes_nothing(db_url):
    engine = make_engine(db_url)
    try:
        city = make_city()
        upgrade(city, engine)
        with engine.connect() as connection:
            heads = set(connection.scalars(sa.text("SELECT version_num FROM alembic_version")))
        upgrade(city, engine)
        with engine.connect() as connection:
            assert set(connection.scalars(sa.text("SELECT version_num FROM alembic_version"))) == (
                heads)
    finally:
        engine.dispose()


def test_the_outbox_keeps_one_copy_of_an_event_s_data_and_old_rows_get_theirs(db_url):
    """0026: an event's data is stored once, as the relay's record value; a row from before
    0017 (no ``wire``) gets the bytes the relay encoded for it, and the downgrade brings the
    JSON copy back."""
    engine = make_engine(db_url)
    city = make_city()
    config = alembic_config(city, engine)
    data = {"name": "兰州新区项目 \"一期\"", "amount": "12345.6789", "nested": {"a": [1, 2.5]}}
    columns = {"source": "/zhaoshang/cities/t", "type": "zhaoshang.lead.reported",
               "subject": "lead/1", "time": utcnow(), "city": "t", "schema_version": 1,
               "aggregate_type": "lead", "aggregate_id": "t:lead:1"}
    try:
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
    finally:
        engine.dispose()
