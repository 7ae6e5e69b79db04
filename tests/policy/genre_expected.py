"""Expected parses of the genre documents in tests/policy/genre/, written by reading them.

Each document exercises layouts the seed does not: three numbering levels with units in
（牵头单位：…；配合单位：…）, articles (第一条) with units named before the task (由…牵头), 1、 items with
(X牵头，Y配合，时限) brackets and ① sub-items, and a 分工 table with unit and deadline columns.
Measures: (section, no, title, [(unit, role)], units_open, [(value, unit, cmp, kind)], [date or relative]).
"""

DOCS = {
    "shiyi_three_levels.txt": dict(
        title="吉安市人民政府关于加快推进数字政府建设的实施意见",
        issuer="吉安市人民政府", issued_on="2022-03-15", doc_number="吉府发〔2022〕8号",
        recipients=["各县（市、区）人民政府", "市政府各部门"],
        sections=["夯实数字基础设施", "提升政务服务效能", "保障措施"],
        measures=[
            (1, "1", "建设统一的政务云平台",
             [("市大数据局", "lead"), ("市财政局", "co"), ("各县〔市、区〕政府", "co")], False,
             [(5000, "个", ">=", "target")], ["2022-12-31"]),
            (1, "2", "完善电子政务外网",
             [("市大数据局", "lead"), ("市委网信办", "co"), ("市通信发展管理办公室", "co")], False,
             [(100, "%", "=", "target")], ["2023-06-30"]),
            # The sub-items 1. and 2. each carry units; the measure is （三） with their union.
            (2, "3", "推进“一网通办”", [("市行政审批局", "lead"), ("市大数据局", "co")], False,
             [(95, "%", ">=", "target"), (90, "%", ">=", "target"), (50, "种", "=", "target")], ["2022-12-31"]),
            (2, "4", "开展营商环境监测", [("市发改委", "lead"), ("市统计局", "co")], False, [], []),
            (3, "5", "加强组织领导", [], False, [], []),
            (3, "6", "加强资金保障", [], False, [(30000000, "元", ">=", "target")], []),
        ],
        cadences={"4": [("quarter", None)]},
    ),
    "tiaokuan_articles.txt": dict(
        title="关于促进中小企业健康发展的若干措施", issuer=None, issued_on=None, doc_number=None,
        recipients=[], sections=[],
        measures=[
            (0, "1", "加大财政支持力度", [("市工信局", "lead"), ("市财政局", "co")], False,
             [(200000000, "元", "=", "target")], []),
            (0, "2", "降低融资成本", [("人民银行吉安市中心支行", "lead")], False, [(20, "%", ">=", "target")], []),
            (0, "3", "减免房屋租金", [("市国资委", "lead")], False, [(3, "月", "=", "param")], ["2023-06-30"]),
            (0, "4", "强化督促落实", [], False, [], []),
        ],
        cadences={"4": [("month", 25)]},
    ),
    "minsheng_parens.txt": dict(
        title="永丰县2023年重点民生实事工作方案", issuer=None, issued_on=None, doc_number=None,
        recipients=[], sections=["教育", "医疗卫生"],
        measures=[
            (1, "1", "新建改扩建中小学校3所，新增学位2400个",
             [("县教体局", "lead"), ("县发改委", "co"), ("县自然资源局", "co")], False,
             [(3, "所", "=", "target"), (2400, "个", "=", "target")], ["2023-08-31"]),
            (1, "2", "实施农村义务教育学生营养改善计划，惠及学生约1.5万人", [("县教体局", "lead")], False,
             [(15000, "人", "=", "target")], []),
            (2, "3", "推进县域医共体建设", [("县卫健委", "lead"), ("县医保局", "co")], False,
             [(2, "所", "=", "target"), (65, "岁", ">=", "param")], []),
            (2, "4", "城乡居民医保财政补助标准提高到每人每年610元", [("县医保局", "lead"), ("县财政局", "co")], False,
             [(610, "元/人/年", "=", "param")], []),
        ],
        cadences={},
    ),
    "table_fengong.txt": dict(
        title="吉安市人民政府办公室关于印发吉安市2021年优化营商环境重点任务分工方案的通知",
        issuer="吉安市人民政府办公室", issued_on="2021-03-05", doc_number=None,
        recipients=["各县（市、区）人民政府", "市政府各部门"],
        sections=["提升政务服务效能", "优化要素保障"],
        measures=[
            (1, "1", "全面推行“一网通办”，政务服务事项网上可办率达到95%以上",
             [("市行政审批局", "lead"), ("市大数据局", "co"), ("各县（市、区）政府", "co")], False,
             [(95, "%", ">=", "target")], ["2021-12-31"]),
            (1, "2", "压缩企业开办时间至1个工作日以内",
             [("市市场监管局", "lead"), ("市税务局", "co"), ("市公安局", "co")], False,
             [(1, "工作日", "<=", "param")], ["2021-06-30"]),
            # 长期坚持 is not a date.
            (2, "3", "新增普惠小微企业贷款50亿元以上",
             [("人民银行吉安市中心支行", "lead"), ("市金融办", "co"), ("吉安银保监分局", "co")], True,
             [(5000000000, "元", ">=", "target")], []),
            (2, "4", "降低企业用电成本，全年减少企业电费支出1.2亿元",
             [("市发改委", "lead"), ("国网吉安供电公司", "co")], False,
             [(120000000, "元", "=", "target")], ["2021-12-31", "2021-12-31"]),
        ],
        cadences={},
    ),
    "table_one_cell_per_line.txt": dict(
        # The same table as a web page copied to text: one cell per line.
        title="吉安市2021年优化营商环境重点任务分工方案", issuer=None, issued_on=None, doc_number=None,
        recipients=[], sections=["提升政务服务效能", "优化要素保障"],
        measures=[
            (1, "1", "全面推行“一网通办”，政务服务事项网上可办率达到95%以上",
             [("市行政审批局", "lead"), ("市大数据局", "co"), ("各县（市、区）政府", "co")], False,
             [(95, "%", ">=", "target")], ["2021-12-31"]),
            (1, "2", "压缩企业开办时间至1个工作日以内",
             [("市市场监管局", "lead"), ("市税务局", "co"), ("市公安局", "co")], False,
             [(1, "工作日", "<=", "param")], ["2021-06-30"]),
            (2, "3", "新增普惠小微企业贷款50亿元以上",
             [("人民银行吉安市中心支行", "lead"), ("市金融办", "co"), ("吉安银保监分局", "co")], True,
             [(5000000000, "元", ">=", "target")], []),
        ],
        cadences={},
    ),
}
