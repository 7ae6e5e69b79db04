"""The engine: every clause and parameter resolves in the document, dated values, one code path."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from taizhang.benefits import MODULES, rule_book
from taizhang.rules.evaluate import evaluate_table
from taizhang.rules.single import evaluate_one, evaluate_records, match_profile, table_from_records

RULES = rule_book().names
ISSUE_7_RULES = {"job_retention_refund", "work_training_subsidy", "flexible_employment_subsidy", "startup_loan_ceiling",
                 "financing_guarantee", "temporary_relief_approval", "general_expenditure_cut",
                 "transfer_allocation_deadline", "debt_ratio_limit"}


def test_every_rule_of_the_issue_is_declared_once_in_its_own_module():
    assert set(RULES) == ISSUE_7_RULES
    assert {module.RULE.name for module in MODULES} == ISSUE_7_RULES
    assert all(module.__name__.endswith(module.RULE.name) for module in MODULES)


@pytest.mark.parametrize("name", RULES)
def test_clauses_and_parameters_cite_the_document(name):
    bound = rule_book()[name]
    text = bound.document.text
    citation = bound.citation
    assert text[citation.span[0]:citation.span[1]] == citation.quote
    spanned = [v.citation for values in bound.parameters.history.values() for v in values if v.citation.span]
    assert spanned, f"{name} 的参数没有一条引自本文件（带位置）"
    for citation in spanned:
        assert text[citation.span[0]:citation.span[1]] == citation.quote


@pytest.mark.parametrize("name", RULES)
def test_parameters_are_in_force_throughout_the_rule_period(name):
    bound = rule_book()[name]
    rule = bound.rule
    first = rule.start or min(v.since for values in bound.parameters.history.values() for v in values)
    for day in (first, first + timedelta(days=1), rule.end or date(2030, 1, 1)):
        assert bound.parameters.covers(day) == [], day


@pytest.mark.parametrize("name", RULES)
def test_each_example_is_eligible_and_every_condition_cites_a_clause(name):
    bound = rule_book()[name]
    result = evaluate_one(bound, bound.rule.example, on=date(2020, 9, 1))
    assert result.eligible is True, result.why_not
    conditions = [line for line in result.trace if line.kind == "condition" and line.key != "period"]
    assert conditions, f"{name} 的计算过程中没有条件"
    for line in conditions:
        assert line.citation is not None, line.label


@pytest.mark.parametrize("name", RULES)
def test_every_input_is_used_by_a_condition_or_is_identity(name):
    bound = rule_book()[name]
    result = evaluate_table(bound, table_from_records(bound, [bound.rule.example]), on=date(2020, 9, 1))
    used = {u for c in result.evaluation.conditions for u in c.uses}
    used |= {u for s in result.evaluation.steps for u in s.uses}
    for f in bound.rule.fields:
        assert f.identity or f.name in used, f.name


def test_the_evaluation_date_picks_the_parameter_in_force():
    parameters = rule_book()["job_retention_refund"].parameters
    assert str(parameters.at(date(2020, 6, 17)).refund_share) == "1/2"
    assert str(parameters.at(date(2020, 6, 18)).refund_share) == "1"
    assert parameters.at(date(2019, 5, 1)).layoff_rate_comparison == "<"
    assert parameters.at(date(2020, 9, 1)).layoff_rate_comparison == "<="
    loans = rule_book()["startup_loan_ceiling"].parameters
    assert loans.at(date(2020, 6, 17)).individual_ceiling == 15_000_000  # 分
    assert loans.at(date(2020, 6, 18)).individual_ceiling == 20_000_000


def test_one_applicant_and_a_batch_give_the_same_answer():
    bound = rule_book()["job_retention_refund"]
    example = bound.rule.example
    rows = [example, {**example, "credit_code": "91360700000000000L", "size": "大型"},
            {**example, "credit_code": "91360700MA35000A0H", "layoff_rate": "7"}]
    batch = evaluate_records(bound, rows, on=date(2020, 9, 1))
    singles = [evaluate_one(bound, row, on=date(2020, 9, 1)).to_json() for row in rows]
    assert [r["eligible"] for r in batch.results] == [s["eligible"] for s in singles] == [True, False, False]
    assert [r["amount"] for r in batch.results] == [s["amount"] for s in singles] == ["90000.00", "0.00", "0.00"]


def test_why_not_names_the_failed_conditions_in_chinese():
    bound = rule_book()["job_retention_refund"]
    result = evaluate_one(bound, {**bound.rule.example, "size": "大型", "layoff_rate": "6"}, on=date(2020, 9, 1))
    assert result.why_not == ["企业规模为大型，不符合“中型、小型、微型”", "裁员率为6%，不符合“不高于5.5%”"]


def test_the_trace_json_has_the_issue_shape():
    bound = rule_book()["job_retention_refund"]
    body = evaluate_one(bound, bound.rule.example, on=date(2020, 9, 1)).to_json()
    assert {"rule", "eligible", "amount", "trace", "citation"} <= set(body)
    layoff = next(line for line in body["trace"] if line["key"] == "layoff_rate")
    assert layoff["passed"] is True and layoff["threshold"] == "不高于5.5%"
    assert layoff["clause"]["quote"] == "裁员（减员）率不高于5.5%" and layoff["clause"]["measure"] == "（一）"


def test_matching_a_profile_lists_what_it_may_qualify_for():
    matches = match_profile(rule_book(), {"size": "小型", "insured": "是", "layoff_rate": "3",
                                          "premium_paid": "50000", "college_graduate": "是",
                                          "graduation_date": "2019-07-01"}, on=date(2020, 9, 1))
    status = {m.rule: m.status for m in matches}
    assert status["job_retention_refund"] == "eligible"
    assert status["startup_loan_ceiling"] == "possible"
    assert "debt_ratio_limit" not in status  # nothing in the profile speaks to it
    large = match_profile(rule_book(), {"size": "大型", "insured": "是"}, on=date(2020, 9, 1))
    assert {m.rule: m.status for m in large}["job_retention_refund"] == "ineligible"
