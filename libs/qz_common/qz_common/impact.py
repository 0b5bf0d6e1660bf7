"""Impact: what a scenario (changed figures, another reading) is worth across the stored caseload.

A service recomputes each record in scope twice from its stored facts, as decided and under the scenario, and
hands both outcomes here; this module only compares and sums them, so the sums read the same in every service:
totals before and after, the difference by item and clause, how many records gain, lose, stay or change outcome
(a refusal, a grade), how the changes are distributed, and the records that change most. Money is already rounded
to 分 by the calculators; the sums here add rounded items, so a total is the sum of the lines a reader sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from pydantic import BaseModel, Field

from qz_common.inputs import StrictInput
from qz_common.money import Yuan
from qz_common.params import ParameterSet, as_sent
from qz_common.scenario import ScenarioOverrides

ZERO = Decimal("0")
FEN = Decimal("0.01")


@dataclass(frozen=True)
class Outcome:
    """One record under one set of parameters: its outcome (``quoted``, a refusal's code, a grade) and, when it has
    figures, each item's amount and clause."""

    outcome: str
    amounts: Mapping[str, Decimal]
    bases: Mapping[str, str]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)


@dataclass(frozen=True)
class RecordImpact:
    record_id: str
    label: str
    before: Outcome
    after: Outcome

    @property
    def difference(self) -> Decimal:
        return self.after.total - self.before.total

    @property
    def outcome_changed(self) -> bool:
        return self.before.outcome != self.after.outcome


@dataclass(frozen=True)
class ItemImpact:
    code: str
    basis: str
    before: Decimal
    after: Decimal

    @property
    def difference(self) -> Decimal:
        return self.after - self.before


@dataclass(frozen=True)
class Bin:
    """Records whose difference d lies in [low, high) (the last bin includes ``high``)."""

    low: Decimal
    high: Decimal
    records: int


@dataclass(frozen=True)
class ImpactSummary:
    records: int
    total_before: Decimal
    total_after: Decimal
    gain: int
    lose: int
    unchanged: int
    outcome_changed: int
    items: tuple[ItemImpact, ...]
    distribution: tuple[Bin, ...]
    largest: tuple[RecordImpact, ...]

    @property
    def difference(self) -> Decimal:
        return self.total_after - self.total_before


def summarise(
    records: Sequence[RecordImpact], *, largest: int = 10, bins: int = 10, changed_outcomes_first: bool = False
) -> ImpactSummary:
    """The comparison of ``records``; ``largest`` records by the size of their change, ``bins`` equal-width bins of
    the differences (one bin when every difference is the same). ``changed_outcomes_first`` lists the records whose
    outcome changed before the others: for a caseload whose outcome carries no amount (a grade), they are its
    changes."""

    def size(r: RecordImpact) -> tuple[bool, Decimal, str]:
        return (changed_outcomes_first and not r.outcome_changed, -abs(r.difference), r.record_id)

    return ImpactSummary(
        records=len(records),
        total_before=sum((r.before.total for r in records), ZERO),
        total_after=sum((r.after.total for r in records), ZERO),
        gain=sum(1 for r in records if r.difference > 0),
        lose=sum(1 for r in records if r.difference < 0),
        unchanged=sum(1 for r in records if r.difference == 0 and not r.outcome_changed),
        outcome_changed=sum(1 for r in records if r.outcome_changed),
        items=_by_item(records),
        distribution=histogram([r.difference for r in records], bins),
        largest=tuple(sorted(records, key=size)[:largest]),
    )


def _by_item(records: Sequence[RecordImpact]) -> tuple[ItemImpact, ...]:
    """Each item's sum before and after, in the order items first appear (an item only one side has counts 0 on
    the other); its clause as the scenario cites it, else as decided."""
    before: dict[str, Decimal] = {}
    after: dict[str, Decimal] = {}
    bases: dict[str, str] = {}
    for r in records:
        for side, outcome in ((before, r.before), (after, r.after)):
            for code, amount in outcome.amounts.items():
                side[code] = side.get(code, ZERO) + amount
                before.setdefault(code, ZERO)
                after.setdefault(code, ZERO)
        bases |= {**r.before.bases, **r.after.bases}
    return tuple(ItemImpact(code, bases.get(code, ""), before[code], after[code]) for code in before)


