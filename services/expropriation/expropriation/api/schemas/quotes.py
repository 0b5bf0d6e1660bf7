"""Bodies of the stateless quote endpoints (the request itself is facts.quote.QuoteRequest)."""

from __future__ import annotations

from pydantic import BaseModel

from expropriation.facts.quote import QuoteOut, RefusalOut, refusal
from expropriation.rules.quote import MethodOutcome
from expropriation.rules.types import Method
from qz_common.scenario import ScenarioEcho


class MethodOutcomeOut(BaseModel):
    method: Method
    available: bool
    quote: QuoteOut | None
    refusal: RefusalOut | None

    @classmethod
    def of(cls, o: MethodOutcome) -> MethodOutcomeOut:
        return cls(
            method=o.method,
            available=o.quote is not None,
            quote=QuoteOut.of(o.quote) if o.quote else None,
            refusal=refusal(o.error) if o.error else None,
        )


class CompareOut(BaseModel):
    outcomes: list[MethodOutcomeOut]
    scenario: ScenarioEcho = None
