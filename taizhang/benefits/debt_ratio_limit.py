"""政府债务率 (二十三): a check for a government — its debt ratio stays within the 100% warning line.

The ratio is given directly or computed as debt balance ÷ comprehensive fiscal capacity (the usual
definition of 政府债务率), compared exactly as integers.
"""

from __future__ import annotations

import numpy as np

from taizhang.benefits import common
from taizhang.rules.fields import Field
from taizhang.rules.kinds import MONEY, TEXT, Percent
from taizhang.rules.money import fraction_text
from taizhang.rules.parameters import COMPARATORS
from taizhang.rules.rule import Evaluation, Output, Rule, compare, ratio

PERCENT_SCALE = 100 * 10**4
RATIO = Percent(maximum=10**12)
FIELDS = (
    Field("unit_name", "地区或单位", TEXT, aliases=("地区", "单位名称", "单位"), identity=True),
    Field("debt_ratio", "政府债务率", RATIO, required=False, aliases=("债务率",), help="百分数；不填时由下面两项计算"),
    Field("debt_balance", "政府债务余额", MONEY, required=False, aliases=("债务余额",)),
    Field("fiscal_capacity", "综合财力", MONEY, required=False),
)


def formula(ev: Evaluation) -> None:
    p = ev.p
    given = ev.present("debt_ratio")
    numerator = np.where(given, ev["debt_ratio"], ev["debt_balance"])
    denominator = np.where(given, PERCENT_SCALE, ev["fiscal_capacity"])
    shown = ratio(numerator, denominator)
    balance, capacity = ev.shown("debt_balance"), ev.shown("fiscal_capacity")
    within = compare(numerator, denominator, p.ratio_comparison, p.ratio_ceiling) & (denominator > 0)
    ev.require("debt_ratio", "政府债务率", within, uses=("debt_ratio", "debt_balance", "fiscal_capacity"),
               known=given | (ev.present("debt_balance") & ev.present("fiscal_capacity")),
               value=lambda i: shown(i) if given[i] else f"{shown(i)}（债务余额{balance(i)} ÷ 综合财力{capacity(i)}）",
               threshold=f"{COMPARATORS[p.ratio_comparison]}{fraction_text(p.ratio_ceiling)}（警戒线）",
               param="ratio_ceiling")
    # percent to two decimals (× 100 for the Percent scale): amounts up to 10^14 分 stay inside int64
    scale = np.where(given, 100, 10**4)
    rate = np.where(denominator > 0, (numerator * scale * 2 + denominator) // (2 * np.maximum(denominator, 1)), 0)
    rate = np.where(given, numerator, rate * 100)
    ev.output("ratio", rate)


RULE = Rule(
    name="debt_ratio_limit",
    label="政府债务率警戒线",
    entity="department",
    measure="二十三",
    clause="政府债务率控制在100%的警戒线内",
    summary="政府债务率（政府债务余额÷综合财力）控制在100%的警戒线内。",
    fields=FIELDS,
    formula=formula,
    parameters_file=common.parameters_file("debt_ratio_limit"),
    outputs=(Output("ratio", "政府债务率", RATIO),),
    start=common.NOTICE_DATE,
    key=("unit_name",),
    one_of=(("debt_ratio",), ("debt_balance", "fiscal_capacity")),
    example={"unit_name": "某县", "debt_balance": "9000000000", "fiscal_capacity": "10000000000"},
)