def histogram(differences: Sequence[Decimal], bins: int) -> tuple[Bin, ...]:
    """Equal-width bins from the smallest difference to the largest, edges on whole 分."""
    if not differences:
        return ()
    low = min(differences).quantize(FEN, ROUND_FLOOR)
    high = max(differences).quantize(FEN, ROUND_CEILING)
    if low == high:
        return (Bin(low, high, len(differences)),)
    width = max(((high - low) / bins).quantize(FEN, ROUND_CEILING), FEN)
    bins = int(((high - low) / width).to_integral_value(ROUND_CEILING))  # fewer when the width was rounded up
    edges = [low + width * i for i in range(bins)] + [high]
    counts = [0] * bins
    for d in differences:
        index = min(int((d - low) // width), bins - 1)
        counts[index] += 1
    return tuple(Bin(edges[i], edges[i + 1], counts[i]) for i in range(bins))


# --- over HTTP ------------------------------------------------------------------------------------------------------

LARGEST_MAX = 100
BINS_MAX = 50


class ImpactIn(StrictInput):
    """What every service's impact request has besides its scope: the scenario (figures and readings, bounded as
    in what-if) and the size of the summary."""

    parameters: ScenarioOverrides
    largest: int = Field(10, ge=1, le=LARGEST_MAX, description="列出变化最大的记录数")
    bins: int = Field(10, ge=1, le=BINS_MAX, description="差额分布的分组数")


class ItemImpactOut(BaseModel):
    code: str = Field(description="项目代码")
    label: str = Field(description="项目名称")
    basis: str = Field(description="条款依据")
    before: Yuan = Field(description="现行合计")
    after: Yuan = Field(description="情景合计")
    difference: Yuan = Field(description="差额（情景 − 现行）")


class BinOut(BaseModel):
    low: Yuan = Field(description="差额下限（含）")
    high: Yuan = Field(description="差额上限（不含；最后一组含）")
    records: int = Field(description="户（件）数")


class RecordImpactOut(BaseModel):
    record_id: str = Field(description="记录编号")
    label: str = Field(description="记录名称（户号、机构名等）")
    before: Yuan = Field(description="现行合计")
    after: Yuan = Field(description="情景合计")
    difference: Yuan = Field(description="差额")
    outcome_before: str = Field(description="现行结果（quoted 已测算，或不予测算的代码、等级）")
    outcome_after: str = Field(description="情景结果")


class ReadingUsed(BaseModel):
    parameter: str = Field(description="承载条文理解的参数（其歧义登记簿条目见 /v1/readings）")
    before: str = Field(description="现行采用的理解（参数值）")
    after: str = Field(description="情景采用的理解")


def readings_used(before: Sequence[ParameterSet], after: Sequence[ParameterSet]) -> list[ReadingUsed]:
    """The reading each reading parameter held on each side (books in the same order on both)."""
    return [
        ReadingUsed(parameter=f"{b.book}.{key}", before=as_sent(b.values[key]), after=as_sent(a.values[key]))
        for b, a in zip(before, after, strict=True)
        for key in b.readings
        if key in b.values
    ]


class ImpactOut(BaseModel):
    """An impact result: both sides computed from the stored facts; nothing in scope changed."""

    scope: str = Field(description="测算范围")
    records: int = Field(description="测算户（件）数")
    total_before: Yuan = Field(description="现行合计（元）")
    total_after: Yuan = Field(description="情景合计（元）")
    difference: Yuan = Field(description="差额（元）")
    gain: int = Field(description="增加的户（件）数")
    lose: int = Field(description="减少的户（件）数")
    unchanged: int = Field(description="不变的户（件）数")
    outcome_changed: int = Field(description="结果改变的户（件）数（如由可测算变为不予测算）")
    items: list[ItemImpactOut] = Field(description="分项差额，含条款依据")
    distribution: list[BinOut] = Field(description="差额分布")
    largest: list[RecordImpactOut] = Field(description="变化最大的记录")
    scenario: dict[str, str] = Field(description="情景参数（含切换的条文理解）")
    parameter_versions: dict[str, str] = Field(description="两边所用的参数版本：before 现行、after 情景")
    readings: list[ReadingUsed] = Field(description="两边所用的条文理解")

    @classmethod
    def of(
        cls,
        summary: ImpactSummary,
        *,
        scope: str,
        labels: Mapping[str, str],
        scenario: Mapping[str, str],
        parameter_versions: Mapping[str, str],
        readings: Sequence[ReadingUsed],
    ) -> ImpactOut:
        return cls(
            scope=scope,
            records=summary.records,
            total_before=summary.total_before,
            total_after=summary.total_after,
            difference=summary.difference,
            gain=summary.gain,
            lose=summary.lose,
            unchanged=summary.unchanged,
            outcome_changed=summary.outcome_changed,
            items=[
                ItemImpactOut(
                    code=i.code,
                    label=labels.get(i.code, i.code),
                    basis=i.basis,
                    before=i.before,
                    after=i.after,
                    difference=i.difference,
                )
                for i in summary.items
            ],
            distribution=[BinOut(low=b.low, high=b.high, records=b.records) for b in summary.distribution],
            largest=[
                RecordImpactOut(
                    record_id=r.record_id,
                    label=r.label,
                    before=r.before.total,
                    after=r.after.total,
                    difference=r.difference,
                    outcome_before=r.before.outcome,
                    outcome_after=r.after.outcome,
                )
                for r in summary.largest
            ],
            scenario=dict(scenario),
            parameter_versions=dict(parameter_versions),
            readings=list(readings),
        )
