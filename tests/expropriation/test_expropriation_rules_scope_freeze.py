"""一(一) scope, 五(二) commencement, 二(一) freeze, 二(三) area recognition, 二(四) dispute path, 四(一) clawback."""

import datetime as dt
from decimal import Decimal

import pytest

from expropriation.books import params_on
from expropriation.rules.declarations import (
    DisputeState,
    advance_dispute,
    has_valid_proof,
    may_take_house,
    recognise_area,
)
from expropriation.rules.freeze import freeze_finding, is_frozen_work
from expropriation.rules.params import CityParams
from expropriation.rules.scope import check_scope
from expropriation.rules.types import OldRulesApply, OutOfScope, RuleError, WorkKind


def test_scope_accepts_both_districts(city: CityParams) -> None:
    check_scope(city, "柯城区", dt.date(2023, 3, 1))
    check_scope(city, "衢江区", dt.date(2023, 3, 1))


@pytest.mark.parametrize("district", ["常山县", "龙游县", "江山市", "智造新城"])
def test_scope_refuses_other_districts(city: CityParams, district: str) -> None:
    with pytest.raises(OutOfScope) as e:
        check_scope(city, district, dt.date(2023, 6, 1))
    assert e.value.field == "district"
    assert "一(一)" in e.value.basis


def test_scope_boundary_commencement_day_is_new_rules(city: CityParams) -> None:
    check_scope(city, "柯城区", dt.date(2023, 3, 1))


def test_scope_day_before_commencement_refused_as_old_rules(city: CityParams) -> None:
    with pytest.raises(OldRulesApply) as e:
        check_scope(city, "柯城区", dt.date(2023, 2, 28))
    assert e.value.field == "pre_announcement_date"
    assert "五(二)" in e.value.basis


def test_params_not_in_force_before_commencement() -> None:
    from qz_common.params import RuleNotInForce

    with pytest.raises(RuleNotInForce):
        params_on("柯城区", dt.date(2023, 2, 28))


def test_params_unknown_district_is_out_of_scope() -> None:
    with pytest.raises(OutOfScope):
        params_on("开化县", dt.date(2023, 6, 1))


PRE = dt.date(2023, 6, 1)


def test_freeze_includes_the_pre_announcement_day() -> None:
    assert is_frozen_work(PRE, PRE) is True


def test_freeze_day_before_is_not_frozen() -> None:
    assert is_frozen_work(PRE - dt.timedelta(days=1), PRE) is False
    assert freeze_finding("厨房", WorkKind.EXTENSION, PRE - dt.timedelta(days=1), PRE) is None


@pytest.mark.parametrize(
    ("kind", "clause"),
    [
        (WorkKind.NEW_BUILD, "二(一)1"),
        (WorkKind.RECONSTRUCTION, "二(一)1"),
        (WorkKind.EXTENSION, "二(一)1"),
        (WorkKind.SUDDEN_DECORATION, "二(一)2"),
        (WorkKind.START_APPROVED_BUILD, "二(一)3"),
        (WorkKind.OTHER_IMPROPER, "二(一)4"),
    ],
)
def test_freeze_each_work_kind_cites_its_item(kind: WorkKind, clause: str) -> None:
    f = freeze_finding("x", kind, PRE + dt.timedelta(days=10), PRE)
    assert f is not None
    assert f.decision in ("not_compensated", "work_not_compensated")
    assert f.basis == f"衢政发〔2023〕2号 {clause}"


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


@pytest.mark.parametrize("kind", [WorkKind.NEW_BUILD, WorkKind.EXTENSION, WorkKind.START_APPROVED_BUILD])
def test_freeze_area_creating_work_excludes_the_part(kind: WorkKind) -> None:
    f = freeze_finding("x", kind, PRE, PRE)
    assert f is not None and f.decision == "not_compensated"


@pytest.mark.parametrize("kind", [WorkKind.RECONSTRUCTION, WorkKind.SUDDEN_DECORATION, WorkKind.OTHER_IMPROPER])
def test_freeze_altering_work_leaves_the_part_at_its_prior_state(kind: WorkKind) -> None:
    f = freeze_finding("x", kind, PRE, PRE)
    assert f is not None and f.decision == "work_not_compensated"
