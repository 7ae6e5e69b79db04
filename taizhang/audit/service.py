"""Recording audit events in a hash chain, and checking the chain.

Every record's hash covers its own fields and the previous record's hash, so editing or deleting a
record by hand breaks the chain at that point (``verify_chain`` names the first broken link). The
database refuses UPDATE and DELETE on the table (triggers, migration 0004). Writers take the chain in
turn: a transaction-scoped advisory lock on PostgreSQL; on SQLite write transactions already begin
with BEGIN IMMEDIATE, so only one writer runs at a time.
"""

from __future__ import annotations

import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from taizhang.audit.models import AuditEvent
from taizhang.auth.permissions import Actor, require
from taizhang.db.base import utcnow
from taizhang.ledger.rows import Page

CHAIN_LOCK = 7_413_296  # the PostgreSQL advisory lock key of the audit chain
GENESIS = "0" * 64
request_id: ContextVar[str | None] = ContextVar("taizhang_request_id", default=None)


def record(
    action: str,
    *,
    session: Session,
    actor: Actor,
    object_type: str | None = None,
    object_id: int | str | None = None,
    outcome: str = "success",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event to the chain inside the caller's transaction (committed with it)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    session.flush()
    previous = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor.user_id,
        actor_name=actor.username[:64],
        actor_role=actor.role,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        outcome=outcome,
        source_ip=actor.source_ip,
        detail=json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str)),
        request_id=request_id.get(),
        prev_hash=previous,
    )
    event.hash = chain_hash(event, previous)  # complete before the INSERT: the row is never updated
    session.add(event)
    session.flush()
    return event


def chain_hash(event: AuditEvent, previous: str) -> str:
    fields = [
        previous, _instant(event.at), str(event.actor_id or ""), event.actor_name,
        event.actor_role or "", event.action, event.object_type or "", event.object_id or "", event.outcome,
        event.source_ip or "", event.request_id or "", json.dumps(event.detail or {}, ensure_ascii=False, sort_keys=True),
    ]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None  # an exact action or a prefix ending in "." (login.)
    actor: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def list_events(
    *, session: Session, actor: Actor, where: AuditFilter = AuditFilter(), limit: int = 50, offset: int = 0,
) -> Page[AuditEvent]:
    """The audit trail, newest first, for the audit administrator (read only; nobody can edit it)."""
    require(actor, "audit.view")
    query = select(AuditEvent)
    if where.action:
        query = query.where(AuditEvent.action.startswith(where.action) if where.action.endswith(".")
                            else AuditEvent.action == where.action)
    if where.actor:
        query = query.where(AuditEvent.actor_name == where.actor)
    if where.outcome:
        query = query.where(AuditEvent.outcome == where.outcome)
    if where.since:
        query = query.where(AuditEvent.at >= where.since)
    if where.until:
        query = query.where(AuditEvent.at < where.until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit).offset(offset)))
    return Page(items=items, total=total, limit=limit, offset=offset)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # the id of the first record whose link does not hold
    reason: str | None


def verify_chain(*, session: Session, actor: Actor, batch: int = 5000) -> ChainReport:
    """Walk the chain from the first record; stop at the first record whose hash or link is wrong."""
    require(actor, "audit.verify")
    previous, checked, last_id = GENESIS, 0, 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            return ChainReport(checked=checked, broken_at=None, reason=None)
        for event in rows:
            if event.prev_hash != previous:
                return ChainReport(checked, event.id, f"第{event.id}条记录与前一条记录的链接不符（前一条被修改或删除）")
            if event.hash != chain_hash(event, previous):
                return ChainReport(checked, event.id, f"第{event.id}条记录的内容与其哈希不符（记录被修改）")
            previous, checked, last_id = event.hash, checked + 1, event.id
        session.expunge_all()
