"""Realistic request bodies shown in the OpenAPI document (and tried by client generators), by model name.

A 柯城区 new-materials company applying for a 市级企业研究院, claiming and redeeming a 科技创新券 with a testing
centre, and the 衢政发〔2023〕1号 calculators; the 统一社会信用代码 carry valid GB 32100 check characters.
"""

from typing import Any

ENTERPRISE_USCC = "91330802735281640F"  # 衢州柯城某新材料有限公司
CARRIER_USCC = "12330800735281640P"  # 衢州市某检验检测事业单位（创新载体）

# 43号 一: a company registered in 衢州 since 2016, 2022 sales 2.6亿 with 1,040万 R&D (4%), 38 of 310 staff
# in R&D, 650 m² and 820万 of equipment, two invention patents of its own.
ELIGIBILITY: dict[str, Any] = {
    "applied_on": "2023-05-15",
    "important_fields": ["new_materials"],
    "key_industries": ["pillar"],
    "registered_in_quzhou_on": "2016-03-22",
    "independent_legal_person": True,
    "hitech_valid_until": "2025-12-14",
    "has_city_engineering_centre": True,
    "last_year_sales": "260000000",
    "last_year_rd_expense": "10400000",
    "has_independent_rd_unit": True,
    "fulltime_rd_staff": 38,
    "enterprise_employees": 310,
    "institute_staff": 45,
    "qualified_engineers": 30,
    "funding_secured": True,
    "site_m2": "650",
    "dedicated_equipment_value": "8200000",
    "ip_rights": [
        {"kind": "invention_patent", "obtained_on": "2021-09-07"},
        {"kind": "invention_patent", "obtained_on": "2022-06-14"},
    ],
    "has_management_system": True,
}

INSTITUTE_APPLICATION: dict[str, Any] = {
    "enterprise_uscc": ENTERPRISE_USCC,
    "trade_name": "柯城华晶",
    "core_direction": "氟硅新材料",
    "materials": {
        "application_form": True,
        "implementation_plan": True,
        "commitment": True,
        "audit_reports": [
            {"year": year, "items": ["rd_staff", "site_area", "equipment_value", "own_ip", "rd_ratio"]}
            for year in (2020, 2021, 2022)
        ],
    },
    "application": ELIGIBILITY,
}

