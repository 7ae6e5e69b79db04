"""/api/v1/rules and the 政策计算器 page: the same evaluation as the CLI, errors in Chinese."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.fulfillment.factories import api_site, bearer

EXAMPLE = {"credit_code": "91360702MA35F0XX1X", "name": "赣州示例机械有限公司", "size": "小型", "insured": "是",
           "new_benefit_claimants": "11", "avg_insured": "200", "premium_paid": "120000.00",
           "refunded_general": "30000.00"}


@pytest.fixture
def web(database, tmp_path):
    app, tokens, _ = api_site(database, tmp_path)
    return TestClient(app, base_url="http://127.0.0.1"), tokens


def test_rules_are_listed_and_described(web):
    client, tokens = web
    rules = client.get("/api/v1/rules", headers=bearer(tokens["reporter"])).json()
    assert len(rules) == 9 and rules[0]["name"] == "job_retention_refund" and rules[0]["measure"] == "（一）"
    detail = client.get("/api/v1/rules/job_retention_refund", params={"date": "2019-05-01"},
                        headers=bearer(tokens["reporter"])).json()
    assert detail["inputs"][0]["name"] == "credit_code"
    share = next(p for p in detail["parameters"] if p["name"] == "refund_share")
    assert share["text"] == "50%" and share["since"] == "2019-01-01"


def test_one_applicant_with_trace_and_printout(web):
    client, tokens = web
    response = client.post("/api/v1/rules/job_retention_refund/evaluate", headers=bearer(tokens["reporter"]),
                           json={"inputs": EXAMPLE, "date": "2020-09-01"})
    body = response.json()
    assert response.status_code == 200 and body["eligible"] is True and body["amount"] == "90000.00"
    assert body["citation"]["measure"] == "（一）" and "稳岗返还" in body["explanation"]


def test_json_numbers_are_read_by_their_decimal_text(web):
    client, tokens = web
    inputs = {**EXAMPLE, "premium_paid": 100000.01, "refunded_general": 0, "insured": True}
    body = client.post("/api/v1/rules/job_retention_refund/evaluate", headers=bearer(tokens["leader"]),
                       json={"inputs": inputs, "date": "2020-09-01"}).json()
    assert body["amount"] == "100000.01"


def test_bad_inputs_and_unknown_fields_are_refused_in_chinese(web):
    client, tokens = web
    bad = client.post("/api/v1/rules/job_retention_refund/evaluate", headers=bearer(tokens["reporter"]),
                      json={"inputs": {**EXAMPLE, "credit_code": "91360702MA35F0XX1Y"}})
    assert bad.status_code == 422 and "校验码不符" in bad.json()["error"]["message"]
    assert bad.json()["error"]["details"][0]["row"] == 1
    unknown = client.post("/api/v1/rules/job_retention_refund/evaluate", headers=bearer(tokens["reporter"]),
                          json={"inputs": {**EXAMPLE, "colour": "red"}})
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "invalid_request"


def test_a_batch_reports_bad_rows_and_computes_the_rest(web):
    client, tokens = web
    rows = [EXAMPLE, {**EXAMPLE, "credit_code": "123"}, {**EXAMPLE, "credit_code": "91360700MA35000A0H",
                                                          "size": "大型"}]
    body = client.post("/api/v1/rules/job_retention_refund/batch", headers=bearer(tokens["reporter"]),
                       json={"rows": rows, "date": "2020-09-01"}).json()
    assert [r["row"] for r in body["results"]] == [1, 3]
    assert body["errors"] == [{"row": 2, "field": "credit_code", "label": "统一社会信用代码", "value": "***",
                               "reason": "应为18位"}]  # a code too short to keep its head and tail: stars only
    assert body["summary"] == {"rows": 3, "computed": 2, "eligible": 1, "errors": 1, "total_amount": "90000.00"}


def test_match(web):
    client, tokens = web
    body = client.post("/api/v1/rules/match", headers=bearer(tokens["reporter"]),
                       json={"profile": {"size": "中型", "insured": "是", "layoff_rate": "2", "premium_paid": "1000"},
                             "date": "2020-09-01"}).json()
    assert body[0]["rule"] == "job_retention_refund" and body[0]["status"] == "eligible"


def test_the_calculator_page_prints_the_explanation(web):
    client, tokens = web
    page = client.get("/rules/job_retention_refund", headers=bearer(tokens["reporter"]))
    assert page.status_code == 200 and 'name="csrf_token"' in page.text and "（一）加大援企稳岗返还力度" in page.text
    assert not re.findall(r"<script(?![^>]*\bsrc=)", page.text) and " style=" not in page.text
    result = client.post("/rules/job_retention_refund", headers=bearer(tokens["reporter"]),
                         data={**EXAMPLE, "date": "2020-09-01"})
    assert result.status_code == 200 and "符合条件，返还金额 90,000.00元" in result.text
    assert "政策兑现测算单" in result.text and "裁员（减员）率不高于5.5%" in result.text
    bad = client.post("/rules/job_retention_refund", headers=bearer(tokens["reporter"]),
                      data={**EXAMPLE, "premium_paid": "-1", "date": "2020-09-01"})
    assert bad.status_code == 422 and "不能为负数" in bad.text
    bad_day = client.post("/rules/job_retention_refund", headers=bearer(tokens["reporter"]),
                          data={**EXAMPLE, "date": "明年"})
    assert bad_day.status_code == 422 and "评估日期“明年”不是有效日期" in bad_day.text
    index = client.get("/rules", headers=bearer(tokens["leader"]))
    assert index.status_code == 200 and "稳岗返还" in index.text
