"""Bodies of the stored 新增定点 evaluations (api/evaluations.py) and their impact (api/impact.py)."""

from typing import Any, Literal

from pydantic import Field

from medinsurance.api.schemas.calculations import EvaluationSheets
from medinsurance.api.schemas.common import DOCUMENT_NUMBER, Day, DocumentNumber, Out, RowId, ScoreOut, Strict
from medinsurance.casework.evaluations import EvaluationFacts
from medinsurance.casework.impact import EvaluationScope
from qz_common.districts import District
from qz_common.impact import ImpactIn

EvaluationKind = Literal["medical_institution", "retail_pharmacy"]


class EvaluationRecordIn(Strict):
    application_id: RowId = Field(description="被评估的定点申请（已受理，评估中）")
    document_number: DocumentNumber = Field(None, description=DOCUMENT_NUMBER)
    evaluation: EvaluationSheets = Field(
        description="评估表（附件4 表1 医疗机构或表2 零售药店）：基础指标、各评估人员的评分表；按评估之日的标准计分"
    )

    def to_facts(self) -> EvaluationFacts:
        """The record's facts: the evaluation as entered, every field (defaults included), dates and decimals as
        text, so it scores again the same under any later reading."""
        return EvaluationFacts(self.application_id, self.document_number, self.evaluation.model_dump(mode="json"))


class EvaluationRecordOut(Out):
    id: int
    application_id: int
    institution_id: int
    district: str
    kind: str = Field(description="评估表：medical_institution 表1 | retail_pharmacy 表2")
    evaluated_on: Day
    document_number: str | None
    sheet: dict[str, Any] = Field(description="评估表录入（基础指标、各评估人员的评分表）")
    total: ScoreOut = Field(description="评估分数（各评估人员总分的平均，保留两位小数）")
    basic_passed: bool = Field(description="基础指标是否全部符合")
    qualified: bool = Field(description="是否合格（基础指标全部符合且85分(含)以上，二(三)3）")
    parameter_versions: dict[str, str] = Field(description="所用参数版本")
    basis: str


class EvaluationImpactIn(Strict, ImpactIn):
    evaluated_from: Day = Field(description="评估之日的起始日（含）", examples=["2023-01-01"])
    evaluated_to: Day = Field(description="评估之日的截止日（含）", examples=["2023-12-31"])
    district: District | None = Field(None, description="只测算该区（县、市）的评估；省略时为全部（限区用户只见本区）")
    kind: EvaluationKind | None = Field(
        None, description="只测算该评估表：medical_institution 表1 | retail_pharmacy 表2"
    )

    def scope(self) -> EvaluationScope:
        return EvaluationScope(self.evaluated_from, self.evaluated_to, self.district, self.kind)
