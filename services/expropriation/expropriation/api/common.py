"""Wiring shared by the expropriation routers: bounded path ids, the command runner."""

from typing import Annotated

from fastapi import Path

from expropriation.facts.types import MAX_ID
from expropriation.models import IdempotencyKey
from qz_common.idempotency import Commands

# Path ids are BIGINT keys: beyond 64 bits (or below 1) is a 422 naming the parameter, never a database error.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
commands = Commands(IdempotencyKey)
