"""Retiring an operation, as docs/API_CHANGELOG.md's deprecation policy says.

An operation marked deprecated keeps working until its sunset, and every answer it gives (a refusal too) says so::

    @router.get("/v1/old-things", summary="…", **deprecated(since=dt.date(2027, 3, 1), sunset=dt.date(2027, 9, 1),
                                                             changelog=CHANGELOG_ENTRY))

* ``Deprecation: @<epoch seconds>`` (RFC 9745: a Structured Field Date; the day it was, or will be, deprecated),
* ``Sunset: <HTTP-date>`` (RFC 8594: the day it stops answering),
* ``Link: <changelog>; rel="deprecation"`` (RFC 9745 3: the changelog entry that announces it and names the
  replacement), beside any other link of the answer (the next page's),
* ``deprecated: true`` on the operation in the OpenAPI document, so generated clients flag its callers.

The dates are the start of the day in 衢州 (UTC+8). The policy's shortest notice (``MINIMUM_NOTICE``) is enforced when
the route is declared: a service that would retire an operation sooner does not start.
"""

import datetime as dt
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Depends

from qz_common.context import add_response_link, set_response_header

SHANGHAI = ZoneInfo("Asia/Shanghai")
# docs/API_CHANGELOG.md, "Deprecation policy": an operation lives at least six months after it is deprecated.
MINIMUM_NOTICE = dt.timedelta(days=182)


def deprecated(*, since: dt.date, sunset: dt.date, changelog: str) -> dict[str, Any]:
    """Keyword arguments for a route decorator that mark its operation deprecated ``since`` until ``sunset``.

    ``changelog``: the URL of the changelog entry announcing it (where the deployment publishes
    docs/API_CHANGELOG.md). ``ValueError`` when the sunset leaves less than ``MINIMUM_NOTICE`` after ``since``.
    """
    if sunset - since < MINIMUM_NOTICE:
        raise ValueError(f"sunset {sunset} is less than {MINIMUM_NOTICE.days} days after deprecation {since}")
    deprecation = f"@{int(_day_start(since).timestamp())}"
    sunset_date = format_datetime(_day_start(sunset).astimezone(dt.UTC), usegmt=True)
    link = f'<{changelog}>; rel="deprecation"'

    async def announce_deprecation() -> None:
        set_response_header("Deprecation", deprecation)
        set_response_header("Sunset", sunset_date)
        add_response_link(link)

    return {"deprecated": True, "dependencies": [Depends(announce_deprecation)]}


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)
