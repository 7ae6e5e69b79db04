"""Read models → response bodies, where a service's shape differs from the API's. Each returns plain
data; the route's ``response_model`` validates and documents it (once)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from taizhang.ledger.rows import TaskDetail, TaskHistory
from taizhang.reporting.models import Report
from taizhang.supervision.service import UrgeRow


def report_out(report: Report) -> dict[str, Any]:
    return {
        **{k: getattr(report, k) for k in ("id", "task_id", "period", "unit_id", "kind", "status", "progress",
                                            "problems", "next_steps", "claimed_status", "version", "submitted_at",
                                            "approved_at")},
        "values": {v.indicator_id: Decimal(v.actual) for v in report.values},
        "reviews": report.reviews,
        "attachments": report.attachments,
    }


def task_detail_out(detail: TaskDetail) -> dict[str, Any]:
    return {
        "task": detail.row, "content": detail.row.content, "policy_id": detail.policy_id,
        "as_of": detail.as_of, "start_date": detail.start_date, "closed_on": detail.closed_on, "light": detail.light,
        "light_computed": detail.light_computed, "light_reasons": detail.light_reasons,
        "light_period": detail.light_period, "overridden": detail.overridden, "indicators": detail.indicators,
        "subtasks": detail.subtasks, "parent_id": detail.parent[0] if detail.parent else None,
        "warnings": detail.warnings,
    }


def task_history_out(history: TaskHistory) -> dict[str, Any]:
    return {
        **{k: getattr(history, k) for k in ("id", "title", "status", "light", "depth", "start_date", "due_date",
                                             "closed_on", "indicators", "submissions")},
        "lead_unit": {"id": history.lead_unit_id, "name": history.lead_unit} if history.lead_unit_id else None,
        "co_units": [{"id": i, "name": n} for i, n in history.co_units],
        "parent": {"id": history.parent[0], "title": history.parent[1]} if history.parent else None,
    }


def urge_out(row: UrgeRow) -> dict[str, Any]:
    return {
        "task_id": row.item.task_id, "task_title": row.task_title, "unit_id": row.item.unit_id,
        "unit_name": row.unit_name, "reason": row.item.reason, "text": row.item.text, "key": row.item.key,
        "next_step": row.next.step if row.next else None, "answer_by": row.next.answer_by if row.next else None,
        "notices": row.notices,
    }
