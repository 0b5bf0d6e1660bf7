"""Bodies of the 视频监控 outages (api/outages.py)."""

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field

from medinsurance.api.schemas.common import Moment, RowId, Strict
from medinsurance.casework.outages import status_at
from medinsurance.models import Outage
from qz_common.clock import in_quzhou


class OutageIn(Strict):
    institution_id: RowId = Field(description="医药机构编号")
    failed_at: Moment = Field(description="医保结算系统故障发生时间（不早于本办法施行之日2023-02-18，衢州时间）")


class WindowIn(Strict):
    requested_at: Moment = Field(description="申请临时开通结算的时间")
    reason: Annotated[str, Field(min_length=1, max_length=300)] = Field(description="申请理由")


class RepairIn(Strict):
    repaired_at: Moment = Field(description="系统修复时间")


class OutageOut(BaseModel):
    id: int
    institution_id: int
    failed_at: dt.datetime
    window_requested_at: dt.datetime | None
    repaired_at: dt.datetime | None
    at: dt.datetime
    status: str
    suspended_from: dt.datetime | None
    window_until: dt.datetime | None
    basis: str

    @classmethod
    def view(cls, row: Outage, at: dt.datetime) -> "OutageOut":
        """The outage and its settlement status at ``at`` (衢州 time)."""
        status = status_at(row, at)
        return cls(
            id=row.id,
            institution_id=row.institution_id,
            failed_at=row.failed_at,
            window_requested_at=row.window_requested_at,
            repaired_at=row.repaired_at,
            at=in_quzhou(at),
            status=status.status.value,
            suspended_from=status.suspended_from,
            window_until=status.window_until,
            basis=status.basis,
        )
