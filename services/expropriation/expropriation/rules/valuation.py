"""附件 结算价格表 (重置价, 成新率, 阁楼/架空层) and the 三(四)2–5 treatment of each declared part."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .freeze import freeze_finding
from .params import CityParams
from .types import Building, BuildingKind, Finding, Land, RuleError, Structure, Use, basis


def replacement_price(city: CityParams, structure: Structure) -> Decimal:
    """附件 结算价格表 重置价: 框混1400、砖混1200、砖木1000、其他700 元/平方米."""
    return city.replacement_prices[structure]


def depreciation(city: CityParams, age_years: int) -> Decimal:
    """附件 说明1: "房屋建成当年为100%，建筑年限在3年（含3年）以内的不计算折旧，超过3年的每年按1%折旧，
    房屋最高折旧率不超过30%（含30%）。"

    Reading (A-01): only the years beyond the third depreciate — age 4 → 1%, age 33 → 30%, capped at 30%.
    ``depreciation_offset_years = 0`` switches to the other reading (age 4 → 4%).
    """
    if age_years < 0:
        raise RuleError("built_year", "建成年份晚于评估日", basis("附件 说明1"))
    if age_years <= city.newness_no_depreciation_years:  # 3年（含3年）以内
        return Decimal("0")
    raw = city.depreciation_rate_per_year * (age_years - city.depreciation_offset_years)
    return min(raw, city.depreciation_cap)  # 不超过30%（含30%）


def newness_rate(city: CityParams, built_year: int, valuation_date: dt.date) -> Decimal:
    """附件 说明1 成新率 = 1 − 折旧率, with the age in whole calendar years (建成当年 = 0)."""
    return Decimal("1") - depreciation(city, valuation_date.year - built_year)


def attic_factor(city: CityParams, eaves_height_m: Decimal) -> Decimal:
    """附件 说明2: "檐口1—1.7米的楼层部分按标准的30%给予补偿，檐口1.7米以上的楼层部分按标准的50%给予补偿".

    Below 1 m ``attic_below_band_factor`` (A-05: nothing, not a floor). Exactly 1.7 m falls in both phrases (以上
    includes the number); the parameter ``attic_boundary_in_high_band`` decides (A-05: 50%).
    """
    if eaves_height_m < city.attic_low_band_from_m:
        return city.attic_below_band_factor
    if eaves_height_m == city.attic_low_band_to_m:
        return city.attic_high_factor if city.attic_boundary_in_high_band else city.attic_low_factor
    if eaves_height_m < city.attic_low_band_to_m:
        return city.attic_low_factor
    return city.attic_high_factor


def stilt_factor(city: CityParams, clear_height_m: Decimal) -> Decimal:
    """附件 说明2: "1.5—2.2米的架空层按标准的50%给予补偿" (both ends included).

    Below 1.5 m ``stilt_below_band_factor`` (A-06: nothing); above 2.2 m ``stilt_above_band_factor`` (A-06: the full
    重置价格 of 三(四)3).
    """
    if clear_height_m < city.stilt_band_from_m:
        return city.stilt_below_band_factor
    if clear_height_m <= city.stilt_band_to_m:
        return city.stilt_factor
    return city.stilt_above_band_factor


class Category(StrEnum):
    RESIDENTIAL = "residential"  # 住宅 main house: legal area, basis of resettlement
    NON_RESIDENTIAL = "non_residential"  # 三(四)2
    ATTIC_OR_STILT = "attic_or_stilt"  # 三(四)3, not a basis
    ANCILLARY = "ancillary"  # 三(四)3, not a basis
    EXCLUDED = "excluded"  # nothing


@dataclass(frozen=True)
class AssessedBuilding:
    index: int
    label: str
    category: Category
    area_m2: Decimal
    price_per_m2: Decimal  # 重置价
    newness: Decimal  # 成新率 at the valuation date
    factor: Decimal  # attic/stilt factor, or 1
    built: bool
    finding: Finding | None  # why excluded, or a frozen work on a part that stays (二(一))


def assess_building(
    city: CityParams, index: int, b: Building, pre_announcement: dt.date, valuation: dt.date
) -> AssessedBuilding:
    """Sort one declared part into the 办法's treatments.

    三(四)1 国有土地 → 按国有土地政策 (flagged, nothing here); 二(一) work from the pre-announcement → 不得予以补偿;
    三(四)4 擅自加层等改(扩)建 / 未拆旧房 → 不予补偿; 三(四)2 非住宅 → 3 × 重置价; 三(四)3 无证阁楼、架空层 and
    附属房 → 补偿, 不作为安置依据; otherwise a residential house counted at its legal area.
    """
    if b.legal_area_m2 < 0:
        raise RuleError(f"buildings[{index}].legal_area_m2", "面积不能为负")
    check_heights(index, b)
    label = b.label or f"buildings[{index}]"
    price = replacement_price(city, b.structure)
    newness = newness_rate(city, b.built_year, valuation)

    def part(category: Category, finding: Finding | None, factor: Decimal = Decimal("1")) -> AssessedBuilding:
        """The part at ``factor`` of its 重置价: the full price but for 阁楼 and 架空层 (附件 说明2)."""
        return AssessedBuilding(index, label, category, b.legal_area_m2, price, newness, factor, b.built, finding)

    def excluded(finding: Finding) -> AssessedBuilding:
        return part(Category.EXCLUDED, finding, Decimal("0"))

    if b.land is Land.STATE:
        reason = "国有土地房屋按衢州市区国有土地房屋征收与补偿政策执行"
        return excluded(Finding(label, "out_of_scope", reason, basis("三(四)1")))
    work_finding: Finding | None = None
    if b.work_kind is not None and b.work_done_on is not None:
        work_finding = freeze_finding(city, label, b.work_kind, b.work_done_on, pre_announcement)
        if work_finding is not None and work_finding.decision == "not_compensated":
            return excluded(work_finding)
    if b.kind is BuildingKind.UNAUTHORISED_EXTENSION:
        reason = "擅自加层等改（扩）建部分不作为安置依据，不予补偿"
        return excluded(Finding(label, "not_compensated", reason, basis("三(四)4")))
    if b.kind is BuildingKind.OLD_HOUSE_NOT_DEMOLISHED:
        reason = "已依法取得宅基地建造新房但未拆除的旧房，不作为安置依据，不予补偿"
        return excluded(Finding(label, "not_compensated", reason, basis("三(四)4")))
    if b.kind is BuildingKind.ATTIC:
        if b.eaves_height_m is None:
            raise RuleError(f"buildings[{index}].eaves_height_m", "阁楼须申报檐口高度", basis("附件 说明2"))
        return part(Category.ATTIC_OR_STILT, work_finding, attic_factor(city, b.eaves_height_m))
    if b.kind is BuildingKind.STILT_FLOOR:
        if b.clear_height_m is None:
            raise RuleError(f"buildings[{index}].clear_height_m", "架空层须申报层高", basis("附件 说明2"))
        return part(Category.ATTIC_OR_STILT, work_finding, stilt_factor(city, b.clear_height_m))
    if b.kind is BuildingKind.ANCILLARY:
        return part(Category.ANCILLARY, work_finding)
    if b.use is Use.NON_RESIDENTIAL:
        return part(Category.NON_RESIDENTIAL, work_finding)
    return part(Category.RESIDENTIAL, work_finding)


def check_heights(index: int, b: Building) -> None:
    """A-32: 说明2 prices floors by eaves height only as 无证阁楼 and by clear height only as 架空层 (三(四)3); a height
    sent for another part would be silently ignored, so it is refused and the part must be declared as what it is."""
    if b.eaves_height_m is not None and b.kind is not BuildingKind.ATTIC:
        raise RuleError(
            f"buildings[{index}].eaves_height_m",
            "檐口高度只用于无证阁楼（附件 说明2）；檐口低矮的楼层部分应申报为阁楼（kind=attic）",
            basis("附件 说明2"),
        )
    if b.clear_height_m is not None and b.kind is not BuildingKind.STILT_FLOOR:
        raise RuleError(
            f"buildings[{index}].clear_height_m",
            "层高只用于无证架空层（附件 说明2）；架空层应申报为 kind=stilt_floor",
            basis("附件 说明2"),
        )
