"""Nothing that names a person is in the medinsurance database in clear, after ordinary use or after migration 0004
sealed the rows of the release before, while every answer still carries it (issue 30, Personal data at rest:
个人信息保护法 第五十一条, 等保2.0 level 3).

The database is read as an intruder with a dump would read it: every cell of every table, raw SQL, on SQLite and
PostgreSQL. The persons medinsurance stores are the principals and agents of 代配药 authorisations and institutions'
法定代表人, each by 身份证号.
"""

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from medinsurance_testdata import REP, USCC, institution
from sqlalchemy import select
from testkit import DatabaseFactory, PiiKeys, id_number, identity_headers, in_clear, run_sql, write_as_stored

from medinsurance.casework.common import audit
from medinsurance.main import create_app
from medinsurance.models import AuditRecord, IdempotencyKey, ProxyAuthorisation
from medinsurance.settings import MedinsuranceSettings
from qz_common.identity import Caller
from qz_common.migrations import downgrade, upgrade
from qz_common.pii import KeyRing
from qz_common.settings import PlatformSettings

PRINCIPAL = id_number("330802", dt.date(1938, 4, 2), 21)
AGENT = id_number("330802", dt.date(1966, 8, 9), 31)
NEW_AGENT = id_number("330803", dt.date(1970, 1, 5), 41)
OTHER_PRINCIPAL = id_number("330803", dt.date(1941, 3, 3), 51)
PERSONAL = [REP, PRINCIPAL, AGENT, NEW_AGENT, OTHER_PRINCIPAL]
PROXY = {"ground": "mobility", "relationship": "close_relative", "starts_on": "2024-03-01"}
# A 浙里办 caller: qz_common.audit.actor_of names the citizen in the actor of what they do.
CITIZEN = Caller("zlb-adapter", frozenset({"medinsurance:write"}), citizen_id=PRINCIPAL)


def use_the_service_as_every_day(client: TestClient) -> None:
    """An institution with its 法定代表人, authorisations (one retried, one replacing another, one revoked), and every
    way of reading them back: the list by 身份证号, the citizen's own view, the cross-bureau dossiers."""
    clinic = institution(client)
    key = {"Idempotency-Key": "window-2-0001"}
    body = PROXY | {"principal_id_number": PRINCIPAL, "agent_id_number": AGENT, "institution_id": clinic["id"]}
    first, again = (client.post("/v1/proxy-authorisations", json=body, headers=key) for _ in range(2))
    assert (first.status_code, again.headers["Idempotent-Replayed"], again.json()) == (201, "true", first.json())
    change = body | {"agent_id_number": NEW_AGENT, "replaces_id": first.json()["id"], "starts_on": "2024-05-01"}
    changed = client.post("/v1/proxy-authorisations", json=change)
    assert changed.status_code == 201, changed.text
    other = PROXY | {"principal_id_number": OTHER_PRINCIPAL, "agent_id_number": AGENT}
    revoked_id = client.post("/v1/proxy-authorisations", json=other).json()["id"]
    assert client.post(f"/v1/proxy-authorisations/{revoked_id}/revoke", json={"on": "2024-06-01"}).status_code == 200

    by_agent = client.get("/v1/proxy-authorisations", params={"id_number": AGENT}).json()["items"]
    assert [(p["principal_id_number"], p["status"]) for p in by_agent] == [
        (PRINCIPAL, "replaced"),
        (OTHER_PRINCIPAL, "revoked"),
    ]
    mine = client.get("/v1/me/proxy-authorisations", headers=identity_headers("medinsurance", citizen=PRINCIPAL))
    assert [(p["agent_id_number"], p["status"]) for p in mine.json()] == [(AGENT, "replaced"), (NEW_AGENT, "active")]
    new_agent = client.get(f"/v1/dossiers/citizens/{NEW_AGENT}").json()
    assert [p["principal_id_number"] for p in new_agent["proxy_authorisations"]] == [PRINCIPAL]
    rep = client.get(f"/v1/dossiers/citizens/{REP}").json()
    assert [(i["id"], i["legal_rep_id_number"]) for i in rep["institutions_as_legal_rep"]] == [(clinic["id"], REP)]
    enterprise = client.get(f"/v1/dossiers/enterprises/{USCC}").json()
    assert [i["legal_rep_id_number"] for i in enterprise["institutions"]] == [REP]


