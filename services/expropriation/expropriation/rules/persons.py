"""三(一) 安置人口 and 三(二) 安置面积."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .params import CityParams
from .types import CivilServiceExit, Exclusion, Member, Occupancy, RuleError, basis

EXCLUSION_CLAUSES: dict[Exclusion, tuple[str, str]] = {
    Exclusion.AFFILIATED: ("三(一)1(1)", "挂靠在本村的外来人员"),
    Exclusion.CIVIL_SERVANT: (
        "三(一)1(2)",
        "国家机关、事业单位正式录用在编人员（含离退休人员和征收土地预告发布后辞职、辞退人员）",
    ),
    Exclusion.ALREADY_RESETTLED: (
        "三(一)1(3)",
        "已享受过集体土地上房屋征收公寓安置、房票安置、货币安置、迁建安置等政策",
    ),
    Exclusion.HOUSING_REFORM: ("三(一)1(4)", "已享受房改、政府保障性住房（租住的除外）等政策"),
    Exclusion.OTHER_SPECIAL: ("三(一)1(5)", "其他特殊人员"),
}


@dataclass(frozen=True)
class PersonDecision:
    name: str
    id_number: str
    counted: bool
    reason: str
    basis: str


def assess_member(
    city: CityParams,
    m: Member,
    pre_announcement_date: dt.date,
    signing_deadline: dt.date,
    agreement_signed_on: dt.date | None,
) -> PersonDecision:
    """Whether one declared person is an 安置人口, and why.

    三(一)1: "安置人口以本村集体经济组织成员为主要依据 … 有下列情形之一的，不列入安置人口" (five cases).
    三(一)2: "自征收土地预告之日起至规定的签订房屋拆迁补偿安置协议截止之日前出生的人口应作为安置人员。在此期间死亡的
    人口，若在协议签订后死亡的，应计入安置人口；若死亡时尚未签订协议的，不计入安置人口。"
    三(一)3: "父母原则上随一名本村集体经济组织成员子女安置。"
    三(四)5: "对承租人或借用人不予安置和补偿".

    Three days fall on a boundary the text leaves open, each decided by a reading parameter: leaving the civil
    service on the pre-announcement day (A-03), a birth on the deadline day (A-08), a death on the signing day (A-09).
    """

    def no(reason: str, clause: str) -> PersonDecision:
        return PersonDecision(m.name, m.id_number, False, reason, basis(clause))

    if m.occupancy is not Occupancy.HOUSEHOLD:
        return no("承租人或借用人不予安置和补偿", "三(四)5")
    if m.born_on is not None and after_window(city, m.born_on, signing_deadline):
        return no(f"出生于{m.born_on}，不在签订协议截止之日（{signing_deadline}）前", "三(一)2")
    if m.died_on is not None:
        if m.died_on < pre_announcement_date:
            return no(f"死亡于{m.died_on}，在征收土地预告之前", "三(一)2")
        if not after_window(city, m.died_on, signing_deadline) and not died_after_signing(
            city, m.died_on, agreement_signed_on
        ):
            return no(f"死亡于{m.died_on}，死亡时尚未签订协议", "三(一)2")
    born_in_window = m.born_on is not None and m.born_on >= pre_announcement_date
    if not m.collective_member and not (born_in_window and city.window_birth_counts_without_membership):
        # a birth in the window is counted as a member of the village (三(一)1), unless the other reading is on
        return no("非本村集体经济组织成员", "三(一)1")
    if m.exclusion is not None:
        clause, text = EXCLUSION_CLAUSES[m.exclusion]
        if m.exclusion is Exclusion.CIVIL_SERVANT and m.civil_service_exit in (
            CivilServiceExit.RESIGNED,
            CivilServiceExit.DISMISSED,
        ):
            left_on = m.civil_service_left_on
            if left_on is None:
                raise RuleError("civil_service_left_on", "辞职、辞退人员须填写离开编制的日期", basis(clause))
            if left_after_pre_announcement(city, left_on, pre_announcement_date):
                how = "辞职" if m.civil_service_exit is CivilServiceExit.RESIGNED else "被辞退"
                return no(f"{text}：于{left_on}{how}，在征收土地预告发布后", clause)
            # resigned or dismissed before the pre-announcement → no longer 在编, not excluded
        elif m.exclusion is Exclusion.HOUSING_REFORM and m.housing_reform_rented_only:
            pass  # 租住的除外
        else:
            return no(text, clause)
    if m.counted_in_other_household:
        return no("父母随一名本村集体经济组织成员子女安置，已在另一户计入", "三(一)3")
    if m.born_on is not None and born_in_window:
        when = "协议截止之日当天" if m.born_on == signing_deadline else "征收土地预告后、协议截止之日前"
        return PersonDecision(m.name, m.id_number, True, f"{when}出生（{m.born_on}）", basis("三(一)2"))
    if m.died_on is not None and not after_window(city, m.died_on, signing_deadline):
        return PersonDecision(
            m.name, m.id_number, True, f"协议签订后死亡（{m.died_on}），计入安置人口", basis("三(一)2")
        )
    return PersonDecision(m.name, m.id_number, True, "本村集体经济组织成员", basis("三(一)1"))


def left_after_pre_announcement(city: CityParams, left_on: dt.date, pre_announcement_date: dt.date) -> bool:
    """三(一)1(2) "征收土地预告发布后辞职、辞退人员": A-03 reads "后" as 自…之日起 (as 二(一) counts the freeze), so
    leaving on the day itself excludes; ``left_on_pre_announcement_day_excluded = false`` starts from the next day."""
    if city.left_on_pre_announcement_day_excluded:
        return left_on >= pre_announcement_date
    return left_on > pre_announcement_date


def after_window(city: CityParams, day: dt.date, signing_deadline: dt.date) -> bool:
    """Whether ``day`` is past 三(一)2's window "自征收土地预告之日起至规定的签订房屋拆迁补偿安置协议截止之日前" (for
    births, and deaths "在此期间"): A-08 reads "之日前" as excluding the deadline day; ``deadline_day_in_window = true``
    keeps the day in the window."""
    if city.deadline_day_in_window:
        return day > signing_deadline
    return day >= signing_deadline


def died_after_signing(city: CityParams, died_on: dt.date, agreement_signed_on: dt.date | None) -> bool:
    """三(一)2 "若在协议签订后死亡的，应计入安置人口；若死亡时尚未签订协议的，不计入": A-09 reads a death on the
    signing day as after signing (the person was alive to sign; the day is not split);
    ``death_on_signing_day_counts = false`` reads it as a death before the agreement."""
    if agreement_signed_on is None:
        return False
    if city.death_on_signing_day_counts:
        return died_on >= agreement_signed_on
    return died_on > agreement_signed_on


def assess_members(
    city: CityParams,
    members: Sequence[Member],
    pre_announcement_date: dt.date,
    signing_deadline: dt.date,
    agreement_signed_on: dt.date | None,
) -> tuple[PersonDecision, ...]:
    """三(一) for every member; a person (by 身份证号) declared twice in one household counts once."""
    seen: set[str] = set()
    out: list[PersonDecision] = []
    for i, m in enumerate(members):
        try:
            d = assess_member(city, m, pre_announcement_date, signing_deadline, agreement_signed_on)
        except RuleError as e:
            raise RuleError(f"members[{i}].{e.field}", e.message, e.basis) from None
        if d.counted and m.id_number in seen:
            d = PersonDecision(m.name, m.id_number, False, "同一人在本户重复申报", basis("三(一)3"))
        if d.counted:
            seen.add(m.id_number)
        out.append(d)
    return tuple(out)


def keeping_order(households: Iterable[tuple[int, Sequence[str]]], kept_by: str) -> list[tuple[int, Sequence[str]]]:
    """三(一)3 "父母原则上随一名本村集体经济组织成员子女安置" (A-22, A-27): the order in which a project's
    households, each with the 身份证号 it lists, are offered a person listed in several, when the family designates
    none.

    ``first_registered`` (the chosen reading): the household registered first (the lowest id). ``most_persons``: the
    household listing the most persons (the shared person among them), ties to the one registered first."""
    if kept_by == "most_persons":
        return sorted(households, key=lambda household: (-len(household[1]), household[0]))
    return sorted(households, key=lambda household: household[0])


def assign_parents_across_households(
    households: Iterable[tuple[str, Sequence[Member]]], chosen: dict[str, str] | None = None
) -> dict[str, str]:
    """三(一)3 across a project: "父母原则上随一名本村集体经济组织成员子女安置".

    Given (household_id, members) for every household of one project, returns for each 身份证号 that appears
    in more than one household the single household in which the person counts. ``chosen`` maps a 身份证号 to
    the household the family designated; otherwise the first household (in the given order) keeps the person.
    Every other household must set ``counted_in_other_household`` for that person.
    """
    chosen = chosen or {}
    where: dict[str, list[str]] = {}
    for household_id, members in households:
        for m in members:
            ids = where.setdefault(m.id_number, [])
            if household_id not in ids:
                ids.append(household_id)
    out: dict[str, str] = {}
    for id_number, hh in where.items():
        if len(hh) > 1:
            pick = chosen.get(id_number)
            out[id_number] = pick if pick in hh and pick is not None else hh[0]
    return out


@dataclass(frozen=True)
class ResettlementArea:
    area_m2: Decimal
    money_only: bool  # 原则上只享受货币补偿安置
    reason: str
    basis: str


def resettlement_area(
    city: CityParams, persons: int, legal_residential_area_m2: Decimal, signed_and_vacated_on_time: bool
) -> ResettlementArea:
    """三(二) 安置面积.

    "征收住宅房屋的安置面积，以一户一人110平方米（建筑面积）为保障，每增加一个安置人口按每人50平方米（建筑面积）增加
    安置面积。"
    "被征收人为非本村集体经济组织成员（或属于不列入安置人口的情形），且拥有被征收住宅房屋所有权的，原则上只享受货币
    补偿安置。其中在规定期限内签约，且按期腾空交付房屋的，可按被征收住宅房屋合法建筑面积，给予不高于110平方米的安置面积。"

    Only a household whose 住宅 is expropriated has an 安置面积: with no legal residential area (only
    non-residential, attic, ancillary or excluded parts) there is none, and money only (A-31). A household with no
    安置人口 is quoted only when one of its members owns the house (the quote checks it, A-11, A-33).
    """
    clause = basis("三(二)")
    if legal_residential_area_m2 <= 0:
        return ResettlementArea(
            Decimal("0"), True, "无被征收住宅房屋合法建筑面积：安置面积只适用于征收住宅房屋，只享受货币补偿", clause
        )
    if persons >= 1:
        area = city.base_area_m2 + city.area_per_additional_person_m2 * (persons - 1)
        return ResettlementArea(area, False, f"{persons}个安置人口：110 + 50 × {persons - 1}", clause)
    if signed_and_vacated_on_time:
        area = min(legal_residential_area_m2, city.non_member_owner_area_cap_m2)
        return ResettlementArea(
            area,
            False,
            "无安置人口的产权人，规定期限内签约并按期腾空交付：按合法建筑面积，不高于110平方米",
            clause,
        )
    return ResettlementArea(Decimal("0"), True, "无安置人口的产权人，原则上只享受货币补偿安置", clause)
