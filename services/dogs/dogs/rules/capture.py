"""五 公安机关依法对大型犬、烈性犬进行捕捉或扣押，移交本级犬只收容(留验)场所。"""

import datetime as dt
import enum

from dogs.rules.classification import Classification
from dogs.rules.notice import cite
from qz_common.params import ParameterSet

CLAUSE = cite("五")
# The notice sets no period for claiming a dog taken under 五; the 扣押 period of the law is the reading (D-27).
CLAIM_BASIS = f"{CLAUSE}；《中华人民共和国行政强制法》第二十五条"


class CaptureAction(enum.StrEnum):
    CAPTURE = "capture"  # 捕捉
    SEIZURE = "seizure"  # 扣押


def capture_problems(
    classification: Classification, occurred_at: dt.datetime, handed_over_at: dt.datetime
) -> list[str]:
    """Why a police record does not fit 五 (empty when it does)."""
    problems = []
    if classification.fierce is None and not classification.large:
        problems.append(
            "该犬只非大型犬，犬种未能依烈性犬名录识别（须由执法人员认定），不能认定属于本通告第五条捕捉、扣押范围"
        )
    elif not classification.large_or_fierce:
        problems.append("该犬只既非大型犬也非烈性犬，不属于本通告第五条捕捉、扣押范围")
    if handed_over_at < occurred_at:
        problems.append("移交收容场所的时间早于捕捉或扣押时间")
    return problems


def claim_deadline(taken_on: dt.date, params: ParameterSet) -> dt.date:
    """The last day the owner may claim a dog captured or seized on ``taken_on`` (衢州 date), D-27: the 扣押 period
    (行政强制法 第二十五条, 不得超过三十日) counted from the day after (民法典 第二百零一条: the first day is not
    counted), its last day included (届满). Taken on 2026-03-01: the period runs 03-02..03-31, claim by 03-31.
    Under the other reading (``impoundment_first_day_counted``) the day taken is the first of the 30: claim by 03-30."""
    days = params.integer("impoundment_period_days")
    return taken_on + dt.timedelta(days=days - 1 if params["impoundment_first_day_counted"] else days)
