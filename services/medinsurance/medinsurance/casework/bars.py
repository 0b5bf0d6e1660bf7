"""The bars on an operating entity (its 统一社会信用代码) becoming a 定点医药机构 again (二(三)2, 二(三)3)."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework.common import is_pharmacy
from medinsurance.casework.records import application_rule
from medinsurance.models import Agreement, Application, Institution
from medinsurance.parameters import counted_in_force
from medinsurance.rules.agreements import AgreementState
from medinsurance.rules.application import waiting_bar
from medinsurance.rules.refusal import ApplicantRecord, Termination, refusal_findings
from qz_common.errors import ProblemError

SANCTION_CLAUSE = "五(三)"  # agreements ended by a 协议处理 decision carry it in their basis
VOLUNTARY_TERMINATION = "五(三)5(10)"  # 主动提出解除医保协议且经办机构同意的: no sanction


async def refuse_if_barred(session: AsyncSession, inst: Institution, on: dt.date, *, field: str = "on") -> None:
    """Bars checked when an application is submitted (申请 = 提交正式的定点申请书, reading A-59) and when an
    agreement is signed or imported (A-70); ``field`` names the date the request gave.

    They bind the operating entity (its 统一社会信用代码), whichever application or institution row it uses:
    二(三)2 不予受理 医疗机构(4)/药店(2) "以弄虚作假等不正当手段申请定点,自发现之日起未满3年" (from the cancelled
    applications held here; other dated records go through /v1/refusal-check), 二(三)2 "须3个月后方可再次申请"
    and 二(三)3 "1年内不得再次申请"."""
    entity = select(Institution.id).where(Institution.uscc == inst.uscc)
    history = [
        application_rule(r)
        for r in (await session.scalars(select(Application).where(Application.institution_id.in_(entity)))).all()
    ]
    terminated = (
        await session.scalars(
            select(Agreement.terminated_on).where(
                Agreement.institution_id.in_(entity),
                Agreement.state == AgreementState.TERMINATED.value,
                Agreement.basis.like(f"%{SANCTION_CLAUSE}%"),
                Agreement.basis.not_like(f"%{VOLUNTARY_TERMINATION}%"),
            )
        )
    ).all()
    refusal, calendar = counted_in_force("refusal", on)
    findings = refusal_findings(
        ApplicantRecord(
            fraud_found_on=tuple(a.cancelled_on for a in history if a.cancelled_on is not None),
            # Reading A-53: the shortest window (1 year, 严重违反医保协议约定); /v1/refusal-check weighs the rest.
            terminated_for_breach=tuple(Termination(on, True) for on in terminated if on is not None),
        ),
        on,
        is_pharmacy(inst),
        refusal.params,
        calendar,
    )
    if findings:
        f = findings[0]
        raise ProblemError(
            409, "refused", f"不予受理：{f.reason}（至{f.until}）", field=field, basis=f.basis, until=str(f.until)
        )
    bar = waiting_bar(history, on)
    if bar is not None:
        raise ProblemError(
            409, "waiting_period", f"不予受理：{bar.reason}", field=field, basis=bar.basis, until=str(bar.until)
        )
