"""Bodies of api/dossiers.py: what the service holds on one enterprise or person."""

import datetime as dt

from science.api.schemas.common import Out
from science.api.schemas.enterprises import EnterpriseOut
from science.api.schemas.institutes import InstituteOut
from science.api.schemas.vouchers import RedemptionOut, VoucherOut


class CreditFlag(Out):
    code: str
    detail: str
    since: dt.date
    until: dt.date | None
    basis: str


class HolderRecords(Out):
    vouchers: list[VoucherOut]
    redemptions: list[RedemptionOut]
    credit_flags: list[CreditFlag]


class EnterpriseDossier(HolderRecords):
    enterprise: EnterpriseOut | None
    institutes: list[InstituteOut]
