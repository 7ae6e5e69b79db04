"""专项转移支付分配时限 (二十二): a department check — special transfers to lower levels are allocated
within 60 days of budget approval. A transfer not yet allocated passes while the 60 days last and
fails after; an overdue one is recovered to the city's general budget (the measure says so).

Days are counted from the day after approval (approval on 1 March → allocate by 30 April).
"""

from __future__ import annotations

import numpy as np

from taizhang.benefits import common
from taizhang.rules.fields import Field
from taizhang.rules.kinds import DAY, TEXT
from taizhang.rules.rule import Evaluation, Output, Rule, day

FIELDS = (
    Field("unit_name", "单位名称", TEXT, aliases=("部门", "单位"), identity=True),
    Field("transfer_name", "专项转移支付名称", TEXT, required=False, aliases=("专项名称", "资金名称"), identity=True),
    Field("budget_approved_on", "预算批复日期", DAY, aliases=("批复日期",)),
    Field("allocated_on", "分配下达日期", DAY, required=False, aliases=("下达日期",), help="尚未分配下达的留空"),
)


def formula(ev: Evaluation) -> None:
    p = ev.p
    approved, allocated, done = ev["budget_approved_on"], ev["allocated_on"], ev.present("allocated_on")
    deadline = approved + np.timedelta64(p.allocation_days, "D")
    on_time = np.where(done, allocated <= deadline, ev.today <= deadline)
    allocated_text = day(allocated)

    def status(i: int) -> str:
        if done[i]:
            return f"{allocated_text(i)}分配下达"
        return "尚未分配下达（" + ("仍在期限内" if on_time[i] else "已逾期") + "）"

    ev.require("deadline", "分配下达时限", on_time, uses=("budget_approved_on", "allocated_on"), value=status,
               threshold=lambda i: f"预算批复后{p.allocation_days}日内，即不晚于{DAY.format(deadline[i])}",
               param="allocation_days")
    ev.explain("consequence", "逾期处理", lambda i: "无" if on_time[i] else "收回市财政总预算统筹使用",
               clause="逾期未提出分配计划的专项转移支付，收回市财政总预算统筹")
    ev.output("deadline", deadline)


RULE = Rule(
    name="transfer_allocation_deadline",
    label="专项转移支付分配时限",
    entity="department",
    measure="二十二",
    clause="在预算批复后六十日内分配下达对下专项转移支付",
    summary="市直部门在预算批复后六十日内分配下达对下专项转移支付；逾期未提出分配计划的，收回市财政总预算统筹使用。",
    fields=FIELDS,
    formula=formula,
    parameters_file=common.parameters_file("transfer_allocation_deadline"),
    outputs=(Output("deadline", "分配下达期限", DAY),),
    start=common.NOTICE_DATE,
    example={"unit_name": "市直某局", "transfer_name": "就业补助资金", "budget_approved_on": "2020-07-01",
             "allocated_on": "2020-08-25"},
)
