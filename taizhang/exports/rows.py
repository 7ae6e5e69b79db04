"""What the document writers take: plain, already-judged rows. Services build them; writers only lay out.

Figures are approved figures only; texts are the user's own and are neutralised by the writers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

# ---------------------------------------------------------------- the 台账


@dataclass(frozen=True)
class IndicatorLine:
    """One quantified target of a task with the period's approved figures."""

    text: str  # 全年返还企业失业保险费3000万元以上：不低于3000万元（2020年12月31日前）
    unit: str  # 元, 人, %, ratio …
    period_value: Decimal | None = None  # 本期完成值 (None: no approved report for the period)
    cumulative: Decimal | None = None  # 累计完成值: the latest approved figure up to the period
    completion: Decimal | None = None  # 完成率, a share 0–1
    expected: Decimal | None = None  # 序时进度, a share 0–1


@dataclass(frozen=True)
class LedgerLine:
    """One task (or sub-task) of the 台账, with its indicators on rows of their own."""

    number: str  # 序号: "4", or "4-1" for the first sub-task of task 4
    depth: int
    section: str
    title: str
    content: str
    due: str
    lead_units: str
    co_units: str
    status: str  # 完成状态, as a label
    light: str  # a code of vocabulary.LIGHTS
    indicators: tuple[IndicatorLine, ...] = ()
    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    reported_on: date | None = None
    review: str = ""
    counted: bool = True  # counted in the summary (sub-tasks shown under their parent are not)
    task_id: int | None = None


@dataclass(frozen=True)
class LedgerSection:
    no: int
    title: str
    lines: tuple[LedgerLine, ...]


@dataclass(frozen=True)
class LedgerBook:
    policy_title: str
    issuer: str | None
    period: str  # 2020-09
    period_label: str  # 2020年9月
    judged_on: date
    generated_at: datetime
    sections: tuple[LedgerSection, ...]
    filter_note: str = ""

    @property
    def lines(self) -> list[LedgerLine]:
        return [line for section in self.sections for line in section.lines]


# ---------------------------------------------------------------- the progress template


@dataclass(frozen=True)
class TemplateIndicator:
    text: str
    unit: str
    identity: str  # the signed row identity (hidden column)
    last_approved: Decimal | None = None  # 上期审核通过的累计值
    value: Decimal | None = None  # the unit's working copy for the period, if any
    rolled_up: bool = False  # filled from the sub-tasks' approved figures: not typed by the unit


@dataclass(frozen=True)
class TemplateTask:
    number: str
    title: str
    content: str
    due: str
    role: str  # 牵头 / 配合
    indicators: tuple[TemplateIndicator, ...]
    identity: str  # used for the row of a task without indicators
    progress: str = ""
    problems: str = ""
    next_steps: str = ""
    status: str = ""  # 推进中 / 已完成 / ""


@dataclass(frozen=True)
class TemplateBook:
    policy_title: str
    unit_name: str
    period: str
    period_label: str
    due_on: date | None
    generated_at: datetime
    identity: str  # the signed identity of the file (unit, period, policy)
    tasks: tuple[TemplateTask, ...]


# ---------------------------------------------------------------- the bulletin (通报)


@dataclass(frozen=True)
class Counts:
    total: int = 0
    completed: int = 0  # 已完成 (on time or late)
    on_track: int = 0  # 达进度: green or blue, not completed
    behind: int = 0  # 欠进度: yellow, orange or red, not overdue
    overdue: int = 0  # 逾期: the deadline passed, not completed
    unrated: int = 0  # 暂无评价: no light yet (not started, first report not due)


@dataclass(frozen=True)
class SectionCounts:
    title: str
    counts: Counts
    lights: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RankedUnit:
    rank: int
    name: str
    score: Decimal
    notes: str = ""  # 按时报送3次，红灯1项 …


@dataclass(frozen=True)
class FlaggedTask:
    number: str  # （八）
    title: str
    units: str  # 牵头单位
    reason: str


@dataclass(frozen=True)
class Chart:
    caption: str
    png: bytes


@dataclass(frozen=True)
class BulletinData:
    title: str
    doc_number: str  # a placeholder the office fills in: 〔2020〕  号
    recipients: str
    policy_name: str  # 《关于做好“六稳”工作落实“六保”任务的若干措施》
    period_label: str
    judged_on: date
    issuer: str
    issued_on: date
    counts: Counts
    previous: Counts | None
    previous_label: str
    sections: tuple[SectionCounts, ...]
    ranking: tuple[RankedUnit, ...]
    red: tuple[FlaggedTask, ...]
    overdue: tuple[FlaggedTask, ...]
    requirements: tuple[str, ...]  # 下一步工作要求, one paragraph each, for the office to edit
    charts: tuple[Chart, ...] = ()


COMPLETED = frozenset({"completed", "completed_late"})
ON_TRACK = frozenset({"green", "blue"})
BEHIND = frozenset({"yellow", "orange", "red"})


def classify(status: str, light: str) -> str:
    """Which count of ``Counts`` a task falls in: completion first, then the deadline, then the light."""
    if status in COMPLETED:
        return "completed"
    if status == "overdue":
        return "overdue"
    if light in ON_TRACK:
        return "on_track"
    if light in BEHIND:
        return "behind"
    return "unrated"


def tally(facts: list[tuple[str, str]]) -> Counts:
    """Counts of (status, light) pairs, one pair per task."""
    found = {"completed": 0, "on_track": 0, "behind": 0, "overdue": 0, "unrated": 0}
    for status, light in facts:
        found[classify(status, light)] += 1
    return Counts(total=len(facts), **found)
