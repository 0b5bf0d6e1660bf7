"""Stateless quotes (衢政发〔2023〕2号 三): one method, or all four side by side."""

from fastapi import APIRouter

from expropriation.api.schemas.quotes import CompareOut, MethodOutcomeOut
from expropriation.casework.common import checked, load_params
from expropriation.facts.quote import QuoteOut, QuoteRequest
from expropriation.rules.quote import compare_methods, quote
from qz_common.identity import Reader, ensure_district

router = APIRouter(prefix="/v1/quotes", tags=["quotes"])


@router.post("", summary="补偿安置测算（单一安置方式，逐项列明依据）")
async def quote_household(body: QuoteRequest, caller: Reader) -> QuoteOut:
    ensure_district(caller, body.district)
    inp = body.to_rules()
    params = load_params(body.district, body.valuation_date, body.parameters)
    return QuoteOut.of(checked(lambda: quote(inp, params)), scenario=body.parameters)


@router.post("/compare", summary="四种安置方式对比测算（三(三)）")
async def compare(body: QuoteRequest, caller: Reader) -> CompareOut:
    ensure_district(caller, body.district)
    inp = body.to_rules()
    params = load_params(body.district, body.valuation_date, body.parameters)
    outcomes = [MethodOutcomeOut.of(o) for o in checked(lambda: compare_methods(inp, params))]
    return CompareOut(outcomes=outcomes, scenario=body.parameters)
