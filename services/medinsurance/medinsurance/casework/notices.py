"""What is due for a 浙里办 person (issue 27, ``GET /v1/me/notices``), computed from the records when asked, in the one
shape the gateway merges (qz_common.notices).

附件2 二(四)2: a short-term 代配药 authorisation (外伤等原因造成行动不便) 委托有效期为3个月; one given on a long-term
ground (二(四)1) 委托长期有效 and never falls due. The principal and the agent both hear of the last day; once it has
passed nothing is left to do (a new authorisation is a new request), so a lapsed one is not listed (reading A-77)."""

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework.dossiers import proxies_of
from medinsurance.rules.basis import basis
from qz_common.notices import Notice, due_first

MINE_AT = "/api/v1/me/medinsurance/proxy-authorisations"


async def notices_of(session: AsyncSession, id_number: str, as_of: dt.date) -> list[Notice]:
    """The person's active authorisations, as principal or agent, that end on or after ``as_of``, earliest first."""
    notices = []
    for proxy in await proxies_of(session, id_number):
        if proxy.status != "active" or proxy.expires_on is None or proxy.expires_on < as_of:
            continue
        # expires_on is the last day the authorisation holds (casework.proxies._active_on counts it in).
        last_day = proxy.expires_on.isoformat()
        if proxy.principal_id_number == id_number:
            title = f"您的短期代配药委托有效至 {last_day}（含当日），届时仍需代配药的，请重新委托"
        else:
            title = f"您受托的短期代配药委托有效至 {last_day}（含当日），此后不得再代为配药"
        notices.append(
            Notice(
                due_on=proxy.expires_on,
                kind="medinsurance.proxy_expires",
                title=title,
                basis=basis("附件2 二(四)2"),
                act_at=MINE_AT,
                record=f"proxy-authorisations/{proxy.id}",
                overdue=False,
            )
        )
    return due_first(notices)
