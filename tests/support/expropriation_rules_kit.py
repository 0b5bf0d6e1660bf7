"""What the expropriation rules tests share: the types of the conftest factories, the default project's 预公告 date
(2023-06-01, as in conftest) and a quote's items by code."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from expropriation.rules.quote import Quote
from expropriation.rules.types import Building, Member, QuoteInput

MakeHousehold = Callable[..., QuoteInput]
MakeHouse = Callable[..., Building]
MakeMember = Callable[..., Member]
PRE = dt.date(2023, 6, 1)


def amounts(q: Quote) -> dict[str, Decimal]:
    return {i.code: i.amount for i in q.items}
