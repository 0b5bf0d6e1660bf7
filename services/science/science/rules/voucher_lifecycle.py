"""衢市科发高〔2022〕44号 二 支持对象, 四 申领与兑现, 五 监督与管理, 六 附则: who, claims, expiry, redemption."""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from science.rules.basis import IN_FORCE_FROM, OLD_VOUCHERS_DOC, period_last_day, vouchers
from science.rules.credit import CreditRecord, Programme, active_bans
from science.rules.params import VoucherParams


@dataclass(frozen=True)
class Problem:
    code: str
    detail: str
    basis: str


class ApplicantKind(enum.StrEnum):
    ENTERPRISE = "enterprise"  # 企业 (统一社会信用代码)
    ENTREPRENEUR = "entrepreneur"  # 创业者 (身份证号)


class PriorityGround(enum.StrEnum):
    """二 优先支持."""

    COMPETITION_WINNER = "competition_winner"  # 在各类创新创业大赛取得名次
    INCUBATED = "incubated"  # 科技企业孵化器、众创空间在孵企业和创业者
    PROVINCIAL_TECH_SME = "provincial_tech_sme"  # 二(一) 省科技型中小企业
    NATIONAL_TECH_SME = "national_tech_sme"  # 二(二) 国家科技型中小企业
    HITECH = "hitech"  # 二(三) 国家高新技术企业 (证书有效期内)
    FOUR_COLOUR = "four_colour"  # 二(四) “四色”管理培育库企业


PRIORITY_CLAUSE: dict[PriorityGround, str] = {
    PriorityGround.COMPETITION_WINNER: vouchers("二"),
    PriorityGround.INCUBATED: vouchers("二"),
    PriorityGround.PROVINCIAL_TECH_SME: vouchers("二(一)"),
    PriorityGround.NATIONAL_TECH_SME: vouchers("二(二)"),
    PriorityGround.HITECH: vouchers("二(三)"),
    PriorityGround.FOUR_COLOUR: vouchers("二(四)"),
}


@dataclass(frozen=True)
class ApplicantProfile:
    kind: ApplicantKind
    has_innovation_need: bool = True
    competition_winner: bool = False
    incubated: bool = False
    provincial_tech_sme: bool = False  # 取得证书且未被撤销
    national_tech_sme: bool = False  # 备案并及时年度评价，或取得相应年度入库登记编号
    hitech_valid_until: dt.date | None = None
    on_four_colour_list: bool = False


def priority_grounds(profile: ApplicantProfile, on: dt.date) -> list[PriorityGround]:
    """二 优先支持……: the grounds that apply. The 办法 gives priority no mechanism in a first-come pool, so it is
    reported on the claim and left to the issuing office (AMBIGUITIES.md V-05).
    """
    grounds: list[PriorityGround] = []
    if profile.competition_winner:
        grounds.append(PriorityGround.COMPETITION_WINNER)
    if profile.incubated:
        grounds.append(PriorityGround.INCUBATED)
    if profile.kind is ApplicantKind.ENTERPRISE:
        if profile.provincial_tech_sme:
            grounds.append(PriorityGround.PROVINCIAL_TECH_SME)
        if profile.national_tech_sme:
            grounds.append(PriorityGround.NATIONAL_TECH_SME)
        if profile.hitech_valid_until is not None and profile.hitech_valid_until >= on:
            grounds.append(PriorityGround.HITECH)
        if profile.on_four_colour_list:
            grounds.append(PriorityGround.FOUR_COLOUR)
    return grounds


FOUR_COLOUR_BASIS = vouchers("二(四)")


def quarter_starts_on(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter - 2, 1)


def four_colour_due_on(year: int, quarter: int, p: VoucherParams) -> dt.date:
    """二(四) “四色”管理培育库每季度更新一次，由属地科技管理部门在季末25日前进行更新: the 25th of the quarter's last
    month, that day included (前 read as "by", as in V-04; AMBIGUITIES.md V-14)."""
    return dt.date(year, 3 * quarter, p.four_colour_due_day)


