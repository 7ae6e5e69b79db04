"""fulfillment: 免申即享 batches, their payouts and their bad rows

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fulfillment_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('evaluation_date', sa.Date(), nullable=False),
    sa.Column('source_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('review', sa.String(length=12), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=True),
    sa.Column('processed_rows', sa.Integer(), nullable=False),
    sa.Column('computed_rows', sa.Integer(), nullable=False),
    sa.Column('eligible_rows', sa.Integer(), nullable=False),
    sa.Column('error_rows', sa.Integer(), nullable=False),
    sa.Column('payout_count', sa.Integer(), nullable=False),
    sa.Column('total_amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('failed_counts', JSON, nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_fulfillment_job_created_by_user_account')),
    sa.ForeignKeyConstraint(['reviewed_by'], ['user_account.id'], name=op.f('fk_fulfillment_job_reviewed_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fulfillment_job')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_fulfillment_job_stored_name'))
    )
    op.create_table('fulfillment_error',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('row_no', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['fulfillment_job.id'], name=op.f('fk_fulfillment_error_job_id_fulfillment_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fulfillment_error'))
    )
    with op.batch_alter_table('fulfillment_error', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fulfillment_error_job_id'), ['job_id'], unique=False)

    op.create_table('fulfillment_payout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('row_no', sa.Integer(), nullable=False),
    sa.Column('applicant_key', sa.String(length=64), nullable=False),
    sa.Column('identity', JSON, nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('status_note', sa.Text(), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_changed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['fulfillment_job.id'], name=op.f('fk_fulfillment_payout_job_id_fulfillment_job'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_changed_by'], ['user_account.id'], name=op.f('fk_fulfillment_payout_status_changed_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fulfillment_payout')),
    sa.UniqueConstraint('job_id', 'row_no', name=op.f('uq_fulfillment_payout_job_id_row_no'))
    )
    with op.batch_alter_table('fulfillment_payout', schema=None) as batch_op:
        batch_op.create_index('ix_fulfillment_payout_job_status', ['job_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('fulfillment_payout', schema=None) as batch_op:
        batch_op.drop_index('ix_fulfillment_payout_job_status')

    op.drop_table('fulfillment_payout')
    with op.batch_alter_table('fulfillment_error', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fulfillment_error_job_id'))

    op.drop_table('fulfillment_error')
    op.drop_table('fulfillment_job')
