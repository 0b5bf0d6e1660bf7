"""Random sequences of real medinsurance commands (issue 26), on SQLite and on PostgreSQL: institutions registered,
applications taken through 二(三) (scores around the 85 of 二(三)3), approved applications signed, agreements imported,
中止, 恢复, 解除 (by an event or by a 五(三) decision), 续签, time passing, and every command repeated: the same body
again, under the same Idempotency-Key, concurrently, and a decision posted again without a key.

The model replays each command through rules/ (application.step, agreements.status_on and the transitions,
sanctions.decide, the bars of A-59/A-70 with refusal.refusal_findings and application.waiting_bar) and through the
claims of qz_common.idempotency (a key, a decision's record, kind, date and 文书号): it predicts whether the command is
applied, replayed, a conflict or refused, and what each record becomes. After every step:

- every stored application and agreement is the model's record (the states rules/ gives);
- an agreement exists only from a signed application (二(三)4) or an import (A-70);
- no institution holds two live agreements in one 统筹区 (A-67);
- suspensions_this_term is the number of distinct 中止 decisions that suspended the agreement in its term
  (五(三)5(1), A-69);
- a replayed, conflicting or refused command changes nothing (row counts and audit trail).
"""

import asyncio
import datetime as dt
import itertools
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from testkit import DatabaseFactory, identity_headers, reset_tables

from medinsurance.main import create_app
from medinsurance.models import Agreement, Application, AuditRecord, Base, Institution, Violation
from medinsurance.parameters import params
from medinsurance.rules import agreements as agreement_rules
from medinsurance.rules.application import (
    AppEvent,
    AppState,
    Books,
    ProcessError,
    earliest_application,
    step,
    waiting_bar,
)
from medinsurance.rules.application import Application as ApplicationRecord
from medinsurance.rules.refusal import ApplicantRecord, Termination, refusal_findings
from medinsurance.rules.sanctions import CASES, decide
from medinsurance.settings import MedinsuranceSettings
from qz_common.clock import today
from qz_common.settings import PlatformSettings

T = TypeVar("T")
START = dt.date(2023, 3, 1)  # after 衢医保发〔2023〕8号 took effect (2023-02-18)
DISTRICT = "柯城区"  # every institution's, so every agreement is in its 统筹区
ENTITIES = ("91110000600037341L", "91330803683105628K")  # two operating entities (统一社会信用代码)
TERMINATED = agreement_rules.AgreementState.TERMINATED
LIVE = (agreement_rules.AgreementState.ACTIVE, agreement_rules.AgreementState.SUSPENDED)
CLOSED = (AppState.WITHDRAWN, AppState.CANCELLED, AppState.BARRED, AppState.OPEN)
# The road to designation (二(三)): each state's next step
NEXT = {
    AppState.TRIAL: AppEvent.SUBMIT,
    AppState.SUBMITTED: AppEvent.ACCEPT,
    AppState.SUPPLEMENT_REQUESTED: AppEvent.COMPLETE_SUPPLEMENT,
    AppState.ACCEPTED: AppEvent.EVALUATE,
    AppState.FAILED: AppEvent.REEVALUATE,
    AppState.PASSED: AppEvent.APPROVE,
    AppState.APPROVED: AppEvent.SIGN,
    AppState.SIGNED: AppEvent.OPEN_SETTLEMENT,
    AppState.WITHDRAWN: AppEvent.SUBMIT,
    AppState.BARRED: AppEvent.SUBMIT,
}
SCORES = (Decimal("84.99"), Decimal("85"), Decimal("85.01"))  # 二(三)3 "85分(含)以上的为合格"
DOCUMENTS = (None, "衢医保稽〔2023〕1号", "衢医保稽〔2023〕2号")
SUSPENSION = {"case": "T3_2", "violation_amount": "1000.00", "ratio": "0.10", "suspension_days": 30}
TERMINATION = {"case": "T5_3", "violation_amount": "1000.00", "ratio": "0"}


@dataclass
class ApplicationModel:
    id: int
    institution: int
    record: ApplicationRecord


@dataclass
class AgreementModel:
    id: int
    institution: int
    record: agreement_rules.Agreement
    source: str
    application_id: int | None
    suspended_by: int = 0  # distinct 中止 decisions that suspended it in its term


@dataclass
class Sent:
    path: str
    body: dict[str, Any]
    key: str | None
    status: int
    answer: Any  # None when the command was refused or in conflict (it changed nothing, and would not again)
    claimed: bool  # the answer is stored under a key or a decision, so the same request is answered so again


