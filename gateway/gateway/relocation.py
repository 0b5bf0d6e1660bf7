"""Relocation cases: signing an expropriation agreement opens the follow-ups in other bureaus.

Steps, each idempotent and recorded in the gateway's own database:
1. ``sign_agreement`` — expropriation ``POST /v1/agreements``;
2. household: ``dog_address_change`` per member — dogs ``POST /v1/address-changes``;
   enterprise: ``clinic_relocation_filing`` — medinsurance ``POST /v1/relocation-filings`` (跨社区移址).
Each step is sent with an Idempotency-Key derived from the client, the client's own Idempotency-Key and the step's
position (``step_key``), so whatever the gateway lost, sending a step again is answered by the bureau with what it
did the first time, never done twice. A failed step stays ``failed`` with its error; it is retried by the
background loop and by ``POST /api/v1/cases/relocation/{id}/retry``. The case shows every step's state.

Opening a case is idempotent per (client, Idempotency-Key): a repeat gets the case (201, ``Idempotent-Replayed``),
the same key with another body a 422. The case is committed (status ``opening``) before the first call to a bureau,
then its steps run under the case's row lock. Should the gateway die meanwhile, the case stays ``opening``: the
client's retry with the same key takes it over and finishes it, and so does the background loop once its steps
were last tried an interval ago (the opener's lock, released when its process died, no longer holds it). An
agreement the expropriation bureau refuses (a 4xx: no such household, already signed, …) while the case is opening
makes it ``refused``: the refusal is the answer, nothing was done in any bureau, and the next request with the key
(the corrected one) opens the same case afresh.
The case, each step's outcome and each change of the case's status are written to the gateway's audit log in the
transaction that makes them.
"""

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import Principal, authenticate, deny
from gateway.examples import RELOCATION_CASE
from gateway.keys import Client
from gateway.models import AuditRecord, RelocationCase, RelocationStep
from gateway.proxy import enforce_rate_limit
from gateway.upstream import UpstreamFailure, Upstreams
from qz_common.audit import AuditTrail, snapshot
from qz_common.db import Database, utcnow
from qz_common.districts import District
from qz_common.errors import ProblemError
from qz_common.identity import IDENTITY_HEADER, Caller, SigningKey, mint_token
from qz_common.ids import USCC
from qz_common.inputs import StrictInput
from qz_common.pii import KeyVerification

router = APIRouter(prefix="/api/v1/cases/relocation", tags=["cross-bureau"])
log = logging.getLogger("qz.gateway.relocation")
MAX_ATTEMPTS = 20
audit = AuditTrail(AuditRecord)
# Where each kind of step is sent (all are POSTs carrying the step's Idempotency-Key).
STEP_PATHS = {
    "sign_agreement": "/v1/agreements",
    "dog_address_change": "/v1/address-changes",
    "clinic_relocation_filing": "/v1/relocation-filings",
}


class RelocationIn(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [RELOCATION_CASE]})

    kind: Literal["household", "enterprise"]
    agreement: dict[str, Any] = Field(description="expropriation 服务 POST /v1/agreements 的请求体")
    new_address: Annotated[str, Field(min_length=1, max_length=200)]
    new_district: District
    new_address_in_key_area: bool = Field(False, description="新住所是否在养犬重点管理区")
    operator_uscc: USCC | None = Field(None, description="enterprise：定点医药机构的经营主体")
    premises_address: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="enterprise：被征收的经营场所"
    )


class StepRefused(RuntimeError):
    """The bureau refused the step's request (a 4xx other than 408/429): sending it again cannot help."""

    def __init__(self, status: int, problem: Any) -> None:
        detail = problem.get("detail") if isinstance(problem, dict) else problem
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.problem = problem if isinstance(problem, dict) else {}

    def as_problem(self, within: str) -> ProblemError:
        """The bureau's answer, its fields named inside the request member ``within`` (e.g. ``agreement``)."""

        def inside(field: Any) -> str:
            return f"{within}.{field}" if field else within

        errors = [
            {**error, "field": inside(error.get("field"))}
            for error in self.problem.get("errors", [])
            if isinstance(error, dict)
        ]
        return ProblemError(
            self.status,
            str(self.problem.get("code", "step_refused")),
            str(self.problem.get("detail", "相关部门未受理")),
            field=inside(self.problem.get("field")),
            errors=errors or None,
        )


def case_view(case: RelocationCase) -> dict[str, Any]:
    return {
        "id": case.id,
        "kind": case.kind,
        "status": case.status,
        "created_at": case.created_at.isoformat(),
        "updated_at": case.updated_at.isoformat(),
        "steps": [
            {
                "name": s.name,
                "service": s.service,
                "status": s.status,
                "attempts": s.attempts,
                "last_error": s.last_error,
                "result": s.result,
            }
            for s in case.steps
        ],
    }


