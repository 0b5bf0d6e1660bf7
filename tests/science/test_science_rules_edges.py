"""Edges of 衢市科发高〔2022〕44号 and 衢政发〔2023〕1号 the other rules tests left open (found by `./dev mutate`,
see docs/TESTING.md): each test pins one side of one edge or one condition of a compound test varied alone."""

import datetime as dt
from decimal import Decimal

from science.parameters import voucher_params
from science.rules.voucher_subsidy import AuditPurpose, ServiceRequest, ServiceType, payable, subsidy

VOUCHERS = voucher_params(dt.date(2023, 3, 1))
D = Decimal


# ---------------------------------------------------------------- 44号 三 服务内容和补助标准


def test_financial_consulting_of_exactly_5000_has_no_excess_line() -> None:
    # 三(五) "5000元以内全额抵扣，超过5000元部分按…50%": at 5000 nothing exceeds, so one line of 5000.00
    result = subsidy(ServiceRequest(ServiceType.FINANCIAL_CONSULTING, D("5000")), VOUCHERS)
    assert [line.amount for line in result.lines] == [D("5000.00")]


def test_only_testing_bought_on_the_shared_platform_is_labelled_so() -> None:
    # 三(四) names the 四省边际共享专区 rate for 检验检测 only; 技术咨询 bought there is an ordinary 40% line
    testing = subsidy(ServiceRequest(ServiceType.TESTING, D("10000"), via_shared_platform=True), VOUCHERS)
    assert testing.lines[0].label == "服务费用10000.00元×50%（四省边际共享专区）"
    consulting = subsidy(
        ServiceRequest(ServiceType.TECHNICAL_CONSULTING, D("10000"), via_shared_platform=True), VOUCHERS
    )
    assert consulting.lines[0].label == "服务费用10000.00元×40%"


def test_only_a_special_audit_without_its_purpose_carries_the_purpose_note() -> None:
    # 三(三) purposes concern 专项审计费 alone; other services (and an audit with a listed purpose) carry no note
    assert subsidy(ServiceRequest(ServiceType.TESTING, D("10000")), VOUCHERS).reason is None
    audit = ServiceRequest(ServiceType.SPECIAL_AUDIT, D("10000"), audit_purpose=AuditPurpose.PROJECT_ACCEPTANCE)
    assert subsidy(audit, VOUCHERS).reason is None


def test_a_voucher_with_nothing_left_pays_nothing() -> None:
    # 一(三) 创新券抵用部分, 四(二) 定额发放: an exhausted voucher (0, or overdrawn) pays 0, and says it capped
    for remaining in ("0", "-10"):
        result = payable(D("4000"), D(remaining))
        assert (result.amount, result.capped) == (D("0"), True)
