"""The Excel 台账 as a clerk opens it: title block, frozen header, the 23 tasks, print set-up."""

from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from taizhang.auth.permissions import Actor
from taizhang.exports.ledger_xlsx import COLUMNS, ledger_workbook
from taizhang.ledger import service as ledger
from taizhang.ledger.rollup import format_quantity
from taizhang.ledger.rows import IndicatorRow, LedgerExport, TaskRow
from taizhang.policy.parse import parse_text

HEADERS = ["序号", "类别", "措施", "具体内容", "牵头单位", "配合单位", "量化目标", "完成时限", "进展情况", "完成状态"]


@pytest.fixture
def sheet(session, seed_text):
    ledger.import_policy(parse_text(seed_text), session=session, actor=Actor.system(), source_name="seed.txt")
    export = ledger.ledger_export(session=session, actor=Actor.system())
    wb = load_workbook(BytesIO(ledger_workbook(export)))
    return wb.active


def test_title_block_is_merged_and_names_the_policy(sheet):
    assert "A1:J1" in {str(r) for r in sheet.merged_cells.ranges}
    assert "A2:J2" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A1"].value.startswith("赣州市人民政府办公室印发关于做好“六稳”工作")
    assert "重点任务推进台账" in sheet["A1"].value
    assert "赣州市人民政府办公室" in sheet["A2"].value and "共23项任务" in sheet["A2"].value


def test_header_row_is_frozen_and_complete(sheet):
    assert [c.value for c in sheet[3]] == HEADERS
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"


def test_one_row_per_task_with_the_documents_values(sheet):
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 23
    first = dict(zip(HEADERS, rows[0], strict=True))
    assert first["序号"] == 1
    assert first["类别"] == "保居民就业"
    assert first["措施"] == "（一）加大援企稳岗返还力度"
    assert first["具体内容"].startswith("（一）加大援企稳岗返还力度。加快落实失业保险稳岗返还政策")
    assert first["牵头单位"] == "市人社局"
    assert first["配合单位"] == "市财政局等"
    assert first["量化目标"] == "全年返还企业失业保险费3000万元以上：不低于3000万元（2020年12月31日前）"
    assert first["完成时限"] == "2020年12月31日前"
    assert first["完成状态"] == "未启动"
    last = dict(zip(HEADERS, rows[-1], strict=True))
    assert (last["序号"], last["类别"], last["牵头单位"], last["配合单位"]) == (23, "保基层运转", "市财政局", "—")
    twenty_second = dict(zip(HEADERS, rows[21], strict=True))
    assert twenty_second["完成时限"] == "预算批复后60日内"
    assert twenty_second["配合单位"] == "市直各单位"


def test_cells_wrap_and_print_on_a3_landscape(sheet):
    assert sheet["D4"].alignment.wrap_text
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A3  # "8" is A3 in OOXML
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["D"].width == dict(COLUMNS)["具体内容"]


def test_text_that_looks_like_a_formula_is_written_as_text():
    row = TaskRow(
        id=1, measure_no="1", section_no=1, section_title="=HYPERLINK(\"http://x\")", title="@SUM(A1)",
        content="+1+1", lead_units=["-1+1"], co_units=[], units_open=False, due_date=date(2020, 12, 31),
        due_note=None, status="not_started",
        indicators=[IndicatorRow(1, "\t=1", Decimal(1), None, "个", "=", None)],
    )
    export = LedgerExport(policy_title="=cmd", issuer=None, issued_on=None, generated_at=datetime.now(UTC), rows=[row])
    ws = load_workbook(BytesIO(ledger_workbook(export))).active
    cells = [c for c in ws[4]]
    assert all(c.data_type != "f" for c in cells)
    assert ws["B4"].value == "'=HYPERLINK(\"http://x\")"
    assert ws["D4"].value == "'+1+1"
    assert ws["E4"].value == "'-1+1"
    assert ws["A1"].data_type == "s"


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(30000000, "元", "3000万元"), (1600000000, "元", "16亿元"), (12000, "套", "1.2万套"), (8074, "户", "8074户"),
     (5.5, "%", "5.5%"), (31700, "户", "3.17万户")],
)
def test_amounts_are_written_as_documents_write_them(value, unit, text):
    assert format_quantity(Decimal(str(value)), unit) == text
