"""Every table, imported in one place so Alembic and tests see the whole schema."""

from taizhang.audit.models import AuditEvent
from taizhang.auth.models import ApiToken, User, WebSession
from taizhang.db.base import Base
from taizhang.ledger.models import Assignment, Indicator, Measure, Policy, Section, Task, Unit
from taizhang.reporting.models import Attachment, Report, ReportValue, ReportVersion, Review
from taizhang.supervision.models import LightOverride, Notice

__all__ = [
    "ApiToken", "Assignment", "Attachment", "AuditEvent", "Base", "Indicator", "LightOverride", "Measure", "Notice",
    "Policy", "Report", "ReportValue", "ReportVersion", "Review", "Section", "Task", "Unit", "User", "WebSession",
]
