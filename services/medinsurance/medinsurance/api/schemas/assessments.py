"""Bodies of the yearly 绩效考核 records (api/assessments.py) and their impact (api/impact.py)."""

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field

from medinsurance.api.schemas.calculations import MAX_UNITS, ConsequencesOut, TableItemIn
from medinsurance.api.schemas.common import DOCUMENT_NUMBER, Day, DocumentNumber, Out, RowId, ScoreOut, Strict
from medinsurance.casework.assessments import AssessmentFacts
from medinsurance.rules.basis import IN_FORCE_FROM
from medinsurance.rules.performance import Category
from qz_common.districts import District
from qz_common.impact import ImpactIn

Year = Annotated[int, Field(ge=IN_FORCE_FROM.year, le=2098)]


class SheetItemIn(TableItemIn):
    """One row of a stored sheet: as the calculator's, with figures to 0.01 (a stored score keeps 3 decimals)."""

    units: dict[str, Annotated[Decimal, Field(ge=0, le=MAX_UNITS, decimal_places=2)]] = Field(
        default_factory=dict,
        max_length=10,
        description="按扣分单位计的数量（至多两位小数），单位名称见参数簿（如 shortfall_points 降低的百分点）",
    )
    deduction: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] = Field(
        Decimal(0), description="直接录入的扣分（entered 类项目，至多两位小数）"
    )


Sheet = Annotated[dict[str, SheetItemIn], Field(max_length=40)]


class AssessmentIn(Strict):
    institution_id: RowId = Field(description="被考核的定点医药机构")
    year: Year = Field(description="考核年度（自然年度，附件1 二(三)）")
    category: Category = Field(
        description="考核类别：comprehensive 综合类医疗机构 | outpatient 门诊类 | pharmacy 零售药店（附件1 二(三)）"
    )
    new_this_year: bool = Field(False, description="当年新增的定点医药机构（不予考核、不参与排名，附件1 二(四)）")
    assessed_on: Day = Field(description="年度总评作出之日（次年，一般在一季度；按该日的考核标准计分）")
    document_number: DocumentNumber = Field(None, description=DOCUMENT_NUMBER)
    half_year: Sheet = Field(default_factory=dict, description="半年拟评考核表：行代码 → 录入（未录入的行按满分）")
    annual: Sheet = Field(default_factory=dict, description="年度总评考核表：行代码 → 录入（未录入的行按满分）")

    def to_facts(self) -> AssessmentFacts:
        """The record's facts: each sheet as entered (the fields the caseworker set), decimals as text."""
        sheets = {
            name: {code: row.model_dump(mode="json", exclude_unset=True) for code, row in sheet.items()}
            for name, sheet in (("half_year", self.half_year), ("annual", self.annual))
        }
        return AssessmentFacts(
            **self.model_dump(exclude={"half_year", "annual"}),
            half_year_items=sheets["half_year"],
            annual_items=sheets["annual"],
        )


class AssessmentOut(Out):
    id: int
    institution_id: int
    district: str = Field(description="所在区县（市）：与同年度同类别的本区机构一并排名定级（A-72）")
    year: int
    category: str
    new_this_year: bool
    assessed_on: Day
    document_number: str | None
    half_year_items: dict[str, Any] = Field(description="半年拟评考核表录入")
    annual_items: dict[str, Any] = Field(description="年度总评考核表录入")
    half_year_score: ScoreOut | None = Field(description="半年拟评得分")
    annual_score: ScoreOut | None = Field(description="年度总评得分")
    final_score: ScoreOut | None = Field(description="年度绩效考核最终得分＝半年拟评×30%＋年度总评×70%")
    grade: str | None = Field(description="等级 A/B/C/D（当年新增的不予考核：空）")
    rank: int | None = Field(description="在本区同类别机构中的名次（并列取较前名次）")
    consequences: ConsequencesOut = Field(description="结果运用（附件1 二(四)）")
    parameter_versions: dict[str, str] = Field(description="所用参数版本：sheets 计分、grade 定级")
    basis: str


class AssessmentImpactIn(Strict, ImpactIn):
    year: Year = Field(description="考核年度", examples=[2025])
    district: District | None = Field(None, description="只测算该区（县、市）的考核；省略时为全部（限区用户只见本区）")
