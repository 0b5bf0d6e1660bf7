"""What-if quotes: declared parameters overridden, validated, echoed and marked; stored records take none."""

from typing import Any

from expropriation_kit import PROJECT
from fastapi.testclient import TestClient

from expropriation.facts.examples import QUOTE_REQUEST


def quote(client: TestClient, parameters: dict[str, str] | None) -> Any:
    return client.post("/v1/quotes", json={**QUOTE_REQUEST, "parameters": parameters})


def test_a_what_if_is_marked_as_scenario(client: TestClient) -> None:
    """The figures of this what-if are a case table (quote_fees_and_rewards.toml, "情景测算"); here, its marks."""
    assert "scenario" not in quote(client, None).json()
    overrides = {"expropriation.temporary_fee_per_m2_month": "12", "district_kecheng.early_vacate_rate_per_m2": "300"}
    r = quote(client, overrides)
    assert r.status_code == 200, r.text
    assert r.json()["scenario"] == overrides
    assert r.json()["parameter_versions"] == {
        "expropriation": "2023-03-01+scenario",
        "district:柯城区": "kecheng-2023-03-01+scenario",
    }
    assert "expropriation=2023-03-01+scenario@2023-03-01" in r.headers["x-parameter-versions"]
    compare = client.post("/v1/quotes/compare", json={**QUOTE_REQUEST, "parameters": overrides}).json()
    assert compare["scenario"] == overrides


def test_only_declared_numeric_parameters_can_be_overridden(client: TestClient) -> None:
    r = quote(
        client,
        {
            "expropriation.no_such_rate": "1",
            "expropriation.voucher_remainder_reading": "half",  # a reading the register does not list
            "expropriation.base_area_m2": "-10",
            "district_qujiang.early_vacate_rate_per_m2": "300",  # another district's book: not used by this quote
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "scenario_invalid"
    codes = {e["field"]: e["code"] for e in r.json()["errors"]}
    assert codes == {
        "parameters.expropriation.no_such_rate": "parameter_unknown",
        "parameters.expropriation.voucher_remainder_reading": "reading_unknown",
        "parameters.expropriation.base_area_m2": "parameter_invalid",
        "parameters.district_qujiang.early_vacate_rate_per_m2": "parameter_unknown",
    }
    newness = {"expropriation.non_residential_applies_newness": "true"}
    flag = quote(client, newness)
    assert flag.status_code == 200 and flag.json()["scenario"] == newness


def test_identifiers_are_not_figures_a_what_if_may_change(client: TestClient) -> None:
    """柯城区's administrative division code is a number in its book, but no amount, rate, count or duration (its
    unit is none): a quote cannot be tried with another one (issue 30)."""
    r = quote(client, {"district_kecheng.division_code": "330803"})
    assert (r.status_code, r.json()["code"]) == (422, "scenario_invalid")
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [
        ("parameters.district_kecheng.division_code", "parameter_not_a_figure")
    ]


def test_an_oversized_name_or_value_is_refused_in_a_few_hundred_bytes(client: TestClient) -> None:
    """A 200 KB override name made a 1 MB problem (issue 30): names and values are bounded before anything echoes
    them, and the answer names only the field."""
    for overrides in ({"x" * 200_000: "1"}, {"expropriation.base_area_m2": "1" * 200_000}):
        r = quote(client, overrides)
        assert (r.status_code, r.json()["field"], r.json()["errors"][0]["code"]) == (
            422,
            "parameters",
            "scenario_too_long",
        )
        assert len(r.content) < 1000


def test_stored_records_never_take_overrides(client: TestClient) -> None:
    project = PROJECT | {"parameters": {"expropriation.base_area_m2": "120"}}
    r = client.post("/v1/projects", json=project)
    assert (r.status_code, r.json()["field"]) == (422, "parameters")


def test_a_fraction_where_a_book_counts_months_is_the_scenario_at_fault(client: TestClient) -> None:
    """三(四)6 pays 临时安置费 for whole months (货币补偿 12): 12.5 months cannot be typed as the book's count of
    months. Before, the what-if answered 500."""
    r = quote(client, {"expropriation.temporary_months_monetary": "12.5"})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "scenario_not_computable", "parameters")
