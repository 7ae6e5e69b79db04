"""Every table, imported in one place so Alembic and tests see the whole schema."""

from taizhang.audit.models import AuditEvent
from taizhang.auth.models import User, WebSession
from taizhang.db.base import Base
from taizhang.ledger.models import Assignment, Indicator, Measure, Policy, Section, Task, Unit

__all__ = [
    "AuditEvent", "Assignment", "Base", "Indicator", "Measure", "Policy", "Section", "Task", "Unit", "User",
    "WebSession",
]
