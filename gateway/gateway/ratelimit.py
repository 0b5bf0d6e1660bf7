"""Token buckets: in memory by default, in Redis when several replicas must share them.

Buckets are named by what they limit: ``client:<id>`` (an API client; for a 浙里办 adapter, all its citizens
together), ``addr:<ip>`` (requests without a valid key), ``citizen:<adapter>:<digest>`` (one per citizen behind a
浙里办 adapter; the 身份证号 is hashed, never stored). Each bucket is taken at its own ``Rate``; the limiter's own rate
is the API clients'.
When Redis cannot be reached the limiter falls back to in-process buckets (per replica, so looser) and says so in
/readyz and the ``gateway_rate_limiter_degraded`` gauge: no request fails because of it.

Every answer to a request that passed through a bucket, refusals (429, 401, 403) included, describes that bucket in
the fields of draft-ietf-httpapi-ratelimit-headers-06 (the last revision with three separate fields; -07 folded
them into ``RateLimit``/``RateLimit-Policy``): ``RateLimit-Limit`` (the bucket's size, the burst it allows),
``RateLimit-Remaining`` (the whole tokens left after this request) and ``RateLimit-Reset`` (seconds until the bucket
is full again), beside ``Retry-After`` on a 429 (seconds until one token is back). An API client's answers describe
its client bucket, a request without a valid key its address's. A 浙里办 adapter's citizen request takes from two
buckets, the citizen's own and the adapter's shared one: its answer describes the tighter, the one with fewer
tokens left (on a tie, the one that takes longer to fill), which is the one that refuses first.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from typing import Protocol

from fastapi import Request
from redis.asyncio import Redis
from redis.exceptions import RedisError

from gateway.metrics import GatewayMetrics
from gateway.settings import GatewaySettings
from qz_common.context import set_response_header

log = logging.getLogger("qz.gateway.ratelimit")


def client_bucket(client_id: str) -> str:
    return f"client:{client_id}"


def address_bucket(address: str) -> str:
    return f"addr:{address}"


def citizen_bucket(adapter_id: str, id_number: str) -> str:
    return f"citizen:{adapter_id}:{hashlib.sha256(id_number.encode()).hexdigest()[:32]}"


@dataclass(frozen=True)
class Rate:
    """A token bucket's sustained rate (tokens per second) and size (the burst it allows)."""

    per_s: float
    burst: int


def adapter_rate(settings: GatewaySettings) -> Rate:
    """All citizens of one 浙里办 adapter together: ``GATEWAY_ADAPTER_RATE_LIMIT_*``, by default the clients' rate."""
    per_s, burst = settings.adapter_rate_limit_per_s, settings.adapter_rate_limit_burst
    return Rate(
        settings.rate_limit_per_s if per_s is None else per_s, settings.rate_limit_burst if burst is None else burst
    )


def citizen_rate(settings: GatewaySettings) -> Rate:
    """Each citizen behind a 浙里办 adapter: ``GATEWAY_CITIZEN_RATE_LIMIT_*``, by default a tenth of the adapter's."""
    adapter = adapter_rate(settings)
    per_s, burst = settings.citizen_rate_limit_per_s, settings.citizen_rate_limit_burst
    return Rate(adapter.per_s / 10 if per_s is None else per_s, max(1, adapter.burst // 10) if burst is None else burst)


@dataclass(frozen=True)
class Admission:
    """One take from a bucket: ``wait_s`` None when the request passes, else the seconds until a token is back; the
    bucket's ``rate`` and the ``tokens`` left in it after the take."""

    wait_s: float | None
    rate: Rate
    tokens: float

    @property
    def remaining(self) -> int:
        return max(0, math.floor(self.tokens))

    @property
    def reset_s(self) -> int:
        """Whole seconds until the bucket is full again."""
        return max(0, math.ceil((self.rate.burst - self.tokens) / self.rate.per_s))

    def tighter_than(self, other: "Admission") -> bool:
        return (self.remaining, -self.reset_s) < (other.remaining, -other.reset_s)

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.rate.burst),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_s),
        }


