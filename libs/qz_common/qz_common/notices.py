"""What is due for a 浙里办 user: the one shape every service's ``GET /v1/me/notices`` answers in, so that the gateway's
``GET /api/v1/me/notices`` merges the bureaus' lists without knowing any bureau's rules.

A notice is computed from the records when it is asked for (no store of its own to drift from them): each service
decides which of its deadlines a user has and from which clause; this module only fixes the shape and the order.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

from qz_common.clock import today

# The query parameter of every ``/v1/me/notices``: the day the list is counted from (the gateway passes its own on).
AsOf = Annotated[dt.date | None, Query(description="以哪一天为今天（默认今天，北京时间）")]


class Notice(BaseModel):
    """One upcoming (or missed) deadline of the signed-in person or enterprise."""

    due_on: dt.date = Field(description="截止日期（含当日）")
    kind: str = Field(description="事项类型，如 dogs.vaccination_due", examples=["dogs.vaccination_due"])
    title: str = Field(description="事项说明（中文）", examples=["犬只狂犬病免疫到期，请按时加强免疫"])
    basis: str = Field(description="依据：文号及条款", examples=["衢执法发〔2023〕3号 三"])
    act_at: str = Field(
        description="办理入口：浙里办接口路径（/api/v1/me/...）或办理窗口",
        examples=["/api/v1/me/dogs/registrations/12/renewal"],
    )
    record: str = Field(description="相关记录，如 registrations/12", examples=["registrations/12"])
    overdue: bool = Field(description="截止日期已过（早于今日）")


def due_first(notices: Iterable[Notice]) -> list[Notice]:
    """The order every list of notices is answered in: the earliest deadline first, then by kind and record."""
    return sorted(notices, key=lambda n: (n.due_on, n.kind, n.record))


def counted_from(as_of: dt.date | None) -> dt.date:
    """The day a list of notices is counted from: ``as_of``, or today in 衢州."""
    return as_of or today()
