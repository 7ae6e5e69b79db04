"""Batches: every input row is computed or reported (row, field, value, reason), from CSV, XLSX and
Parquet alike; one bad row never stops a batch; a repeated applicant is counted once."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from taizhang.benefits import rule_book
from taizhang.errors import ValidationFailed
from taizhang.rules.batch import evaluate_file

ON = date(2020, 9, 1)
HEADER = ["统一社会信用代码", "单位名称", "企业规模", "参加失业保险", "裁员率", "上年度实际缴纳失业保险费（元）",
          "已享受一般企业稳岗返还（元）"]
ROWS = [
    ["91360702MA35F0XX1X", "甲公司", "小型", "是", "3", "120000.00", "30000"],  # 90,000.00
    ["91360702MA35F0XX1Y", "校验码错", "小型", "是", "3", "1000", ""],  # error: check character
    ["91360700MA35000A0H", "乙公司", "特大型", "是", "3", "1000", ""],  # error: size
    ["91360700MA35000A0H", "乙公司", "中型", "是", "", "1000", ""],  # error: no layoff rate
    ["91360700000000000L", "丙公司", "中型", "是", "5.51", "-3", "x"],  # errors: premium and refund
    ["91360700000000000L", "丙公司", "中型", "是", "5.5", "40000", ""],  # 40,000.00
    ["91360702MA35F0XX1X", "甲公司又一行", "小型", "是", "3", "1", ""],  # error: repeated applicant
    ["91360700MA35000A0H", "乙公司", "大型", "否", "1", "1000", ""],  # computed: not eligible
]


def read_csv(path):
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def write_source(tmp_path, suffix: str, encoding: str = "utf-8"):
    path = tmp_path / f"extract{suffix}"
    if suffix == ".csv":
        with path.open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle).writerows([HEADER, *ROWS])
    elif suffix == ".xlsx":
        workbook = Workbook()
        workbook.active.append(HEADER)
        for row in ROWS:
            workbook.active.append(row)
        workbook.save(path)
    else:
        pq.write_table(pa.table({h: [r[i] or None for r in ROWS] for i, h in enumerate(HEADER)}), path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_every_row_is_computed_or_reported(tmp_path, suffix):
    source = write_source(tmp_path, suffix)
    output, errors = tmp_path / "out.csv", tmp_path / "errors.csv"
    summary = evaluate_file(rule_book()["job_retention_refund"], source, on=ON, output=output, errors=errors,
                            chunk_rows=3)
    results, problems = read_csv(output), read_csv(errors)
    computed = {int(r["序号"]) for r in results}
    reported = {int(p["序号"]) for p in problems}
    assert computed | reported == set(range(1, len(ROWS) + 1)) and not computed & reported
    assert computed == {1, 6, 8}
    assert [(r["是否符合"], r["返还金额（元）"]) for r in results] == [("是", "90000.00"), ("是", "40000.00"),
                                                                         ("否", "0.00")]
    reasons = {(int(p["序号"]), p["列名"]): p["原因"] for p in problems}
    assert reasons[(2, "统一社会信用代码")].startswith("校验码不符")
    assert reasons[(3, "企业规模")].startswith("不是可选的值")
    assert reasons[(4, "裁员率")].startswith("缺少数据")
    assert reasons[(5, "上年度实际缴纳失业保险费")] == "不能为负数"
    assert reasons[(5, "已享受一般企业稳岗返还")] == "不是有效的金额"
    assert reasons[(7, "统一社会信用代码")] == "与第1条重复（同一申请对象只计算一次）"
    assert summary.rows == 8 and summary.computed == 3 and summary.eligible == 2 and summary.error_rows == 5
    assert summary.total_amount == 13_000_000  # 分: 90,000 + 40,000 元
    assert summary.failed == {"企业规模": 1, "参加失业保险": 1}


def test_a_gbk_csv_from_a_spreadsheet_is_read(tmp_path):
    source = write_source(tmp_path, ".csv", encoding="gb18030")
    summary = evaluate_file(rule_book()["job_retention_refund"], source, on=ON)
    assert summary.computed == 3 and summary.error_rows == 5


def test_a_file_without_a_required_column_is_refused(tmp_path):
    source = tmp_path / "x.csv"
    source.write_text("统一社会信用代码,企业规模\n91360702MA35F0XX1X,小型\n", "utf-8")
    with pytest.raises(ValidationFailed, match="参加失业保险"):
        evaluate_file(rule_book()["job_retention_refund"], source, on=ON)


def test_an_unsupported_format_is_refused(tmp_path):
    source = tmp_path / "x.txt"
    source.write_text("x", "utf-8")
    with pytest.raises(Exception, match="不支持的文件格式"):
        evaluate_file(rule_book()["job_retention_refund"], source, on=ON)


def test_typed_parquet_columns_are_exact(tmp_path):
    source = tmp_path / "typed.parquet"
    pq.write_table(pa.table({
        "credit_code": ["91360702MA35F0XX1X"], "size": ["small"], "insured": [True],
        "layoff_rate": pa.array([Decimal("5.5")], pa.decimal128(6, 2)),
        "premium_paid": pa.array([Decimal("100000.01")], pa.decimal128(18, 2)),
        "refunded_general": pa.array([0], pa.int64()),
    }), source)
    output = tmp_path / "out.parquet"
    evaluate_file(rule_book()["job_retention_refund"], source, on=ON, output=output)
    table = pq.read_table(output)
    assert table.column("返还金额（元）").to_pylist() == [Decimal("100000.01")]
