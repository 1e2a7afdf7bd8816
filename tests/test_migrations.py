"""The Alembic history and the models agree, on SQLite and on PostgreSQL.

Migrations are written by hand; this catches a model changed without its migration (or the
reverse). Only the core's tables are compared: a plugin's tables come with its own branch and
exist only where the plugin is enabled.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import core.models  # noqa: F401 - registers every core table on the metadata
from core.db import Base, make_engine
from core.migrate import upgrade
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
