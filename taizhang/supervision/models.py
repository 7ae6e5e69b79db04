"""Supervision: 催办/督办 notices to units, and the supervision office's light overrides."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from taizhang.db.base import Base, UTCDateTime, utcnow

NOTICE_STATUSES = {"open": "待回复", "answered": "已回复", "closed": "已办结"}


class Notice(Base):
    """A 催办 reminder or an escalating 督办单 (blue → orange → red) sent to a unit about a task."""

    __tablename__ = "notice"
    __table_args__ = (
        Index("ix_notice_unit_status", "unit_id", "status"),
        Index("ix_notice_task_key", "task_id", "item_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    step: Mapped[str] = mapped_column(String(10))  # reminder | blue | orange | red
    item_key: Mapped[str] = mapped_column(String(80))  # what is being urged (reminders.UrgeItem.key)
    reason: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_on: Mapped[date] = mapped_column(Date)
    answer_by: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answer: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class LightOverride(Base):
    """A supervisor's override of a task's light, with its reason; both lights are kept."""

    __tablename__ = "light_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    light: Mapped[str] = mapped_column(String(10))
    computed: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    overridden_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    overridden_on: Mapped[date] = mapped_column(Date)
    overridden_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
