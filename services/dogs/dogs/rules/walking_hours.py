"""二 重点管理区内允许携犬户外活动时间为18:00至次日8:00。"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dogs.rules.notice import cite
from qz_common.params import ParameterSet

CLAUSE = cite("二")


@dataclass(frozen=True)
class WalkingCheck:
    allowed: bool
    local_time: dt.datetime
    window: str
    basis: tuple[str, ...]
    reason: str


def _clock(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def check_walking(at: dt.datetime, key_area: bool, params: ParameterSet) -> WalkingCheck:
    """Whether a dog may be outdoors at ``at``.

    The window is read in Asia/Shanghai whatever offset the caller used; a naive
    time is taken as Asia/Shanghai local time. 至 includes both ends: 18:00:00
    and 08:00:00 are allowed, 08:00:01 is not (D-04; under the other reading,
    ``walking_window_ends_included`` false, neither end is). Outside the
    重点管理区 the notice sets no hours.
    """
    zone = ZoneInfo(params["walking_timezone"])
    local = at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)
    start, end = _clock(params["walking_window_start"]), _clock(params["walking_window_end"])
    window = f"{params['walking_window_start']}至次日{params['walking_window_end']}（北京时间）"
    if not key_area:
        return WalkingCheck(True, local, window, (CLAUSE,), "非重点管理区，本通告未限定携犬户外活动时间")
    clock = local.timetz().replace(tzinfo=None)
    ends_included = params["walking_window_ends_included"]
    allowed = (clock >= start or clock <= end) if ends_included else (clock > start or clock < end)
    reason = (
        f"北京时间 {local:%H:%M:%S} 在允许时段 {window} 内"
        if allowed
        else f"北京时间 {local:%H:%M:%S} 不在允许时段 {window} 内"
    )
    return WalkingCheck(allowed, local, window, (CLAUSE,), reason)
