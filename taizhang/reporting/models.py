"""Progress reports (进展), their submitted versions, review decisions and evidence attachments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taizhang.db.base import Base, JSONType, UTCDateTime, utcnow

REPORT_STATUSES = {"draft": "草稿", "submitted": "已报送", "returned": "已退回", "approved": "已审核"}
REPORT_KINDS = {"lead": "牵头单位报送", "contribution": "配合单位报送"}
CLAIMED_STATUSES = {"in_progress": "推进中", "completed": "已完成"}


class Report(Base):
    """One unit's report on one task for one period. Resubmitting replaces the working copy; every
    submission is kept as a ReportVersion."""

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("task_id", "period", "unit_id"),
        Index("ix_report_task_period", "task_id", "period"),
        Index("ix_report_status", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(12))  # 2020-09, 2020-W37, 2020-Q3
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    kind: Mapped[str] = mapped_column(String(12), default="lead")
    status: Mapped[str] = mapped_column(String(12), default="draft")
    progress: Mapped[str] = mapped_column(Text, default="")  # 进展情况
    problems: Mapped[str] = mapped_column(Text, default="")  # 存在问题
    next_steps: Mapped[str] = mapped_column(Text, default="")  # 下步打算
    claimed_status: Mapped[str] = mapped_column(String(12), default="in_progress")
    version: Mapped[int] = mapped_column(Integer, default=0)  # submissions so far
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    # Concurrent edits fail with a conflict instead of silently overwriting each other.
    __mapper_args__ = {"version_id_col": row_version}

    values: Mapped[list[ReportValue]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportValue.indicator_id"
    )
    versions: Mapped[list[ReportVersion]] = relationship(order_by="ReportVersion.version")
    reviews: Mapped[list[Review]] = relationship(order_by="Review.id")
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id")


class ReportValue(Base):
    """The cumulative actual of one indicator as reported."""

    __tablename__ = "report_value"
    __table_args__ = (UniqueConstraint("report_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    actual: Mapped[Decimal] = mapped_column(Numeric(24, 4))

    report: Mapped[Report] = relationship(back_populates="values")


class ReportVersion(Base):
    """An immutable copy of a report as submitted (全程留痕)."""

    __tablename__ = "report_version"
    __table_args__ = (UniqueConstraint("report_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Review(Base):
    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(12))  # approved | returned
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(Base):
    """Evidence for a report, stored outside the web root under a generated name."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
