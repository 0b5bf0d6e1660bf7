"""三(一) 安置人口 and 三(二) 安置面积."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from expropriation.rules.params import CityParams
from expropriation.rules.persons import (
    assess_member,
    assess_members,
    assign_parents_across_households,
    resettlement_area,
)
from expropriation.rules.types import CivilServiceExit, Exclusion, Member, Occupancy

PRE = dt.date(2023, 6, 1)
DEADLINE = dt.date(2023, 9, 30)
SIGNED = dt.date(2023, 8, 15)

MakeMember = Callable[..., Member]


def test_collective_member_counts(city: CityParams, member: MakeMember) -> None:
    d = assess_member(city, member(), PRE, DEADLINE, SIGNED)
    assert d.counted is True
    assert d.basis == "衢政发〔2023〕2号 三(一)1"


def test_non_member_not_counted(city: CityParams, member: MakeMember) -> None:
    d = assess_member(city, member(collective_member=False), PRE, DEADLINE, SIGNED)
    assert d.counted is False
    assert "非本村集体经济组织成员" in d.reason


@pytest.mark.parametrize(
    ("exclusion", "clause"),
    [
        (Exclusion.AFFILIATED, "三(一)1(1)"),
        (Exclusion.CIVIL_SERVANT, "三(一)1(2)"),
        (Exclusion.ALREADY_RESETTLED, "三(一)1(3)"),
        (Exclusion.HOUSING_REFORM, "三(一)1(4)"),
        (Exclusion.OTHER_SPECIAL, "三(一)1(5)"),
    ],
)
def test_each_exclusion_with_its_clause(
    city: CityParams, member: MakeMember, exclusion: Exclusion, clause: str
) -> None:
    d = assess_member(city, member(exclusion=exclusion), PRE, DEADLINE, SIGNED)
    assert d.counted is False
    assert d.basis == f"衢政发〔2023〕2号 {clause}"


def test_civil_servant_resigned_after_pre_announcement_still_excluded(city: CityParams, member: MakeMember) -> None:
    d = assess_member(
        city,
        member(
            exclusion=Exclusion.CIVIL_SERVANT,
            civil_service_exit=CivilServiceExit.RESIGNED,
            civil_service_left_on=PRE + dt.timedelta(days=1),
        ),
        PRE,
        DEADLINE,
        SIGNED,
    )
    assert d.counted is False


def test_civil_servant_resigned_on_pre_announcement_day_excluded(city: CityParams, member: MakeMember) -> None:
    d = assess_member(
        city,
        member(
            exclusion=Exclusion.CIVIL_SERVANT, civil_service_exit=CivilServiceExit.RESIGNED, civil_service_left_on=PRE
        ),
        PRE,
        DEADLINE,
        SIGNED,
    )
    assert d.counted is False


def test_civil_servant_resigned_day_before_pre_announcement_counts(city: CityParams, member: MakeMember) -> None:
    d = assess_member(
        city,
        member(
            exclusion=Exclusion.CIVIL_SERVANT,
            civil_service_exit=CivilServiceExit.RESIGNED,
            civil_service_left_on=PRE - dt.timedelta(days=1),
        ),
        PRE,
        DEADLINE,
        SIGNED,
    )
    assert d.counted is True


def civil(member: MakeMember, exit_: CivilServiceExit | None, left_on: dt.date | None) -> Member:
    return member(exclusion=Exclusion.CIVIL_SERVANT, civil_service_exit=exit_, civil_service_left_on=left_on)


def test_retired_official_excluded_whenever_retired(city: CityParams, member: MakeMember) -> None:
    # "含离退休人员": a retirement years before the pre-announcement still excludes
    d = assess_member(city, civil(member, CivilServiceExit.RETIRED, dt.date(2010, 1, 1)), PRE, DEADLINE, SIGNED)
    assert d.counted is False
    assert d.basis == "衢政发〔2023〕2号 三(一)1(2)"


def test_retired_official_without_date_excluded(city: CityParams, member: MakeMember) -> None:
    assert assess_member(city, civil(member, CivilServiceExit.RETIRED, None), PRE, DEADLINE, SIGNED).counted is False


@pytest.mark.parametrize(
    ("exit_", "left_on", "counted"),
    [
        (CivilServiceExit.RESIGNED, PRE - dt.timedelta(days=1), True),
        (CivilServiceExit.RESIGNED, PRE, False),
        (CivilServiceExit.DISMISSED, PRE - dt.timedelta(days=1), True),
        (CivilServiceExit.DISMISSED, PRE, False),
    ],
)
def test_resigned_or_dismissed_excluded_from_the_pre_announcement_day(
    city: CityParams, member: MakeMember, exit_: CivilServiceExit, left_on: dt.date, counted: bool
) -> None:
    # "征收土地预告发布后辞职、辞退人员": from the pre-announcement day on
    assert assess_member(city, civil(member, exit_, left_on), PRE, DEADLINE, SIGNED).counted is counted


def test_serving_official_excluded(city: CityParams, member: MakeMember) -> None:
    assert assess_member(city, civil(member, None, None), PRE, DEADLINE, SIGNED).counted is False


def test_housing_reform_renter_is_not_excluded(city: CityParams, member: MakeMember) -> None:
    d = assess_member(
        city, member(exclusion=Exclusion.HOUSING_REFORM, housing_reform_rented_only=True), PRE, DEADLINE, SIGNED
    )
    assert d.counted is True


@pytest.mark.parametrize("occupancy", [Occupancy.TENANT, Occupancy.BORROWER])
def test_tenants_and_borrowers_get_nothing(city: CityParams, member: MakeMember, occupancy: Occupancy) -> None:
    d = assess_member(city, member(occupancy=occupancy), PRE, DEADLINE, SIGNED)
    assert d.counted is False
    assert d.basis == "衢政发〔2023〕2号 三(四)5"


def test_birth_on_pre_announcement_day_counts(city: CityParams, member: MakeMember) -> None:
    d = assess_member(city, member(born=PRE), PRE, DEADLINE, SIGNED)
    assert d.counted is True
    assert d.basis == "衢政发〔2023〕2号 三(一)2"


def test_birth_day_before_deadline_counts(city: CityParams, member: MakeMember) -> None:
    assert assess_member(city, member(born=DEADLINE - dt.timedelta(days=1)), PRE, DEADLINE, SIGNED).counted is True


def test_birth_on_deadline_day_does_not_count(city: CityParams, member: MakeMember) -> None:
    d = assess_member(city, member(born=DEADLINE), PRE, DEADLINE, SIGNED)
    assert d.counted is False
    assert d.basis == "衢政发〔2023〕2号 三(一)2"


def test_birth_after_deadline_does_not_count(city: CityParams, member: MakeMember) -> None:
    assert assess_member(city, member(born=DEADLINE + dt.timedelta(days=1)), PRE, DEADLINE, SIGNED).counted is False


def test_death_after_signing_counts(city: CityParams, member: MakeMember) -> None:
    d = assess_member(city, member(died_on=SIGNED + dt.timedelta(days=1)), PRE, DEADLINE, SIGNED)
    assert d.counted is True
    assert "协议签订后死亡" in d.reason


def test_death_on_signing_day_counts(city: CityParams, member: MakeMember) -> None:
    assert assess_member(city, member(died_on=SIGNED), PRE, DEADLINE, SIGNED).counted is True


def test_death_day_before_signing_does_not_count(city: CityParams, member: MakeMember) -> None:
    d = assess_member(city, member(died_on=SIGNED - dt.timedelta(days=1)), PRE, DEADLINE, SIGNED)
    assert d.counted is False
    assert "尚未签订协议" in d.reason


def test_death_in_window_unsigned_does_not_count(city: CityParams, member: MakeMember) -> None:
    assert assess_member(city, member(died_on=PRE + dt.timedelta(days=5)), PRE, DEADLINE, None).counted is False


def test_death_before_pre_announcement_does_not_count(city: CityParams, member: MakeMember) -> None:
    assert assess_member(city, member(died_on=PRE - dt.timedelta(days=1)), PRE, DEADLINE, SIGNED).counted is False


def test_death_on_deadline_unsigned_person_alive_through_window_counts(city: CityParams, member: MakeMember) -> None:
    # the window is 预告 … 截止之日前; a death on the deadline day is outside it
    assert assess_member(city, member(died_on=DEADLINE), PRE, DEADLINE, None).counted is True


def test_death_day_before_deadline_unsigned_does_not_count(city: CityParams, member: MakeMember) -> None:
    assert assess_member(city, member(died_on=DEADLINE - dt.timedelta(days=1)), PRE, DEADLINE, None).counted is False


def test_death_on_the_pre_announcement_day_after_signing_counts(city: CityParams, member: MakeMember) -> None:
    # "自征收土地预告之日起…在此期间死亡的人口，若在协议签订后死亡的，应计入安置人口": 自…之日起 includes the
    # pre-announcement day; the agreement was signed that morning (A-09: a death on the signing day is after it)
    d = assess_member(city, member(died_on=PRE), PRE, DEADLINE, PRE)
    assert d.counted is True
    assert d.basis == "衢政发〔2023〕2号 三(一)2"


def test_death_the_day_before_the_pre_announcement_is_outside_the_window(city: CityParams, member: MakeMember) -> None:
    d = assess_member(city, member(died_on=PRE - dt.timedelta(days=1)), PRE, DEADLINE, PRE - dt.timedelta(days=5))
    assert d.counted is False
    assert "征收土地预告之前" in d.reason


def test_death_on_the_deadline_day_is_outside_the_window_but_still_a_member(
    city: CityParams, member: MakeMember
) -> None:
    # "截止之日前" excludes the deadline day: a member who died on it (after signing) is counted as an ordinary
    # 集体经济组织成员 under 三(一)1, not under the 三(一)2 window
    d = assess_member(city, member(died_on=DEADLINE), PRE, DEADLINE, SIGNED)
    assert d.counted is True
    assert d.basis == "衢政发〔2023〕2号 三(一)1"


def test_parent_counted_elsewhere_excluded(city: CityParams, member: MakeMember) -> None:
    d = assess_member(city, member(counted_in_other_household=True), PRE, DEADLINE, SIGNED)
    assert d.counted is False
    assert d.basis == "衢政发〔2023〕2号 三(一)3"


def test_same_person_twice_in_household_counts_once(city: CityParams, member: MakeMember) -> None:
    m = member()
    ds = assess_members(city, [m, m], PRE, DEADLINE, SIGNED)
    assert [d.counted for d in ds] == [True, False]


def test_parents_assigned_to_one_household_only(member: MakeMember) -> None:
    father, child_a, child_b = member("父"), member("子甲"), member("子乙")
    out = assign_parents_across_households([("h1", [child_a, father]), ("h2", [child_b, father])])
    assert out == {father.id_number: "h1"}
    chosen = assign_parents_across_households(
        [("h1", [child_a, father]), ("h2", [child_b, father])], {father.id_number: "h2"}
    )
    assert chosen == {father.id_number: "h2"}


def test_parent_designated_to_a_household_without_them_stays_with_the_first(member: MakeMember) -> None:
    # 三(一)3: the family can only designate a household the parent is declared in
    child_a, child_b, father = member("甲"), member("乙"), member("父", born=dt.date(1950, 1, 1))
    households = [("h1", [child_a, father]), ("h2", [child_b, father])]
    assert assign_parents_across_households(households, {father.id_number: "h9"}) == {father.id_number: "h1"}


def test_area_one_person(city: CityParams) -> None:
    assert resettlement_area(city, 1, Decimal("200"), True).area_m2 == Decimal("110")


@pytest.mark.parametrize(("persons", "area"), [(2, "160"), (3, "210"), (5, "310")])
def test_area_each_further_person_50(city: CityParams, persons: int, area: str) -> None:
    r = resettlement_area(city, persons, Decimal("80"), False)
    assert r.area_m2 == Decimal(area)
    assert r.basis == "衢政发〔2023〕2号 三(二)"


def test_area_owner_without_persons_on_time_legal_area_up_to_110(city: CityParams) -> None:
    assert resettlement_area(city, 0, Decimal("90"), True).area_m2 == Decimal("90")
    assert resettlement_area(city, 0, Decimal("110"), True).area_m2 == Decimal("110")
    assert resettlement_area(city, 0, Decimal("110.01"), True).area_m2 == Decimal("110")


def test_area_owner_without_persons_late_money_only(city: CityParams) -> None:
    r = resettlement_area(city, 0, Decimal("90"), False)
    assert r.area_m2 == 0
    assert r.money_only is True


def test_one_person_area_is_110_whatever_the_house(city: CityParams) -> None:
    # 三(二) "以一户一人110平方米为保障": one 安置人口 with a 60 m² house → 110, not min(60, 110), signed in time or
    # not (signing matters only to an owner without 安置人口); no 安置人口 (an owner) with the same house → its 60
    assert resettlement_area(city, 1, Decimal("60"), True).area_m2 == Decimal("110")
    late = resettlement_area(city, 1, Decimal("60"), False)
    assert (late.area_m2, late.money_only) == (Decimal("110"), False)
    assert resettlement_area(city, 0, Decimal("60"), True).area_m2 == Decimal("60")


def test_households_with_persons_are_not_money_only(city: CityParams) -> None:
    assert resettlement_area(city, 2, Decimal("80"), False).money_only is False


def test_owner_without_persons_signing_on_time_is_not_money_only(city: CityParams) -> None:
    # "其中在规定期限内签约，且按期腾空交付房屋的，可…给予不高于110平方米的安置面积": resettled, not money only
    r = resettlement_area(city, 0, Decimal("90"), True)
    assert (r.area_m2, r.money_only) == (Decimal("90"), False)
