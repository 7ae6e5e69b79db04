"""催办/督办, the unit's inbox, light overrides and 考核 scores."""

from datetime import date

import pytest

from taizhang.errors import Conflict, InvalidOverride, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from taizhang.ledger import service as ledger
from taizhang.reporting import service as reporting
from taizhang.reporting.service import ReportInput
from taizhang.supervision import service as supervision

AUG_26, SEPT_26 = date(2020, 8, 26), date(2020, 9, 26)


def test_missing_reports_red_tasks_and_near_deadlines_need_urging(world):
    rows = supervision.urging_list(session=world.session, actor=world.office, today=SEPT_26)
    reasons = {(r.item.task_id, r.item.reason) for r in rows}
    assert (world.task("1").id, "missing_report") in reasons  # nothing reported since June
    assert (world.task("1").id, "red") in reasons
    first = next(r for r in rows if r.item.task_id == world.task("1").id and r.item.reason == "missing_report")
    assert first.unit_name == "市人社局" and first.next.step == "reminder"
    soon = supervision.urging_list(session=world.session, actor=world.office, today=date(2020, 11, 25))
    assert (world.task("18").id, "deadline_soon") in {(r.item.task_id, r.item.reason) for r in soon}  # due 11-30


def _urge(world, today, **kwargs):
    item = next(r.item for r in supervision.urging_list(session=world.session, actor=world.office, today=today)
                if r.item.task_id == world.task("10").id and r.item.reason == "missing_report")
    return item, supervision.issue_notice(item.task_id, session=world.session, actor=world.office, reason=item.text,
                                          item_key=item.key, today=today, **kwargs)


def test_a_reminder_reaches_the_units_inbox_unread_until_read(world):
    _, notice = _urge(world, SEPT_26)
    # A reminder is answered within 3 working days, counted on the shipped 2020 calendar from the day
    # after issue: Sun 27 Sept is a make-up working day (1), Mon 28 (2), Tue 29 (3) → 29 September.
    assert (notice.step, notice.answer_by) == ("reminder", date(2020, 9, 29))
    unit = world.actor("市政府金融办")
    notices, unread = supervision.inbox(session=world.session, actor=unit)
    assert [n.id for n in notices] == [notice.id] and unread == 1
    supervision.read_notice(notice.id, session=world.session, actor=unit)
    assert supervision.inbox(session=world.session, actor=unit)[1] == 0
    assert supervision.inbox(session=world.session, actor=world.actor("市财政局")) == ([], 0)
    with pytest.raises(NotFound):
        supervision.read_notice(notice.id, session=world.session, actor=world.actor("市财政局"))


def test_escalation_waits_for_the_time_limit_then_climbs_one_step(world):
    item, first = _urge(world, SEPT_26)
    assert first.answer_by == date(2020, 9, 29)
    with pytest.raises(Conflict, match="尚在办理时限内"):
        supervision.issue_notice(item.task_id, session=world.session, actor=world.office, reason=item.text,
                                 item_key=item.key, today=date(2020, 9, 29))
    second = supervision.issue_notice(item.task_id, session=world.session, actor=world.office, reason=item.text,
                                      item_key=item.key, today=date(2020, 9, 30))
    # A blue notice has 5 working days. After Wed 30 Sept: 1–8 October is the National Day holiday,
    # then Fri 9 Oct (1), Sat 10 Oct, a make-up working day (2), Mon 12 (3), Tue 13 (4), Wed 14 (5).
    assert (second.step, second.answer_by) == ("blue", date(2020, 10, 14))


def test_an_urgent_item_may_start_higher(world):
    _, notice = _urge(world, SEPT_26, start_at="orange")
    assert notice.step == "orange"


def test_a_reply_stops_the_ladder_and_the_office_closes_the_notice(world):
    item, notice = _urge(world, SEPT_26)
    unit = world.actor("市政府金融办")
    with pytest.raises(ValidationFailed):
        supervision.reply_notice(notice.id, " ", session=world.session, actor=unit)
    supervision.reply_notice(notice.id, "已于9月28日补报", session=world.session, actor=unit, today=date(2020, 9, 28))
    with pytest.raises(Conflict):
        supervision.issue_notice(item.task_id, session=world.session, actor=world.office, reason=item.text,
                                 item_key=item.key, today=date(2020, 10, 9))
    with pytest.raises(PermissionDenied):
        supervision.close_notice(notice.id, session=world.session, actor=unit)
    closed = supervision.close_notice(notice.id, session=world.session, actor=world.office)
    assert closed.status == "closed"
    with pytest.raises(InvalidTransition):
        supervision.reply_notice(notice.id, "再补充", session=world.session, actor=unit)


def test_notices_go_only_to_the_tasks_units(world):
    with pytest.raises(ValidationFailed, match="责任单位"):
        supervision.issue_notice(world.task("10").id, session=world.session, actor=world.office, reason="请报送",
                                 unit_id=world.unit("章贡区").id, today=SEPT_26)


def test_an_override_needs_a_reason_and_keeps_both_lights(world):
    task = world.task("6")
    ledger.refresh_lights(world.session, [task], today=SEPT_26)
    computed = task.light
    with pytest.raises(InvalidOverride, match="必须填写理由"):
        supervision.override_light(task.id, "green", "  ", session=world.session, actor=world.office, today=SEPT_26)
    row = supervision.override_light(task.id, "green", "扶贫办已书面说明9月进展，系统故障未能报送",
                                     session=world.session, actor=world.office, today=SEPT_26)
    assert (row.light, row.computed) == ("green", computed)
    detail = ledger.task_detail(task.id, session=world.session, actor=world.office, today=SEPT_26)
    assert (detail.light, detail.light_computed, detail.overridden) == ("green", computed, True)
    with pytest.raises(PermissionDenied):
        supervision.override_light(task.id, "green", "理由", session=world.session, actor=world.actor("市财政局"))


def test_scores_rank_units_by_their_points_with_the_events_behind_them(world):
    task = world.task("10")
    unit = world.actor("市政府金融办")
    for period, day in (("2020-06", date(2020, 6, 24)), ("2020-07", date(2020, 7, 24)), ("2020-08", date(2020, 8, 24))):
        report = reporting.save_report(task.id, period, ReportInput(progress=f"{period}进展"),
                                       session=world.session, actor=unit, today=day)
        reporting.submit_report(report.id, session=world.session, actor=unit, today=day)
        reporting.review_report(report.id, "approved", session=world.session, actor=world.office, today=day)
    scores = {s.unit_name: s for s in supervision.unit_scores("2020-08", session=world.session, actor=world.office)}
    jinrong = scores["市政府金融办"]
    assert [line.kind for line in jinrong.lines if line.task_id == task.id][0] == "on_time"
    assert scores["市人社局"].total < jinrong.total  # 市人社局 reported nothing
    assert jinrong.rank < scores["市人社局"].rank
