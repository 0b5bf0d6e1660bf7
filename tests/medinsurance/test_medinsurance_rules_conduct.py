import datetime as dt
from decimal import Decimal

import pytest
from stdnum.cn import ric
from testkit import id_number

from medinsurance.parameters import in_force, params
from medinsurance.rules.conduct import (
    DiseaseKind,
    ProxyGround,
    ProxyRequest,
    Relationship,
    SettlementStatus,
    age_on,
    check_dispensing,
    check_password,
    check_proxy,
    emergency_card_deadline,
    outage_status,
    price_split,
    proxy_year_bounds,
)

P = params("conduct", dt.date(2023, 3, 1))
CALENDAR = params("calendar", P.effective_from)  # how periods are counted (readings)
T0 = dt.datetime(2023, 5, 1, 8, 0)
H = dt.timedelta(hours=1)


PRINCIPAL = id_number("330802", dt.date(1986, 1, 1))
AGENT = id_number("330802", dt.date(1990, 1, 1))


def test_test_identifiers_are_valid():
    for n in (PRINCIPAL, AGENT, id_number("330803", dt.date(2006, 3, 2))):
        assert ric.is_valid(n)


def test_outage_24h_boundary():
    assert outage_status(T0, T0 + 24 * H, P).status is SettlementStatus.NORMAL
    s = outage_status(T0, T0 + 24 * H + dt.timedelta(seconds=1), P)
    assert s.status is SettlementStatus.SUSPENDED and s.suspended_from == T0 + 24 * H
    assert outage_status(T0, T0 + 30 * H, P, repaired_at=T0 + 29 * H).status is SettlementStatus.NORMAL


def test_outage_temporary_window_48h_then_suspended_again():
    req = T0 + 26 * H
    assert outage_status(T0, req + 47 * H, P, window_requested_at=req).status is SettlementStatus.TEMPORARY_WINDOW
    again = outage_status(T0, req + 48 * H, P, window_requested_at=req)
    assert again.status is SettlementStatus.SUSPENDED
    assert again.window_until == req + 48 * H
    assert (
        outage_status(T0, req + 50 * H, P, window_requested_at=req, repaired_at=req + 49 * H).status
        is SettlementStatus.NORMAL
    )


def test_password_policy():
    assert check_password("Abc123", P).ok
    assert not check_password("Abc12", P).ok  # 5 chars
    assert check_password("abc123", P).problems == ("缺少大写字母",)
    assert not check_password("ABCdef", P).ok
    assert not check_password("ABC123", P).ok


def req(**kw):
    base = dict(
        principal_id=PRINCIPAL, agent_id=AGENT, ground=ProxyGround.MOBILITY, relationship=Relationship.CLOSE_RELATIVE
    )
    base.update(kw)
    return ProxyRequest(**base)


ON = dt.date(2024, 3, 1)


def test_long_term_proxy_allowed_without_expiry():
    d = check_proxy(req(), ON, P, principal_active_agents=0, agent_active_principals=0)
    assert d.allowed and d.expires_on is None


def test_injury_proxy_three_months():
    d = check_proxy(req(ground=ProxyGround.INJURY), ON, P, principal_active_agents=0, agent_active_principals=0)
    assert d.allowed and d.expires_on == dt.date(2024, 6, 1)
    assert d.drug_scope == "所配药品范围不限"


def test_agent_counts_boundaries():
    assert check_proxy(req(), ON, P, principal_active_agents=2, agent_active_principals=2).allowed
    assert not check_proxy(req(), ON, P, principal_active_agents=3, agent_active_principals=0).allowed
    assert not check_proxy(req(), ON, P, principal_active_agents=0, agent_active_principals=3).allowed


def test_agent_must_be_adult():
    minor_birth = id_number("330803", dt.date(2006, 3, 2))  # 18th birthday 2024-03-02
    adult_birth = id_number("330803", dt.date(2006, 3, 1))
    assert age_on(minor_birth, ON) == 17
    assert not check_proxy(
        req(agent_id=minor_birth), ON, P, principal_active_agents=0, agent_active_principals=0
    ).allowed
    assert check_proxy(req(agent_id=adult_birth), ON, P, principal_active_agents=0, agent_active_principals=0).allowed


