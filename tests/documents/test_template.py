"""The progress template round trip: download, fill in with openpyxl as a unit would, upload.

A bad file is refused whole with a precise reason and leaves every report as it was.
"""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from taizhang.audit.models import AuditEvent
from taizhang.auth.models import User
from taizhang.auth.permissions import Actor
from taizhang.documents.service import import_progress, progress, progress_template
from taizhang.errors import InvalidTransition, PermissionDenied, TaizhangError, ValidationFailed
from taizhang.reporting import service as reporting
from taizhang.reporting.models import Report
from tests.documents.conftest import SECRET, fill, report_state
from tests.workflow.conftest import build_world

LIMIT = 20 * 1024 * 1024


def download(world, unit: str, period: str | None = "2020-10", actor=None) -> bytes:
    actor = actor or world.actor(unit)
    return progress_template(session=world.session, actor=actor, secret=SECRET, unit=unit, period=period).data


def upload(world, data: bytes, unit: str = "市人社局", actor=None, period=None):
    return import_progress(data, filename="进展填报.xlsx", session=world.session, actor=actor or world.actor(unit),
                           secret=SECRET, max_bytes=LIMIT, period=period)


def row_of(ws, number: str) -> int:
    return next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == number)


def saved(wb) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def filled_template(world) -> bytes:
    wb = load_workbook(BytesIO(download(world, "市人社局")))
    ws = wb.active
    one, four, five = row_of(ws, "1"), row_of(ws, "4"), row_of(ws, "5")
    ws.cell(one, 8).value = 18_000_000
    ws.cell(one, 9).value = "10月返还稳岗资金200万元"
    ws.cell(one, 11).value = "继续推进"
    ws.cell(one, 12).value = "推进中"
    ws.cell(four + 4, 8).value = 60  # 全年新增企业见习基地100个: the fifth of task 4's seven indicators
    ws.cell(four, 9).value = "见习基地新增20个"
    ws.cell(five, 8).value = 700_000_000
    ws.cell(five, 9).value = "10月发放贷款1亿元"
    return saved(wb)


def test_the_template_lists_the_units_open_tasks_locked_and_signed(filled):
    ws = load_workbook(BytesIO(download(filled, "市人社局"))).active
    assert ws.title == "进展填报" and ws["A1"].value == "市人社局2020年10月重点任务进展填报表"
    assert "请于2020年10月25日前报送" in ws["A2"].value
    assert [c.value for c in ws[3]][:12] == ["序号", "重点任务", "具体措施", "完成时限", "本单位职责", "量化指标",
                                            "上期审核累计值", "本期累计完成值", "进展情况", "存在问题", "下步打算", "完成状态"]
    numbers = [ws.cell(r, 1).value for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value]
    assert numbers[:5] == ["1", "2", "3", "4", "5"] and "4-1" not in numbers  # the counties report their own
    one = row_of(ws, "1")
    assert ws.cell(one, 5).value == "牵头" and ws.cell(one, 7).value == 16_000_000  # September's approved figure
    assert ws.protection.sheet
    assert ws.cell(one, 3).protection.locked and not ws.cell(one, 8).protection.locked
    assert all(not ws.cell(one, c).protection.locked for c in (9, 10, 11, 12))
    assert ws.column_dimensions["M"].hidden and ws.cell(one, 13).value.startswith("tz1:row:")
    assert ws["M1"].value.startswith("tz1:file:")
    four = row_of(ws, "4")
    trainees = four + 5  # 见习人员2000人 is split between two counties: its figure is their roll-up
    assert ws.cell(trainees, 8).value == "由子任务汇总" and ws.cell(trainees, 8).protection.locked
    rules = {str(v.sqref): (v.type, v.formula1) for v in ws.data_validations.dataValidation}
    last = ws.max_row
    assert rules[f"H4:H{last}"] == ("decimal", "0") and rules[f"L4:L{last}"] == ("list", '"推进中,已完成"')