async def audit_as_the_citizen(app: Any) -> list[str]:
    """An audit row of a change the citizen made (medinsurance has no 浙里办 command yet: its trail is written as a
    command would write it), and the actors read back through the model."""
    async with app.state.db.sessionmaker() as session, session.begin():
        proxy = await session.scalar(select(ProxyAuthorisation).where(ProxyAuthorisation.status == "active"))
        async with audit.change(session, CITIZEN, "revoke", proxy):
            proxy.status = "revoked"
    async with app.state.db.sessionmaker() as session:
        return list(await session.scalars(select(AuditRecord.actor).order_by(AuditRecord.id)))


def test_no_id_number_is_stored_in_clear(medinsurance_settings_on_backend: MedinsuranceSettings) -> None:
    app = create_app(medinsurance_settings_on_backend, PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("medinsurance")) as client:
        use_the_service_as_every_day(client)
        actors = client.portal.call(audit_as_the_citizen, app)  # type: ignore[union-attr]
    assert actors[-1] == f"zlb-adapter/citizen:{PRINCIPAL}"
    assert in_clear(medinsurance_settings_on_backend.database_url, PERSONAL) == []


# --- migration 0004 on the rows of the release before --------------------------------------------------------

LEGACY_REP = next(n for n in (id_number("330881", dt.date(1970, 2, 2), s) for s in range(200)) if n.endswith("X"))
LEGACY_PRINCIPAL = id_number("330881", dt.date(1936, 7, 7), 61)
LEGACY_AGENTS = [id_number("330881", dt.date(1965, 1, 1), 70 + i) for i in range(3)]
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
CITIZEN_ACTOR = f"zlb-adapter/citizen:{LEGACY_PRINCIPAL}"


def _legacy_proxy(number: int, agent: str) -> dict[str, Any]:
    return {
        "id": number,
        "institution_id": 1,
        "district": "江山市",
        "principal_id_number": LEGACY_PRINCIPAL,
        "agent_id_number": agent,
        "ground": "mobility",
        "relationship": "close_relative",
        "starts_on": dt.date(2026, 3, 1),
        "expires_on": None,
        "status": "active",
        "revoked_on": None,
        "replaces_id": None,
        "drug_scope": "慢性病、特殊病、精神病长期用药",
        "basis": "衢医保发〔2023〕8号 附件2 二(四)1",
        "created_at": NOW,
    }


LEGACY_ROWS: dict[str, list[dict[str, Any]]] = {
    "institutions": [
        {
            "id": 1,
            "name": "江山大药房",
            "kind": "retail_pharmacy",
            "uscc": USCC,
            "district": "江山市",
            "address": "江山市虎山街道2号",
            "community": "虎山社区",
            "secondary_or_above": False,
            "public_institution": False,
            "legal_rep_id_number": LEGACY_REP.lower(),  # as a 2023 import wrote it: found all the same
            "created_at": NOW,
        }
    ],
    "proxy_authorisations": [_legacy_proxy(i + 1, agent) for i, agent in enumerate(LEGACY_AGENTS)],
    "person_locks": [{"id_number": LEGACY_PRINCIPAL}, *({"id_number": agent} for agent in LEGACY_AGENTS)],
    "audit_log": [
        {
            "id": 1,
            "occurred_at": NOW,
            "actor": CITIZEN_ACTOR,
            "request_id": None,
            "action": "authorise",
            "entity": "proxy_authorisations",
            "entity_id": "1",
            "before": None,
            "after": {"principal_id_number": LEGACY_PRINCIPAL, "agent_id_number": LEGACY_AGENTS[0]},
        }
    ],
    "idempotency_keys": [
        {
            "id": 1,
            "client_id": "jiangshan",
            "key": "window-1-0007",
            "request_hash": "0" * 64,
            "status_code": 201,
            "response_body": {"id": 1, "principal_id_number": LEGACY_PRINCIPAL, "agent_id_number": LEGACY_AGENTS[0]},
            "created_at": NOW,
        }
    ],
}
LEGACY_PERSONAL = [LEGACY_REP, LEGACY_REP.lower(), LEGACY_PRINCIPAL, *LEGACY_AGENTS]


