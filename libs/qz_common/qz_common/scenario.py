"""What-if: a calculator run with some parameters changed, so a district sees a new rate's effect before publishing.

Only parameters the books declare can be changed (named as on ``GET /v1/parameters``: ``book.key``), and only
figures: amounts, rates, counts and durations, told by the unit their book gives them, and yes/no readings. Codes,
names and calendar positions are not figures (an administrative division code, a month of the year). The changed
versions are marked ``<id>+scenario``; the overrides are echoed in the answer. Stored records never take overrides:
only stateless calculators accept them.

A parameter that holds a reading of an unclear sentence (its book's ``[meta.<key>]`` lists ``readings``, value →
label, and names the register entry in ``reading``) is switched the same way, to any reading listed and no other
value, whatever its type: ``GET /v1/readings`` lists them (qz_common.parameter_api).
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from qz_common.errors import ProblemError
from qz_common.params import ParameterSet, note_consulted

SCENARIO_MARK = "+scenario"
# A what-if stays within reach of the published figure: at most 100 times it (and always up to 1000, so a
# published 0 can be tried), which also keeps day and month counts to calendars a computation can walk.
_TIMES_PUBLISHED = 100
_ALWAYS_ALLOWED = Decimal(1000)
# A 比例 is a share of something (a subsidy of the fee, a weight of a score, a depreciation of a price): above
# 100% it is no rate a district could publish, whatever 100 times the published figure would allow.
RATE_UNIT = "比例"
_WHOLE = Decimal(1)

# The units of the figures a what-if may change. A number in any other unit is a code or a position: a division
# code (no unit), a month of the year (月份). A day (日) is a duration here, as in most books; a day of the month
# written 日 is a date the scenario's computation refuses when it cannot be one (scenario_not_computable).
QUANTITY_UNITS = frozenset(
    {
        *("元", "元/m²", "元/次", "元/户·月", "元/m²·月"),  # amounts
        *("比例", "倍"),  # rates and multiples
        *("人", "次", "张", "件", "家", "个", "份", "位"),  # counts
        *("年", "月", "日", "工作日", "小时", "周岁"),  # durations and ages
        *("m²", "米", "厘米", "分"),  # the areas, lengths and points rules measure with
    }
)

# Bounds on the overrides, checked before any name is read, looked up or echoed: the longest parameter name in the
# books is under 60 characters and a figure needs a few digits, so a longer one is no parameter and no figure.
MAX_OVERRIDES = 50
MAX_NAME_CHARS = 100
MAX_VALUE_CHARS = 40


def _within_bounds(overrides: object) -> object:
    """Refuses oversized names or values as one short problem about ``parameters``, before pydantic's own checks,
    whose errors would name each offending key (a 200 KB name made a 1 MB problem)."""
    if isinstance(overrides, dict) and (
        any(isinstance(name, str) and len(name) > MAX_NAME_CHARS for name in overrides)
        or any(isinstance(value, str) and len(value) > MAX_VALUE_CHARS for value in overrides.values())
    ):
        raise PydanticCustomError(
            "scenario_too_long",
            f"情景参数名不得超过{MAX_NAME_CHARS}个字符，取值不得超过{MAX_VALUE_CHARS}个字符",
        )
    return overrides


_Overrides = Annotated[
    dict[
        Annotated[str, StringConstraints(max_length=MAX_NAME_CHARS)],
        Annotated[str, StringConstraints(max_length=MAX_VALUE_CHARS)],
    ],
    BeforeValidator(_within_bounds),
    Field(max_length=MAX_OVERRIDES),
]
ScenarioParameters = Annotated[
    _Overrides | None,
    Field(
        description="情景测算（what-if）：临时改用的参数值，键为参数名（参数簿.参数，见 /v1/parameters），值为字符串；"
        "仅限参数簿已声明的金额、比例、数量、期限或是否型参数（代码、名称、月份不可改），以及对条文理解的切换"
        "（取 /v1/readings 列明的理解之一）；结果标记为情景测算，不作存档依据",
        examples=[{"expropriation.base_area_m2": "120"}],
    ),
]
# An impact's scenario: the same overrides, at least one (an impact of nothing compares a caseload with itself).
ScenarioOverrides = Annotated[
    _Overrides,
    Field(
        min_length=1,
        description="影响测算的情景：改用的参数值或条文理解，规则同情景测算（what-if）：键为参数名（见 /v1/parameters、"
        "/v1/readings），值为字符串",
        examples=[{"expropriation.attic_boundary_in_high_band": "false"}],
    ),
]
# Only a what-if answer carries ``scenario``: an answer on the published parameters is unchanged.
ScenarioEcho = Annotated[
    dict[str, str] | None,
    Field(
        description="情景测算所用的参数覆盖值（仅情景测算的结果含此项，不作存档依据）",
        exclude_if=lambda overrides: overrides is None,
    ),
]


def _is_figure(current: Any, unit: str | None) -> bool:
    """Whether a what-if may change the value: a yes/no reading, or a number in a unit of QUANTITY_UNITS."""
    return isinstance(current, bool) or (isinstance(current, Decimal | int) and unit in QUANTITY_UNITS)


def _parse(current: Any, raw: str, unit: str | None) -> Any:
    """The override as the same type as the value it replaces, or None when it cannot be."""
    if isinstance(current, bool):
        return {"true": True, "false": False}.get(raw.strip().lower())
    if isinstance(current, Decimal | int):
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            return None
        limit = _WHOLE if unit == RATE_UNIT else max(_TIMES_PUBLISHED * Decimal(current), _ALWAYS_ALLOWED)
        if not value.is_finite() or not 0 <= value <= limit or value.as_tuple().exponent < -6:  # type: ignore[operator]
            return None
        return int(value) if isinstance(current, int) and value == value.to_integral_value() else value
    return None


def _as_reading(current: Any, value: str) -> Any:
    """A reading's value (one its book lists) as the type of the value it replaces."""
    if isinstance(current, bool):
        return value == "true"
    if isinstance(current, Decimal | int):
        return Decimal(value) if isinstance(current, Decimal) else int(value)
    return value