def announce(request: Request, admission: Admission) -> None:
    """Describe the tightest bucket this request has taken from so far in its answer's RateLimit fields."""
    tightest: Admission | None = getattr(request.state, "rate_limit", None)
    if tightest is None or admission.tighter_than(tightest):
        request.state.rate_limit = admission
        for name, value in admission.headers().items():
            set_response_header(name, value)


class RateLimiter(Protocol):
    async def take(self, bucket: str, rate: Rate | None = None) -> Admission:
        """A token from ``bucket`` if it has one (``wait_s`` None), and what is left in it.

        ``rate``: the bucket's own rate (None: the limiter's, the API clients' rate)."""

    def describe(self) -> dict[str, str]:
        """Where the buckets live, for /readyz."""

    async def close(self) -> None: ...


class MemoryRateLimiter:
    def __init__(self, rate_per_s: float, burst: int) -> None:
        self.rate = Rate(rate_per_s, burst)
        self._buckets: dict[str, tuple[float, float]] = {}

    async def take(self, bucket: str, rate: Rate | None = None) -> Admission:
        rate = rate or self.rate
        now = time.monotonic()
        if len(self._buckets) > 100_000:  # bound memory against floods from many addresses
            self._buckets.clear()
        tokens, last = self._buckets.get(bucket, (float(rate.burst), now))
        tokens = min(float(rate.burst), tokens + (now - last) * rate.per_s)
        if tokens >= 1:
            self._buckets[bucket] = (tokens - 1, now)
            return Admission(None, rate, tokens - 1)
        self._buckets[bucket] = (tokens, now)
        return Admission((1 - tokens) / rate.per_s, rate, tokens)

    def describe(self) -> dict[str, str]:
        return {"backend": "memory"}

    async def close(self) -> None:
        pass


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
return {tostring(wait), tostring(tokens)}
"""


class RedisRateLimiter:
    """Buckets in Redis, shared by all replicas; in-process buckets while Redis cannot be reached."""

    PREFIX = "qz:gateway:bucket:"
    # Redis answers in a millisecond; a request never waits long for a limiter that is not there.
    SOCKET_TIMEOUT_S = 0.25

    def __init__(self, url: str, rate_per_s: float, burst: int, metrics: GatewayMetrics, retry_s: float = 5.0) -> None:
        self.redis = Redis.from_url(
            url, socket_timeout=self.SOCKET_TIMEOUT_S, socket_connect_timeout=self.SOCKET_TIMEOUT_S
        )
        self.rate = Rate(rate_per_s, burst)
        self.metrics = metrics
        self.retry_s = retry_s
        self.fallback = MemoryRateLimiter(rate_per_s, burst)
        self._degraded_until: float | None = None
        self._script = self.redis.register_script(_TAKE)
        metrics.rate_limiter_degraded.set(0)

    @property
    def degraded(self) -> bool:
        return self._degraded_until is not None

    async def take(self, bucket: str, rate: Rate | None = None) -> Admission:
        rate = rate or self.rate
        if self._degraded_until is not None and time.monotonic() < self._degraded_until:
            return await self.fallback.take(bucket, rate)
        try:
            wait, tokens = await self._script(keys=[self.PREFIX + bucket], args=[rate.per_s, rate.burst])
        except (RedisError, OSError) as exc:
            if self._degraded_until is None:
                log.warning("redis unreachable: rate limits fall back to in-process buckets", extra={"error": str(exc)})
            self._degraded_until = time.monotonic() + self.retry_s
            self.metrics.rate_limiter_degraded.set(1)
            return await self.fallback.take(bucket, rate)
        if self._degraded_until is not None:
            log.warning("redis reachable again: rate limits shared across replicas")
            self._degraded_until = None
            self.metrics.rate_limiter_degraded.set(0)
        wait_s = float(wait)
        return Admission(None if wait_s <= 0 else wait_s, rate, float(tokens))

    def describe(self) -> dict[str, str]:
        if self.degraded:
            return {"backend": "memory", "reason": "redis unreachable: in-process buckets (not shared by replicas)"}
        return {"backend": "redis"}

    async def close(self) -> None:
        await self.redis.aclose()


def retry_after_header(wait_s: float) -> str:
    return str(max(1, math.ceil(wait_s)))
