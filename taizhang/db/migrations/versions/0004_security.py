"""security: lockout and second factor, session stages, password history, and a
tamper-evident audit chain that the database refuses to change

Revision ID: 0004
Revises: 0003
"""

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
REFUSE = "audit records cannot be changed or deleted"


def upgrade() -> None:
    op.create_table('password_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_password_history_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_history'))
    )
    with op.batch_alter_table('password_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_history_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_role', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('request_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('first_failed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=16), nullable=False, server_default='full'))
        batch_op.add_column(sa.Column('code_tries', sa.Integer(), nullable=False, server_default='0'))
    _chain_existing_records()
    _refuse_changes()


def _instant(value) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")


def _chain_existing_records() -> None:
    """Records written before the chain existed are chained in id order, the same way the
    application chains new ones (taizhang.audit.service.chain_hash)."""
    audit = sa.table('audit_event', sa.column('id', sa.Integer), sa.column('at', sa.DateTime(timezone=True)),
                     sa.column('actor_id', sa.Integer), sa.column('actor_name', sa.String),
                     sa.column('actor_role', sa.String), sa.column('action', sa.String),
                     sa.column('object_type', sa.String), sa.column('object_id', sa.String),
                     sa.column('outcome', sa.String), sa.column('source_ip', sa.String),
                     sa.column('request_id', sa.String), sa.column('detail', JSON),
                     sa.column('prev_hash', sa.String), sa.column('hash', sa.String))
    bind = op.get_bind()
    previous = GENESIS
    for row in bind.execute(sa.select(audit).order_by(audit.c.id)).mappings().all():
        fields = [previous, _instant(row['at']), str(row['actor_id'] or ""), row['actor_name'],
                  row['actor_role'] or "", row['action'], row['object_type'] or "", row['object_id'] or "",
                  row['outcome'], row['source_ip'] or "", row['request_id'] or "",
                  json.dumps(row['detail'] or {}, ensure_ascii=False, sort_keys=True)]
        digest = hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()
        bind.execute(audit.update().where(audit.c.id == row['id']).values(prev_hash=previous, hash=digest))
        previous = digest


def _refuse_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{REFUSE}'; END $$""")
        op.execute("CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
                   "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()")
        op.execute("CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse()")
    else:
        op.execute(f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                   f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END")
        op.execute(f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                   f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_no_change ON audit_event")
        op.execute("DROP TRIGGER audit_event_no_truncate ON audit_event")
        op.execute("DROP FUNCTION audit_event_refuse()")
    else:
        op.execute("DROP TRIGGER audit_event_no_update")
        op.execute("DROP TRIGGER audit_event_no_delete")
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_column('code_tries')
        batch_op.drop_column('stage')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('first_failed_at')
        batch_op.drop_column('failed_logins')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('request_id')
        batch_op.drop_column('actor_role')
    with op.batch_alter_table('password_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_history_user_id'))
    op.drop_table('password_history')
