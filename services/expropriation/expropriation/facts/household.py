"""A household as declared (二(二)): its members, buildings and appraised items, stored on the household and
re-validated when read back."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from expropriation.facts.types import Area, Flag, Height, Name, PastDate, Price, Strict
from expropriation.rules.declarations import recognise_area
from expropriation.rules.types import (
    AppraisedItem,
    AppraisedKind,
    Building,
    BuildingKind,
    CivilServiceExit,
    Exclusion,
    FlatType,
    Land,
    Member,
    Method,
    Occupancy,
    RuleError,
    Structure,
    Use,
    WorkKind,
)
from qz_common.ids import USCC, IdNumber, birth_date


class MemberIn(Strict):
    name: Name = Field(description="姓名")
    id_number: IdNumber = Field(description="居民身份证号码（18位，含校验码）")
    collective_member: Flag = Field(description="是否为本村（居）集体经济组织成员（三(一)1）")
    exclusion: Exclusion | None = Field(
        None,
        description="不列入安置人口的情形（三(一)1(1)–(5)）：挂靠、在编人员、已享受安置、已享受房改或保障房、其他特殊人员",
    )
    born_on: dt.date | None = Field(None, validate_default=True, description="出生日期；缺省取身份证号中的出生日期")
    died_on: PastDate | None = Field(None, description="死亡日期（如已死亡）")
    is_owner: Flag = Field(False, description="拥有被征收房屋所有权（无安置人口的户须有产权人，三(二)）")
    occupancy: Occupancy = Field(
        Occupancy.HOUSEHOLD, description="居住关系：household 户内 | tenant 承租人 | borrower 借用人（三(四)5）"
    )
    civil_service_exit: CivilServiceExit | None = Field(
        None, description="在编人员离开编制的方式：retired 离退休 | resigned 辞职 | dismissed 辞退（三(一)1(2)）"
    )
    civil_service_left_on: PastDate | None = Field(None, description="辞职、辞退的日期")
    housing_reform_rented_only: Flag = Field(
        False, description="仅租住房改房、政府保障性住房（不属已享受房改，三(一)1(4)）"
    )
    counted_in_other_household: Flag = Field(False, description="已在其他户计为安置人口（同一人不重复计算）")

    @field_validator("born_on")
    @classmethod
    def _born(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        id_number = info.data.get("id_number")
        if id_number is None:
            return value
        from_id = birth_date(id_number)
        if value is not None and value != from_id:
            raise ValueError(f"与身份证号中的出生日期 {from_id} 不一致")
        return from_id

    @field_validator("died_on")
    @classmethod
    def _died(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        born = info.data.get("born_on")
        if value is not None and born is not None and value < born:
            raise ValueError("死亡日期早于出生日期")
        return value

    def to_rules(self) -> Member:
        return Member(**vars(self))


class BuildingIn(Strict):
    use: Use = Field(description="用途：residential 住宅 | non_residential 非住宅")
    structure: Structure = Field(
        description="结构：frame 框架 | brick_concrete 砖混 | brick_wood 砖木 | other 其他（附件 重置价格）"
    )
    legal_area_m2: Area = Field(description="合法建筑面积；缺省按二(三)由证载面积或主管部门核定面积认定")
    certificate_area_m2: Area | None = Field(None, description="《不动产权证书》/《房屋所有权证》证载面积")
    authority_area_m2: Area | None = Field(None, description="证书不全或无证的，相关行政主管部门核定的面积")
    built_year: int = Field(ge=1900, le=2100, description="建成年份（成新计算用）")
    kind: BuildingKind = Field(
        BuildingKind.MAIN,
        description="建筑类别：主房、阁楼、架空层、附房、违法搭建、未拆旧房",
    )
    land: Land = Field(Land.COLLECTIVE, description="土地性质：collective 集体土地 | state 国有土地")
    built: Flag = Field(True, description="false：审批面积中未建部分（三(三)3(2) 未建部分面积不计价值）")
    eaves_height_m: Height | None = Field(None, description="檐口高度（只用于阁楼）")
    clear_height_m: Height | None = Field(None, description="层高（只用于架空层）")
    work_kind: WorkKind | None = Field(
        None,
        description="征收土地预公告后的新建、改建、扩建、突击装修等不当增加补偿的行为（二(一)，不予补偿）",
    )
    work_done_on: PastDate | None = Field(None, description="上述行为的实施日期（与 work_kind 同时填写）")
    label: str = Field("", max_length=60, description="房屋标注（如“主房”“东侧附房”），显示在结算单上")
    owner_uscc: USCC | None = Field(None, description="非住宅房屋的产权单位统一社会信用代码（如有）")

    @model_validator(mode="before")
    @classmethod
    def _recognise(cls, data: Any) -> Any:
        """二(三): without an explicit legal area, the certificate area, else the authority-certified area."""
        if isinstance(data, dict) and data.get("legal_area_m2") is None:
            cert, auth = data.get("certificate_area_m2"), data.get("authority_area_m2")
            if cert is not None or auth is not None:
                # a bad value is left for the field validators to report
                with contextlib.suppress(RuleError, ArithmeticError, ValueError):
                    data = {
                        **data,
                        "legal_area_m2": recognise_area(
                            Decimal(str(cert)) if cert is not None else None,
                            Decimal(str(auth)) if auth is not None else None,
                        ).area_m2,
                    }
        return data

    @field_validator("certificate_area_m2", "authority_area_m2")
    @classmethod
    def _one_legal_area(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        """二(三): the certificate (else the authority) decides the legal area; a different declared area is a
        conflict to resolve, not a choice of the larger (A-36)."""
        legal = info.data.get("legal_area_m2")
        if value is None or legal is None or value == legal:
            return value
        if info.field_name == "authority_area_m2" and info.data.get("certificate_area_m2") is not None:
            return value  # with a certificate, the authority's figure is not the basis
        raise ValueError(f"与申报的合法建筑面积 {legal} 不一致：以证载（或主管部门核定）面积为准，请更正后再申报")

    @model_validator(mode="after")
    def _work_with_its_day(self) -> BuildingIn:
        if (self.work_kind is None) != (self.work_done_on is None):
            raise ValueError("work_kind 与 work_done_on 须同时填写")
        return self

    def to_rules(self) -> Building:
        return Building(**self.model_dump(exclude={"owner_uscc", "certificate_area_m2", "authority_area_m2"}))


class AppraisedItemIn(Strict):
    """三(四)3: 装修、其他附属物（构筑物）、临时建筑, at the amount appraised under the state-land standard."""

    kind: AppraisedKind = Field(description="评估项目类别：装修、其他附属物（构筑物）、临时建筑（三(四)3）")
    label: Name = Field(description="项目名称，显示在结算单上")
    amount: Price = Field(description="评估机构按国有土地上房屋征收补偿标准评估的金额")
    made_on: PastDate | None = Field(None, description="建造或装修日期（征收土地预公告后的不予补偿，二(一)）")

    def to_rules(self) -> AppraisedItem:
        return AppraisedItem(**vars(self))


class HouseholdFacts(Strict):
    """What a household declares and chooses (shared by quotes and stored households)."""

    members: list[MemberIn] = Field(min_length=1, max_length=60, description="户内人员（认定安置人口，三(一)）")
    buildings: list[BuildingIn] = Field(min_length=1, max_length=200, description="被征收房屋（逐幢）")
    appraised_items: list[AppraisedItemIn] = Field(
        default_factory=list, max_length=200, description="装修、附属物、临时建筑的评估项目"
    )
    agreement_signed_on: PastDate | None = Field(
        None, description="签订征收补偿协议之日（签约期限内签约的奖励以此判断）"
    )
    moves_via_temporary_housing: Flag = Field(True, description="是否经临时过渡（计发临时安置费，三(四)4）")
    vacated_on_time: Flag = Field(True, description="是否在规定期限内腾空交房（腾空奖励）")
    expropriator_provides_transit_housing: Flag = Field(False, description="征收人提供周转用房（不再计发临时安置费）")
    voucher_purchase_price: Price | None = Field(None, description="房票安置：所购商品房总价（元）")
    voucher_buys_new_housing: Flag = Field(False, description="房票安置：所购为新建商品房（可享购房奖励）")
    flat_area_m2: Area | None = Field(None, description="公寓房（产权调换）安置：所选安置房建筑面积")
    flat_type: FlatType = Field(
        FlatType.MULTI_STOREY, description="安置公寓类型：multi_storey 多层 | high_rise 高层（过渡期限不同）"
    )
    flat_market_price_per_m2: Price | None = Field(None, description="安置公寓房的市场评估价（元/m²）")
    flat_replacement_price_per_m2: Price | None = Field(None, description="安置公寓房的结算价（元/m²）")
    delivery_months: int | None = Field(None, ge=0, le=240, description="安置房预计交付所需月数（计算临时安置期限）")


class HouseholdIn(HouseholdFacts):
    ref: Annotated[str, Field(min_length=1, max_length=40, description="花名册户号")]
    head_name: Name = Field(description="户主姓名")
    natural_village: str | None = Field(None, max_length=60, description="自然村（缺省为项目所在村）")
    method: Method = Field(Method.MONETARY, description="选择的安置方式（货币补偿、房票、产权调换、迁建）")
    appraised_price_per_m2: Price | None = Field(None, description="本户评估价（缺省取项目评估价）")
