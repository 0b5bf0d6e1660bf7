"""二(三) 面积认定 and 有效凭证, 二(四) 争议房屋的程序."""

from decimal import Decimal

import pytest

from expropriation.rules.declarations import (
    DisputeState,
    advance_dispute,
    has_valid_proof,
    may_take_house,
    recognise_area,
)
from expropriation.rules.types import RuleError


def test_area_recognition_certificate_wins() -> None:
    r = recognise_area(Decimal("120.5"), Decimal("130"))
    assert (r.area_m2, r.source) == (Decimal("120.5"), "certificate")
    assert "二(三)" in r.basis


def test_area_recognition_falls_back_to_authority() -> None:
    r = recognise_area(None, Decimal("98"))
    assert (r.area_m2, r.source) == (Decimal("98"), "authority")


def test_area_recognition_with_neither_is_refused() -> None:
    with pytest.raises(RuleError) as e:
        recognise_area(None, None)
    assert e.value.field == "certificate_area_m2"


def test_area_recognition_negative_refused() -> None:
    with pytest.raises(RuleError):
        recognise_area(Decimal("-1"), None)


def test_a_certified_area_of_zero_or_a_fraction_is_recognised() -> None:
    # only a negative area is refused here; 0 m² and 0.5 m² are areas a certificate or authority can state (a
    # built part of 0 m² is refused by the quote, A-45)
    for area in (Decimal("0"), Decimal("0.5")):
        assert recognise_area(area, None).area_m2 == area
        assert recognise_area(None, area).area_m2 == area


def test_proof_one_of_four_kinds() -> None:
    assert has_valid_proof({"building_permit"}) is True
    assert has_valid_proof(set()) is False
    assert has_valid_proof({"photo"}) is False


def test_dispute_path_in_order_to_deposit() -> None:
    s = DisputeState.OPENED
    assert may_take_house(s) is False
    for nxt in (
        DisputeState.PLAN_PROPOSED,
        DisputeState.EVIDENCE_PRESERVED,
        DisputeState.DECISION_MADE,
    ):
        s = advance_dispute(s, nxt)
        assert may_take_house(s) is False
    s = advance_dispute(s, DisputeState.DEPOSITED)
    assert may_take_house(s) is True


def test_dispute_cannot_skip_evidence_preservation() -> None:
    with pytest.raises(RuleError) as e:
        advance_dispute(DisputeState.PLAN_PROPOSED, DisputeState.DECISION_MADE)
    assert "二(四)" in e.value.basis


def test_dispute_cannot_deposit_without_decision() -> None:
    with pytest.raises(RuleError):
        advance_dispute(DisputeState.EVIDENCE_PRESERVED, DisputeState.DEPOSITED)


def test_dispute_resolved_releases_the_house() -> None:
    assert may_take_house(advance_dispute(DisputeState.OPENED, DisputeState.RESOLVED)) is True
