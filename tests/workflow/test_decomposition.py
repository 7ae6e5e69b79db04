"""任务分解: a task split into county sub-tasks with sub-targets; actuals roll up; scopes follow."""

from datetime import date
from decimal import Decimal

import pytest

from taizhang.errors import NotFound, PermissionDenied, ValidationFailed
from taizhang.ledger import service as ledger
from taizhang.ledger.service import SubtaskSpec
from taizhang.reporting import service as reporting
from taizhang.reporting.service import ReportInput

SEPT_20 = date(2020, 9, 20)


def trainees(task):
    return next(i for i in task.indicators if i.target_value == 2000)  # 见习人员2000人


def split(world, targets=(("章贡区", 1000), ("南康区", 900)), actor=None):
    task = world.task("4")
    indicator = trainees(task)
    specs = [SubtaskSpec(unit_id=world.unit(name).id, targets={indicator.id: Decimal(n)}) for name, n in targets]
    return task, indicator, ledger.decompose(task.id, specs, session=world.session, actor=actor or world.office)


def test_sub_tasks_get_their_unit_deadline_and_sub_target(world):
    task, indicator, result = split(world)
    assert len(result.created) == 2
    detail = ledger.task_detail(task.id, session=world.session, actor=world.office, today=SEPT_20)
    assert [(s.unit, s.targets, s.due_date) for s in detail.subtasks] == [
        ("章贡区", {indicator.id: Decimal(1000)}, date(2021, 12, 31)),
        ("南康区", {indicator.id: Decimal(900)}, date(2021, 12, 31)),
    ]


def test_sub_targets_that_do_not_add_up_are_flagged(world):
    _, _, result = split(world)
    assert result.warnings == ["全年新增企业见习基地100个、见习人员2000人：分解目标合计1900人，少于总目标2000人"]
    _, _, exact = split(world, targets=(("信丰县", 100),))
    assert exact.warnings == []  # 1000 + 900 + 100 = 2000


def test_sub_task_figures_roll_up_to_the_parent_once_approved(world):
    task, indicator, result = split(world)
    county = world.actor("章贡区")
    sub = world.session.get(type(task), result.created[0])
    report = reporting.save_report(sub.id, "2020-09", ReportInput(progress="新增见习人员280人",
                                                                  values={sub.indicators[0].id: "280"}),
                                   session=world.session, actor=county, today=SEPT_20)
    reporting.submit_report(report.id, session=world.session, actor=county, today=SEPT_20)
    before = ledger.task_detail(task.id, session=world.session, actor=world.office, today=SEPT_20)
    assert next(i for i in before.indicators if i.id == indicator.id).children_actual is None
    reporting.review_report(report.id, "approved", session=world.session, actor=world.office, today=SEPT_20)
    after = ledger.task_detail(task.id, session=world.session, actor=world.office, today=SEPT_20)
    assert next(i for i in after.indicators if i.id == indicator.id).children_actual == Decimal(280)
    # The lead unit's compiled report takes the rolled-up figure, which it cannot overwrite.
    lead = world.actor("市人社局")
    compiled = reporting.compile_draft(task.id, "2020-09", session=world.session, actor=lead)
    assert compiled.values == {indicator.id: Decimal(280)}
    own = reporting.save_report(task.id, "2020-09", ReportInput(progress="汇总", values={indicator.id: "2000"}),
                                session=world.session, actor=lead, today=SEPT_20)
    submitted = reporting.submit_report(own.id, session=world.session, actor=lead, today=SEPT_20)
    assert {v.indicator_id: v.actual for v in submitted.values}[indicator.id] == Decimal(280)


def test_a_county_sees_its_sub_task_not_the_parent_and_the_lead_unit_sees_both(world):
    task, _, result = split(world)
    county = world.actor("章贡区")
    assert ledger.task_detail(result.created[0], session=world.session, actor=county).row.title.endswith("（章贡区）")
    with pytest.raises(NotFound):
        ledger.task_detail(task.id, session=world.session, actor=county)
    with pytest.raises(NotFound):
        ledger.task_detail(result.created[1], session=world.session, actor=county)  # 南康区's
    lead = world.actor("市人社局")
    assert len(ledger.task_detail(task.id, session=world.session, actor=lead).subtasks) == 2
    listed = ledger.list_tasks(session=world.session, actor=county)
    assert [t.id for t in listed.items] == [result.created[0]]


def test_a_lead_unit_may_split_its_own_task_but_not_anothers(world):
    _, _, result = split(world, actor=world.actor("市人社局"))
    assert len(result.created) == 2
    other = world.task("10")
    with pytest.raises(NotFound):
        ledger.decompose(other.id, [SubtaskSpec(unit_id=world.unit("章贡区").id)], session=world.session,
                         actor=world.actor("市人社局"))
    edu_task = world.task("2")  # 市教育局 is a co-unit there, not the lead
    with pytest.raises(PermissionDenied, match="牵头单位"):
        ledger.decompose(edu_task.id, [SubtaskSpec(unit_id=world.unit("章贡区").id)], session=world.session,
                         actor=world.actor("市教育局"))


def test_bad_sub_tasks_are_reported_row_by_row_and_nothing_is_created(world):
    task = world.task("4")
    specs = [SubtaskSpec(unit_id=world.unit("章贡区").id, due_date=date(2022, 6, 30)),
             SubtaskSpec(unit_id=999_999), SubtaskSpec(unit_id=world.unit("南康区").id, targets={-1: Decimal(5)})]
    with pytest.raises(ValidationFailed) as bad:
        ledger.decompose(task.id, specs, session=world.session, actor=world.office)
    assert [d["row"] for d in bad.value.details] == [1, 2, 3]
    assert "晚于上级任务" in bad.value.details[0]["message"]
    assert world.task("4").children == []


def test_decomposition_stops_at_three_levels(world):
    _, _, first = split(world)
    second = ledger.decompose(first.created[0], [SubtaskSpec(unit_id=world.unit("南康区").id, kind="item")],
                              session=world.session, actor=world.office)
    with pytest.raises(ValidationFailed, match="最多分解到第3级"):
        ledger.decompose(second.created[0], [SubtaskSpec(unit_id=world.unit("信丰县").id)], session=world.session,
                         actor=world.office)
