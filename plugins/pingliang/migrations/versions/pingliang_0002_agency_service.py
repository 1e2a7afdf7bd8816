"""pingliang 帮办代办 agency service: service requests and their steps

Revision ID: pingliang_0002
Revises: pingliang_0001
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "pingliang_0002"
down_revision = "pingliang_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pingliang_service_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('need', sa.Text(), nullable=False),
    sa.Column('raised_by_unit_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('due_workdays', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_estimated', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_pingliang_service_requests_project_id_projects')),
    sa.ForeignKeyConstraint(['raised_by_unit_id'], ['units.id'], name=op.f('fk_pingliang_service_requests_raised_by_unit_id_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_pingliang_service_requests_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pingliang_service_requests'))
    )
    op.create_index(op.f('ix_pingliang_service_requests_due_on'), 'pingliang_service_requests', ['due_on'], unique=False)
    op.create_index(op.f('ix_pingliang_service_requests_project_id'), 'pingliang_service_requests', ['project_id'], unique=False)
    op.create_index(op.f('ix_pingliang_service_requests_status'), 'pingliang_service_requests', ['status'], unique=False)
    op.create_index(op.f('ix_pingliang_service_requests_unit_id'), 'pingliang_service_requests', ['unit_id'], unique=False)
    op.create_table('pingliang_service_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['pingliang_service_requests.id'], name=op.f('fk_pingliang_service_steps_request_id_pingliang_service_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pingliang_service_steps')),
    sa.UniqueConstraint('request_id', 'step', name=op.f('uq_pingliang_service_steps_request_id'))
    )
    op.create_index(op.f('ix_pingliang_service_steps_request_id'), 'pingliang_service_steps', ['request_id'], unique=False)


def downgrade() -> None:
    op.drop_table('pingliang_service_steps')
    op.drop_table('pingliang_service_requests')
