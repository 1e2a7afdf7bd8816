"""Alembic environment of the gateway database, run by :func:`gateway.store.upgrade`."""

from alembic import context

from gateway.store import VERSION_TABLE, GatewayBase

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=GatewayBase.metadata,
                  version_table=VERSION_TABLE,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
