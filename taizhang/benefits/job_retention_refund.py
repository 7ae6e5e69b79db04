"""稳岗返还 (一): an insured small, medium or micro enterprise that laid off few people gets back the
unemployment-insurance premium it paid last year (100% in 2020), less a general refund already
received, never below zero; paid by 2020-12-31.

The layoff rate is given directly (裁员率) or computed from its parts by the dated formula
``layoff_rate_formula`` (Jiangxi practice: new benefit claimants last year ÷ average monthly insured).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from taizhang.benefits import common
from taizhang.errors import ConfigurationError
from taizhang.rules.fields import Field
from taizhang.rules.kinds import COUNT, FLAG, MONEY, Percent, ScaledDecimal
from taizhang.rules.money import apply_fraction, format_yuan, fraction_text
from taizhang.rules.parameters import COMPARATORS
from taizhang.rules.rule import Evaluation, Rule, compare, money, ratio

PERCENT_SCALE = 100 * 10**4  # a Percent input holds percent × 10^4
HEADCOUNT = ScaledDecimal(code="headcount", label="人数（可有两位小数）", scale=2, maximum=10**12,
                          invalid="不是有效的人数", too_precise="人数最多保留两位小数")

FIELDS = (
    common.credit_code,
    common.enterprise_name,
    common.size,
    Field("insured", "参加失业保险", FLAG, aliases=("是否参加失业保险", "参保"), help="上年度是否参加失业保险并缴费"),
    Field("layoff_rate", "裁员率", Percent(maximum=PERCENT_SCALE), required=False,
          aliases=("裁员（减员）率", "减员率", "裁员率（%）"), help="百分数，如5.5；不填时由下面两项计算"),
    Field("new_benefit_claimants", "上年度新增领取失业保险金人数", COUNT, required=False),
    Field("avg_insured", "上年度月均参保人数", HEADCOUNT, required=False),
    Field("premium_paid", "上年度实际缴纳失业保险费", MONEY, aliases=("实际缴纳失业保险费",)),
    Field("refunded_general", "已享受一般企业稳岗返还", MONEY, required=False, default="0",
          aliases=("已申领一般企业稳岗返还",)),
)


def _claimants_over_average_insured(ev: Evaluation) -> tuple[np.ndarray, np.ndarray]:
    # avg_insured holds persons × 100, so claimants × 100 / avg_insured is the exact ratio
    return ev["new_benefit_claimants"] * 100, ev["avg_insured"]


LAYOFF_RATE_FORMULAS = {"new_benefit_claimants/avg_insured": _claimants_over_average_insured}


def layoff_rate(ev: Evaluation) -> tuple[np.ndarray, np.ndarray]:
    """The layoff rate as an exact ratio (numerator, denominator) per row."""
    formula = LAYOFF_RATE_FORMULAS.get(ev.p.layoff_rate_formula)
    if formula is None:
        raise ConfigurationError(f"未知的裁员率计算口径：{ev.p.layoff_rate_formula}")
    given = ev.present("layoff_rate")
    if given.all():
        return ev["layoff_rate"], np.full(ev.size, PERCENT_SCALE, dtype=np.int64)
    parts_numerator, parts_denominator = formula(ev)
    if not given.any():
        return parts_numerator, parts_denominator
    return np.where(given, ev["layoff_rate"], parts_numerator), np.where(given, PERCENT_SCALE, parts_denominator)


def formula(ev: Evaluation) -> np.ndarray:
    p = ev.p
    ev.require("size", "企业规模", ev.is_in("size", p.eligible_sizes), uses=("size",),
               threshold=p.text("eligible_sizes"), param="eligible_sizes")
    ev.require("insured", "参加失业保险", ev["insured"], uses=("insured",), threshold="是", clause="参保企业")
    numerator, denominator = layoff_rate(ev)
    given = ev.present("layoff_rate")
    parts_known = ev.present("new_benefit_claimants") & ev.present("avg_insured")
    shown_rate = ratio(numerator, denominator)
    claimants, average = ev["new_benefit_claimants"], ev["avg_insured"]

    def rate_text(i: int) -> str:
        if given[i]:
            return shown_rate(i)
        return f"{shown_rate(i)}（{claimants[i]}人 ÷ 月均参保{HEADCOUNT.format(average[i])}人）"

    within = compare(numerator, denominator, p.layoff_rate_comparison, p.layoff_rate_ceiling) & (denominator > 0)
    ev.require("layoff_rate", "裁员率", within, uses=("layoff_rate", "new_benefit_claimants", "avg_insured"),
               value=rate_text, known=given | parts_known, param="layoff_rate_ceiling",
               threshold=f"{COMPARATORS[p.layoff_rate_comparison]}{fraction_text(p.layoff_rate_ceiling)}")
    premium, refunded, share = ev["premium_paid"], ev["refunded_general"], p.refund_share
    due = apply_fraction(premium, share.numerator, share.denominator)
    ev.explain("refund_due", "按比例应返还", money(due), param="refund_share", uses=("premium_paid",),
               detail=lambda i: f"上年度实际缴纳失业保险费 {format_yuan(premium[i])} × {fraction_text(share)}")
    top_up = np.maximum(due - refunded, 0)
    ev.explain("top_up", "实际返还（补齐差额）", money(top_up), uses=("refunded_general",),
               clause="对已申领一般企业稳岗返还的企业补齐差额部分",
               detail=lambda i: f"{format_yuan(due[i])} − 已享受一般企业稳岗返还 {format_yuan(refunded[i])}，不低于0")
    return top_up


RULE = Rule(
    name="job_retention_refund",
    label="稳岗返还",
    entity="enterprise",
    measure="一",
    clause="对裁员（减员）率不高于5.5%的中小微企业，2020年12月31日前返还其上年度实际缴纳失业保险费的100%",
    summary="参加失业保险、裁员率不高于5.5%的中小微企业，返还其上年度实际缴纳失业保险费的100%；"
            "已领取一般企业稳岗返还的，补齐差额（不低于0）。2020年12月31日前返还。",
    fields=FIELDS,
    formula=formula,
    parameters_file=common.parameters_file("job_retention_refund"),
    amount_label="返还金额",
    start=date(2019, 1, 1),
    end=date(2020, 12, 31),
    period_clause="2020年12月31日前返还",
    key=("credit_code",),
    one_of=(("layoff_rate",), ("new_benefit_claimants", "avg_insured")),
    example={"credit_code": "91360702MA35F0XX1X", "name": "赣州示例机械有限公司", "size": "小型", "insured": "是",
             "new_benefit_claimants": "11", "avg_insured": "200", "premium_paid": "120000.00",
             "refunded_general": "30000.00"},
)
