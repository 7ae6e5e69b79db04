"""The job table: one row per unit of background work, claimed by one worker at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from taizhang.db.base import Base, JSONType, UTCDateTime, utcnow

JOB_STATES = {"queued": "排队中", "running": "运行中", "done": "已完成", "failed": "失败"}


class Job(Base):
    """A unit of work for a handler (``kind``). A running job whose lease ran out — its worker died —
    is claimed again; ``dedupe_key`` makes an enqueue by several processes happen once."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_claim", "state", "run_after", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    worker: Mapped[str | None] = mapped_column(String(100))  # host:pid of the claiming worker
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
