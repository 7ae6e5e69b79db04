"""社会保险补贴 (三): a registered-unemployed 就业困难人员, or a college graduate within 2 years of leaving
school who is not employed by a unit, in flexible employment (street stall, small shop…) and paying
social insurance, gets at most 2/3 of the contributions actually paid — for at most 36 months
(就业困难人员) or 24 months (graduates) in all claims together.

One row is one claim: the contributions paid for ``months_claimed`` months. When the months already
subsidised reach the cap inside this claim, only the months left are paid, in proportion; the 2/3
is applied once, with half-up rounding to the 分. A person on both paths gets the longer cap.
"""

from __future__ import annotations

import numpy as np

from taizhang.benefits import common
from taizhang.rules.fields import Field
from taizhang.rules.kinds import COUNT, DAY, FLAG, MONEY
from taizhang.rules.money import apply_fraction, format_yuan, fraction_text
from taizhang.rules.rule import Evaluation, Rule, money, months

CAPS = "就业困难人员补贴期限最长不超过3年，离校2年内未就业的高校毕业生补贴期限最长不超过2年"

FIELDS = (
    common.id_number,
    common.person_name,
    common.phone,
    common.hard_to_employ,
    common.registered_unemployed,
    common.college_graduate,
    common.graduation_date,
    Field("employed_by_unit", "在单位就业", FLAG, required=False, default="否", help="已与用人单位建立劳动关系"),
    Field("flexible_employment", "灵活就业", FLAG, aliases=("实现灵活就业",), help="通过地摊经济、小店经济等实现灵活就业"),
    Field("flexible_since", "灵活就业开始日期", DAY, aliases=("灵活就业日期",)),
    Field("contributions_paid", "本期实际缴纳社会保险费", MONEY, aliases=("实际缴纳社会保险费", "实际缴费")),
    Field("months_claimed", "本期缴费月数", COUNT, aliases=("申请补贴月数",)),
    Field("months_subsidised", "已享受补贴月数", COUNT, required=False, default="0",
          help="此前各次申请已享受社会保险补贴的月数合计"),
)


def formula(ev: Evaluation) -> np.ndarray:
    p = ev.p
    hard, registered, graduate = ev["hard_to_employ"], ev["registered_unemployed"], ev["college_graduate"]
    window_end = common.add_years(ev["graduation_date"], p.graduate_window_years)
    within_window = ev["flexible_since"] <= window_end
    hard_path = hard & registered
    graduate_path = graduate & within_window & ~ev["employed_by_unit"]
    ev.require("group", "人员类别", hard | graduate, uses=("hard_to_employ", "college_graduate"),
               value=lambda i: "、".join(w for w, f in (("就业困难人员", hard[i]), ("高校毕业生", graduate[i])) if f)
               or "既非就业困难人员，也非高校毕业生",
               threshold="登记失业的就业困难人员或离校2年内未就业高校毕业生", clause="登记失业的就业困难人员")
    ev.require("registered", "登记失业", registered, uses=("registered_unemployed",), applies=hard & ~graduate_path,
               threshold="是（就业困难人员须为登记失业）", clause="登记失业的就业困难人员")
    left, started = ev["graduation_date"], ev["flexible_since"]
    ev.require("graduate_window", "离校2年内", within_window, uses=("graduation_date", "flexible_since"),
               applies=graduate & ~hard_path, param="graduate_window_years",
               value=lambda i: f"{DAY.format(left[i])}离校，{DAY.format(started[i])}开始灵活就业",
               threshold=lambda i: f"离校{p.graduate_window_years}年内，即不晚于{DAY.format(window_end[i])}")
    ev.require("not_employed", "未在单位就业", ~ev["employed_by_unit"], uses=("employed_by_unit",),
               applies=graduate & ~hard_path, value=lambda i: "已在单位就业" if ev["employed_by_unit"][i] else "未在单位就业",
               threshold="未就业", clause="离校2年内未就业高校毕业生")
    ev.require("flexible", "灵活就业", ev["flexible_employment"], uses=("flexible_employment",), threshold="是",
               clause="通过地摊经济、小店经济等实现灵活就业")
    paid, claimed, before = ev["contributions_paid"], ev["months_claimed"], ev["months_subsidised"]
    ev.require("paid", "缴纳社会保险费", (paid > 0) & (claimed > 0), uses=("contributions_paid", "months_claimed"),
               value=lambda i: f"{format_yuan(paid[i])}（{claimed[i]}个月）", threshold="已缴费", clause="缴纳社会保险费")
    cap = np.where(hard_path, p.max_months_hard_to_employ, p.max_months_graduate)
    payable = np.clip(cap - before, 0, None)
    payable = np.minimum(claimed, payable)
    ev.require("months_left", "补贴期限", payable > 0, uses=("months_claimed", "months_subsidised"),
               value=lambda i: f"已享受{before[i]}个月，本期可补贴{payable[i]}个月",
               threshold=lambda i: f"累计不超过{cap[i]}个月（{'就业困难人员3年' if hard_path[i] else '高校毕业生2年'}）",
               clause=CAPS)
    share = p.subsidy_share
    amount = apply_fraction(paid, share.numerator * payable, share.denominator * np.maximum(claimed, 1))
    ev.explain("payable_months", "本期补贴月数", months(payable), clause=CAPS,
               detail=lambda i: f"本期缴费{claimed[i]}个月，累计上限{cap[i]}个月，已享受{before[i]}个月")
    ev.explain("amount", "社会保险补贴", money(amount), param="subsidy_share",
               detail=lambda i: f"实际缴费 {format_yuan(paid[i])} × {payable[i]}/{claimed[i]} × {fraction_text(share)}，"
                                "四舍五入到分")
    return amount


RULE = Rule(
    name="flexible_employment_subsidy",
    label="灵活就业社会保险补贴",
    entity="person",
    measure="三",
    clause="给予不超过实际缴费2/3的社会保险补贴",
    summary="登记失业的就业困难人员和离校2年内未就业高校毕业生，通过地摊经济、小店经济等灵活就业并缴纳社会保险费的，"
            "按实际缴费的2/3给予社会保险补贴；就业困难人员累计最长3年，高校毕业生累计最长2年。",
    fields=FIELDS,
    formula=formula,
    parameters_file=common.parameters_file("flexible_employment_subsidy"),
    amount_label="补贴金额",
    start=common.NOTICE_DATE,
    required_if=(("graduation_date", "college_graduate"),),
    example={"id_number": "11010519491231002X", "name": "李四", "phone": "13912345678",
             "hard_to_employ": "是", "registered_unemployed": "是",
             "flexible_employment": "是", "flexible_since": "2020-07-01", "contributions_paid": "3600.00",
             "months_claimed": "12", "months_subsidised": "30"},
)
