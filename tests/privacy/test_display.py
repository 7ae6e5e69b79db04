"""Masked by default, everywhere a person's data is shown: API responses (payouts, error lists, the
calculator's printout, batch errors, matching), the 公示 workbook, the 政策计算器 page, and the command
line's printout and batch files. 姓名 → 陈**, 身份证号码 → 360***********1232, 手机号码 → 138****5678."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from taizhang.auth.permissions import Actor
from taizhang.benefits import rule_book
from taizhang.cli import app as cli
from taizhang.fulfillment import service
from taizhang.rules.single import evaluate_records
from tests.fulfillment.factories import EVALUATED_ON, PEOPLE, api_site, bearer, data_key, people_csv

WORKER = {"credit_code": "91360702MA35F0XX1X", "name": "赣州甲机械有限公司", "size": "小型", "person_name": "陈静怡",
          "id_number": "360702199001011232", "phone": "13812345678", "registered_unemployed": "是",
          "hire_date": "2020-07-01", "contract_months": "12", "months_worked": "2"}
RAW = ["陈静怡", "360702199001011232", "13812345678"]
MASKED = "姓名：陈**，身份证号码：360***********1232，联系电话：138****5678"


def shows_nothing_raw(text: str) -> bool:
    return not any(value in text for value in [*RAW, *PEOPLE["names"], *PEOPLE["id_numbers"], *PEOPLE["phones"]])


@pytest.fixture
def web(database, tmp_path):
    app, tokens, users = api_site(database, tmp_path)
    return TestClient(app, base_url="http://127.0.0.1"), tokens, users


def test_payouts_errors_and_the_publicity_workbook(web, database, tmp_path):
    client, tokens, users = web
    office = Actor(user_id=users["supervisor"], username="supervisor1", role="supervisor")
    storage, key = tmp_path / "fulfillment", data_key(tmp_path)
    with database.writing() as session:
        job = service.create_job("work_training_subsidy", "登记信息.csv", people_csv(), session=session, actor=office,
                                 on=EVALUATED_ON, storage=storage)
        service.run_job(job.id, session=session, actor=office, storage=storage, key=key)
        service.review_job(job.id, "approved", session=session, actor=office)
        job_id = job.id
    leader = bearer(tokens["leader"])
    payouts = client.get(f"/api/v1/fulfillment/jobs/{job_id}/payouts", headers=leader)
    assert payouts.json()["items"][1]["applicant"] == {
        "统一社会信用代码": "913607********XX1X", "单位名称": "赣州甲机械有限公司", "姓名": "王**",
        "身份证号码": "360***********002X", "联系电话": "159****4321"}
    errors = client.get(f"/api/v1/fulfillment/jobs/{job_id}/errors", headers=leader)
    assert [e["value"] for e in errors.json()["items"]] == [
        "138***4567", "360***********1233", "120****5678", "913607********XX1X、360***********1232"]
    publicity = client.get(f"/api/v1/fulfillment/jobs/{job_id}/publicity.xlsx", headers=leader)
    rows = list(load_workbook(io.BytesIO(publicity.content)).active.values)
    assert rows[2] == ("序号", "统一社会信用代码", "单位名称", "姓名", "身份证号码", "联系电话", "补贴金额（元）", "状态")
    assert rows[3][1:6] == ("913607********XX1X", "赣州甲机械有限公司", "陈**", "360***********1232", "138****5678")
    cells = " ".join(str(cell) for row in rows for cell in row)
    assert shows_nothing_raw(cells) and shows_nothing_raw(payouts.text) and shows_nothing_raw(errors.text)


def test_the_calculator_api_masks_the_printout_and_the_errors(web):
    client, tokens, _ = web
    reporter = bearer(tokens["reporter"])
    one = client.post("/api/v1/rules/work_training_subsidy/evaluate", headers=reporter,
                      json={"inputs": WORKER, "date": "2020-09-01"})
    assert one.status_code == 200 and one.json()["amount"] == "1200.00"
    assert MASKED in one.json()["explanation"] and shows_nothing_raw(one.text)
    bad = client.post("/api/v1/rules/work_training_subsidy/evaluate", headers=reporter,
                      json={"inputs": {**WORKER, "id_number": "360702199001011233"}, "date": "2020-09-01"})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["value"] == "360***********1233"
    assert shows_nothing_raw(bad.text)
    rows = [WORKER, {**WORKER, "phone": "1381234567"}, WORKER]
    batch = client.post("/api/v1/rules/work_training_subsidy/batch", headers=reporter,
                        json={"rows": rows, "date": "2020-09-01"})
    assert [(e["row"], e["value"]) for e in batch.json()["errors"]] == [
        (2, "138***4567"), (3, "913607********XX1X、360***********1232")]
    assert shows_nothing_raw(batch.text)
    matched = client.post("/api/v1/rules/match", headers=reporter,
                          json={"profile": {**WORKER, "id_number": "360702199001011233"}, "date": "2020-09-01"})
    assert "360***********1233" in matched.text and shows_nothing_raw(matched.text)


def test_the_calculator_page_masks_the_result_and_the_printout(web):
    client, tokens, _ = web
    page = client.post("/rules/work_training_subsidy", headers=bearer(tokens["reporter"]),
                       data={**WORKER, "date": "2020-09-01"})
    assert page.status_code == 200 and "符合条件，补贴金额 1,200.00元" in page.text
    # The form keeps what the clerk typed (to correct and recompute); the result and its printout are masked.
    result = page.text.split('id="result"', 1)[1]
    assert MASKED in result and shows_nothing_raw(result)
    bad = client.post("/rules/work_training_subsidy", headers=bearer(tokens["reporter"]),
                      data={**WORKER, "phone": "12012345678", "date": "2020-09-01"})
    assert bad.status_code == 422 and "联系电话“120****5678”不是有效的手机号码" in bad.text


def test_a_field_the_rule_does_not_know_is_reported_without_its_value():
    outcome = evaluate_records(rule_book()["work_training_subsidy"], [{**WORKER, "银行卡号": "6222020200112233445"}],
                               on=EVALUATED_ON)
    assert [(e.field, e.value, e.reason) for e in outcome.errors] == [("银行卡号", "（不显示）", "不是该规则的输入字段")]


runner = CliRunner()


def test_the_command_line_printout_and_json_are_masked():
    explained = runner.invoke(cli, ["rules", "eval", "work_training_subsidy", "--json", json.dumps(WORKER),
                                    "--date", "2020-09-01", "--explain"])
    assert explained.exit_code == 0, explained.output
    assert f"申请对象：统一社会信用代码：913607********XX1X，单位名称：赣州甲机械有限公司，{MASKED}" in explained.stdout
    as_json = runner.invoke(cli, ["rules", "eval", "work_training_subsidy", "--json", json.dumps(WORKER),
                                  "--date", "2020-09-01"])
    assert as_json.exit_code == 0 and shows_nothing_raw(explained.stdout + as_json.stdout)


def test_the_command_line_batch_files_are_masked(tmp_path):
    source = tmp_path / "登记信息.csv"
    source.write_bytes(people_csv())
    output = tmp_path / "结果.csv"
    result = runner.invoke(cli, ["rules", "batch", "work_training_subsidy", str(source), "-o", str(output),
                                 "--date", "2020-09-01"])
    assert result.exit_code == 0, result.output
    results = list(csv.DictReader(io.StringIO(output.read_text("utf-8-sig"))))
    assert [(r["序号"], r["姓名"], r["身份证号码"], r["联系电话"]) for r in results] == [
        ("1", "陈**", "360***********1232", "138****5678"), ("2", "王**", "360***********002X", "159****4321"),
        ("6", "刘**", "360***********0047", "")]
    errors = (tmp_path / "结果.errors.csv").read_text("utf-8-sig")
    assert "138***4567" in errors and shows_nothing_raw(output.read_text("utf-8-sig") + errors)
