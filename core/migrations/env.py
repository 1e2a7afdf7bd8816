"""Alembic environment: run by :func:`core.migrate.upgrade` with a live connection."""

from alembic import context

import core.models  # noqa: F401 - registers the core tables on the metadata
from core.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
with context.begin_transaction():
    context.run_migrations()
