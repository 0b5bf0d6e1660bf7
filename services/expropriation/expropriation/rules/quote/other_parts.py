"""What a quote pays alike under every 安置方式, beside the residential house: 非住宅 (三(四)2), 无证阁楼、架空层 and
附属房 (三(四)3 with 附件 说明2), and the appraised 装修、其他附属物（构筑物）、临时建筑 (三(四)3 second paragraph)."""

from __future__ import annotations

from decimal import Decimal

from ..freeze import is_frozen_work
from ..params import CityParams
from ..types import AppraisedKind, Finding, QuoteInput, basis
from ..valuation import AssessedBuilding, Category
from .house_value import value_with_newness
from .household import Household
from .result import ONE, ZERO, Lines, figure, item

APPRAISED_NAMES = {
    AppraisedKind.DECORATION: "装修",
    AppraisedKind.ATTACHMENT: "其他附属物（构筑物）",
    AppraisedKind.TEMPORARY_BUILDING: "临时建筑",
}
STATE_LAND_STANDARD = (
    "补偿标准参照衢州市区国有土地上房屋征收补偿相关标准执行（该标准不在本办法内），金额为评估机构按该标准评估的数额"
)


def other_parts(inp: QuoteInput, city: CityParams, household: Household) -> Lines:
    """Every part of the household that is not its residential house, in the order of 三(四)2–3."""
    return (
        non_residential_compensation(city, household)
        + attic_stilt_compensation(household)
        + ancillary_compensation(city, household)
        + appraised_compensation(inp)
    )


def non_residential_compensation(city: CityParams, household: Household) -> Lines:
    """三(四)2: "征收集体土地非住宅房屋，原则上按征收时重置价格的3倍给予货币补偿" (without 成新率, A-07); its fees and
    rewards follow the state-land standards, not in the 办法 (a note)."""
    parts = household.parts(Category.NON_RESIDENTIAL)
    if not parts:
        return Lines()
    total, lines = ZERO, []
    for b in parts:
        if not b.built:
            lines.append(f"{b.label}: {figure(b.area_m2)}m² 未建，不计价值")
            continue
        newness = b.newness if city.non_residential_applies_newness else ONE
        total += b.area_m2 * b.price_per_m2 * city.non_residential_multiplier * newness
        lines.append(
            f"{b.label}: {figure(b.area_m2)}m² × {figure(b.price_per_m2)} × {figure(city.non_residential_multiplier)}"
        )
    note = "非住宅的临时安置费、搬迁费、停产停业损失及签约腾空奖励参照国有土地上房屋征收补偿标准执行，未计入（三(四)2）"
    return Lines(
        items=(item("non_residential_compensation", total, "三(四)2", {"parts": "; ".join(lines)}),), notes=(note,)
    )


def attic_stilt_compensation(household: Household) -> Lines:
    """三(四)3: "无证的阁楼、架空层不作为安置依据，由征收人按重置价格给予补偿", at the share of 附件 说明2 for the
    eaves or clear height (A-05, A-06)."""
    parts = household.parts(Category.ATTIC_OR_STILT)
    if not parts:
        return Lines()
    total = sum((b.area_m2 * b.price_per_m2 * b.factor for b in parts if b.built), ZERO)
    lines = [
        f"{b.label}: {figure(b.area_m2)}m² × {figure(b.price_per_m2)} × {figure(b.factor)}"
        if b.built
        else f"{b.label}: {figure(b.area_m2)}m² 未建，不计价值"
        for b in parts
    ]
    return Lines(items=(item("attic_stilt_compensation", total, "三(四)3; 附件 说明2", {"parts": "; ".join(lines)}),))


def ancillary_compensation(city: CityParams, household: Household) -> Lines:
    """三(四)3: "附属仓房、牛棚、猪舍、室外厕所、门斗等附属房不作为安置依据，由征收人给予相应补偿" — at 重置价 × 成新率
    (A-18), or at 重置价 alone under ``ancillary_applies_newness = false``."""
    parts = household.parts(Category.ANCILLARY)
    if not parts:
        return Lines()
    total, lines = value_with_newness(parts) if city.ancillary_applies_newness else value_at_replacement_price(parts)
    return Lines(items=(item("ancillary_compensation", total, "三(四)3; 附件", {"parts": "; ".join(lines)}),))


def value_at_replacement_price(parts: tuple[AssessedBuilding, ...]) -> tuple[Decimal, list[str]]:
    """Σ area × 重置价 over built parts (三(三)3(2) 未建部分面积不计价值), without 成新率, and each part's breakdown."""
    total, lines = ZERO, []
    for b in parts:
        if not b.built:
            lines.append(f"{b.label}: {figure(b.area_m2)}m² 未建，不计价值")
            continue
        total += b.area_m2 * b.price_per_m2
        lines.append(f"{b.label}: {figure(b.area_m2)}m² × {figure(b.price_per_m2)}（不计成新率）")
    return total, lines


def appraised_compensation(inp: QuoteInput) -> Lines:
    """三(四)3 second paragraph: "被征收房屋装修、其他附属物（构筑物）、临时建筑等补偿标准参照衢州市区国有土地上房屋征收
    补偿相关标准执行" — that standard is not in the 办法, so the appraiser's amount is taken as given (A-35), one item
    per kind. What was made or fitted from the pre-announcement on is not compensated (二(一)1 新建构筑物, 二(一)2
    突击装修)."""
    lines = Lines()
    for kind in AppraisedKind:
        total, parts = ZERO, []
        for a in (a for a in inp.appraised_items if a.kind is kind):
            if a.made_on is not None and is_frozen_work(a.made_on, inp.pre_announcement_date):
                clause = "二(一)2" if kind is AppraisedKind.DECORATION else "二(一)1"
                announced = inp.pre_announcement_date
                reason = f"{APPRAISED_NAMES[kind]}于{a.made_on}，在征收土地预公告（{announced}）之后，不得予以补偿"
                lines += Lines(findings=(Finding(a.label, "not_compensated", reason, basis(clause)),))
                continue
            total += a.amount
            parts.append(f"{a.label}: {figure(a.amount)}")
        if parts:
            inputs = {"parts": "; ".join(parts), "standard": STATE_LAND_STANDARD, "amount_source": "appraiser"}
            lines += Lines(items=(item(f"{kind.value}_compensation", total, "三(四)3", inputs),))
    if lines.items:
        lines += Lines(notes=(f"装修、其他附属物（构筑物）、临时建筑：{STATE_LAND_STANDARD}（三(四)3）",))
    return lines
