"""Typed inputs and outputs of the 衢政发〔2023〕2号 rules.

The input dataclasses map one to one onto the request of
``POST /api/expropriation/v1/quotes`` (issue 3, "Public contract"): every field
of :class:`QuoteInput`, :class:`Member` and :class:`Building` is a request field
of the same name. Pure data: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from qz_common.citation import Citation

DOCUMENT = "衢政发〔2023〕2号"


def basis(clause: str) -> str:
    """The citation of a clause of 衢政发〔2023〕2号, e.g. ``basis("三(四)6")``."""
    return str(Citation(DOCUMENT, clause))


class RuleError(ValueError):
    """An input the rules refuse; ``field`` names the request field at fault (→ HTTP 422)."""

    def __init__(self, field: str, message: str, basis: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.basis = basis


class OutOfScope(RuleError):
    """一(一): only collective land in 柯城区 and 衢江区."""


class OldRulesApply(RuleError):
    """五(二): expropriations begun before 2023-03-01 follow the former rules."""


class MethodNotAvailable(RuleError):
    """The chosen 安置方式 is not open to this household."""


class NotEntitled(RuleError):
    """The declared household is not the 被征收人 of the house (三(二), 三(四)5): nothing is quoted for it."""


class District(StrEnum):
    KECHENG = "柯城区"
    QUJIANG = "衢江区"


class Method(StrEnum):
    MONETARY = "monetary"  # 货币补偿安置 三(三)1
    HOUSE_VOUCHER = "house_voucher"  # "房票"安置 三(三)2
    PROPERTY_SWAP = "property_swap"  # 产权调换安置 三(三)3
    HOMESTEAD = "homestead"  # 宅基地安置 三(三)4


class Structure(StrEnum):
    FRAME = "frame"  # 框混结构
    BRICK_CONCRETE = "brick_concrete"  # 砖混结构
    BRICK_WOOD = "brick_wood"  # 砖木结构
    OTHER = "other"  # 其他结构


class Use(StrEnum):
    RESIDENTIAL = "residential"
    NON_RESIDENTIAL = "non_residential"


class BuildingKind(StrEnum):
    MAIN = "main"  # the house itself (合法建筑面积)
    ATTIC = "attic"  # 无证阁楼 三(四)3 + 附件说明2
    STILT_FLOOR = "stilt_floor"  # 无证架空层 三(四)3 + 附件说明2
    ANCILLARY = "ancillary"  # 附属仓房、牛棚、猪舍、室外厕所、门斗 三(四)3
    UNAUTHORISED_EXTENSION = "unauthorised_extension"  # 擅自加层等改(扩)建 三(四)4
    OLD_HOUSE_NOT_DEMOLISHED = "old_house_not_demolished"  # 已取得宅基地建新房未拆旧房 三(四)4


class Land(StrEnum):
    COLLECTIVE = "collective"
    STATE = "state"  # 国有土地: 三(四)1, out of scope


class Exclusion(StrEnum):
    """三(一)1 不列入安置人口的情形."""

    AFFILIATED = "affiliated"  # (1) 挂靠在本村的外来人员
    CIVIL_SERVANT = "civil_servant"  # (2) 国家机关、事业单位正式录用在编人员
    ALREADY_RESETTLED = "already_resettled"  # (3) 已享受过公寓/房票/货币/迁建安置
    HOUSING_REFORM = "housing_reform"  # (4) 已享受房改、政府保障性住房（租住的除外）
    OTHER_SPECIAL = "other_special"  # (5) 其他特殊人员 (district-defined)


class CivilServiceExit(StrEnum):
    """三(一)1(2) "含离退休人员和征收土地预告发布后辞职、辞退人员": how an 在编人员 left."""

    RETIRED = "retired"  # 离退休: excluded whenever they retired
    RESIGNED = "resigned"  # 辞职: excluded when on/after the pre-announcement
    DISMISSED = "dismissed"  # 辞退: excluded when on/after the pre-announcement


class Occupancy(StrEnum):
    HOUSEHOLD = "household"
    TENANT = "tenant"  # 承租人 三(四)5
    BORROWER = "borrower"  # 借用人 三(四)5


class WorkKind(StrEnum):
    """二(一) acts forbidden from the 征收土地预公告."""

    NEW_BUILD = "new_build"  # 新建
    RECONSTRUCTION = "reconstruction"  # 改建
    EXTENSION = "extension"  # 扩建
    SUDDEN_DECORATION = "sudden_decoration"  # 突击装修
    START_APPROVED_BUILD = "start_approved_build"  # 已批未开工而开工
    OTHER_IMPROPER = "other_improper"  # 其他不当增加补偿费用的行为


class FlatType(StrEnum):
    MULTI_STOREY = "multi_storey"  # 多层公寓: 24 个月内安置完毕
    HIGH_RISE = "high_rise"  # 高层公寓: 36 个月内安置完毕


@dataclass(frozen=True)
class Member:
    """A person declared in the household (二(二) 户籍、家庭常住人口)."""

    name: str
    id_number: str
    collective_member: bool
    exclusion: Exclusion | None = None
    born_on: dt.date | None = None
    died_on: dt.date | None = None
    is_owner: bool = False
    occupancy: Occupancy = Occupancy.HOUSEHOLD
    # 三(一)1(2): for civil_servant, how (离退休 / 辞职 / 辞退) and when the person left the 编制, if they did.
    civil_service_exit: CivilServiceExit | None = None
    civil_service_left_on: dt.date | None = None
    # 三(一)1(4) "租住的除外": the housing_reform exclusion does not apply to renters of 保障房.
    housing_reform_rented_only: bool = False
    # 三(一)3: set when this person (a parent) is already counted with another child's household.
    counted_in_other_household: bool = False


@dataclass(frozen=True)
class Building:
    """One declared building or part of one (二(二) 被征收房屋及其附属物)."""

    use: Use
    structure: Structure
    legal_area_m2: Decimal
    built_year: int
    kind: BuildingKind = BuildingKind.MAIN
    land: Land = Land.COLLECTIVE
    built: bool = True  # 三(三)3(2): 未建部分面积不计价值
    eaves_height_m: Decimal | None = None  # attic: 檐口高度
    clear_height_m: Decimal | None = None  # stilt floor: 架空层层高
    work_kind: WorkKind | None = None  # 二(一): work declared on this part ...
    work_done_on: dt.date | None = None  # ... and the day it was done
    label: str = ""


class AppraisedKind(StrEnum):
    """三(四)3 second paragraph: compensated by the state-land standard (not in the 办法), at the appraised amount."""

    DECORATION = "decoration"  # 装修
    ATTACHMENT = "attachment"  # 其他附属物（构筑物）
    TEMPORARY_BUILDING = "temporary_building"  # 临时建筑


@dataclass(frozen=True)
class AppraisedItem:
    """One 装修 / 附属物 / 临时建筑 item with the amount the appraiser supplied under the state-land standard."""

    kind: AppraisedKind
    label: str
    amount: Decimal
    made_on: dt.date | None = None  # when it was made or fitted (二(一): from the pre-announcement, not compensated)


@dataclass(frozen=True)
class QuoteInput:
    district: str
    pre_announcement_date: dt.date
    signing_deadline: dt.date
    valuation_date: dt.date
    method: Method
    members: tuple[Member, ...]
    buildings: tuple[Building, ...]
    # 五(二) A-02: the 征收公告's day, read when "已实施" is taken from it (``implemented_from``); None: not announced
    announcement_date: dt.date | None = None
    agreement_signed_on: dt.date | None = None
    moves_via_temporary_housing: bool = True
    village_all_signed: bool = False
    vacated_on_time: bool = True
    appraised_price_per_m2: Decimal | None = None  # 货币补偿 (and the 货币补偿安置标准 elsewhere)
    market_price_per_m2: Decimal | None = None  # 房票: surrounding ordinary housing market price
    early_vacate_rate_per_m2: Decimal | None = None  # district rate, default from district params
    expropriator_provides_transit_housing: bool = False
    # 房票
    voucher_purchase_price: Decimal | None = None
    voucher_buys_new_housing: bool = False
    # 产权调换
    flat_area_m2: Decimal | None = None
    flat_type: FlatType = FlatType.MULTI_STOREY
    flat_market_price_per_m2: Decimal | None = None
    flat_replacement_price_per_m2: Decimal | None = None
    delivery_months: int | None = None
    # 宅基地
    outside_urban_plan_area: bool = False
    # 三(四)3 装修、其他附属物（构筑物）、临时建筑
    appraised_items: tuple[AppraisedItem, ...] = ()


@dataclass(frozen=True)
class Item:
    """One line of a settlement: amount rounded once via qz_common.money.to_fen."""

    code: str
    amount: Decimal
    basis: str
    inputs: Mapping[str, str] = field(default_factory=dict)
    kind: str = "cash"  # cash | voucher | charge (negative: paid by the household)


@dataclass(frozen=True)
class Finding:
    """A decision without an amount (an excluded person, building or work), with its clause."""

    subject: str
    decision: str
    reason: str
    basis: str
