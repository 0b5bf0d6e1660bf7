"""一(一) 适用范围, 五(二) 施行日期, 三(四)1 国有土地."""

import datetime as dt

import pytest

from expropriation.books import params_on
from expropriation.rules.params import CityParams
from expropriation.rules.scope import check_scope, state_land_out_of_scope
from expropriation.rules.types import Land, OldRulesApply, OutOfScope
from qz_common.params import RuleNotInForce


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
    with pytest.raises(RuleNotInForce):
        params_on("柯城区", dt.date(2023, 2, 28))


def test_params_unknown_district_is_out_of_scope() -> None:
    with pytest.raises(OutOfScope):
        params_on("开化县", dt.date(2023, 6, 1))


def test_only_state_land_is_out_of_scope() -> None:
    # 三(四)1 "涉及国有土地房屋征收的，按…国有土地房屋征收与补偿政策执行"
    assert state_land_out_of_scope(Land.STATE) is True
    assert state_land_out_of_scope(Land.COLLECTIVE) is False