def test_relationship_and_carer():
    assert not check_proxy(
        req(relationship=Relationship.OTHER), ON, P, principal_active_agents=0, agent_active_principals=0
    ).allowed
    assert not check_proxy(
        req(relationship=Relationship.CARER), ON, P, principal_active_agents=0, agent_active_principals=0
    ).allowed
    ok = check_proxy(
        req(relationship=Relationship.CARER, carer_special_circumstance=True),
        ON,
        P,
        principal_active_agents=0,
        agent_active_principals=0,
    )
    assert ok.allowed


def test_one_change_per_year_except_short_term():
    assert check_proxy(
        req(),
        ON,
        P,
        principal_active_agents=0,
        agent_active_principals=0,
        is_change=True,
        principal_changes_this_year=0,
    ).allowed
    assert not check_proxy(
        req(),
        ON,
        P,
        principal_active_agents=0,
        agent_active_principals=0,
        is_change=True,
        principal_changes_this_year=1,
    ).allowed
    assert check_proxy(
        req(ground=ProxyGround.INJURY),
        ON,
        P,
        principal_active_agents=0,
        agent_active_principals=0,
        is_change=True,
        principal_changes_this_year=3,
    ).allowed


def test_self_as_agent_rejected():
    assert not check_proxy(req(agent_id=PRINCIPAL), ON, P, principal_active_agents=0, agent_active_principals=0).allowed


def test_dispensing_limits():
    assert check_dispensing(DiseaseKind.ACUTE, 7, P).ok
    assert not check_dispensing(DiseaseKind.ACUTE, 8, P).ok
    assert check_dispensing(DiseaseKind.CHRONIC, 15, P).ok
    assert not check_dispensing(DiseaseKind.CHRONIC, 16, P).ok
    assert check_dispensing(DiseaseKind.MANAGED_SPECIAL_CHRONIC, 84, P).ok
    assert not check_dispensing(DiseaseKind.MANAGED_SPECIAL_CHRONIC, 85, P).ok


def test_emergency_card_two_working_days():
    # admitted Fri 2024-09-27; 09-29 (Sun) is a 调休 working day; 09-30 Mon
    assert emergency_card_deadline(dt.date(2024, 9, 27), P, CALENDAR).date == dt.date(2024, 9, 30)
    r = emergency_card_deadline(dt.date(2026, 12, 31), P, CALENDAR)
    # 2027-01-01 元旦 (fixed by date, A-01), 01-02/03 weekend, then Mon 01-04 (1) and Tue 01-05 (2)
    assert r.date == dt.date(2027, 1, 5) and r.provisional


def test_price_above_standard_not_paid():
    s = price_split(Decimal("12.50"), Decimal("10.00"), Decimal("3"))
    assert s.unpaid_excess == Decimal("7.50") and s.payable == Decimal("30.00")
    below = price_split(Decimal("9"), Decimal("10"), Decimal("2"))
    assert below.unpaid_excess == Decimal("0.00") and below.payable == Decimal("18.00")


CONDUCT = params("conduct", dt.date(2023, 3, 1))


def test_an_outage_repaired_at_the_moment_looked_at_is_over() -> None:
    failed = dt.datetime(2023, 6, 1, 8, 0)
    at = failed + dt.timedelta(hours=30)
    assert outage_status(failed, at, CONDUCT, repaired_at=at).status is SettlementStatus.NORMAL


def test_the_48_hour_window_opens_at_the_moment_of_the_request() -> None:
    # "未正常运行超过24小时的…即被自动暂停…可…申请临时开通48小时医保结算服务": requested the moment after the
    # 24 hours, the window is open at the very moment of the request
    failed = dt.datetime(2023, 6, 1, 8, 0)
    requested = failed + dt.timedelta(hours=24, minutes=1)
    status = outage_status(failed, requested, CONDUCT, window_requested_at=requested)
    assert (status.status, status.window_until) == (
        SettlementStatus.TEMPORARY_WINDOW,
        requested + dt.timedelta(hours=48),
    )


def test_a_request_before_the_suspension_opens_no_window() -> None:
    # the window is only for a suspended system: a request at exactly 24 hours (not yet 超过) is not one
    failed = dt.datetime(2023, 6, 1, 8, 0)
    limit = failed + dt.timedelta(hours=24)
    status = outage_status(failed, limit + dt.timedelta(hours=1), CONDUCT, window_requested_at=limit)
    assert (status.status, status.window_until) == (SettlementStatus.SUSPENDED, None)


