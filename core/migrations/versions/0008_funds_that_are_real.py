"""fund payer, evidence unique per city, office confirmation of over-ratio arrivals

Revision ID: 0008
Revises: 0007
Written by hand. Existing tranches get their normalised evidence key (the first of a
duplicated reference keeps it, the others stay without a key: the unique index allows that)
and their reported_at stays unknown (NULL); no payer is invented for them.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


COLUMNS = ("reported_at", "evidence_key", "payer_name", "payer_credit_code", "over_agreement",
           "over_agreement_ratio", "over_agreement_confirmed", "verification_reason")


def _key(reference: str) -> str:
    # Frozen copy of core.fund_rules.evidence_key at the time of writing.
    collapsed = re.sub(r"\s+", " ", reference.strip())
    return "".join(c.lower() if c.isascii() else c for c in collapsed)


def upgrade() -> None:
    with op.batch_alter_table("fund_tranches") as batch_op:
        batch_op.add_column(sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("evidence_key", sa.String(200), nullable=True))
        batch_op.add_column(sa.Column("payer_name", sa.String(200), nullable=True))
        batch_op.add_column(sa.Column("payer_credit_code", sa.String(18), nullable=True))
        batch_op.add_column(sa.Column("over_agreement", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column("over_agreement_ratio", sa.Numeric(12, 4), nullable=True))
        batch_op.add_column(sa.Column("over_agreement_confirmed", sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("verification_reason", sa.Text(), nullable=True))
    connection = op.get_bind()
    seen: set[str] = set()
    rows = connection.execute(sa.text("SELECT id, evidence_ref FROM fund_tranches ORDER BY id"))
    for tranche_id, reference in rows.all():
        key = _key(reference or "")
        if key and key not in seen:
            seen.add(key)
            connection.execute(sa.text("UPDATE fund_tranches SET evidence_key = :key WHERE id = :id"),
                               {"key": key, "id": tranche_id})
    with op.batch_alter_table("fund_tranches") as batch_op:
        batch_op.create_index("ix_fund_tranches_evidence_key", ["evidence_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("fund_tranches") as batch_op:
        batch_op.drop_index("ix_fund_tranches_evidence_key")
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
