"""API keys: issued once, stored as SHA-256, cached briefly in memory.

Keys are 32 random bytes, so a plain SHA-256 is enough (no password stretching
needed); the cache keeps the database off the hot path, at the price of a
revocation taking up to ``key_cache_s`` seconds to bite.
"""

import hashlib
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import func, select

from gateway.models import ApiClient, ApiKey
from gateway.settings import (
    DEV_ADAPTER_CLIENT,
    DEV_ADAPTER_KEY,
    DEV_API_KEY,
    GatewaySettings,
)
from qz_common.db import Database

KEY_PREFIX = "qzk_"


@dataclass(frozen=True)
class Client:
    client_id: str
    kind: str  # system | citizen_adapter
    scopes: frozenset[str]
    district: str | None

    @property
    def is_adapter(self) -> bool:
        return self.kind == "citizen_adapter"

    def may_use(self, service: str) -> bool:
        """Any scope on the service (reads vs writes are enforced by the service itself)."""
        return "*" in self.scopes or any(s.split(":", 1)[0] == service for s in self.scopes)


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


_DEV_CLIENTS = {
    DEV_API_KEY: Client("dev", "system", frozenset({"*"}), None),
    DEV_ADAPTER_KEY: Client(DEV_ADAPTER_CLIENT, "citizen_adapter", frozenset({"me"}), None),
}


class KeyStore:
    def __init__(self, database: Database, settings: GatewaySettings, dev_mode: bool) -> None:
        self.database = database
        self.ttl = settings.key_cache_s
        self.dev_mode = dev_mode
        self._cache: dict[str, tuple[Client | None, float]] = {}

    async def lookup(self, key: str) -> Client | None:
        if self.dev_mode and key in _DEV_CLIENTS:
            return _DEV_CLIENTS[key]
        digest = hash_key(key)
        cached = self._cache.get(digest)
        now = time.monotonic()
        if cached is not None and cached[1] > now:
            return cached[0]
        async with self.database.sessionmaker() as session:
            row = await session.scalar(
                select(ApiClient)
                .join(ApiKey, ApiKey.client_pk == ApiClient.id)
                .where(ApiKey.key_hash == digest, ApiKey.revoked_at.is_(None), ApiClient.revoked_at.is_(None))
            )
        client = Client(row.client_id, row.kind, frozenset(row.scopes), row.district) if row else None
        if len(self._cache) > 10_000:  # bound memory against floods of random keys
            self._cache.clear()
        self._cache[digest] = (client, now + self.ttl)
        return client

    async def active_count(self) -> int:
        async with self.database.sessionmaker() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(ApiKey)
                .join(ApiClient, ApiKey.client_pk == ApiClient.id)
                .where(ApiKey.revoked_at.is_(None), ApiClient.revoked_at.is_(None))
            )
            return int(count or 0)
