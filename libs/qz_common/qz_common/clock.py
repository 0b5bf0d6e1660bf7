"""Wall-clock time in 衢州: every deadline and "today" of the rules is an Asia/Shanghai date."""

import datetime as dt
from zoneinfo import ZoneInfo

QUZHOU_TZ = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """Today's date in 衢州 (not the server's UTC date)."""
    return dt.datetime.now(QUZHOU_TZ).date()


def in_quzhou(moment: dt.datetime) -> dt.datetime:
    """``moment`` on 衢州 wall time; a time given without an offset is taken as 衢州 local time."""
    return moment.replace(tzinfo=QUZHOU_TZ) if moment.tzinfo is None else moment.astimezone(QUZHOU_TZ)
