"""The 浙里办 adapter as the gateway tests play it (issue 27): assertions signed as the adapter contract says
(../shared/reference/zheliban.md), made when a test runs, and a service's audit trail opened to read who acted."""

import asyncio
import time
import uuid
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from testkit import ServiceProcess

from gateway.settings import DEV_ADAPTER_ASSERTION_SECRET
from qz_common.audit import AuditRecordMixin
from qz_common.db import async_url
from qz_common.pii import KeyRing, use_keyring
from qz_common.settings import ServiceSettings

ADAPTER = {"X-API-Key": "dev-zheliban-key"}
STAFF = {"X-API-Key": "dev-key"}
ENTERPRISE_NAME = "衢州元立新材料有限公司"


def assertion(
    sub: str,
    *,
    user_type: str | None = None,
    level: object = 3,
    jti: str | None = "fresh",
    agent: str | None = None,
    **changes: object,
) -> str:
    """An assertion as the adapter signs it (a ``fresh`` jti is a new uuid): a person by default, a legal person
    with ``user_type="LEGAL_PERSON"`` (acted for by ``agent``); ``changes`` overrides or, given None, leaves out a
    claim."""
    now = int(time.time())
    claims: dict[str, object] = {"sub": sub, "name": "市民", "iat": now, "exp": now + 300, "auth_level": level}
    if jti is not None:
        claims["jti"] = uuid.uuid4().hex if jti == "fresh" else jti
    if user_type is not None:
        claims["user_type"] = user_type
    if user_type == "LEGAL_PERSON":
        claims.update(name=ENTERPRISE_NAME, agent_name="王经办", agent_id_number=agent)
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, DEV_ADAPTER_ASSERTION_SECRET, algorithm="HS256")


def signed_in(token: str) -> dict[str, str]:
    return ADAPTER | {"X-Citizen-Assertion": token}


def as_person(who: str, **claims: Any) -> dict[str, str]:
    """Headers of one request for ``who`` (a new assertion each time: a write spends its own)."""
    return signed_in(assertion(who, **claims))


def audit_actors(
    service: ServiceProcess,
    record: type[AuditRecordMixin],
    settings: type[ServiceSettings],
    entity: str,
    entity_id: str,
) -> list[str]:
    """The actors of one record's audit rows, oldest first, opened with the service's (dev) keys: the column is
    sealed (qz_common.audit.SealedAuditRecordMixin)."""

    async def read() -> list[str]:
        engine = create_async_engine(async_url(service.database_url))
        ring = KeyRing.from_settings(settings(database_url=service.database_url), dev_mode=True)
        use_keyring(engine, ring)
        async with AsyncSession(engine) as session:
            rows = await session.scalars(
                select(record.actor).where(record.entity == entity, record.entity_id == entity_id).order_by(record.id)
            )
            actors = list(rows)
        await engine.dispose()
        return actors

    return asyncio.run(read())
