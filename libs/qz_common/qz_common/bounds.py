"""Bounded input types: what a client may send where the database or the calendar has limits.

An unbounded ``int`` in a path, query or body reaches the database driver, which cannot bind a number beyond 64
bits (SQLite: OverflowError, PostgreSQL: out of int64 range). These types refuse such input at validation, naming
the field, before any work is done. The problem handlers in ``qz_common.errors`` remain the safety net.
"""

from typing import Annotated

from pydantic import Field

# The database's integer columns are signed 64-bit (qz_common.db.BigId).
DB_INT_MAX = 2**63 - 1
# Years a rule of this platform can concern: the PRC's records start 1949; 2100 is far beyond any parameter book.
FIRST_YEAR = 1949
LAST_YEAR = 2100

DbId = Annotated[int, Field(ge=1, le=DB_INT_MAX, description="记录编号")]
Offset = Annotated[int, Field(ge=0, le=DB_INT_MAX, description="跳过的条数")]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR, description=f"年份（{FIRST_YEAR}–{LAST_YEAR}）")]