class Service:
    """The app on one database, reused by every example of one backend (tables emptied between examples)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = TestClient(create_app(MedinsuranceSettings(database_url=url), PlatformSettings(dev_mode=True)))

    def _in_app(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run ``work`` on the app's own event loop (where its database connections live)."""
        assert self.client.portal is not None
        return self.client.portal.call(work)

    def tables(self) -> dict[str, int]:
        """What a command may change: the rows of every table and the last audit row."""

        async def count() -> dict[str, int]:
            async with self.client.app.state.db.sessionmaker() as session:  # type: ignore[attr-defined]
                counts = {
                    model.__tablename__: int(await session.scalar(select(func.count()).select_from(model)) or 0)
                    for model in (Institution, Application, Agreement, Violation, AuditRecord)
                }
                return counts | {"last_audit": int(await session.scalar(select(func.max(AuditRecord.id))) or 0)}

        return self._in_app(count)

    def post(self, path: str, body: dict[str, Any], key: str | None, times: int = 1) -> list[httpx.Response]:
        """``times`` identical posts at once, each with a fresh identity token (they live 60 s)."""
        headers = identity_headers("medinsurance") | ({"Idempotency-Key": key} if key else {})

        async def send() -> list[httpx.Response]:
            transport = httpx.ASGITransport(app=self.client.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://medinsurance", headers=headers) as ac:
                return list(await asyncio.gather(*(ac.post(path, json=body) for _ in range(times))))

        return self._in_app(send)

    def get(self, path: str, **query: Any) -> Any:
        answer = self.client.get(path, params=query, headers=identity_headers("medinsurance"))
        assert answer.status_code == 200, answer.text
        return answer.json()


def canonical(path: str, body: dict[str, Any]) -> str:
    return json.dumps([path, body], sort_keys=True, ensure_ascii=False)


class CommandsMachine(RuleBasedStateMachine):
    service: Service

    def __init__(self) -> None:
        super().__init__()
        reset_tables(self.service.url, Base.metadata)
        self.day = START
        self.institutions: dict[int, str] = {}  # id → USCC
        self.applications: dict[int, ApplicationModel] = {}
        self.agreements: dict[int, AgreementModel] = {}
        self.claims: dict[str, tuple[str, int, Any]] = {}  # key or decision → (request, status, answer)
        self.decisions: list[tuple[str, dict[str, Any]]] = []  # decisions applied: (path, body)
        self.keys = itertools.count()
        self.last: Sent | None = None

    # ---------------------------------------------------------------- the model

    def barred(self, uscc: str, on: dt.date) -> bool:
        """casework/bars.py on the model: the entity's cancelled applications (fraud, 3 years), its agreements ended
        by a 五(三) decision (1 year, A-53) and the waits of A-59."""
        own = {i for i, u in self.institutions.items() if u == uscc}
        history = [a.record for a in self.applications.values() if a.institution in own]
        ended = [
            g.record.terminated_on
            for g in self.agreements.values()
            if g.institution in own
            and g.record.state is agreement_rules.AgreementState.TERMINATED
            and "五(三)" in g.record.basis
            and "五(三)5(10)" not in g.record.basis
            and g.record.terminated_on is not None
        ]
        record = ApplicantRecord(
            fraud_found_on=tuple(a.cancelled_on for a in history if a.cancelled_on is not None),
            terminated_for_breach=tuple(Termination(e, True) for e in ended),
        )
        return (
            bool(refusal_findings(record, on, False, params("refusal", on), params("calendar", on)))
            or waiting_bar(history, on) is not None
        )

    def live(self, institution: int) -> list[AgreementModel]:
        """Live as stored (the record the last event left), as casework counts them."""
        return [g for g in self.agreements.values() if g.institution == institution and g.record.state in LIVE]

    def lapsing(self, institution: int, on: dt.date) -> list[AgreementModel] | None:
        """A signature or an import on ``on``: refused (None) while the entity is barred or an agreement in the 统筹区
        still stands that day (A-67, A-70); else the stored-live ones that ended by themselves, to be recorded as
        they stand (A-71)."""
        if self.barred(self.institutions[institution], on):
            return None
        p = params("agreement", on)
        ended = self.live(institution)
        if any(agreement_rules.status_on(g.record, on, p).state in LIVE for g in ended):
            return None
        return ended

    def lapse(self, ended: list[AgreementModel], on: dt.date) -> None:
        for g in ended:
            g.record = agreement_rules.status_on(g.record, on, params("agreement", on))

    def made_agreement(self, institution: int, application_id: int) -> AgreementModel:
        (row,) = [
            a
            for a in self.service.get("/v1/agreements", institution_id=institution, limit=200)["items"]
            if a["application_id"] == application_id
        ]
        return AgreementModel(
            row["id"], institution, agreement_rules.first_term(self.day), "application", application_id
        )

    # ---------------------------------------------------------------- sending

    def send(
        self,
        path: str,
        body: dict[str, Any],
        *,
        key: bool,
        decision: str | None = None,
        apply: Callable[[Any], None] | None = None,
    ) -> None:
        """Post a command and check its answer against the model: replayed or in conflict by its claims (the key,
        then the decision), else applied (``apply``, what the model says it changes) or refused (``apply`` None)."""
        idempotency_key = f"k{next(self.keys)}" if key else None
        request = canonical(path, body)
        claims = [c for c in (idempotency_key and f"key:{idempotency_key}", decision) if c]
        before = self.service.tables()
        (answer,) = self.service.post(path, body, idempotency_key)
        assert answer.status_code < 500, answer.text
        for claim in claims:
            if claim in self.claims:
                made, status, first = self.claims[claim]
                if made != request:
                    code = "idempotency_key_reused" if claim.startswith("key:") else "decision_conflict"
                    assert answer.json()["code"] == code, answer.text
                    return self.unchanged(before, Sent(path, body, idempotency_key, answer.status_code, None, False))
                assert (answer.status_code, answer.json()) == (status, first)
                assert answer.headers["Idempotent-Replayed"] == "true"
                for new in claims:  # a new key meeting a decision already made is answered as it was
                    self.claims.setdefault(new, (request, status, first))
                return self.unchanged(before, Sent(path, body, idempotency_key, status, first, True))
        if apply is None:
            assert answer.status_code in (409, 422), answer.text
            return self.unchanged(before, Sent(path, body, idempotency_key, answer.status_code, None, False))
        assert answer.status_code in (200, 201), answer.text
        apply(answer.json())
        for claim in claims:
            self.claims[claim] = (request, answer.status_code, answer.json())
        if decision:
            self.decisions.append((path, body))
        assert self.service.tables()["last_audit"] > before["last_audit"]  # every change is audited
        self.last = Sent(path, body, idempotency_key, answer.status_code, answer.json(), bool(claims))

    def unchanged(self, before: dict[str, int], sent: Sent) -> None:
        assert self.service.tables() == before
        self.last = sent

    # ---------------------------------------------------------------- commands

    @initialize()
    def one_institution_per_entity(self) -> None:
        for uscc in ENTITIES:
            self.register(uscc, key=False)

    @precondition(lambda self: len(self.institutions) < 3)
    @rule(uscc=st.sampled_from(ENTITIES), key=st.booleans())
    def register(self, uscc: str, key: bool) -> None:
        n = len(self.institutions) + 1
        body = {"name": f"柯城康复诊所{n}", "kind": "primary_care", "uscc": uscc, "district": DISTRICT}
        body |= {"address": f"柯城区荷花街道{n}号", "community": "荷花社区"}
        self.send("/v1/institutions", body, key=key, apply=lambda out: self.institutions.update({out["id"]: uscc}))

    @precondition(lambda self: self.institutions)
    @rule(data=st.data(), key=st.booleans())
    def pre_register(self, data: st.DataObject, key: bool) -> None:
        institution = data.draw(st.sampled_from(sorted(self.institutions)))
        running = [
            a for a in self.applications.values() if a.institution == institution and a.record.state not in CLOSED
        ]

        def apply(out: dict[str, Any]) -> None:
            record = ApplicationRecord(AppState.TRIAL, self.day)
            self.applications[out["id"]] = ApplicationModel(out["id"], institution, record)

        body = {"institution_id": institution, "pre_registered_on": self.day.isoformat()}
        self.send("/v1/applications", body, key=key, apply=None if running else apply)

    @precondition(lambda self: self.applications)
    @rule(
        data=st.data(),
        event=st.sampled_from(AppEvent),
        score=st.sampled_from(SCORES),
        document=st.sampled_from(DOCUMENTS),
        key=st.booleans(),
    )
    def application_event(
        self, data: st.DataObject, event: AppEvent, score: Decimal, document: str | None, key: bool
    ) -> None:
        app = data.draw(st.sampled_from(sorted(self.applications.values(), key=lambda a: a.id)))
        body: dict[str, Any] = {"event": event.value, "on": self.day.isoformat()}
        if event is AppEvent.EVALUATE:
            body["score"] = str(score)
        if document:
            body["document_number"] = document
        decision = f"application/{app.id}/{event.value}/{self.day}/{document or ''}"
        apply = self.stepped(app, event, score if event is AppEvent.EVALUATE else None)
        self.send(f"/v1/applications/{app.id}/events", body, key=key, decision=decision, apply=apply)

    @precondition(lambda self: any(a.record.state in NEXT for a in self.applications.values()))
    @rule(data=st.data(), steps=st.integers(1, 6), score=st.sampled_from(SCORES), key=st.booleans())
    def progress(self, data: st.DataObject, steps: int, score: Decimal, key: bool) -> None:
        """Up to ``steps`` next steps of an application on the road to designation, each once its waiting time is
        over (试运行满3个月, 整改3个月后, the waits of 二(三)2 and 二(三)3: time passes to that day if need be);
        it stops where the rules refuse one."""
        movable = [a for a in self.applications.values() if a.record.state in NEXT]
        app = data.draw(st.sampled_from(sorted(movable, key=lambda a: a.id)))
        for _ in range(steps):
            record, before = app.record, app.record.state
            if before not in NEXT:
                return
            waits = {
                AppState.TRIAL: earliest_application(
                    record.pre_registered_on, params("process", self.day), params("calendar", self.day)
                ),
                AppState.FAILED: record.reevaluation_from,
                AppState.WITHDRAWN: record.reapply_from,
                AppState.BARRED: record.barred_until and record.barred_until + dt.timedelta(days=1),
            }
            self.day = min(max(self.day, waits.get(before) or self.day), today())
            event = NEXT[before]
            body: dict[str, Any] = {"event": event.value, "on": self.day.isoformat()}
            if event is AppEvent.EVALUATE:
                body["score"] = str(score)
            decision = f"application/{app.id}/{event.value}/{self.day}/"
            apply = self.stepped(app, event, score if event is AppEvent.EVALUATE else None)
            self.send(f"/v1/applications/{app.id}/events", body, key=key, decision=decision, apply=apply)
            if app.record.state is before:
                return

    def stepped(self, app: ApplicationModel, event: AppEvent, score: Decimal | None) -> Callable[[Any], None] | None:
        """What ``event`` does to the application today under 二(三), or None when it is refused: its step is not
        allowed, the entity is barred from submitting or signing (A-59, A-70), or a signature finds a live agreement
        in the 统筹区 (A-67)."""
        if event is AppEvent.SUBMIT and self.barred(self.institutions[app.institution], self.day):
            return None
        try:
            books = Books(params("process", self.day), params("evaluation", self.day), params("calendar", self.day))
            nxt = step(app.record, event, self.day, books, score=score)
        except ProcessError:
            return None
        ended = self.lapsing(app.institution, self.day) if event is AppEvent.SIGN else []
        if ended is None:
            return None

        def apply(out: Any) -> None:
            app.record = nxt
            if event is AppEvent.SIGN:
                self.lapse(ended, self.day)
                made = self.made_agreement(app.institution, app.id)
                self.agreements[made.id] = made

        return apply

    @precondition(lambda self: self.applications)
    @rule(data=st.data(), key=st.booleans())
    def sign_through_post_agreements(self, data: st.DataObject, key: bool) -> None:
        """The other door to the same signature (A-70): one decision with the application's `sign` event."""
        app = data.draw(st.sampled_from(sorted(self.applications.values(), key=lambda a: a.id)))
        body = {"institution_id": app.institution, "application_id": app.id, "signed_on": self.day.isoformat()}
        decision = f"application/{app.id}/sign/{self.day}/"
        self.send("/v1/agreements", body, key=key, decision=decision, apply=self.stepped(app, AppEvent.SIGN, None))

    @precondition(lambda self: self.institutions)
    @rule(data=st.data(), document=st.sampled_from(DOCUMENTS[1:]), key=st.booleans())
    def import_agreement(self, data: st.DataObject, document: str, key: bool) -> None:
        institution = data.draw(st.sampled_from(sorted(self.institutions)))
        body = {"institution_id": institution, "signed_on": self.day.isoformat()}
        body |= {"original_document_number": document, "reason": "平台启用前以纸质方式签订"}

        ended = self.lapsing(institution, self.day)

        def apply(out: dict[str, Any]) -> None:
            assert ended is not None
            self.lapse(ended, self.day)
            record = agreement_rules.first_term(self.day)
            self.agreements[out["id"]] = AgreementModel(out["id"], institution, record, "import", None)

        decision = f"institution/{institution}/agreement_import/{self.day}/{document}"
        self.send("/v1/agreement-imports", body, key=key, decision=decision, apply=None if ended is None else apply)

    @precondition(lambda self: self.agreements)
    @rule(
        data=st.data(),
        event=st.sampled_from(["suspend", "suspend", "resume", "terminate", "renew"]),
        days=st.sampled_from([30, 60, 181]),
        document=st.sampled_from(DOCUMENTS),
        key=st.booleans(),
    )
    def agreement_event(self, data: st.DataObject, event: str, days: int, document: str | None, key: bool) -> None:
        agreement = data.draw(st.sampled_from(sorted(self.agreements.values(), key=lambda a: a.id)))
        body: dict[str, Any] = {"event": event, "on": self.day.isoformat()}
        if event == "suspend":
            body["days"] = days
        if document:
            body["document_number"] = document
        p = params("agreement", self.day)
        transitions = {
            "suspend": lambda a: agreement_rules.suspend(a, self.day, days, p),
            "resume": lambda a: agreement_rules.resume(a, self.day, p),
            "terminate": lambda a: agreement_rules.terminate(a, self.day, "", "五(三)5"),
            "renew": lambda a: agreement_rules.renew(a, self.day, p),
        }
        try:
            nxt = transitions[event](agreement_rules.status_on(agreement.record, self.day, p))
        except agreement_rules.AgreementError:
            nxt = None

        def apply(out: dict[str, Any]) -> None:
            assert nxt is not None
            agreement.record = nxt
            if event == "renew":
                agreement.suspended_by = 0
            elif nxt.state is agreement_rules.AgreementState.SUSPENDED and event == "suspend":
                agreement.suspended_by += 1

        decision = f"agreement/{agreement.id}/{event}/{self.day}/{document or ''}"
        path = f"/v1/agreements/{agreement.id}/events"
        self.send(path, body, key=key, decision=decision, apply=None if nxt is None else apply)

    @precondition(lambda self: self.institutions)
    @rule(
        data=st.data(),
        decision=st.sampled_from([SUSPENSION, SUSPENSION, TERMINATION]),
        document=st.sampled_from(DOCUMENTS),
        key=st.booleans(),
    )
    def violation(self, data: st.DataObject, decision: dict[str, Any], document: str | None, key: bool) -> None:
        institution = data.draw(st.sampled_from(sorted(self.institutions)))
        body = decision | {"institution_id": institution, "decided_on": self.day.isoformat()}
        if document:
            body["document_number"] = document
        live = self.live(institution)
        concerned = live[0] if live else None
        p = params("agreement", self.day)
        suspending = "suspension_days" in decision
        nxt: agreement_rules.Agreement | None = None
        refused = suspending and concerned is None
        if concerned is not None:
            view = agreement_rules.status_on(concerned.record, self.day, p)
            try:
                if suspending:
                    nxt = agreement_rules.suspend(view, self.day, 30, p)
                else:
                    reason = f"协议处理 T5_3：{CASES['T5_3']}"
                    nxt = agreement_rules.terminate(view, self.day, reason, "五(三)5(3)")
            except agreement_rules.AgreementError:
                refused = True
        prior = concerned.record.suspensions_this_term if concerned else 0
        escalates = (
            suspending
            and decide(
                "T3_2", params("agreement", self.day), suspending=True, prior_suspensions_this_term=prior
            ).escalated
        )

        def apply(out: dict[str, Any]) -> None:
            # 五(三)5(1) as sanctions.decide sees it is what agreements.suspend applies
            assert out["escalated"] == escalates == (suspending and nxt is not None and nxt.state is TERMINATED)
            assert out["agreement_id"] == (concerned.id if concerned else None)
            if concerned is not None and nxt is not None:
                concerned.record = nxt
                concerned.suspended_by += nxt.state is agreement_rules.AgreementState.SUSPENDED

        claim = f"institution/{institution}/violation:{decision['case']}/{self.day}/{document or ''}"
        self.send("/v1/violations", body, key=key, decision=claim, apply=None if refused else apply)

    @rule(days=st.sampled_from([1, 7, 31, 92, 181, 366]))
    def time_passes(self, days: int) -> None:
        self.day = min(self.day + dt.timedelta(days=days), today())

    # ---------------------------------------------------------------- repeats

    @precondition(lambda self: self.last is not None and (self.last.claimed or self.last.answer is None))
    @rule(times=st.sampled_from([1, 3]))
    def repeat(self, times: int) -> None:
        """The last request again, once or several at once: answered as before (replayed if it was stored)."""
        assert self.last is not None
        last = self.last
        before = self.service.tables()
        answers = self.service.post(last.path, last.body, last.key, times)
        for answer in answers:
            assert answer.status_code == last.status, answer.text
            if last.claimed:
                assert answer.json() == last.answer and answer.headers["Idempotent-Replayed"] == "true"
        assert self.service.tables() == before

    @precondition(lambda self: self.decisions)
    @rule(data=st.data())
    def decision_again(self, data: st.DataObject) -> None:
        """A decision already applied, posted again without a key (another client, a double click)."""
        path, body = data.draw(st.sampled_from(self.decisions))
        before = self.service.tables()
        (answer,) = self.service.post(path, body, None)
        assert answer.headers.get("Idempotent-Replayed") == "true", answer.text
        assert self.service.tables() == before

    # ---------------------------------------------------------------- invariants

    @invariant()
    def the_law_holds(self) -> None:
        applications = {a["id"]: a for a in self.service.get("/v1/applications", limit=200)["items"]}
        agreements = {a["id"]: a for a in self.service.get("/v1/agreements", limit=200)["items"]}
        self.records_are_the_rules_records(applications, agreements)
        self.agreements_come_from_a_signed_application_or_an_import(applications, agreements)
        self.one_live_agreement_per_institution_and_area(agreements)
        self.suspensions_are_the_distinct_decisions_of_the_term(agreements)

    def records_are_the_rules_records(self, applications: dict[int, Any], agreements: dict[int, Any]) -> None:
        assert set(applications) == set(self.applications)
        for app in self.applications.values():
            stored, record = applications[app.id], app.record
            assert stored["state"] == record.state.value
            for name in ("submitted_on", "accepted_on", "reevaluation_from", "reapply_from", "barred_until"):
                assert stored[name] == (getattr(record, name) and getattr(record, name).isoformat()), name
            assert (stored["score"] and Decimal(stored["score"])) == record.score
        assert set(agreements) == set(self.agreements)
        for agreement in self.agreements.values():
            stored, record = agreements[agreement.id], agreement.record
            assert stored["state"] == record.state.value
            assert (stored["starts_on"], stored["ends_on"]) == (
                record.starts_on.isoformat(),
                record.ends_on.isoformat(),
            )
            assert stored["terminated_on"] == (record.terminated_on and record.terminated_on.isoformat())
            assert stored["suspensions_this_term"] == record.suspensions_this_term

    @staticmethod
    def agreements_come_from_a_signed_application_or_an_import(
        applications: dict[int, Any], agreements: dict[int, Any]
    ) -> None:
        for stored in agreements.values():
            if stored["source"] == "application":
                application = applications[stored["application_id"]]
                assert application["institution_id"] == stored["institution_id"]
                assert application["state"] in (AppState.SIGNED, AppState.OPEN)
            else:
                assert (stored["source"], stored["application_id"]) == ("import", None)
                assert stored["original_document_number"]

    @staticmethod
    def one_live_agreement_per_institution_and_area(agreements: dict[int, Any]) -> None:
        live = [(a["institution_id"], a["pooling_area"]) for a in agreements.values() if a["state"] in LIVE]
        assert len(live) == len(set(live))

    def suspensions_are_the_distinct_decisions_of_the_term(self, agreements: dict[int, Any]) -> None:
        for stored in agreements.values():
            assert stored["suspensions_this_term"] == self.agreements[stored["id"]].suspended_by


@pytest.fixture(scope="module")
def service(backend: str, database_factory: DatabaseFactory) -> Iterator[Service]:
    running = Service(database_factory.create("medinsurance", backend=backend))
    with running.client:
        yield running


def test_commands_keep_the_invariants_whatever_their_order_and_repeats(service: Service) -> None:
    CommandsMachine.service = service
    run_state_machine_as_test(
        CommandsMachine,
        settings=settings(
            # 15 sequences of up to 50 commands, on each database: derandomized, so every run tries the same
            # ones (30 took 1.5 of the 20 minutes CI may use).
            max_examples=15,
            stateful_step_count=50,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
