"""一般性支出压减 (二十): a department check — this year's general expenditure is at least 15% below last
year's final accounts, i.e. at most 85% of them (compared exactly, in 分, without rounding).

The rule reports the ceiling (85% of last year, half-up to the 分) and the cut achieved.
"""

from __future__ import annotations

import numpy as np

from taizhang.benefits import common
from taizhang.rules.fields import Field
from taizhang.rules.kinds import MONEY, TEXT, Percent
from taizhang.rules.money import apply_fraction, format_yuan, fraction_text
from taizhang.rules.rule import Evaluation, Output, Rule, compare, money, ratio

FIELDS = (
    Field("unit_name", "单位名称", TEXT, aliases=("部门", "单位", "地区"), identity=True),
    Field("general_expenditure", "本年一般性支出总额", MONEY, aliases=("一般性支出总额", "全年一般性支出")),
    Field("last_year_final", "上年决算一般性支出", MONEY, aliases=("上年决算数",)),
)
PERCENT = Percent(maximum=10**12)


def formula(ev: Evaluation) -> None:
    p = ev.p
    spent, last_year = ev["general_expenditure"], ev["last_year_final"]
    cut = last_year - spent
    ev.require("cut", "较上年决算压减幅度", compare(cut, last_year, ">=", p.minimum_cut) & (last_year > 0),
               uses=("general_expenditure", "last_year_final"), value=ratio(cut, last_year),
               threshold=f"不低于{fraction_text(p.minimum_cut)}", param="minimum_cut")
    keep = 1 - p.minimum_cut
    ceiling = apply_fraction(last_year, keep.numerator, keep.denominator)
    ev.explain("ceiling", "本年一般性支出上限", money(ceiling), param="minimum_cut",
               detail=lambda i: f"上年决算 {format_yuan(last_year[i])} × {fraction_text(keep)}")
    ev.output("ceiling", ceiling)
    # percent to two decimals (× 100 for the Percent scale): amounts up to 10^14 分 stay inside int64
    cut_percent = np.where(last_year > 0, (cut * 10**4 * 2 + last_year) // (2 * np.maximum(last_year, 1)), 0) * 100
    ev.output("cut_rate", cut_percent)


RULE = Rule(
    name="general_expenditure_cut",
    label="一般性支出压减",
    entity="department",
    measure="二十",
    clause="各级各部门全年一般性支出总额较上年决算压减15%以上",
    summary="各级各部门全年一般性支出总额较上年决算压减15%以上，即不超过上年决算数的85%。",
    fields=FIELDS,
    formula=formula,
    parameters_file=common.parameters_file("general_expenditure_cut"),
    outputs=(Output("ceiling", "本年一般性支出上限", MONEY), Output("cut_rate", "压减幅度", PERCENT)),
    start=common.NOTICE_DATE,
    key=("unit_name",),
    example={"unit_name": "市直某局", "general_expenditure": "8400000", "last_year_final": "10000000"},
)
