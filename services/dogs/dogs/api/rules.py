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
    return ClassifyOut(
        large=result.large,
        fierce=result.fierce,
        recognised=result.recognised,
        cross=result.cross,
        fierce_lineage=list(result.fierce_lineage),
        unrecognised_names=list(result.unrecognised_names),
        reasons=list(result.reasons),
        basis=list(result.basis),
        in_force=notice.in_force,
        notice=notice.notice,
        parameter_version=f"{notice_params.book}@{notice_params.version}, {breed_params.book}@{breed_params.version}",
        scenario=body.parameters,
    )


def _parse_instant(raw: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(_SPACE_FOR_PLUS.sub(r"\1+\2", raw.strip()))
    except ValueError:
        raise ProblemError(
            422, "invalid_datetime", "at 须为 ISO 8601 日期时间，例如 2023-03-01T19:30:00+08:00", field="at"
        ) from None


@router.get("/walking-hours/check", summary="重点管理区携犬户外活动时间（二）")
async def walking_hours(
    _caller: Reader,
    at: Annotated[str, Query(description="ISO 8601 日期时间；任何时区均按北京时间判断，无时区按北京时间")],
    key_area: Annotated[bool, Query(description="是否在重点管理区")] = True,
) -> WalkingOut:
    instant = _parse_instant(at)
    local_day = in_quzhou(instant).date()
    notice = resolve(notice_book(), local_day)
    result = check_walking(instant, key_area, notice.params)
    return WalkingOut(
        allowed=result.allowed,
        local_time=result.local_time,
        window=result.window,
        reason=result.reason,
        basis=list(result.basis),
        in_force=notice.in_force,
        notice=notice.notice,
    )
