"""Every table, imported in one place so Alembic and tests see the whole schema."""

from taizhang.audit.models import AuditEvent
from taizhang.auth.models import ApiToken, PasswordHistory, RateCount, User, WebSession
from taizhang.db.base import Base
from taizhang.fulfillment.models import FulfillmentJob, Payout, RowProblem
from taizhang.jobs.models import Job
from taizhang.ledger.models import Assignment, Indicator, Measure, Policy, Section, Task, Unit
from taizhang.reporting.models import Attachment, Report, ReportValue, ReportVersion, Review
from taizhang.supervision.models import LightOverride, Notice

__all__ = [
    "ApiToken", "Assignment", "Attachment", "AuditEvent", "Base", "FulfillmentJob", "Indicator", "LightOverride",
    "Job", "Measure", "Notice", "Payout", "RowProblem",
    "PasswordHistory", "Policy", "RateCount", "Report", "ReportValue", "ReportVersion", "Review", "Section", "Task", "Unit", "User", "WebSession",
]
