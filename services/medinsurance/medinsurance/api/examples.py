"""Realistic request bodies shown in the OpenAPI document (and tried by client generators), by model name.

A 柯城区 clinic (柯城荷花康复诊所) from its application to designation, its agreement, a violation, and the
stateless calculators; the 身份证号 carry valid GB 11643 check digits, the 统一社会信用代码 valid GB 32100 ones.
"""

from typing import Any

from medinsurance.rules.evaluation import MedicalBasic, PharmacyBasic

CLINIC_USCC = "52330802735281640G"  # 民办非企业单位（民政登记，柯城区）
PHARMACY_USCC = "91330803683105628K"  # 衢江区的药店经营企业

# 三家综合类定点医疗机构的年度绩效考核定级：半年考核分与年度考核分，其中一家为当年新纳入定点。
GRADE_REQUEST: dict[str, Any] = {
    "category": "comprehensive",
    "institutions": [
        {"id": "H330802001", "half_year_score": 92.5, "annual_score": 94},
        {"id": "H330802017", "half_year_score": 81, "annual_score": 78.5},
        {"id": "H330803005", "half_year_score": 88, "annual_score": 90, "new_this_year": True},
    ],
    "on": "2023-12-31",
}
# 附件4 表1：诊所自有场所 320 m²，两位评估专家打分
MEDICAL_EVALUATION: dict[str, Any] = {
    "kind": "medical_institution",
    "evaluated_on": "2023-06-20",
    "accepted_on": "2023-06-05",
    "basic": dict.fromkeys(MedicalBasic, True),
    "licences": [{"approved_on": "2021-03-18", "uscc": CLINIC_USCC}],
    "sheets": [
        {
            "management_quality": "2",
            "premises": {"owned": True, "area_m2": "320", "comfort": "2"},
            "intermediate_physicians": 2,
            "practice_subjects": 3,
        },
        {
            "management_quality": "1.5",
            "premises": {"owned": True, "area_m2": "320", "comfort": "1.5"},
            "intermediate_physicians": 2,
            "practice_subjects": 3,
        },
    ],
}
EXAMPLES: dict[str, dict[str, Any]] = {
    "GradeIn": GRADE_REQUEST,
    # 五(三)3 三级违约：核定违规医保费用 12,680 元，按 20% 支付违约金
    "PenaltyIn": {"tier": 3, "violation_amount": "12680.00", "ratio": "0.20", "decided_on": "2023-09-12"},
    "MedicalEvaluationIn": MEDICAL_EVALUATION,
    # 附件4 表2：衢江区一家零售药店，营业场所租赁 36 个月
    "PharmacyEvaluationIn": {
        "kind": "retail_pharmacy",
        "evaluated_on": "2023-07-11",
        "accepted_on": "2023-06-28",
        "basic": dict.fromkeys(PharmacyBasic, True),
        "licences": [{"approved_on": "2022-04-06", "uscc": PHARMACY_USCC}],
        "sheets": [
            {
                "management_quality": "2",
                "premises": {"lease_months": 36, "area_m2": "120", "comfort": "1.5"},
                "catalogue_drug_varieties": 1200,
            }
        ],
    },
    "RefusalIn": {"pharmacy": False, "on": "2023-05-10", "fraud_found_on": ["2021-11-03"]},
    "TableScoreIn": {
        "category": "comprehensive",
        "on": "2023-12-31",
        "items": {"C01": {"deduction": "2"}, "C02": {"units": {"shortfall_points": "1.5"}}},
    },
    "InstitutionConditionsIn": {
        "on": "2023-05-10",
        "facts": {
            "kind": "primary_care",
            "operating_since": "2022-08-01",
            "qualified_physicians": 3,
            "floor_area_m2": "320",
            "beds": 0,
            "leader_responsible": True,
            "insurance_staff": 1,
            "rules_in_place": True,
            "system_connected": True,
            "inventory_managed": True,
        },
    },
    "PharmacyConditionsIn": {
        "on": "2023-05-10",
        "facts": {
            "has_drug_trading_licence": True,
            "operating_since": "2022-04-06",
            "pharmacists": [{"contract_start": "2022-04-01", "contract_end": "2025-03-31"}],
            "insurance_staff": [{"contract_start": "2022-04-01", "contract_end": "2025-03-31"}],
            "classified_storage_and_marks": True,
            "rules_in_place": True,
            "system_connected": True,
            "total_area_m2": "120",
            "non_drug_area_m2": "10",
            "inventory_managed": True,
        },
    },
    "DeadlineIn": {"duty": "payment", "start": "2023-06-01"},
    "DispensingIn": {"on": "2023-06-01", "disease": "chronic", "days": 15},
    "PasswordIn": {"on": "2023-06-01", "password": "Kc2023hehua"},
    "PriceIn": {"unit_price": "38.50", "payment_standard": "32.00", "quantity": "3"},
    "NonRenewalIn": {"requested_on": "2023-08-25", "ends_on": "2023-12-31"},
    "GradeChangeIn": {"changed_on": "2023-04-12", "accepted_on": "2023-06-30"},
    "InstitutionIn": {
        "name": "柯城荷花康复诊所",
        "kind": "primary_care",
        "uscc": CLINIC_USCC,
        "district": "柯城区",
        "address": "柯城区荷花街道荷花中路 168 号",
        "community": "荷花社区",
        "legal_rep_id_number": "330802198506150014",
    },
    "ApplicationIn": {"institution_id": 1, "pre_registered_on": "2023-04-03"},
    # 同一经营主体另一机构逾期不补正放弃申请后，本机构拟于 2023-09-01 提交申请：等待期仅约束该机构时能否受理
    "ApplicationCheckIn": {"on": "2023-09-01", "parameters": {"process.wait_binds": "institution"}},
    "ApplicationEventIn": {"event": "submit", "on": "2023-07-05"},
    "SupplementIn": {"first": "2023-07-24", "last": "2023-08-04"},
    "AgreementIn": {"institution_id": 1, "application_id": 1, "signed_on": "2023-07-01"},
    # 平台启用前以纸质方式签订的医保协议，补录时审查不予受理情形
    "AgreementImportIn": {
        "institution_id": 1,
        "signed_on": "2023-02-20",
        "original_document_number": "柯医保协〔2023〕0158号",
        "reason": "平台启用前以纸质方式签订的医保协议",
    },
    "AgreementEventIn": {"event": "suspend", "on": "2023-09-15", "days": 30, "reason": "未按规定上传结算数据"},
    "TerminationStepIn": {"step": "stop_settlement", "on": "2023-11-01"},
    "ViolationIn": {
        "institution_id": 1,
        "agreement_id": 1,
        "case": "T3_2",
        "decided_on": "2023-09-12",
        "violation_amount": "12680.00",
        "ratio": "0.20",
    },
    "ProxyIn": {
        "institution_id": 1,
        "principal_id_number": "33082119901121004X",
        "agent_id_number": "330802198506150014",
        "ground": "mobility",
        "relationship": "close_relative",
        "starts_on": "2023-06-01",
    },
    # The principal's own, through 浙里办: the principal is the signed-in person.
    "MyProxyIn": {
        "institution_id": 1,
        "agent_id_number": "330802198506150014",
        "ground": "mobility",
        "relationship": "close_relative",
        "starts_on": "2023-06-01",
    },
    "RevokeIn": {"on": "2023-10-01"},
    "OutageIn": {"institution_id": 1, "failed_at": "2023-08-03T09:40:00+08:00"},
    "WindowIn": {"requested_at": "2023-08-04T10:05:00+08:00", "reason": "医保结算系统故障，申请开通临时结算窗口"},
    "RepairIn": {"repaired_at": "2023-08-04T16:30:00+08:00"},
    # 诊所（门诊类）2023 年度绩效考核：半年拟评诚信记分扣 2 分、人脸识别成功率低 6 个百分点；年度总评诚信记分扣 3 分
    "AssessmentIn": {
        "institution_id": 1,
        "year": 2023,
        "category": "outpatient",
        "assessed_on": "2024-03-20",
        "document_number": "柯医保考〔2024〕12号",
        "half_year": {"O01": {"deduction": "2"}, "O03": {"units": {"shortfall_points": "6"}}},
        "annual": {"O01": {"deduction": "3"}, "O08": {"units": {"ten_percent_steps": "1.5"}}},
    },
    # 若“居前5%”“居后5%”的名次向上取整（A-24 的另一种理解），2023 年度各机构的等级如何变化
    "AssessmentImpactIn": {"year": 2023, "parameters": {"performance.share_positions": "rounded_up"}},
    # 柯城区诊所的定点申请 1（2023-06-05 受理）由两位评估专家按表1 评估，服务计分后申请随之合格
    "EvaluationRecordIn": {
        "application_id": 1,
        "document_number": "柯医保评〔2023〕21号",
        "evaluation": MEDICAL_EVALUATION,
    },
    # 若“85分(含)以上”以显示的平均分（保留两位小数）比较（A-13 的另一种理解），2023 年的新增定点评估结论如何变化
    "EvaluationImpactIn": {
        "evaluated_from": "2023-01-01",
        "evaluated_to": "2023-12-31",
        "parameters": {"evaluation.pass_compared_on": "rounded_average"},
    },
    "RelocationIn": {
        "operator_uscc": CLINIC_USCC,
        "from_address": "柯城区荷花街道荷花中路 168 号",
        "to_address": "柯城区荷花街道兴华路 22 号",
        "reference": "柯城区征收〔2023〕017 号",
    },
}
