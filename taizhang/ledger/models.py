"""The ledger's tables: policies and their measures, units, tasks, assignments, indicators."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taizhang.db.base import Base, JSONType, UTCDateTime, utcnow


class Unit(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # canonical, or as written when unknown
    short_name: Mapped[str] = mapped_column(String(200))  # as documents write it (市人社局)
    kind: Mapped[str] = mapped_column(String(20), default="department")
    in_directory: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)  # a city's departments
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Policy(Base):
    __tablename__ = "policy"
    __table_args__ = (UniqueConstraint("doc_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_key: Mapped[str] = mapped_column(String(64), index=True)  # same document across versions
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    title: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(String(200))
    issued_on: Mapped[date | None] = mapped_column(Date)
    doc_number: Mapped[str | None] = mapped_column(String(100))
    source_name: Mapped[str] = mapped_column(String(255))
    source_text: Mapped[str] = mapped_column(Text)
    parsed: Mapped[dict[str, Any]] = mapped_column(JSONType)  # the `taizhang parse --json` document
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Reporting cycle and the ledger's rules for this policy (defaults when null).
    cadence: Mapped[str] = mapped_column(String(12), default="monthly")  # monthly | weekly | quarterly
    due_day: Mapped[int | None] = mapped_column(Integer)  # 25 (monthly), 5 = Friday (weekly), 10 (quarterly)
    thresholds: Mapped[dict[str, Any] | None] = mapped_column(JSONType)  # status.Thresholds fields
    points: Mapped[dict[str, Any] | None] = mapped_column(JSONType)  # scoring.PointsTable fields
    # Demo data is computed as of a fixed day so its lights tell the story they were made for.
    as_of: Mapped[date | None] = mapped_column(Date)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)

    sections: Mapped[list[Section]] = relationship(back_populates="policy", order_by="Section.no")
    measures: Mapped[list[Measure]] = relationship(back_populates="policy", order_by="Measure.seq")


class Section(Base):
    __tablename__ = "section"
    __table_args__ = (UniqueConstraint("policy_id", "no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id", ondelete="CASCADE"))
    no: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)

    policy: Mapped[Policy] = relationship(back_populates="sections")


class Measure(Base):
    __tablename__ = "measure"
    __table_args__ = (UniqueConstraint("policy_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id", ondelete="CASCADE"))
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    seq: Mapped[int] = mapped_column(Integer)  # order in the document
    no: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    units_open: Mapped[bool] = mapped_column(Boolean, default=False)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType)  # units, quantities, deadlines with spans

    policy: Mapped[Policy] = relationship(back_populates="measures")
    section: Mapped[Section | None] = relationship()


class Task(Base):
    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_policy_measure", "doc_key", "measure_key"),
        Index("ix_task_due", "due_date", "id"),
        Index("ix_task_lead_status_due", "lead_unit_id", "status", "due_date", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_key: Mapped[str] = mapped_column(String(64))
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id"))
    measure_key: Mapped[str] = mapped_column(String(40))  # "section.no": the measure across versions
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("task.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    due_note: Mapped[str | None] = mapped_column(String(200))  # event-relative limit (预算批复后60日内)
    status: Mapped[str] = mapped_column(String(20), default="not_started", index=True)
    kind: Mapped[str] = mapped_column(String(12), default="measure")  # measure | county | co_unit | item
    depth: Mapped[int] = mapped_column(Integer, default=0)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    start_date: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The light as last computed (refreshed on every report, review and override, and daily).
    light: Mapped[str] = mapped_column(String(10), default="none")
    light_computed: Mapped[str] = mapped_column(String(10), default="none")
    light_reasons: Mapped[list[str]] = mapped_column(JSONType, default=list)
    light_period: Mapped[str | None] = mapped_column(String(12))
    light_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    # Concurrent edits fail with a conflict instead of silently overwriting each other.
    __mapper_args__ = {"version_id_col": row_version}

    measure: Mapped[Measure] = relationship()
    lead_unit: Mapped[Unit | None] = relationship(foreign_keys=[lead_unit_id])
    parent: Mapped[Task | None] = relationship(remote_side="Task.id", back_populates="children")
    children: Mapped[list[Task]] = relationship(back_populates="parent", order_by="Task.id")
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="task", order_by="Assignment.seq", cascade="all, delete-orphan"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="task", order_by="Indicator.seq", cascade="all, delete-orphan"
    )


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("task_id", "unit_id"),
        Index("ix_assignment_unit_role", "unit_id", "role", "task_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    role: Mapped[str] = mapped_column(String(10))  # lead | co
    seq: Mapped[int] = mapped_column(Integer, default=0)  # order as written
    name_as_written: Mapped[str] = mapped_column(String(200))

    task: Mapped[Task] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()


class Indicator(Base):
    """A task's quantified target (量化指标) with the deadline it must be reached by."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("task_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)  # the quote from the measure (全年新增企业见习基地100个)
    target_value: Mapped[Decimal] = mapped_column(Numeric(24, 4))
    target_low: Mapped[Decimal | None] = mapped_column(Numeric(24, 4))  # ranges: [low, value]
    unit: Mapped[str] = mapped_column(String(40))
    cmp: Mapped[str] = mapped_column(String(10))
    due_date: Mapped[date | None] = mapped_column(Date)
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    additive: Mapped[bool] = mapped_column(Boolean, default=True)  # counts and money add up; rates do not
    parent_indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id"), index=True)
    trajectory: Mapped[list | None] = mapped_column(JSONType)  # [[YYYY-MM-DD, share 0–1], …] if not linear

    task: Mapped[Task] = relationship(back_populates="indicators")
