"""一(一) 适用范围 and 五(二) 施行日期."""

from __future__ import annotations

import datetime as dt

from .params import CityParams
from .types import Land, OldRulesApply, OutOfScope, RuleError, basis


def check_scope(
    city: CityParams, district: str, pre_announcement_date: dt.date, announcement_date: dt.date | None = None
) -> None:
    """Refuse what 衢政发〔2023〕2号 does not govern.

    一(一): "衢州市区（柯城区、衢江区）范围内集体土地征收涉及房屋及其附着物的补偿、安置等事宜，适用本办法。"
    五(二): "本办法自2023年3月1日起施行，施行前已实施征收的，按照原规定执行。" When an expropriation is "已实施" is
    the reading ``city.implemented_from`` (AMBIGUITIES.md A-02): as chosen, from its 征收土地预公告 (a pre-announcement
    on 2023-03-01 is under this 办法, one on 2023-02-28 is not); or from its 征收公告 (``announcement``: one published
    before 2023-03-01 is under the old rules; a project with none recorded has not been announced, so it has not been
    实施 by that act). The 施行日 itself (自…起施行) is under this 办法 in both.
    """
    if district not in city.districts:
        raise OutOfScope(
            "district", f"本办法只适用于柯城区、衢江区集体土地房屋征收，不适用于{district}", basis("一(一)")
        )
    if announcement_date is not None and announcement_date < pre_announcement_date:
        raise RuleError("announcement_date", "征收公告发布日早于征收土地预公告发布日")
    if city.implemented_from == "announcement":
        if announcement_date is not None and announcement_date < city.in_force_from:
            raise OldRulesApply(
                "announcement_date",
                f"征收公告 {announcement_date} 早于本办法施行日 {city.in_force_from}，施行前已实施征收，按照原规定执行",
                basis("五(二)"),
            )
    elif pre_announcement_date < city.in_force_from:
        raise OldRulesApply(
            "pre_announcement_date",
            f"征收土地预公告 {pre_announcement_date} 早于本办法施行日 {city.in_force_from}，按照原规定执行",
            basis("五(二)"),
        )


def state_land_out_of_scope(land: Land) -> bool:
    """三(四)1: "涉及国有土地房屋征收的，按衢州市区国有土地房屋征收与补偿政策执行" — flagged, not computed."""
    return land is Land.STATE