def test_the_round_trip_saves_drafts_once(filled):
    result = upload(filled, filled_template(filled))
    assert (result.unit_name, result.period, result.unchanged) == ("市人社局", "2020-10", 0)
    assert sorted(result.saved) == sorted(filled.task(n).id for n in ("1", "4", "5"))
    assert "保存草稿3项" in result.message
    s = filled.session
    one = s.scalar(select(Report).where(Report.task_id == filled.task("1").id, Report.period == "2020-10"))
    assert (one.status, one.progress, one.next_steps, one.claimed_status) == (
        "draft", "10月返还稳岗资金200万元", "继续推进", "in_progress")
    assert {v.indicator_id: v.actual for v in one.values} == {filled.task("1").indicators[0].id: 18_000_000}
    four = s.scalar(select(Report).where(Report.task_id == filled.task("4").id, Report.period == "2020-10"))
    bases = filled.task("4").indicators[4]
    assert bases.name == "全年新增企业见习基地100个"
    assert {v.indicator_id: Decimal(v.actual) for v in four.values} == {bases.id: 60}
    before = report_state(s)
    again = upload(filled, filled_template(filled))
    assert (again.saved, again.unchanged) == ((), 3) and report_state(s) == before


def test_a_downloaded_working_copy_comes_back_unchanged(filled):
    upload(filled, filled_template(filled))
    before = report_state(filled.session)
    again = upload(filled, download(filled, "市人社局"))  # pre-filled with the drafts, untouched
    assert again.saved == () and again.unchanged == 3 and report_state(filled.session) == before


def test_formula_like_text_round_trips_as_text(filled):
    wb = load_workbook(BytesIO(download(filled, "市人社局")))
    ws = wb.active
    one, five = row_of(ws, "1"), row_of(ws, "5")
    for col, text in ((9, "@SUM(A1)"), (10, "+1+1"), (11, "-1+1")):
        ws.cell(one, col).value = text
    ws.cell(five, 9).value = "\t=1"
    upload(filled, saved(wb))
    one_report = filled.session.scalar(select(Report).where(Report.task_id == filled.task("1").id,
                                                            Report.period == "2020-10"))
    assert (one_report.progress, one_report.problems, one_report.next_steps) == ("@SUM(A1)", "+1+1", "-1+1")
    five_report = filled.session.scalar(select(Report).where(Report.task_id == filled.task("5").id,
                                                             Report.period == "2020-10"))
    assert five_report.progress == "=1"  # surrounding white space is trimmed, tab included
    again = load_workbook(BytesIO(download(filled, "市人社局"))).active
    cells = [again.cell(one, 9), again.cell(one, 10), again.cell(one, 11), again.cell(five, 9)]
    assert [c.value for c in cells] == ["'@SUM(A1)", "'+1+1", "'-1+1", "'=1"]
    assert all(c.data_type == "s" for c in cells)
    before = report_state(filled.session)
    assert upload(filled, saved(load_workbook(BytesIO(download(filled, "市人社局"))))).unchanged == 2
    assert report_state(filled.session) == before


def test_the_office_imports_for_a_unit_that_works_offline(filled):
    data = download(filled, "市人社局", actor=filled.office)
    wb = load_workbook(BytesIO(data))
    ws = wb.active
    ws.cell(row_of(ws, "2"), 9).value = "线下报送：以工代训1500人"
    result = upload(filled, saved(wb), actor=filled.office)
    assert result.saved == (filled.task("2").id,)
    draft = filled.session.scalar(select(Report).where(Report.task_id == filled.task("2").id,
                                                       Report.period == "2020-10"))
    assert draft.unit_id == filled.unit("市人社局").id and draft.created_by == filled.users["督查室"].id
    event = filled.session.scalars(select(AuditEvent).where(AuditEvent.action == "progress.import")).all()[-1]
    assert event.detail["on_behalf"] is True and event.detail["unit"] == "市人社局" and event.outcome == "success"


def test_a_reporter_may_download_only_their_own_template(filled):
    with pytest.raises(PermissionDenied, match="只能下载本单位"):
        download(filled, "市财政局", actor=filled.actor("市人社局"))