def four_colour_update_problems(year: int, quarter: int, updated_on: dt.date) -> list[Problem]:
    """An update belongs to its quarter: not for a quarter before the 办法 took effect (六), not made before the
    quarter began."""
    starts_on = quarter_starts_on(year, quarter)
    problems = in_force_problems(starts_on)
    if updated_on < starts_on:
        problems.append(
            Problem(
                "update_before_quarter",
                f"{year}年第{quarter}季度的更新不能早于该季度开始（{starts_on.isoformat()}）",
                FOUR_COLOUR_BASIS,
            )
        )
    return problems


class CarrierChannel(enum.StrEnum):
    """一(二) 经当地科技部门注册登记; 三(六) 市外创新载体也可通过……注册成为衢州市级载体."""

    LOCAL_REGISTRATION = "local_registration"
    SHARED_ZONE = "shared_zone"  # 四省边际共享专区
    ZHEJIANG_SCI_BRAIN = "zhejiang_sci_brain"  # 浙江科技大脑
    ZHEJIANG_INSTRUMENT_PLATFORM = "zhejiang_instrument_platform"  # 浙江省大型科研仪器开放共享平台


OUT_OF_CITY_CHANNELS = frozenset(
    {CarrierChannel.SHARED_ZONE, CarrierChannel.ZHEJIANG_SCI_BRAIN, CarrierChannel.ZHEJIANG_INSTRUMENT_PLATFORM}
)


def carrier_registration_problems(in_quzhou: bool, channel: CarrierChannel) -> list[Problem]:
    """一(二) local carriers register with the local science department; 三(六) out-of-city carriers through the
    三 named platforms only.
    """
    if in_quzhou or channel in OUT_OF_CITY_CHANNELS:
        return []
    return [
        Problem(
            "carrier_channel",
            "市外创新载体须通过“四省边际共享专区”“浙江科技大脑”“浙江省大型科研仪器开放共享平台”注册",
            vouchers("三(六)"),
        )
    ]


def relation_problems(related_to_carrier: bool) -> list[Problem]:
    """二 末段 上述企业及创业者与开展科技服务的创新载体无隶属、共建等关联关系."""
    if not related_to_carrier:
        return []
    return [Problem("carrier_related", "使用者与创新载体存在隶属、共建等关联关系，不得使用创新券", vouchers("二"))]


def ban_problems(
    records: Iterable[CreditRecord], on: dt.date, applying_to: Programme, p: VoucherParams
) -> list[Problem]:
    """五(二) 3年内不再给予科技项目和财政科技资金支持 (and 43号 三(六) for false institute materials): the bans
    that reach a request of ``applying_to`` under the reading of G-02 (``credit_ban_reach``)."""
    bans = active_bans(records, on, applying_to=applying_to, reach=p.credit_ban_reach)
    return [Problem("credit_ban", b.detail, b.basis) for b in bans]


def in_force_problems(on: dt.date) -> list[Problem]:
    """六 本办法自2023年1月1日起执行."""
    if on >= IN_FORCE_FROM:
        return []
    return [Problem("not_in_force", f"本办法自{IN_FORCE_FROM.isoformat()}起执行", vouchers("六"))]


@dataclass(frozen=True)
class ClaimContext:
    claimed_on: dt.date
    amount: Decimal
    pool_available: Decimal  # 定额发放: what is left of the pool now
    pool_opens_on: dt.date
    pool_closes_on: dt.date
    claimed_this_year: Decimal  # face value already claimed by this user in the claim's calendar year
    profile: ApplicantProfile
    credit_records: tuple[CreditRecord, ...] = ()


def remaining_annual_quota(claimed_this_year: Decimal, p: VoucherParams) -> Decimal:
    return max(p.annual_claim_cap - claimed_this_year, Decimal(0))


