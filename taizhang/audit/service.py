"""Recording audit events. Every write use case records one in its own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from taizhang.audit.models import AuditEvent
from taizhang.auth.permissions import Actor


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
    event = AuditEvent(
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        outcome=outcome,
        source_ip=actor.source_ip,
        detail=detail or {},
    )
    session.add(event)
    return event

