"""Typed views of the parameter books (built from a ``ParameterSet``; no I/O here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from qz_common.params import ParameterSet


def _one_of(p: ParameterSet, name: str, readings: tuple[str, ...]) -> str:
    """A reading parameter's value, which must be one of the readings the rules branch on."""
    value = str(p[name])
    if value not in readings:
        raise ValueError(f"{name} must be one of {readings}, not {value!r}")
    return value


@dataclass(frozen=True)
class InstituteParams:
    """Figures of 衢市科发高〔2022〕43号 (params/institutes.toml)."""

    version: str
    min_registration_years: int
    period_start_day_counted: bool  # G-01
    hitech_valid_on: str  # I-06
    audit_reports_of: str  # I-11
    band_lower_limit: Decimal
    band_upper_limit: Decimal
    shared_edge_band: str
    field_condition_halves: str
    ip_window_from: str
    incident_window_from: str
    small_min_ratio: Decimal
    small_min_rd: Decimal
    medium_min_ratio: Decimal
    medium_min_rd: Decimal
    large_min_ratio: Decimal
    large_min_rd: Decimal
    min_rd_staff: int
    min_rd_staff_tech_service: int
    min_rd_staff_share: Decimal
    min_qualified_share: Decimal
    min_site_m2: Decimal
    min_equipment: Decimal
    min_equipment_tech_service: Decimal
    shared_equipment_rate: Decimal
    shared_equipment_max_share: Decimal
    shared_equipment_cap_applies: bool
    knowledge_intensive_min_site_m2: Decimal
    knowledge_intensive_min_equipment: Decimal
    knowledge_intensive_min_equipment_tech_service: Decimal
    ip_lookback_years: int
    min_major_ip: int
    min_minor_ip: int
    change_report_months: int
    consecutive_misses_for_revocation: int
    misses_run_across_gaps: bool
    annual_report_months_after_year: int
    false_materials_ban_years: int
    false_materials_ban_start_day_counted: bool  # G-01

    @classmethod
    def from_params(cls, p: ParameterSet) -> InstituteParams:
        return cls(
            version=f"{p.book}@{p.version}",
            min_registration_years=p.integer("min_registration_years"),
            period_start_day_counted=bool(p["period_start_day_counted"]),
            hitech_valid_on=_one_of(p, "hitech_valid_on", ("application", "recognition")),
            audit_reports_of=_one_of(p, "audit_reports_of", ("three_years", "years_registered")),
            band_lower_limit=p.decimal("band_lower_limit"),
            band_upper_limit=p.decimal("band_upper_limit"),
            shared_edge_band=_one_of(p, "shared_edge_band", ("upper", "middle")),
            field_condition_halves=_one_of(p, "field_condition_halves", ("both", "either")),
            ip_window_from=_one_of(p, "ip_window_from", ("same_date", "calendar_year")),
            incident_window_from=_one_of(p, "incident_window_from", ("previous_year_start", "one_year_before")),
            small_min_ratio=p.decimal("small_min_ratio"),
            small_min_rd=p.decimal("small_min_rd"),
            medium_min_ratio=p.decimal("medium_min_ratio"),
            medium_min_rd=p.decimal("medium_min_rd"),
            large_min_ratio=p.decimal("large_min_ratio"),
            large_min_rd=p.decimal("large_min_rd"),
            min_rd_staff=p.integer("min_rd_staff"),
            min_rd_staff_tech_service=p.integer("min_rd_staff_tech_service"),
            min_rd_staff_share=p.decimal("min_rd_staff_share"),
            min_qualified_share=p.decimal("min_qualified_share"),
            min_site_m2=p.decimal("min_site_m2"),
            min_equipment=p.decimal("min_equipment"),
            min_equipment_tech_service=p.decimal("min_equipment_tech_service"),
            shared_equipment_rate=p.decimal("shared_equipment_rate"),
            shared_equipment_max_share=p.decimal("shared_equipment_max_share"),
            shared_equipment_cap_applies=bool(p["shared_equipment_cap_applies"]),
            knowledge_intensive_min_site_m2=p.decimal("knowledge_intensive_min_site_m2"),
            knowledge_intensive_min_equipment=p.decimal("knowledge_intensive_min_equipment"),
            knowledge_intensive_min_equipment_tech_service=p.decimal("knowledge_intensive_min_equipment_tech_service"),
            ip_lookback_years=p.integer("ip_lookback_years"),
            min_major_ip=p.integer("min_major_ip"),
            min_minor_ip=p.integer("min_minor_ip"),
            change_report_months=p.integer("change_report_months"),
            consecutive_misses_for_revocation=p.integer("consecutive_misses_for_revocation"),
            misses_run_across_gaps=bool(p["misses_run_across_gaps"]),
            annual_report_months_after_year=p.integer("annual_report_months_after_year"),
            false_materials_ban_years=p.integer("false_materials_ban_years"),
            false_materials_ban_start_day_counted=bool(p["false_materials_ban_start_day_counted"]),
        )


