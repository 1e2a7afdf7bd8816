"""The gateway's Alembic history and its models agree, on SQLite and on PostgreSQL: a column
added to ``gateway.store`` without its migration (or the reverse) is caught here."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.db import make_engine
from gateway.store import VERSION_TABLE, GatewayBase, upgrade


def test_the_gateway_migrations_create_exactly_its_models(db_url):
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        tables = set(GatewayBase.metadata.tables)

        def include(obj, name, type_, reflected, compare_to):
            table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
            return table in tables

        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "include_object": include, "compare_type": True, "version_table": VERSION_TABLE})
            assert compare_metadata(context, GatewayBase.metadata) == []
            columns = {column["name"] for column in sa.inspect(connection).get_columns("audit_log")}
            assert "reason_title" in columns
            assert connection.scalar(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")) == (
                "gateway_0004")
    finally:
        engine.dispose()
