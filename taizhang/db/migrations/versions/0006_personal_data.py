"""personal data: payout identities sealed with the data key, applicants found by a keyed hash, bad
values kept masked, extracts of completed batches deleted

Revision ID: 0006
Revises: 0005

Expand, backfill and drop in one step, against docs/migrations.md's usual split: the plaintext
identity column must not outlive the upgrade, and no code may keep writing it. The backfill needs the
personal-data key (``TAIZHANG_DATA_KEY_FILE``; ``taizhang init`` creates it before migrating) only
when payouts exist. Downgrade decrypts identities back; masked error values and deleted extracts stay
as they are, and ``applicant_key`` keeps the hash (the old code only wrote it).

Frozen in time: this file imports no application code. Where the key file and the data directory
are (the settings as they read the environment and ``.env``), the sealed format ("v1:" +
base64(nonce ‖ ciphertext ‖ tag), AES-256-GCM; HMAC-SHA256 look-up hashes) and the masking rules are
copied here as they were when it was written, so later changes to ``taizhang.settings`` or
``taizhang.privacy`` cannot change what this upgrade does. ``tests/privacy/test_migration.py`` checks
that what it stores is what ``taizhang.privacy`` reads.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from dotenv import dotenv_values
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


# ---------------------------------------------------------------- settings, as taizhang.settings read them


def _setting(name: str) -> str | None:
    """``TAIZHANG_<NAME>`` from the environment, else from ``.env`` in the working directory (names in
    any case, the environment first), else None."""
    for source in (os.environ, dotenv_values(".env")):
        for key, value in source.items():
            if key.lower() == f"taizhang_{name}" and value is not None:
                return value
    return None


def _data_dir() -> Path:
    value = _setting("data_dir")
    return Path(value) if value is not None else Path("var")


def _key_file() -> Path:
    value = _setting("data_key_file")
    return Path(value) if value is not None else _data_dir() / "data.key"


# ---------------------------------------------------------------- the data key, as taizhang.privacy.crypto used it


class _DataKey:
    """Sealing ("v1:" + base64(12-byte nonce ‖ AES-256-GCM ciphertext ‖ tag)) and keyed look-up hashes."""

    def __init__(self, key: bytes) -> None:
        self._cipher = AESGCM(key)
        self._hash_key = hashlib.sha256(b"taizhang-lookup" + key).digest()

    def encrypt(self, plaintext: str) -> str:
        nonce = secrets.token_bytes(12)
        return "v1:" + base64.b64encode(nonce + self._cipher.encrypt(nonce, plaintext.encode("utf-8"), None)).decode("ascii")

    def decrypt(self, token: str) -> str:
        if not token.startswith("v1:"):
            raise RuntimeError("加密数据格式不认识（可能不是本系统加密的数据）。")
        raw = base64.b64decode(token[3:])
        return self._cipher.decrypt(raw[:12], raw[12:], None).decode("utf-8")

    def lookup_hash(self, value: str) -> str:
        return hmac.digest(self._hash_key, value.encode("utf-8"), "sha256").hex()


def _key() -> _DataKey:
    path = _key_file()
    if not path.exists():
        raise RuntimeError(f"个人信息加密密钥文件不存在：{path}。请先运行 taizhang init 生成，并与数据库分开备份。")
    data = base64.b64decode(path.read_bytes().strip())
    if len(data) != 32:
        raise RuntimeError(f"个人信息加密密钥文件 {path} 内容不正确（应为32字节密钥的 base64）。")
    return _DataKey(data)


# ---------------------------------------------------------------- masking, as taizhang.privacy.masking did it


def _mask(value: str, head: int, tail: int = 0) -> str:
    """Keep ``head`` characters at the start and ``tail`` at the end; every other one becomes ``*``."""
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + (value[len(value) - tail:] if tail else "")


def _mask_id_number(number: str) -> str:
    return _mask(number, 3, 4)


def _mask_name(name: str) -> str:
    return _mask(name.strip(), 1)


_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_CODE_LIKE = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NP-RTUWXY]{18}(?![0-9A-Za-z])")
_PHONE_LIKE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _redact_text(text: str) -> str:
    text = _ID_LIKE.sub(lambda m: _mask(m.group(), 3, 4), text)
    text = _CODE_LIKE.sub(lambda m: _mask(m.group(), 6, 4), text)
    return _PHONE_LIKE.sub(lambda m: _mask(m.group(), 3, 4), text)


# ---------------------------------------------------------------- the migration


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
    rules = dict(connection.execute(sa.select(job.c.id, job.c.rule)).all())
    rows = connection.execute(sa.select(error.c.id, error.c.job_id, error.c.field, error.c.value).where(
        error.c.field.in_(("id_number", "credit_code", "person_name", "name")))).all()
    for row in rows:
        if row.value == MISSING:
            continue
        if row.field in ("id_number", "credit_code"):  # a duplicate's value joins its key fields with 、
            masked = "、".join(_mask_id_number(part) for part in row.value.split("、"))
        elif row.field == "person_name" or rules.get(row.job_id) in PERSON_RULES:
            masked = _mask_name(row.value)
        else:
            continue
        connection.execute(error.update().where(error.c.id == row.id).values(value=masked))


def _redact_messages(connection) -> None:
    for row in connection.execute(sa.select(job.c.id, job.c.message).where(job.c.status == "failed")).all():
        message = re.sub(r"(Expected \d+ columns, got \d+): .*", r"\1", row.message or "", flags=re.S)
        connection.execute(job.update().where(job.c.id == row.id).values(message=_redact_text(message)))


def _delete_completed_extracts(connection) -> None:
    completed = connection.execute(sa.select(job.c.id, job.c.stored_name).where(job.c.status == "completed")).all()
    if not completed:
        return
    storage = _data_dir() / "fulfillment"
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
