"""The Excel 台账 as a clerk opens it, from hand-made rows: sheets, title block, frozen header, merged
task cells, numbers that stay numbers, lights as colour and text, print set-up; and CSV."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from taizhang.exports.ledger_xlsx import COLUMNS, HEADERS, ledger_csv, ledger_workbook
from taizhang.exports.rows import IndicatorLine, LedgerBook, LedgerLine, LedgerSection
from taizhang.exports.safe import cell_value, csv_bytes, restore_text
from taizhang.ledger.rollup import format_quantity

INJECTIONS = ['=HYPERLINK("http://evil.example","点击")', "@SUM(A1:A9)", "+1+1", "-1+1", "\t=1", "\r=1"]


def make_line(number="1", depth=0, *, indicators=2, light="red", counted=True, **texts) -> LedgerLine:
    lines = tuple(IndicatorLine(text=f"指标{n}：不低于3000万元", unit="元", period_value=Decimal(5_000_000),
                                cumulative=Decimal(16_000_000), completion=Decimal("0.5333"),
                                expected=Decimal("0.5051")) for n in range(1, indicators + 1))
    return LedgerLine(number=number, depth=depth, section="保居民就业", title=f"任务{number}", content="具体措施的全文",
                      due="2020年12月31日前", lead_units="市人社局", co_units="市财政局等", status="in_progress",
                      light=light, indicators=lines, reported_on=date(2020, 9, 20), review="审核通过（2020-09-22）",
                      counted=counted, **texts)


def book(*lines: LedgerLine, title="赣州市若干措施") -> LedgerBook:
    return LedgerBook(policy_title=title, issuer="赣州市人民政府办公室", period="2020-09", period_label="2020年9月",
                      judged_on=date(2020, 9, 30), generated_at=datetime(2020, 10, 10, 2, 0, tzinfo=UTC),
                      sections=(LedgerSection(no=1, title="保居民就业", lines=lines),), filter_note="单位：市人社局")


@pytest.fixture
def workbook():
    lines = (make_line("1"), make_line("1-1", depth=1, indicators=1, light="green", counted=False),
             make_line("2", indicators=0, light="none"))
    return load_workbook(BytesIO(ledger_workbook(book(*lines))))


def test_a_summary_then_one_sheet_per_section(workbook):
    assert workbook.sheetnames == ["汇总", "一、保居民就业"]
    summary = workbook["汇总"]
    assert [c.value for c in summary[3]][:7] == ["类别", "任务数", "已完成", "达进度", "欠进度", "逾期", "暂无评价"]
    # The sub-task is shown under its parent, not counted again: 1 red behind, 1 unrated.
    assert [c.value for c in summary[4]] == ["保居民就业", 2, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0]
    assert [c.value for c in summary[5]][:2] == ["合计", 2]


def test_title_block_and_frozen_header(workbook):
    ws = workbook["一、保居民就业"]
    assert {"A1:S1", "A2:S2"} <= {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "赣州市若干措施\n重点任务推进台账（保居民就业）"
    for part in ("赣州市人民政府办公室", "报送期：2020年9月", "截至2020年9月30日", "单位：市人社局", "共2项任务", "生成时间："):
        assert part in ws["A2"].value
    assert tuple(c.value for c in ws[3]) == HEADERS
    assert HEADERS == ("序号", "类别", "重点任务", "具体措施", "量化指标", "完成时限", "牵头单位", "配合单位", "本期完成值",
                       "累计完成值", "完成率", "序时进度", "进展情况", "存在问题", "下步打算", "完成状态", "预警", "报送日期",
                       "审核意见")
    assert ws.freeze_panes == "D4" and ws.print_title_rows == "$3:$3"


def test_a_task_takes_a_row_per_indicator_with_its_cells_merged(workbook):
    ws = workbook["一、保居民就业"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A4:A5", "C4:C5", "M4:M5", "Q4:Q5"} <= merged and "E4:E5" not in merged and "I4:I5" not in merged
    assert [ws["E4"].value, ws["E5"].value] == ["指标1：不低于3000万元", "指标2：不低于3000万元"]
    assert (ws["I4"].value, ws["J4"].value, ws["K4"].value, ws["L4"].value) == (5_000_000, 16_000_000, 0.5333, 0.5051)
    assert ws["I4"].data_type == "n" and ws["I4"].number_format == '#,##0"元"' and ws["L4"].number_format == "0.00%"
    assert ws["R4"].value == datetime(2020, 9, 20) and ws["R4"].number_format == "yyyy-mm-dd"
    assert (ws["A6"].value, ws["C6"].value, ws["C6"].alignment.indent) == ("1-1", "任务1-1", 2)
    assert (ws["E7"].value, ws["I7"].value, ws["Q7"].value) == ("—", None, "—")


def test_lights_are_colour_and_text(workbook):
    ws = workbook["一、保居民就业"]
    assert ws["Q4"].value == "红灯" and ws["Q4"].fill.fgColor.rgb.endswith("F8696B")
    assert ws["Q6"].value == "绿灯" and ws["Q6"].fill.fgColor.rgb.endswith("A9D08E")


def test_print_ready_on_a3_landscape(workbook):
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A3
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
    ws = workbook["一、保居民就业"]
    assert ws.column_dimensions["D"].width == dict(COLUMNS)["具体措施"] and ws["D4"].alignment.wrap_text


@pytest.mark.parametrize("text", INJECTIONS)
def test_user_text_that_looks_like_a_formula_is_written_as_text(text):
    line = make_line(progress=text, problems=text, next_steps=text)
    wb = load_workbook(BytesIO(ledger_workbook(book(line, title=text))))
    ws = wb["一、保居民就业"]
    for ref in ("M4", "N4", "O4"):
        assert ws[ref].data_type == "s" and ws[ref].value == "'" + text
    assert wb["汇总"]["A1"].data_type == "s" and wb["汇总"]["A1"].value.startswith("'")


def test_numbers_stay_numbers_and_a_round_trip_restores_the_text():
    assert cell_value(-5) == -5 and cell_value(Decimal("-1.5")) == Decimal("-1.5")
    assert cell_value("-1+1") == "'-1+1" and cell_value("普通文字") == "普通文字"
    for text in INJECTIONS:
        assert restore_text(cell_value(text)) == text
    assert restore_text("'普通") == "'普通"  # an apostrophe the user typed stays


def test_csv_is_utf8_with_bom_crlf_and_defused():
    data = ledger_csv(book(make_line(progress="@SUM(A1)", problems="+1+1")))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.split("\r\n")[0] == ",".join(HEADERS)
    assert ",'@SUM(A1),'+1+1," in text and ",5000000,16000000,0.5333,0.5051," in text
    assert csv_bytes(["a"], [["=1+1"], [-3]]).decode("utf-8-sig") == "a\r\n'=1+1\r\n-3\r\n"


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(30000000, "元", "3000万元"), (1600000000, "元", "16亿元"), (12000, "套", "1.2万套"), (8074, "户", "8074户"),
     (5.5, "%", "5.5%"), (31700, "户", "3.17万户")],
)
def test_amounts_are_written_as_documents_write_them(value, unit, text):
    assert format_quantity(Decimal(str(value)), unit) == text
