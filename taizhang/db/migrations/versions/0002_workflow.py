"""workflow: reports, reviews, notices, overrides, tokens, task lights

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_api_token_created_by_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('light_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('light', sa.String(length=10), nullable=False),
    sa.Column('computed', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('overridden_by', sa.Integer(), nullable=True),
    sa.Column('overridden_on', sa.Date(), nullable=False),
    sa.Column('overridden_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['overridden_by'], ['user_account.id'], name=op.f('fk_light_override_overridden_by_user_account')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_light_override_task_id_task'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_light_override'))
    )
    with op.batch_alter_table('light_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_light_override_task_id'), ['task_id'], unique=False)

    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=10), nullable=False),
    sa.Column('item_key', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('issued_by', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('answer_by', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by'], ['user_account.id'], name=op.f('fk_notice_answered_by_user_account')),
    sa.ForeignKeyConstraint(['closed_by'], ['user_account.id'], name=op.f('fk_notice_closed_by_user_account')),
    sa.ForeignKeyConstraint(['issued_by'], ['user_account.id'], name=op.f('fk_notice_issued_by_user_account')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_notice_task_id_task'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_notice_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice'))
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index('ix_notice_task_key', ['task_id', 'item_key'], unique=False)
        batch_op.create_index('ix_notice_unit_status', ['unit_id', 'status'], unique=False)

    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('progress', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('next_steps', sa.Text(), nullable=False),
    sa.Column('claimed_status', sa.String(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_report_created_by_user_account')),
    sa.ForeignKeyConstraint(['submitted_by'], ['user_account.id'], name=op.f('fk_report_submitted_by_user_account')),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_report_task_id_task'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_report_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    sa.UniqueConstraint('task_id', 'period', 'unit_id', name=op.f('uq_report_task_id_period_unit_id'))
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index('ix_report_status', ['status', 'submitted_at'], unique=False)
        batch_op.create_index('ix_report_task_period', ['task_id', 'period'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_attachment_report_id_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by'], ['user_account.id'], name=op.f('fk_attachment_uploaded_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachment_stored_name'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_report_id'), ['report_id'], unique=False)

    op.create_table('report_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('actual', sa.Numeric(precision=24, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], name=op.f('fk_report_value_indicator_id_indicator')),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_value_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_value')),
    sa.UniqueConstraint('report_id', 'indicator_id', name=op.f('uq_report_value_report_id_indicator_id'))
    )
    op.create_table('report_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('snapshot', JSON, nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_version_report_id_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by'], ['user_account.id'], name=op.f('fk_report_version_submitted_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_version')),
    sa.UniqueConstraint('report_id', 'version', name=op.f('uq_report_version_report_id_version'))
    )
    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_review_report_id_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'], name=op.f('fk_review_reviewer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('additive', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('parent_indicator_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('trajectory', JSON, nullable=True))
        batch_op.create_index(batch_op.f('ix_indicator_parent_indicator_id'), ['parent_indicator_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_indicator_parent_indicator_id_indicator'), 'indicator', ['parent_indicator_id'], ['id'])

    with op.batch_alter_table('policy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cadence', sa.String(length=12), nullable=False, server_default='monthly'))
        batch_op.add_column(sa.Column('due_day', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('thresholds', JSON, nullable=True))
        batch_op.add_column(sa.Column('points', JSON, nullable=True))
        batch_op.add_column(sa.Column('as_of', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('demo', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=12), nullable=False, server_default='measure'))
        batch_op.add_column(sa.Column('depth', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('lead_unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('start_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('closed_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('light', sa.String(length=10), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('light_computed', sa.String(length=10), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('light_reasons', JSON, nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('light_period', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('light_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('row_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.create_index('ix_task_lead_status_due', ['lead_unit_id', 'status', 'due_date', 'id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_task_lead_unit_id_unit'), 'unit', ['lead_unit_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_task_closed_by_user_account'), 'user_account', ['closed_by'], ['id'])

    # Backfill existing tasks: the lead unit from assignments, the start from the policy's issue date.
    op.execute(
        "UPDATE task SET lead_unit_id = (SELECT a.unit_id FROM assignment a WHERE a.task_id = task.id "
        "AND a.role = 'lead' ORDER BY a.seq LIMIT 1)"
    )
    op.execute(
        "UPDATE task SET start_date = (SELECT p.issued_on FROM measure m JOIN policy p ON p.id = m.policy_id "
        "WHERE m.id = task.measure_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_task_closed_by_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_task_lead_unit_id_unit'), type_='foreignkey')
        batch_op.drop_index('ix_task_lead_status_due')
        batch_op.drop_column('row_version')
        batch_op.drop_column('light_on')
        batch_op.drop_column('light_period')
        batch_op.drop_column('light_reasons')
        batch_op.drop_column('light_computed')
        batch_op.drop_column('light')
        batch_op.drop_column('closed_by')
        batch_op.drop_column('closed_on')
        batch_op.drop_column('start_date')
        batch_op.drop_column('lead_unit_id')
        batch_op.drop_column('depth')
        batch_op.drop_column('kind')

    with op.batch_alter_table('policy', schema=None) as batch_op:
        batch_op.drop_column('demo')
        batch_op.drop_column('as_of')
        batch_op.drop_column('points')
        batch_op.drop_column('thresholds')
        batch_op.drop_column('due_day')
        batch_op.drop_column('cadence')

    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_indicator_parent_indicator_id_indicator'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_indicator_parent_indicator_id'))
        batch_op.drop_column('trajectory')
        batch_op.drop_column('parent_indicator_id')
        batch_op.drop_column('additive')

    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_report_id'))

    op.drop_table('review')
    op.drop_table('report_version')
    op.drop_table('report_value')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_report_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('ix_report_task_period')
        batch_op.drop_index('ix_report_status')

    op.drop_table('report')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_unit_status')
        batch_op.drop_index('ix_notice_task_key')

    op.drop_table('notice')
    with op.batch_alter_table('light_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_light_override_task_id'))

    op.drop_table('light_override')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
