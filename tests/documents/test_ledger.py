"""The 台账 of a period from the database: approved figures only, what the user may see only.

Expected values are read from the reports in conftest.py. Shares are judged on September's due day
(2020-09-25): 99 of the 196 days from 2020-06-18 to 2020-12-31 → 序时进度 50.51%.
"""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from taizhang.audit.models import AuditEvent
from taizhang.auth.permissions import Actor
from taizhang.documents.service import export_ledger, ledger_book
from taizhang.errors import ValidationFailed
from taizhang.ledger.models import Task
from tests.documents.conftest import HYPERLINK

SYSTEM = Actor.system()


def line(book, number):
    return next(x for x in book.lines if x.number == number)


def test_a_period_shows_its_approved_figures(filled):
    book = ledger_book(session=filled.session, actor=SYSTEM, period="2020-09")
    assert (book.period, book.period_label, book.judged_on) == ("2020-09", "2020年9月", date(2020, 9, 30))
    first = line(book, "1")
    assert (first.title, first.lead_units, first.co_units) == ("（一）加大援企稳岗返还力度", "市人社局", "市财政局等")
    (target,) = first.indicators
    assert target.text == "全年返还企业失业保险费3000万元以上：不低于3000万元（2020年12月31日前）"
    assert (target.period_value, target.cumulative) == (Decimal(6_000_000), Decimal(16_000_000))
    assert (target.completion, target.expected) == (Decimal("0.5333"), Decimal("0.5051"))
    assert (first.progress, first.problems, first.next_steps) == ("9月返还稳岗资金600万元", "部分企业未申领", "加快审核拨付")
    assert (first.reported_on, first.review) == (date(2020, 9, 20), "审核通过（2020-09-22）")
    assert (first.status, first.light) == ("in_progress", "green")


def test_an_unreviewed_report_adds_nothing_but_its_date(filled):
    five = line(ledger_book(session=filled.session, actor=SYSTEM, period="2020-09"), "5")
    (loans,) = five.indicators
    assert loans.period_value is None and loans.cumulative == Decimal(400_000_000)  # August's approved figure
    assert loans.completion == Decimal("0.25")
    assert (five.progress, five.review, five.reported_on) == ("", "已报送，待审核", date(2020, 9, 20))
    assert five.light == "orange"  # 25% against 50.51%: 25.51 points behind


def test_a_returned_report_and_a_rate(filled):
    book = ledger_book(session=filled.session, actor=SYSTEM, period="2020-09")
    ten = line(book, "10")
    assert ten.review == "已退回：数据口径不一致"
    assert ten.indicators[0].cumulative is None and ten.light == "red"
    twenty = line(book, "20")
    (cut,) = twenty.indicators
    # A rate is a level: this period's figure is the level itself, held to the full target.
    assert (cut.period_value, cut.cumulative, cut.completion, cut.expected) == (15, 15, 1, 1)


def test_the_previous_period_knows_nothing_of_later_reports(filled):
    first = line(ledger_book(session=filled.session, actor=SYSTEM, period="2020-08"), "1")
    assert (first.indicators[0].period_value, first.indicators[0].cumulative) == (10_000_000, 10_000_000)
    assert first.light == "yellow"  # 33.33% against 68/196 = 34.69%: 1.36 points behind


def test_sub_tasks_follow_their_parent_and_are_not_counted_twice(filled):
    book = ledger_book(session=filled.session, actor=SYSTEM, period="2020-09")
    numbers = [x.number for x in book.sections[0].lines]
    assert numbers == ["1", "2", "3", "4", "4-1", "4-2", "5"]
    county = line(book, "4-1")
    assert (county.depth, county.title, county.counted) == (1, "保障重点群体就业创业（章贡区）", False)
    assert sum(x.counted for x in book.lines) == 23


@pytest.mark.parametrize(("unit", "expected"), [("章贡区", ["4-1"]), ("市政府金融办", ["10", "11", "21"])])
def test_a_reporter_sees_only_their_units_tasks(filled, unit, expected):
    book = ledger_book(session=filled.session, actor=filled.actor(unit), period="2020-09")
    assert [x.number for x in book.lines] == expected
    assert all(x.counted for x in book.lines)


def test_a_co_unit_reporter_sees_the_tasks_it_works_on(filled):
    book = ledger_book(session=filled.session, actor=filled.actor("市教育局"), period="2020-09")
    assert book.lines and all("市教育局" in x.lead_units + x.co_units for x in book.lines)