def step_key(case: RelocationCase, position: int) -> str:
    """The Idempotency-Key the step at ``position`` is sent with: the same for every attempt of the same client's
    request with the same key, whether or not the gateway remembered the case (a case id would not survive the
    rollback of a gateway that died)."""
    opened_by = hashlib.sha256(f"{case.client_id}\n{case.idempotency_key}".encode()).hexdigest()
    return f"relocation-{opened_by}-{position}"


def sent_with(step: RelocationStep) -> str:
    """The Idempotency-Key the step is sent with. A step that a gateway of the release before wrote during a rolling
    upgrade has none stored: that release sent it with a key made from the case id, which the bureau knows."""
    return step.idempotency_key or f"relocation-{step.case_id}-{step.position}"


def _member_ids(agreement: Any) -> list[str]:
    """The household members named by expropriation's AgreementOut (``member_id_numbers``)."""
    return sorted(set(agreement.get("member_id_numbers", []))) if isinstance(agreement, dict) else []


def _caller(case: RelocationCase) -> Principal:
    c = case.request["caller"]
    return Principal(Client(c["client_id"], "system", frozenset(c["scopes"]), c["district"]))


def _actor(client: Client) -> Caller:
    """The audit log's actor: the client that opened the case (also for the background retries done for it)."""
    return Caller(client.client_id, client.scopes, client.district)


def _body_of(case: RelocationCase) -> dict[str, Any]:
    """The request body the case was opened with (the stored request less the caller)."""
    return {name: value for name, value in case.request.items() if name != "caller"}


def _stored_request(client: Client, opened: dict[str, Any]) -> dict[str, Any]:
    """The request a case keeps: its body, and the caller its steps are sent for (also by the background loop)."""
    caller = {"client_id": client.client_id, "scopes": sorted(client.scopes), "district": client.district}
    return opened | {"caller": caller}


def _reopen(case: RelocationCase, request: dict[str, Any]) -> None:
    """A case refused while it opened takes the next request with its key, the corrected one, from its first step."""
    [sign] = case.steps  # a refused agreement is the only step a refused case has
    case.kind, case.request, case.status = request["kind"], request, "opening"
    sign.request, sign.status, sign.attempts = request["agreement"], "pending", 0
    sign.result = sign.last_error = None