def counted_against_cap(claimed_this_year: Decimal, returned_on_expiry: Decimal, p: VoucherParams) -> Decimal:
    """四(二) 每年最高申领额度为6万元: what of the year's claims counts against the cap (AMBIGUITIES.md V-03). The face
    value of every claim, expired vouchers included (a 申领额度 is a claiming limit); under the other reading
    (``annual_cap_counts`` "net_of_expired") less what the year's expired vouchers gave back on expiry (all of an
    unused one's face value)."""
    if p.annual_cap_counts == "face_value":
        return claimed_this_year
    return max(claimed_this_year - returned_on_expiry, Decimal(0))


def claim_problems(ctx: ClaimContext, p: VoucherParams) -> list[Problem]:
    """四(二) 创新券实行定额发放、先到先得的原则。可多次申领创新券，单个企业或创业者每年最高申领额度为6万元.

    最高……6万元 includes 60,000 (AMBIGUITIES.md V-03: the face value of every claim of the calendar year counts,
    expired ones included). A claim is all or nothing: never silently reduced.
    """
    problems = in_force_problems(ctx.claimed_on)
    if ctx.amount <= 0:
        problems.append(Problem("amount_not_positive", "申领额度须大于0", vouchers("四(二)")))
    if not ctx.profile.has_innovation_need:
        problems.append(Problem("no_innovation_need", "创新券支持对象为有创新需求的企业和创业者", vouchers("二")))
    if not ctx.pool_opens_on <= ctx.claimed_on <= ctx.pool_closes_on:
        problems.append(
            Problem(
                "pool_closed",
                f"本批次申领期为 {ctx.pool_opens_on.isoformat()} 至 {ctx.pool_closes_on.isoformat()}",
                vouchers("四(二)"),
            )
        )
    if ctx.amount > ctx.pool_available:
        problems.append(
            Problem(
                "pool_exhausted",
                f"本批次剩余额度{ctx.pool_available}元，不足申领额度{ctx.amount}元",
                vouchers("四(二)"),
            )
        )
    quota = remaining_annual_quota(ctx.claimed_this_year, p)
    if ctx.amount > quota:
        problems.append(
            Problem(
                "annual_cap_exceeded",
                f"{ctx.claimed_on.year}年已申领{ctx.claimed_this_year}元，每年最高{p.annual_claim_cap}元，"
                f"尚可申领{quota}元",
                vouchers("四(二)"),
            )
        )
    problems.extend(ban_problems(ctx.credit_records, ctx.claimed_on, Programme.VOUCHERS, p))
    return problems


def voucher_last_valid_day(issued_on: dt.date, p: VoucherParams) -> dt.date:
    """四(二) 创新券有效期一般为3个月，逾期系统自动收回 (through the corresponding day, G-01)."""
    return period_last_day(issued_on, p.validity_months, p.validity_start_day_counted)


def is_expired(issued_on: dt.date, on: dt.date, p: VoucherParams) -> bool:
    return on > voucher_last_valid_day(issued_on, p)


def redemption_deadline(issued_on: dt.date, p: VoucherParams) -> dt.date:
    """四(四) 于当年度12月31日前在线提交兑付申请，逾期不予受理 (当年度 = the year of issue, V-04): the last day a
    submission is accepted, 31 December itself, or under the other reading of 前 (``redemption_deadline_day_included``
    false) the day before."""
    named_day = dt.date(issued_on.year, p.redemption_deadline_month, p.redemption_deadline_day)
    return named_day if p.redemption_deadline_day_included else named_day - dt.timedelta(days=1)


def redeem_by(issued_on: dt.date, p: VoucherParams) -> tuple[dt.date, str]:
    """The last day a redemption may be submitted against a voucher, and its clause: the voucher's last valid day
    (四(二)), or 31 December of its year of issue when that comes first (四(四); a voucher issued after 30 September
    outlives its year, reading V-20)."""
    last_valid, deadline = voucher_last_valid_day(issued_on, p), redemption_deadline(issued_on, p)
    return (last_valid, vouchers("四(二)")) if last_valid <= deadline else (deadline, vouchers("四(四)"))


