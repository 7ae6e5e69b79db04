"""personal data: payout identities sealed with the data key, applicants found by a keyed hash, bad
values kept masked, extracts of completed batches deleted

Revision ID: 0006
Revises: 0005

Expand, backfill and drop in one step, against docs/migrations.md's usual split: the plaintext
identity column must not outlive the upgrade, and no code may keep writing it. The backfill needs the
personal-data key (``TAIZHANG_DATA_KEY_FILE``; ``taizhang init`` creates it before migrating) only
when payouts exist, and uses ``taizhang.privacy`` so that the stored format is the one the code reads.
Downgrade decrypts identities back; masked error values and deleted extracts stay as they are, and
``applicant_key`` keeps the hash (the old code only wrote it).
"""

import json
import re

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

PERSON_RULES = ("flexible_employment_subsidy", "startup_loan_ceiling", "temporary_relief_approval")
MISSING = "（未填写）"
ROW_NUMBER_KEY = re.compile(r"第\d+条")

job = sa.table("fulfillment_job", sa.column("id", sa.Integer), sa.column("rule", sa.String),
               sa.column("status", sa.String), sa.column("stored_name", sa.String), sa.column("message", sa.Text),
               sa.column("source_deleted_at", sa.DateTime(timezone=True)))
payout = sa.table("fulfillment_payout", sa.column("id", sa.Integer), sa.column("applicant_key", sa.String),
                  sa.column("identity", JSON), sa.column("identity_sealed", sa.Text))
error = sa.table("fulfillment_error", sa.column("id", sa.Integer), sa.column("job_id", sa.Integer),
                 sa.column("field", sa.String), sa.column("value", sa.Text))


def _settings():
    from taizhang.settings import get_settings

    return get_settings()


def _key():
    from taizhang.privacy.crypto import load_key

    return load_key(_settings().key_file)


def upgrade() -> None:
    with op.batch_alter_table('fulfillment_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_deleted_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('fulfillment_payout', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identity_sealed', sa.Text(), nullable=True))
    connection = op.get_bind()
    _seal_payouts(connection)
    _mask_errors(connection)
    _redact_messages(connection)
    _delete_completed_extracts(connection)
    with op.batch_alter_table('fulfillment_payout', schema=None) as batch_op:
        batch_op.alter_column('identity_sealed', existing_type=sa.Text(), nullable=False)
        batch_op.drop_column('identity')
        batch_op.create_index('ix_fulfillment_payout_applicant_key', ['applicant_key'], unique=False)


def _seal_payouts(connection) -> None:
    rows = connection.execute(sa.select(payout.c.id, payout.c.applicant_key, payout.c.identity)).all()
    if not rows:
        return
    key = _key()
    for row in rows:
        identity = row.identity if isinstance(row.identity, dict) else json.loads(row.identity or "{}")
        plain = row.applicant_key
        if ROW_NUMBER_KEY.fullmatch(plain):  # a rule without a key: the person's identifiers instead
            plain = "/".join(str(identity[name]) for name in ("credit_code", "id_number") if name in identity)
        connection.execute(payout.update().where(payout.c.id == row.id).values(
            applicant_key=key.lookup_hash(plain),
            identity_sealed=key.encrypt(json.dumps(identity, ensure_ascii=False))))


def _mask_errors(connection) -> None:
    from taizhang.privacy.masking import mask_id_number, mask_name

    rules = dict(connection.execute(sa.select(job.c.id, job.c.rule)).all())
    rows = connection.execute(sa.select(error.c.id, error.c.job_id, error.c.field, error.c.value).where(
        error.c.field.in_(("id_number", "credit_code", "person_name", "name")))).all()
    for row in rows:
        if row.value == MISSING:
            continue
        if row.field in ("id_number", "credit_code"):  # a duplicate's value joins its key fields with 、
            masked = "、".join(mask_id_number(part) for part in row.value.split("、"))
        elif row.field == "person_name" or rules.get(row.job_id) in PERSON_RULES:
            masked = mask_name(row.value)
        else:
            continue
        connection.execute(error.update().where(error.c.id == row.id).values(value=masked))


def _redact_messages(connection) -> None:
    from taizhang.privacy.masking import redact_text

    for row in connection.execute(sa.select(job.c.id, job.c.message).where(job.c.status == "failed")).all():
        message = re.sub(r"(Expected \d+ columns, got \d+): .*", r"\1", row.message or "", flags=re.S)
        connection.execute(job.update().where(job.c.id == row.id).values(message=redact_text(message)))


def _delete_completed_extracts(connection) -> None:
    from datetime import UTC, datetime

    completed = connection.execute(sa.select(job.c.id, job.c.stored_name).where(job.c.status == "completed")).all()
    if not completed:
        return
    storage = _settings().data_dir / "fulfillment"
    for row in completed:
        (storage / row.stored_name).unlink(missing_ok=True)
        connection.execute(job.update().where(job.c.id == row.id).values(source_deleted_at=datetime.now(UTC)))


def downgrade() -> None:
    with op.batch_alter_table('fulfillment_payout', schema=None) as batch_op:
        batch_op.drop_index('ix_fulfillment_payout_applicant_key')
        batch_op.add_column(sa.Column('identity', JSON, nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(payout.c.id, payout.c.identity_sealed)).all()
    if rows:
        key = _key()
        for row in rows:
            connection.execute(payout.update().where(payout.c.id == row.id).values(
                identity=json.loads(key.decrypt(row.identity_sealed))))
    with op.batch_alter_table('fulfillment_payout', schema=None) as batch_op:
        batch_op.alter_column('identity', existing_type=JSON, nullable=False)
        batch_op.drop_column('identity_sealed')
    # Not through batch_alter_table: on SQLite that copies the table and drops the old one, and with
    # foreign keys on, dropping fulfillment_job would cascade to every payout and bad row. SQLite has
    # dropped columns in place since 3.35.
    op.drop_column('fulfillment_job', 'source_deleted_at')