def with_overrides(sets: Sequence[ParameterSet], overrides: Mapping[str, str] | None) -> list[ParameterSet]:
    """``sets`` (one per book) with the overridden values; 422 naming every override that is not allowed."""
    if not overrides:
        return list(sets)
    by_book = {s.book: s for s in sets}
    changed: dict[str, dict[str, Any]] = {}
    errors: list[dict[str, str]] = []
    for name, raw in overrides.items():
        book, _, key = name.partition(".")
        current = by_book[book].values.get(key) if book in by_book else None
        field = f"parameters.{name}"
        if current is None:
            errors.append({"field": field, "code": "parameter_unknown", "detail": f"本计算所用参数簿未声明参数 {name}"})
        elif (options := by_book[book].readings.get(key)) is not None:
            sent = raw.strip().lower() if isinstance(current, bool) else raw.strip()  # True/true as for other yes/nos
            if sent not in options:
                listed = "；".join(f"{value}（{label}）" for value, label in options.items())
                detail = f"{name} 是对条文的理解，只能取其列明的理解之一：{listed}"
                errors.append({"field": field, "code": "reading_unknown", "detail": detail})
            else:
                changed.setdefault(book, {})[key] = _as_reading(current, sent)
        elif not _is_figure(current, unit := by_book[book].units.get(key)):
            errors.append(
                {
                    "field": field,
                    "code": "parameter_not_a_figure",
                    "detail": f"{name} 是代码、名称或日期，不是金额、比例、数量或期限，不能在情景测算中改用",
                }
            )
        elif (value := _parse(current, raw, unit)) is None:
            bounds = "0 至 1（100%）" if unit == RATE_UNIT else "0 至原值100倍，至少可到1000"
            errors.append(
                {
                    "field": field,
                    "code": "parameter_invalid",
                    "detail": f"{name} 的情景值无效：须为与原值同类型的数值（{bounds}）或 true/false",
                }
            )
        else:
            changed.setdefault(book, {})[key] = value
    if errors:
        detail = "；".join(f"{e['field']}：{e['detail']}" for e in errors)
        raise ProblemError(422, "scenario_invalid", detail, field=errors[0]["field"], errors=errors)
    # The scenario versions are what the answer was computed from (X-Parameter-Versions names them).
    return [
        note_consulted(replace(s, version=s.version + SCENARIO_MARK, values={**s.values, **changed[s.book]}))
        if s.book in changed
        else s
        for s in sets
    ]


def in_scenario(version: ParameterSet, overrides: Mapping[str, str] | None) -> ParameterSet:
    """One book's version with the overrides (422 for any override this book does not declare)."""
    return with_overrides([version], overrides)[0]


@contextmanager
def scenario_computation(overrides: Mapping[str, str] | None) -> Iterator[None]:
    """Around a calculation run on overridden values: a value the rule cannot use (a fraction where it counts
    months, a date beyond the calendar) is the caller's scenario at fault, a 422 naming ``parameters``."""
    try:
        yield
    except (TypeError, ValueError, ArithmeticError):
        if not overrides:
            raise
        raise ProblemError(
            422,
            "scenario_not_computable",
            "情景参数值无法用于本计算（以月、日、人等计数的参数须为整数）",
            field="parameters",
        ) from None
