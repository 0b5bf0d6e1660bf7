"""Stateless rule checks: 一 classification and 二 walking hours."""

import datetime as dt
import re
from typing import Annotated

from fastapi import APIRouter, Query

from dogs.api.schemas.rules import ClassifyIn, ClassifyOut, WalkingOut
from dogs.parameters import breeds_book, notice_book
from dogs.rules.classification import BreedCatalogue, classify
from dogs.rules.notice import resolve
from dogs.rules.walking_hours import check_walking
from qz_common.clock import in_quzhou, today
from qz_common.errors import ProblemError
from qz_common.identity import Reader
from qz_common.params import ParameterSet
from qz_common.scenario import scenario_computation, with_overrides

router = APIRouter(prefix="/v1", tags=["rules"])
# A '+' in an unencoded query string arrives as a space: "…T19:00:00 08:00".
_SPACE_FOR_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


@router.post("/classify", summary="大型犬、烈性犬判定（一）")
async def classify_dog(body: ClassifyIn, _caller: Reader) -> ClassifyOut:
    day = body.on or today()
    notice, breeds = resolve(notice_book(), day), resolve(breeds_book(), day)
    notice_params, breed_params = with_overrides([notice.params, breeds.params], body.parameters)
    with scenario_computation(body.parameters):
        result = classify(
            body.breed,
            body.shoulder_height_cm,
            body.body_length_cm,
            notice_params,
            BreedCatalogue.from_params(breed_params),
        )
    return ClassifyOut.of(result, notice, [notice_params, breed_params], body.parameters)


def _parse_instant(raw: str) -> dt.datetime:
    """The moment ``at`` names, as sent (a moment 衢州's clock cannot show, year 1 or 9999 shifted by an offset, is
    refused like a malformed one)."""
    try:
        instant = dt.datetime.fromisoformat(_SPACE_FOR_PLUS.sub(r"\1+\2", raw.strip()))
        in_quzhou(instant)
        return instant
    except (ValueError, OverflowError):
        raise ProblemError(
            422, "invalid_datetime", "at 须为 ISO 8601 日期时间，例如 2023-03-01T19:30:00+08:00", field="at"
        ) from None


def _walking_rules_at(instant: dt.datetime) -> ParameterSet:
    """The notice's figures on the 衢州 day of ``instant``. Before the notice took effect it set no walking hours, so a
    check then is refused rather than answered with a permission or a breach the law did not give (D-15)."""
    notice = resolve(notice_book(), in_quzhou(instant).date())
    if not notice.in_force:
        raise ProblemError(422, "rule_not_in_force", f"{notice.notice}，本通告未规定当时的携犬户外活动时间", field="at")
    return notice.params


@router.get("/walking-hours/check", summary="重点管理区携犬户外活动时间（二）")
async def walking_hours(
    _caller: Reader,
    at: Annotated[str, Query(description="ISO 8601 日期时间；任何时区均按北京时间判断，无时区按北京时间")],
    key_area: Annotated[bool, Query(description="是否在重点管理区")] = True,
) -> WalkingOut:
    instant = _parse_instant(at)
    result = check_walking(instant, key_area, _walking_rules_at(instant))
    return WalkingOut(
        allowed=result.allowed,
        local_time=result.local_time,
        window=result.window,
        reason=result.reason,
        basis=list(result.basis),
    )