def payment_due(submitted_on: dt.date, p: VoucherParams) -> dt.date:
    """四(五) 原则上每年4月底前完成上一年度兑付工作: 30 April of the year after submission."""
    return dt.date(submitted_on.year + 1, p.payment_deadline_month, p.payment_deadline_day)


@dataclass(frozen=True)
class RedemptionMaterials:
    contract_number: str
    contract_sealed_by_both: bool  # 1.技术合同……须盖有双方公章
    bank_receipt: bool  # 2.付款的银行回单
    invoice_number: str  # 2.发票
    service_evidence: bool  # 3.相应的服务结果凭证
    paid_amount: Decimal  # 先行支付全部服务款项
    fee: Decimal


@dataclass(frozen=True)
class RedemptionContext:
    submitted_on: dt.date
    used_on: dt.date  # the day the voucher was used (service contracted)
    issued_on: dt.date
    voucher_status: str
    materials: RedemptionMaterials
    related_to_carrier: bool
    carrier_active: bool
    contract_already_subsidised: bool
    invoice_already_subsidised: bool
    credit_records: tuple[CreditRecord, ...] = ()
    funded_by_other_programme: bool = False
    carrier_credit_records: tuple[CreditRecord, ...] = ()


def document_key(number: str) -> str:
    """四(四) 同一服务合同及其发票只能享受1次创新券补助: a contract or invoice number, whatever its spelling.

    Full-width and half-width forms are one (NFKC: "ＨＴ－２０２３" is "HT-2023"), case is ignored and every
    whitespace character (ideographic spaces included) is dropped, so "ht 2023-001" and "ＨＴ２０２３－００１" cannot be
    subsidised twice as "HT2023-001" (AMBIGUITIES.md V-10).
    """
    return "".join(unicodedata.normalize("NFKC", number).upper().split())


def old_rules_problem(used_on: dt.date) -> Problem | None:
    """六 2022年12月31日前已使用创新券，相关兑付依照《衢州市市本级科技创新券实施办法》(衢市科发高〔2020〕4号)执行."""
    if used_on >= IN_FORCE_FROM:
        return None
    return Problem(
        "old_rules_apply",
        f"创新券于 {used_on.isoformat()} 使用（2022年12月31日前），按{OLD_VOUCHERS_DOC}兑付，本系统不予受理",
        vouchers("六"),
    )


