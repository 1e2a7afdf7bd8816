"""the investor's administrative division, derived from the credit code or normalised text

Revision ID: 0010
Revises: 0009
Written by hand.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enterprises") as batch_op:
        batch_op.add_column(sa.Column("province_code", sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column("division_code", sa.String(length=6), nullable=True))
        # The version the API shows as the investor's ETag (core.api.versions).
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1",
                                      nullable=False))
    # An investor whose province is unknown makes a project neither in nor out of province.
    with op.batch_alter_table("projects") as batch_op:
        batch_op.alter_column("out_of_province", existing_type=sa.Boolean(), nullable=True)
    _derive_existing()


def _derive_existing() -> None:
    """Fill the new columns of the enterprises already recorded (the projects' flags are
    re-derived after the upgrade, where the city's province is known: core.migrate)."""
    from core.credit_code import division_code
    from core.divisions import normalise_province, province_name, province_of_code

    bind = op.get_bind()
    enterprises = sa.table("enterprises", sa.column("id", sa.Integer),
                           sa.column("credit_code", sa.String), sa.column("origin_province", sa.String),
                           sa.column("province_code", sa.String), sa.column("division_code", sa.String))
    rows = bind.execute(sa.select(enterprises.c.id, enterprises.c.credit_code,
                                  enterprises.c.origin_province)).all()
    for row in rows:
        division = division_code(row.credit_code) if row.credit_code else None
        province = province_of_code(division) or normalise_province(row.origin_province)
        values = {"division_code": division, "province_code": province}
        if province:
            values["origin_province"] = province_name(province)
        bind.execute(enterprises.update().where(enterprises.c.id == row.id).values(**values))


def downgrade() -> None:
    op.execute("UPDATE projects SET out_of_province = false WHERE out_of_province IS NULL")
    with op.batch_alter_table("projects") as batch_op:
        batch_op.alter_column("out_of_province", existing_type=sa.Boolean(), nullable=False)
    with op.batch_alter_table("enterprises") as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("division_code")
        batch_op.drop_column("province_code")
