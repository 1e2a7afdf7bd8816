"""warnings, assessments, rewards

Revision ID: 0003
Revises: 0001
Written by hand: only the tables of warnings (预警), assessments (考核) and rewards (奖励).
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None

POINTS = sa.Numeric(precision=12, scale=4)
MONEY = sa.Numeric(precision=18, scale=4)


def upgrade() -> None:
    op.create_table(
        'warnings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject_type', sa.String(length=16), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('unit_code', sa.String(length=64), nullable=True),
        sa.Column('rule_code', sa.String(length=64), nullable=False),
        sa.Column('rule_name', sa.String(length=200), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('since', sa.Date(), nullable=False),
        sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_warnings')),
    )
    op.create_index(op.f('ix_warnings_subject_id'), 'warnings', ['subject_id'])
    op.create_index(op.f('ix_warnings_unit_code'), 'warnings', ['unit_code'])
    op.create_index(op.f('ix_warnings_level'), 'warnings', ['level'])
    op.create_index(op.f('ix_warnings_cleared_at'), 'warnings', ['cleared_at'])
    # One open warning per subject and rule.
    op.create_index('uq_warnings_open_subject_rule', 'warnings',
                    ['subject_type', 'subject_id', 'rule_code'], unique=True,
                    sqlite_where=sa.text('cleared_at IS NULL'),
                    postgresql_where=sa.text('cleared_at IS NULL'))

    op.create_table(
        'assessment_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scheme_code', sa.String(length=64), nullable=False),
        sa.Column('scheme_name', sa.String(length=200), nullable=False),
        sa.Column('period_kind', sa.String(length=16), nullable=False),
        sa.Column('period_label', sa.String(length=16), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('rules_year', sa.Integer(), nullable=False),
        sa.Column('scheme', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('computed_by', sa.String(length=100), nullable=False),
        sa.Column('published_on', sa.Date(), nullable=True),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('published_by', sa.String(length=100), nullable=True),
        sa.Column('objection_deadline', sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_runs')),
    )
    op.create_index(op.f('ix_assessment_runs_scheme_code'), 'assessment_runs', ['scheme_code'])
    op.create_index(op.f('ix_assessment_runs_status'), 'assessment_runs', ['status'])

    op.create_table(
        'assessment_results',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('unit_code', sa.String(length=64), nullable=False),
        sa.Column('unit_name', sa.String(length=200), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('points', sa.JSON(), nullable=False),
        sa.Column('indicator_total', POINTS, nullable=False),
        sa.Column('adjustment_uncapped', POINTS, nullable=False),
        sa.Column('adjustment_total', POINTS, nullable=False),
        sa.Column('total', POINTS, nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['assessment_runs.id'],
                                name=op.f('fk_assessment_results_run_id_assessment_runs')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_assessment_results_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_results')),
        sa.UniqueConstraint('run_id', 'unit_code', name=op.f('uq_assessment_results_run_id')),
    )
    op.create_index(op.f('ix_assessment_results_run_id'), 'assessment_results', ['run_id'])

    op.create_table(
        'assessment_adjustments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('unit_code', sa.String(length=64), nullable=False),
        sa.Column('points', POINTS, nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('exempted', sa.Boolean(), nullable=False),
        sa.Column('exemption_reason', sa.Text(), nullable=True),
        sa.Column('approver', sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(['run_id'], ['assessment_runs.id'],
                                name=op.f('fk_assessment_adjustments_run_id_assessment_runs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_adjustments')),
    )
    op.create_index(op.f('ix_assessment_adjustments_run_id'), 'assessment_adjustments',
                    ['run_id'])

    op.create_table(
        'assessment_objections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('unit_code', sa.String(length=64), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('filed_on', sa.Date(), nullable=False),
        sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('filed_by', sa.String(length=100), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answered_by', sa.String(length=100), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['run_id'], ['assessment_runs.id'],
                                name=op.f('fk_assessment_objections_run_id_assessment_runs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_objections')),
    )
    op.create_index(op.f('ix_assessment_objections_run_id'), 'assessment_objections',
                    ['run_id'])

    op.create_table(
        'reward_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('rules', sa.JSON(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('computed_by', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reward_runs')),
    )
    op.create_table(
        'rewards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('rule_code', sa.String(length=64), nullable=False),
        sa.Column('rule_name', sa.String(length=200), nullable=False),
        sa.Column('recipient_type', sa.String(length=16), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=True),
        sa.Column('recipient_name', sa.String(length=200), nullable=False),
        sa.Column('uncapped_amount', MONEY, nullable=False),
        sa.Column('amount', MONEY, nullable=False),
        sa.Column('cap', MONEY, nullable=True),
        sa.Column('capped', sa.Boolean(), nullable=False),
        sa.Column('eligible', sa.Boolean(), nullable=False),
        sa.Column('ineligible_reason', sa.Text(), nullable=True),
        sa.Column('basis', sa.Text(), nullable=False),
        sa.Column('project_ids', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['reward_runs.id'],
                                name=op.f('fk_rewards_run_id_reward_runs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rewards')),
    )
    op.create_index(op.f('ix_rewards_run_id'), 'rewards', ['run_id'])
    op.create_index(op.f('ix_rewards_rule_code'), 'rewards', ['rule_code'])


def downgrade() -> None:
    op.drop_table('rewards')
    op.drop_table('reward_runs')
    op.drop_table('assessment_objections')
    op.drop_table('assessment_adjustments')
    op.drop_table('assessment_results')
    op.drop_table('assessment_runs')
    op.drop_index('uq_warnings_open_subject_rule', table_name='warnings')
    op.drop_table('warnings')