def redemption_problems(ctx: RedemptionContext, p: VoucherParams) -> list[Problem]:
    """四(三)(四), 二 末段, 五(二), 一(一), 六: everything that stops a redemption being accepted."""
    old = old_rules_problem(ctx.used_on)
    if old is not None:
        return [old]
    problems: list[Problem] = []
    m = ctx.materials
    if ctx.voucher_status != "active":
        problems.append(
            Problem("voucher_not_active", f"创新券状态为 {ctx.voucher_status}，不能兑现", vouchers("四(二)"))
        )
    last_valid = voucher_last_valid_day(ctx.issued_on, p)
    # V-02: the submission as well as the service within the validity, or under the other reading the service alone.
    if ctx.used_on > last_valid or (p.submission_within_validity and ctx.submitted_on > last_valid):
        problems.append(
            Problem("voucher_expired", f"创新券有效期至 {last_valid.isoformat()}，逾期系统自动收回", vouchers("四(二)"))
        )
    if ctx.used_on < (first_use := first_use_day(ctx.issued_on, p)):
        detail = "使用日期早于创新券领取日期" if first_use == ctx.issued_on else f"使用日期早于{first_use.isoformat()}"
        problems.append(Problem("used_before_issue", detail, vouchers("四(一)")))
    if ctx.submitted_on < ctx.used_on:
        problems.append(
            Problem(
                "submitted_before_use", "兑付申请日期早于服务使用日期：须先使用、支付后申请兑现", vouchers("一(三)")
            )
        )
    deadline = redemption_deadline(ctx.issued_on, p)
    if ctx.submitted_on > deadline:
        problems.append(
            Problem(
                "redemption_deadline_passed",
                f"须于 {deadline.isoformat()} 前在线提交兑付申请，逾期不予受理",
                vouchers("四(四)"),
            )
        )
    if not document_key(m.contract_number):
        problems.append(Problem("contract_missing", "须提交服务双方签订的技术合同（合同编号）", vouchers("四(三)1")))
    if not m.contract_sealed_by_both:
        problems.append(Problem("contract_seals", "技术合同须盖有服务双方公章", vouchers("四(三)1")))
    if not m.bank_receipt or not document_key(m.invoice_number):
        problems.append(Problem("payment_proof", "须提交付款的银行回单和发票", vouchers("四(三)2")))
    if not m.service_evidence:
        problems.append(Problem("service_evidence", "须提交相应的服务结果凭证", vouchers("四(三)3")))
    if m.paid_amount > m.fee:
        problems.append(
            Problem(
                "paid_more_than_fee",
                f"已付金额{m.paid_amount}元超过服务费用{m.fee}元（付款回单与发票应一致）",
                vouchers("四(三)2"),
            )
        )
    if m.paid_amount < m.fee:
        problems.append(
            Problem(
                "not_paid_in_full",
                f"须先行支付全部服务款项（已付{m.paid_amount}元，费用{m.fee}元）",
                vouchers("一(三)"),
            )
        )
    if ctx.contract_already_subsidised or ctx.invoice_already_subsidised:
        problems.append(Problem("already_subsidised", "同一服务合同及其发票只能享受1次创新券补助", vouchers("四(四)")))
    if ctx.funded_by_other_programme:
        problems.append(Problem("double_funding", "创新券不与其他科技项目重复资助", vouchers("一(一)")))
    if not ctx.carrier_active:
        problems.append(Problem("carrier_not_registered", "服务机构不是已注册的创新载体", vouchers("一(二)")))
    problems.extend(relation_problems(ctx.related_to_carrier))
    problems.extend(ban_problems(ctx.credit_records, ctx.submitted_on, Programme.VOUCHERS, p))
    problems.extend(carrier_ban_problems(ctx.carrier_credit_records, ctx.submitted_on, p))
    return problems


def first_use_day(issued_on: dt.date, p: VoucherParams) -> dt.date:
    """The first day a service the voucher pays for may have been used (AMBIGUITIES.md V-06): the day it was claimed
    (``service_use_from`` "claim_day", 根据需求适时领取), or under the other reading 1 January of that year."""
    return issued_on if p.service_use_from == "claim_day" else dt.date(issued_on.year, 1, 1)


def carrier_ban_problems(records: Iterable[CreditRecord], on: dt.date, p: VoucherParams) -> list[Problem]:
    """五(二) 对通过创新券骗取财政资金的……创新载体……3年内不再给予科技项目和财政科技资金支持: a voucher redeemed with a
    carrier is 财政科技资金 paid to it, so no redemption to a carrier under such a record is accepted or paid
    (AMBIGUITIES.md V-13; under the other reading, ``carrier_ban_withholds`` "own_funds", the ban withholds only the
    carrier's own projects' funds and no redemption naming it is refused)."""
    if p.carrier_ban_withholds == "own_funds":
        return []
    return [
        Problem("carrier_credit_ban", f"创新载体{b.detail}，不得接收创新券兑付", b.basis)
        for b in active_bans(records, on)
    ]


def reservation_back_to_voucher(voucher_still_valid: bool, p: VoucherParams) -> bool:
    """A refused or stopped redemption gives back what it reserved (AMBIGUITIES.md V-11): to the voucher while the
    voucher is still valid, else to the pool (the voucher was collected, 四(二) 逾期系统自动收回); under the other
    reading (``refused_reservation_returns_to`` "pool") always to the pool."""
    return voucher_still_valid and p.refused_reservation_returns_to == "voucher_while_valid"
