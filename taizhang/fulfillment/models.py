"""免申即享 (auto-grant): a batch computed from a registry extract, its payouts and its bad rows.

No personal value is stored in the clear: a payout's identity is sealed with the data key (a file
outside the database), its applicant is found by a keyed hash, and a bad row keeps its value masked.
The extract itself is deleted once its batch has completed (its sha256 stays on the job).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from taizhang.db.base import Base, JSONType, UTCDateTime, utcnow

JOB_STATUSES = {"queued": "排队中", "running": "计算中", "completed": "已完成", "failed": "失败"}
REVIEW_STATUSES = {"pending": "待审核", "approved": "审核通过", "rejected": "已退回"}
PAYOUT_STATUSES = {"proposed": "拟兑现", "published": "已公示", "paid": "已拨付", "returned": "退回"}


class FulfillmentJob(Base):
    """One registry extract run through one rule on one evaluation date, with its progress."""

    __tablename__ = "fulfillment_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(64))
    evaluation_date: Mapped[date] = mapped_column(Date)
    source_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    source_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the extract, once completed
    status: Mapped[str] = mapped_column(String(12), default="queued")
    review: Mapped[str] = mapped_column(String(12), default="pending")
    total_rows: Mapped[int | None] = mapped_column(Integer)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    computed_rows: Mapped[int] = mapped_column(Integer, default=0)
    eligible_rows: Mapped[int] = mapped_column(Integer, default=0)
    error_rows: Mapped[int] = mapped_column(Integer, default=0)
    payout_count: Mapped[int] = mapped_column(Integer, default=0)
    total_amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    failed_counts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    message: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")


class Payout(Base):
    """An eligible row with an amount: what is proposed, published, paid or returned."""

    __tablename__ = "fulfillment_payout"
    __table_args__ = (UniqueConstraint("job_id", "row_no"), Index("ix_fulfillment_payout_job_status", "job_id", "status"),
                      Index("ix_fulfillment_payout_applicant_key", "applicant_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("fulfillment_job.id", ondelete="CASCADE"))
    row_no: Mapped[int] = mapped_column(Integer)
    applicant_key: Mapped[str] = mapped_column(String(64))  # keyed hash (HMAC-SHA256) of the key fields
    identity_sealed: Mapped[str] = mapped_column(Text)  # AES-256-GCM of the identity inputs' JSON
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    status_note: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class RowProblem(Base):
    """A row of the extract that could not be computed, with its field and the reason."""

    __tablename__ = "fulfillment_error"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("fulfillment_job.id", ondelete="CASCADE"), index=True)
    row_no: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)  # as written, masked when the field holds personal data
    reason: Mapped[str] = mapped_column(Text)
