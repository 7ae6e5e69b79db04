"""Progress reports: draft → submitted → returned/approved, kept version by version; only approved
figures count; every illegal move is refused with a Chinese message and changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from taizhang.audit.models import AuditEvent
from taizhang.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from taizhang.ledger import service as ledger
from taizhang.reporting import service as reporting
from taizhang.reporting.models import Report, ReportVersion, Review
from taizhang.reporting.service import ReportInput

SEPT_20, SEPT_24, SEPT_26 = date(2020, 9, 20), date(2020, 9, 24), date(2020, 9, 26)


def lead_report(world, *, progress="本月新增企业见习基地40个", value="40", today=SEPT_20):
    task = world.task("4")
    indicator = next(i for i in task.indicators if i.target_value == 100)  # 全年新增企业见习基地100个
    data = ReportInput(progress=progress, problems="部分企业积极性不高", next_steps="加大宣传",
                       values={indicator.id: value})
    return reporting.save_report(task.id, "2020-09", data, session=world.session, actor=world.actor("市人社局"),
                                 today=today), indicator


def test_a_lead_unit_drafts_and_submits_its_report(world):
    report, indicator = lead_report(world)
    assert (report.status, report.kind, report.version) == ("draft", "lead", 0)
    submitted = reporting.submit_report(report.id, session=world.session, actor=world.actor("市人社局"),
                                        today=SEPT_24)
    assert (submitted.status, submitted.version) == ("submitted", 1)
    (version,) = world.session.scalars(select(ReportVersion).where(ReportVersion.report_id == report.id)).all()
    assert version.snapshot["values"] == {str(indicator.id): "40.0000"} or version.snapshot["values"] == {
        str(indicator.id): "40"}


def test_resubmitting_a_draft_replaces_it_but_keeps_every_submitted_version(world):
    report, _ = lead_report(world)
    unit = world.actor("市人社局")
    reporting.submit_report(report.id, session=world.session, actor=unit, today=SEPT_24)
    reporting.review_report(report.id, "returned", reason="基地名单未附", session=world.session, actor=world.office,
                            today=SEPT_24)
    again, _ = lead_report(world, progress="本月新增企业见习基地38个（附名单）", value="38", today=SEPT_24)
    assert again.id == report.id and again.status == "draft"
    reporting.submit_report(report.id, session=world.session, actor=unit, today=SEPT_24)
    versions = world.session.scalars(select(ReportVersion).where(ReportVersion.report_id == report.id)
                                     .order_by(ReportVersion.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].snapshot["progress"] == "本月新增企业见习基地40个"
    assert versions[1].snapshot["progress"].endswith("（附名单）")
    reviews = world.session.scalars(select(Review).where(Review.report_id == report.id)).all()
    assert [(r.version, r.decision, r.reason) for r in reviews] == [(1, "returned", "基地名单未附")]


def test_submitting_twice_creates_nothing_new(world):
    report, _ = lead_report(world)
    unit = world.actor("市人社局")
    for _ in range(3):
        reporting.submit_report(report.id, session=world.session, actor=unit, today=SEPT_24)
    assert world.session.scalar(select(func.count()).select_from(ReportVersion)) == 1
    assert world.session.scalar(select(func.count()).select_from(Report)) == 1


def test_only_approved_figures_count(world):
    report, indicator = lead_report(world)
    unit = world.actor("市人社局")
    reporting.submit_report(report.id, session=world.session, actor=unit, today=SEPT_24)
    pending = ledger.task_detail(world.task("4").id, session=world.session, actor=world.office, today=SEPT_26)
    assert next(i for i in pending.indicators if i.id == indicator.id).actual is None
    reporting.review_report(report.id, "approved", session=world.session, actor=world.office, today=SEPT_26)
    approved = ledger.task_detail(world.task("4").id, session=world.session, actor=world.office, today=SEPT_26)
    assert next(i for i in approved.indicators if i.id == indicator.id).actual == Decimal(40)


def test_a_return_needs_a_reason(world):
    report, _ = lead_report(world)
    reporting.submit_report(report.id, session=world.session, actor=world.actor("市人社局"), today=SEPT_24)
    with pytest.raises(ValidationFailed, match="退回必须写明理由"):
        reporting.review_report(report.id, "returned", reason="  ", session=world.session, actor=world.office)
    assert world.session.get(Report, report.id).status == "submitted"


def test_a_draft_cannot_be_reviewed(world):
    report, _ = lead_report(world)
    with pytest.raises(InvalidTransition, match="草稿，尚未报送"):
        reporting.review_report(report.id, "approved", session=world.session, actor=world.office)


def test_a_unit_cannot_approve_its_own_report(world):
    report, _ = lead_report(world)
    reporting.submit_report(report.id, session=world.session, actor=world.actor("市人社局"), today=SEPT_24)
    with pytest.raises(PermissionDenied):
        reporting.review_report(report.id, "approved", session=world.session, actor=world.actor("市人社局"))
    assert world.session.get(Report, report.id).status == "submitted"


def test_an_approved_report_cannot_be_changed(world):
    report, _ = lead_report(world)
    reporting.submit_report(report.id, session=world.session, actor=world.actor("市人社局"), today=SEPT_24)
    reporting.review_report(report.id, "approved", session=world.session, actor=world.office, today=SEPT_24)
    with pytest.raises(InvalidTransition, match="已审核通过，不能再修改"):
        lead_report(world, value="99", today=SEPT_26)


def test_reporting_on_a_closed_task_is_refused(world):
    ledger.close_task(world.task("4").id, session=world.session, actor=world.office, today=SEPT_20)
    with pytest.raises(InvalidTransition, match="任务已办结"):
        lead_report(world)


def test_reporting_for_another_units_task_is_not_even_found(world):
    task = world.task("10")  # 市政府金融办 leads; 市人社局 has nothing to do with it
    with pytest.raises(NotFound):
        reporting.save_report(task.id, "2020-09", ReportInput(progress="x"), session=world.session,
                              actor=world.actor("市人社局"), today=SEPT_20)


def test_a_co_unit_contributes_and_cannot_submit_as_the_lead(world):
    task = world.task("4")  # 市教育局 is a co-unit
    edu = world.actor("市教育局")
    part = reporting.save_report(task.id, "2020-09", ReportInput(progress="高校毕业生就业见习对接会2场"),
                                 session=world.session, actor=edu, today=SEPT_20)
    assert part.kind == "contribution"
    reporting.submit_report(part.id, session=world.session, actor=edu, today=SEPT_20)
    lead, _ = lead_report(world)
    with pytest.raises(NotFound):  # the lead's report is not even visible to a co-unit
        reporting.submit_report(lead.id, session=world.session, actor=edu, today=SEPT_20)
    with pytest.raises(InvalidTransition, match="配合单位的报送由牵头单位汇总"):
        reporting.review_report(part.id, "approved", session=world.session, actor=world.office)
    compiled = reporting.compile_draft(task.id, "2020-09", session=world.session, actor=world.actor("市人社局"))
    assert "市教育局：高校毕业生就业见习对接会2场" in compiled.progress


def test_future_periods_and_bad_figures_are_refused_with_field_details(world):
    task = world.task("4")
    unit = world.actor("市人社局")
    with pytest.raises(ValidationFailed, match="尚未开始"):
        reporting.save_report(task.id, "2020-10", ReportInput(progress="x"), session=world.session, actor=unit,
                              today=SEPT_20)
    indicator = task.indicators[0]
    with pytest.raises(ValidationFailed) as bad:
        reporting.save_report(task.id, "2020-09", ReportInput(progress="x", values={indicator.id: "四十"}),
                              session=world.session, actor=unit, today=SEPT_20)
    assert bad.value.details == [{"field": f"values.{indicator.id}", "message": "完成值“四十”不是数字"}]
    assert world.session.scalar(select(func.count()).select_from(Report)) == 0


def test_approving_a_completion_claim_closes_the_task(world):
    task = world.task("23")  # 防范债务风险, led by 市财政局
    unit = world.actor("市财政局")
    indicator = task.indicators[0]
    report = reporting.save_report(task.id, "2020-09", ReportInput(progress="债务率控制在警戒线内", claimed_status="completed",
                                                                   values={indicator.id: "92.5"}),
                                   session=world.session, actor=unit, today=SEPT_20)
    reporting.submit_report(report.id, session=world.session, actor=unit, today=SEPT_20)
    reporting.review_report(report.id, "approved", session=world.session, actor=world.office, today=SEPT_24)
    task = world.task("23")
    assert task.closed_on == SEPT_24 and task.status == "completed" and task.light == "green"


def test_every_step_is_audited(world):
    report, _ = lead_report(world)
    reporting.submit_report(report.id, session=world.session, actor=world.actor("市人社局"), today=SEPT_24)
    reporting.review_report(report.id, "approved", session=world.session, actor=world.office, today=SEPT_24)
    actions = world.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "report")
                                    .order_by(AuditEvent.id)).all()
    assert actions == ["report.save", "report.submit", "report.approved"]