@dataclass(frozen=True)
class VoucherParams:
    """Figures of 衢市科发高〔2022〕44号 (params/vouchers.toml)."""

    version: str
    commissioned_development_rate: Decimal
    technical_consulting_rate: Decimal
    special_audit_rate: Decimal
    testing_rate: Decimal
    testing_shared_platform_rate: Decimal
    financial_consulting_full_amount: Decimal
    financial_consulting_excess_rate: Decimal
    financial_consulting_half_of: str
    annual_claim_cap: Decimal
    validity_months: int
    redemption_deadline_month: int
    redemption_deadline_day: int
    redemption_deadline_day_included: bool
    payment_deadline_month: int
    payment_deadline_day: int
    fraud_ban_years: int
    fraud_ban_start_day_counted: bool  # G-01
    four_colour_due_day: int
    validity_start_day_counted: bool  # G-01
    submission_within_validity: bool  # V-02
    service_use_from: str  # V-06
    annual_cap_counts: str  # V-03
    refused_reservation_returns_to: str  # V-11
    carrier_ban_withholds: str  # V-13
    credit_ban_reach: str  # G-02

    @classmethod
    def from_params(cls, p: ParameterSet) -> VoucherParams:
        return cls(
            version=f"{p.book}@{p.version}",
            commissioned_development_rate=p.decimal("commissioned_development_rate"),
            technical_consulting_rate=p.decimal("technical_consulting_rate"),
            special_audit_rate=p.decimal("special_audit_rate"),
            testing_rate=p.decimal("testing_rate"),
            testing_shared_platform_rate=p.decimal("testing_shared_platform_rate"),
            financial_consulting_full_amount=p.decimal("financial_consulting_full_amount"),
            financial_consulting_excess_rate=p.decimal("financial_consulting_excess_rate"),
            financial_consulting_half_of=_one_of(p, "financial_consulting_half_of", ("excess", "whole")),
            annual_claim_cap=p.decimal("annual_claim_cap"),
            validity_months=p.integer("validity_months"),
            redemption_deadline_month=p.integer("redemption_deadline_month"),
            redemption_deadline_day=p.integer("redemption_deadline_day"),
            redemption_deadline_day_included=bool(p["redemption_deadline_day_included"]),
            payment_deadline_month=p.integer("payment_deadline_month"),
            payment_deadline_day=p.integer("payment_deadline_day"),
            fraud_ban_years=p.integer("fraud_ban_years"),
            fraud_ban_start_day_counted=bool(p["fraud_ban_start_day_counted"]),
            four_colour_due_day=p.integer("four_colour_due_day"),
            validity_start_day_counted=bool(p["validity_start_day_counted"]),
            submission_within_validity=bool(p["submission_within_validity"]),
            service_use_from=_one_of(p, "service_use_from", ("claim_day", "year_start")),
            annual_cap_counts=_one_of(p, "annual_cap_counts", ("face_value", "net_of_expired")),
            refused_reservation_returns_to=_one_of(
                p, "refused_reservation_returns_to", ("voucher_while_valid", "pool")
            ),
            carrier_ban_withholds=_one_of(p, "carrier_ban_withholds", ("redemptions", "own_funds")),
            credit_ban_reach=_one_of(p, "credit_ban_reach", ("every_programme", "own_programme")),
        )


@dataclass(frozen=True)
class PolicyParams:
    """Figures of 衢政发〔2023〕1号 items 8, 10, 12–15 (params/policies.toml)."""

    version: str
    valid_from: dt.date
    valid_until: dt.date
    rd_min_expense: Decimal
    rd_min_ratio: Decimal
    rd_min_growth: Decimal
    rd_growth_without_previous: str
    rd_existing_rate: Decimal
    rd_increase_rate: Decimal
    rd_cap: Decimal
    international_base_award: Decimal
    overseas_rd_rate: Decimal
    overseas_rd_cap: Decimal
    incubator_national: Decimal
    incubator_provincial: Decimal
    maker_space_national: Decimal
    maker_space_provincial: Decimal
    excellent_maker_space_match_ratio: Decimal
    insurance_compensation_rate: Decimal
    premium_within_voucher: bool  # P-05
    innovation_centre_city_multiple: Decimal
    tech_transfer_exempt_amount: Decimal
    tech_transfer_excess_taxable_share: Decimal

    @classmethod
    def from_params(cls, p: ParameterSet) -> PolicyParams:
        return cls(
            version=f"{p.book}@{p.version}",
            valid_from=dt.date.fromisoformat(str(p["valid_from"])),
            valid_until=dt.date.fromisoformat(str(p["valid_until"])),
            rd_min_expense=p.decimal("rd_min_expense"),
            rd_min_ratio=p.decimal("rd_min_ratio"),
            rd_min_growth=p.decimal("rd_min_growth"),
            rd_growth_without_previous=_one_of(p, "rd_growth_without_previous", ("not_met", "met")),
            rd_existing_rate=p.decimal("rd_existing_rate"),
            rd_increase_rate=p.decimal("rd_increase_rate"),
            rd_cap=p.decimal("rd_cap"),
            international_base_award=p.decimal("international_base_award"),
            overseas_rd_rate=p.decimal("overseas_rd_rate"),
            overseas_rd_cap=p.decimal("overseas_rd_cap"),
            incubator_national=p.decimal("incubator_national"),
            incubator_provincial=p.decimal("incubator_provincial"),
            maker_space_national=p.decimal("maker_space_national"),
            maker_space_provincial=p.decimal("maker_space_provincial"),
            excellent_maker_space_match_ratio=p.decimal("excellent_maker_space_match_ratio"),
            insurance_compensation_rate=p.decimal("insurance_compensation_rate"),
            premium_within_voucher=bool(p["premium_within_voucher"]),
            innovation_centre_city_multiple=p.decimal("innovation_centre_city_multiple"),
            tech_transfer_exempt_amount=p.decimal("tech_transfer_exempt_amount"),
            tech_transfer_excess_taxable_share=p.decimal("tech_transfer_excess_taxable_share"),
        )
