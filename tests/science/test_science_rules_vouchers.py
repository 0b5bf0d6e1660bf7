"""衢市科发高〔2022〕44号 at its boundaries: subsidy by service type, claims, expiry, redemption, bans.

The hand-computed subsidies of 三 (each service type, its rate and its rounding) are in cases/vouchers_subsidy.toml
(test_science_cases.py); here are the rules a case table cannot reach and the notes the subsidy carries."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from science.parameters import voucher_params
from science.rules.basis import IN_FORCE_FROM
from science.rules.credit import CreditKind, CreditRecord, active_bans
from science.rules.voucher_lifecycle import (
    ApplicantKind,
    ApplicantProfile,
    CarrierChannel,
    ClaimContext,
    PriorityGround,
    RedemptionContext,
    RedemptionMaterials,
    carrier_registration_problems,
    claim_problems,
    is_expired,
    old_rules_problem,
    payment_due,
    priority_grounds,
    redemption_deadline,
    redemption_problems,
    voucher_last_valid_day,
)
from science.rules.voucher_subsidy import AuditPurpose, ServiceRequest, ServiceType, payable, subsidy

ON = dt.date(2023, 3, 1)
P = voucher_params(ON)
D = Decimal


def pay(kind: ServiceType, fee: str, **changes: object) -> Decimal:
    result = subsidy(dataclasses.replace(ServiceRequest(kind, D(fee)), **changes), P)  # type: ignore[arg-type]
    return result.subsidy


def test_special_audit_only_for_listed_purposes() -> None:
    assert pay(ServiceType.SPECIAL_AUDIT, "10000", audit_purpose=AuditPurpose.PROJECT_ACCEPTANCE) == D("4000.00")
    refused = subsidy(ServiceRequest(ServiceType.SPECIAL_AUDIT, D("10000"), audit_purpose=AuditPurpose.OTHER), P)
    assert not refused.supported
    unknown = subsidy(ServiceRequest(ServiceType.SPECIAL_AUDIT, D("10000")), P)
    assert unknown.supported and unknown.reason is not None  # purpose checked at redemption, said so


def test_fee_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        subsidy(ServiceRequest(ServiceType.TESTING, D("0")), P)


@pytest.mark.parametrize(
    ("entitlement", "remaining", "paid", "capped"),
    [("4000", "5000", "4000", False), ("4000", "4000", "4000", False), ("4000", "3999.99", "3999.99", True)],
)
def test_redemption_never_above_remaining_value(entitlement: str, remaining: str, paid: str, capped: bool) -> None:
    result = payable(D(entitlement), D(remaining))
    assert (result.amount, result.capped) == (D(paid), capped)


# 四(二) claims
def claim(**changes: object) -> ClaimContext:
    base = ClaimContext(
        claimed_on=ON,
        amount=D("10000"),
        pool_available=D("100000"),
        pool_opens_on=dt.date(2023, 1, 1),
        pool_closes_on=dt.date(2023, 12, 31),
        claimed_this_year=D("0"),
        profile=ApplicantProfile(ApplicantKind.ENTERPRISE),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def codes(problems: list) -> set[str]:  # type: ignore[type-arg]
    return {p.code for p in problems}


@pytest.mark.parametrize(
    ("already", "amount", "ok"),
    [("50000", "10000", True), ("50000", "10000.01", False), ("60000", "0.01", False), ("0", "60000", True)],
)
def test_annual_cap_of_60000_includes_the_number(already: str, amount: str, ok: bool) -> None:
    problems = claim_problems(claim(claimed_this_year=D(already), amount=D(amount)), P)
    assert ("annual_cap_exceeded" not in codes(problems)) is ok


@pytest.mark.parametrize(("available", "ok"), [("10000", True), ("9999.99", False)])
def test_pool_never_exceeded(available: str, ok: bool) -> None:
    assert ("pool_exhausted" not in codes(claim_problems(claim(pool_available=D(available)), P))) is ok


def test_claim_outside_the_pool_window_or_before_2023() -> None:
    assert "pool_closed" in codes(claim_problems(claim(claimed_on=dt.date(2024, 1, 1)), P))
    assert "not_in_force" in codes(claim_problems(claim(claimed_on=dt.date(2022, 12, 31)), P))


def test_claim_needs_innovation_need_and_positive_amount() -> None:
    no_need = ApplicantProfile(ApplicantKind.ENTREPRENEUR, has_innovation_need=False)
    assert codes(claim_problems(claim(profile=no_need, amount=D("0")), P)) == {
        "no_innovation_need",
        "amount_not_positive",
    }


# 四(二) 3-month expiry
@pytest.mark.parametrize(
    ("issued", "last"),
    [
        (dt.date(2023, 1, 15), dt.date(2023, 4, 15)),
        (dt.date(2023, 11, 30), dt.date(2024, 2, 29)),  # leap year month end
        (dt.date(2023, 3, 31), dt.date(2023, 6, 30)),
    ],
)
def test_three_month_validity(issued: dt.date, last: dt.date) -> None:
    assert voucher_last_valid_day(issued, P) == last
    assert not is_expired(issued, last, P)
    assert is_expired(issued, last + dt.timedelta(days=1), P)


# 四(四)(五) deadlines
def test_redemption_deadline_is_31_december_of_the_year_and_payment_end_of_april() -> None:
    assert redemption_deadline(dt.date(2023, 11, 15), P) == dt.date(2023, 12, 31)
    assert payment_due(dt.date(2023, 12, 31), P) == dt.date(2024, 4, 30)


def materials(**changes: object) -> RedemptionMaterials:
    base = RedemptionMaterials("HT-2023-001", True, True, "FP-0001", True, D("10000"), D("10000"))
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def redemption(**changes: object) -> RedemptionContext:
    base = RedemptionContext(
        submitted_on=dt.date(2023, 4, 10),
        used_on=dt.date(2023, 2, 1),
        issued_on=dt.date(2023, 1, 15),
        voucher_status="active",
        materials=materials(),
        related_to_carrier=False,
        carrier_active=True,
        contract_already_subsidised=False,
        invoice_already_subsidised=False,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_a_complete_redemption_has_no_problems() -> None:
    assert redemption_problems(redemption(), P) == []


@pytest.mark.parametrize(("submitted", "ok"), [(dt.date(2023, 4, 15), True), (dt.date(2023, 4, 16), False)])
def test_redemption_within_validity(submitted: dt.date, ok: bool) -> None:
    assert ("voucher_expired" not in codes(redemption_problems(redemption(submitted_on=submitted), P))) is ok


@pytest.mark.parametrize(("submitted", "ok"), [(dt.date(2023, 12, 31), True), (dt.date(2024, 1, 1), False)])
def test_redemption_by_31_december(submitted: dt.date, ok: bool) -> None:
    ctx = redemption(issued_on=dt.date(2023, 11, 1), used_on=dt.date(2023, 11, 2), submitted_on=submitted)
    assert ("redemption_deadline_passed" not in codes(redemption_problems(ctx, P))) is ok


def test_vouchers_used_before_2023_follow_the_2020_rules() -> None:
    problems = redemption_problems(redemption(used_on=dt.date(2022, 12, 31), issued_on=dt.date(2022, 11, 1)), P)
    assert codes(problems) == {"old_rules_apply"}
    assert "衢市科发高〔2020〕4号" in problems[0].detail and problems[0].basis == "衢市科发高〔2022〕44号 六"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"materials": materials(contract_sealed_by_both=False)}, "contract_seals"),
        ({"materials": materials(bank_receipt=False)}, "payment_proof"),
        ({"materials": materials(invoice_number=" ")}, "payment_proof"),
        ({"materials": materials(service_evidence=False)}, "service_evidence"),
        ({"materials": materials(paid_amount=D("9999.99"))}, "not_paid_in_full"),
        ({"contract_already_subsidised": True}, "already_subsidised"),
        ({"invoice_already_subsidised": True}, "already_subsidised"),
        ({"related_to_carrier": True}, "carrier_related"),
        ({"carrier_active": False}, "carrier_not_registered"),
        ({"voucher_status": "expired"}, "voucher_not_active"),
        ({"funded_by_other_programme": True}, "double_funding"),
        ({"used_on": dt.date(2023, 1, 14)}, "used_before_issue"),
    ],
)
def test_redemption_refusals(changes: dict, code: str) -> None:  # type: ignore[type-arg]
    assert code in codes(redemption_problems(redemption(**changes), P))


# 五(二) fraud: credit record and 3-year ban
def test_fraud_bans_claims_for_three_years_inclusive() -> None:
    record = CreditRecord(CreditKind.VOUCHER_FRAUD, dt.date(2023, 5, 10), P.fraud_ban_years)
    assert record.ban_until == dt.date(2026, 5, 10)
    assert "credit_ban" in codes(claim_problems(claim(credit_records=(record,), claimed_on=dt.date(2023, 6, 1)), P))
    assert active_bans([record], dt.date(2026, 5, 10))
    assert not active_bans([record], dt.date(2026, 5, 11))
    assert not active_bans([record], dt.date(2023, 5, 9))


def test_institute_false_materials_also_bar_voucher_redemption() -> None:
    record = CreditRecord(CreditKind.INSTITUTE_FALSE_MATERIALS, dt.date(2023, 1, 5), 3)
    problems = redemption_problems(redemption(credit_records=(record,)), P)
    assert [p.basis for p in problems if p.code == "credit_ban"] == ["衢市科发高〔2022〕43号 三(六)"]


# 二 priority groups and carriers
def test_priority_grounds() -> None:
    profile = ApplicantProfile(
        ApplicantKind.ENTERPRISE,
        competition_winner=True,
        provincial_tech_sme=True,
        hitech_valid_until=dt.date(2023, 2, 28),
        on_four_colour_list=True,
    )
    assert priority_grounds(profile, ON) == [
        PriorityGround.COMPETITION_WINNER,
        PriorityGround.PROVINCIAL_TECH_SME,
        PriorityGround.FOUR_COLOUR,
    ]  # 高新 expired the day before
    assert PriorityGround.HITECH in priority_grounds(profile, dt.date(2023, 2, 28))
    entrepreneur = ApplicantProfile(ApplicantKind.ENTREPRENEUR, incubated=True, provincial_tech_sme=True)
    assert priority_grounds(entrepreneur, ON) == [PriorityGround.INCUBATED]


def test_out_of_city_carriers_register_through_the_named_platforms() -> None:
    assert carrier_registration_problems(True, CarrierChannel.LOCAL_REGISTRATION) == []
    assert carrier_registration_problems(False, CarrierChannel.SHARED_ZONE) == []
    assert carrier_registration_problems(False, CarrierChannel.LOCAL_REGISTRATION)[0].code == "carrier_channel"


# ---------------------------------------------------------------- 44号 三 服务内容和补助标准


def test_a_service_not_said_to_be_bought_on_the_shared_platform_is_paid_at_40_percent() -> None:
    # 三(四) the 50% is for testing bought on the 四省边际共享专区 only; unless a request says so it was bought
    # elsewhere: 10,000 × 40% = 4,000 (the case table always says which; a caller of the rule may not)
    assert subsidy(ServiceRequest(ServiceType.TESTING, D("10000")), P).subsidy == D("4000.00")


def test_only_a_special_audit_without_its_purpose_carries_the_purpose_note() -> None:
    # 三(三) purposes concern 专项审计费 alone; other services (and an audit with a listed purpose) carry no note
    assert subsidy(ServiceRequest(ServiceType.TESTING, D("10000")), P).reason is None
    audit = ServiceRequest(ServiceType.SPECIAL_AUDIT, D("10000"), audit_purpose=AuditPurpose.PROJECT_ACCEPTANCE)
    assert subsidy(audit, P).reason is None


def test_a_voucher_with_nothing_left_pays_nothing() -> None:
    # 一(三) 创新券抵用部分, 四(二) 定额发放: an exhausted voucher (0, or overdrawn) pays 0, and says it capped
    for remaining in ("0", "-10"):
        result = payable(D("4000"), D(remaining))
        assert (result.amount, result.capped) == (D("0"), True)


def test_the_2022_measures_are_in_force_from_1_january_2023() -> None:
    # 43号 四 "本办法自2023年1月1日起实施", 44号 六 "本办法自2023年1月1日起执行"
    assert dt.date(2023, 1, 1) == IN_FORCE_FROM


def test_a_ban_is_in_force_on_the_day_it_is_decided() -> None:
    # 44号 五(二) "3年内不再给予…支持": the three years run from the decision day itself
    decided = dt.date(2023, 5, 10)
    record = CreditRecord(CreditKind.VOUCHER_FRAUD, decided, 3)
    assert [ban.since for ban in active_bans([record], decided)] == [decided]
    assert active_bans([record], decided - dt.timedelta(days=1)) == []


def test_a_claim_on_the_first_day_in_force_by_an_undeclared_enterprise_is_clean() -> None:
    # 44号 六 "自2023年1月1日起执行", 二 创新券支持对象为有创新需求的企业: an enterprise is taken to have the need
    # unless it is said otherwise, and no priority ground is assumed without its certificate
    new_year = dt.date(2023, 1, 1)
    profile = ApplicantProfile(ApplicantKind.ENTERPRISE)
    claim = ClaimContext(new_year, D("10000"), D("100000"), new_year, dt.date(2023, 12, 31), D("0"), profile)
    assert claim_problems(claim, P) == []
    assert priority_grounds(profile, new_year) == []


def test_a_claim_of_one_yuan_on_the_pool_s_last_day_is_clean() -> None:
    # 四(二) 定额发放: the batch's closing day is inside its window, and any positive amount may be claimed
    last = dt.date(2023, 12, 31)
    profile = ApplicantProfile(ApplicantKind.ENTREPRENEUR)
    claim = ClaimContext(last, D("1"), D("100000"), dt.date(2023, 1, 1), last, D("0"), profile)
    assert claim_problems(claim, P) == []


def test_vouchers_used_from_1_january_2023_follow_the_new_measures() -> None:
    # 六 "2022年12月31日前已使用创新券，相关兑付依照…〔2020〕4号执行"
    assert old_rules_problem(dt.date(2023, 1, 1)) is None
    assert old_rules_problem(dt.date(2022, 12, 31)) is not None


def test_a_voucher_used_on_its_issue_day_or_its_last_valid_day_is_redeemable() -> None:
    # 四(二) 有效期3个月 (15 January → 15 April inclusive, G-01); 四(一) used no earlier than issued
    issued = dt.date(2023, 1, 15)
    paid = RedemptionMaterials("HT-2023-001", True, True, "FP-0001", True, D("10000"), D("10000"))
    for used in (issued, dt.date(2023, 4, 15)):
        context = RedemptionContext(dt.date(2023, 4, 15), used, issued, "active", paid, False, True, False, False)
        assert redemption_problems(context, P) == [], used


# ---- 44号 四(二) 定额发放: a voucher with nothing left pays nothing ------------------------------------------------


@pytest.mark.parametrize(
    ("entitlement", "remaining", "amount", "capped"),
    [
        ("4000.00", "0.00", "0.00", True),  # nothing left: 0, never a token yuan
        ("4000.00", "-5.00", "0.00", True),  # a negative remainder (never stored) still pays 0
        ("4000.00", "0.01", "0.01", True),
        ("4000.00", "4000.00", "4000.00", False),  # exactly enough: not capped
        ("4000.00", "4000.01", "4000.00", False),
    ],
)
def test_payable_never_exceeds_what_is_left(entitlement: str, remaining: str, amount: str, capped: bool) -> None:
    pay = payable(D(entitlement), D(remaining))
    assert (pay.amount, pay.capped) == (D(amount), capped)
