"""Bodies of the stateless rule checks: 一 classification and 二 walking hours."""

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field

from dogs.api.schemas.common import Centimetres, Strict
from dogs.rules.classification import Classification, FierceFinding
from dogs.rules.notice import InForce
from qz_common.params import ParameterSet
from qz_common.scenario import ScenarioEcho, ScenarioParameters


class ClassifyIn(Strict):
    breed: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="犬种（可含别名或“×”表示的混血，如“金毛×拉布拉多”），对照烈性犬名录（一(二)）"
    )
    shoulder_height_cm: Centimetres
    body_length_cm: Centimetres
    on: dt.date | None = Field(None, description="按哪一天的规定判断（默认今天，北京时间）")
    parameters: ScenarioParameters = None


class ClassifyOut(BaseModel):
    large: bool
    fierce: bool | None = Field(description="是否烈性犬；null：犬种未能依名录识别，须由执法人员认定（见 finding）")
    finding: FierceFinding = Field(
        description="listed 列入名录 | cross_of_listed 含名录犬血统的杂交犬 | not_listed 名录以外 | "
        "officer_decision_required 未能识别，须由执法人员认定"
    )
    recognised: bool
    cross: bool
    fierce_lineage: list[str]
    unrecognised_names: list[str]
    reasons: list[str]
    basis: list[str]
    in_force: bool
    notice: str | None
    parameter_version: str
    scenario: ScenarioEcho = None

    @classmethod
    def of(cls, result: Classification, notice: InForce, versions: list[ParameterSet], scenario: Any) -> "ClassifyOut":
        """The classification with the notice's force on the day and the versions (notice, breeds) it was made on."""
        return cls(
            large=result.large,
            fierce=result.fierce,
            finding=result.finding,
            recognised=result.recognised,
            cross=result.cross,
            fierce_lineage=list(result.fierce_lineage),
            unrecognised_names=list(result.unrecognised_names),
            reasons=list(result.reasons),
            basis=list(result.basis),
            in_force=notice.in_force,
            notice=notice.notice,
            parameter_version=", ".join(f"{v.book}@{v.version}" for v in versions),
            scenario=scenario,
        )


class WalkingOut(BaseModel):
    allowed: bool
    local_time: dt.datetime
    window: str
    reason: str
    basis: list[str]
    # Since a check before the notice took effect is refused (D-15), always true and null; kept for 1.0.0 clients.
    in_force: bool = Field(True, description="本通告已施行（施行前的时间不予判断，恒为 true）")
    notice: str | None = Field(None, description="恒为 null（保留字段）")
