"""What the expropriation commands share: the audit trail, rule refusals as problems, the parameters in force."""

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from expropriation.books import params_of_versions, params_on
from expropriation.facts.quote import refusal
from expropriation.models import AuditRecord
from expropriation.rules.params import Params
from expropriation.rules.types import RuleError, basis
from qz_common.audit import AuditTrail
from qz_common.errors import ProblemError
from qz_common.params import RuleNotInForce

audit = AuditTrail(AuditRecord)
T = TypeVar("T")


def rule_problem(e: RuleError, prefix: str = "") -> ProblemError:
    r = refusal(e)
    field = f"{prefix}{r.field}" if prefix else r.field
    return ProblemError(
        422, r.code, r.detail, field=field, errors=[{"field": field, "code": r.code, "detail": r.detail}], basis=r.basis
    )


@contextmanager
def rules_as_problems(prefix: str = "") -> Iterator[None]:
    """Turn a refusal of the rules into a 422 problem naming the field and the clause."""
    try:
        yield
    except RuleError as e:
        raise rule_problem(e, prefix) from None
    except RuleNotInForce as e:
        raise ProblemError(
            422,
            "old_rules_apply",
            f"{e.day} 不在衢政发〔2023〕2号施行期内（自 {e.first_effective} 起施行）",
            field=f"{prefix}valuation_date",
            basis=basis("五(二)"),
        ) from None


def load_params(district: str, day: dt.date, overrides: Mapping[str, str] | None = None) -> Params:
    """The typed parameters in force that day (with a stateless calculator's what-if ``overrides``, if any)."""
    with rules_as_problems():
        return params_on(district, day, overrides)


def load_params_version(
    district: str, city_version: str, district_version: str, overrides: Mapping[str, str] | None = None
) -> Params:
    """The versions a signed agreement stores (with a what-if's ``overrides``, if any)."""
    with rules_as_problems():
        return params_of_versions(district, city_version, district_version, overrides)


def checked(fn: Callable[[], T], prefix: str = "") -> T:
    with rules_as_problems(prefix):
        return fn()