def test_a_report_approved_since_the_download_refuses_the_file(filled):
    data = filled_template(filled)
    report = reporting.save_report(filled.task("1").id, "2020-10", reporting.ReportInput(progress="已报"),
                                   session=filled.session, actor=filled.actor("市人社局"), today=date(2020, 10, 9))
    reporting.submit_report(report.id, session=filled.session, actor=filled.actor("市人社局"), today=date(2020, 10, 9))
    reporting.review_report(report.id, "approved", session=filled.session, actor=filled.office,
                            today=date(2020, 10, 10))
    before = report_state(filled.session)
    with pytest.raises(ValidationFailed, match="已审核通过，不能再修改") as caught:
        upload(filled, data)
    assert caught.value.details[0]["row"] == 4
    assert report_state(filled.session) == before


def test_a_failure_while_writing_undoes_the_drafts_already_written(filled, monkeypatch):
    calls = []

    def save_then_fail(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:  # as if the office approved the report between the check and the write
            raise InvalidTransition("2020年10月进展已审核通过，不能再修改。")
        return reporting.save_report(*args, **kwargs)

    monkeypatch.setattr(progress, "save_report", save_then_fail)
    before = report_state(filled.session)
    with pytest.raises(ValidationFailed, match="已审核通过，不能再修改。未导入任何数据"):
        upload(filled, filled_template(filled))
    assert len(calls) == 2 and report_state(filled.session) == before


def test_all_or_nothing_holds_outside_the_test_transaction_too(database, seed_text, monkeypatch):
    with database.writing() as s:
        data = filled_template(fill(build_world(s, seed_text)))
    calls = []

    def save_then_fail(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 3:
            raise InvalidTransition("写入时出错。")
        return reporting.save_report(*args, **kwargs)

    monkeypatch.setattr(progress, "save_report", save_then_fail)
    with database.writing() as s:
        user = s.scalar(select(User).where(User.username == "renshe"))
        actor = Actor(user_id=user.id, username=user.username, role=user.role, unit_id=user.unit_id)
        with pytest.raises(ValidationFailed):
            import_progress(data, filename="x.xlsx", session=s, actor=actor, secret=SECRET, max_bytes=LIMIT)
    with database.reading() as s:
        assert s.scalar(select(Report).where(Report.period == "2020-10")) is None
        assert s.scalars(select(AuditEvent.outcome).where(AuditEvent.action == "progress.import")).all() == ["rejected"]
    assert len(calls) == 3


# ---------------------------------------------------------------- bad files


def edit(world, change) -> bytes:
    wb = load_workbook(BytesIO(download(world, "市人社局")))
    change(wb, wb.active)
    return saved(wb)


def identity(ws, number: str) -> str:
    return ws.cell(row_of(ws, number), 13).value


def moved(world):
    def change(wb, ws):
        token = identity(ws, "1")
        ws.cell(row_of(ws, "1"), 8).value = 1
        ws.cell(row_of(ws, "1"), 13).value = token.replace(f"tz1:row:{world.task('1').id}:",
                                                           f"tz1:row:{world.task('5').id}:")
    return edit(world, change)


def copied(world):
    def change(wb, ws):
        ws.cell(row_of(ws, "5"), 13).value = identity(ws, "1")
        ws.cell(row_of(ws, "5"), 8).value = 1
    return edit(world, change)


def forged(world):
    def change(wb, ws):
        token = identity(ws, "1")
        ws.cell(row_of(ws, "1"), 13).value = token[:-64] + "0" * 64
    return edit(world, change)


def foreign_row(world):
    other = load_workbook(BytesIO(download(world, "市财政局"))).active
    token = identity(other, "1")  # 市财政局 is a co-unit of task (一): a validly signed row of its template

    def change(wb, ws):
        ws.cell(row_of(ws, "1"), 13).value = token
        ws.cell(row_of(ws, "1"), 8).value = 1
    return edit(world, change)


def cell(column: int, value, number: str = "1"):
    def build(world):
        def change(wb, ws):
            ws.cell(row_of(ws, number), column).value = value
        return edit(world, change)
    return build


def extra_sheet(world):
    return edit(world, lambda wb, ws: wb.create_sheet("Sheet1"))


def header(world):
    return edit(world, lambda wb, ws: setattr(ws.cell(3, 8), "value", "完成值"))


def added_row(world):
    return edit(world, lambda wb, ws: setattr(ws.cell(ws.max_row + 1, 9), "value", "新增的一行"))


def encrypted(world):
    from msoffcrypto.format.ooxml import OOXMLFile

    out = BytesIO()
    OOXMLFile(BytesIO(download(world, "市人社局"))).encrypt("mima123", out)
    return out.getvalue()


def zip_bomb(world):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b"\0" * (1 << 20)
            for _ in range(200):
                sheet.write(block)
    return buffer.getvalue()


BAD = {
    "another unit's template": (lambda w: download(w, "市财政局", actor=w.office), "这是“市财政局”的填报模板"),
    "another period's template": (lambda w: download(w, "市人社局", "2020-09"), "这是2020年9月的填报模板，本次导入的是2020年10月"),
    "a row moved to another task": (moved, "校验码无效：此行被复制、移动或改动过"),
    "a row copied onto another": (copied, "是同一任务的同一项（行被复制）"),
    "a forged signature": (forged, "校验码无效"),
    "a row from another unit's template": (foreign_row, "此行来自另一份模板"),
    "text in a number cell": (cell(8, "约一千八百万"), "本期累计完成值不是数字"),
    "a negative number": (cell(8, -5), "本期累计完成值不能为负数"),
    "a status not in the list": (cell(12, "基本完成"), "完成状态只能是“推进中”或“已完成”"),
    "a formula in a text cell": (cell(9, "=1+1"), "进展情况是公式"),
    "a value for a task without indicators": (cell(8, 5, number="2"), "该任务没有量化指标"),
    "an extra sheet": (extra_sheet, "工作簿中多了工作表“Sheet1”"),
    "an edited header": (header, "表头被改动"),
    "a row added below": (added_row, "没有校验码"),
    "an .xls": (lambda w: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), "旧版 Excel 97-2003 工作簿（.xls）"),
    "a .csv renamed .xlsx": (lambda w: "序号,进展情况\r\n1,已完成\r\n".encode("utf-8-sig"), "是文本文件（如 CSV）"),
    "a password-protected workbook": (encrypted, "设置了打开密码"),
    "a 50 MB file": (lambda w: b"PK\x03\x04" + bytes(50 * 2**20), "大小为50.0MB，超过上传上限20.0MB"),
    "a zip bomb": (zip_bomb, "疑似压缩炸弹"),
    "an empty file": (lambda w: b"", "是空的"),
    "a Word document": (lambda w: _word(), "是Word 文档，不是 Excel 工作簿"),
}


def _word() -> bytes:
    from docx import Document

    buffer = BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_is_refused_and_changes_nothing(filled, case):
    build, reason = BAD[case]
    data = build(filled)
    before = report_state(filled.session)
    with pytest.raises(TaizhangError) as caught:
        upload(filled, data)
    found = caught.value.message + " ".join(d.get("reason") or "" for d in caught.value.details)
    assert reason in found, found
    assert report_state(filled.session) == before
    event = filled.session.scalars(select(AuditEvent).where(AuditEvent.action == "progress.import")
                                   .order_by(AuditEvent.id.desc())).first()
    assert event.outcome == "rejected" and event.actor_name == "renshe"


def test_each_problem_names_its_sheet_row_column_and_value(filled):
    def change(wb, ws):
        ws.cell(row_of(ws, "1"), 8).value = "约一千八百万"
        ws.cell(row_of(ws, "5"), 12).value = "基本完成"
    with pytest.raises(ValidationFailed) as caught:
        upload(filled, edit(filled, change))
    ws = load_workbook(BytesIO(download(filled, "市人社局"))).active
    assert caught.value.details == [
        {"sheet": "进展填报", "row": row_of(ws, "1"), "column": "H", "value": "约一千八百万",
         "reason": "本期累计完成值不是数字，请只填写数值（不含单位和文字）"},
        {"sheet": "进展填报", "row": row_of(ws, "5"), "column": "L", "value": "基本完成",
         "reason": "完成状态只能是“推进中”或“已完成”，请从下拉列表中选择"},
    ]
    assert caught.value.message.startswith("填报模板有2处问题，未导入任何数据")
