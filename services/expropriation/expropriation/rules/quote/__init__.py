"""The stateless quote (衢政发〔2023〕2号 三): one household under one 安置方式, or all four side by side.

``quote()`` only composes; each clause has its own module:

- ``checks``: inputs the rules cannot run on;
- ``household``: the declared parts (附件, 二(一), 三(四)1–4), the 安置人口 (三(一)), who is entitled (三(二),
  三(四)5) and the 安置面积 (三(二));
- ``other_parts``: what every method pays alike — 非住宅 (三(四)2), 阁楼、架空层 and 附属房 (三(四)3), the appraised
  装修、附属物、临时建筑 (三(四)3 second paragraph);
- ``monetary``, ``voucher``, ``property_swap``, ``homestead``: the four methods (三(三)1–4), with ``house_value``
  for the 重置价 × 成新率 and the excess area three of them share;
- ``fees_and_rewards``: 临时安置费, 搬迁费 and the rewards (三(四)6–8);
- ``result``: the quote and its items, each rounded once to 分.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..params import Params
from ..scope import check_scope
from ..types import Method, QuoteInput, RuleError
from . import homestead, monetary, property_swap, voucher
from .checks import validate
from .fees_and_rewards import fees_and_rewards
from .household import Household, assess_household, check_method_allowed, household_lines
from .other_parts import other_parts
from .result import Lines, Quote

METHODS: dict[Method, Callable[[QuoteInput, Params, Household], Lines]] = {
    Method.MONETARY: monetary.items,  # 三(三)1
    Method.HOUSE_VOUCHER: voucher.items,  # 三(三)2
    Method.PROPERTY_SWAP: property_swap.items,  # 三(三)3
    Method.HOMESTEAD: homestead.items,  # 三(三)4
}


def quote(inp: QuoteInput, params: Params) -> Quote:
    """Quote one household under one 安置方式 (三(三)) with the parts, fees and rewards of 三(四)."""
    check_scope(params.city, inp.district, inp.pre_announcement_date, inp.announcement_date)  # 一(一), 五(二)
    validate(inp)
    household = assess_household(inp, params.city)
    check_method_allowed(inp.method, household.area)
    lines = (
        household_lines(inp, household)
        + other_parts(inp, params.city, household)
        + METHODS[inp.method](inp, params, household)
        + fees_and_rewards(inp, params, household)
    )
    return Quote(
        district=inp.district,
        method=inp.method,
        parameter_versions=params.versions,
        persons=household.persons,
        resettlement_persons=household.resettlement_persons,
        area=household.area,
        legal_residential_area_m2=household.legal_area_m2,
        built_residential_area_m2=household.built_area_m2,
        buildings=household.buildings,
        findings=lines.findings,
        items=lines.items,
        notes=lines.notes,
    )


@dataclass(frozen=True)
class MethodOutcome:
    method: Method
    quote: Quote | None
    error: RuleError | None


def compare_methods(inp: QuoteInput, params: Params) -> tuple[MethodOutcome, ...]:
    """三(三): the same household under all four 安置方式, so it can choose; a method that is closed to it (or
    lacks an input) carries the refusal instead of a quote. Scope refusals (一(一), 五(二)) are raised."""
    check_scope(params.city, inp.district, inp.pre_announcement_date, inp.announcement_date)
    out = []
    for m in Method:
        try:
            out.append(MethodOutcome(m, quote(replace(inp, method=m), params), None))
        except RuleError as e:
            out.append(MethodOutcome(m, None, e))
    return tuple(out)


__all__ = ["MethodOutcome", "Quote", "compare_methods", "quote", "validate"]
