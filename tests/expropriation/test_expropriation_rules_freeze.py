"""二(一): what is done from the 征收土地预公告 on "不得予以补偿"."""

import datetime as dt

import pytest

from expropriation.rules.freeze import freeze_finding, is_frozen_work
from expropriation.rules.params import CityParams
from expropriation.rules.types import WorkKind

PRE = dt.date(2023, 6, 1)


def test_freeze_includes_the_pre_announcement_day(city: CityParams) -> None:
    assert is_frozen_work(PRE, PRE) is True


def test_freeze_day_before_is_not_frozen(city: CityParams) -> None:
    assert is_frozen_work(PRE - dt.timedelta(days=1), PRE) is False
    assert freeze_finding(city, "厨房", WorkKind.EXTENSION, PRE - dt.timedelta(days=1), PRE) is None


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
def test_freeze_each_work_kind_cites_its_item(city: CityParams, kind: WorkKind, clause: str) -> None:
    f = freeze_finding(city, "x", kind, PRE + dt.timedelta(days=10), PRE)
    assert f is not None
    assert f.decision in ("not_compensated", "work_not_compensated")
    assert f.basis == f"衢政发〔2023〕2号 {clause}"


@pytest.mark.parametrize("kind", [WorkKind.NEW_BUILD, WorkKind.EXTENSION, WorkKind.START_APPROVED_BUILD])
def test_freeze_area_creating_work_excludes_the_part(city: CityParams, kind: WorkKind) -> None:
    f = freeze_finding(city, "x", kind, PRE, PRE)
    assert f is not None and f.decision == "not_compensated"


@pytest.mark.parametrize("kind", [WorkKind.RECONSTRUCTION, WorkKind.SUDDEN_DECORATION, WorkKind.OTHER_IMPROPER])
def test_freeze_altering_work_leaves_the_part_at_its_prior_state(city: CityParams, kind: WorkKind) -> None:
    f = freeze_finding(city, "x", kind, PRE, PRE)
    assert f is not None and f.decision == "work_not_compensated"
