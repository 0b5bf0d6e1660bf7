"""The stateless quote: one household, one method → persons, area and itemised amounts (衢政发〔2023〕2号 三).

Each item is rounded once, here, via ``qz_common.money.to_fen``; the total is the sum of the rounded items.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from qz_common.money import to_fen

from .fees import early_vacate_rate, moving_fee, signed_in_time, temporary_fee, voucher_remainder_cash
from .freeze import is_frozen_work
from .params import Params
from .persons import PersonDecision, ResettlementArea, assess_members, resettlement_area
from .scope import check_scope
from .types import (
    AppraisedKind,
    Exclusion,
    Finding,
    Item,
    Method,
    MethodNotAvailable,
    NotEntitled,
    Occupancy,
    QuoteInput,
    RuleError,
    basis,
)
from .valuation import STRUCTURE_NAMES, AssessedBuilding, Category, assess_building

ZERO = Decimal("0")
ONE = Decimal("1")
APPRAISED_NAMES = {
    AppraisedKind.DECORATION: "装修",
    AppraisedKind.ATTACHMENT: "其他附属物（构筑物）",
    AppraisedKind.TEMPORARY_BUILDING: "临时建筑",
}
STATE_LAND_STANDARD = (
    "补偿标准参照衢州市区国有土地上房屋征收补偿相关标准执行（该标准不在本办法内），金额为评估机构按该标准评估的数额"
)


@dataclass(frozen=True)
class Quote:
    district: str
    method: Method
    parameter_versions: dict[str, str]
    persons: tuple[PersonDecision, ...]
    resettlement_persons: int
    area: ResettlementArea
    legal_residential_area_m2: Decimal
    built_residential_area_m2: Decimal
    buildings: tuple[AssessedBuilding, ...]
    findings: tuple[Finding, ...]
    items: tuple[Item, ...]
    notes: tuple[str, ...]

    @property
    def resettlement_area_m2(self) -> Decimal:
        return self.area.area_m2

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.items), ZERO)

    def total_of(self, kind: str) -> Decimal:
        return sum((i.amount for i in self.items if i.kind == kind), ZERO)

    def amount(self, code: str) -> Decimal:
        return sum((i.amount for i in self.items if i.code == code), ZERO)


def _item(code: str, amount: Decimal, clause: str, inputs: dict[str, str], kind: str = "cash") -> Item:
    return Item(code=code, amount=to_fen(amount), basis=basis(clause), inputs=inputs, kind=kind)


def _s(d: Decimal) -> str:
    return format(d.normalize(), "f") if d == d.to_integral_value() else str(d)


def validate(inp: QuoteInput) -> None:
    """Inputs the rules cannot run on (→ 422 naming the field)."""
    if inp.signing_deadline < inp.pre_announcement_date:
        raise RuleError("signing_deadline", "签约截止日早于征收土地预公告日")
    if inp.valuation_date < inp.pre_announcement_date:
        raise RuleError("valuation_date", "评估日早于征收土地预公告日")
    if inp.agreement_signed_on is not None and inp.agreement_signed_on < inp.pre_announcement_date:
        raise RuleError("agreement_signed_on", "协议签订日早于征收土地预公告日")
    for i, m in enumerate(inp.members):
        if m.born_on is not None and m.died_on is not None and m.died_on < m.born_on:
            raise RuleError(f"members[{i}].died_on", "死亡日期早于出生日期")
        if m.is_owner and m.occupancy is not Occupancy.HOUSEHOLD:
            raise RuleError(f"members[{i}].is_owner", "承租人或借用人不是产权人", basis("三(四)5"))
        if m.exclusion is not Exclusion.CIVIL_SERVANT and (
            m.civil_service_exit is not None or m.civil_service_left_on is not None
        ):
            raise RuleError(
                f"members[{i}].civil_service_exit", "离开编制的方式和日期只用于在编人员（exclusion=civil_servant）"
            )
        if m.civil_service_left_on is not None and m.civil_service_exit is None:
            raise RuleError(
                f"members[{i}].civil_service_exit",
                "须说明离开编制的方式：离退休（retired）、辞职（resigned）或辞退（dismissed）",
                basis("三(一)1(2)"),
            )
    for name in (
        "appraised_price_per_m2",
        "market_price_per_m2",
        "voucher_purchase_price",
        "flat_area_m2",
        "flat_market_price_per_m2",
        "flat_replacement_price_per_m2",
    ):
        value = getattr(inp, name)
        if value is not None and value < 0:
            raise RuleError(name, "不能为负")
    for i, b in enumerate(inp.buildings):
        if b.legal_area_m2 < 0:
            raise RuleError(f"buildings[{i}].legal_area_m2", "面积不能为负")
        if b.built_year > inp.valuation_date.year:
            raise RuleError(f"buildings[{i}].built_year", "建成年份晚于评估日")
        if (b.work_kind is None) != (b.work_done_on is None):
            raise RuleError(f"buildings[{i}].work_done_on", "work_kind 与 work_done_on 须同时填写", basis("二(一)"))
        if b.work_done_on is not None and b.work_done_on > inp.valuation_date:
            raise RuleError(f"buildings[{i}].work_done_on", "施工日期晚于评估日：评估时的房屋不可能包含该施工")
    for i, a in enumerate(inp.appraised_items):
        if a.amount < 0:
            raise RuleError(f"appraised_items[{i}].amount", "金额不能为负")
        if a.made_on is not None and a.made_on > inp.valuation_date:
            raise RuleError(f"appraised_items[{i}].made_on", "日期晚于评估日")


def _need(value: Decimal | None, field: str, why: str, clause: str) -> Decimal:
    if value is None:
        raise RuleError(field, why, basis(clause))
    return value


def _value_with_newness(buildings: Iterable[AssessedBuilding]) -> tuple[Decimal, list[str]]:
    """Σ area × 重置价 × 成新率 over built parts (三(三)3(2) 未建部分面积不计价值)."""
    total, lines = ZERO, []
    for b in buildings:
        if not b.built:
            lines.append(f"{b.label}: {_s(b.area_m2)}m² 未建，不计价值")
            continue
        total += b.area_m2 * b.price_per_m2 * b.newness
        lines.append(f"{b.label}: {_s(b.area_m2)}m² × {_s(b.price_per_m2)} × 成新率{_s(b.newness)}")
    return total, lines


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


def _appraised_items(inp: QuoteInput) -> tuple[list[Item], list[Finding]]:
    """三(四)3 second paragraph: "被征收房屋装修、其他附属物（构筑物）、临时建筑等补偿标准参照衢州市区国有土地上房屋征收
    补偿相关标准执行" — that standard is not in the 办法, so the appraiser's amount is taken as given (A-35). What was
    made or fitted from the pre-announcement on is not compensated (二(一)1 新建构筑物, 二(一)2 突击装修)."""
    items: list[Item] = []
    findings: list[Finding] = []
    for kind in AppraisedKind:
        total, lines = ZERO, []
        for a in (a for a in inp.appraised_items if a.kind is kind):
            if a.made_on is not None and is_frozen_work(a.made_on, inp.pre_announcement_date):
                clause = "二(一)2" if kind is AppraisedKind.DECORATION else "二(一)1"
                findings.append(
                    Finding(
                        a.label,
                        "not_compensated",
                        f"{APPRAISED_NAMES[kind]}于{a.made_on}，在征收土地预公告（{inp.pre_announcement_date}）之后，不得予以补偿",
                        basis(clause),
                    )
                )
                continue
            total += a.amount
            lines.append(f"{a.label}: {_s(a.amount)}")
        if lines:
            items.append(
                _item(
                    f"{kind.value}_compensation",
                    total,
                    "三(四)3",
                    {"parts": "; ".join(lines), "standard": STATE_LAND_STANDARD, "amount_source": "appraiser"},
                )
            )
    return items, findings


def quote(inp: QuoteInput, params: Params) -> Quote:
    """Quote one household under one 安置方式 (三(三)) with the 三(四) fees and rewards."""
    city, district = params.city, params.district
    check_scope(city, inp.district, inp.pre_announcement_date)
    validate(inp)

    assessed = tuple(
        assess_building(city, i, b, inp.pre_announcement_date, inp.valuation_date) for i, b in enumerate(inp.buildings)
    )
    findings = [b.finding for b in assessed if b.finding is not None]
    residential = [b for b in assessed if b.category is Category.RESIDENTIAL]
    legal_area = sum((b.area_m2 for b in residential), ZERO)
    # 未建部分 is legal area (a basis of 安置, 三(二)) but nothing is paid on it by the m²: not its value
    # (三(三)3(2)), not as excess area, not 临时安置费 (三(四)6), not the rewards (三(四)8).
    built_area = sum((b.area_m2 for b in residential if b.built), ZERO)
    unbuilt_area = legal_area - built_area

    def area_inputs() -> dict[str, str]:
        out = {"legal_area_m2": _s(built_area)}
        if unbuilt_area > 0:
            out["unbuilt_area_not_counted_m2"] = _s(unbuilt_area)
        return out

    persons = assess_members(inp.members, inp.pre_announcement_date, inp.signing_deadline, inp.agreement_signed_on)
    check_entitled(inp, persons)
    n_persons = sum(1 for p in persons if p.counted)
    on_time = signed_in_time(inp.signing_deadline, inp.agreement_signed_on) and inp.vacated_on_time
    area = resettlement_area(city, n_persons, legal_area, on_time)
    notes: list[str] = []
    if inp.agreement_signed_on is None:
        notes.append("尚未签约：按规定期限内签约并按期腾空交付测算（奖励、无安置人口产权人的安置面积以此为前提）")

    if area.money_only and inp.method is not Method.MONETARY:
        raise MethodNotAvailable("method", area.reason, area.basis)
    if inp.method is Method.HOMESTEAD:
        if not inp.outside_urban_plan_area:
            raise MethodNotAvailable(
                "outside_urban_plan_area", "宅基地安置方式只适用于衢州市区城市总体规划用地范围外", basis("三(三)4")
            )
        if not district.homestead_available:
            raise MethodNotAvailable("method", f"{district.district}未开放宅基地安置", basis("三(三)4"))

    items: list[Item] = []
    # --- parts treated alike under every method -------------------------------------------------------------
    non_res = [b for b in assessed if b.category is Category.NON_RESIDENTIAL]
    if non_res:
        total, lines = ZERO, []
        for b in non_res:
            if not b.built:
                lines.append(f"{b.label}: {_s(b.area_m2)}m² 未建，不计价值")
                continue
            newness = b.newness if city.non_residential_applies_newness else ONE
            total += b.area_m2 * b.price_per_m2 * city.non_residential_multiplier * newness
            lines.append(f"{b.label}: {_s(b.area_m2)}m² × {_s(b.price_per_m2)} × {_s(city.non_residential_multiplier)}")
        items.append(_item("non_residential_compensation", total, "三(四)2", {"parts": "; ".join(lines)}))
        notes.append(
            "非住宅的临时安置费、搬迁费、停产停业损失及签约腾空奖励参照国有土地上房屋征收补偿标准执行，未计入（三(四)2）"
        )
    attics = [b for b in assessed if b.category is Category.ATTIC_OR_STILT]
    if attics:
        total = sum((b.area_m2 * b.price_per_m2 * b.factor for b in attics if b.built), ZERO)
        lines = [
            f"{b.label}: {_s(b.area_m2)}m² × {_s(b.price_per_m2)} × {_s(b.factor)}"
            if b.built
            else f"{b.label}: {_s(b.area_m2)}m² 未建，不计价值"
            for b in attics
        ]
        items.append(_item("attic_stilt_compensation", total, "三(四)3; 附件 说明2", {"parts": "; ".join(lines)}))
    ancillary = [b for b in assessed if b.category is Category.ANCILLARY]
    if ancillary:
        total, lines = _value_with_newness(ancillary)
        items.append(_item("ancillary_compensation", total, "三(四)3; 附件", {"parts": "; ".join(lines)}))
    appraised, appraised_findings = _appraised_items(inp)
    items.extend(appraised)
    findings.extend(appraised_findings)
    if appraised:
        notes.append(f"装修、其他附属物（构筑物）、临时建筑：{STATE_LAND_STANDARD}（三(四)3）")

    # --- the method ---------------------------------------------------------------------------------------------
    ra = area.area_m2
    excess = max(ZERO, built_area - ra)
    within_ratio = ra / built_area if built_area > ra else ONE

    def excess_item() -> None:
        if excess > 0:
            price = _need(
                inp.appraised_price_per_m2,
                "appraised_price_per_m2",
                "超出安置面积部分按货币补偿安置标准结算，须有评估价格",
                "三(三)",
            )
            clause = "三(三)2(4)" if inp.method is Method.HOUSE_VOUCHER else "三(三)3(4)"
            items.append(
                _item(
                    "excess_area_monetary_compensation",
                    excess * price,
                    clause,
                    area_inputs()
                    | {"resettlement_area_m2": _s(ra), "excess_m2": _s(excess), "appraised_price_per_m2": _s(price)},
                )
            )

    def replacement_item(ratio: Decimal, clause: str) -> None:
        value, lines = _value_with_newness(residential)
        inputs = {"parts": "; ".join(lines)}
        if ratio != ONE:
            inputs["share_within_resettlement_area"] = f"{_s(ra)} / {_s(built_area)}"
        items.append(_item("house_replacement_value", value * ratio, clause, inputs))

    if inp.method is Method.MONETARY:
        if built_area > 0:
            price = _need(
                inp.appraised_price_per_m2,
                "appraised_price_per_m2",
                "货币补偿按土地和房屋的评估价值确定，须有评估价格",
                "三(三)1(2)",
            )
            items.append(
                _item(
                    "house_monetary_compensation",
                    built_area * price,
                    "三(三)1",
                    area_inputs() | {"appraised_price_per_m2": _s(price)},
                )
            )
    elif inp.method is Method.HOUSE_VOUCHER:
        market = _need(
            inp.market_price_per_m2,
            "market_price_per_m2",
            "房票价格参照周边普通商品住宅市场价格，须有市场价格",
            "三(三)2(2)",
        )
        if built_area == 0:
            raise MethodNotAvailable("buildings", "无已建成的住宅，不能计算平均重置价格", basis("三(三)2(2)"))
        avg = sum((b.area_m2 * b.price_per_m2 for b in residential if b.built), ZERO) / built_area
        voucher_price = market - avg
        if voucher_price <= 0:
            raise RuleError("market_price_per_m2", "市场价格不高于平均重置价格，房票价格不成立", basis("三(三)2(2)"))
        voucher_value = voucher_price * ra
        v_inputs = {
            "market_price_per_m2": _s(market),
            "average_replacement_price_per_m2": str(avg.quantize(Decimal("0.0001"))),
            "voucher_price_per_m2": str(voucher_price.quantize(Decimal("0.0001"))),
            "resettlement_area_m2": _s(ra),
        }
        used = voucher_value
        if inp.voucher_purchase_price is not None:
            purchase = inp.voucher_purchase_price
            v_inputs["purchase_price"] = _s(purchase)
            if purchase >= voucher_value:
                used = voucher_value
                v_inputs["household_pays_difference"] = str(to_fen(purchase - voucher_value))
            else:
                used = purchase
                r_inputs = {
                    "voucher_value": str(to_fen(voucher_value)),
                    "purchase_price": _s(purchase),
                    "reading": city.voucher_remainder_reading,
                }
                cash = voucher_remainder_cash(city, voucher_value - purchase, voucher_price, inp.appraised_price_per_m2)
                if city.voucher_remainder_reading != "face_value" and inp.appraised_price_per_m2 is not None:
                    r_inputs["appraised_price_per_m2"] = _s(inp.appraised_price_per_m2)
                items.append(_item("voucher_remainder_cash", cash, "三(三)2(4)", r_inputs))
        items.append(_item("house_voucher_value", used, "三(三)2(2)", v_inputs, kind="voucher"))
        replacement_item(within_ratio, "三(三)2(4); 附件")
        excess_item()
        if inp.voucher_buys_new_housing:
            rate = district.voucher_new_housing_reward_rate
            items.append(
                _item(
                    "voucher_new_housing_reward",
                    to_fen(used) * rate,
                    "三(三)2(5)",
                    {
                        "rate": _s(rate),
                        "district_rule_supplied": str(district.voucher_new_housing_reward_supplied).lower(),
                        "district": district.district,
                    },
                )
            )
            if not district.voucher_new_housing_reward_supplied:
                notes.append(f"{district.district}购买新建商品房奖励标准未录入，按0计（三(三)2(5)）")
    elif inp.method is Method.PROPERTY_SWAP:
        flat = _need(inp.flat_area_m2, "flat_area_m2", "产权调换须有安置房面积", "三(三)3(3)")
        if flat <= 0:
            raise RuleError("flat_area_m2", "产权调换安置房面积须大于0", basis("三(三)3"))
        replacement_item(within_ratio, "三(三)3(2); 附件")
        # an explicit 0 is a price, not a missing one (only None takes the 办法's default)
        flat_price = (
            inp.flat_replacement_price_per_m2
            if inp.flat_replacement_price_per_m2 is not None
            else city.swap_flat_replacement_price_per_m2
        )
        inside = min(flat, ra)
        items.append(
            _item(
                "swap_flat_price_within_area",
                -(inside * flat_price),
                "三(三)3(3)",
                {"flat_area_m2": _s(flat), "within_m2": _s(inside), "replacement_price_per_m2": _s(flat_price)},
                kind="charge",
            )
        )
        beyond = max(ZERO, flat - ra)
        if beyond > 0:
            mprice = _need(
                inp.flat_market_price_per_m2,
                "flat_market_price_per_m2",
                "超出安置面积部分按市场评估价结算，须有市场评估价",
                "三(三)3(3)",
            )
            items.append(
                _item(
                    "swap_flat_price_beyond_area",
                    -(beyond * mprice),
                    "三(三)3(3)",
                    {"beyond_m2": _s(beyond), "market_price_per_m2": _s(mprice)},
                    kind="charge",
                )
            )
        excess_item()
    else:  # HOMESTEAD
        replacement_item(ONE, "三(三)4; 附件")
        if not district.homestead_rules_supplied:
            notes.append(
                f"{district.district}宅基地安置细则未录入：房屋按重置价结合成新率补偿，宅基地安排另行确定（三(三)4）"
            )

    # --- 三(四)6–8 fees and rewards on the residential house (its built legal area, A-34) -------------------------
    if built_area > 0:
        if inp.expropriator_provides_transit_housing:
            items.append(
                _item(
                    "temporary_resettlement_fee",
                    ZERO,
                    "三(四)6",
                    {"reason": "征收人提供周转用房，临时安置费只付自行解决周转用房的被征收人"},
                )
            )
        else:
            fee = temporary_fee(city, inp.method, built_area, inp.flat_type, inp.delivery_months)
            fee_inputs = fee.inputs | ({"unbuilt_area_not_counted_m2": _s(unbuilt_area)} if unbuilt_area > 0 else {})
            items.append(_item("temporary_resettlement_fee", fee.amount, "三(四)6", fee_inputs))
        fee_amount, moves = moving_fee(city, inp.method, inp.moves_via_temporary_housing)
        items.append(
            _item(
                "moving_fee",
                fee_amount,
                "三(四)7",
                {
                    "moves": str(moves),
                    "per_move": _s(city.moving_fee_per_move),
                    "via_temporary_housing": str(inp.moves_via_temporary_housing).lower(),
                },
            )
        )
        rate_given = inp.early_vacate_rate_per_m2 is not None
        rate = early_vacate_rate(
            city,
            inp.early_vacate_rate_per_m2
            if inp.early_vacate_rate_per_m2 is not None
            else district.early_vacate_rate_per_m2,
        )
        r_inputs = area_inputs() | {"rate_per_m2": _s(rate), "eligible": str(on_time).lower()}
        if not rate_given:
            r_inputs["district_rule_supplied"] = str(district.early_vacate_rate_supplied).lower()
            if not district.early_vacate_rate_supplied:
                notes.append(
                    f"{district.district}签约腾空奖励标准未录入：暂按三(四)8上限{_s(rate)}元/平方米计（占位值，待区实施细则）"
                )
        items.append(_item("early_vacate_reward", built_area * rate if on_time else ZERO, "三(四)8", r_inputs))
        village = inp.village_all_signed and on_time
        items.append(
            _item(
                "village_completion_reward",
                built_area * city.village_completion_rate_per_m2 if village else ZERO,
                "三(四)8",
                area_inputs()
                | {
                    "rate_per_m2": _s(city.village_completion_rate_per_m2),
                    "village_all_signed": str(inp.village_all_signed).lower(),
                    "eligible": str(village).lower(),
                },
            )
        )

    return Quote(
        district=inp.district,
        method=inp.method,
        parameter_versions=params.versions,
        persons=persons,
        resettlement_persons=n_persons,
        area=area,
        legal_residential_area_m2=legal_area,
        built_residential_area_m2=built_area,
        buildings=assessed,
        findings=tuple(findings),
        items=tuple(items),
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class MethodOutcome:
    method: Method
    quote: Quote | None
    error: RuleError | None


def compare_methods(inp: QuoteInput, params: Params) -> tuple[MethodOutcome, ...]:
    """三(三): the same household under all four 安置方式, so it can choose; a method that is closed to it (or
    lacks an input) carries the refusal instead of a quote. Scope refusals (一(一), 五(二)) are raised."""
    check_scope(params.city, inp.district, inp.pre_announcement_date)
    out = []
    for m in Method:
        try:
            out.append(MethodOutcome(m, quote(replace(inp, method=m), params), None))
        except RuleError as e:
            out.append(MethodOutcome(m, None, e))
    return tuple(out)


__all__ = ["STRUCTURE_NAMES", "MethodOutcome", "Quote", "check_entitled", "compare_methods", "quote", "validate"]
