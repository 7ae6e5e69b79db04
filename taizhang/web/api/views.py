"""Read models → response bodies, where a service's shape differs from the API's."""

from __future__ import annotations

from decimal import Decimal

from taizhang.ledger.rows import TaskDetail
from taizhang.reporting.models import Report
from taizhang.supervision.models import Notice
from taizhang.supervision.service import UrgeRow
from taizhang.web.api.schemas import NoticeOut, ReportOut, TaskDetailOut, TaskOut, UrgeOut


def report_out(report: Report) -> ReportOut:
    return ReportOut.model_validate({
        **{k: getattr(report, k) for k in ("id", "task_id", "period", "unit_id", "kind", "status", "progress",
                                            "problems", "next_steps", "claimed_status", "version", "submitted_at",
                                            "approved_at")},
        "values": {v.indicator_id: Decimal(v.actual) for v in report.values},
        "reviews": report.reviews,
        "attachments": report.attachments,
    })


def task_detail_out(detail: TaskDetail) -> TaskDetailOut:
    return TaskDetailOut.model_validate({
        "task": TaskOut.model_validate(detail.row), "content": detail.row.content, "policy_id": detail.policy_id,
        "as_of": detail.as_of, "start_date": detail.start_date, "closed_on": detail.closed_on, "light": detail.light,
        "light_computed": detail.light_computed, "light_reasons": detail.light_reasons,
        "light_period": detail.light_period, "overridden": detail.overridden, "indicators": detail.indicators,
        "subtasks": detail.subtasks, "parent_id": detail.parent[0] if detail.parent else None,
        "warnings": detail.warnings,
    })


def urge_out(row: UrgeRow) -> UrgeOut:
    return UrgeOut(
        task_id=row.item.task_id, task_title=row.task_title, unit_id=row.item.unit_id, unit_name=row.unit_name,
        reason=row.item.reason, text=row.item.text, key=row.item.key,
        next_step=row.next.step if row.next else None, answer_by=row.next.answer_by if row.next else None,
        notices=[notice_out(n) for n in row.notices],
    )


def notice_out(notice: Notice) -> NoticeOut:
    return NoticeOut.model_validate(notice)
