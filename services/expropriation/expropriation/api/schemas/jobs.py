"""The body of a job (a batch quote, an impact or a roster import run after the answer)."""

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str = Field(description="batch_quote（整个项目逐户测算）| impact（影响测算）| roster_import（花名册导入）")
    project_id: int
    district: str
    status: str = Field(description="queued 排队 | running 进行中 | done 完成 | failed 失败")
    done: int = Field(description="已处理户数")
    total: int = Field(description="总户数")
    errors: list[dict[str, Any]] = Field(description="错误：未能测算的户，或花名册被拒的各处错误（此时未导入任何记录）")
    result: dict[str, Any] | None = Field(description="完成后与同步请求相同的结果")
    created_at: dt.datetime
    finished_at: dt.datetime | None
