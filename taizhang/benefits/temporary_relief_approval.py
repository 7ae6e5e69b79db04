"""临时救助审批 (七): a single temporary-relief application of 3,000 元 or less is approved by the township
(street) office; a larger one by the county. The applicant's 户籍 place is no longer a condition.

"3000元以下" includes 3,000 元 itself: in Chinese legal usage 以下 counts its own number (民法典
第一千二百五十九条), which is also how the parser reads it (docs/parsing.md). The comparison is a
dated parameter, so a local rule that reads it strictly is a new value, not a code change.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from taizhang.benefits import common
from taizhang.rules.fields import Field
from taizhang.rules.kinds import MONEY, TEXT, Choice, Enum
from taizhang.rules.parameters import COMPARATORS
from taizhang.rules.rule import Evaluation, Output, Rule, compare

LEVELS = Enum(choices=(Choice("township", "乡镇（街道）审批"), Choice("county", "县级审批")))

FIELDS = (
    common.id_number,
    common.person_name,
    common.phone,
    Field("requested_amount", "单次申请救助金额", MONEY, aliases=("申请救助金额", "救助金额")),
    Field("household_registration", "户籍所在地", TEXT, required=False, aliases=("户籍地",), identity=True,
          help="仅作记录：户籍所在地不是申请条件"),
)


def formula(ev: Evaluation) -> np.ndarray:
    p = ev.p
    requested = ev["requested_amount"]
    ev.require("requested", "申请救助金额", requested > 0, uses=("requested_amount",), threshold="大于0",
               clause="临时救助审批权限")
    limit, op = p.township_limit, p.township_limit_comparison
    township = compare(requested, np.ones(ev.size, dtype=np.int64), op, Fraction(limit))
    level = np.where(township, LEVELS.index("township"), LEVELS.index("county")).astype(np.int8)
    ev.explain("level", "审批层级", lambda i: LEVELS.format(level[i]), uses=("requested_amount",),
               param="township_limit",
               detail=lambda i: f"单次{MONEY.format(requested[i])}，{COMPARATORS[op]}{p.text('township_limit')}的由乡镇（街道）审批"
                                if township[i] else f"单次{MONEY.format(requested[i])}，超过{p.text('township_limit')}，由县级审批")
    place = ev.shown("household_registration")
    ev.explain("household", "户籍所在地", place, uses=("household_registration",),
               detail="不作为申请条件", clause="取消户籍所在地申请限制条件")
    ev.output("approval_level", level)
    return None


RULE = Rule(
    name="temporary_relief_approval",
    label="临时救助审批层级",
    entity="person",
    measure="七",
    clause="将单次3000元以下临时救助审批权限下放至乡镇（街道），并取消户籍所在地申请限制条件",
    summary="单次3000元以下（含3000元）的临时救助由乡镇（街道）审批，超过3000元的由县级审批；不再以户籍所在地"
            "作为申请条件。",
    fields=FIELDS,
    formula=formula,
    parameters_file=common.parameters_file("temporary_relief_approval"),
    outputs=(Output("approval_level", "审批层级", LEVELS),),
    start=common.NOTICE_DATE,
    example={"id_number": "11010519491231002X", "name": "赵六", "phone": "18612345678", "requested_amount": "2800",
             "household_registration": "吉安市"},
)