class CaseRunner:
    def __init__(
        self, database: Database, upstreams: Upstreams, signing_key: SigningKey, keys: KeyVerification
    ) -> None:
        self.database = database
        self.upstreams = upstreams
        self.signing_key = signing_key
        # Cases are sealed (gateway.models): read and written only once the keys were checked against the database,
        # as the sessions qz_common.app gives are (the cases take theirs from the runner).
        self.keys = keys

    async def _call(self, case: RelocationCase, step: RelocationStep, key: str) -> Any:
        caller = _caller(case).client
        token = mint_token(
            self.signing_key,
            audience=step.service,
            client_id=caller.client_id,
            scopes=caller.scopes,
            district=caller.district,
        )
        path = STEP_PATHS[step.name]
        status, body = await self.upstreams.json(
            step.service,
            "POST",
            path,
            headers={IDENTITY_HEADER: token, "Idempotency-Key": key},
            body=step.request,
            retryable=True,
        )
        if 400 <= status < 500 and status not in (408, 429):
            raise StepRefused(status, body)
        if status >= 300:
            detail = body.get("detail") if isinstance(body, dict) else body
            raise RuntimeError(f"HTTP {status}: {detail}")
        return body

    def _follow_ups(self, case: RelocationCase, agreement: Any) -> list[RelocationStep]:
        request = case.request
        reference = f"征收协议 {agreement.get('id', '')}" if isinstance(agreement, dict) else "征收协议"
        if case.kind == "household":
            return [
                RelocationStep(
                    name="dog_address_change",
                    service="dogs",
                    request={
                        "owner_id_number": id_number,
                        "address": request["new_address"],
                        "district": request["new_district"],
                        "key_area": request["new_address_in_key_area"],
                        "reference": reference,
                    },
                )
                for id_number in _member_ids(agreement)
            ]
        return [
            RelocationStep(
                name="clinic_relocation_filing",
                service="medinsurance",
                request={
                    "operator_uscc": request["operator_uscc"],
                    "from_address": request["premises_address"],
                    "to_address": request["new_address"],
                    "reference": reference,
                },
            )
        ]

    async def advance(self, session: AsyncSession, case: RelocationCase) -> StepRefused | None:
        """Run every step not yet done, in order; stop at the first failure (later steps depend on it).

        A case still ``opening`` whose agreement the expropriation bureau refuses becomes ``refused`` and the refusal
        is returned, for the caller to answer with; any other failure leaves the case needing ``attention``.
        """
        actor = _actor(_caller(case).client)
        before = snapshot(case)
        refusal = None
        for step in list(case.steps):
            if step.status == "done":
                continue
            step.attempts += 1
            try:
                step.result = await self._call(case, step, sent_with(step))
            except (UpstreamFailure, RuntimeError) as exc:
                if case.status == "opening" and isinstance(exc, StepRefused) and step.name == "sign_agreement":
                    refusal = exc
                step.status, step.last_error = "failed", str(exc)[:500]
                await _audit_step(session, actor, step)
                break
            step.status, step.last_error = "done", None
            await _audit_step(session, actor, step)
            if step.name == "sign_agreement" and len(case.steps) == 1:
                for position, follow_up in enumerate(self._follow_ups(case, step.result), start=2):
                    follow_up.position, follow_up.idempotency_key = position, step_key(case, position)
                    case.steps.append(follow_up)
                await session.flush()
                return await self.advance(session, case)
        if refusal is not None:
            case.status = "refused"
        else:
            case.status = "completed" if all(s.status == "done" for s in case.steps) else "attention"
        if case.status != before["status"]:
            await session.flush()
            audit.record(session, actor, case.status, case, before=before)
        return refusal

    async def resume(self, session: AsyncSession, case: RelocationCase) -> StepRefused | None:
        """Take over a case still ``opening`` that its opener did not finish (it died, or runs no more) and advance
        it; the takeover is audited."""
        audit.record(session, _actor(_caller(case).client), "resume", case)
        return await self.advance(session, case)

    async def retry_failed(self, interval_s: float = 0) -> None:
        """One round over the cases needing attention or left ``opening`` by a gateway that died, each in its own
        transaction.

        A case whose steps were tried less than ``interval_s`` ago is left for a later round, so a case is
        retried once per interval however many gateway replicas run rounds (and MAX_ATTEMPTS means the same
        time span with one replica or ten).
        """
        await self.keys.ensure()
        tried_since = utcnow() - dt.timedelta(seconds=interval_s)
        last_id = 0
        while (case_id := await self._retry_next(last_id, tried_since)) is not None:
            last_id = case_id

    async def _retry_next(self, after_id: int, tried_since: dt.datetime) -> int | None:
        """Claim the next case due for a retry and advance it; its id, or None when none is left.

        With several gateway replicas the claim is the case row's lock, held while its steps run
        (``FOR UPDATE SKIP LOCKED``): other replicas skip the case, so no step is sent twice, and once the
        lock is released a completed case no longer matches. A case being opened is locked by its opener in the
        same way, and its steps were just written, so only a case whose opener died is taken over. SQLite (one
        host) ignores the clause: there the claim is the database's write lock, which the opener holds too.
        """
        recently_tried = (
            select(RelocationStep.id)
            .where(RelocationStep.case_id == RelocationCase.id, RelocationStep.updated_at > tried_since)
            .exists()
        )
        async with self.database.sessionmaker() as session, session.begin():
            case = await session.scalar(
                select(RelocationCase)
                .where(
                    RelocationCase.status.in_(("attention", "opening")), RelocationCase.id > after_id, ~recently_tried
                )
                .order_by(RelocationCase.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if case is None:
                return None
            if case.status == "opening":
                await self.resume(session, case)
            elif all(s.attempts < MAX_ATTEMPTS for s in case.steps if s.status != "done"):
                await self.advance(session, case)
            return case.id

    async def retry_loop(self, interval_s: float) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.retry_failed(interval_s)
            except Exception:
                log.exception("relocation retry round failed")


async def _audit_step(session: AsyncSession, actor: Caller, step: RelocationStep) -> None:
    await session.flush()
    audit.record(session, actor, f"step_{step.status}", step)


async def _authorised(request: Request) -> Client:
    """Dependency: authenticated before the body is validated, so strangers learn nothing from a 422."""
    client = await authenticate(request)
    if client.is_adapter or not (
        client.may_use("expropriation") and (client.may_use("dogs") or client.may_use("medinsurance"))
    ):
        raise deny(request, 403, "scope_missing", "搬迁联办需要征收及养犬或医保服务的权限", client.client_id)
    await enforce_rate_limit(request, client)
    runner: CaseRunner = request.app.state.case_runner
    if not runner.keys.done:
        await runner.keys.before_a_request()
    return client


@router.post("", status_code=201, summary="签订征收协议并联办后续事项（养犬住所变更、定点机构跨社区移址）")
async def open_case(
    body: RelocationIn,
    request: Request,
    client: Annotated[Client, Depends(_authorised)],
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=128)],
) -> JSONResponse:
    if body.kind == "enterprise" and not (body.operator_uscc and body.premises_address):
        raise ProblemError(
            422, "enterprise_fields_required", "企业搬迁须提供 operator_uscc 和 premises_address", field="operator_uscc"
        )
    runner: CaseRunner = request.app.state.case_runner
    opened = body.model_dump(mode="json")
    while (answer := await _open_or_resume(runner, client, idempotency_key, opened)) is None:
        pass  # a repeat with this key was refused meanwhile, before this request took the case: it tries afresh
    return answer


