"""Stored rows as the rules' frozen records and back: an application's and an agreement's columns are the fields of
``rules.application.Application`` and ``rules.agreements.Agreement``."""

from dataclasses import asdict, fields
from typing import Any

from medinsurance.models import Agreement, Application
from medinsurance.rules import agreements, application

_APPLICATION = [f.name for f in fields(application.Application) if f.name != "state"]
_AGREEMENT = [f.name for f in fields(agreements.Agreement) if f.name != "state"]


def _store(row: Any, record: Any, names: list[str]) -> None:
    values = asdict(record)
    row.state = record.state.value
    for name in names:
        setattr(row, name, values[name])


def application_rule(row: Application) -> application.Application:
    return application.Application(state=application.AppState(row.state), **{f: getattr(row, f) for f in _APPLICATION})


def store_application(row: Application, record: application.Application) -> None:
    _store(row, record, _APPLICATION)


def agreement_rule(row: Agreement) -> agreements.Agreement:
    return agreements.Agreement(state=agreements.AgreementState(row.state), **{f: getattr(row, f) for f in _AGREEMENT})


def store_agreement(row: Agreement, record: agreements.Agreement) -> None:
    _store(row, record, _AGREEMENT)
