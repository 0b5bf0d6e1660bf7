"""The notice itself: its citation and the date it took effect (七 本通告自2023年3月1日起施行)."""

import datetime as dt
from dataclasses import dataclass

from qz_common.citation import Citation
from qz_common.params import ParameterBook, ParameterSet

DOCUMENT = "衢执法发〔2023〕3号"


def cite(clause: str) -> str:
    """``衢执法发〔2023〕3号 一(一)``: the basis string a reader follows back to the text."""
    return str(Citation(DOCUMENT, clause))


@dataclass(frozen=True)
class InForce:
    """The parameter version that applies on a date, and whether the notice was in force then.

    七 本通告自2023年3月1日起施行. A check dated earlier is still answered with the
    first version, so a caseworker sees what the notice would say, but flagged
    ``in_force=False`` with a notice saying so.
    """

    params: ParameterSet
    in_force: bool
    notice: str | None


def resolve(book: ParameterBook, day: dt.date) -> InForce:
    if day < book.first_effective:
        first = book.versions[0]
        effective = f"{first.effective_from.year}年{first.effective_from.month}月{first.effective_from.day}日"
        return InForce(
            first, in_force=False, notice=f"{cite('七')}：本通告自{effective}起施行，{day.isoformat()} 尚未施行"
        )
    return InForce(book.at(day), in_force=True, notice=None)
