from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from qz_common.settings import ServiceSettings

DEFAULT_SERVICE_URLS = {
    "expropriation": "http://127.0.0.1:8001",
    "medinsurance": "http://127.0.0.1:8002",
    "science": "http://127.0.0.1:8003",
    "dogs": "http://127.0.0.1:8004",
}

# Accepted in dev mode only, so `./dev up` and the README's curl work with no setup.
DEV_API_KEY = "dev-key"
DEV_ADAPTER_KEY = "dev-zheliban-key"
DEV_ADAPTER_CLIENT = "dev-zheliban-adapter"
DEV_ADAPTER_ASSERTION_SECRET = "dev-zheliban-assertion-secret-not-for-production"


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    database_url: str = "sqlite:///var/gateway.db"
    service_urls: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_SERVICE_URLS))
    # Seconds an upstream call may take before the gateway answers 504.
    default_timeout_s: float = 10.0
    service_timeouts_s: dict[str, float] = Field(default_factory=dict)
    # Each source of a dossier gets this deadline; the dossier never waits longer.
    dossier_deadline_s: float = 2.0
    max_body_bytes: int = 8 * 1024 * 1024
    retry_attempts: int = 2
    retry_backoff_s: float = 0.05
    # Connections per service (each service has its own pool) and how long a request may wait for one (then 503).
    pool_connections_per_service: int = 100
    pool_wait_s: float = 2.0
    breaker_failure_threshold: int = 5
    breaker_reset_s: float = 10.0
    # Token bucket per client: sustained requests per second and burst size.
    rate_limit_per_s: float = 50.0
    rate_limit_burst: int = 100
    # Each 浙里办 adapter: all its citizens together (unset: the clients' rate), and each citizen behind it (unset: a
    # tenth of the adapter's, so that one citizen cannot use up the adapter's). See gateway.ratelimit.
    adapter_rate_limit_per_s: float | None = None
    adapter_rate_limit_burst: int | None = None
    citizen_rate_limit_per_s: float | None = None
    citizen_rate_limit_burst: int | None = None
    # When set, buckets live in Redis so all gateway replicas share them.
    redis_url: str | None = None
    # How long a looked-up API key is trusted before the database is asked again (revocation delay).
    key_cache_s: float = 10.0
    # client_id -> secret with which that 浙里办 adapter signs end-user assertions.
    adapter_assertion_secrets: dict[str, SecretStr] = Field(default_factory=dict)
    # Seconds between retries of failed relocation-case steps.
    relocation_retry_s: float = 30.0
    # The Ed25519 key the gateway, and only the gateway, signs internal identity tokens with: its id (the tokens' kid,
    # a key of QZ_IDENTITY_PUBLIC_KEYS) and the private key (PEM, or base64 of its 32 raw bytes), given here or in a
    # file. Required outside dev mode; dev mode without them signs with the built-in dev-only key.
    identity_key_id: str | None = None
    identity_private_key: SecretStr | None = None
    identity_private_key_file: Path | None = None

    def timeout_for(self, service: str) -> float:
        return self.service_timeouts_s.get(service, self.default_timeout_s)
