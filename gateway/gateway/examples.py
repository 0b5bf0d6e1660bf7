"""Realistic request bodies of the gateway's own operations, shown in the OpenAPI document."""

from typing import Any

# A 柯城区 household signs its agreement and moves to 衢江区: the dog registered at the old address follows it.
RELOCATION_CASE: dict[str, Any] = {
    "kind": "household",
    "agreement": {"household_id": 1, "method": "monetary", "signed_on": "2023-08-15"},
    "new_address": "衢江区樟潭街道樟潭路 88 号",
    "new_district": "衢江区",
    "new_address_in_key_area": False,
}