def test_filters(filled):
    s = filled.session
    assert [x.number for x in ledger_book(session=s, actor=SYSTEM, period="2020-09", light="orange").lines] == ["5"]
    section = ledger_book(session=s, actor=SYSTEM, period="2020-09", section=6)
    assert [x.number for x in section.lines] == ["20", "21", "22", "23"] and section.filter_note == "第6部分"
    unit = ledger_book(session=s, actor=SYSTEM, period="2020-09", unit="市财政局")
    assert "1" in [x.number for x in unit.lines] and all("市财政局" in x.lead_units + x.co_units for x in unit.lines)


def test_the_running_period_agrees_with_the_dashboard(filled):
    book = ledger_book(session=filled.session, actor=SYSTEM)
    assert book.period == "2020-10" and book.judged_on == date(2020, 10, 10)
    stored = {t.id: t.light for t in filled.session.scalars(select(Task))}
    assert len(book.lines) == len(stored) == 25
    for x in book.lines:
        assert x.light == stored[x.task_id], x.number


@pytest.mark.parametrize("period", ["2020-13", "九月", "2020-11"])
def test_a_bad_or_future_period_is_refused(filled, period):
    with pytest.raises(ValidationFailed, match="报送期|尚未开始"):
        ledger_book(session=filled.session, actor=SYSTEM, period=period)


def test_the_workbook(filled):
    file = export_ledger(session=filled.session, actor=SYSTEM, period="2020-09")
    assert file.filename == "重点任务推进台账-2020-09.xlsx" and file.rows == 25
    wb = load_workbook(BytesIO(file.data))
    assert wb.sheetnames == ["汇总", "一、保居民就业", "二、保基本民生", "三、保市场主体", "四、保粮食能源安全",
                             "五、保产业链供应链稳定", "六、保基层运转"]
    summary = wb["汇总"]
    total = next(r for r in summary.iter_rows(min_row=4, values_only=True) if r[0] == "合计")
    # 任务数 已完成 达进度 欠进度 逾期 暂无评价 | 红 橙 黄 蓝 绿
    assert total == ("合计", 23, 0, 3, 20, 0, 0, 19, 1, 0, 0, 3)
    ws = wb["一、保居民就业"]
    assert "2020年9月" in ws["A2"].value and "截至2020年9月30日" in ws["A2"].value
    assert ws["A4"].value == "1" and ws["I4"].value == 6_000_000 and ws["J4"].value == 16_000_000
    assert ws["I4"].number_format == '#,##0"元"' and ws["K4"].number_format == "0.00%"
    assert ws["Q4"].value == "绿灯" and ws["Q4"].fill.fgColor.rgb.endswith("A9D08E")
    row4 = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == "4")
    assert ws.cell(row4, 5).value.startswith("各行政村、贫困村在疫情期间分别新开发2个")
    assert f"A{row4}:A{row4 + 6}" in {str(m) for m in ws.merged_cells.ranges}  # 7 indicators, one task
    county = ws.cell(row4 + 7, 3)
    assert (ws.cell(row4 + 7, 1).value, county.value, county.alignment.indent) == ("4-1", "保障重点群体就业创业（章贡区）", 2)


def test_user_text_that_looks_like_a_formula_stays_text(filled):
    wb = load_workbook(BytesIO(export_ledger(session=filled.session, actor=SYSTEM, period="2020-09").data))
    first = wb["一、保居民就业"]
    two = next(r for r in range(4, first.max_row + 1) if first.cell(r, 1).value == "2")
    cells = [first.cell(two, c) for c in (13, 14, 15)]
    assert [c.value for c in cells] == ["'" + HYPERLINK, "'@SUM(A1)", "'+1+1"]
    last = wb["六、保基层运转"]
    cells += [last["M4"], last["N4"]]
    assert [last["M4"].value, last["N4"].value] == ["'-1+1", "'\t=1"]
    assert all(c.data_type == "s" for c in cells)


def test_csv_is_utf8_with_bom_and_defused(filled):
    file = export_ledger(session=filled.session, actor=SYSTEM, period="2020-09", fmt="csv")
    assert file.content_type.startswith("text/csv") and file.data.startswith(b"\xef\xbb\xbf")
    text = file.data.decode("utf-8-sig")
    assert text.startswith("序号,类别,重点任务,具体措施,量化指标")
    assert "'@SUM(A1)" in text and "'+1+1" in text and "\"'=HYPERLINK(\"\"http://example.com\"\"" in text
    assert ",6000000,16000000,0.5333,0.5051," in text


def test_every_export_is_audited_with_its_filter_and_row_count(filled):
    export_ledger(session=filled.session, actor=filled.actor("章贡区"), period="2020-09", fmt="csv")
    event = filled.session.scalars(select(AuditEvent).where(AuditEvent.action == "ledger.export")
                                   .order_by(AuditEvent.id.desc())).first()
    assert event.actor_name == "zhanggong"
    assert event.detail == {"period": "2020-09", "unit": None, "section": None, "light": None, "format": "csv",
                            "rows": 1}
