"""Importing a policy: one task per measure, assigned to its units, with its targets and deadlines."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from taizhang.audit.models import AuditEvent
from taizhang.auth.permissions import Actor
from taizhang.errors import PermissionDenied
from taizhang.ledger import service as ledger
from taizhang.ledger.models import Assignment, Policy, Task, Unit
from taizhang.policy.parse import parse_text

CLI = Actor.system()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def imported(session, seed_text):
    result = ledger.import_policy(parse_text(seed_text), session=session, actor=CLI, source_name="seed.txt")
    return result


def task_no(session, no: str) -> Task:
    return session.scalar(select(Task).where(Task.measure_key.endswith(f".{no}")))


def test_one_task_per_measure(session, imported):
    assert imported.created and imported.version == 1 and imported.tasks_created == 23
    assert count(session, Task) == 23
    assert "23项措施" in imported.message


def test_tasks_are_assigned_to_lead_and_co_units_as_written(session, imported):
    t = task_no(session, "10")
    assert [(a.name_as_written, a.role) for a in t.assignments] == [
        ("市政府金融办", "lead"), ("人民银行赣州市中心支行", "co"), ("赣州银保监分局", "co"),
        ("市工信局", "co"), ("市税务局", "co"), ("市财政局", "co"),
    ]
    lead = t.assignments[0].unit
    assert lead.name == "市人民政府金融工作办公室" and lead.short_name == "市政府金融办" and lead.in_directory


def test_a_unit_named_in_many_measures_is_one_unit(session, imported):
    finance = session.scalar(select(Unit).where(Unit.name == "市财政局"))
    tasks_of_finance = session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.unit_id == finance.id)
    )
    # 市财政局 is named in measures 1-3, 6-10, 13-15, 18, 20-23 (counted in the document).
    assert tasks_of_finance == 16
    collective = session.scalar(select(Unit).where(Unit.name == "市直各单位"))
    assert collective.kind == "collective"


def test_targets_become_indicators_due_by_their_own_sentence(session, imported):
    t1 = task_no(session, "1")
    (ind,) = t1.indicators
    assert (ind.target_value, ind.unit, ind.cmp, ind.due_date) == (Decimal(30000000), "元", ">=", date(2020, 12, 31))
    assert ind.name.endswith("3000万元以上")
    t4 = task_no(session, "4")
    by_unit = {(i.unit, i.target_value): i for i in t4.indicators}
    assert by_unit[("%", Decimal(50))].due_date == date(2021, 12, 31)  # 今明两年
    assert by_unit[("个", Decimal(100))].due_date == date(2020, 12, 31)  # 全年
    assert by_unit[("项", Decimal(2))].target_low == Decimal(1)  # 1-2项
    assert len(t4.indicators) == 7
    # Parameters of rules (600元/人/月) are not indicators of the ledger.
    assert task_no(session, "2").indicators == []


def test_task_due_dates_come_from_the_document(session, imported):
    assert task_no(session, "1").due_date == date(2020, 12, 31)
    assert task_no(session, "4").due_date == date(2021, 12, 31)
    assert task_no(session, "11").due_date == date(2020, 12, 31)
    assert task_no(session, "15").due_date == date(2023, 6, 18)
    assert task_no(session, "18").due_date == date(2020, 11, 30)
    t22 = task_no(session, "22")
    assert t22.due_date is None and t22.due_note == "预算批复后60日内"
    assert task_no(session, "6").due_date is None


def test_reimporting_the_same_document_changes_nothing(session, imported, seed_text):
    again = ledger.import_policy(parse_text(seed_text), session=session, actor=CLI, source_name="again.txt")
    assert not again.created and again.policy_id == imported.policy_id
    assert "内容完全相同" in again.message
    assert count(session, Policy) == 1 and count(session, Task) == 23


def test_a_changed_document_becomes_a_new_version_and_tasks_follow(session, imported, seed_text):
    ids_before = {t.measure_key: t.id for t in session.scalars(select(Task))}
    changed = seed_text.replace("失业保险费3000万元以上", "失业保险费4000万元以上")
    changed = changed[: changed.index("（二十三）防范债务风险")] + changed[changed.index("各地各部门要建立") :]
    result = ledger.import_policy(parse_text(changed), session=session, actor=CLI, source_name="v2.txt")
    assert result.created and result.version == 2
    assert result.changes == [
        "第1项措施“加大援企稳岗返还力度”有修改（量化指标）",
        "删除第23项措施“防范债务风险”，对应任务已撤销",
    ]
    assert {t.measure_key: t.id for t in session.scalars(select(Task))} == ids_before
    assert task_no(session, "1").indicators[0].target_value == Decimal(40000000)
    assert task_no(session, "23").status == "withdrawn"
    current = session.scalars(select(Policy).where(Policy.is_current.is_(True))).all()
    assert [p.version for p in current] == [2]
    page = ledger.list_tasks(session=session, actor=CLI)
    assert page.total == 22


def test_import_is_audited(session, imported):
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "policy.import"))
    assert event.actor_name == "cli" and event.detail["tasks_created"] == 23


def test_list_tasks_filters_by_unit_and_due_date(session, imported):
    page = ledger.list_tasks(session=session, actor=CLI, unit="市财政局", due_before=date(2020, 12, 1))
    assert [t.measure_no for t in page.items] == ["18"]
    by_canonical = ledger.list_tasks(session=session, actor=CLI, unit="市人力资源和社会保障局")
    assert [t.measure_no for t in by_canonical.items] == ["1", "2", "3", "4", "5", "9"]


def test_a_unit_reporter_sees_only_its_units_tasks(session, imported):
    fin = session.scalar(select(Unit).where(Unit.short_name == "市政府金融办"))
    reporter = Actor(user_id=99, username="jinrong", role="reporter", unit_id=fin.id)
    page = ledger.list_tasks(session=session, actor=reporter)
    assert [t.measure_no for t in page.items] == ["10", "11", "21"]


def test_only_the_supervision_office_may_import(session, seed_text):
    reporter = Actor(user_id=5, username="clerk", role="reporter", unit_id=1)
    with pytest.raises(PermissionDenied):
        ledger.import_policy(parse_text(seed_text), session=session, actor=reporter, source_name="x.txt")
    assert count(session, Policy) == 0
