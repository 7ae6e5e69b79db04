"""The Ganzhou notice's benefits and department checks as rules, one module per rule, each citing its
measure; amounts, thresholds and dates live in ``parameters/*.yaml`` as dated values."""

from __future__ import annotations

from functools import lru_cache

from taizhang.benefits import (
    debt_ratio_limit,
    financing_guarantee,
    flexible_employment_subsidy,
    general_expenditure_cut,
    job_retention_refund,
    startup_loan_ceiling,
    temporary_relief_approval,
    transfer_allocation_deadline,
    work_training_subsidy,
)
from taizhang.benefits.source import seed_document
from taizhang.rules.book import RuleBook

MODULES = (job_retention_refund, work_training_subsidy, flexible_employment_subsidy, startup_loan_ceiling,
           financing_guarantee, temporary_relief_approval, general_expenditure_cut, transfer_allocation_deadline,
           debt_ratio_limit)


@lru_cache(maxsize=1)
def rule_book() -> RuleBook:
    return RuleBook([module.RULE for module in MODULES], seed_document)
