"""Alembic environment of the province store: run by :func:`province.migrate.upgrade`."""

from alembic import context

import province.models  # noqa: F401 - registers the province tables
from province.models import ProvinceBase

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=ProvinceBase.metadata,
                  version_table="province_alembic_version",
                  render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
with context.begin_transaction():
    context.run_migrations()
