"""the registry of those who introduce investment: kinds, contacts, roles, public-official status

Revision ID: 0012
Revises: 0011
Written by hand. ``intermediaries`` keeps its name (every ``intermediary_id`` still points at
it) and becomes the registry (core.introducers): a name key for duplicates, the credit code,
contacts, the city roles held, a status, and the public-official status as ``yes``/``no``/
``unknown`` with who confirmed it and when. The old boolean could only be set by code: ``true``
becomes ``yes``; ``false`` was never a confirmation and becomes ``unknown``. ``contact`` becomes
``notes``. ``intermediary_changes`` keeps the history of each entry.
"""

import sqlalchemy as sa
from alembic import op

from core.names import normalise_enterprise_name

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intermediaries") as batch_op:
        batch_op.alter_column("contact", new_column_name="notes",
                              existing_type=sa.String(200), existing_nullable=True)
        batch_op.add_column(sa.Column("name_key", sa.String(200), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("credit_code", sa.String(18), nullable=True))
        batch_op.add_column(sa.Column("contact_person", sa.String(100), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("email", sa.String(200), nullable=True))
        batch_op.add_column(sa.Column("address", sa.String(300), nullable=True))
        batch_op.add_column(sa.Column("roles", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(16), server_default="active",
                                      nullable=False))
        batch_op.add_column(sa.Column("public_official", sa.String(8),
                                      server_default="unknown", nullable=False))
        batch_op.add_column(sa.Column("public_official_basis", sa.String(500), nullable=True))
        batch_op.add_column(sa.Column("public_official_confirmed_by", sa.String(100),
                                      nullable=True))
        batch_op.add_column(sa.Column("public_official_confirmed_at",
                                      sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("registered_by", sa.String(100), nullable=True))
        batch_op.add_column(sa.Column("registered_at", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1",
                                      nullable=False))
    table = sa.table("intermediaries", sa.column("id", sa.Integer()),
                     sa.column("name", sa.String()), sa.column("name_key", sa.String()),
                     sa.column("roles", sa.JSON()), sa.column("is_public_official", sa.Boolean()),
                     sa.column("public_official", sa.String()))
    connection = op.get_bind()
    connection.execute(table.update().where(table.c.is_public_official == sa.true())
                       .values(public_official="yes"))
    for row in connection.execute(sa.select(table.c.id, table.c.name)).all():
        connection.execute(table.update().where(table.c.id == row.id).values(
            name_key=normalise_enterprise_name(row.name), roles=[]))
    with op.batch_alter_table("intermediaries") as batch_op:
        batch_op.drop_column("is_public_official")
        batch_op.alter_column("roles", existing_type=sa.JSON(), nullable=False)
        batch_op.create_index("ix_intermediaries_name_key", ["name_key"], unique=False)
        batch_op.create_unique_constraint("uq_intermediaries_credit_code", ["credit_code"])
    op.create_table(
        "intermediary_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intermediary_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["intermediary_id"], ["intermediaries.id"],
                                name="fk_intermediary_changes_intermediary_id_intermediaries"),
        sa.PrimaryKeyConstraint("id", name="pk_intermediary_changes"),
    )
    op.create_index("ix_intermediary_changes_intermediary_id", "intermediary_changes",
                    ["intermediary_id"])


def downgrade() -> None:
    op.drop_index("ix_intermediary_changes_intermediary_id", table_name="intermediary_changes")
    op.drop_table("intermediary_changes")
    with op.batch_alter_table("intermediaries") as batch_op:
        batch_op.add_column(sa.Column("is_public_official", sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    table = sa.table("intermediaries", sa.column("public_official", sa.String()),
                     sa.column("is_public_official", sa.Boolean()))
    op.get_bind().execute(table.update().where(table.c.public_official == "yes")
                          .values(is_public_official=True))
    with op.batch_alter_table("intermediaries") as batch_op:
        batch_op.drop_constraint("uq_intermediaries_credit_code", type_="unique")
        batch_op.drop_index("ix_intermediaries_name_key")
        for column in ("version", "registered_at", "registered_by",
                       "public_official_confirmed_at", "public_official_confirmed_by",
                       "public_official_basis", "public_official", "status", "roles", "address",
                       "email", "phone", "contact_person", "credit_code", "name_key"):
            batch_op.drop_column(column)
        batch_op.alter_column("notes", new_column_name="contact",
                              existing_type=sa.String(200), existing_nullable=True)
