"""Numbers, units and comparators as this genre writes them."""

from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.policy.parse import parse_text
from taizhang.policy.serialize import quantity_value


def quantities(sentence: str) -> list[tuple]:
    """Parse one sentence as the only measure of a tiny document."""
    doc = f"一、总体要求\n（一）测试措施。{sentence}〔责任单位：市财政局〕\n"
    measure = parse_text(doc).measures[0]
    return [(q.quote, quantity_value(q), q.unit, q.cmp, q.kind) for q in measure.quantities]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("全年返还企业失业保险费3000万元以上。", [("3000万元以上", 30000000, "元", ">=", "target")]),
        ("完成城市棚户区改造1.2万套。", [("1.2万套", 12000, "套", "=", "target")]),
        ("新能源装机提升至300万千瓦以上。", [("300万千瓦以上", 3000000, "千瓦", ">=", "target")]),
        ("争取新增债券额度200亿元以上。", [("200亿元以上", 20000000000, "元", ">=", "target")]),
        ("对裁员率不高于5.5%的企业给予返还。", [("不高于5.5%", 5.5, "%", "<=", "param")]),
        ("给予不超过实际缴费2/3的补贴。", [("不超过实际缴费2/3", 0.6667, "ratio", "<=", "param")]),
        ("给予企业600元／人／月的补贴。", [("600元／人／月", 600, "元/人/月", "=", "param")]),
        ("补贴期限最长不超过6个月。", [("最长不超过6个月", 6, "月", "<=", "param")]),
        ("在预算批复后六十日内下达。", [("六十日内", 60, "日", "<=", "param")]),
        ("担保期限一年。", [("一年", 1, "年", "=", "param")]),
        ("确保贫困家庭有1-2项增收产业项目。", [("1-2项", [1, 2], "项", "range", "target")]),
        ("融资成本下降0.5个百分点以上。", [("0.5个百分点以上", 0.5, "个百分点", ">=", "target")]),
        ("地区生产总值增长6.2%左右。", [("6.2%左右", 6.2, "%", "=", "target")]),
        ("在职职工总数30人(含)以下的企业暂免征收。", [("30人(含)以下", 30, "人", "<=", "param")]),
        ("全员劳动生产率46000元/人以上。", [("46000元/人以上", 46000, "元/人", ">=", "target")]),
    ],
)
def test_reads_amounts_units_and_comparators(sentence, expected):
    assert quantities(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "严格落实“四个不摘”要求。",  # a name in quotes
        "实行“两城两谷两带”产业链放权改革，实施“一链一策”。",
        "开工建设市第五人民医院传染病重症大楼。",  # an ordinal
        "推出赣州智慧旅游手机APP4.0版，推行便利店O2O模式。",  # versions and names
        "出台三年行动计划，开展“百日攻坚”活动。",  # durations naming a plan
        "推进跨境电商1210保税进出口业务。",  # a customs procedure code
        "2020年12月31日前完成，11月底前推出。",  # dates are deadlines, not quantities
        "推动一批出口产品转内销。",  # vague amounts
        "在年初预算压减10%的基础上进一步压减。",  # a baseline, not a new commitment
    ],
)
def test_names_dates_and_baselines_are_not_quantities(sentence):
    assert quantities(sentence) == []


def test_superseded_amount_is_dropped_and_new_value_kept():
    assert quantities("提高创业担保贷款最高额度，个人从15万元提高至20万元。") == [
        ("20万元", 200000, "元", "=", "param")
    ]


def test_fenbie_gives_one_entry_per_number_with_one_quote():
    got = quantities("各行政村、贫困村分别新开发2个、4个扶贫公益性岗位。")
    assert got == [("分别新开发2个、4个", 2, "个", "=", "target"), ("分别新开发2个、4个", 4, "个", "=", "target")]


def _in(n: int, factor: int) -> str:
    """n written in units of factor with as many decimals as needed: 1234500 / 10000 → "123.45"."""
    text = f"{Decimal(n) / factor:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _wan(n: int) -> str:
    return f"{_in(n, 10_000)}万元"


def _yi(n: int) -> str:
    return f"{_in(n, 100_000_000)}亿元"


@given(st.integers(min_value=1, max_value=99_999_999).map(lambda k: k * 100))
def test_wan_yuan_round_trip(amount):
    (q,) = quantities(f"全年发放补助资金{_wan(amount)}。")
    assert q[1] == amount and q[2] == "元"


@given(st.integers(min_value=1, max_value=9_999).map(lambda k: k * 1_000_000))
def test_yi_yuan_round_trip(amount):
    (q,) = quantities(f"全年争取资金{_yi(amount)}以上。")
    assert (q[1], q[2], q[3]) == (amount, "元", ">=")


@given(st.integers(min_value=1, max_value=99))
def test_chinese_numeral_durations_round_trip(n):
    written = cn2an.an2cn(n)
    (q,) = quantities(f"在项目批复后{written}日内完成。")
    assert (q[1], q[2], q[3]) == (n, "日", "<=")


@given(st.integers(min_value=1, max_value=36))
def test_two_is_liang_or_er(n):
    written = cn2an.an2cn(n).replace("二", "两") if n == 2 else cn2an.an2cn(n)
    (q,) = quantities(f"期限{written}年。")
    assert q[1] == n


@pytest.mark.parametrize(
    ("words", "cmp"),
    [("以上", ">="), ("及以上", ">="), ("以下", "<="), ("以内", "<="), ("左右", "=")],
)
@given(n=st.integers(min_value=1, max_value=99999))
def test_comparator_suffixes(words, cmp, n):
    (q,) = quantities(f"全年新增就业岗位{n}个{words}。")
    assert (q[1], q[3]) == (n, cmp)


@pytest.mark.parametrize(
    ("words", "cmp"),
    [("不低于", ">="), ("不少于", ">="), ("至少", ">="), ("不超过", "<="), ("不高于", "<="), ("最长不超过", "<=")],
)
@given(n=st.integers(min_value=1, max_value=99999))
def test_comparator_prefixes(words, cmp, n):
    (q,) = quantities(f"全年新增就业岗位{words}{n}个。")
    assert (q[1], q[3]) == (n, cmp)
