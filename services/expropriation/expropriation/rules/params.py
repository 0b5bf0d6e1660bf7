"""The parameters in their typed form, as the rules read them (pure: built from ParameterSets, reads no file; the
books are loaded, and handed to a calculator by one call, in ``expropriation/books.py``).

``params/expropriation.toml`` holds the figures of 衢政发〔2023〕2号 itself;
``params/district_<name>.toml`` holds what the 办法 leaves to 柯城区 / 衢江区.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from qz_common.params import ParameterSet

from .types import Structure


@dataclass(frozen=True)
class CityParams:
    version: str
    districts: tuple[str, ...]
    in_force_from: dt.date
    implemented_from: str
    replacement_prices: dict[Structure, Decimal]
    newness_no_depreciation_years: int
    depreciation_rate_per_year: Decimal
    depreciation_offset_years: int
    depreciation_cap: Decimal
    attic_low_band_from_m: Decimal
    attic_low_band_to_m: Decimal
    attic_low_factor: Decimal
    attic_high_factor: Decimal
    attic_boundary_in_high_band: bool
    attic_below_band_factor: Decimal
    stilt_band_from_m: Decimal
    stilt_band_to_m: Decimal
    stilt_factor: Decimal
    stilt_above_band_factor: Decimal
    stilt_below_band_factor: Decimal
    non_residential_multiplier: Decimal
    non_residential_applies_newness: bool
    ancillary_applies_newness: bool
    left_on_pre_announcement_day_excluded: bool
    deadline_day_in_window: bool
    window_birth_counts_without_membership: bool
    death_on_signing_day_counts: bool
    altering_work_excludes_part: bool
    base_area_m2: Decimal
    area_per_additional_person_m2: Decimal
    non_member_owner_area_cap_m2: Decimal
    voucher_validity_months: int
    voucher_valid_through_corresponding_day: bool
    voucher_remainder_reading: str
    voucher_area_reading: str
    voucher_average_weighted_by_area: bool
    house_within_area_split: str
    parent_kept_by: str
    swap_flat_replacement_price_per_m2: Decimal
    homestead_split_at_resettlement_area: bool
    temporary_fee_area_includes_other_parts: bool
    temporary_fee_per_m2_month: Decimal
    temporary_fee_min_per_household_month: Decimal
    temporary_months_monetary: int
    temporary_months_homestead: int
    temporary_months_voucher: int
    temporary_months_after_resettlement: int
    swap_due_months_multi_storey: int
    swap_due_months_high_rise: int
    overdue_multiplier: Decimal
    overdue_doubling_covers_post_delivery: bool
    unbuilt_area_in_fees_and_rewards: bool
    unbuilt_area_paid_in_money: bool
    moving_fee_per_move: Decimal
    early_vacate_rate_cap_per_m2: Decimal
    village_completion_rate_per_m2: Decimal
    rewards_payable_on_projection: bool
    clawback_against: str
    clawback_recovers_flat_and_voucher: bool

    @classmethod
    def from_set(cls, p: ParameterSet) -> CityParams:
        return cls(
            version=p.version,
            districts=tuple(str(d) for d in p["districts"]),
            in_force_from=p["in_force_from"],
            implemented_from=p.reading("implemented_from"),
            replacement_prices={
                Structure.FRAME: p.decimal("replacement_price_frame"),
                Structure.BRICK_CONCRETE: p.decimal("replacement_price_brick_concrete"),
                Structure.BRICK_WOOD: p.decimal("replacement_price_brick_wood"),
                Structure.OTHER: p.decimal("replacement_price_other"),
            },
            newness_no_depreciation_years=p.integer("newness_no_depreciation_years"),
            depreciation_rate_per_year=p.decimal("depreciation_rate_per_year"),
            depreciation_offset_years=p.integer("depreciation_offset_years"),
            depreciation_cap=p.decimal("depreciation_cap"),
            attic_low_band_from_m=p.decimal("attic_low_band_from_m"),
            attic_low_band_to_m=p.decimal("attic_low_band_to_m"),
            attic_low_factor=p.decimal("attic_low_factor"),
            attic_high_factor=p.decimal("attic_high_factor"),
            attic_boundary_in_high_band=bool(p["attic_boundary_in_high_band"]),
            attic_below_band_factor=p.decimal("attic_below_band_factor"),
            stilt_band_from_m=p.decimal("stilt_band_from_m"),
            stilt_band_to_m=p.decimal("stilt_band_to_m"),
            stilt_factor=p.decimal("stilt_factor"),
            stilt_above_band_factor=p.decimal("stilt_above_band_factor"),
            stilt_below_band_factor=p.decimal("stilt_below_band_factor"),
            non_residential_multiplier=p.decimal("non_residential_multiplier"),
            non_residential_applies_newness=bool(p["non_residential_applies_newness"]),
            ancillary_applies_newness=bool(p["ancillary_applies_newness"]),
            left_on_pre_announcement_day_excluded=bool(p["left_on_pre_announcement_day_excluded"]),
            deadline_day_in_window=bool(p["deadline_day_in_window"]),
            window_birth_counts_without_membership=bool(p["window_birth_counts_without_membership"]),
            death_on_signing_day_counts=bool(p["death_on_signing_day_counts"]),
            altering_work_excludes_part=bool(p["altering_work_excludes_part"]),
            base_area_m2=p.decimal("base_area_m2"),
            area_per_additional_person_m2=p.decimal("area_per_additional_person_m2"),
            non_member_owner_area_cap_m2=p.decimal("non_member_owner_area_cap_m2"),
            voucher_validity_months=p.integer("voucher_validity_months"),
            voucher_valid_through_corresponding_day=bool(p["voucher_valid_through_corresponding_day"]),
            voucher_remainder_reading=p.reading("voucher_remainder_reading"),
            voucher_area_reading=p.reading("voucher_area_reading"),
            voucher_average_weighted_by_area=bool(p["voucher_average_weighted_by_area"]),
            house_within_area_split=p.reading("house_within_area_split"),
            parent_kept_by=p.reading("parent_kept_by"),
            swap_flat_replacement_price_per_m2=p.decimal("swap_flat_replacement_price_per_m2"),
            homestead_split_at_resettlement_area=bool(p["homestead_split_at_resettlement_area"]),
            temporary_fee_area_includes_other_parts=bool(p["temporary_fee_area_includes_other_parts"]),
            temporary_fee_per_m2_month=p.decimal("temporary_fee_per_m2_month"),
            temporary_fee_min_per_household_month=p.decimal("temporary_fee_min_per_household_month"),
            temporary_months_monetary=p.integer("temporary_months_monetary"),
            temporary_months_homestead=p.integer("temporary_months_homestead"),
            temporary_months_voucher=p.integer("temporary_months_voucher"),
            temporary_months_after_resettlement=p.integer("temporary_months_after_resettlement"),
            swap_due_months_multi_storey=p.integer("swap_due_months_multi_storey"),
            swap_due_months_high_rise=p.integer("swap_due_months_high_rise"),
            overdue_multiplier=p.decimal("overdue_multiplier"),
            overdue_doubling_covers_post_delivery=bool(p["overdue_doubling_covers_post_delivery"]),
            unbuilt_area_in_fees_and_rewards=bool(p["unbuilt_area_in_fees_and_rewards"]),
            unbuilt_area_paid_in_money=bool(p["unbuilt_area_paid_in_money"]),
            moving_fee_per_move=p.decimal("moving_fee_per_move"),
            early_vacate_rate_cap_per_m2=p.decimal("early_vacate_rate_cap_per_m2"),
            village_completion_rate_per_m2=p.decimal("village_completion_rate_per_m2"),
            rewards_payable_on_projection=bool(p["rewards_payable_on_projection"]),
            clawback_against=p.reading("clawback_against"),
            clawback_recovers_flat_and_voucher=bool(p["clawback_recovers_flat_and_voucher"]),
        )


@dataclass(frozen=True)
class DistrictParams:
    version: str
    district: str
    division_code: str
    early_vacate_rate_per_m2: Decimal
    early_vacate_rate_supplied: bool
    voucher_new_housing_reward_rate: Decimal
    voucher_new_housing_reward_supplied: bool
    homestead_available: bool
    homestead_rules_supplied: bool

    @classmethod
    def from_set(cls, p: ParameterSet) -> DistrictParams:
        return cls(
            version=p.version,
            district=str(p["district"]),
            division_code=str(p["division_code"]),
            early_vacate_rate_per_m2=p.decimal("early_vacate_rate_per_m2"),
            early_vacate_rate_supplied=bool(p["early_vacate_rate_supplied"]),
            voucher_new_housing_reward_rate=p.decimal("voucher_new_housing_reward_rate"),
            voucher_new_housing_reward_supplied=bool(p["voucher_new_housing_reward_supplied"]),
            homestead_available=bool(p["homestead_available"]),
            homestead_rules_supplied=bool(p["homestead_rules_supplied"]),
        )


@dataclass(frozen=True)
class Params:
    """Everything one quote needs: the city's figures and the district's."""

    city: CityParams
    district: DistrictParams

    @property
    def versions(self) -> dict[str, str]:
        return {"expropriation": self.city.version, f"district:{self.district.district}": self.district.version}
