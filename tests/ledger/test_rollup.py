"""Rolling sub-tasks up into their parent, and how quantities read."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.ledger.rollup import (
    ChildActual,
    format_quantity,
    format_share,
    is_additive,
    rollup,
    subtargets_mismatch,
)
from taizhang.ledger.vocabulary import ROLLUP_RULES

# 全年新增见习人员2000人, decomposed among three counties
COUNTIES = [ChildActual(1, D(800), D(1000)), ChildActual(2, D(700), D(700)), ChildActual(3, None, D(300))]


@pytest.mark.parametrize("unit", ["元", "个", "人", "户", "套", "家", "项", "件", "千瓦", "万千瓦"])
def test_counts_and_money_add_up(unit):
    assert is_additive(unit)


@pytest.mark.parametrize("unit", ["%", "个百分点", "ratio", "元/人/月", "元/人", "元／人"])
def test_rates_and_per_capita_amounts_do_not_add_up(unit):
    assert not is_additive(unit)


def test_additive_figures_sum_the_children_that_reported():
    assert rollup(COUNTIES, additive=True, rule="auto") == D(1500)
    assert rollup(COUNTIES, additive=True, rule="sum") == D(1500)


def test_no_figure_at_all_rolls_up_to_none():
    assert rollup([ChildActual(1, None, D(10))], additive=True) is None
    assert rollup([], additive=False) is None


# 招聘应届毕业大学生数量不低于新增岗位的50%: rates by county, weighted by each county's target
RATES = [ChildActual(1, D(50), D(100)), ChildActual(2, D(40), D(300)), ChildActual(3, None, D(600))]


@pytest.mark.parametrize(
    ("children", "rule", "expected"),
    [
        (RATES, "auto", D("42.5000")),  # (50×100 + 40×300) / 400
        (RATES, "weighted_mean", D("42.5000")),
        (RATES, "mean", D("45.0000")),
        (RATES, "min", D(40)),
        ([ChildActual(1, D(50)), ChildActual(2, D(40), D(300))], "auto", D("45.0000")),  # a weight missing
        ([ChildActual(1, D(50), D(0)), ChildActual(2, D(40), D(300))], "auto", D("45.0000")),  # a zero weight
        ([ChildActual(1, D(1)), ChildActual(2, D(2)), ChildActual(3, D(2))], "mean", D("1.6667")),
    ],
)
def test_rates_roll_up_by_target_weighted_mean_else_simple_mean(children, rule, expected):
    assert rollup(children, additive=False, rule=rule) == expected


def test_rates_cannot_be_summed():
    with pytest.raises(ValueError, match="不能求和"):
        rollup(RATES, additive=False, rule="sum")


def test_unknown_rules_are_refused():
    with pytest.raises(ValueError, match="汇总规则"):
        rollup(RATES, additive=False, rule="median")


def test_every_rule_has_a_chinese_label():
    assert set(ROLLUP_RULES) == {"auto", "sum", "weighted_mean", "mean", "min"}


@pytest.mark.parametrize(
    ("parent", "children", "unit", "warning"),
    [
        (D(2000), [D(1000), D(900)], "人", "分解目标合计1900人，少于总目标2000人"),
        (D(2000), [D(1200), D(900)], "人", "分解目标合计2100人，多于总目标2000人"),
        (D(2000), [D(1000), D(1000)], "人", None),
        (D(30000000), [D(20000000), D(5000000)], "元", "分解目标合计2500万元，少于总目标3000万元"),
        (D(100), [D(60), None, None], "个", "有2项子任务未设分解目标，无法核对是否合计为总目标100个"),
    ],
)
def test_subtargets_of_an_additive_indicator_must_add_up(parent, children, unit, warning):
    assert subtargets_mismatch(parent, children, additive=True, unit=unit) == warning


def test_rate_subtargets_are_not_summed():
    assert subtargets_mismatch(D(50), [D(40), D(45)], additive=False, unit="%") is None


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (D(30000000), "元", "3000万元"),
        (D(12000), "套", "1.2万套"),
        (D(31700), "户", "3.17万户"),
        (D(1600000000), "元", "16亿元"),
        (D(20000000000), "元", "200亿元"),
        (D(2000), "人", "2000人"),
        (D(8074), "户", "8074户"),
        (D(12345), "人", "12345人"),  # not a round number of 万
        (D("5.5"), "%", "5.5%"),
        (D("0.5000"), "个百分点", "0.5个百分点"),
        (D(46000), "元/人", "46000元/人"),
        (D("0.6667"), "ratio", "66.67%"),
        (D("100.0000"), "%", "100%"),
    ],
)
def test_quantities_read_as_the_documents_write_them(value, unit, text):
    assert format_quantity(value, unit) == text


@pytest.mark.parametrize(("share", "text"), [(D("0.5051"), "50.51%"), (D("0.42"), "42%"), (D(1), "100%"), (D(0), "0%")])
def test_shares_read_as_percentages(share, text):
    assert format_share(share) == text


figures = st.lists(
    st.tuples(
        st.one_of(st.none(), st.decimals(0, 10**6, places=2)),
        st.one_of(st.none(), st.decimals(1, 10**6, places=2)),
    ),
    max_size=8,
)


@given(figures)
def test_a_sum_is_the_sum_of_the_reported_children(pairs):
    children = [ChildActual(i, actual, target) for i, (actual, target) in enumerate(pairs)]
    reported = [c.actual for c in children if c.actual is not None]
    assert rollup(children, additive=True) == (sum(reported, D(0)) if reported else None)


@given(figures)
def test_a_mean_lies_between_the_lowest_and_highest_child(pairs):
    children = [ChildActual(i, actual, target) for i, (actual, target) in enumerate(pairs)]
    reported = [c.actual for c in children if c.actual is not None]
    result = rollup(children, additive=False)
    if not reported:
        assert result is None
    else:
        assert min(reported) - D("0.0001") <= result <= max(reported) + D("0.0001")