async def read_sealed(app: Any) -> tuple[Any, ...]:
    async with app.state.db.sessionmaker() as session:
        record = (await session.execute(select(AuditRecord.actor, AuditRecord.after))).one()
        answer = await session.scalar(select(IdempotencyKey.response_body))
    return (*record, answer)


def test_migration_0004_seals_the_rows_of_the_release_before_and_its_downgrade_opens_them(
    database_factory: DatabaseFactory, backend: str
) -> None:
    url = database_factory.create("medinsurance", backend=backend, migrate=False)
    upgrade("medinsurance", url, "0003")
    write_as_stored(url, LEGACY_ROWS)
    assert len(in_clear(url, LEGACY_PERSONAL)) > 0
    keys = PiiKeys.fresh("2026a")
    ring = KeyRing.from_settings(MedinsuranceSettings(**keys.settings), dev_mode=False)

    upgrade("medinsurance", url, keyring=ring)
    assert in_clear(url, [*LEGACY_PERSONAL, CITIZEN_ACTOR]) == []
    assert run_sql(url, "SELECT purpose, kid FROM pii_keys ORDER BY purpose") == [
        ("data", "2026a"),
        ("index", "idx-2026a"),
    ]
    settings = MedinsuranceSettings(database_url=url, **keys.settings)
    with TestClient(
        create_app(settings, PlatformSettings(dev_mode=True)), headers=identity_headers("medinsurance")
    ) as c:
        citizen = identity_headers("medinsurance", citizen=LEGACY_PRINCIPAL)
        mine = c.get("/v1/me/proxy-authorisations", headers=citizen).json()
        assert [p["agent_id_number"] for p in mine] == LEGACY_AGENTS
        rep = c.get(f"/v1/dossiers/citizens/{LEGACY_REP}").json()["institutions_as_legal_rep"]
        assert [i["legal_rep_id_number"] for i in rep] == [LEGACY_REP.lower()]
        # The counts of 附件2 二(四) find the authorisations of before: three agents already, a fourth is refused.
        fourth = PROXY | {"principal_id_number": LEGACY_PRINCIPAL, "agent_id_number": AGENT, "starts_on": "2026-12-01"}
        refused = c.post("/v1/proxy-authorisations", json=fourth)
        assert (refused.status_code, refused.json()["code"]) == (422, "proxy_not_allowed"), refused.text
        stored = c.portal.call(read_sealed, c.app)  # type: ignore[union-attr, arg-type]
    assert stored == (
        CITIZEN_ACTOR,
        LEGACY_ROWS["audit_log"][0]["after"],
        LEGACY_ROWS["idempotency_keys"][0]["response_body"],
    )

    downgrade("medinsurance", url, "0003", keyring=ring)
    assert run_sql(url, "SELECT legal_rep_id_number FROM institutions") == [(LEGACY_REP.lower(),)]
    assert run_sql(url, "SELECT agent_id_number FROM proxy_authorisations ORDER BY id") == [(a,) for a in LEGACY_AGENTS]
    assert run_sql(url, "SELECT actor FROM audit_log") == [(CITIZEN_ACTOR,)]
    upgrade("medinsurance", url, keyring=ring)
    assert in_clear(url, [*LEGACY_PERSONAL, CITIZEN_ACTOR]) == []
