"""Inputs several benefits share, declared once so that a profile means the same thing to every rule.

An enterprise is an applicant in its own right (``credit_code``, ``name``, ``size``); a person is
described by flags a registry holds (就业困难人员, 登记失业人员, 高校毕业生 with the day of leaving school).
A person's name, ID number and phone number only say who the applicant is: they are personal data,
masked wherever shown and encrypted when a payout is stored.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np

from taizhang.rules.fields import Field
from taizhang.rules.kinds import CREDIT_CODE, DAY, FLAG, ID_NUMBER, PERSON_NAME, PHONE, TEXT, Choice, Enum

PARAMETERS = Path(__file__).with_name("parameters")
NOTICE_DATE = date(2020, 6, 18)  # 印发日期 of the Ganzhou notice: the seed's values take effect then

SIZES = Enum(choices=(Choice("large", "大型", ("大型企业",)), Choice("medium", "中型", ("中型企业",)),
                      Choice("small", "小型", ("小型企业",)), Choice("micro", "微型", ("微型企业",))))


def parameters_file(rule_name: str) -> Path:
    return PARAMETERS / f"{rule_name}.yaml"


credit_code = Field("credit_code", "统一社会信用代码", CREDIT_CODE, aliases=("信用代码", "社会信用代码"),
                    identity=True, help="18位，按 GB 32100—2015 校验")
enterprise_name = Field("name", "单位名称", TEXT, required=False, aliases=("企业名称", "单位"), identity=True)
size = Field("size", "企业规模", SIZES, aliases=("规模", "企业类型"), help="大型、中型、小型或微型（按国家大中小微型企业划分标准）")
id_number = Field("id_number", "身份证号码", ID_NUMBER, aliases=("身份证号", "公民身份号码", "居民身份证号码"),
                  identity=True, help="18位，按 GB 11643—1999 校验校验码和出生日期")
person_name = Field("name", "姓名", PERSON_NAME, required=False, identity=True)
phone = Field("phone", "联系电话", PHONE, required=False, aliases=("手机号码", "手机号", "手机", "电话"),
              identity=True, help="11位手机号码，可带空格、短横线或+86")
hard_to_employ = Field("hard_to_employ", "就业困难人员", FLAG, required=False, default="否",
                       help="经人社部门认定的就业困难人员")
registered_unemployed = Field("registered_unemployed", "登记失业人员", FLAG, required=False, default="否",
                              aliases=("登记失业",))
college_graduate = Field("college_graduate", "高校毕业生", FLAG, required=False, default="否",
                         help="普通高等学校毕业生；为“是”时须填写离校日期")
graduation_date = Field("graduation_date", "离校日期", DAY, required=False, aliases=("毕业日期", "毕业时间", "离校时间"))


def add_years(days: np.ndarray, years: int) -> np.ndarray:
    """The same calendar day ``years`` later (29 February → 28 February), over a datetime64[D] column."""
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    target_month = (year + years - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (month - 1)
    month_length = ((target_month + 1).astype("datetime64[D]") - target_month.astype("datetime64[D]")).astype(np.int64)
    return target_month.astype("datetime64[D]") + (np.minimum(day, month_length) - 1)
