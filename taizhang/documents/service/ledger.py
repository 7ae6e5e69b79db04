"""The 台账 of a period as the writers take it: approved figures only, what the user may see only."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from taizhang.audit.service import record
from taizhang.auth.permissions import Actor, require
from taizhang.clock import local_date
from taizhang.db.base import utcnow
from taizhang.documents.service.facts import PeriodFacts, period_facts
from taizhang.errors import ValidationFailed
from taizhang.exports.ledger_xlsx import ledger_csv, ledger_workbook
from taizhang.exports.rows import IndicatorLine, LedgerBook, LedgerLine, LedgerSection
from taizhang.exports.unit_ledger import unit_ledger_csv, unit_ledger_xlsx
from taizhang.exports.wording import deadline_text, indicator_text, units_text
from taizhang.ledger.models import Task
from taizhang.ledger.periods import period_start
from taizhang.ledger.rows import IndicatorRow
from taizhang.ledger.service.summaries import unit_ledger_rows
from taizhang.ledger.status import approved_value
from taizhang.ledger.vocabulary import LIGHT_LABELS, LIGHTS
from taizhang.policy.segment import leading_marker
from taizhang.reporting.models import Report

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv; charset=utf-8"}


@dataclass(frozen=True)
class LedgerFile:
    data: bytes
    filename: str
    content_type: str
    rows: int  # tasks and sub-tasks in the file


def export_ledger(*, session: Session, actor: Actor, period: str | None = None, unit: str | None = None,
                  section: int | None = None, light: str | None = None, fmt: str = "xlsx") -> LedgerFile:
    """The 台账 of a period (the running one by default) as .xlsx or .csv, recorded in the audit trail."""
    require(actor, "ledger.export")
    if fmt not in FORMATS:
        raise ValidationFailed(f"导出格式“{fmt}”无效，可选：xlsx、csv。")
    if light is not None and light not in LIGHTS:
        raise ValidationFailed(f"预警灯“{light}”无效，可选：{'、'.join(LIGHTS)}。")
    book = ledger_book(session=session, actor=actor, period=period, unit=unit, section=section, light=light)
    data = ledger_workbook(book) if fmt == "xlsx" else ledger_csv(book)
    rows = len(book.lines)
    record("ledger.export", session=session, actor=actor, object_type="policy", object_id=None,
           detail={"period": book.period, "unit": unit, "section": section, "light": light, "format": fmt,
                   "rows": rows})
    session.commit()
    return LedgerFile(data=data, filename=f"重点任务推进台账-{book.period}.{fmt}", content_type=FORMATS[fmt], rows=rows)


def export_unit_ledger(unit_id: int | None, *, session: Session, actor: Actor, fmt: str = "xlsx") -> LedgerFile:
    """Every task of a unit and the units under it (a city's whole ledger; everything for the 督查室
    without a unit), one row per task, recorded in the audit trail."""
    if fmt not in FORMATS:
        raise ValidationFailed(f"导出格式“{fmt}”无效，可选：xlsx、csv。")
    unit, rows = unit_ledger_rows(unit_id, session=session, actor=actor)
    name = f"{unit.name if unit else '全部单位'}重点任务台账"
    data = unit_ledger_xlsx(name, rows) if fmt == "xlsx" else unit_ledger_csv(rows)
    record("ledger.export", session=session, actor=actor, object_type="unit", object_id=unit.id if unit else None,
           detail={"unit_id": unit.id if unit else None, "scope": "unit_and_below", "format": fmt, "rows": len(rows)})
    session.commit()
    return LedgerFile(data=data, filename=f"{name}.{fmt}", content_type=FORMATS[fmt], rows=len(rows))


def ledger_book(*, session: Session, actor: Actor, period: str | None = None, unit: str | None = None,
                section: int | None = None, light: str | None = None) -> LedgerBook:
    facts = period_facts(session=session, actor=actor, period=period, unit=unit, section=section)
    shown = [t for t in facts.tasks if light is None or facts.light(t) == light]
    shown_ids = {t.id for t in shown}
    sections: dict[tuple[int, str], list[LedgerLine]] = {}
    for task in shown:
        s = task.measure.section
        key = (s.no, s.title) if s else (0, "")
        sections.setdefault(key, []).append(_line(facts, task, counted=task.parent_id not in shown_ids))
    notes = [f"单位：{unit}" if unit else "", f"第{section}部分" if section is not None else "",
             f"预警：{LIGHT_LABELS[light]}" if light else ""]
    return LedgerBook(
        policy_title=facts.policy.title, issuer=facts.policy.issuer, period=facts.period, period_label=facts.label,
        judged_on=facts.day, generated_at=utcnow(),
        sections=tuple(LedgerSection(no=no, title=title, lines=tuple(lines))
                       for (no, title), lines in sorted(sections.items())),
        filter_note="；".join(n for n in notes if n),
    )


def _line(facts: PeriodFacts, task: Task, *, counted: bool) -> LedgerLine:
    report = facts.reports.get(task.id)
    approved = report is not None and report.status == "approved"
    section = task.measure.section
    marker = leading_marker(task.content) if task.parent is None else ""
    return LedgerLine(
        number=facts.numbers[task.id], depth=task.depth, section=section.title if section else "",
        title=f"{marker}{task.title}", content=task.content, due=deadline_text(task.due_date, task.due_note),
        lead_units=units_text([a.name_as_written for a in task.assignments if a.role == "lead"]),
        co_units=units_text([a.name_as_written for a in task.assignments if a.role == "co"],
                            task.measure.units_open and task.parent is None),
        status=facts.statuses[task.id], light=facts.light(task),
        indicators=tuple(_indicator(facts, task, i, report if approved else None) for i in task.indicators),
        progress=report.progress if approved else "", problems=report.problems if approved else "",
        next_steps=report.next_steps if approved else "",
        reported_on=local_date(report.submitted_at) if report is not None and report.submitted_at else None,
        review=review_note(report), counted=counted, task_id=task.id,
    )


def _indicator(facts: PeriodFacts, task: Task, indicator, report: Report | None) -> IndicatorLine:
    snap = facts.snaps[task.id]
    judged = next((il for il in facts.results[task.id].indicators if il.indicator_id == indicator.id), None)
    cumulative = approved_value(snap, indicator.id, facts.day)
    period_value = None
    if report is not None:
        this = next((Decimal(v.actual) for v in report.values if v.indicator_id == indicator.id), None)
        if this is not None:
            period_value = this - _before(facts, task, indicator.id) if indicator.additive else this
    row = IndicatorRow(id=indicator.id, name=indicator.name, target_value=Decimal(indicator.target_value),
                       target_low=None if indicator.target_low is None else Decimal(indicator.target_low),
                       unit=indicator.unit, cmp=indicator.cmp, due_date=indicator.due_date)
    return IndicatorLine(
        text=indicator_text(row), unit=indicator.unit, period_value=period_value, cumulative=cumulative,
        completion=judged.actual_share if judged is not None and cumulative is not None else None,
        expected=judged.expected_share if judged is not None else None,
    )


def _before(facts: PeriodFacts, task: Task, indicator_id: int) -> Decimal:
    """The latest approved cumulative figure of a period before this one (0 when none)."""
    start = period_start(facts.cadence, facts.period)
    earlier = [(period_start(facts.cadence, r.period), r.values[indicator_id]) for r in facts.snaps[task.id].reports
               if r.approved_on is not None and indicator_id in r.values and period_start(facts.cadence, r.period) < start]
    return max(earlier, key=lambda e: e[0])[1] if earlier else Decimal(0)


def review_note(report: Report | None) -> str:
    """审核意见: the office's decision on the period's report, or where the report stands."""
    if report is None or report.status == "draft" and report.version == 0:
        return "本期未报送"
    decisions = [r for r in report.reviews if r.decision == report.status]
    reason = decisions[-1].reason if decisions else ""
    if report.status == "approved":
        when = f"（{local_date(report.approved_at):%Y-%m-%d}）" if report.approved_at else ""
        return f"审核通过{when}" + (f"：{reason}" if reason else "")
    if report.status == "returned":
        return f"已退回：{reason}" if reason else "已退回"
    if report.status == "submitted":
        return "已报送，待审核"
    return "已修改，尚未重新报送"
