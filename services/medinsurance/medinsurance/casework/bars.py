"""The bars on an operating entity (its 统一社会信用代码) becoming a 定点医药机构 again (二(三)2, 二(三)3), checked when
an application is submitted or an agreement signed, and tried under a scenario before (reading A-59)."""

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework.common import institution_for, is_pharmacy
from medinsurance.casework.records import application_rule
from medinsurance.models import Agreement, Application, Institution
from medinsurance.parameters import books_in_force
from medinsurance.rules.agreements import AgreementState
from medinsurance.rules.bars import Bar, BarBooks, EntityRecords, bar_on
from medinsurance.rules.basis import CALENDAR_BOOK
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.scenario import scenario_computation

SANCTION_CLAUSE = "五(三)"  # agreements ended by a 协议处理 decision carry it in their basis
VOLUNTARY_TERMINATION = "五(三)5(10)"  # 主动提出解除医保协议且经办机构同意的: no sanction


async def entity_records(session: AsyncSession, inst: Institution) -> EntityRecords:
    """Every application of every institution with ``inst``'s 统一社会信用代码, and the agreements a 五(三) decision
    ended (not a voluntary 五(三)5(10) one), each with its institution row: what the rules choose the binding ones
    from (reading A-59). The fraud found is that of the cancelled applications held here (其他 dated records go
    through /v1/refusal-check)."""
    entity = select(Institution.id).where(Institution.uscc == inst.uscc)
    applications = (await session.scalars(select(Application).where(Application.institution_id.in_(entity)))).all()
    terminated = (
        await session.execute(
            select(Agreement.institution_id, Agreement.terminated_on).where(
                Agreement.institution_id.in_(entity),
                Agreement.state == AgreementState.TERMINATED.value,
                Agreement.basis.like(f"%{SANCTION_CLAUSE}%"),
                Agreement.basis.not_like(f"%{VOLUNTARY_TERMINATION}%"),
            )
        )
    ).all()
    return EntityRecords(
        tuple((a.institution_id, application_rule(a)) for a in applications),
        tuple((institution_id, on) for institution_id, on in terminated if on is not None),
    )


def _books(on: dt.date, overrides: Mapping[str, str] | None = None) -> BarBooks:
    process, refusal, calendar = books_in_force(("process", "refusal", CALENDAR_BOOK), on, overrides)
    return BarBooks(process, refusal, calendar)


async def refuse_if_barred(session: AsyncSession, inst: Institution, on: dt.date, *, field: str = "on") -> None:
    """Bars checked when an application is submitted (申请 = 提交正式的定点申请书, reading A-59) and when an
    agreement is signed or imported (A-70); ``field`` names the date the request gave. 409 ``refused`` (不予受理)
    or ``waiting_period``, with the day the bar ends (``until``)."""
    bar = bar_on(await entity_records(session, inst), inst.id, on, is_pharmacy(inst), _books(on))
    if bar is not None:
        raise ProblemError(409, bar.code, bar.reason, field=field, basis=bar.basis, until=str(bar.until))


async def check(
    session: AsyncSession, caller: Caller, institution_id: int, on: dt.date, overrides: Mapping[str, str] | None
) -> Bar | None:
    """What-if: the bar an application of the institution submitted on ``on`` would meet, under a scenario of the
    process, refusal and calendar books (their figures, and readings A-59, A-07, A-02 among them). Nothing is
    written; another district's institution answers as an unused id."""
    inst = await institution_for(session, caller, institution_id)
    books = _books(on, overrides)
    records = await entity_records(session, inst)
    with scenario_computation(overrides):
        return bar_on(records, inst.id, on, is_pharmacy(inst), books)
