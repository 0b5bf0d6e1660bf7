"""宅基地安置 (三(三)4): "由征收人对被征收房屋进行补偿，由被征收人按规划要求自行宅基地建房，或由征收人按规划统一安排
宅基地建房安置被征收人"."""

from __future__ import annotations

from ..params import DistrictParams, Params
from ..types import MethodNotAvailable, QuoteInput, basis
from .house_value import excess_area_monetary_compensation, house_replacement_value, house_within_resettlement_area
from .household import Household
from .result import ONE, Lines


def items(inp: QuoteInput, params: Params, household: Household) -> Lines:
    """The whole house at 重置价 × 成新率 (A-19: the 办法 gives no 安置面积 split for a homestead), or under
    ``homestead_split_at_resettlement_area`` the share within the 安置面积 and the rest at the appraised price, as
    三(三)2(4) and 3(4) do; the plot is the district's to arrange (a note while its rules are missing)."""
    check_open(inp, params.district)
    if params.city.homestead_split_at_resettlement_area:
        house = Lines(
            items=(house_within_resettlement_area(household, params.city, "三(三)4; 附件"),)
        ) + excess_area_monetary_compensation(inp, household, "三(三)4")
    else:
        house = Lines(items=(house_replacement_value(household, ONE, "三(三)4; 附件"),))
    if params.district.homestead_rules_supplied:
        return house
    note = f"{params.district.district}宅基地安置细则未录入：房屋按重置价结合成新率补偿，宅基地安排另行确定（三(三)4）"
    return house + Lines(notes=(note,))


def check_open(inp: QuoteInput, district: DistrictParams) -> None:
    """三(三)4: "宅基地安置方式适用于衢州市区城市总体规划用地范围外，具体由柯城区、衢江区结合农民建房审批政策自行
    制定"."""
    if not inp.outside_urban_plan_area:
        raise MethodNotAvailable(
            "outside_urban_plan_area", "宅基地安置方式只适用于衢州市区城市总体规划用地范围外", basis("三(三)4")
        )
    if not district.homestead_available:
        raise MethodNotAvailable("method", f"{district.district}未开放宅基地安置", basis("三(三)4"))
