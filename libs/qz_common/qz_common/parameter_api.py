"""The parameter books of a service, read-only over HTTP: every rate and threshold with its dates and clause.

A parameter is named ``<book>.<key>`` (``expropriation.base_area_m2``): the same key may live in two books
(each district's book has its own ``early_vacate_rate_per_m2``). Its description, unit and clause basis are
written in the book itself, next to the values, as one ``[meta.<key>]`` table per parameter at the end of
the file::

    [meta.base_area_m2]
    description = "户内安置人口1人的基础安置面积"
    unit = "m²"
    basis = "衢政发〔2023〕2号 三(二)"

A parameter that holds the reading chosen for an unclear sentence also names its register entry and lists each
reading, value → label, and the calculators it changes; ``GET /v1/readings`` lists those, and a what-if or an impact
switches one like any parameter (qz_common.scenario)::

    [meta.attic_boundary_in_high_band]
    description = "檐口恰为1.7米时归入高档"
    basis = "衢政发〔2023〕2号 附件 说明2"
    reading = "A-05"
    readings = { true = "恰为1.7米按50%计（以上含本数）", false = "恰为1.7米按30%计" }
    calculators = ["POST /v1/quotes", "POST /v1/quotes/compare"]
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from qz_common import clock
from qz_common.audit import jsonable
from qz_common.errors import ProblemError
from qz_common.identity import Reader
from qz_common.params import ParameterBook, ParameterSet, as_sent, reading_options


@dataclass(frozen=True)
class ParameterMeta:
    description: str
    unit: str
    basis: str
    # For a parameter holding a reading: its register entry, its readings (value → label), the calculators it changes.
    reading: str = ""
    readings: dict[str, str] = field(default_factory=dict)
    calculators: tuple[str, ...] = ()


class ParameterValue(BaseModel):
    version: str = Field(description="参数版本编号")
    effective_from: dt.date = Field(description="生效日期")
    document: str = Field(description="设定该版本的文件")
    value: Any = Field(description="取值（金额、比例以字符串表示的十进制数）")


class Parameter(BaseModel):
    name: str = Field(description="参数名（参数簿.参数）", examples=["expropriation.base_area_m2"])
    book: str = Field(description="所在参数簿")
    description: str = Field(description="中文说明")
    unit: str = Field(description="单位（无量纲为空）")
    basis: str = Field(description="条款依据")
    values: list[ParameterValue] = Field(description="各版本的取值，按生效日期先后")


class ReadingChoice(BaseModel):
    value: str = Field(description="情景测算中切换到该理解时所填的参数值", examples=["true"])
    label: str = Field(description="该理解的中文表述")
    chosen: bool = Field(description="是否为该日采用的理解")


class Reading(BaseModel):
    id: str = Field(description="歧义登记簿（AMBIGUITIES.md）条目编号", examples=["A-05"])
    parameter: str = Field(description="承载该理解的参数名：情景测算、影响测算以此切换", examples=["expropriation.x"])
    clause: str = Field(description="所涉条款")
    question: str = Field(description="条文不明之处")
    on: dt.date = Field(description="查询日期")
    chosen: str = Field(description="该日采用的理解（参数值）")
    readings: list[ReadingChoice] = Field(description="可选的各种理解")
    calculators: list[str] = Field(description="受该理解影响的计算接口")


class ParameterOnDate(BaseModel):
    name: str = Field(description="参数名（参数簿.参数）")
    description: str = Field(description="中文说明")
    unit: str = Field(description="单位（无量纲为空）")
    basis: str = Field(description="条款依据")
    on: dt.date = Field(description="查询日期")
    value: ParameterValue = Field(description="该日生效的取值")


@dataclass(frozen=True)
class ParameterShelf:
    """Every book of one service's ``params/`` directory, with the meta of each parameter."""

    books: tuple[ParameterBook, ...]
    meta: dict[str, ParameterMeta]

    @classmethod
    def load(cls, directory: Path) -> ParameterShelf:
        books: list[ParameterBook] = []
        meta: dict[str, ParameterMeta] = {}
        for path in sorted(directory.glob("*.toml")):
            book = ParameterBook.load(path)
            books.append(book)
            with path.open("rb") as fh:
                written = tomllib.load(fh).get("meta", {})
            for key, entry in written.items():
                meta[f"{book.name}.{key}"] = ParameterMeta(
                    description=str(entry.get("description", "")),
                    unit=str(entry.get("unit", "")),
                    basis=str(entry.get("basis", "")),
                    reading=str(entry.get("reading", "")),
                    readings=reading_options(entry) if "readings" in entry else {},
                    calculators=tuple(entry.get("calculators", ())),
                )
        return cls(tuple(books), meta)

    def names(self) -> list[str]:
        """Every parameter, book by book, in the order the book first declares it."""
        names: list[str] = []
        for book in self.books:
            for version in book.versions:
                names += [f"{book.name}.{key}" for key in version.values if f"{book.name}.{key}" not in names]
        return names

    def readings_on(self, day: dt.date) -> list[Reading]:
        """Every parameter holding a reading, with the reading in force on ``day`` (those not yet in force left out)."""
        listed = []
        for name in self.names():
            meta = self.meta.get(name)
            if meta is None or not meta.readings:
                continue
            in_force = [v for v in self.describe(name).values if v.effective_from <= day]
            if not in_force:
                continue
            chosen = as_sent(in_force[-1].value)
            listed.append(
                Reading(
                    id=meta.reading,
                    parameter=name,
                    clause=meta.basis,
                    question=meta.description,
                    on=day,
                    chosen=chosen,
                    readings=[
                        ReadingChoice(value=v, label=label, chosen=v == chosen) for v, label in meta.readings.items()
                    ],
                    calculators=list(meta.calculators),
                )
            )
        return listed

    def describe(self, name: str) -> Parameter:
        book_name, _, key = name.partition(".")
        book = next((b for b in self.books if b.name == book_name), None)
        values = [
            ParameterValue(
                version=v.version, effective_from=v.effective_from, document=v.document, value=jsonable(v.values[key])
            )
            for v in (book.versions if book else ())
            if key in v.values
        ]
        if book is None or not values:
            raise ProblemError(404, "parameter_unknown", f"没有名为 {name} 的参数", field="name")
        meta = self.meta.get(name, ParameterMeta("", "", ""))
        return Parameter(
            name=name,
            book=book.name,
            description=meta.description,
            unit=meta.unit,
            basis=meta.basis,
            values=values,
        )


