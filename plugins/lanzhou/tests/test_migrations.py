"""Lanzhou's hand-written migration creates exactly its models' tables, on both backends."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import plugins.lanzhou.models  # noqa: F401 - registers the plugin's tables on the metadata
from core.db import Base, make_engine
from core.migrate import upgrade

TABLES = {"lanzhou_registrations", "lanzhou_penalties", "lanzhou_targets", "lanzhou_promotions"}


def test_the_migration_matches_the_models(lanzhou, db_url):
    engine = make_engine(db_url)
    try:
        upgrade(lanzhou, engine)

        def include(obj, name, type_, reflected, compare_to):
            table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
            return table in TABLES

        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "include_object": include, "compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            assert set(sa.inspect(connection).get_table_names()) >= TABLES
    finally:
        engine.dispose()
