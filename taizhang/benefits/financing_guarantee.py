"""融资担保 (十): a key epidemic-supply enterprise, or a small, medium or micro enterprise affected by the
epidemic that operates normally with good credit, gets a collateral-free guarantee from a government
financing-guarantee institution for a loan of at most 5,000,000 元 that fits the national guarantee
fund, for one year, at a fee rate of at most 1% (so the fee is at most 1% of the loan).

The amount is the loan guaranteed; ``max_fee`` is 1% of it, rounded half-up to the 分. A loan above
5,000,000 元 is not covered (the measure speaks of loans "500万元以内", not of a part of a larger loan).
"""

from __future__ import annotations

import numpy as np

from taizhang.benefits import common
from taizhang.rules.fields import Field
from taizhang.rules.kinds import FLAG, MONEY, Percent
from taizhang.rules.money import apply_fraction, format_yuan, fraction_text
from taizhang.rules.rule import Evaluation, Output, Rule, compare, fixed, money

FIELDS = (
    common.credit_code,
    common.enterprise_name,
    common.size,
    Field("key_supply", "疫情防控重点保障企业", FLAG, required=False, default="否"),
    Field("epidemic_affected", "受疫情影响较大", FLAG, required=False),
    Field("operating_normally", "正常经营", FLAG, required=False),
    Field("good_credit", "信用良好", FLAG, required=False),
    Field("fund_eligible", "可纳入国家融资担保基金体系", FLAG, aliases=("可纳入国家融资担保基金",)),
    Field("loan_amount", "贷款金额", MONEY, aliases=("申请担保贷款金额",)),
    Field("fee_rate", "担保费率", Percent(), required=False, aliases=("融资担保费率",), help="百分数，如0.8；不填则不核对"),
)


def formula(ev: Evaluation) -> np.ndarray:
    p = ev.p
    key = ev["key_supply"]
    sme = ev.is_in("size", p.eligible_sizes)
    size_label = ev.shown("size")
    ev.require("beneficiary", "支持对象", key | sme, uses=("key_supply", "size"),
               value=lambda i: "疫情防控重点保障企业" if key[i] else f"{size_label(i)}企业",
               threshold="疫情防控重点保障企业，或中小微企业", param="eligible_sizes")
    for name, label in (("epidemic_affected", "受疫情影响较大"), ("operating_normally", "正常经营"),
                        ("good_credit", "信用良好")):
        ev.require(name, label, ev[name], uses=(name,), applies=~key, threshold="是（中小微企业须同时满足）",
                   clause=label)
    ev.require("fund_eligible", "可纳入国家融资担保基金体系", ev["fund_eligible"], uses=("fund_eligible",),
               threshold="是", clause="可纳入国家融资担保基金体系")
    loan = ev["loan_amount"]
    ev.require("loan_amount", "贷款金额", (loan > 0) & (loan <= p.loan_ceiling), uses=("loan_amount",),
               threshold=f"大于0且不超过{p.text('loan_ceiling')}", param="loan_ceiling")
    fee = ev["fee_rate"]
    ceiling = p.fee_rate_ceiling
    ev.require("fee_rate", "担保费率", compare(fee, np.full(ev.size, 100 * 10**4), "<=", ceiling),
               uses=("fee_rate",), applies=ev.present("fee_rate"), threshold=f"不超过{fraction_text(ceiling)}",
               param="fee_rate_ceiling")
    max_fee = apply_fraction(loan, ceiling.numerator, ceiling.denominator)
    ev.explain("guaranteed", "免抵质押担保贷款", money(loan), param="loan_ceiling",
               detail=fixed(f"期限{p.term_years}年，到期不再续贷"))
    ev.explain("max_fee", "担保费上限", money(max_fee), param="fee_rate_ceiling",
               detail=lambda i: f"{format_yuan(loan[i])} × {fraction_text(ceiling)}，四舍五入到分")
    ev.output("max_fee", max_fee)
    return loan


RULE = Rule(
    name="financing_guarantee",
    label="政府性融资担保（免抵质押）",
    entity="enterprise",
    measure="十",
    clause="政府性融资担保机构对可纳入国家融资担保基金体系的500万元以内贷款提供免抵质押担保",
    summary="疫情防控重点保障企业，以及受疫情影响较大但正常经营且信用良好的中小微企业，可纳入国家融资担保基金体系的"
            "500万元以内贷款，由政府性融资担保机构提供免抵质押担保，期限一年，担保费率不超过1%。",
    fields=FIELDS,
    formula=formula,
    parameters_file=common.parameters_file("financing_guarantee"),
    amount_label="担保贷款金额",
    outputs=(Output("max_fee", "担保费上限", MONEY),),
    start=common.NOTICE_DATE,
    key=("credit_code",),
    example={"credit_code": "91360702MA35F0XX1X", "name": "赣州示例机械有限公司", "size": "小型", "key_supply": "否",
             "epidemic_affected": "是", "operating_normally": "是", "good_credit": "是", "fund_eligible": "是",
             "loan_amount": "3000000", "fee_rate": "0.8"},
)