def test_password_letters_at_the_ends_of_the_alphabet_count() -> None:
    # 附件2 一(一)3 "6位以上大小字母加数字": Z, a and z are letters like any other
    assert check_password("Zabcd1", CONDUCT).ok is True
    assert check_password("ABCDz1", CONDUCT).ok is True
    assert check_password("ABCDa1", CONDUCT).ok is True
    assert check_password("ABcde0", CONDUCT).ok is True  # and 0 and 9 are digits
    assert check_password("ABcde9", CONDUCT).ok is True


def test_the_first_change_of_agent_in_a_year_is_allowed() -> None:
    # 附件2 二(四) "其他委托人一个医保年度内可以变更一次代理人": with no change counted yet, a change is allowed
    request = ProxyRequest(
        principal_id=id_number("330802", dt.date(1950, 1, 1)),
        agent_id=id_number("330802", dt.date(1980, 1, 1)),
        ground=ProxyGround.MOBILITY,
        relationship=Relationship.CLOSE_RELATIVE,
    )
    decision = check_proxy(
        request, dt.date(2024, 3, 1), CONDUCT, principal_active_agents=0, agent_active_principals=0, is_change=True
    )
    assert (decision.allowed, decision.problems) == (True, ())
    # a further agent (not a change of agent) is no change, even after this year's one change
    further = check_proxy(
        request,
        dt.date(2024, 3, 1),
        CONDUCT,
        principal_active_agents=1,
        agent_active_principals=0,
        principal_changes_this_year=1,
    )
    assert further.allowed is True


def test_one_day_of_medicine_is_a_dispensing_and_none_is_not() -> None:
    # 附件2 二(五) "急性病不超过7天量": 1 to 7 days; a dispensing of 0 days is no dispensing
    assert check_dispensing(DiseaseKind.ACUTE, 1, CONDUCT).ok is True
    assert check_dispensing(DiseaseKind.ACUTE, 0, CONDUCT).ok is False


def test_zero_prices_and_quantities_are_valid_and_each_negative_alone_is_refused() -> None:
    # 附件2 二(六) "超额部分经办机构不予支付": a free item, a zero standard (all unpaid), nothing sold are all lines
    assert price_split(Decimal("0"), Decimal("0"), Decimal("1")).payable == Decimal("0.00")
    all_excess = price_split(Decimal("0.5"), Decimal("0"), Decimal("1"))
    assert (all_excess.payable, all_excess.unpaid_excess) == (Decimal("0.00"), Decimal("0.50"))
    assert price_split(Decimal("10"), Decimal("8"), Decimal("0")).payable == Decimal("0.00")
    assert price_split(Decimal("0.5"), Decimal("0.5"), Decimal("0.5")).payable == Decimal("0.25")
    for negative in (("-1", "8", "1"), ("10", "-1", "1"), ("10", "8", "-1")):
        with pytest.raises(ValueError):
            price_split(*map(Decimal, negative))


def test_the_insurance_year_is_the_calendar_year() -> None:
    # reading A-17: the 医保年度 of 代配药 changes runs from 1 January to 31 December
    assert proxy_year_bounds(dt.date(2024, 2, 29), P) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def test_twelve_months_count_a_change_of_the_previous_november() -> None:
    """A-17's other reading (issue 31: a change of agent is a stored command and takes no what-if, so it is tried on
    the book with the switch overridden): a principal changed agent on 2023-11-01 and changes again on 2024-02-10.
    Chosen (calendar year): 2024-01-01…2024-12-31 holds no earlier change, allowed. Other reading (the 12 months up
    to the change): 2023-02-11…2024-02-10 holds the November change, the one change a 医保年度 is used: refused."""
    twelve = in_force("conduct", dt.date(2024, 2, 10), {"conduct.insurance_year": "twelve_months"}).params
    change_on, earlier = dt.date(2024, 2, 10), dt.date(2023, 11, 1)
    for book, allowed in ((P, True), (twelve, False)):
        first, last = proxy_year_bounds(change_on, book)
        counted = 1 if first <= earlier <= last else 0
        decision = check_proxy(
            req(),
            change_on,
            book,
            principal_active_agents=0,
            agent_active_principals=0,
            is_change=True,
            principal_changes_this_year=counted,
        )
        assert decision.allowed is allowed
    assert proxy_year_bounds(change_on, twelve) == (dt.date(2023, 2, 11), dt.date(2024, 2, 10))