def parameters_router(directory: Path) -> APIRouter:
    """``GET /v1/parameters`` and ``GET /v1/parameters/{name}?on=``, over the books in ``directory``."""
    router = APIRouter(prefix="/v1/parameters", tags=["parameters"])

    @cache
    def shelf() -> ParameterShelf:
        return ParameterShelf.load(directory)

    @router.get("", summary="全部规则参数（说明、单位、条款依据、各版本取值及生效日期）")
    async def list_parameters(caller: Reader) -> list[Parameter]:
        return [shelf().describe(name) for name in shelf().names()]

    @router.get("/{name}", summary="单个规则参数；给出 on 时返回该日生效的取值")
    async def get_parameter(
        name: str,
        caller: Reader,
        on: Annotated[dt.date | None, Query(description="查询日期 YYYY-MM-DD；省略时返回全部版本")] = None,
    ) -> Parameter | ParameterOnDate:
        parameter = shelf().describe(name)
        if on is None:
            return parameter
        in_force = [v for v in parameter.values if v.effective_from <= on]
        if not in_force:
            first = parameter.values[0].effective_from
            raise ProblemError(
                404, "parameter_not_in_force", f"{name} 在 {on} 尚无生效的取值（最早自 {first} 起）", field="on"
            )
        return ParameterOnDate(
            name=parameter.name,
            description=parameter.description,
            unit=parameter.unit,
            basis=parameter.basis,
            on=on,
            value=in_force[-1],
        )

    return router


def readings_router(directory: Path) -> APIRouter:
    """``GET /v1/readings?on=``: the readings of unclear sentences that a parameter of the books in ``directory``
    holds, each switchable in what-if and impact."""
    router = APIRouter(prefix="/v1/readings", tags=["parameters"])

    @cache
    def shelf() -> ParameterShelf:
        return ParameterShelf.load(directory)

    @router.get("", summary="可切换的条文理解（歧义登记簿条目、各种理解、该日采用的理解、受影响的计算）")
    async def list_readings(
        caller: Reader,
        on: Annotated[dt.date | None, Query(description="查询日期 YYYY-MM-DD；省略时为今日（北京时间）")] = None,
    ) -> list[Reading]:
        return shelf().readings_on(on or clock.today())

    return router


PARAMETER_VERSIONS_HEADER = "x-parameter-versions"


def parameter_versions_header(consulted: dict[str, ParameterSet]) -> tuple[bytes, bytes]:
    """``X-Parameter-Versions``: every parameter version a request's answer was computed from.

    ``book=version@effective_from`` pairs, comma separated (``expropriation=2023-03-01@2023-03-01``), so a
    figure can be reproduced later with exactly those versions. The platform middleware (``qz_common.requests``)
    collects them per request in ``qz_common.params.CONSULTED``.
    """
    versions = ",".join(f"{v.book}={v.version}@{v.effective_from}" for v in consulted.values())
    return PARAMETER_VERSIONS_HEADER.encode(), versions.encode()
