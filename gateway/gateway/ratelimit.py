"""Per-client token buckets: in memory by default, in Redis when several replicas must share them."""

import math
import time
from typing import Protocol

from redis.asyncio import Redis


class RateLimiter(Protocol):
    async def take(self, client_id: str) -> float | None:
        """None when the request may pass, else the seconds until a token is available."""


class MemoryRateLimiter:
    def __init__(self, rate_per_s: float, burst: int) -> None:
        self.rate = rate_per_s
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}

    async def take(self, client_id: str) -> float | None:
        now = time.monotonic()
        tokens, last = self._buckets.get(client_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens >= 1:
            self._buckets[client_id] = (tokens - 1, now)
            return None
        self._buckets[client_id] = (tokens, now)
        return (1 - tokens) / self.rate


# Atomic refill-and-take with the Redis server's clock, so replicas agree.
_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return tostring(wait)
"""


class RedisRateLimiter:
    def __init__(self, url: str, rate_per_s: float, burst: int, prefix: str = "qz:gateway:bucket:") -> None:
        self.redis = Redis.from_url(url)
        self.rate = rate_per_s
        self.burst = burst
        self.prefix = prefix
        self._script = self.redis.register_script(_TAKE)

    async def take(self, client_id: str) -> float | None:
        wait = float(await self._script(keys=[self.prefix + client_id], args=[self.rate, self.burst]))
        return None if wait <= 0 else wait

    async def close(self) -> None:
        await self.redis.aclose()


def retry_after_header(wait_s: float) -> str:
    return str(max(1, math.ceil(wait_s)))
