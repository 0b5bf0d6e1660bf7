"""Who and what a quote is about: the declared parts as 附件, 二(一) and 三(四)1–4 treat them, the 安置人口 (三(一)),
who is entitled (三(二), 三(四)5), the 安置面积 (三(二)) and the methods it leaves open (三(二))."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..fees import signed_in_time
from ..params import CityParams
from ..persons import PersonDecision, ResettlementArea, assess_members, resettlement_area
from ..types import Finding, Method, MethodNotAvailable, NotEntitled, Occupancy, QuoteInput, basis
from ..valuation import AssessedBuilding, Category, assess_building
from .result import ZERO, Lines, figure


@dataclass(frozen=True)
class Household:
    """What every item of a quote reads: the household's parts, persons and 安置面积 as the rules assessed them."""

    buildings: tuple[AssessedBuilding, ...]
    persons: tuple[PersonDecision, ...]
    area: ResettlementArea
    # The legal residential area, 未建部分 included: a basis of 安置 (三(二)) ...
    legal_area_m2: Decimal
    # ... and its built part, on which every amount by the m² is paid (三(三)3(2) 未建部分面积不计价值, A-34) ...
    built_area_m2: Decimal
    # ... and the area paid at the appraised price (货币补偿, the area beyond the 安置面积): the built area, or the
    # legal area under ``unbuilt_area_paid_in_money`` (A-34's other reading).
    area_paid_in_money_m2: Decimal
    # Signed by the deadline and vacated on time (三(二), 三(四)8); an unsigned household is projected as in time.
    on_time: bool

    @property
    def unbuilt_area_m2(self) -> Decimal:
        return self.legal_area_m2 - self.built_area_m2

    @property
    def resettlement_persons(self) -> int:
        return sum(1 for p in self.persons if p.counted)

    def parts(self, category: Category) -> tuple[AssessedBuilding, ...]:
        return tuple(b for b in self.buildings if b.category is category)

    def area_inputs(self) -> dict[str, str]:
        """The area an item paid at the appraised price is paid on, and the unbuilt area it leaves out (A-34), as the
        breakdown shows them."""
        if self.area_paid_in_money_m2 == self.legal_area_m2:
            return {"legal_area_m2": figure(self.legal_area_m2)}
        return {"legal_area_m2": figure(self.built_area_m2)} | self.unbuilt_inputs()

    def unbuilt_inputs(self) -> dict[str, str]:
        """The unbuilt legal area an item paid by the m² leaves out (A-34), when there is one."""
        if self.unbuilt_area_m2 > 0:
            return {"unbuilt_area_not_counted_m2": figure(self.unbuilt_area_m2)}
        return {}


def assess_household(inp: QuoteInput, city: CityParams) -> Household:
    """The parts (附件, 二(一), 三(四)1–4), the persons (三(一)), the entitlement (三(二), 三(四)5) and the 安置面积
    (三(二)) of the household declared in ``inp``."""
    buildings = tuple(
        assess_building(city, i, b, inp.pre_announcement_date, inp.valuation_date) for i, b in enumerate(inp.buildings)
    )
    residential = [b for b in buildings if b.category is Category.RESIDENTIAL]
    legal_area = sum((b.area_m2 for b in residential), ZERO)
    built_area = sum((b.area_m2 for b in residential if b.built), ZERO)
    persons = assess_members(
        city, inp.members, inp.pre_announcement_date, inp.signing_deadline, inp.agreement_signed_on
    )
    check_entitled(inp, persons)
    on_time = signed_in_time(inp.signing_deadline, inp.agreement_signed_on) and inp.vacated_on_time
    counted = sum(1 for p in persons if p.counted)
    area = resettlement_area(city, counted, legal_area, on_time)
    in_money = legal_area if city.unbuilt_area_paid_in_money else built_area
    return Household(buildings, persons, area, legal_area, built_area, in_money, on_time)


def check_entitled(inp: QuoteInput, persons: Iterable[PersonDecision]) -> None:
    """三(二), 三(四)5: who the quote is for (A-33).

    A household with at least one 安置人口 is a 被征收人 household. Without any, the 办法 speaks only of an owner
    ("且拥有被征收住宅房屋所有权的", 三(二)); 承租人、借用人 "不予安置和补偿" (三(四)5). So a household with no
    安置人口 and no owner among its members gets nothing: the compensation belongs to the owner, who must declare.
    """
    if any(p.counted for p in persons) or any(m.is_owner for m in inp.members):
        return
    if all(m.occupancy is not Occupancy.HOUSEHOLD for m in inp.members):
        raise NotEntitled(
            "members",
            "本户申报人员均为承租人或借用人：对承租人或借用人不予安置和补偿，由产权所有人自行处理租借关系",
            basis("三(四)5"),
        )
    raise NotEntitled(
        "members",
        "本户无安置人口，也无人拥有被征收房屋所有权：补偿安置归产权人，须由产权人申报（is_owner）",
        basis("三(二)"),
    )


def check_method_allowed(method: Method, area: ResettlementArea) -> None:
    """三(二): a household with money only ("原则上只享受货币补偿安置", or no 住宅 at all, A-31) cannot take another
    method."""
    if area.money_only and method is not Method.MONETARY:
        raise MethodNotAvailable("method", area.reason, area.basis)


def household_lines(inp: QuoteInput, household: Household) -> Lines:
    """The findings on the declared parts (二(一), 三(四)1, 三(四)4), and while unsigned, the note that the quote
    projects signing and vacating in time (三(二), 三(四)8)."""
    findings: tuple[Finding, ...] = tuple(b.finding for b in household.buildings if b.finding is not None)
    if inp.agreement_signed_on is not None:
        return Lines(findings=findings)
    projection = "尚未签约：按规定期限内签约并按期腾空交付测算（奖励、无安置人口产权人的安置面积以此为前提）"
    return Lines(notes=(projection,), findings=findings)
