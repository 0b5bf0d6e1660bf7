"""衢市科发高〔2022〕44号 三、服务内容和补助标准: the subsidy a voucher pays for one service."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from qz_common.money import to_fen
from science.rules.basis import policies, vouchers
from science.rules.params import PolicyParams, VoucherParams
from science.rules.policies_2023 import insurance_compensation


class ServiceType(enum.StrEnum):
    COMMISSIONED_DEVELOPMENT = "commissioned_development"  # 三(一) 委托开发
    TECHNICAL_CONSULTING = "technical_consulting"  # 三(二) 技术咨询
    SPECIAL_AUDIT = "special_audit"  # 三(三) 专项审计费
    TESTING = "testing"  # 三(四) 检验检测
    FINANCIAL_CONSULTING = "financial_consulting"  # 三(五) 财务咨询费
    INSURANCE_PREMIUM = "insurance_premium"  # 衢政发〔2023〕1号 二8 科技成果先用后转保险，创新券给予保费兑付补偿


class AuditPurpose(enum.StrEnum):
    """三(三) the purposes for which a 专项审计费 is supported."""

    TECH_ENTERPRISE_APPLICATION = (
        "tech_enterprise_application"  # 高新技术企业、科技“小巨人”、创新型领军企业等科技型企业申报
    )
    RD_INSTITUTION_APPLICATION = "rd_institution_application"  # 市级及以上研发机构申报
    PROJECT_ACCEPTANCE = "project_acceptance"  # 省、市级科技计划项目验收
    OTHER = "other"


CLAUSE: dict[ServiceType, str] = {
    ServiceType.COMMISSIONED_DEVELOPMENT: vouchers("三(一)"),
    ServiceType.TECHNICAL_CONSULTING: vouchers("三(二)"),
    ServiceType.SPECIAL_AUDIT: vouchers("三(三)"),
    ServiceType.TESTING: vouchers("三(四)"),
    ServiceType.FINANCIAL_CONSULTING: vouchers("三(五)"),
    ServiceType.INSURANCE_PREMIUM: policies("二8"),
}


@dataclass(frozen=True)
class ServiceRequest:
    service_type: ServiceType
    fee: Decimal  # 实际发生服务费用 (yuan, as paid and invoiced)
    via_shared_platform: bool = False  # 通过“四省边际共享专区”平台购买
    statutory_testing: bool = False  # 强制检测和法定检测
    audit_purpose: AuditPurpose | None = None


@dataclass(frozen=True)
class SubsidyLine:
    label: str
    amount: Decimal  # rounded to 分
    basis: str


@dataclass(frozen=True)
class SubsidyResult:
    supported: bool
    subsidy: Decimal  # sum of the rounded lines
    lines: tuple[SubsidyLine, ...]
    basis: tuple[str, ...]
    reason: str | None = None


def _refused(request: ServiceRequest, reason: str, basis: str) -> SubsidyResult:
    return SubsidyResult(False, Decimal("0.00"), (), (basis,), reason)


def _financial_consulting_lines(fee: Decimal, p: VoucherParams, basis: str) -> list[SubsidyLine]:
    """三(五) 5000元以内全额抵扣，超过5000元部分按实际发生服务费用的50%给予补助.

    V-01: 5000 in full and 50% of the part above it; under the other reading (``financial_consulting_half_of``
    "whole") a fee above 5000 is paid 50% of the whole fee.
    """
    threshold, rate = p.financial_consulting_full_amount, p.financial_consulting_excess_rate
    percent = f"{(rate * 100).normalize():f}%"
    if p.financial_consulting_half_of == "whole" and fee > threshold:
        label = f"服务费用{to_fen(fee)}元超过{threshold.normalize():f}元，全部×{percent}"
        return [SubsidyLine(label, to_fen(fee * rate), basis)]
    lines = [SubsidyLine(f"{threshold.normalize():f}元以内全额抵扣", to_fen(min(fee, threshold)), basis)]
    if (excess := fee - threshold) > 0:
        lines.append(SubsidyLine(f"超过部分{to_fen(excess)}元×{percent}", to_fen(excess * rate), basis))
    return lines


def subsidy(request: ServiceRequest, p: VoucherParams, policy: PolicyParams | None = None) -> SubsidyResult:
    """三(一)–(五): the voucher entitlement for a fee, before the voucher's remaining value caps it.

    - 委托开发、技术咨询、专项审计费: 按实际发生服务费用的40%给予补助.
    - 检验检测 40%; 通过“四省边际共享专区”平台购买……按实际发生服务费用的50%; 强制检测和法定检测不纳入.
    - 财务咨询费 5000元以内全额抵扣，超过5000元部分按……50%给予补助 (AMBIGUITIES.md V-01: the part above 5000, or
      under ``financial_consulting_half_of`` "whole" the whole fee once above 5000).
    - 衢政发〔2023〕1号 二8 支持创新券给予保费兑付补偿，补偿额为企业实际投保费用的80%: ``policy`` is that policy's
      figures when it is in force on the day of the service, else None (P-05).
    Each line is rounded once, to 分, half up.
    """
    if request.fee <= 0:
        raise ValueError("fee must be positive")
    kind = request.service_type
    basis = CLAUSE[kind]
    if kind is ServiceType.INSURANCE_PREMIUM:
        if policy is None:
            return _refused(request, "创新券保费兑付补偿（衢政发〔2023〕1号 二8）仅适用于2023年", basis)
        award = insurance_compensation(request.fee, policy)
        premium_lines = tuple(SubsidyLine(line.label, line.amount, line.basis) for line in award.lines)
        return SubsidyResult(True, award.amount, premium_lines, award.basis)
    if kind is ServiceType.TESTING and request.statutory_testing:
        return _refused(request, "按照法律法规或者强制性标准要求开展的强制检测和法定检测不纳入创新券支持范围", basis)
    if kind is ServiceType.SPECIAL_AUDIT and request.audit_purpose is AuditPurpose.OTHER:
        return _refused(request, "专项审计费仅限科技型企业、市级及以上研发机构申报或省、市级科技计划项目验收", basis)
    lines: list[SubsidyLine]
    if kind is ServiceType.FINANCIAL_CONSULTING:
        lines = _financial_consulting_lines(request.fee, p, basis)
    else:
        rate = {
            ServiceType.COMMISSIONED_DEVELOPMENT: p.commissioned_development_rate,
            ServiceType.TECHNICAL_CONSULTING: p.technical_consulting_rate,
            ServiceType.SPECIAL_AUDIT: p.special_audit_rate,
            ServiceType.TESTING: p.testing_shared_platform_rate if request.via_shared_platform else p.testing_rate,
        }[kind]
        label = f"服务费用{to_fen(request.fee)}元×{(rate * 100).normalize():f}%"
        if kind is ServiceType.TESTING and request.via_shared_platform:
            label += "（四省边际共享专区）"
        lines = [SubsidyLine(label, to_fen(request.fee * rate), basis)]
    total = sum((line.amount for line in lines), Decimal("0.00"))
    notes = None
    if kind is ServiceType.SPECIAL_AUDIT and request.audit_purpose is None:
        notes = "专项审计费须用于三(三)所列用途，兑现时核验"
    return SubsidyResult(True, total, tuple(lines), (basis,), notes)


@dataclass(frozen=True)
class Payable:
    amount: Decimal
    capped: bool
    basis: tuple[str, ...]


# The clauses a payment drawn on the voucher cites: a redemption whose basis names them reserved its amount there.
VOUCHER_CAP_BASIS = (vouchers("一(三)"), vouchers("四(二)"))


def payable(entitlement: Decimal, remaining_value: Decimal) -> Payable:
    """A redemption never pays more than the voucher's remaining value (一(三) 创新券抵用部分; 四(二) 定额发放)."""
    amount = min(entitlement, max(remaining_value, Decimal(0)))
    return Payable(amount, amount < entitlement, VOUCHER_CAP_BASIS)


def draws_on_voucher(service_type: ServiceType, policy: PolicyParams | None) -> bool:
    """Whether a service's subsidy is paid out of the voucher's value, capped by what is left on it: every 三 service,
    and 衢政发〔2023〕1号 二8's 保费补偿 as an ordinary redemption (AMBIGUITIES.md P-05), unless under the other reading
    (``premium_within_voucher`` false) its 80% is an award outside the voucher, neither capped by nor drawn on it."""
    return service_type is not ServiceType.INSURANCE_PREMIUM or policy is None or policy.premium_within_voucher


def payable_for(
    service_type: ServiceType, entitlement: Decimal, remaining_value: Decimal, policy: PolicyParams | None
) -> Payable:
    """What a redemption pays: its entitlement at most the voucher's remaining value, or all of it for a premium
    compensated outside the voucher (P-05, other reading; it cites item 8 alone)."""
    if draws_on_voucher(service_type, policy):
        return payable(entitlement, remaining_value)
    return Payable(entitlement, False, ())


def drew_on_voucher(basis: list[str] | tuple[str, ...]) -> bool:
    """Whether a stored redemption reserved its amount on the voucher: its basis cites the voucher's cap."""
    return VOUCHER_CAP_BASIS[0] in basis
