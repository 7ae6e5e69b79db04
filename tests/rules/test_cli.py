"""``taizhang rules …``: the shell prints what the library computes; errors exit 1 in Chinese."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from taizhang.cli import app

runner = CliRunner()
EXAMPLE = ('{"credit_code": "91360702MA35F0XX1X", "size": "小型", "insured": "是", "layoff_rate": 5.5, '
           '"premium_paid": "120000.00", "refunded_general": "30000"}')


def test_eval_prints_the_issue_json():
    result = runner.invoke(app, ["rules", "eval", "job_retention_refund", "--json", EXAMPLE, "--date", "2020-09-01"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["rule"] == "job_retention_refund" and body["eligible"] is True and body["amount"] == "90000.00"
    assert body["citation"]["span"] == [296, 350] and len(body["trace"]) == 6


def test_eval_explain_prints_the_clerks_printout():
    result = runner.invoke(app, ["rules", "eval", "job_retention_refund", "--json", EXAMPLE, "--date", "2020-09-01",
                                 "--explain"])
    assert result.exit_code == 0, result.output
    assert "结论：符合条件，返还金额 90,000.00元" in result.stdout
    assert "依据：（一）“裁员（减员）率不高于5.5%”［297, 311）" in result.stdout


def test_bad_input_exits_1_with_the_reason():
    result = runner.invoke(app, ["rules", "eval", "job_retention_refund", "--json", '{"size": "小型"}'])
    assert result.exit_code == 1 and "必填项未填写" in result.stderr
    unknown = runner.invoke(app, ["rules", "eval", "no_such_rule", "--json", "{}"])
    assert unknown.exit_code == 1 and "没有名为“no_such_rule”的规则" in unknown.stderr


def test_list_show_and_match():
    listed = runner.invoke(app, ["rules", "list"])
    assert listed.exit_code == 0 and "共 9 条规则" in listed.stdout
    shown = runner.invoke(app, ["rules", "show", "work_training_subsidy", "--date", "2020-09-01"])
    assert shown.exit_code == 0 and "contract_months" in shown.stdout and "劳动合同期限（月）" in shown.stdout
    matched = runner.invoke(app, ["rules", "match", "--json", '{"size": "小型", "insured": "是", "layoff_rate": "1",'
                                  ' "premium_paid": "1000"}', "--date", "2020-09-01", "--as-json"])
    assert matched.exit_code == 0 and json.loads(matched.stdout)[0]["status"] == "eligible"


def test_batch_writes_results_errors_and_a_summary(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("统一社会信用代码,企业规模,参加失业保险,裁员率,上年度实际缴纳失业保险费\n"
                      "91360702MA35F0XX1X,小型,是,3,1000\n"
                      "bad,小型,是,3,1000\n", "utf-8")
    output = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["rules", "batch", "job_retention_refund", str(source), "-o", str(output),
                                 "--date", "2020-09-01"])
    assert result.exit_code == 0, result.output
    assert "共 2 行：计算 1 行（符合 1，不符合 0），有误 1 行" in result.stdout and "合计金额：1,000.00元" in result.stdout
    assert output.exists() and (tmp_path / "out.errors.csv").read_text("utf-8-sig").count("\n") == 2
