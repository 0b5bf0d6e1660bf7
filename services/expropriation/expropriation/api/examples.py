"""Realistic request bodies shown in the OpenAPI document (and tried by client generators)."""

from typing import Any

# 柯城区一户两人（集体经济组织成员），砖混住宅 150 m²（2000 年建），选择货币补偿，经临时过渡搬迁。
QUOTE_REQUEST: dict[str, Any] = {
    "district": "柯城区",
    "pre_announcement_date": "2023-06-01",
    "signing_deadline": "2023-09-30",
    "valuation_date": "2023-07-01",
    "method": "monetary",
    "members": [
        {"name": "张建国", "id_number": "330802198506150014", "collective_member": True, "is_owner": True},
        {"name": "李秀英", "id_number": "330802198506150022", "collective_member": True},
    ],
    "buildings": [{"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000}],
    "agreement_signed_on": "2023-08-15",
    "moves_via_temporary_housing": True,
    "village_all_signed": False,
    "appraised_price_per_m2": "3000",
    "market_price_per_m2": "9000",
    "flat_area_m2": "160",
}
