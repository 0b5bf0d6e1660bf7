"""One use per write: the ``jti`` of every 浙里办 assertion that carried a write, remembered until it expires.

A captured assertion is valid for up to 15 minutes; without this, whoever held it could repeat the write (a second
registration, a second claim) as often as they liked. Each write spends its assertion's ``jti``; a second write with
the same one is refused (401 ``assertion_replayed``). Reads do not spend it: a page of records may be read with the
same assertion as often as the adapter needs.

Kept in Redis (``SET … NX EXAT``, shared by every replica) when the gateway has ``GATEWAY_REDIS_URL``, as its rate
limiter's buckets are; otherwise in this process's memory, which is enough for one replica (several replicas without
Redis each keep their own: an assertion could then be spent once per replica). While Redis cannot be reached the
gateway falls back to its own memory as the rate limiter does (logged, and shown in /readyz): writes keep working,
and a replay is still refused by the replica that saw the first use.
"""

import logging
import time
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("qz.gateway.replay")


def _key(adapter_id: str, jti: str) -> str:
    """One adapter's ``jti`` values are its own: two adapters may happen to choose the same."""
    return f"{adapter_id}:{jti}"


class SpentAssertions(Protocol):
    async def spend(self, adapter_id: str, jti: str, expires_at: int) -> bool:
        """Record the use of ``jti`` until ``expires_at`` (Unix seconds); False if it was already used."""

    def describe(self) -> dict[str, str]:
        """Where spent assertions are kept, for /readyz."""

    async def close(self) -> None: ...


class MemorySpentAssertions:
    # Assertions live at most 15 minutes: at a few hundred writes a second this holds every live one.
    MAX_ENTRIES = 500_000

    def __init__(self) -> None:
        self._expiries: dict[str, float] = {}

    async def spend(self, adapter_id: str, jti: str, expires_at: int) -> bool:
        now = time.time()
        key = _key(adapter_id, jti)
        seen = self._expiries.get(key)
        if seen is not None and seen > now:
            return False
        if len(self._expiries) >= self.MAX_ENTRIES:
            self._expiries = {k: exp for k, exp in self._expiries.items() if exp > now}
        self._expiries[key] = float(expires_at)
        return True

    def describe(self) -> dict[str, str]:
        return {"backend": "memory", "scope": "this replica"}

    async def close(self) -> None:
        pass


class RedisSpentAssertions:
    """Spent ``jti`` values in Redis, shared by all replicas; in this process's memory while Redis cannot be reached."""

    PREFIX = "qz:gateway:jti:"
    SOCKET_TIMEOUT_S = 0.25

    def __init__(self, url: str, retry_s: float = 5.0) -> None:
        self.redis = Redis.from_url(
            url, socket_timeout=self.SOCKET_TIMEOUT_S, socket_connect_timeout=self.SOCKET_TIMEOUT_S
        )
        self.retry_s = retry_s
        self.fallback = MemorySpentAssertions()
        self._degraded_until: float | None = None

    async def spend(self, adapter_id: str, jti: str, expires_at: int) -> bool:
        if self._degraded_until is not None and time.monotonic() < self._degraded_until:
            return await self.fallback.spend(adapter_id, jti, expires_at)
        try:
            # EXAT: Redis forgets the jti when the assertion expires (a second later at most: exp is whole seconds).
            first = await self.redis.set(self.PREFIX + _key(adapter_id, jti), b"1", nx=True, exat=expires_at + 1)
        except (RedisError, OSError) as exc:
            if self._degraded_until is None:
                log.warning("redis unreachable: spent assertions kept in this replica", extra={"error": str(exc)})
            self._degraded_until = time.monotonic() + self.retry_s
            return await self.fallback.spend(adapter_id, jti, expires_at)
        if self._degraded_until is not None:
            log.warning("redis reachable again: spent assertions shared across replicas")
            self._degraded_until = None
        # A jti spent in this replica's memory while Redis was away is still refused here.
        return bool(first) and await self.fallback.spend(adapter_id, jti, expires_at)

    def describe(self) -> dict[str, str]:
        if self._degraded_until is not None:
            return {"backend": "memory", "reason": "redis unreachable: spent assertions kept in this replica"}
        return {"backend": "redis"}

    async def close(self) -> None:
        await self.redis.aclose()
