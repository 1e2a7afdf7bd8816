"""province store: tranches in a table of their own, indexes for the figures' periods

Revision ID: p0004
Revises: p0003
Written by hand.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "p0004"
down_revision = "p0003"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(18, 4)
BATCH = 1000


def upgrade() -> None:
    tranches = op.create_table(
        "province_tranches",
        sa.Column("city", sa.String(32), nullable=False),
        sa.Column("project_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("tranche_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("arrived_on", sa.Date(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("verification", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("city", "project_id", "tranche_id",
                                name=op.f("pk_province_tranches")),
    )
    op.create_index("ix_province_tranches_city_arrived_on", "province_tranches",
                    ["city", "arrived_on"])
    op.create_index("ix_province_projects_city_signed_on", "province_projects",
                    ["city", "signed_on"])
    op.create_index("ix_province_projects_city_started_on", "province_projects",
                    ["city", "started_on"])
    # The tranches the stored project states carried, a batch at a time (memory stays flat).
    from province.store import tranche_rows

    projects = sa.table("province_projects", sa.column("city"), sa.column("project_id"),
                        sa.column("funds", sa.JSON()))
    connection = op.get_bind()
    after: tuple = ()
    while True:  # keyset pages: no cursor held open across the inserts
        query = (sa.select(projects.c.city, projects.c.project_id, projects.c.funds)
                 .order_by(projects.c.city, projects.c.project_id).limit(BATCH))
        if after:
            query = query.where(sa.tuple_(projects.c.city, projects.c.project_id) > after)
        page = connection.execute(query).all()
        if not page:
            break
        rows = [row for city, project_id, funds in page
                for row in tranche_rows(city, project_id, _funds(funds))]
        if rows:
            connection.execute(sa.insert(tranches), rows)
        after = (page[-1].city, page[-1].project_id)


def _funds(value: object) -> list:
    return json.loads(value) if isinstance(value, str) else list(value or [])


def downgrade() -> None:
    op.drop_index("ix_province_projects_city_started_on", table_name="province_projects")
    op.drop_index("ix_province_projects_city_signed_on", table_name="province_projects")
    op.drop_index("ix_province_tranches_city_arrived_on", table_name="province_tranches")
    op.drop_table("province_tranches")