async def _open_or_resume(runner: CaseRunner, client: Client, key: str, opened: dict[str, Any]) -> JSONResponse | None:
    """Open the case of ``key`` or find the one it opened, then finish it if it is still ``opening``, under its row
    lock (a live opener holds it: a repeat waits for the opener, then replays). None if, by the time this request
    holds the lock, another request with the key was refused.
    """
    case_id, opened_here = await _record_case(runner.database, client, key, opened)
    async with runner.database.sessionmaker() as session, session.begin():
        case = await session.get_one(RelocationCase, case_id, with_for_update=True)
        if case.status == "refused":
            return None
        refusal = None
        if case.status == "opening":
            refusal = await (runner.advance(session, case) if opened_here else runner.resume(session, case))
        view = None if refusal else case_view(case)
    if refusal is not None:
        raise refusal.as_problem("agreement")
    return JSONResponse(view, status_code=201, headers=None if opened_here else {"Idempotent-Replayed": "true"})


async def _record_case(database: Database, client: Client, key: str, opened: dict[str, Any]) -> tuple[int, bool]:
    """The id of the case the client's ``key`` opens, committed before any bureau is called, and whether this
    request opened it (else it is a repeat, which must carry the same body)."""

    async def keyed_case(session: AsyncSession) -> RelocationCase | None:
        return await session.scalar(
            select(RelocationCase).where(
                RelocationCase.client_id == client.client_id, RelocationCase.idempotency_key == key
            )
        )

    async with database.sessionmaker() as session, session.begin():
        existing = await keyed_case(session)
        if existing is not None and existing.status == "refused":
            _reopen(existing, _stored_request(client, opened))
            await session.flush()
            audit.record(session, _actor(client), "open", existing)
            return existing.id, True
        if existing is None:
            request = _stored_request(client, opened)
            case = RelocationCase(
                client_id=client.client_id, idempotency_key=key, kind=opened["kind"], request=request, status="opening"
            )
            case.steps.append(
                RelocationStep(
                    position=1,
                    name="sign_agreement",
                    service="expropriation",
                    request=opened["agreement"],
                    idempotency_key=step_key(case, 1),
                )
            )
            try:
                # On PostgreSQL a simultaneous open with the same key waits here, on the unique key, for the first.
                async with session.begin_nested():
                    session.add(case)
            except IntegrityError:
                if (existing := await keyed_case(session)) is None:  # pragma: no cover - the first vanished meanwhile
                    raise
            else:
                audit.record(session, _actor(client), "open", case)
                return case.id, True
        if _body_of(existing) != opened:
            raise ProblemError(
                422, "idempotency_key_reused", "该 Idempotency-Key 已用于内容不同的请求", field="Idempotency-Key"
            )
        return existing.id, False


async def _own_case(session: AsyncSession, client: Client, case_id: int) -> RelocationCase:
    case = await session.get(RelocationCase, case_id)
    if case is None or case.client_id != client.client_id:
        raise ProblemError(404, "not_found", "搬迁联办案件不存在", field="case_id")
    return case


@router.get("/{case_id}", summary="搬迁联办案件及各步骤状态")
async def get_case(case_id: int, request: Request, client: Annotated[Client, Depends(_authorised)]) -> JSONResponse:
    async with request.app.state.case_runner.database.sessionmaker() as session:
        return JSONResponse(case_view(await _own_case(session, client, case_id)))


@router.post("/{case_id}/retry", summary="立即重试失败的步骤")
async def retry_case(case_id: int, request: Request, client: Annotated[Client, Depends(_authorised)]) -> JSONResponse:
    runner: CaseRunner = request.app.state.case_runner
    async with runner.database.sessionmaker() as session, session.begin():
        # Claimed like the background rounds claim (waiting for one in progress), so no step is sent twice.
        await session.get(RelocationCase, case_id, with_for_update=True)
        case = await _own_case(session, client, case_id)
        refusal = None
        if case.status not in ("completed", "refused"):
            audit.record(session, _actor(client), "retry", case)
            refusal = await runner.advance(session, case)
            await session.flush()
        view = None if refusal else case_view(case)
    if refusal is not None:
        raise refusal.as_problem("agreement")
    return JSONResponse(view)


def start_retry_loop(runner: CaseRunner, interval_s: float) -> "asyncio.Task[None]":
    return asyncio.create_task(runner.retry_loop(interval_s))


async def stop(task: "asyncio.Task[None]") -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
