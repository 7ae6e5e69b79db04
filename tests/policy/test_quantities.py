"""Numbers, units and comparators as this genre writes them."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.policy.numerals import WRITABLE_BELOW, chinese_to_int, int_to_chinese, parse_number
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
        ("创业担保贷款贴息比例百分之五十以上。", [("百分之五十以上", 50, "%", ">=", "target")]),
        ("困难群众参保覆盖率达到百分之百。", [("百分之百", 100, "%", "=", "target")]),
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


@pytest.mark.parametrize(
    ("written", "n"),
    [("一", 1), ("三", 3), ("九", 9), ("十", 10), ("十五", 15), ("二十", 20), ("三十", 30), ("六十", 60),
     ("九十", 90), ("九十九", 99), ("一百二十", 120)],
)
def test_chinese_numeral_durations(written, n):
    (q,) = quantities(f"在项目批复后{written}日内完成。")
    assert (q[1], q[2], q[3]) == (n, "日", "<=")


@pytest.mark.parametrize(("written", "n"), [("两", 2), ("二", 2), ("三", 3), ("十二", 12), ("二十", 20), ("三十六", 36)])
def test_two_is_liang_or_er(written, n):
    (q,) = quantities(f"期限{written}年。")
    assert q[1] == n


# Chinese numerals, written out by hand: zeros inside a number are read once (一千零一), zeros
# ending a 万 or 亿 group are not (二十万四千六百八十), a whole empty group is (一亿零四千…),
# and a leading 一十 drops its 一 (十五, 十万) except in the legal capitals (壹拾).
NUMERALS = [
    (0, "零"), (1, "一"), (2, "二"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"),
    (21, "二十一"), (99, "九十九"), (100, "一百"), (101, "一百零一"), (105, "一百零五"), (110, "一百一十"),
    (115, "一百一十五"), (999, "九百九十九"), (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"),
    (1100, "一千一百"), (2024, "二千零二十四"), (10_000, "一万"), (10_001, "一万零一"), (10_500, "一万零五百"),
    (15_000, "一万五千"), (100_000, "十万"), (100_010, "十万零一十"), (110_000, "十一万"),
    (204_680, "二十万四千六百八十"), (1_000_000, "一百万"), (3000_0000, "三千万"), (5000_0001, "五千万零一"),
    (9999_9999, "九千九百九十九万九千九百九十九"), (1_0000_0000, "一亿"), (1_0000_0001, "一亿零一"),
    (1_0001_0000, "一亿零一万"), (1_0500_0000, "一亿零五百万"), (1_0000_4332, "一亿零四千三百三十二"),
    (10_0000_0500, "十亿零五百"), (32_5000_0000, "三十二亿五千万"), (200_0000_0000, "二百亿"),
]
CAPITALS = [
    (0, "零"), (1, "壹"), (2, "贰"), (6, "陆"), (10, "壹拾"), (11, "壹拾壹"), (20, "贰拾"), (105, "壹佰零伍"),
    (1001, "壹仟零壹"), (100_000, "壹拾万"), (3000_0000, "叁仟万"), (1_0000_0001, "壹亿零壹"),
]


@pytest.mark.parametrize(("n", "written"), NUMERALS)
def test_int_to_chinese(n, written):
    assert int_to_chinese(n) == written


@pytest.mark.parametrize(("n", "written"), NUMERALS + CAPITALS)
def test_chinese_to_int(n, written):
    assert chinese_to_int(written) == n


@pytest.mark.parametrize(("n", "written"), CAPITALS)
def test_int_to_chinese_in_legal_capitals(n, written):
    assert int_to_chinese(n, capital=True) == written


@pytest.mark.parametrize(
    ("written", "n"),
    [("两", 2), ("两百", 200), ("两千万", 2000_0000), ("一十一", 11), ("〇", 0), ("一百五", 150), ("三万五", 35_000),
     ("一百一", 110), ("一百十", 110), ("一千零十", 1010), ("二十万亿", 20_0000_0000_0000),
     ("一千万亿", 1000_0000_0000_0000), ("十二万五千", 125_000)],
)
def test_chinese_to_int_reads_the_other_ways_numbers_are_written(written, n):
    assert chinese_to_int(written) == n


@pytest.mark.parametrize(
    "text",
    ["", "百", "千", "万", "亿", "十百", "百十", "万万", "一万万", "十零", "一百零零五", "一千零五百",
     "二〇二〇", "一二", "零五", "三百a", "5"],
)
def test_chinese_to_int_refuses_what_is_not_one_number(text):
    with pytest.raises(ValueError):
        chinese_to_int(text)


@pytest.mark.parametrize("n", [-1, WRITABLE_BELOW, 1.5, True, "12"])
def test_int_to_chinese_refuses_what_it_cannot_write(n):
    with pytest.raises(ValueError):
        int_to_chinese(n)


@pytest.mark.parametrize(
    ("text", "value"),
    [("3000", Decimal(3000)), ("3,000", Decimal(3000)), ("1.2", Decimal("1.2")), ("六十", Decimal(60)),
     ("两", Decimal(2)), ("五点五", Decimal("5.5")), ("零点五", Decimal("0.5")), ("三点一四", Decimal("3.14")),
     ("3千", Decimal(3000)), ("1.2万", Decimal(12_000)), ("3,000万", Decimal(3000_0000)), ("三千万", Decimal(3000_0000))],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "点五", "五点", "五点十", "二〇二〇"])
def test_parse_number_refuses(text):
    with pytest.raises(ValueError):
        parse_number(text)


@given(st.integers(min_value=0, max_value=99_999_999), st.booleans())
def test_chinese_numerals_round_trip(n, capital):
    assert chinese_to_int(int_to_chinese(n, capital=capital)) == n


@given(st.integers(min_value=0, max_value=WRITABLE_BELOW - 1))
def test_chinese_numerals_round_trip_up_to_a_trillion(n):
    assert chinese_to_int(int_to_chinese(n)) == n


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
