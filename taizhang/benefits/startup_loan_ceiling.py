"""创业担保贷款 (五): the ceiling of a start-up guaranteed loan — 200,000 元 for an individual (raised
from 150,000 元 on the notice's date), 300,000 元 for a college graduate; the amount requested is
granted up to the ceiling. Who may borrow is set by the loan scheme's own rules (the measure lists
graduates, returning migrant workers, 就业困难人员, veterans "等"); this rule answers how much.
"""

from __future__ import annotations

import numpy as np

from taizhang.benefits import common
from taizhang.rules.fields import Field
from taizhang.rules.kinds import MONEY
from taizhang.rules.money import format_yuan
from taizhang.rules.rule import Evaluation, Output, Rule, money

FIELDS = (
    common.id_number,
    common.person_name,
    common.phone,
    common.college_graduate,
    Field("requested_amount", "申请贷款金额", MONEY, aliases=("申请金额", "贷款金额")),
)


def formula(ev: Evaluation) -> np.ndarray:
    p = ev.p
    graduate, requested = ev["college_graduate"], ev["requested_amount"]
    ceiling = np.where(graduate, p.graduate_ceiling, p.individual_ceiling)
    ev.require("requested", "申请贷款金额", requested > 0, uses=("requested_amount",), threshold="大于0",
               clause="提高创业担保贷款最高额度")
    ev.explain("ceiling", "贷款最高额度", money(ceiling), uses=("college_graduate",),
               clause="个人从15万元提高至20万元，高校毕业生可提高至30万元",
               detail=lambda i: (f"高校毕业生 {p.text('graduate_ceiling')}" if graduate[i]
                                 else f"个人 {p.text('individual_ceiling')}"))
    granted = np.minimum(requested, ceiling)
    ev.explain("granted", "可贷金额", money(granted), uses=("requested_amount",),
               detail=lambda i: f"申请 {format_yuan(requested[i])}，不超过最高额度 {format_yuan(ceiling[i])}")
    ev.output("ceiling", ceiling)
    return granted


RULE = Rule(
    name="startup_loan_ceiling",
    label="创业担保贷款额度",
    entity="person",
    measure="五",
    clause="提高创业担保贷款最高额度，个人从15万元提高至20万元，高校毕业生可提高至30万元",
    summary="创业担保贷款最高额度：个人20万元（2020年6月18日前为15万元），高校毕业生30万元；申请金额在额度内全额计算，"
            "超过的按最高额度计算。",
    fields=FIELDS,
    formula=formula,
    parameters_file=common.parameters_file("startup_loan_ceiling"),
    amount_label="可贷金额",
    outputs=(Output("ceiling", "贷款最高额度", MONEY),),
    key=("id_number",),
    example={"id_number": "11010519491231002X", "name": "王五", "phone": "15012345678", "college_graduate": "否",
             "requested_amount": "250000"},
)
