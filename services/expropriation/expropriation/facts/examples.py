"""Realistic request bodies shown in the OpenAPI document (and tried by client generators), by model name.

One 柯城区 project (石梁村, 沿江公路拓宽工程) followed from its announcement to payment: the 身份证号 carry valid
GB 11643 check digits, the 统一社会信用代码 valid GB 32100 ones (tests/common checks both).
"""

from typing import Any

# 柯城区一户两人（集体经济组织成员），砖混住宅 150 m²（2000 年建），选择货币补偿，经临时过渡搬迁。
MEMBERS: list[dict[str, Any]] = [
    {"name": "张建国", "id_number": "330802198506150014", "collective_member": True, "is_owner": True},
    {"name": "李秀英", "id_number": "330802198803120022", "collective_member": True},
]
BUILDINGS: list[dict[str, Any]] = [
    {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000}
]
QUOTE_REQUEST: dict[str, Any] = {
    "district": "柯城区",
    "pre_announcement_date": "2023-06-01",
    "announcement_date": "2023-06-20",
    "signing_deadline": "2023-09-30",
    "valuation_date": "2023-07-01",
    "method": "monetary",
    "members": MEMBERS,
    "buildings": BUILDINGS,
    "agreement_signed_on": "2023-08-15",
    "moves_via_temporary_housing": True,
    "village_all_signed": False,
    "appraised_price_per_m2": "3000",
    "market_price_per_m2": "9000",
    "flat_area_m2": "160",
}
PROJECT_TERMS = (
    "district",
    "pre_announcement_date",
    "announcement_date",
    "signing_deadline",
    "valuation_date",
    "appraised_price_per_m2",
    "market_price_per_m2",
)
# The household's facts as the 调查登记 records them (quotes are worked out from the project's prices).
HOUSEHOLD_FACTS: dict[str, Any] = {
    "members": MEMBERS,
    "buildings": BUILDINGS,
    "appraised_items": [{"kind": "decoration", "label": "室内装修（木地板、吊顶）", "amount": "28600"}],
    "agreement_signed_on": "2023-08-15",
}

EXAMPLES: dict[str, dict[str, Any]] = {
    "QuoteRequest": QUOTE_REQUEST,
    # the project the quoted household belongs to: its dates and prices are the quote's
    "ProjectIn": {
        "name": "沿江公路拓宽工程（石梁段）",
        "village": "石梁村",
        "handover_deadline": "2023-10-31",
        **{key: QUOTE_REQUEST[key] for key in PROJECT_TERMS},
    },
    "HouseholdIn": {**HOUSEHOLD_FACTS, "ref": "SL-2023-017", "head_name": "张建国", "natural_village": "上村"},
    "DeclarationIn": {
        "declared_on": "2023-06-20",
        "documents": ["户口簿", "不动产权证书"],
        "proofs": ["certificate"],
        "members": MEMBERS,
        "buildings": BUILDINGS,
    },
    "AgreementIn": {"household_id": 1, "method": "monetary", "signed_on": "2023-08-15"},
    "HandoverIn": {"handed_over_on": "2023-09-10"},
    "DisputeIn": {"household_id": 1, "ground": "ownership_dispute", "detail": "兄弟二人对老屋产权归属有争议"},
    "DisputeStepIn": {"state": "plan_proposed", "on": "2023-09-05", "reference": "柯征补〔2023〕12号"},
    "PaymentIn": {
        "agreement_id": 1,
        "item_code": "house_monetary_compensation",
        "amount": "450000.00",
        "paid_on": "2023-09-20",
        "reference": "柯城区财政国库支付 2023-0920-017",
    },
    "ClawbackIn": {
        "agreement_id": 1,
        "found_on": "2023-11-02",
        "reason": "审计发现附房面积重复计入，依实测面积更正",
        "corrected": {**HOUSEHOLD_FACTS, "buildings": [{**BUILDINGS[0], "legal_area_m2": "138.5"}]},
    },
    # What-ifs on stored records (issue 31): the same question under another reading; nothing is written.
    "PaymentWhatIfIn": {
        "agreement_id": 1,
        "item_code": "early_vacate_reward",
        "amount": "60000.00",
        "paid_on": "2023-09-01",
        "parameters": {"expropriation.rewards_payable_on_projection": "true"},
    },
    "ClawbackWhatIfIn": {
        "agreement_id": 1,
        "found_on": "2023-11-02",
        "corrected": {**HOUSEHOLD_FACTS, "buildings": [{**BUILDINGS[0], "legal_area_m2": "138.5"}]},
        "parameters": {"expropriation.clawback_against": "quote_at_signing"},
    },
    "VoucherWhatIfIn": {
        "on": "2025-08-20",
        "parameters": {"expropriation.voucher_valid_through_corresponding_day": "false"},
    },
    "VoucherIssueIn": {"issued_on": "2023-08-20"},
    "VoucherUseIn": {"used_on": "2023-10-08", "purchase_price": "980000", "reference": "衢房网签〔2023〕柯-08812"},
    "VoucherConvertIn": {"converted_on": "2023-12-20"},
    # 浙里办: the household chooses its method, a caseworker confirms it; a 复核 of two items of its quote, answered.
    "MethodChoiceIn": {"method": "house_voucher"},
    "ChoiceConfirmIn": {"confirmed_on": "2023-08-01"},
    "ObjectionIn": {
        "method": "monetary",
        "item_codes": ["house_monetary_compensation"],
        "grounds": "东侧附房（约12平方米）2001年经乡政府批准建造，测算未计入合法建筑面积，附批准文件复印件",
    },
    "ObjectionAnswerIn": {
        "outcome": "maintained",
        "answer": "经核查，东侧附房批准文件所载为临时建筑，已按三(四)3另行补偿，合法建筑面积维持150平方米",
        "answered_on": "2023-08-20",
    },
    "ProjectImpactIn": {
        "parameters": {
            "district_kecheng.early_vacate_rate_per_m2": "300",
            "expropriation.attic_boundary_in_high_band": "false",
        },
        "largest": 10,
        "bins": 10,
    },
}
