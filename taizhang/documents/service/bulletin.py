"""The monthly 通报 of a period, from approved data only: counts and their change since the previous
period, a table by section, the units' ranking (``supervision.service.unit_scores``), the red and
overdue tasks with their units, charts, and a 下一步工作要求 the office edits before issuing it.

Counts are over the policy's tasks (measures); red and overdue lists name sub-tasks too, since a
county lagging behind is what the office needs to see.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from sqlalchemy.orm import Session

from taizhang.audit.service import record
from taizhang.auth.permissions import Actor, require
from taizhang.documents.convert import docx_to_pdf, pdf_fonts
from taizhang.documents.service.facts import PeriodFacts, period_facts
from taizhang.exports.bulletin_docx import bulletin_docx
from taizhang.exports.charts import progress_chart, score_chart
from taizhang.exports.rows import BulletinData, FlaggedTask, RankedUnit, SectionCounts, tally
from taizhang.ledger.models import Policy, Task
from taizhang.ledger.periods import format_date, period_end, period_label, previous_period
from taizhang.ledger.service.lights import as_of
from taizhang.ledger.vocabulary import SCORE_KINDS
from taizhang.policy.segment import leading_marker
from taizhang.supervision.service import unit_scores

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
_LIGHT_KINDS = frozenset({"yellow", "orange", "red", "completed_on_time"})


@dataclass(frozen=True)
class BulletinFile:
    data: bytes
    filename: str
    content_type: str
    rows: int  # tasks counted


def bulletin_file(*, session: Session, actor: Actor, period: str, pdf: bool = False) -> BulletinFile:
    """The 通报 as .docx (official fonts), or as PDF rendered by LibreOffice with the installed fonts."""
    require(actor, "bulletin.create")
    data = bulletin_data(session=session, actor=actor, period=period)
    content = docx_to_pdf(bulletin_docx(data, pdf_fonts()), name=data.title) if pdf else bulletin_docx(data)
    fmt = "pdf" if pdf else "docx"
    record("bulletin.create", session=session, actor=actor, object_type="policy", object_id=None,
           detail={"period": period, "format": fmt, "rows": data.counts.total, "red": len(data.red),
                   "overdue": len(data.overdue), "units": len(data.ranking)})
    session.commit()
    return BulletinFile(data=content, filename=f"重点任务推进情况通报-{period}.{fmt}", content_type=PDF if pdf else DOCX,
                        rows=data.counts.total)


def bulletin_data(*, session: Session, actor: Actor, period: str) -> BulletinData:
    require(actor, "bulletin.create")
    facts = period_facts(session=session, actor=actor, period=period)
    top = [t for t in facts.tasks if t.parent_id is None]
    previous, previous_label = _previous_counts(session, actor, facts)
    sections = _sections(facts, top)
    ranking = tuple(
        RankedUnit(rank=row.rank, name=row.unit_name, score=row.total, notes=_notes(row.lines))
        for row in unit_scores(facts.period, session=session, actor=actor)
    )
    issued = as_of(session)
    policy = facts.policy
    return BulletinData(
        title=f"关于{facts.label}重点任务推进情况的通报", doc_number=f"××〔{issued.year}〕××号",
        recipients="，".join((policy.parsed or {}).get("recipients") or ["各有关单位"]),
        policy_name=policy_name(policy.title), period_label=facts.label, judged_on=facts.day,
        issuer=issuer_of(policy), issued_on=issued, counts=tally(_facts(facts, top)), previous=previous,
        previous_label=previous_label, sections=sections, ranking=ranking,
        red=tuple(_flag(facts, t, _red_reason(facts, t)) for t in facts.tasks
                  if facts.light(t) == "red" and facts.statuses[t.id] != "overdue"),
        overdue=tuple(_flag(facts, t, _overdue_reason(facts, t)) for t in facts.tasks
                      if facts.statuses[t.id] == "overdue"),
        requirements=requirements(facts),
        charts=(progress_chart(sections, f"{facts.label}各类别重点任务推进情况"),
                score_chart(ranking, f"{facts.label}各牵头单位考核得分")),
    )


def policy_name(title: str) -> str:
    """《关于做好“六稳”工作落实“六保”任务的若干措施》 from the notice that issued it (印发…的通知)."""
    found = re.search(r"印发(.+)的通知$", title)
    return f"《{found.group(1) if found else title}》"


def issuer_of(policy: Policy) -> str:
    issuer = policy.issuer or ""
    return issuer[: -len("办公室")] + "督查室" if issuer.endswith("办公室") else f"{issuer}督查室"


def _facts(facts: PeriodFacts, tasks: list[Task]) -> list[tuple[str, str]]:
    return [(facts.statuses[t.id], facts.light(t)) for t in tasks]


def _previous_counts(session: Session, actor: Actor, facts: PeriodFacts):
    period = previous_period(facts.cadence, facts.period)
    started = facts.policy.issued_on
    if started is not None and period_end(facts.cadence, period) < started:
        return None, ""
    before = period_facts(session=session, actor=actor, period=period)
    return tally(_facts(before, [t for t in before.tasks if t.parent_id is None])), period_label(facts.cadence, period)


def _sections(facts: PeriodFacts, top: list[Task]) -> tuple[SectionCounts, ...]:
    groups: dict[tuple[int, str], list[Task]] = {}
    for task in top:
        s = task.measure.section
        groups.setdefault((s.no, s.title) if s else (0, "其他"), []).append(task)
    return tuple(SectionCounts(title=title, counts=tally(_facts(facts, tasks)),
                               lights=dict(Counter(facts.light(t) for t in tasks)))
                 for (_, title), tasks in sorted(groups.items()))


def _notes(lines) -> str:
    counts = Counter(line.kind for line in lines)
    return "，".join(f"{SCORE_KINDS[kind]}{n}{'项' if kind in _LIGHT_KINDS else '次'}"
                    for kind, n in counts.items()) or "—"


def _flag(facts: PeriodFacts, task: Task, reason: str) -> FlaggedTask:
    top = task
    while top.parent is not None:
        top = top.parent
    lead = [a.name_as_written for a in task.assignments if a.role == "lead"]
    return FlaggedTask(number=leading_marker(top.content), title=task.title, units="、".join(lead) or "—",
                       reason=reason)


def _red_reason(facts: PeriodFacts, task: Task) -> str:
    result = facts.results[task.id]
    reasons = [il.reason for il in result.indicators if il.light == "red" and il.reason]
    reasons += [r for r in result.reasons if r not in reasons and ("逾期" in r or "未按时报送" in r or "人工调整" in r)]
    return "；".join(reasons or result.reasons[:1])


def _overdue_reason(facts: PeriodFacts, task: Task) -> str:
    due = f"完成时限{format_date(task.due_date)}已过，任务尚未办结" if task.due_date else "已逾期，任务尚未办结"
    details = [il.reason for il in facts.results[task.id].indicators if il.light == "red" and il.reason]
    return "；".join([due, *details])


def requirements(facts: PeriodFacts) -> tuple[str, ...]:
    """A first draft of 下一步工作要求; the office rewrites it in Word before the 通报 is issued."""
    return (
        "各牵头单位要对照本通报，对红灯、逾期任务逐项分析原因，制定整改措施，明确完成时限，"
        "并在下期进展中报送整改情况。",
        "各配合单位要主动对接牵头单位，按时报送配合工作进展，确保数据真实准确、报送及时，做到一次报送、多方复用。",
        "督查室将持续跟踪调度，对连续两期亮红灯或逾期未完成的任务按程序发出督办单，并将推进情况纳入考核。",
    )
