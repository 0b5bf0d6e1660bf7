"""Realistic request bodies shown in the OpenAPI document (and tried by client generators), by model name.

A 柯城区 owner's corgi from vaccination to registration, a stray captured in 衢江区 and adopted from
the shelter; the 身份证号 carry valid GB 11643 check digits.
"""

from typing import Any

OWNER_ID = "330802198506150014"
ADOPTER_ID = "33082119901121004X"  # issued by 衢县, now 衢江区 (area codes stay as first assigned)
HOME = "柯城区荷花街道荷花中路 168 号 3 幢 502 室"

EXAMPLES: dict[str, dict[str, Any]] = {
    "ClassifyIn": {"breed": "金毛", "shoulder_height_cm": "56", "body_length_cm": "70", "on": "2023-06-01"},
    "VaccinationIn": {
        "owner_name": "张建国",
        "owner_phone": "13857012345",
        "owner_id_number": OWNER_ID,
        "breed": "柯基",
        "address": HOME,
        "district": "柯城区",
        "coat_colour": "黄白色",
        "sex": "male",
        "vaccine_name": "狂犬病灭活疫苗",
        "vaccinated_on": "2023-03-15",
        "batch_number": "202302118",
        "next_due_on": "2024-03-14",
        "dog_born_on": "2022-09-01",
        "immunisation_point": "柯城区荷花街道动物狂犬病免疫点",
    },
    "RegistrationIn": {
        "channel": "window",
        "owner_id_number": OWNER_ID,
        "owner_name": "张建国",
        "owner_phone": "13857012345",
        "owner_registered_address": "浙江省衢州市" + HOME,
        "residence_proof_type": "property_certificate",
        "residence_proof_number": "浙(2019)衢州市不动产权第0012345号",
        "address": HOME,
        "district": "柯城区",
        "key_area": True,
        "dog_name": "豆豆",
        "breed": "柯基",
        "shoulder_height_cm": "28",
        "body_length_cm": "46",
        "coat_colour": "黄白色",
        "sex": "male",
        "vaccination_id": 1,
    },
    "ApproveRegistrationIn": {"document_number": "柯综执犬登〔2023〕0158号"},
    "RejectIn": {"reasons": ["犬只正面照片不清晰，请重新上传"], "document_number": "柯综执不登〔2023〕012号"},
    # D-24 switched: a registration with no term of its own has no renewal day (as_of omitted: today).
    "RenewalWhatIfIn": {"parameters": {"dogs.registration_renewal_due": "none"}},
    "AddressChangeIn": {
        "owner_id_number": OWNER_ID,
        "address": "衢江区樟潭街道樟潭路 88 号",
        "district": "衢江区",
        "key_area": False,
        "reference": "衢江区征收〔2023〕021 号",
    },
    "ShelterDogIn": {
        "shelter": "衢州市流浪犬收容中心",
        "district": "衢江区",
        "breed": "中华田园犬",
        "coat_colour": "黄色",
        "sex": "female",
        "description": "约两岁，性格温顺，已驱虫；群众送交",
    },
    "AdoptionApplicationIn": {
        "applicant_id_number": ADOPTER_ID,
        "applicant_name": "徐丽萍",
        "applicant_phone": "13967098765",
        "address": "衢江区樟潭街道樟潭路 88 号",
    },
    "ApproveAdoptionIn": {
        "checklist": {
            "full_civil_capacity": True,
            "fixed_residence": True,
            "registration_and_vaccination": True,
            "no_abuse_record": True,
            "household_consent": True,
        },
        "document_number": "衢综执领〔2023〕007号",
    },
    "ImpoundmentIn": {
        "action": "capture",
        "occurred_at": "2023-05-18T07:20:00+08:00",
        "location": "衢江区樟潭街道江滨公园",
        "district": "衢江区",
        "police_unit": "衢州市公安局衢江分局樟潭派出所",
        "officer_badge": "330803",
        "breed": "中华田园犬",
        "shoulder_height_cm": "58",
        "body_length_cm": "84",
        "shelter": "衢州市流浪犬收容中心",
        "handed_over_at": "2023-05-18T09:05:00+08:00",
    },
}
# Through 浙里办 (/v1/me) the owner or applicant is the signed-in person: the same bodies without them.
EXAMPLES["MyRegistrationIn"] = {
    field: value for field, value in EXAMPLES["RegistrationIn"].items() if field not in {"channel", "owner_id_number"}
}
EXAMPLES["MyAddressChangeIn"] = {
    field: value for field, value in EXAMPLES["AddressChangeIn"].items() if field != "owner_id_number"
}
EXAMPLES["MyAdoptionApplicationIn"] = {
    field: value for field, value in EXAMPLES["AdoptionApplicationIn"].items() if field != "applicant_id_number"
}
EXAMPLES["RenewalIn"] = {"vaccination_id": 2}
