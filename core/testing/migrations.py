"""A plugin's hand-written migration against its models: the check every city's tests make."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.city import City
from core.db import Base, make_engine
from core.migrate import upgrade


def assert_migration_matches(city: City, db_url: str, tables: Iterable[str]) -> None:
    """Upgrade ``db_url`` for ``city``; ``tables`` must exist exactly as the models say."""
    tables = set(tables)
    engine = make_engine(db_url)
    try:
        upgrade(city, engine)

        def include(obj, name, type_, reflected, compare_to):
            table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
            return table in tables

        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "include_object": include, "compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            assert set(sa.inspect(connection).get_table_names()) >= tables
    finally:
        engine.dispose()
