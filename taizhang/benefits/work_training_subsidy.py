"""以工代训 (二): a small, medium or micro enterprise that newly hires a person of a target group on a
labour contract of at least 6 months gets 600 元 per full month the person works there continuously,
for at most 6 months in all. One row per hired person; the enterprise is the applicant.

Target groups: 就业困难人员 (including 零就业家庭成员), 登记失业人员, and college graduates within 2 years
of leaving school, judged at the hire date (exactly 2 years counts: 2年内 includes its end).
"""

from __future__ import annotations

import numpy as np

from taizhang.benefits import common
from taizhang.rules.fields import Field
from taizhang.rules.kinds import COUNT, DAY, FLAG, PERSON_NAME, PHONE
from taizhang.rules.money import format_yuan
from taizhang.rules.rule import Evaluation, Rule, money, months

FIELDS = (
    common.credit_code,
    common.enterprise_name,
    common.size,
    Field("person_name", "姓名", PERSON_NAME, required=False, aliases=("职工姓名", "人员姓名"), identity=True),
    common.id_number,
    Field("phone", "联系电话", PHONE, required=False, aliases=("职工联系电话", "手机号码", "手机号", "电话"),
          identity=True, help="职工本人的11位手机号码，可带空格、短横线或+86"),
    common.hard_to_employ,
    Field("zero_employment_family", "零就业家庭成员", FLAG, required=False, default="否"),
    common.registered_unemployed,
    common.college_graduate,
    common.graduation_date,
    Field("hire_date", "入职日期", DAY, aliases=("招用日期", "录用日期")),
    Field("contract_months", "劳动合同期限（月）", COUNT, aliases=("合同期限", "劳动合同期限")),
    Field("months_worked", "连续工作月数", COUNT, aliases=("在本企业连续工作月数",),
          help="在本企业连续工作的整月数（不足1个月的部分不计）"),
    Field("months_subsidised", "已享受补贴月数", COUNT, required=False, default="0",
          help="此前已为该人员领取以工代训补贴的月数"),
)

GROUPS = (("hard_to_employ", "就业困难人员"), ("zero_employment_family", "零就业家庭成员"),
          ("registered_unemployed", "登记失业人员"), ("college_graduate", "高校毕业生"))


def groups_text(ev: Evaluation):
    flags = [(ev[name], label) for name, label in GROUPS]
    return lambda i: "、".join(label for values, label in flags if values[i]) or "不属于所列人员"


def formula(ev: Evaluation) -> np.ndarray:
    p = ev.p
    ev.require("size", "企业规模", ev.is_in("size", p.eligible_sizes), uses=("size",),
               threshold=p.text("eligible_sizes"), param="eligible_sizes")
    other_groups = ev["hard_to_employ"] | ev["zero_employment_family"] | ev["registered_unemployed"]
    graduate = ev["college_graduate"]
    ev.require("group", "新招用人员类别", other_groups | graduate, uses=tuple(name for name, _ in GROUPS),
               value=groups_text(ev), threshold="就业困难人员（含零就业家庭成员）、离校2年内高校毕业生或登记失业人员",
               clause="新招用就业困难人员（含零就业家庭成员）、离校2年内高校毕业生、登记失业人员")
    window_end = common.add_years(ev["graduation_date"], p.graduate_window_years)
    hired, left = ev["hire_date"], ev["graduation_date"]
    ev.require("graduate_window", "离校2年内（以入职日期判断）", hired <= window_end,
               uses=("graduation_date", "hire_date"), applies=graduate & ~other_groups,
               value=lambda i: f"{_day(left[i])}离校，{_day(hired[i])}入职",
               threshold=lambda i: f"离校{p.graduate_window_years}年内入职，即不晚于{_day(window_end[i])}",
               param="graduate_window_years")
    ev.require("contract", "劳动合同期限", ev["contract_months"] >= p.min_contract_months, uses=("contract_months",),
               value=months(ev["contract_months"]), threshold=f"{p.min_contract_months}个月及以上",
               param="min_contract_months")
    worked, before = ev["months_worked"], ev["months_subsidised"]
    ev.require("worked", "在本企业连续工作", worked >= 1, uses=("months_worked",), value=months(worked),
               threshold="满1个月", clause="在同一家企业连续工作时间每满1个月")
    payable = np.maximum(np.minimum(worked, p.max_months) - before, 0)
    ev.require("months_left", "补贴期限", payable > 0, uses=("months_worked", "months_subsidised"),
               value=lambda i: f"已享受{before[i]}个月，本次可补贴{payable[i]}个月",
               threshold=f"累计不超过{p.max_months}个月", param="max_months")
    ev.explain("payable_months", "本次补贴月数", months(payable), param="max_months",
               detail=lambda i: f"连续工作{worked[i]}个月，最多计{p.max_months}个月，减去已享受{before[i]}个月")
    amount = payable * p.monthly_subsidy
    ev.explain("amount", "职业培训补贴", money(amount), param="monthly_subsidy",
               detail=lambda i: f"{format_yuan(p.monthly_subsidy)}/人/月 × {payable[i]}个月")
    return amount


def _day(value) -> str:
    return DAY.format(value)


RULE = Rule(
    name="work_training_subsidy",
    label="以工代训职业培训补贴",
    entity="enterprise",
    measure="二",
    clause="在同一家企业连续工作时间每满1个月，给予企业600元／人／月的职业培训补贴，补贴期限最长不超过6个月",
    summary="中小微企业新招用就业困难人员（含零就业家庭成员）、离校2年内高校毕业生、登记失业人员，签订6个月及以上"
            "劳动合同并开展以工代训的，按在本企业连续工作的整月数给予企业每人每月600元职业培训补贴，最长6个月。",
    fields=FIELDS,
    formula=formula,
    parameters_file=common.parameters_file("work_training_subsidy"),
    amount_label="补贴金额",
    start=common.NOTICE_DATE,
    key=("credit_code", "id_number"),
    required_if=(("graduation_date", "college_graduate"),),
    example={"credit_code": "91360702MA35F0XX1X", "name": "赣州示例机械有限公司", "size": "小型",
             "person_name": "张三", "id_number": "11010519491231002X", "phone": "13812345678",
             "college_graduate": "是",
             "graduation_date": "2018-07-01", "hire_date": "2020-07-01", "contract_months": "12",
             "months_worked": "7", "months_subsidised": "0"},
)
