"""衢政发〔2023〕1号 二 items 7–16 read against the gazette: every published figure and every citation. The
hand-computed cases of the calculators (item 13's conditions one at a time, items 8, 10, 12, 14, 15) are in
cases/policies_*.toml.

The sentences below are copied from the gazette (衢州政报 2023 第一、二期, lines 146–166). Each figure the code holds
is parsed here from the phrase that publishes it (万 = 10,000 元, 亿 = 100,000,000 元, % = /100; 以上、不低于 → ≥,
不超过 → ≤, a bare figure → =), so a figure or comparator changed in the code fails against the text.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from science.parameters import policy_params
from science.rules import policies_2023
from science.rules.policies_2023 import ITEMS, CarrierLevel, IncubatorEvent, RdSubsidyInput, rd_subsidy

P = policy_params(dt.date(2023, 6, 1))
D = Decimal

GAZETTE = {
    7: (
        "7. 积极争取省级财政资金支持。对照省教育、科技、人才一体化推进政策,争取省财政补助资金4000"
        "万元以上,其中重大创新平台资金1000万元以上,原创性、引领性技术和关键核心技术攻关资金3000"
        "万元以上。(责任单位:市科技局、市委人才办)"
    ),
    8: (
        "8. 推进科技金融深度融合。……力争知识产权质押登记额达10亿元以上,科技金融合作贷款余额达2亿"
        "元以上。……支持创新券给予保费兑付补偿,补偿额为企业实际投保费用的80%。(责任单位:市金融办、"
        "市市场监管局、市科技局、市人行、市银保监局)"
    ),
    9: ("9. 强化高层次人才引育。……(责任单位:市委人才办、市人社保局、市科技局)"),
    10: (
        "10. 推进高能级科创平台建设。加快推进省高端化学品技术创新中心建设,力争省评估优秀,争取省奖励"
        "资金1000万元以上,市财政合计补助经费不低于省财政补助经费的2倍。……(责任单位:市科技局、市"
        "经信局)"
    ),
    11: (
        "11. 加强关键核心技术攻关。积极承接省原创性、引领性技术和关键核心技术攻关项目10个以上,争取"
        "省财政补助经费3000万元以上。……实施市级科技攻关项目80个以上,市财政补助总经费不低于400"
        "0万元。(责任单位:市科技局)"
    ),
    12: (
        "12. 落实科技企业税收优惠政策。……以及国家高新技术企业减按15%税率征收企业所得税政策。……"
        "对符合条件的居民企业技术转让所得不超过500万元的部分,免征企业所得税;超过500万元的部分,减"
        "半征收企业所得税。(责任单位:市税务局)"
    ),
    13: (
        "13. 支持企业加大研发投入。对年度申报允许加计扣除研发费用达200万元及以上的企业,或申报允许"
        "加计扣除研发费用占营业收入比重3%以上且研发费用年增长20%以上的企业,按核定研发费用总额的一定"
        "比例给予补助,其中存量部分按2%给予补助、增量部分按10%给予补助,补助总额不超过100万元。("
        "责任单位:市科技局)"
    ),
    14: (
        "14. 实施海外与外资研发机构激励政策。……经省绩效考核评为优秀的,给予每家100万元奖励。……"
        "按其海外研发投入的5%给予最高不超过500万元的一次性奖励。(责任单位:市科技局)"
    ),
    15: (
        "15. 支持双创载体建设。对新认定的国家级、省级科技企业孵化器分别给予300万元、100万元的补"
        "助;对新备案的国家级、省级众创空间给予20万元、10万元的补助;对新评定的优秀国家、省级众创空间"
        "按上级补助标准1:1配套补助。……(责任单位:市科技局、市国资委、智造新城管委会、智慧新城管委会"
        ")"
    ),
    16: (
        "16. 深化产学研合作。设立高校服务产业创新能力提升专项资金1000万元,用于资助青年科技人员的"
        "比例不低于50%。设立企业产学研合作资助专项资金300万元,重点支持无研发活动的规上工业企业开展"
        "技术创新。(责任单位:市科技局)"
    ),
}

TITLES = {
    7: "积极争取省级财政资金支持",
    8: "推进科技金融深度融合",
    9: "强化高层次人才引育",
    10: "推进高能级科创平台建设",
    11: "加强关键核心技术攻关",
    12: "落实科技企业税收优惠政策",
    13: "支持企业加大研发投入",
    14: "实施海外与外资研发机构激励政策",
    15: "支持双创载体建设",
    16: "深化产学研合作",
}

_FIGURE = re.compile(r"(\d+(?:\.\d+)?)(亿|万)?(元|%|倍|个)")


def figure(phrase: str) -> tuple[str, Decimal, str]:
    """(comparator, value, unit) of a published phrase such as "4000万元以上" or "不超过500万元"."""
    number, scale, unit = _FIGURE.findall(phrase)[-1]
    value = Decimal(number) * {"亿": Decimal(100_000_000), "万": Decimal(10_000), "": Decimal(1)}[scale]
    if unit == "%":
        value, unit = value / 100, "比例"
    if "不超过" in phrase:
        comparator = "<="
    elif "以上" in phrase or "不低于" in phrase:
        comparator = ">="
    else:
        comparator = "="
    return comparator, value, unit


# Every target the code holds: (item, metric, the phrase of the gazette that publishes it). 27 figures.
PUBLISHED = [
    (7, "争取省财政补助资金", "争取省财政补助资金4000万元以上"),
    (7, "其中重大创新平台资金", "其中重大创新平台资金1000万元以上"),
    (7, "原创性、引领性技术和关键核心技术攻关资金", "关键核心技术攻关资金3000万元以上"),
    (8, "知识产权质押登记额", "知识产权质押登记额达10亿元以上"),
    (8, "科技金融合作贷款余额", "科技金融合作贷款余额达2亿元以上"),
    (8, "创新券保费兑付补偿比例（企业实际投保费用）", "补偿额为企业实际投保费用的80%"),
    (10, "省高端化学品技术创新中心争取省奖励资金", "争取省奖励资金1000万元以上"),
    (10, "市财政合计补助经费相对省财政补助经费倍数", "市财政合计补助经费不低于省财政补助经费的2倍"),
    (11, "承接省原创性、引领性技术和关键核心技术攻关项目", "攻关项目10个以上"),
    (11, "争取省财政补助经费", "争取省财政补助经费3000万元以上"),
    (11, "实施市级科技攻关项目", "实施市级科技攻关项目80个以上"),
    (11, "市财政补助总经费", "市财政补助总经费不低于4000万元"),
    (12, "国家高新技术企业企业所得税税率", "减按15%税率"),
    (12, "技术转让所得免征企业所得税部分上限", "所得不超过500万元的部分"),
    (13, "研发费用（路径一）", "研发费用达200万元及以上"),
    (13, "研发费用占营业收入比重（路径二）", "比重3%以上"),
    (13, "研发费用年增长（路径二）", "研发费用年增长20%以上"),
    (13, "补助总额上限", "补助总额不超过100万元"),
    (14, "省绩效考核优秀的国际合作基地等每家奖励", "给予每家100万元奖励"),
    (14, "海外研发机构一次性奖励上限", "最高不超过500万元"),
    (15, "新认定国家级科技企业孵化器补助", "分别给予300万元"),
    (15, "新认定省级科技企业孵化器补助", "、100万元的补助"),
    (15, "新备案国家级众创空间补助", "空间给予20万元"),
    (15, "新备案省级众创空间补助", "、10万元的补助"),
    (16, "高校服务产业创新能力提升专项资金", "提升专项资金1000万元"),
    (16, "其中资助青年科技人员比例", "比例不低于50%"),
    (16, "企业产学研合作资助专项资金", "合作资助专项资金300万元"),
]


def test_every_published_figure_is_held_as_published() -> None:
    assert len(PUBLISHED) == 27
    expected = {}
    for number, metric, phrase in PUBLISHED:
        assert phrase in GAZETTE[number], phrase
        comparator, value, unit = figure(phrase)
        expected[(number, metric)] = policies_2023.Target(metric, comparator, value, unit)
    held = {(i.number, t.metric): t for i in ITEMS for t in i.targets}
    assert held.keys() == expected.keys()  # no figure missing, none invented
    for key, target in expected.items():
        assert held[key] == target, key


@pytest.mark.parametrize(
    ("name", "phrase", "item"),
    [
        ("rd_min_expense", "研发费用达200万元及以上", 13),
        ("rd_min_ratio", "比重3%以上", 13),
        ("rd_min_growth", "研发费用年增长20%以上", 13),
        ("rd_existing_rate", "存量部分按2%", 13),
        ("rd_increase_rate", "增量部分按10%", 13),
        ("rd_cap", "补助总额不超过100万元", 13),
        ("international_base_award", "给予每家100万元奖励", 14),
        ("overseas_rd_rate", "海外研发投入的5%", 14),
        ("overseas_rd_cap", "最高不超过500万元", 14),
        ("incubator_national", "分别给予300万元", 15),
        ("incubator_provincial", "、100万元的补助", 15),
        ("maker_space_national", "空间给予20万元", 15),
        ("maker_space_provincial", "、10万元的补助", 15),
        ("insurance_compensation_rate", "实际投保费用的80%", 8),
        ("innovation_centre_city_multiple", "省财政补助经费的2倍", 10),
        ("tech_transfer_exempt_amount", "所得不超过500万元的部分", 12),
    ],
)
def test_every_parameter_is_the_published_figure(name: str, phrase: str, item: int) -> None:
    assert phrase in GAZETTE[item]
    assert getattr(P, name) == figure(phrase)[1]


def test_figures_written_in_words() -> None:
    # 12 超过500万元的部分，减半征收: half of the excess is taxable; 15 按上级补助标准1:1配套: one to one.
    assert "减半征收" in GAZETTE[12] and P.tech_transfer_excess_taxable_share == D("0.5")
    assert "1:1配套" in GAZETTE[15] and P.excellent_maker_space_match_ratio == D(1)
    # 1号 targets are 2023年 targets (二 导语 "2023年，力争……").
    assert (P.valid_from, P.valid_until) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def test_every_item_cites_its_own_number_title_and_units() -> None:
    assert [i.number for i in ITEMS] == list(range(7, 17))
    for entry in ITEMS:
        assert entry.basis == f"衢政发〔2023〕1号 二{entry.number}"
        assert entry.title == TITLES[entry.number]
        assert GAZETTE[entry.number].startswith(f"{entry.number}. {entry.title}。")
        units = GAZETTE[entry.number].rsplit("(责任单位:", 1)[1].rstrip(")")
        assert entry.responsible == tuple(units.split("、")), entry.number


def test_every_calculator_cites_its_item() -> None:
    cite = "衢政发〔2023〕1号 二{}".format
    assert policies_2023.insurance_compensation(D("100"), P).basis == (cite(8),)
    assert policies_2023.innovation_centre_city_minimum(D("100"), P).basis == (cite(10),)
    assert policies_2023.tech_transfer_income_split(D("100"), P).basis == cite(12)
    assert rd_subsidy(RdSubsidyInput(D("2000000"), D("0"), D("0")), P).basis == (cite(13),)
    assert policies_2023.international_base_award(True, True, P).basis == (cite(14),)
    assert policies_2023.overseas_rd_award(D("100"), False, P).basis == (cite(14),)
    assert policies_2023.incubator_award(IncubatorEvent.NEW_INCUBATOR, CarrierLevel.NATIONAL, P).basis == (cite(15),)
    # The items named as calculators exist as such.
    assert {i.number: i.calculator for i in ITEMS if i.calculator} == {
        8: "insurance_compensation",
        10: "innovation_centre_city_minimum",
        12: "tech_transfer_income_split",
        13: "rd_subsidy",
        14: "international_base_award, overseas_rd_award",
        15: "incubator_award",
    }
    assert policies_2023.policy_item(13).basis == cite(13)


# ---- the policy year every calculator is asked for ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/v1/policies/rd-subsidy",
        "/v1/policies/international-base-award",
        "/v1/policies/overseas-rd-award",
        "/v1/policies/incubator-award",
        "/v1/policies/insurance-compensation",
        "/v1/policies/innovation-centre-city-minimum",
        "/v1/policies/tech-transfer-income",
    ],
)
@pytest.mark.parametrize("year", [0, -1, 1999, 2101, 10000, 10**30])
def test_policy_years_are_bounded(client: TestClient, url: str, year: int) -> None:
    r = client.post(url, json={"year": year})
    assert r.status_code == 422
    assert any(e["field"] == "year" for e in r.json()["errors"]), r.json()
