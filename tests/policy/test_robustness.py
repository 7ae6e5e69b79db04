"""Any text at all: the parser either finds no measures (and says so) or returns spans inside the text."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.errors import NoMeasuresFound
from taizhang.policy.parse import parse_text

FRAGMENTS = [
    "一、", "二、", "（一）", "（二）", "1.", "2、", "(3)", "①", "第一条", "\n", "\n\n", "\t", "　　", " ",
    "加快推进项目建设", "全年完成投资100亿元以上", "不超过5.5%", "2/3", "600元／人／月", "1-2项", "六十日内",
    "〔责任单位：市发改委、市财政局等〕", "（市人社局牵头，市教育局配合）", "牵头单位：区发改局", "责任单位：各街道",
    "2020年12月31日前", "11月底前", "今明两年", "预算批复后六十日内", "每月25日前报送", "。", "，", "；", "：",
    "序号\t重点任务\t牵头单位\t配合单位", "— 3 —", "赣州市人民政府", "2020年6月18日", "附件", "“两城两谷两带”",
    "由市工信局牵头，市财政局配合", "（", "〕", "《江西省实施意见》",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=0, max_size=60).map("".join))
def test_parser_never_crashes_and_spans_stay_inside(text):
    try:
        policy = parse_text(text)
    except NoMeasuresFound:
        return
    for m in policy.measures:
        assert 0 <= m.span.start <= m.span.end <= len(text)
        for item in (*m.units, *m.quantities, *m.deadlines):
            assert 0 <= item.span.start <= item.span.end <= len(text)
            quote = getattr(item, "name", None) or item.quote
            assert text[item.span.start] == quote[0] and text[item.span.end - 1] == quote[-1]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode_does_not_crash_the_parser(text):
    try:
        parse_text(text)
    except NoMeasuresFound:
        pass
