"""pingliang tables: the four lists, targets, schedulings, shared information, point items

Revision ID: pingliang_0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "pingliang_0001"
down_revision = None
branch_labels = ("pingliang",)
depends_on = "0001"

TABLES = ("pingliang_point_items", "pingliang_shared_information", "pingliang_schedulings",
          "pingliang_targets", "pingliang_policy_supports", "pingliang_listed_projects",
          "pingliang_target_enterprises", "pingliang_opportunities")


def upgrade() -> None:
    op.create_table('pingliang_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('assignee', sa.String(length=120), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('target', sa.Numeric(precision=18, scale=4), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pingliang_targets')),
    sa.UniqueConstraint('year', 'assignee', 'metric', name=op.f('uq_pingliang_targets_year'))
    )
    op.create_index(op.f('ix_pingliang_targets_year'), 'pingliang_targets', ['year'], unique=False)
    op.create_table('pingliang_point_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_pingliang_point_items_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pingliang_point_items'))
    )
    op.create_index(op.f('ix_pingliang_point_items_occurred_on'), 'pingliang_point_items', ['occurred_on'], unique=False)
    op.create_index(op.f('ix_pingliang_point_items_unit_id'), 'pingliang_point_items', ['unit_id'], unique=False)
    op.create_table('pingliang_target_enterprises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('origin_province', sa.String(length=32), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('industry', sa.String(length=64), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('leader_name', sa.String(length=100), nullable=True),
    sa.Column('approach', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('last_contact_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_pingliang_target_enterprises_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pingliang_target_enterprises'))
    )
    op.create_index(op.f('ix_pingliang_target_enterprises_industry'), 'pingliang_target_enterprises', ['industry'], unique=False)
    op.create_index(op.f('ix_pingliang_target_enterprises_status'), 'pingliang_target_enterprises', ['status'], unique=False)
    op.create_index(op.f('ix_pingliang_target_enterprises_unit_id'), 'pingliang_target_enterprises', ['unit_id'], unique=False)
    op.create_table('pingliang_listed_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('listed_on', sa.Date(), nullable=False),
    sa.Column('maturing', sa.Boolean(), nullable=False),
    sa.Column('expected_signing_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_pingliang_listed_projects_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pingliang_listed_projects')),
    sa.UniqueConstraint('project_id', name=op.f('uq_pingliang_listed_projects_project_id'))
    )
    op.create_index(op.f('ix_pingliang_listed_projects_maturing'), 'pingliang_listed_projects', ['maturing'], unique=False)
    op.create_table('pingliang_opportunities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('industry', sa.String(length=64), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_pingliang_opportunities_project_id_projects')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_pingliang_opportunities_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pingliang_opportunities'))
    )
    op.create_index(op.f('ix_pingliang_opportunities_industry'), 'pingliang_opportunities', ['industry'], unique=False)
    op.create_index(op.f('ix_pingliang_opportunities_status'), 'pingliang_opportunities', ['status'], unique=False)
    op.create_index(op.f('ix_pingliang_opportunities_unit_id'), 'pingliang_opportunities', ['unit_id'], unique=False)
    op.create_table('pingliang_policy_supports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('target_enterprise_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_pingliang_policy_supports_project_id_projects')),
    sa.ForeignKeyConstraint(['target_enterprise_id'], ['pingliang_target_enterprises.id'], name=op.f('fk_pingliang_policy_supports_target_enterprise_id_pingliang_target_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pingliang_policy_supports'))
    )
    op.create_index(op.f('ix_pingliang_policy_supports_project_id'), 'pingliang_policy_supports', ['project_id'], unique=False)
    op.create_index(op.f('ix_pingliang_policy_supports_status'), 'pingliang_policy_supports', ['status'], unique=False)
    op.create_index(op.f('ix_pingliang_policy_supports_target_enterprise_id'), 'pingliang_policy_supports', ['target_enterprise_id'], unique=False)
    op.create_table('pingliang_schedulings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('scheduled_on', sa.Date(), nullable=False),
    sa.Column('progress', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=True),
    sa.Column('next_steps', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_pingliang_schedulings_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pingliang_schedulings'))
    )
    op.create_index(op.f('ix_pingliang_schedulings_project_id'), 'pingliang_schedulings', ['project_id'], unique=False)
    op.create_index(op.f('ix_pingliang_schedulings_scheduled_on'), 'pingliang_schedulings', ['scheduled_on'], unique=False)
    op.create_table('pingliang_shared_information',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('enterprise_name', sa.String(length=200), nullable=True),
    sa.Column('industry', sa.String(length=64), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('shared_on', sa.Date(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_pingliang_shared_information_lead_id_leads')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_pingliang_shared_information_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pingliang_shared_information'))
    )
    op.create_index(op.f('ix_pingliang_shared_information_shared_on'), 'pingliang_shared_information', ['shared_on'], unique=False)
    op.create_index(op.f('ix_pingliang_shared_information_unit_id'), 'pingliang_shared_information', ['unit_id'], unique=False)


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