EXAMPLES: dict[str, dict[str, Any]] = {
    "EligibilityCheckIn": ELIGIBILITY,
    "InstituteNameIn": {"trade_name": "柯城华晶", "core_direction": "氟硅新材料"},
    "SubsidyIn": {"service_type": "testing", "fee": "36000", "on": "2023-06-01"},
    "RdSubsidyIn": {"year": 2023, "rd_expense": "10400000", "previous_rd_expense": "8600000", "revenue": "260000000"},
    "InternationalBaseIn": {"year": 2023, "filed_with_province": True, "rated_excellent": True},
    "OverseasRdIn": {"year": 2023, "overseas_rd_investment": "6000000"},
    "IncubatorIn": {"year": 2023, "event": "new_maker_space", "level": "provincial"},
    "InsuranceCompensationIn": {"year": 2023, "premium": "20000"},
    "InnovationCentreIn": {"year": 2023, "provincial_funding": "10000000", "city_funding": "20000000"},
    "TechTransferIn": {"year": 2023, "income": "7200000"},
    "EnterpriseIn": {
        "uscc": ENTERPRISE_USCC,
        "name": "衢州柯城华晶新材料有限公司",
        "district": "柯城区",
        "registered_in_quzhou_on": "2016-03-22",
        "hitech_valid_until": "2025-12-14",
        "provincial_tech_sme": True,
    },
    "EnterprisePatch": {"national_tech_sme": True},
    "FourColourUpdateIn": {"year": 2023, "quarter": 2, "listed": False, "updated_on": "2023-07-05"},
    "InstituteApplicationIn": INSTITUTE_APPLICATION,
    "InstituteDecisionIn": {
        "action": "recommend",
        "on": "2023-06-02",
        "note": "柯城区科技局审核推荐",
        "no_violation_certificate": "柯科证〔2023〕15号",
        "document_number": "柯科发〔2023〕21号",
    },
    "AnnualReportIn": {"year": 2023, "sales": "285000000", "rd_expense": "11800000"},
    "ChangeIn": {
        "kind": "rename",
        "description": "企业更名，研究院名称随之变更",
        "changed_on": "2023-09-01",
        "reported_on": "2023-09-20",
        "new_trade_name": "华晶科技",
    },
    "UpgradeIn": {
        "on": "2023-12-08",
        "provincial_designation": "浙江省华晶氟硅新材料省级企业研究院",
        "document_number": "浙科发高〔2023〕58号",
    },
    "RevokeIn": {
        "ground": "false_materials",
        "decided_on": "2023-11-15",
        "reason": "申报材料中研发费用与审计报告不符，经核查属实",
        "document_number": "衢市科发高〔2023〕31号",
    },
    "CarrierIn": {
        "name": "衢州市产品质量检验检测中心",
        "uscc": CARRIER_USCC,
        "kind": "检验检测机构",
        "in_quzhou": True,
        "channel": "local_registration",
        "district": "柯城区",
    },
    "CarrierPatch": {"status": "active", "related_holders": ["91330803683105628K"]},
    "PoolIn": {
        "name": "2023年度柯城区科技创新券",
        "district": "柯城区",
        "total": "5000000",
        "opens_on": "2023-03-01",
        "closes_on": "2023-12-31",
    },
    "ExpireIn": {"as_of": "2023-12-31"},
    "ClaimIn": {
        "pool_id": 1,
        "holder_kind": "enterprise",
        "holder_id": ENTERPRISE_USCC,
        "holder_name": "衢州柯城华晶新材料有限公司",
        "amount": "30000",
        "claimed_on": "2023-04-10",
    },
    # V-03 switched: what the holder's expired vouchers of the year gave back no longer counts against the 6万.
    "ClaimWhatIfIn": {
        "pool_id": 1,
        "holder_kind": "enterprise",
        "holder_id": ENTERPRISE_USCC,
        "holder_name": "衢州柯城华晶新材料有限公司",
        "amount": "30000",
        "claimed_on": "2023-08-01",
        "parameters": {"vouchers.annual_cap_counts": "net_of_expired"},
    },
    "MyClaimIn": {"pool_id": 1, "holder_name": "张建国", "amount": "10000", "claimed_on": "2023-04-12"},
    "VoucherImpactIn": {"year": 2023, "parameters": {"vouchers.testing_rate": "0.5"}, "largest": 10, "bins": 10},
    "RedemptionIn": {
        "voucher_id": 1,
        "carrier_id": 1,
        "service_type": "testing",
        "fee": "36000",
        "paid_amount": "36000",
        "contract_number": "QZJC-2023-0517",
        "contract_sealed_by_both": True,
        "bank_receipt": True,
        "invoice_number": "23332000000012345678",
        "service_evidence": True,
        "used_on": "2023-06-20",
        "submitted_on": "2023-07-03",
    },
    # V-02 switched: a service used within the voucher's validity (through 2023-07-10), its redemption submitted after.
    "RedemptionWhatIfIn": {
        "voucher_id": 1,
        "carrier_id": 1,
        "service_type": "testing",
        "fee": "12000",
        "paid_amount": "12000",
        "contract_number": "QZJC-2023-0702",
        "contract_sealed_by_both": True,
        "bank_receipt": True,
        "invoice_number": "23332000000012349876",
        "service_evidence": True,
        "used_on": "2023-07-05",
        "submitted_on": "2023-07-20",
        "parameters": {"vouchers.submission_within_validity": "false"},
    },
    "ReviewIn": {"on": "2023-07-20", "document_number": "衢市科发高〔2023〕19号"},
    "ReasonsIn": {
        "on": "2023-07-20",
        "document_number": "衢市科发高〔2023〕20号",
        "reasons": ["发票抬头与券主名称不一致"],
    },
    "PayIn": {"paid_on": "2023-08-15", "document_number": "衢市科发高〔2023〕24号"},
    # I-06 switched: the 高新 certificate judged on the day of recognition (the application as above).
    "InstituteWhatIfIn": {**INSTITUTE_APPLICATION, "parameters": {"institutes.hitech_valid_on": "recognition"}},
    "CreditIn": {
        "subject_id": ENTERPRISE_USCC,
        "subject_kind": "enterprise",
        "kind": "voucher_fraud",
        "decided_on": "2023-10-09",
        "reason": "以虚假合同骗取创新券补助",
        "document_number": "衢市科发高〔2023〕33号",
    },
}
